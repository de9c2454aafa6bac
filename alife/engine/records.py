"""What every summary and report reads first from a run file: its settings, its metrics
records and which epochs it saved, checked to be a run of the substrates the reader
knows."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from alife.engine.run_state import RunState, run_state
from alife.engine.session import wrong_substrate_error
from alife.engine.store import epoch_list, open_run


@dataclass(frozen=True)
class RunRecords:
    """A run file's records, held in memory.

    ``path``; ``label``: the file name without extension; ``substrate``; ``config``: the
    run's settings (dict); ``metrics``: name -> (k,) array, one value per record;
    ``snapshots``: the completed epochs the file has snapshots of (ascending);
    ``state``: its checkpoint's epoch, its planned epochs and how its last session
    ended.
    """

    path: str
    label: str
    substrate: str
    config: dict
    metrics: dict[str, np.ndarray]
    snapshots: list[int]
    state: RunState

    @property
    def checkpoint(self) -> int | None:
        """The completed epoch of its checkpoint, None before the first."""
        return self.state.completed

    @property
    def unit(self) -> str:
        """What one epoch of the run's simulation is called (generation, step)."""
        return self.state.unit

    @property
    def recorded(self) -> bool:
        """Whether the run has any metrics record."""
        return bool(self.metrics["epoch"].size)

    def __repr__(self) -> str:
        """What a notebook shows: what was read, without the metrics' values, and how the
        run stands."""
        return (
            f"<alife records {self.path!r}: {self.substrate}, {self.metrics['epoch'].size} "
            f"metrics records, snapshots at {self.unit}s "
            f"{epoch_list(np.array(self.snapshots))}; {self.state.describe()}>"
        )


def last_census(metrics: dict[str, np.ndarray], census: Iterable[str]) -> int | None:
    """The index of the latest metrics record (``metrics``: name -> (k,) array) that
    holds a census, one where any of the ``census`` metrics (a simulation's
    ``CENSUS_METRICS``; NaN at the records without one) has a value; None if none does."""
    held = [np.isfinite(metrics[name]) for name in census if name in metrics]
    taken = np.flatnonzero(np.any(held, axis=0)) if held else ()
    return int(taken[-1]) if len(taken) else None


def read_records(
    path: str, accepted: Sequence[str] | None = None, reader: str = "read_records"
) -> RunRecords:
    """The :class:`RunRecords` of the run file ``path``, of any substrate when
    ``accepted`` is None; otherwise an error naming ``reader`` (the summary or command
    reading it) unless its substrate is one of ``accepted``."""
    with open_run(path) as run:
        substrate = run.substrate
        if accepted is not None and substrate not in accepted:
            raise wrong_substrate_error(path, substrate, reader, accepted)
        label = os.path.splitext(os.path.basename(path))[0]
        snapshots = [int(e) for e in run.snapshot_epochs]
        return RunRecords(
            path, label, substrate, run.config, run.metrics, snapshots, run_state(run)
        )
