"""CPU against CUDA for the torch substrates (issue 8's agreement check, docs/gpu.md).

    python scripts/compare_torch_devices.py [--epochs 3] [--generations 20]
        [--backends cpu,cuda]

Runs each from the same seed on both backends: the paper-sized vanilla quine (Adamax),
the auxiliary quine on the 8x8 digits, and a soup of 100 weight-wise networks with
attacks, lessons and self-training. Every random draw is made on the CPU and moved to
the device, so the runs differ only in float32 rounding (the devices sum in different
orders). After the first epoch or generation and after the last, it prints the largest
weight difference relative to the largest weight, and the metrics of both runs side by
side; the soup's census counts should be equal. It prints what it measured and decides
nothing.
"""

from __future__ import annotations

import argparse
import math

import torch

from alife.quines.net_soup import NetSoupConfig, NetSoupSim
from alife.quines.training import QuineConfig, QuineSim

QUINE_KEYS = ("r2", "rho", "weight_norm", "accuracy", "offspring_accuracy")
SOUP_KEYS = ("fix_zero", "fix_other", "fix_sec", "divergent", "other", "mean_error")


def relative_difference(a: torch.Tensor, b: torch.Tensor) -> float:
    """max |a - b| / max |a|, computed on the CPU in float64."""
    a, b = a.detach().cpu().double(), b.detach().cpu().double()
    return float((a - b).abs().max() / a.abs().max().clamp(min=1e-300))


def report(name: str, step: int, sims, weights, keys) -> None:
    """One line: the weights' relative difference and the metrics of each run."""
    metrics = [sim.metrics() for sim in sims]
    values = "  ".join(
        f"{k} " + " / ".join(f"{m[k]:.6g}" for m in metrics)
        for k in keys
        if not math.isnan(metrics[0].get(k, math.nan))
    )
    print(f"{name} after {step}: weights differ by {relative_difference(*weights):.3g}; {values}")


def compare(name: str, backends, make, steps: int, weights_of, keys) -> None:
    """Step the runs ``make(backend)``, one per backend, side by side ``steps`` times."""
    sims = [make(backend) for backend in backends]
    for step in range(1, steps + 1):
        for sim in sims:
            sim.step()
        if step in (1, steps):
            report(name, step, sims, [weights_of(sim) for sim in sims], keys)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--generations", type=int, default=20)
    parser.add_argument("--backends", default="cpu,cuda")
    args = parser.parse_args()
    backends = args.backends.split(",")
    print(f"backends {' / '.join(backends)}")
    compare(
        "vanilla quine (100, 100)",
        backends,
        lambda backend: QuineSim(QuineConfig(), backend=backend),
        args.epochs,
        lambda sim: sim.model.weights(),
        QUINE_KEYS,
    )
    compare(
        "auxiliary quine, digits",
        backends,
        lambda backend: QuineSim(QuineConfig(kind="auxiliary", lam=1.0), backend=backend),
        args.epochs,
        lambda sim: sim.model.weights(),
        QUINE_KEYS,
    )
    compare(
        "weight-wise soup of 100",
        backends,
        lambda backend: NetSoupSim(NetSoupConfig(train=5), backend=backend),
        args.generations,
        lambda sim: sim.theta,
        SOUP_KEYS,
    )


if __name__ == "__main__":
    main()
