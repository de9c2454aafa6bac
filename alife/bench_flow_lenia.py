"""``alife bench flowlenia``: Flow-Lenia steps per second, beside the authors' method in numpy.

What is timed: ``steps`` steps of a random single-channel rule (10 kernels, seed 0) on
an N x N world started from a random 40 x 40 square, after 20 untimed steps (which
compile the kernels and let the mass spread), on each backend (cpu, and cuda when usable,
where the clock stops after the device has finished). The baseline, timed in the same call, is
the update as the authors' JAX code writes it, in numpy: the same FFT affinity and
Sobel flow, then reintegration by gathering from every one of the (2 reach + 1)^2
offsets with whole-array rolls. :func:`baseline_step` gives the same result as
:meth:`~alife.substrates.ca.flow_lenia.FlowLeniaWorld.step` (tests check it).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from alife.bench import default_backends, print_bench_table
from alife.engine.backend import to_host
from alife.substrates.ca.flow_lenia import FlowLeniaWorld, sobel
from alife.substrates.ca.flow_lenia_sim import FlowLeniaConfig

WARM_UP = 20


@dataclass(frozen=True)
class FlowLeniaBenchRow:
    """One measurement: tool, backend, world side, steps, seconds, trial."""

    tool: str
    backend: str
    size: int
    steps: int
    seconds: float
    trial: int


def baseline_step(world: FlowLeniaWorld) -> np.ndarray:
    """The next (C, H, W) mass of ``world`` by whole-array numpy operations, the
    reintegration gathered offset by offset (``world`` itself is not changed)."""
    flow_params, mass = world.flow, world.mass
    alpha = np.clip((mass / flow_params.theta_a) ** 2, 0.0, 1.0)
    flow = sobel(world.affinity()) * (1.0 - alpha) - sobel(mass.sum(axis=0))[:, None] * alpha
    limit = flow_params.reach - flow_params.sigma
    height, width = mass.shape[1:]
    cells = np.stack(np.mgrid[0:height, 0:width] + 0.5)[:, None]  # (2, 1, H, W) cell centres
    centre = cells + np.clip(flow_params.dt * flow, -limit, limit)
    sigma, out = flow_params.sigma, np.zeros_like(mass)
    sizes = np.array([height, width])[:, None, None, None]
    for dr in range(-flow_params.reach, flow_params.reach + 1):
        for dc in range(-flow_params.reach, flow_params.reach + 1):
            source = np.roll(mass, (dr, dc), axis=(1, 2))  # the cell (r - dr, c - dc)
            centres = np.roll(centre, (dr, dc), axis=(2, 3))
            gap = np.abs(cells - centres)
            gap = np.minimum(gap, sizes - gap)
            share = np.clip(0.5 + sigma - gap, 0.0, min(1.0, 2 * sigma)).prod(axis=0)
            out += source * share / (4 * sigma * sigma)
    return out


def _world(size: int, backend: str = "cpu") -> FlowLeniaWorld:
    config = FlowLeniaConfig(width=size, height=size)
    rule, mass = config.rule_and_start()
    world = FlowLeniaWorld(mass, rule, config.flow(), backend)
    for _ in range(WARM_UP):
        world.step()
    return world


def _time(world: FlowLeniaWorld, step, steps: int) -> float:
    to_host(world.mass[:1, :1, :1])
    start = time.perf_counter()
    for _ in range(steps):
        step()
    to_host(world.mass[:1, :1, :1])  # wait for the device
    return time.perf_counter() - start


def bench_flow_lenia(
    sizes: tuple[int, ...],
    steps: int,
    *,
    repeats: int = 1,
    backends: tuple[str, ...] | None = None,
    baseline: bool = True,
) -> list[FlowLeniaBenchRow]:
    """Time alife on each backend (default: cpu, and cuda when usable) and, unless
    ``baseline`` is False, the numpy baseline at each size, alternating them
    ``repeats`` times."""
    rows = []
    for trial in range(repeats):
        for size in sizes:
            for backend in backends or default_backends():
                world = _world(size, backend)
                seconds = _time(world, world.step, steps)
                rows.append(FlowLeniaBenchRow("alife", backend, size, steps, seconds, trial))
            if baseline:
                world = _world(size)

                def step(world=world):
                    world.mass = baseline_step(world)

                seconds = _time(world, step, steps)
                rows.append(FlowLeniaBenchRow("numpy", "cpu", size, steps, seconds, trial))
    return rows


def print_flow_lenia_table(rows: list[FlowLeniaBenchRow]) -> None:
    """Print the rows with the machine and date."""
    cells = [
        (
            str(r.trial),
            r.tool,
            r.backend,
            f"{r.size}x{r.size}",
            str(r.steps),
            f"{r.seconds:.3f}",
            f"{r.steps / r.seconds:.1f}",
        )
        for r in rows
    ]
    columns = ("trial", "tool", "backend", "world", "steps", "seconds", "steps/s")
    print_bench_table("Flow-Lenia, 1 channel, 10 kernels", columns, cells)
