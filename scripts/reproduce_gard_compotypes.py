"""Compotypes and mutual catalysis, and selection toward a compotype (Markovitch &
Lancet 2012): lineages whose catalysis network is mutually catalytic (high P_mc) spend
more generations in compotypes, and populations selected toward a compotype hold it
more often than unselected ones.

    python scripts/reproduce_gard_compotypes.py [--chemistries 64] [--generations 1000]
        [--species 100] [--nmax 100] [--sigma 4] [--seed 0] [--backend cpu]
        [--populations 8] [--size 50] [--epochs 40] [--bias 1.1 --bias 3]
        [--target-compotype 1]

Simulates one lineage in each of ``--chemistries`` catalysis matrices (beta seeds
``seed .. seed + K - 1``, lognormal mu = -4, sigma ``--sigma``) in one batched call, then prints,
per chemistry sorted by P_mc: the share of non-drift generations (mean H to neighbours
> 0.9), the number of compotypes and the share of generations in the commonest one;
then the rank correlation (Spearman) between P_mc and the non-drift share, and the
non-drift share in the lower and upper halves of P_mc.

Selection: in the chemistry with the most compotypes, the target is its compotype
``--target-compotype`` (default 1, the second commonest: the commonest may win without
help). ``--populations`` Moran
populations of ``--size`` assemblies run ``--epochs`` epochs (``size`` fissions each)
with each ``--bias`` (default 1.1, the reference code's, and 3) and without (bias 0),
same seeds; printed: the share of
assemblies within H > 0.9 of the target and their mean H to it, averaged over the
populations and the second half of the epochs, and the mean Price terms of the selected
populations.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from alife.substrates.gard.compotypes import compotypes
from alife.substrates.gard.ensemble import Ensemble
from alife.substrates.gard.model import GardConfig, mutual_catalysis
from alife.substrates.gard.population import PopulationConfig
from alife.substrates.gard.population_sim import PopulationSim


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chemistries", type=int, default=64)
    parser.add_argument("--generations", type=int, default=1000)
    parser.add_argument("--species", type=int, default=100)
    parser.add_argument("--nmax", type=int, default=100)
    parser.add_argument("--sigma", type=float, default=4.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--backend", default="cpu")
    parser.add_argument("--populations", type=int, default=8)
    parser.add_argument("--size", type=int, default=50)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--bias", type=float, action="append")
    parser.add_argument("--target-compotype", type=int, default=1)
    args = parser.parse_args()
    args.bias = args.bias or [1.1, 3.0]
    from scipy.stats import spearmanr

    config = GardConfig(
        species=args.species,
        nmax=args.nmax,
        sigma=args.sigma,
        seed=args.seed,
        replicas=args.chemistries,
        distinct_betas=True,
    )
    start = time.perf_counter()
    ensemble = Ensemble(config, backend=args.backend)
    out = ensemble.run(args.generations)
    seconds = time.perf_counter() - start
    rows, found_by_chemistry = [], []
    for a in range(config.replicas):
        trace = out["trace"][a]
        living = int((trace.sum(axis=1) > 0).sum())
        found = compotypes(trace[:living]) if living > 2 else None
        share = float(np.mean(found.labels >= 0)) if found else 0.0
        top = float(found.frequencies().max()) if found and found.count else 0.0
        p_mc = mutual_catalysis(ensemble.betas[a])
        rows.append((p_mc, share, found.count if found else 0, top, living))
        found_by_chemistry.append(found)
    richest = max(range(config.replicas), key=lambda a: getattr(found_by_chemistry[a], "count", 0))
    rows.sort()
    print(
        f"{config.replicas} chemistries x {args.generations} generations, "
        f"{int(out['events'].sum())} events in {seconds:.1f} s ({args.backend})"
    )
    print(f"{'P_mc':>10} {'non-drift':>10} {'compotypes':>10} {'commonest':>10} {'lived':>6}")
    for p_mc, share, count, top, living in rows:
        print(f"{p_mc:10.3g} {share:10.1%} {count:10d} {top:10.1%} {living:6d}")
    p_mcs, shares = np.array([r[0] for r in rows]), np.array([r[1] for r in rows])
    rho, p_value = spearmanr(p_mcs, shares)
    counts = np.array([r[2] for r in rows])
    rho_count, p_count = spearmanr(p_mcs, counts)
    half = len(rows) // 2
    print(
        f"Spearman rho(P_mc, non-drift share) = {rho:.2f} (p = {p_value:.2g}); "
        f"non-drift share, lower half of P_mc: {shares[:half].mean():.1%}, "
        f"upper half: {shares[half:].mean():.1%}"
    )
    print(
        f"Spearman rho(P_mc, compotypes) = {rho_count:.2f} (p = {p_count:.2g}); mean "
        f"compotypes, lower half: {counts[:half].mean():.2f}, upper half: "
        f"{counts[half:].mean():.2f}"
    )
    if args.populations:
        selection(args, config, config.beta_seed + richest, found_by_chemistry[richest])


def selection(args, config: GardConfig, beta_seed: int, found) -> None:
    """Populations with and without selection toward one of ``found``'s compotypes."""
    k = min(args.target_compotype, found.count - 1)
    target = tuple(found.centres[k])
    print(
        f"\nselection toward compotype {k} of chemistry "
        f"{beta_seed} ({found.count} compotypes, shares "
        f"{', '.join(f'{x:.1%}' for x in found.frequencies())}), "
        f"{args.populations} populations of {args.size}, {args.epochs} epochs"
    )
    for bias in (*args.bias, 0.0):
        population = PopulationConfig(
            species=config.species,
            nmax=config.nmax,
            seed=args.seed,
            beta_seed=beta_seed,
            bias=bias,
            target=target,
            size=args.size,
            populations=args.populations,
        )
        sim = PopulationSim(population, backend=args.backend)
        records = []
        for _ in range(args.epochs):
            sim.step()
            records.append(sim.metrics())
        late = records[args.epochs // 2 :]
        mean = {k: float(np.mean([r[k] for r in late])) for k in records[0]}
        print(
            f"bias {bias:4.2f}: target share {mean['target_share']:6.1%}, mean H to target "
            f"{mean['target_h']:.3f}, Price between {mean['price_between']:+.4f}, "
            f"transmission {mean['price_transmission']:+.4f}, change {mean['price_change']:+.4f}"
        )


if __name__ == "__main__":
    main()
