"""What a viewer shows: the snapshots and metrics of a run file, or of a live simulation.

Both sources hold a sequence of snapshots (position ``i`` = 0 .. len - 1, oldest first)
and the metrics records so far, and give a painter's :class:`~alife.viz.painters.Window`
at any position:

* :class:`RunFrames` reads a run file; ``follow=True`` opens it SWMR and
  :meth:`RunFrames.refresh` picks up what a running writer appended since;
* :class:`LiveFrames` is fed by the epoch loop (:meth:`LiveFrames.add_snapshot`,
  :meth:`LiveFrames.add_record`) and keeps only the last ``painter.history`` snapshots.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from alife.engine.store import open_run
from alife.errors import AlifeInputError
from alife.viz.painters import Painter, Window, painter_for


class RunFrames:
    """The snapshots of the run file ``path`` (see the module docstring)."""

    def __init__(self, path: str, follow: bool = False):
        self.path = path
        self.run = open_run(path, follow=follow)
        try:
            self.substrate = self.run.substrate
            self.painter: Painter = painter_for(self.substrate, self.run.config)
            if self.painter.key not in self.run.snapshot_keys:
                raise AlifeInputError(f"{path!r} holds no {self.painter.key!r} snapshots to draw")
            self._epochs = self.run.snapshot_epochs
            self._metrics = self.run.metrics
        except BaseException:
            self.run.close()
            raise

    def refresh(self) -> bool:
        """Read what the writer appended since the last call; True if new snapshots."""
        self.run.refresh()
        before = len(self._epochs)
        self._epochs = self.run.snapshot_epochs
        self._metrics = self.run.metrics
        return len(self._epochs) > before

    def __len__(self) -> int:
        return len(self._epochs)

    def epoch(self, i: int) -> int:
        """Completed epochs of snapshot ``i``."""
        return int(self._epochs[i])

    def position(self, epoch: int) -> int:
        """The last snapshot taken at or before ``epoch`` (the first if none)."""
        return max(0, int(np.searchsorted(self._epochs, epoch, side="right")) - 1)

    def window(self, i: int) -> Window:
        """Snapshot ``i`` and up to ``painter.history - 1`` before it."""
        start = max(0, i + 1 - self.painter.history)
        arrays = self.run.snapshot_range(self.painter.key, start, i + 1)
        return Window(arrays, self._epochs[start : i + 1])

    def record(self, i: int) -> dict[str, float]:
        """The last metrics record at or before snapshot ``i``'s epoch ({} if none)."""
        keep = _rows_until(self._metrics["epoch"], self.epoch(i))
        return (
            {name: values[keep - 1].item() for name, values in self._metrics.items()}
            if keep
            else {}
        )

    def series(self, name: str, i: int) -> tuple[np.ndarray, np.ndarray]:
        """(epochs, values) of metric ``name`` up to snapshot ``i``'s epoch."""
        if name not in self._metrics:
            return np.zeros(0), np.zeros(0)
        keep = _rows_until(self._metrics["epoch"], self.epoch(i))
        return self._metrics["epoch"][:keep], self._metrics[name][:keep]

    def close(self) -> None:
        self.run.close()


class LiveFrames:
    """Snapshots and records of a simulation while it runs (see the module docstring)."""

    def __init__(self, substrate: str, config: dict):
        self.substrate = substrate
        self.painter: Painter = painter_for(substrate, config)
        self._snapshots: deque[tuple[int, np.ndarray]] = deque(maxlen=self.painter.history)
        self._columns: dict[str, list[float]] = {}

    def add_snapshot(self, epoch: int, array: np.ndarray) -> None:
        """Append the painter's snapshot array after ``epoch`` completed epochs."""
        self._snapshots.append((epoch, array))

    def add_record(self, row: dict) -> None:
        """Append one metrics record (a row the epoch loop wrote; every row names the
        same metrics)."""
        for name, value in row.items():
            self._columns.setdefault(name, []).append(value)

    def __len__(self) -> int:
        return len(self._snapshots)

    def epoch(self, i: int) -> int:
        return self._snapshots[i][0]

    def position(self, epoch: int) -> int:
        epochs = [e for e, _ in self._snapshots]
        return max(0, int(np.searchsorted(epochs, epoch, side="right")) - 1)

    def window(self, i: int) -> Window:
        kept = list(self._snapshots)[max(0, i + 1 - self.painter.history) : i + 1]
        return Window(np.stack([a for _, a in kept]), np.array([e for e, _ in kept]))

    def record(self, i: int) -> dict[str, float]:
        keep = _rows_until(self._columns.get("epoch", []), self.epoch(i))
        return {name: values[keep - 1] for name, values in self._columns.items()} if keep else {}

    def series(self, name: str, i: int) -> tuple[np.ndarray, np.ndarray]:
        epochs = self._columns.get("epoch", [])
        keep = _rows_until(epochs, self.epoch(i))
        values = self._columns.get(name, [])[:keep]
        return np.asarray(epochs[: len(values)]), np.asarray(values, dtype=np.float64)


def _rows_until(epochs, epoch: int) -> int:
    """How many records of the ascending ``epochs`` (array or list) are at or before
    ``epoch``."""
    return int(np.searchsorted(epochs, epoch, side="right"))
