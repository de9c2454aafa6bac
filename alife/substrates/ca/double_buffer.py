"""What the grid automata's simulations share: the cells and the previous generation
in two arrays on the backend, a stepper that writes one into the other, the generation
count, and snapshots and checkpoints of the cells."""

from __future__ import annotations

import numpy as np

from alife.engine.backend import to_backend, to_host


class DoubleBufferedGrid:
    """Mixin for a simulation with ``self._stepper`` (``step(cells, out)``) and
    ``self.backend``. :meth:`_start` places the cells; ``self._previous`` then holds
    the generation before the current one (for ``changes`` metrics)."""

    @staticmethod
    def _saved(state: dict | None) -> tuple[np.ndarray | None, int]:
        """(cells, generation) of a checkpoint, or (None, 0) for a fresh start."""
        if state is None:
            return None, 0
        return state["cells"], int(state["counters"][0])

    def _start(self, cells: np.ndarray, epoch: int) -> None:
        self.cells = to_backend(np.ascontiguousarray(cells), self.backend)
        self._previous = self.cells.copy()
        self._epoch = epoch

    @property
    def epoch(self) -> int:
        """Completed generations."""
        return self._epoch

    def step(self) -> None:
        """One generation."""
        self._stepper.step(self.cells, self._previous)
        self.cells, self._previous = self._previous, self.cells
        self._epoch += 1

    def snapshot(self) -> dict[str, np.ndarray]:
        """``{"cells": ...}``, the state array as stored (see the simulation)."""
        return {"cells": to_host(self.cells).copy()}

    def checkpoint_state(self) -> dict[str, np.ndarray]:
        """The cells and the generation count."""
        return {**self.snapshot(), "counters": np.array([self._epoch], np.int64)}
