"""The auxiliary quine's trade-off (Chang & Lipson 2018): task accuracy against
replication as the weight lambda of the replication loss grows.

    python scripts/reproduce_aux_quine.py [--epochs 60] [--lams 0,0.1,1,10,100]
        [--hidden 100,100] [--lr 0.003] [--method adamax] [--mnist PATH] [--seed 0]

Trains the auxiliary quine (Adamax, or --method adam|sgd; minibatches of 256
coordinates and 256 images) on scikit-learn's 8x8 digits (or MNIST-format IDX files or
.npz with --mnist) for each lambda; lambda = 0 is the plain classifier of the same
shape. Prints the test accuracy of the network and of its copy (every weight replaced
by its prediction) and the replication metrics after training: rho, R^2
over all weights, over the coordinate path (the weights that act when the network
predicts a weight) and over the task-only weights (image columns and logit rows, which
it must predict without using them), and the weight norm against its initial norm.
"""

from __future__ import annotations

import argparse

from alife.quines.metrics import quine_metrics
from alife.quines.training import QuineConfig, QuineSim


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--lams", default="0,0.1,1,10,100")
    parser.add_argument("--hidden", default="100,100")
    parser.add_argument("--lr", type=float, default=0.003)
    parser.add_argument("--method", default="adamax", choices=("adamax", "adam", "sgd"))
    parser.add_argument("--mnist", default="digits")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    hidden = tuple(int(w) for w in args.hidden.split(","))
    print(
        "lambda  test accuracy  copy's accuracy      rho      R^2  R^2 path  R^2 task"
        "   norm / initial"
    )
    for lam in (float(x) for x in args.lams.split(",")):
        config = QuineConfig(
            hidden=hidden,
            method=args.method,
            lr=args.lr,
            seed=args.seed,
            kind="auxiliary",
            lam=lam,
            data=args.mnist,
        )
        sim = QuineSim(config)
        for _ in range(args.epochs):
            sim.step()
        m = {**quine_metrics(sim.model), **sim.task_metrics()}  # each computed once
        print(
            f"{lam:6g}  {m['accuracy']:13.4f}  {m['offspring_accuracy']:15.4f}  "
            f"{m['rho']:7.3g}  {m['r2']:7.3g}  "
            f"{m['r2_coordinate_path']:8.3g}  {m['r2_task_only']:8.3g}   "
            f"{m['weight_norm']:.3g} / {sim.initial_norm:.3g}"
        )


if __name__ == "__main__":
    main()
