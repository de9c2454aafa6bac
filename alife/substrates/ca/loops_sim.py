"""Self-replicating loops (any von Neumann rule table) as a simulation of the engine:
``alife ca loops`` and its run files.

State: the (H, W) uint8 grid of states and the completed generations. Metrics per
record: ``population`` (non-zero cells), ``changes`` (cells the last generation
changed) and ``unknown`` (cells it found no transition for; they kept their state).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import ClassVar

import numpy as np

from alife.engine.backend import to_host
from alife.engine.run import simulation_repr
from alife.errors import AlifeInputError, check_count
from alife.substrates.ca.colours import state_image
from alife.substrates.ca.double_buffer import DoubleBufferedGrid
from alife.substrates.ca.loops import TableStepper
from alife.substrates.ca.patterns import place_into, read_pattern
from alife.substrates.ca.table import load_table

DEFAULT_PATTERNS = {"langton": "langtons_loop", "evoloop": "evoloop"}


@dataclass(frozen=True)
class LoopsConfig:
    """Parameters of a rule-table run.

    Attributes
    ----------
    rule: ``langton``, ``evoloop`` or a Golly .rule file (von Neumann @TABLE).
    pattern: a shipped pattern name or an RLE file, placed in the middle; None takes
        the shipped rule's own loop.
    width, height: grid size in cells.
    torus: wrap around (True) or a finite plane with state 0 outside.
    """

    rule: str = "langton"
    pattern: str | None = None
    width: int = 256
    height: int = 256
    torus: bool = False

    def __post_init__(self) -> None:
        load_table(self.rule)
        if self.pattern is None:
            if self.rule not in DEFAULT_PATTERNS:
                raise AlifeInputError(f"rule {self.rule!r} has no shipped loop; give a pattern")
            object.__setattr__(self, "pattern", DEFAULT_PATTERNS[self.rule])
        for name in ("width", "height"):
            check_count(name, getattr(self, name))
        self.initial_cells()

    def initial_cells(self) -> np.ndarray:
        """(H, W) uint8 grid with the pattern in its middle."""
        cells, _ = read_pattern(self.pattern)
        grid = np.zeros((self.height, self.width), dtype=np.uint8)
        place_into(grid, cells.astype(np.uint8))
        return grid

    def to_dict(self) -> dict:
        return asdict(self)


class LoopsSim(DoubleBufferedGrid):
    """A rule-table automaton on the CPU (numba) or a CUDA GPU; the cells are (H, W)
    uint8 states."""

    substrate = "loops"
    unit = "generation"
    config_class = LoopsConfig
    __repr__ = simulation_repr
    METRICS: ClassVar[dict[str, str]] = {
        "epoch": "i8",
        "population": "i8",
        "changes": "i8",
        "unknown": "i8",
    }
    PROGRESS_KEYS = ("population", "unknown")

    def __init__(self, config: LoopsConfig, backend: str = "cpu", state: dict | None = None):
        self.config = config
        self.table = load_table(config.rule)
        cells, epoch = self._saved(state)
        if cells is None:
            cells = config.initial_cells()
        if cells.max(initial=0) >= self.table.n_states:
            raise AlifeInputError(
                f"pattern {config.pattern!r} holds state {cells.max()}, but "
                f"{self.table.name} has states 0..{self.table.n_states - 1}"
            )
        self._stepper = TableStepper(self.table, config.height, config.torus, backend)
        self.backend = self._stepper.backend
        self._start(np.asarray(cells, dtype=np.uint8), epoch)
        self._unknown = 0

    def step(self) -> None:
        """One generation, counting the cells no transition covered."""
        super().step()
        self._unknown = self._stepper.unknown()

    def grid(self) -> np.ndarray:
        """The (H, W) uint8 states on the host."""
        return to_host(self.cells)

    def metrics(self) -> dict[str, int]:
        """Population, cells changed and cells without a transition in the last
        generation."""
        cells, previous = self.grid(), to_host(self._previous)
        return {
            "epoch": self._epoch,
            "population": int(np.count_nonzero(cells)),
            "changes": int(np.count_nonzero(cells != previous)) if self._epoch else 0,
            "unknown": self._unknown,
        }

    def frame(self) -> np.ndarray:
        """(H, W, 3) uint8 RGB image in the rule file's @COLORS
        (:mod:`alife.substrates.ca.colours`)."""
        return state_image(self.grid(), self.table.colors)
