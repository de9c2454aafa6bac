"""GARD kernels: lineages (one assembly followed through generations) and Moran
populations, written once for the CPU (numba, parallel over lineages or populations)
and CUDA (a thread per lineage or population).

Per event, with ``c_i = sum_j w_ij beta_ij n_j`` kept up to date incrementally (one
column of beta per event, O(N_G)): the 2 N_G rates of an assembly (joins of species
0..N_G-1, then leaves) are written to a scratch row and summed in that order to ``R``;
a draw ``u`` picks the first rate whose running sum exceeds ``u R``; a draw ``u'`` adds
``-log(1 - u') / R`` to the clock. At N_max, ``N_max // 2`` molecules are drawn one by
one without replacement (draw ``u`` picks molecule ``floor(u M)`` of the M left,
counting species in order) into a daughter, and ``c`` is recomputed.

Selection (``bias`` > 0, Markovitch & Lancet 2012, the reference code's ``modifybeta``
method 1): after each split an assembly's weights become ``w_ij = g`` for species i and
j both present in it, else 1, with ``g = bias * H(assembly, target)``; ``bias = 0``
leaves every weight 1 (plain GARD).

A population (the reference code's ``population_gard``) is P assemblies under one clock:
per event, draw ``u`` picks an assembly by the running sum of their total rates, ``u'``
the waiting time, ``u''`` the event within the assembly. An assembly that
reaches N_max splits: the drawn half stays in its place and the rest replaces another
assembly chosen uniformly (Moran); an assembly whose last molecule leaves is replaced by
a fresh one of N_max uniformly drawn molecules, which splits at once.
"""

from __future__ import annotations

import functools
import math
from types import SimpleNamespace

import numba
import numpy as np

from alife.engine.exact_math import build_exact_math
from alife.engine.rng import rng_functions
from alife.engine.targets import device_jit

_TOP53 = np.uint64(11)
_UNIT = 2.0**-53
_U1, _U2, _U3 = np.uint64(1), np.uint64(2), np.uint64(3)  # counter steps, kept unsigned:
# numba, like numpy, makes uint64 + int64 a float64


def build_bodies(target: str) -> SimpleNamespace:
    """The per-assembly functions compiled for ``target``. Every float product goes
    through ``mul`` and the clock through the exact ``log``, so a GPU rounds as the CPU
    does (see :mod:`alife.engine.exact_math`)."""
    jit = device_jit(target, inline=False)
    mix = rng_functions(target).splitmix64
    exact = build_exact_math(target)
    mul, log = exact.mul, exact.log

    @jit
    def uniform(key, counter):
        return mul(np.float64(mix(key + counter) >> _TOP53), _UNIT)

    @jit
    def weight(mask, factor, i, j):
        if mask[i] and mask[j]:
            return factor
        return 1.0

    @jit
    def recompute(counts, catal, beta, mask, factor):
        species = counts.shape[0]
        for i in range(species):
            total = 0.0
            for j in range(species):
                total += mul(mul(beta[i, j], weight(mask, factor, i, j)), np.float64(counts[j]))
            catal[i] = total

    @jit
    def rebias(counts, mask, target, bias):
        """The weight ``bias * H(counts, target)`` after a split; ``mask`` <- the
        species present. Returns 1.0 (no selection) when ``bias`` is 0."""
        if bias == 0.0:
            return 1.0
        dot = 0.0
        own = 0.0
        other = 0.0
        for i in range(counts.shape[0]):
            dot += mul(np.float64(counts[i]), target[i])
            own += counts[i] * counts[i]
            other += mul(target[i], target[i])
            mask[i] = counts[i] > 0
        return mul(bias, dot / mul(math.sqrt(own), math.sqrt(other)))

    @jit
    def fill_rates(counts, catal, kf_rho, kb, size, rates):
        """Write the 2 N_G rates of an assembly of ``size`` molecules; return their sum."""
        species = counts.shape[0]
        for i in range(species):
            boost = 1.0 + catal[i] / size
            rates[i] = mul(mul(kf_rho[i], np.float64(size)), boost)
            rates[species + i] = mul(mul(kb, np.float64(counts[i])), boost)
        total = 0.0
        for k in range(2 * species):
            total += rates[k]
        return total

    @jit
    def choose(rates, goal):
        """The first rate whose running sum exceeds ``goal`` (the last positive one
        when rounding leaves the sum short)."""
        chosen = rates.shape[0] - 1
        running = 0.0
        for k in range(rates.shape[0]):
            running += rates[k]
            if running > goal and rates[k] > 0.0:
                chosen = k
                break
        while rates[chosen] == 0.0:
            chosen -= 1
        return chosen

    @jit
    def apply_event(counts, catal, beta, mask, factor, chosen):
        """Add (chosen < N_G) or remove a molecule and update ``c``; returns +1 or -1."""
        species = counts.shape[0]
        moved = chosen if chosen < species else chosen - species
        sign = 1 if chosen < species else -1
        counts[moved] += sign
        for i in range(species):
            change = mul(beta[i, moved], weight(mask, factor, i, moved))
            if sign > 0:
                catal[i] += change
            else:
                catal[i] -= change
        return sign

    @jit
    def split(counts, daughter, nmin, key, counter):
        """Draw ``nmin`` molecules of ``counts`` without replacement into ``daughter``
        (``counts`` keeps the rest); returns the next counter."""
        species = counts.shape[0]
        left = 0
        for i in range(species):
            left += counts[i]
            daughter[i] = 0
        for _ in range(nmin):
            pick = np.int64(mul(uniform(key, counter), np.float64(left)))
            counter += _U1
            i = 0
            seen = counts[0]
            while seen <= pick:
                i += 1
                seen += counts[i]
            counts[i] -= 1
            daughter[i] += 1
            left -= 1
        return counter

    @jit
    def generation(
        counts,
        catal,
        beta,
        mask,
        factor,
        kf_rho,
        kb,
        nmax,
        key,
        counter,
        rates,
        daughter,
        grown,
    ):
        """Grow ``counts`` to ``nmax``, copy that composition to ``grown`` and split,
        keeping the drawn half. Returns (counter, elapsed time, events, alive); on death
        the counts (and ``grown``) are all zero."""
        species = counts.shape[0]
        size = 0
        for i in range(species):
            size += counts[i]
        elapsed = 0.0
        events = 0
        while 0 < size < nmax:
            total = fill_rates(counts, catal, kf_rho, kb, size, rates)
            goal = mul(uniform(key, counter), total)
            wait = uniform(key, counter + _U1)
            counter += _U2
            elapsed += -log(1.0 - wait) / total
            events += 1
            size += apply_event(counts, catal, beta, mask, factor, choose(rates, goal))
        for i in range(species):
            grown[i] = counts[i]
        if size == 0:
            return counter, elapsed, events, False
        counter = split(counts, daughter, nmax // 2, key, counter)
        for i in range(species):
            counts[i] = daughter[i]
        return counter, elapsed, events, True

    @jit
    def lineage(
        a,
        counts,
        betas,
        beta_index,
        kf_rho,
        kb,
        nmax,
        target,
        bias,
        keys,
        counters,
        alive,
        masks,
        factors,
        trace,
        times,
        events,
        scratch,
        daughters,
    ):
        """Assembly ``a``'s ``trace.shape[1]`` generations (see :func:`lineage_kernel`)."""
        species = counts.shape[1]
        beta = betas[beta_index[a]]
        catal, rates = scratch[a, :species], scratch[a, species:]
        recompute(counts[a], catal, beta, masks[a], factors[a])
        for g in range(trace.shape[1]):
            if not alive[a]:
                for i in range(species):
                    trace[a, g, i] = 0
                times[a, g] = 0.0
                events[a, g] = 0
                continue
            counter, elapsed, n_events, living = generation(
                counts[a],
                catal,
                beta,
                masks[a],
                factors[a],
                kf_rho,
                kb,
                nmax,
                keys[a],
                counters[a],
                rates,
                daughters[a],
                trace[a, g],
            )
            counters[a] = counter
            alive[a] = living
            times[a, g] = elapsed
            events[a, g] = n_events
            if living:
                factors[a] = rebias(counts[a], masks[a], target, bias)
                recompute(counts[a], catal, beta, masks[a], factors[a])

    @jit
    def reset_assembly(
        p, counts, catal, beta, masks, factors, kf_rho, kb, target, bias, totals, rates
    ):
        """After ``counts[p]`` changed wholesale: new weights, ``c`` and total rate."""
        factors[p] = rebias(counts[p], masks[p], target, bias)
        recompute(counts[p], catal[p], beta, masks[p], factors[p])
        size = 0
        for i in range(counts.shape[1]):
            size += counts[p, i]
        totals[p] = fill_rates(counts[p], catal[p], kf_rho, kb, size, rates)

    @jit
    def population(
        b,
        counts,
        betas,
        beta_index,
        kf_rho,
        kb,
        nmax,
        target,
        bias,
        keys,
        counters,
        masks,
        factors,
        catal,
        totals,
        rates,
        daughters,
        splits_wanted,
        splits,
        replaced,
        origin,
        events,
        elapsed,
    ):
        """Population ``b`` runs until ``splits_wanted`` more splits; ``splits`` (P,)
        counts each place's splits (the parent), ``replaced`` (P,) how often it was
        overwritten by another's daughter, ``origin`` (P,) the place each assembly
        descends from at the start of the call (a daughter inherits its parent's)."""
        size_of = counts.shape[2]
        places = counts.shape[1]
        beta = betas[beta_index[b]]
        pop, pop_catal, pop_masks = counts[b], catal[b], masks[b]
        counter = counters[b]
        for p in range(places):
            reset_assembly(
                p,
                pop,
                pop_catal,
                beta,
                pop_masks,
                factors[b],
                kf_rho,
                kb,
                target,
                bias,
                totals[b],
                rates[b],
            )
        for p in range(places):
            origin[b, p] = p
        done = 0
        while done < splits_wanted:
            grand = 0.0
            for p in range(places):
                grand += totals[b, p]
            goal = mul(uniform(keys[b], counter), grand)
            wait = uniform(keys[b], counter + _U1)
            pick = uniform(keys[b], counter + _U2)
            counter += _U3
            elapsed[b] += -log(1.0 - wait) / grand
            events[b] += 1
            chosen = places - 1
            running = 0.0
            for p in range(places):
                running += totals[b, p]
                if running > goal and totals[b, p] > 0.0:
                    chosen = p
                    break
            while totals[b, chosen] == 0.0:
                chosen -= 1
            size = 0
            for i in range(size_of):
                size += pop[chosen, i]
            inner = fill_rates(pop[chosen], pop_catal[chosen], kf_rho, kb, size, rates[b])
            event = choose(rates[b], mul(pick, inner))
            size += apply_event(
                pop[chosen], pop_catal[chosen], beta, pop_masks[chosen], factors[b, chosen], event
            )
            if size == 0:  # dead: a fresh assembly of nmax uniform molecules takes the place
                for _ in range(nmax):
                    s = np.int64(mul(uniform(keys[b], counter), np.float64(size_of)))
                    counter += _U1
                    pop[chosen, min(s, size_of - 1)] += 1
                size = nmax
            if size < nmax:
                totals[b, chosen] = fill_rates(
                    pop[chosen], pop_catal[chosen], kf_rho, kb, size, rates[b]
                )
                continue
            other = np.int64(mul(uniform(keys[b], counter), np.float64(places - 1)))
            counter += _U1
            if other >= chosen:
                other += 1
            counter = split(pop[chosen], daughters[b], nmax // 2, keys[b], counter)
            for i in range(size_of):  # the drawn half stays, the rest replaces `other`
                rest = pop[chosen, i]
                pop[chosen, i] = daughters[b, i]
                pop[other, i] = rest
            splits[b, chosen] += 1
            replaced[b, other] += 1
            origin[b, other] = origin[b, chosen]
            done += 1
            reset_assembly(
                chosen,
                pop,
                pop_catal,
                beta,
                pop_masks,
                factors[b],
                kf_rho,
                kb,
                target,
                bias,
                totals[b],
                rates[b],
            )
            reset_assembly(
                other,
                pop,
                pop_catal,
                beta,
                pop_masks,
                factors[b],
                kf_rho,
                kb,
                target,
                bias,
                totals[b],
                rates[b],
            )
        counters[b] = counter

    return SimpleNamespace(lineage=lineage, population=population, uniform=uniform)


def _over_first_axis(body):
    """A numba-parallel CPU kernel running ``body(i, *args)`` for every i along the first
    axis of the first argument (a lineage or a population each)."""

    @numba.njit(parallel=True)
    def kernel(*args):
        for i in numba.prange(args[0].shape[0]):
            body(i, *args)

    return kernel


@functools.cache
def _cpu_kernels():
    bodies = build_bodies("cpu")
    return SimpleNamespace(
        lineages=_over_first_axis(bodies.lineage),
        populations=_over_first_axis(bodies.population),
    )


def kernels(backend: str) -> SimpleNamespace:
    """``lineages(...)`` and ``populations(...)`` for ``backend``: each takes the
    arguments of the body ``lineage`` / ``population`` after its index, and runs it for
    every lineage / population (see :class:`alife.substrates.gard.ensemble.Ensemble` and
    :class:`alife.substrates.gard.population.Populations` for the arrays)."""
    if backend == "cpu":
        return _cpu_kernels()
    from alife.substrates.gard.kernels_cuda import cuda_kernels

    return cuda_kernels()
