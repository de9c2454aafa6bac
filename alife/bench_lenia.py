"""``alife bench lenia``: Lenia steps per second, beside a plain numpy + scipy.fft baseline.

What is timed: ``steps`` steps of Orbium's rule (R=13, T=10, m=0.15, s=0.015) on an
N x N world of uniform random states (seed 0), after one untimed step (which compiles
the kernels and plans the FFTs); on CUDA the clock stops after the device has finished.
``batch`` > 1 steps that many worlds together (one call per step) and reports world
steps per second. The baseline, timed in the same call, is the textbook update in
float64: ``A = clip(A + G(irfft2(rfft2(A) * rfft2(K))) / T, 0, 1)`` with scipy.fft's
real transforms (on one thread, its default) and numpy for the rest.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from alife.bench import default_backends, print_bench_table
from alife.engine.backend import to_host
from alife.substrates.ca.lenia import LeniaParams, LeniaWorlds, kernel_image


@dataclass(frozen=True)
class LeniaBenchRow:
    """One measurement: tool, backend, world side, worlds per call, steps, seconds."""

    tool: str
    backend: str
    size: int
    batch: int
    steps: int
    seconds: float
    trial: int

    @property
    def world_steps_per_s(self) -> float:
        return self.batch * self.steps / self.seconds


def _worlds(size: int, batch: int) -> np.ndarray:
    return np.random.default_rng(0).random((batch, size, size))


def _time_alife(size: int, batch: int, steps: int, backend: str) -> float:
    worlds = LeniaWorlds(_worlds(size, batch), LeniaParams(), backend=backend)
    worlds.step()
    to_host(worlds.worlds[:1, :1, :1])
    start = time.perf_counter()
    for _ in range(steps):
        worlds.step()
    to_host(worlds.worlds[:1, :1, :1])  # wait for the device
    return time.perf_counter() - start


def _time_baseline(size: int, steps: int) -> float:
    import scipy.fft

    params = LeniaParams()
    world = _worlds(size, 1)[0]
    kernel = scipy.fft.rfft2(kernel_image(params, size, size))

    def step(a):
        u = scipy.fft.irfft2(scipy.fft.rfft2(a) * kernel, s=a.shape)
        growth = 2 * np.maximum(0, 1 - (u - params.m) ** 2 / (9 * params.s**2)) ** 4 - 1
        return np.clip(a + growth / params.T, 0, 1)

    world = step(world)
    start = time.perf_counter()
    for _ in range(steps):
        world = step(world)
    return time.perf_counter() - start


def bench_lenia(
    sizes: tuple[int, ...],
    steps: int,
    *,
    batch: int = 1,
    repeats: int = 1,
    backends: tuple[str, ...] | None = None,
    baseline: bool = True,
) -> list[LeniaBenchRow]:
    """Time alife on each backend (default: cpu, and cuda when usable) and the baseline
    on worlds of each size, ``repeats`` times alternating."""
    if backends is None:
        backends = default_backends()
    rows = []
    for size in sizes:
        for trial in range(repeats):
            for backend in backends:
                seconds = _time_alife(size, batch, steps, backend)
                rows.append(LeniaBenchRow("alife", backend, size, batch, steps, seconds, trial))
            if baseline:
                seconds = _time_baseline(size, steps)
                rows.append(LeniaBenchRow("numpy+scipy", "cpu", size, 1, steps, seconds, trial))
    return rows


def print_lenia_table(rows: list[LeniaBenchRow]) -> None:
    """Print the rows with the machine and date."""
    columns = ("trial", "tool", "backend", "size", "worlds", "steps", "seconds", "steps/s")
    cells = [
        (
            str(r.trial),
            r.tool,
            r.backend,
            f"{r.size}x{r.size}",
            str(r.batch),
            str(r.steps),
            f"{r.seconds:.3f}",
            f"{r.world_steps_per_s:.1f}",
        )
        for r in rows
    ]
    print_bench_table("Lenia (Orbium's rule)", columns, cells)
