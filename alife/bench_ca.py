"""``alife bench ca``: cell updates per second of Life on random soups, beside Golly.

What is timed: ``steps`` generations of B3/S23 on a random N x N soup (density 0.5,
seed 0) on a torus, packed (and copied to the GPU) before the clock starts, after one
untimed generation (which compiles the kernel); on CUDA the clock stops after the
device has finished (a one-word copy back). With ``golly=PATH`` (Golly's command-line
``bgolly``) the same soup, written as an RLE file, is run by bgolly's default QuickLife algorithm on
its unbounded plane in the same call, timed by wall clock as the difference of runs of
``steps + 1`` and 1 generations, so that reading the file cancels out.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass

import numpy as np

from alife.bench import default_backends, print_bench_table, run_anchor
from alife.engine.backend import to_backend, to_host
from alife.substrates.ca import rle
from alife.substrates.ca.life import Stepper, pack
from alife.substrates.ca.life_sim import LifeConfig, random_cells
from alife.substrates.ca.rules import parse_rule


@dataclass(frozen=True)
class CaBenchRow:
    """One measurement: tool, backend, soup side (cells), generations, seconds, trial."""

    tool: str
    backend: str
    size: int
    steps: int
    seconds: float
    trial: int

    @property
    def cell_updates_per_s(self) -> float:
        return self.size * self.size * self.steps / self.seconds


def _soup(size: int) -> np.ndarray:
    return random_cells(LifeConfig(width=size, height=size, density=0.5, seed=0))


def _time_alife(cells: np.ndarray, steps: int, backend: str) -> float:
    stepper = Stepper(parse_rule("B3/S23"), cells.shape[1], torus=True, backend=backend)
    current = to_backend(pack(cells), backend)
    stepper.step(current, current.copy())  # compile, warm caches
    to_host(current[:1, :1])
    start = time.perf_counter()
    result = stepper.run(current, steps)
    to_host(result[:1, :1])  # wait for the device
    return time.perf_counter() - start


def _time_golly(binary: str, path: str, steps: int) -> float:
    """Seconds of ``steps`` generations of the RLE file at ``path`` in bgolly."""

    def wall(generations: int) -> float:
        start = time.perf_counter()
        args = [binary, "-q", "-q", "-m", str(generations), path]
        run_anchor(args, "--golly", "Golly's bgolly (Debian package golly)")
        return time.perf_counter() - start

    return wall(steps + 1) - wall(1)


def bench_ca(
    sizes: tuple[int, ...],
    steps: int,
    *,
    golly: str | None = None,
    repeats: int = 1,
    backends: tuple[str, ...] | None = None,
) -> list[CaBenchRow]:
    """Time alife on each backend (default: cpu, and cuda when usable) and bgolly (given
    its path) on random soups of each size, ``repeats`` times alternating."""
    if backends is None:
        backends = default_backends()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            cells = _soup(size)
            path = os.path.join(tmp, f"soup{size}.rle")
            if golly:
                with open(path, "w") as f:
                    f.write(rle.write(cells))
            for trial in range(repeats):
                for backend in backends:
                    seconds = _time_alife(cells, steps, backend)
                    rows.append(CaBenchRow("alife", backend, size, steps, seconds, trial))
                if golly:
                    seconds = _time_golly(golly, path, steps)
                    rows.append(CaBenchRow("bgolly", "cpu", size, steps, seconds, trial))
    return rows


def print_ca_table(rows: list[CaBenchRow]) -> None:
    """Print the rows with the machine and date."""
    columns = ("trial", "tool", "backend", "size", "generations", "seconds", "cells/s")
    cells = [
        (
            str(r.trial),
            r.tool,
            r.backend,
            f"{r.size}x{r.size}",
            str(r.steps),
            f"{r.seconds:.3f}",
            f"{r.cell_updates_per_s:.3g}",
        )
        for r in rows
    ]
    print_bench_table("Life B3/S23 on random soups", columns, cells)
