"""Soups of self-replicating networks (Gabor et al.): which fixpoints a soup ends in, as
attacks and self-training compete.

    python scripts/reproduce_net_soups.py [--kind weightwise] [--size 100]
        [--generations 200] [--seeds 3] [--attack-rates 0,0.01,0.02,0.05,0.1]
        [--trains 0,20] [--lr 0.04]

Runs a soup of networks of one family (the papers' 14-weight linear weight-wise ones by
default, or aggregating or recurrent) for every pair of attack rate and self-training
steps per generation (learn rate 0.1, one step a lesson), and prints the
final census (networks per fixpoint class, mean over seeds) and the mean weight norm.
"""

from __future__ import annotations

import argparse

import numpy as np

from alife.quines.net_families import FIXPOINT_CLASSES
from alife.quines.net_soup import KINDS, NetSoupConfig, NetSoupSim


def final_census(config: NetSoupConfig, generations: int) -> dict[str, float]:
    """The census and mean weight norm after ``generations`` generations."""
    sim = NetSoupSim(config)
    for _ in range(generations):
        sim.step()
    metrics = sim.metrics()
    return {key: metrics[key] for key in (*FIXPOINT_CLASSES, "mean_norm")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", default="weightwise", choices=KINDS)
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--generations", type=int, default=200)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--attack-rates", default="0,0.01,0.02,0.05,0.1")
    parser.add_argument("--trains", default="0,20")
    parser.add_argument("--lr", type=float, default=0.04)
    args = parser.parse_args()
    print("attack  train  " + "  ".join(f"{name:>9}" for name in FIXPOINT_CLASSES) + "  norm")
    for train in (int(t) for t in args.trains.split(",")):
        for attack in (float(a) for a in args.attack_rates.split(",")):
            runs = [
                final_census(
                    NetSoupConfig(
                        kind=args.kind,
                        size=args.size,
                        attack_rate=attack,
                        train=train,
                        lr=args.lr,
                        seed=seed,
                    ),
                    args.generations,
                )
                for seed in range(args.seeds)
            ]
            means = {key: float(np.mean([run[key] for run in runs])) for key in runs[0]}
            counts = "  ".join(f"{means[name]:9.1f}" for name in FIXPOINT_CLASSES)
            print(f"{attack:6g}  {train:5d}  {counts}  {means['mean_norm']:.3g}")


if __name__ == "__main__":
    main()
