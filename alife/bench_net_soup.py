"""``alife bench netsoup``: generations per second of a soup of weight-wise networks.

What is timed: ``generations`` generations (attack rate 0.1, learn rate 0.1, 20
self-training steps, the papers' 14-weight networks) after one untimed generation, for
each soup size, as the one batched tensor program of :mod:`alife.quines.net_soup`; and
beside it the anchor, the same generation's lessons and self-training run network by
network in a Python loop (as the papers' code does), on the CPU. On CUDA the clock
stops after the device has finished.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import torch

from alife.bench import print_bench_table
from alife.quines.net_families import sgd_steps
from alife.quines.net_soup import NetSoupConfig, NetSoupSim

TRAIN_STEPS = 20


@dataclass(frozen=True)
class NetSoupBenchRow:
    """One measurement: how (batched or loop), backend, networks, generations, seconds."""

    how: str
    backend: str
    networks: int
    generations: int
    seconds: float


def _config(size: int) -> NetSoupConfig:
    return NetSoupConfig(size=size, train=TRAIN_STEPS, lr=0.04)


def _batched(size: int, generations: int, backend: str) -> float:
    sim = NetSoupSim(_config(size), backend=backend)
    sim.step()
    if backend == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(generations):
        sim.step()
    if backend == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - start


def _loop(size: int, generations: int) -> float:
    """Lessons and self-training network by network (attacks left out: they are cheap)."""
    sim = NetSoupSim(_config(size))
    cfg, family = sim.config, sim.family
    start = time.perf_counter()
    for _ in range(generations):
        draws = sim.draws()
        theta = sim.theta.clone()
        for i in range(size):
            if draws["learn"][i]:
                teacher = theta[draws["teacher"][i]][None]
                theta[i] = sgd_steps(family, theta[i][None], teacher, 1, cfg.lr)[0]
            theta[i] = sgd_steps(family, theta[i][None], None, cfg.train, cfg.lr)[0]
        sim.theta = theta
    return time.perf_counter() - start


def bench_net_soup(
    sizes: tuple[int, ...], generations: int, backends: tuple[str, ...] | None = None
) -> list[NetSoupBenchRow]:
    """Time the batched soup on each backend and size, and the loop anchor at the
    smallest size."""
    if backends is None:
        backends = ("cpu", "cuda") if torch.cuda.is_available() else ("cpu",)
    rows = [
        NetSoupBenchRow("batched", backend, size, generations, _batched(size, generations, backend))
        for backend in backends
        for size in sizes
    ]
    smallest = min(sizes)
    rows.append(NetSoupBenchRow("loop", "cpu", smallest, generations, _loop(smallest, generations)))
    return rows


def print_net_soup_table(rows: list[NetSoupBenchRow]) -> None:
    """Print the rows with the machine and date."""
    cells = [
        (
            r.how,
            r.backend,
            str(r.networks),
            str(r.generations),
            f"{r.seconds:.3f}",
            f"{r.generations / r.seconds:.2f}",
            f"{r.networks * r.generations / r.seconds:.4g}",
        )
        for r in rows
    ]
    columns = ("how", "backend", "networks", "generations", "seconds", "gen/s", "network-gen/s")
    print_bench_table(
        f"soup of weight-wise networks, {TRAIN_STEPS} self-training steps", columns, cells
    )
