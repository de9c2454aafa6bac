"""A Life-like automaton as a simulation of the engine: ``alife ca run`` and its run files.

State: the bit-packed grid (:mod:`alife.substrates.ca.life`) and the completed
generations. Snapshots and checkpoints store the packed words ((H, ceil(W / 64))
uint64: 64 cells per word, an eighth of a bool image). Metrics per record: population,
the cells that changed in the last generation, and the live density.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import ClassVar

import numpy as np

from alife.engine.backend import to_host
from alife.engine.rng import derive_host, splitmix64
from alife.engine.run import simulation_repr
from alife.errors import AlifeInputError, check_count, check_seed, check_share
from alife.substrates.ca import rle
from alife.substrates.ca.colours import life_image
from alife.substrates.ca.double_buffer import DoubleBufferedGrid
from alife.substrates.ca.life import Stepper, pack, unpack
from alife.substrates.ca.patterns import place_into, read_pattern
from alife.substrates.ca.rules import parse_rule


@dataclass(frozen=True)
class LifeConfig:
    """Parameters of a Life-like run.

    Attributes
    ----------
    rule: Life-like rule in Golly's notation (``B3/S23``); None takes the pattern's own
        rule (B3/S23 without a pattern), written into the config so that a resumed run
        does not need the pattern file again.
    width, height: grid size in cells.
    torus: wrap around (True) or a finite plane with a dead border.
    density: share of live cells in the random initial grid, in [0, 1] (``alife ca
        run`` makes it 0 when a pattern is given without a density).
    seed: seed of the random initial grid, in [0, 2**64).
    pattern: a shipped pattern name or an RLE file, placed in the middle of the grid
        (over the random cells).
    """

    rule: str | None = None
    width: int = 256
    height: int = 256
    torus: bool = True
    density: float = 0.5
    seed: int = 0
    pattern: str | None = None

    def __post_init__(self) -> None:
        if self.rule is None:
            rule = self.pattern_cells()[1] if self.pattern is not None else rle.DEFAULT_RULE
            object.__setattr__(self, "rule", rule)
        parse_rule(self.rule)
        for name in ("width", "height"):
            check_count(name, getattr(self, name))
        check_share("density", self.density)
        check_seed("seed", self.seed)

    def pattern_cells(self) -> tuple[np.ndarray, str]:
        """(cells, rule) of the pattern: a shipped one by name, else an RLE file."""
        cells, rule = read_pattern(self.pattern)
        if cells.dtype != bool:
            raise AlifeInputError(f"{self.pattern!r} has more than two states; Life needs two")
        return cells, rule

    def to_dict(self) -> dict:
        return asdict(self)


def random_cells(config: LifeConfig) -> np.ndarray:
    """(H, W) bool initial grid: cell i (row-major) is live when SplitMix64 of
    ``derive(seed, 0) * H * W + i`` falls below ``density * 2**64``."""
    count = config.height * config.width
    base = np.uint64(derive_host(config.seed, 0) * count % 2**64)
    draws = splitmix64(base + np.arange(count, dtype=np.uint64))
    threshold = min(int(config.density * 2.0**64), 2**64 - 1)
    live = draws < np.uint64(threshold) if config.density < 1 else np.ones(count, bool)
    return live.reshape(config.height, config.width)


def initial_cells(config: LifeConfig) -> np.ndarray:
    """The run's (H, W) bool starting grid: random cells, then the pattern over them
    (AlifeInputError when it does not fit)."""
    cells = random_cells(config)
    if config.pattern is not None:
        place_into(cells, config.pattern_cells()[0])
    return cells


class LifeSim(DoubleBufferedGrid):
    """A Life-like automaton on the CPU (numba) or a CUDA GPU. ``state`` continues a
    checkpoint; the cells are the packed words, (H, ceil(W / 64)) uint64."""

    substrate = "life"
    unit = "generation"
    config_class = LifeConfig
    __repr__ = simulation_repr
    METRICS: ClassVar[dict[str, str]] = {
        "epoch": "i8",
        "population": "i8",
        "changes": "i8",
        "density": "f8",
    }
    PROGRESS_KEYS = ("population", "changes")

    def __init__(self, config: LifeConfig, backend: str = "cpu", state: dict | None = None):
        self.config = config
        self._stepper = Stepper(parse_rule(config.rule), config.width, config.torus, backend)
        self.backend = self._stepper.backend
        cells, epoch = self._saved(state)
        self._start(pack(initial_cells(config)) if cells is None else cells, epoch)

    def metrics(self) -> dict[str, float | int]:
        """Population, cells changed by the last generation, live density."""
        cells, previous = to_host(self.cells), to_host(self._previous)
        population = int(np.bitwise_count(cells).sum())
        return {
            "epoch": self._epoch,
            "population": population,
            "changes": int(np.bitwise_count(cells ^ previous).sum()) if self._epoch else 0,
            "density": population / (self.config.width * self.config.height),
        }

    def grid(self) -> np.ndarray:
        """The (H, W) bool grid."""
        return unpack(to_host(self.cells), self.config.width)

    def frame(self) -> np.ndarray:
        """(H, W, 3) uint8 RGB image of the grid (:mod:`alife.substrates.ca.colours`)."""
        return life_image(self.grid())
