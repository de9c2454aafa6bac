"""``alife bench gard``: GARD events per second, one assembly and batched, beside a plain
numpy implementation of the same model.

What is timed: ``generations`` generations of N_G = 100 species, N_max = 100 (the
reference defaults, beta seed 0) after one untimed generation (which compiles the
kernel); events/s = Gillespie events (joins and leaves) simulated per second of wall
time, summed over the batch. The baseline, timed in the same call, is the reference
MATLAB code's loop written in numpy: every event recomputes ``b = 1 + beta n / N``
(a matrix-vector product), draws the event from the cumulative rates and the waiting
time from numpy's default generator, and splits with ``Generator.multivariate_hypergeometric``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from alife.bench import default_backends, print_bench_table
from alife.substrates.gard.ensemble import Ensemble
from alife.substrates.gard.model import GardConfig


@dataclass(frozen=True)
class GardBenchRow:
    """One measurement: tool, backend, assemblies, generations, events, seconds."""

    tool: str
    backend: str
    assemblies: int
    generations: int
    events: int
    seconds: float
    trial: int

    @property
    def events_per_s(self) -> float:
        return self.events / self.seconds


def _time_alife(replicas: int, generations: int, backend: str) -> tuple[int, float]:
    ensemble = Ensemble(GardConfig(replicas=replicas), backend=backend)
    ensemble.run(1)
    start = time.perf_counter()
    out = ensemble.run(generations)
    return int(out["events"].sum()), time.perf_counter() - start


def _time_baseline(generations: int) -> tuple[int, float]:
    config = GardConfig()
    beta = config.betas()[0]
    rng = np.random.default_rng(0)
    n = np.bincount(rng.integers(0, config.species, config.nmin), minlength=config.species)
    kf_rho = config.kf / config.species
    events = 0
    start = time.perf_counter()
    for _ in range(generations):
        size = int(n.sum())
        while 0 < size < config.nmax:
            boost = 1 + beta @ n / size
            rates = np.concatenate([kf_rho * size * boost, config.kb * n * boost])
            cumulative = np.cumsum(rates)
            k = int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right"))
            rng.exponential(1 / cumulative[-1])
            step = 1 if k < config.species else -1
            n[k % config.species] += step
            size += step
            events += 1
        if size == 0:
            break
        n = rng.multivariate_hypergeometric(n, config.nmin)
    return events, time.perf_counter() - start


def bench_gard(
    generations: int,
    *,
    batch: int = 1024,
    repeats: int = 1,
    backends: tuple[str, ...] | None = None,
    baseline: bool = True,
) -> list[GardBenchRow]:
    """Time alife with one assembly and with ``batch`` on each backend (default: cpu,
    and cuda when usable), and the baseline, ``repeats`` times alternating."""
    if backends is None:
        backends = default_backends()
    rows = []
    for trial in range(repeats):
        for backend in backends:
            for replicas in (1, batch):
                events, seconds = _time_alife(replicas, generations, backend)
                rows.append(
                    GardBenchRow("alife", backend, replicas, generations, events, seconds, trial)
                )
        if baseline:
            events, seconds = _time_baseline(generations)
            rows.append(GardBenchRow("numpy", "cpu", 1, generations, events, seconds, trial))
    return rows


def print_gard_table(rows: list[GardBenchRow]) -> None:
    """Print the rows with the machine and date."""
    columns = (
        "trial",
        "tool",
        "backend",
        "assemblies",
        "generations",
        "events",
        "seconds",
        "events/s",
    )
    cells = [
        (
            str(r.trial),
            r.tool,
            r.backend,
            str(r.assemblies),
            str(r.generations),
            str(r.events),
            f"{r.seconds:.3f}",
            f"{r.events_per_s:.3g}",
        )
        for r in rows
    ]
    print_bench_table("GARD (N_G=100, N_max=100)", columns, cells)
