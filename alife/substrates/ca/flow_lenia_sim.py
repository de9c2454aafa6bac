"""Flow-Lenia as a simulation of the engine: ``alife ca flow-lenia`` and its run files.

A world's rule is drawn from ``seed`` (:meth:`FlowLeniaRule.random`, numpy
``default_rng(seed)``), and so is its start: a ``patch`` x ``patch`` square of uniform
random mass in [0, 1) in every channel, in the middle. Snapshots hold ``mass``
(C, H, W) float32, checkpoints the float64 state. Metrics per record: ``mass`` (total,
constant up to rounding), ``mass_drift`` (its relative change since the start),
``live`` (cells whose summed mass exceeds 0.01), ``peak`` (the largest summed mass of a
cell) and the torus centroid of the summed mass. ``backend="cuda"`` steps the world on
a GPU (:mod:`alife.substrates.ca.flow_lenia`); records and snapshots are the same.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import ClassVar

import numpy as np

from alife.engine.backend import resolve_backend, to_host
from alife.engine.run import simulation_repr
from alife.errors import AlifeInputError, check_count, check_seed
from alife.substrates.ca.flow_lenia import FlowLeniaRule, FlowLeniaWorld, FlowParams
from alife.substrates.ca.lenia_sim import torus_centroid

LIVE = 0.01
"""Summed mass above which a cell counts as live."""


@dataclass(frozen=True)
class FlowLeniaConfig:
    """Parameters of a Flow-Lenia run.

    Attributes
    ----------
    width, height: world size in cells.
    channels: C, the kinds of matter.
    kernels: k, kernels of the rule (kernel i reads channel i mod C, writes (i // C) mod C).
    patch: side of the random square the world starts from, in cells.
    seed: seed of the rule and the start, in [0, 2**64).
    dt, sigma, reach, theta_a: how mass moves (:class:`~alife.substrates.ca.flow_lenia.FlowParams`).
    """

    width: int = 128
    height: int = 128
    channels: int = 1
    kernels: int = 10
    patch: int = 40
    seed: int = 0
    dt: float = 0.2
    sigma: float = 0.65
    reach: int = 5
    theta_a: float = 1.0

    def __post_init__(self) -> None:
        for name in ("width", "height", "channels", "kernels", "patch", "reach"):
            check_count(name, getattr(self, name))
        if self.patch > min(self.width, self.height):
            raise AlifeInputError(
                f"patch {self.patch} does not fit a {self.width}x{self.height} world; "
                f"give a patch of at most {min(self.width, self.height)} cells a side"
            )
        if 2 * self.reach + 1 > min(self.width, self.height):
            raise AlifeInputError(
                f"a {self.width}x{self.height} world is too small for reach {self.reach}; "
                f"give one at least {2 * self.reach + 1} cells a side"
            )
        check_seed("seed", self.seed)
        self.flow()

    def flow(self) -> FlowParams:
        return FlowParams(dt=self.dt, sigma=self.sigma, reach=self.reach, theta_a=self.theta_a)

    def rule_and_start(self) -> tuple[FlowLeniaRule, np.ndarray]:
        """The rule drawn from ``seed``, then the (C, H, W) start."""
        rng = np.random.default_rng(self.seed)
        rule = FlowLeniaRule.random(self.kernels, self.channels, rng)
        mass = np.zeros((self.channels, self.height, self.width))
        top, left = (self.height - self.patch) // 2, (self.width - self.patch) // 2
        mass[:, top : top + self.patch, left : left + self.patch] = rng.random(
            (self.channels, self.patch, self.patch)
        )
        return rule, mass

    def to_dict(self) -> dict:
        return asdict(self)


class FlowLeniaSim:
    """One Flow-Lenia world on the CPU (scipy FFT + numba) or a GPU (cuFFT + numba.cuda)."""

    substrate = "flow_lenia"
    unit = "step"
    config_class = FlowLeniaConfig
    __repr__ = simulation_repr
    METRICS: ClassVar[dict[str, str]] = {
        "epoch": "i8",
        "mass": "f8",
        "mass_drift": "f8",
        "live": "i8",
        "peak": "f8",
        "centroid_x": "f8",
        "centroid_y": "f8",
    }
    PROGRESS_KEYS = ("live", "mass_drift")

    def __init__(self, config: FlowLeniaConfig, backend: str = "cpu", state: dict | None = None):
        self.backend = resolve_backend(backend)
        self.config = config
        rule, mass = config.rule_and_start()
        self._start_mass = float(mass.sum())
        self._epoch = 0
        if state is not None:
            mass, self._epoch = state["mass"], int(state["counters"][0])
        self.world = FlowLeniaWorld(mass, rule, config.flow(), self.backend)

    @property
    def epoch(self) -> int:
        """Completed steps."""
        return self._epoch

    def step(self) -> None:
        self.world.step()
        self._epoch += 1

    def metrics(self) -> dict[str, float | int]:
        total = to_host(self.world.mass.sum(axis=0))
        mass = float(total.sum())
        x, y = torus_centroid(total)
        return {
            "epoch": self._epoch,
            "mass": mass,
            "mass_drift": mass / self._start_mass - 1.0 if self._start_mass else 0.0,
            "live": int(np.count_nonzero(total > LIVE)),
            "peak": float(total.max()),
            "centroid_x": x,
            "centroid_y": y,
        }

    def snapshot(self) -> dict[str, np.ndarray]:
        """``{"mass": (C, H, W) float32}``."""
        return {"mass": to_host(self.world.mass).astype(np.float32)}

    def checkpoint_state(self) -> dict[str, np.ndarray]:
        """The float64 mass and the step count."""
        return {
            "mass": to_host(self.world.mass).copy(),
            "counters": np.array([self._epoch], np.int64),
        }
