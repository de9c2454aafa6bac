"""Lenia as a simulation of the engine: ``alife ca lenia`` and its run files.

State: the (H, W) field of states in [0, 1] (float32 or float64) and the completed
steps. Snapshots and checkpoints store the field. Metrics per record: ``mass`` (sum of
states), ``live`` (cells above 0), and ``centroid_x``/``centroid_y``, the mass centre
on the torus (circular mean, in cells).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import ClassVar

import numpy as np

from alife.engine.backend import to_host
from alife.engine.rng import derive_host, splitmix64
from alife.engine.run import simulation_repr
from alife.errors import AlifeInputError, check_count, check_seed, check_share
from alife.substrates.ca.colours import field_image
from alife.substrates.ca.lenia import LeniaParams, LeniaWorlds, parse_rings
from alife.substrates.ca.lenia_animals import load_animal
from alife.substrates.ca.patterns import place_into

_RULE_FIELDS = ("R", "T", "b", "m", "s", "kn", "gn")


@dataclass(frozen=True)
class LeniaConfig:
    """Parameters of a Lenia run.

    Attributes
    ----------
    pattern: a shipped animal (``orbium``) or an animals.json file, placed in the
        middle; None starts from random states only.
    R, T, b, m, s, kn, gn: the rule (see :class:`~alife.substrates.ca.lenia.LeniaParams`);
        None takes the pattern's (Orbium's without a pattern), written into the config
        so that a resumed run does not need the pattern file again.
    width, height: world size in cells.
    density: share of cells given a uniform random state in [0, 1) at the start.
    seed: seed of the random start, in [0, 2**64).
    dtype: ``float32`` (fast) or ``float64``.
    """

    pattern: str | None = None
    R: int | None = None
    T: float | None = None
    b: str | None = None
    m: float | None = None
    s: float | None = None
    kn: int | None = None
    gn: int | None = None
    width: int = 256
    height: int = 256
    density: float = 0.0
    seed: int = 0
    dtype: str = "float32"

    def __post_init__(self) -> None:
        base = load_animal(self.pattern)[1] if self.pattern is not None else LeniaParams()
        for name in _RULE_FIELDS:
            if getattr(self, name) is None:
                value = getattr(base, name)
                if name == "b":
                    value = ",".join(repr(x) for x in value)
                object.__setattr__(self, name, value)
        for name in ("width", "height"):
            check_count(name, getattr(self, name))
        check_share("density", self.density)
        check_seed("seed", self.seed)
        if self.dtype not in ("float32", "float64"):
            raise AlifeInputError(f"dtype must be 'float32' or 'float64', got {self.dtype!r}")
        self.params()

    def params(self) -> LeniaParams:
        """The run's rule."""
        return LeniaParams(
            R=self.R, T=self.T, b=parse_rings(self.b), m=self.m, s=self.s, kn=self.kn, gn=self.gn
        )

    def to_dict(self) -> dict:
        return asdict(self)


def initial_field(config: LeniaConfig) -> np.ndarray:
    """(H, W) float64 start: cell i (row-major) gets a uniform state from SplitMix64 of
    ``derive(seed, 0) * 2 H W + H W + i`` when the draw for ``... + i`` falls below
    ``density``; then the pattern over the middle."""
    count = config.height * config.width
    base = np.uint64(derive_host(config.seed, 0) * 2 * count % 2**64)
    index = np.arange(count, dtype=np.uint64)
    chosen = splitmix64(base + index) < np.uint64(min(int(config.density * 2.0**64), 2**64 - 1))
    states = (splitmix64(base + np.uint64(count) + index) >> np.uint64(11)) * 2.0**-53
    field = np.where(chosen | (config.density >= 1), states, 0.0)
    field = field.reshape(config.height, config.width)
    if config.pattern is not None:
        place_into(field, load_animal(config.pattern)[0])
    return field


def torus_centroid(field: np.ndarray) -> tuple[float, float]:
    """(x, y) mass centre of an (H, W) field on the torus, by circular means (cells);
    NaN for an empty field."""
    height, width = field.shape
    out = []
    for axis, size in ((0, width), (1, height)):
        weights = field.sum(axis=axis, dtype=np.float64)
        angles = 2 * np.pi * np.arange(size) / size
        sin, cos = float(weights @ np.sin(angles)), float(weights @ np.cos(angles))
        out.append(
            math.nan if sin == cos == 0 else math.atan2(sin, cos) % (2 * np.pi) * size / (2 * np.pi)
        )
    return out[0], out[1]


class LeniaSim:
    """One Lenia world on the CPU (scipy FFT + numba) or a CUDA GPU (cuFFT + numba.cuda)."""

    substrate = "lenia"
    unit = "step"
    config_class = LeniaConfig
    __repr__ = simulation_repr
    METRICS: ClassVar[dict[str, str]] = {
        "epoch": "i8",
        "mass": "f8",
        "live": "i8",
        "centroid_x": "f8",
        "centroid_y": "f8",
    }
    PROGRESS_KEYS = ("mass", "live")

    def __init__(self, config: LeniaConfig, backend: str = "cpu", state: dict | None = None):
        self.config = config
        if state is None:
            field, self._epoch = initial_field(config), 0
        else:
            field, self._epoch = state["field"], int(state["counters"][0])
        self.worlds = LeniaWorlds(field, config.params(), backend=backend, dtype=config.dtype)
        self.backend = self.worlds.backend

    @property
    def epoch(self) -> int:
        """Completed steps."""
        return self._epoch

    def step(self) -> None:
        """One Lenia step."""
        self.worlds.step()
        self._epoch += 1

    def field(self) -> np.ndarray:
        """The (H, W) field of states on the host."""
        return to_host(self.worlds.worlds[0])

    def metrics(self) -> dict[str, float | int]:
        """Mass, live cells, torus centroid."""
        field = self.field()
        x, y = torus_centroid(field)
        return {
            "epoch": self._epoch,
            "mass": float(field.sum(dtype=np.float64)),
            "live": int(np.count_nonzero(field)),
            "centroid_x": x,
            "centroid_y": y,
        }

    def frame(self) -> np.ndarray:
        """(H, W, 3) uint8 RGB image of the field (:mod:`alife.substrates.ca.colours`)."""
        return field_image(self.field())

    def snapshot(self) -> dict[str, np.ndarray]:
        """``{"field": (H, W) float}``."""
        return {"field": self.field().copy()}

    def checkpoint_state(self) -> dict[str, np.ndarray]:
        """Field and step count."""
        return {"field": self.field().copy(), "counters": np.array([self._epoch], np.int64)}
