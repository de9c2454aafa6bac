"""Chang & Lipson's vanilla quine under honest metrics: what the paper's three training
regimes reach.

    python scripts/reproduce_quines.py [--epochs 30] [--hidden 100,100] [--seed 0]
        [--lr 0.001] [--batch 256] [--methods adamax,regen,alternate]
        [--regen-every 1] [--keep-norm] [--activation selu|tanh|sin|leaky_relu]

Trains the paper-sized network (two hidden layers of 100, 20,100 weights) with Adamax,
with regeneration and with the two alternating, and prints for each after training:
L_SR, the relative error rho = L_SR / sum theta^2, R^2 of predicted against actual
weights (all, and the worst layer), the weight norm against its initial norm, whether
that counts as a non-trivial quine (R^2 >= 0.9, norm >= half the initial), what
repeated regeneration reaches and the spectral radius of regeneration's Jacobian (each
plain and keeping the norm: a quine attracts regeneration only below 1), and seconds
per epoch. ``--regen-every K`` regenerates only after every K-th epoch of the
alternating regime; ``--keep-norm`` rescales each regeneration to the weight norm it
replaces; ``--activation`` replaces the paper's SELU.
"""

from __future__ import annotations

import argparse

from alife.quines.metrics import (
    classify_fixed_point,
    is_nontrivial,
    quine_metrics,
    regeneration_radii,
)
from alife.quines.training import QuineConfig, QuineSim
from alife.quines.vanilla import ACTIVATIONS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--hidden", default="100,100")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--methods", default="adamax,regen,alternate")
    parser.add_argument("--regen-every", type=int, default=1)
    parser.add_argument("--keep-norm", action="store_true")
    parser.add_argument("--activation", default="selu", choices=sorted(ACTIVATIONS))
    args = parser.parse_args()
    hidden = tuple(int(w) for w in args.hidden.split(","))
    print(
        "method      L_SR        rho     R^2  worst layer  norm / initial  non-trivial  "
        "fixed point (norm kept)  radius J (norm kept)  s/epoch"
    )
    for method in args.methods.split(","):
        config = QuineConfig(
            hidden=hidden,
            method=method,
            lr=args.lr,
            batch=args.batch,
            seed=args.seed,
            regen_every=args.regen_every if method == "alternate" else 1,
            keep_norm=args.keep_norm,
            activation=args.activation,
        )
        sim = QuineSim(config)
        seconds = []
        for _ in range(args.epochs):
            sim.step()
            seconds.append(sim.metrics()["epoch_seconds"])
        values, radii = quine_metrics(sim.model), regeneration_radii(sim.model)
        worst = min(v for k, v in values.items() if k.startswith("r2_layer"))
        print(
            f"{method:<10} {values['l_sr']:10.4g} {values['rho']:9.3g} {values['r2']:7.3g} "
            f"{worst:12.3g} {values['weight_norm']:7.3g} / {sim.initial_norm:<6.3g} "
            f"{'yes' if is_nontrivial(values, sim.initial_norm) else 'no':>11}  "
            f"{classify_fixed_point(sim.model):>11} "
            f"({classify_fixed_point(sim.model, keep_norm=True)})  "
            f"{radii['plain']:8.3g} ({radii['norm_kept']:.3g})  {sum(seconds) / len(seconds):7.3f}"
        )


if __name__ == "__main__":
    main()
