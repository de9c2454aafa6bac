"""``alife bench ca``: cell updates per second of Life on random soups, beside Golly.

What is timed: ``steps`` generations of B3/S23 on a random N x N soup (density 0.5,
seed 0) on a torus, packed once before the clock starts, after one untimed generation
(which compiles the kernel). With ``golly=PATH`` (Golly's command-line ``bgolly``) the
same soup, written as an RLE file, is run by bgolly's default QuickLife algorithm on
its unbounded plane in the same call, timed by wall clock as the difference of runs of
``steps + 1`` and 1 generations, so that reading the file cancels out.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass

import numpy as np

from alife.bench import machine_description
from alife.substrates.ca import rle
from alife.substrates.ca.life import pack, step_words
from alife.substrates.ca.life_sim import LifeConfig, random_cells
from alife.substrates.ca.rules import parse_rule


@dataclass(frozen=True)
class CaBenchRow:
    """One measurement: tool, soup side (cells), generations, seconds, trial."""

    tool: str
    size: int
    steps: int
    seconds: float
    trial: int

    @property
    def cell_updates_per_s(self) -> float:
        return self.size * self.size * self.steps / self.seconds


def _soup(size: int) -> np.ndarray:
    return random_cells(LifeConfig(width=size, height=size, density=0.5, seed=0))


def _time_alife(cells: np.ndarray, steps: int) -> float:
    rule = parse_rule("B3/S23")
    birth, survival = np.int64(rule.birth), np.int64(rule.survival)
    width = cells.shape[1]
    current, spare = pack(cells), np.empty((cells.shape[0], -(-width // 64)), np.uint64)
    step_words(current, spare, birth, survival, width, True)  # compile, warm caches
    start = time.perf_counter()
    for _ in range(steps):
        step_words(current, spare, birth, survival, width, True)
        current, spare = spare, current
    return time.perf_counter() - start


def _time_golly(binary: str, cells: np.ndarray, steps: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "soup.rle")
        with open(path, "w") as f:
            f.write(rle.write(cells))

        def wall(generations: int) -> float:
            start = time.perf_counter()
            subprocess.run(
                [binary, "-q", "-q", "-m", str(generations), path],
                check=True,
                capture_output=True,
            )
            return time.perf_counter() - start

        return wall(steps + 1) - wall(1)


def bench_ca(
    sizes: tuple[int, ...], steps: int, *, golly: str | None = None, repeats: int = 1
) -> list[CaBenchRow]:
    """Time alife (and bgolly, given its path) on random soups of each size, ``repeats``
    times alternating."""
    rows = []
    for size in sizes:
        cells = _soup(size)
        for trial in range(repeats):
            rows.append(CaBenchRow("alife", size, steps, _time_alife(cells, steps), trial))
            if golly:
                rows.append(
                    CaBenchRow("bgolly", size, steps, _time_golly(golly, cells, steps), trial)
                )
    return rows


def print_ca_table(rows: list[CaBenchRow]) -> None:
    """Print the rows with the machine and date."""
    from rich.console import Console
    from rich.table import Table

    title = f"Life B3/S23 on random soups, {machine_description()}, {time.strftime('%Y-%m-%d')}"
    table = Table(title=title)
    for column in ("trial", "tool", "size", "generations", "seconds", "cell updates/s"):
        table.add_column(column, justify="right")
    for r in rows:
        table.add_row(
            str(r.trial),
            r.tool,
            f"{r.size}x{r.size}",
            str(r.steps),
            f"{r.seconds:.3f}",
            f"{r.cell_updates_per_s:.3g}",
        )
    Console(width=max(100, Console().width)).print(table)
