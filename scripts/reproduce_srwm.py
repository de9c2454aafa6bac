"""A self-referential weight matrix (Irie et al. 2022) on associative recall: what
rewriting its own weights buys over the same matrix frozen.

    python scripts/reproduce_srwm.py [--steps 1500] [--pairs 4] [--symbols 8] [--seeds 3]

Trains the model of :mod:`alife.quines.srwm` (input projection, one SRWM of width 32,
output head) with Adam on sequences of ``--pairs`` key-value pairs followed by a query
key, and the same model with the SRWM frozen at its initial matrix; prints the test
accuracy of each per seed (chance: 1 / symbols) and the training seconds.
"""

from __future__ import annotations

import argparse
import time

from alife.quines.srwm import train_recall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--pairs", type=int, default=4)
    parser.add_argument("--symbols", type=int, default=8)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    print("seed  self-modifying  frozen  seconds")
    for seed in range(args.seeds):
        start = time.perf_counter()
        options = dict(steps=args.steps, pairs=args.pairs, symbols=args.symbols, seed=seed)
        learned = train_recall(True, **options)
        frozen = train_recall(False, **options)
        print(f"{seed:4d}  {learned:14.3f}  {frozen:6.3f}  {time.perf_counter() - start:7.1f}")


if __name__ == "__main__":
    main()
