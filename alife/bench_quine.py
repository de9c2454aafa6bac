"""``alife bench quine``: seconds per training epoch of the paper-sized vanilla quine.

What is timed: ``epochs`` epochs of each method (Adamax: one shuffled pass over all
20,100 coordinates in minibatches of ``batch``; regeneration: one prediction of every
weight) after one untimed epoch, on each backend (cpu, and cuda when torch sees a GPU),
without the per-epoch metrics. On CUDA the clock stops after the device has finished.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import torch

from alife.bench import print_bench_table
from alife.quines.training import QuineConfig, QuineSim


@dataclass(frozen=True)
class QuineBenchRow:
    """One measurement: backend, method, epochs, seconds, trial."""

    backend: str
    method: str
    epochs: int
    seconds: float
    trial: int


def _time(backend: str, method: str, epochs: int, batch: int) -> float:
    sim = QuineSim(QuineConfig(method=method, batch=batch), backend=backend)
    sim.step()

    def wait():
        if backend == "cuda":
            torch.cuda.synchronize()

    wait()
    start = time.perf_counter()
    for _ in range(epochs):
        sim.step()
    wait()
    return time.perf_counter() - start


def bench_quine(
    epochs: int, *, batch: int = 256, repeats: int = 1, backends: tuple[str, ...] | None = None
) -> list[QuineBenchRow]:
    """Time Adamax and regeneration epochs on each backend, ``repeats`` times."""
    if backends is None:
        backends = ("cpu", "cuda") if torch.cuda.is_available() else ("cpu",)
    return [
        QuineBenchRow(backend, method, epochs, _time(backend, method, epochs, batch), trial)
        for trial in range(repeats)
        for backend in backends
        for method in ("adamax", "regen")
    ]


def print_quine_table(rows: list[QuineBenchRow]) -> None:
    """Print the rows with the machine and date."""
    cells = [
        (
            str(r.trial),
            r.backend,
            r.method,
            str(r.epochs),
            f"{r.seconds:.3f}",
            f"{r.seconds / r.epochs:.4f}",
        )
        for r in rows
    ]
    columns = ("trial", "backend", "method", "epochs", "seconds", "s/epoch")
    print_bench_table("vanilla quine, 20,100 weights", columns, cells)
