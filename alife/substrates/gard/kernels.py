"""One GARD generation per assembly (grow by Gillespie events to N_max, then split),
written once for the CPU (numba, parallel over assemblies) and CUDA (a thread per
assembly).

Per event, with ``c_i = sum_j beta_ij n_j`` kept up to date incrementally (one column
of beta per event, O(N_G)): the 2 N_G rates (joins of species 0..N_G-1, then leaves)
are written to a scratch row and summed in that order to ``R``; draw ``u`` picks the
first rate whose running sum exceeds ``u R``; draw ``u'`` adds ``-log(1 - u') / R`` to
the clock. At N_max, ``N_max // 2`` molecules are drawn one by one without replacement
(draw ``u`` picks molecule ``floor(u M)`` of the M left, counting species in order) into
the daughter, which the lineage follows, and ``c`` is recomputed from it. An assembly
whose last molecule leaves is dead and stays so.
"""

from __future__ import annotations

import functools
import math
from types import SimpleNamespace

import numba
import numpy as np

from alife.engine.rng import rng_functions
from alife.engine.targets import device_jit

_TOP53 = np.uint64(11)
_UNIT = 2.0**-53


def build_bodies(target: str) -> SimpleNamespace:
    """The per-assembly functions compiled for ``target``."""
    jit = device_jit(target, inline=False)
    mix = rng_functions(target).splitmix64

    @jit
    def uniform(key, counter):
        return np.float64(mix(key + np.uint64(counter)) >> _TOP53) * _UNIT

    @jit
    def recompute(counts, catal, beta):
        species = counts.shape[0]
        for i in range(species):
            total = 0.0
            for j in range(species):
                total += beta[i, j] * counts[j]
            catal[i] = total

    @jit
    def split(counts, daughter, nmin, key, counter):
        """Move ``nmin`` molecules drawn without replacement into ``daughter``, make it
        the assembly; returns the next counter."""
        species = counts.shape[0]
        left = 0
        for i in range(species):
            left += counts[i]
            daughter[i] = 0
        for _ in range(nmin):
            pick = np.int64(uniform(key, counter) * left)
            counter += 1
            i = 0
            seen = counts[0]
            while seen <= pick:
                i += 1
                seen += counts[i]
            counts[i] -= 1
            daughter[i] += 1
            left -= 1
        for i in range(species):
            counts[i] = daughter[i]
        return counter

    @jit
    def generation(counts, catal, beta, kf_rho, kb, nmax, key, counter, rates, daughter, grown):
        """Grow ``counts`` to ``nmax``, copy that composition to ``grown`` and split.
        Returns (counter, elapsed time, events, alive); on death the counts (and
        ``grown``) are all zero."""
        species = counts.shape[0]
        size = 0
        for i in range(species):
            size += counts[i]
        elapsed = 0.0
        events = 0
        while 0 < size < nmax:
            total = 0.0
            for i in range(species):
                boost = 1.0 + catal[i] / size
                rates[i] = kf_rho[i] * size * boost
                rates[species + i] = kb * counts[i] * boost
            for k in range(2 * species):
                total += rates[k]
            target = uniform(key, counter) * total
            wait = uniform(key, counter + 1)
            counter += 2
            chosen = 2 * species - 1
            running = 0.0
            for k in range(2 * species):
                running += rates[k]
                if running > target and rates[k] > 0.0:
                    chosen = k
                    break
            while rates[chosen] == 0.0:  # rounding left the pick past the last rate
                chosen -= 1
            elapsed += -math.log(1.0 - wait) / total
            events += 1
            if chosen < species:
                counts[chosen] += 1
                size += 1
                for i in range(species):
                    catal[i] += beta[i, chosen]
            else:
                leaving = chosen - species
                counts[leaving] -= 1
                size -= 1
                for i in range(species):
                    catal[i] -= beta[i, leaving]
        for i in range(species):
            grown[i] = counts[i]
        if size == 0:
            return counter, elapsed, events, False
        counter = split(counts, daughter, nmax // 2, key, counter)
        recompute(counts, catal, beta)
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
        keys,
        counters,
        alive,
        trace,
        times,
        events,
        scratch,
        daughters,
    ):
        """Assembly ``a``'s ``trace.shape[1]`` generations (see :func:`ensemble_kernel`)."""
        species = counts.shape[1]
        beta = betas[beta_index[a]]
        catal, rates = scratch[a, :species], scratch[a, species:]
        recompute(counts[a], catal, beta)
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

    return SimpleNamespace(generation=generation, lineage=lineage, uniform=uniform)


@functools.cache
def _cpu_kernel():
    lineage = build_bodies("cpu").lineage

    @numba.njit(parallel=True)
    def run(
        counts,
        betas,
        beta_index,
        kf_rho,
        kb,
        nmax,
        keys,
        counters,
        alive,
        trace,
        times,
        events,
        scratch,
        daughters,
    ):
        for a in numba.prange(counts.shape[0]):
            lineage(
                a,
                counts,
                betas,
                beta_index,
                kf_rho,
                kb,
                nmax,
                keys,
                counters,
                alive,
                trace,
                times,
                events,
                scratch,
                daughters,
            )

    return run


def ensemble_kernel(backend: str):
    """``run(counts, betas, beta_index, kf_rho, kb, nmax, keys, counters, alive, trace,
    times, events, scratch, daughters)``: every living assembly a of counts (B, N_G)
    int32 runs ``trace.shape[1]`` generations under betas[beta_index[a]] (betas (M, N_G,
    N_G) float64, beta_index (B,) int64) and kf_rho (N_G,) float64 (``k_f rho_i``),
    drawing from stream keys[a] (uint64) from counters[a] (uint64, advanced); trace
    (B, G, N_G) int32 gets each generation's composition at N_max, times (B, G) float64
    its duration, events (B, G) int64 its events; alive (B,) bool is cleared on death.
    Scratch: (B, 3 N_G) float64 and daughters (B, N_G) int32. Arrays of ``backend``."""
    if backend == "cpu":
        return _cpu_kernel()
    from alife.substrates.gard.kernels_cuda import cuda_kernel

    return cuda_kernel()
