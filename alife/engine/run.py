"""The epoch loop shared by every substrate: step, metrics, snapshots, checkpoints, stop.

A *simulation* is any object with

* ``epoch`` (completed epochs), ``step()`` (advance one epoch), ``metrics()`` (flat dict
  of scalars), ``snapshot()`` and ``checkpoint_state()`` (dicts of host numpy arrays);
* class attributes ``substrate`` (name) and ``METRICS`` (metric name -> dtype), and
  optionally ``unit``, what one epoch is called ("generation", "step"; default "epoch");
* optionally a *census*: ``census()`` (flat dict of scalars too costly to compute at
  every record, e.g. a soup's self-replicator count) and ``CENSUS_METRICS`` (name ->
  dtype, floating point: records without a census hold NaN there), and
  ``prepare_census()``, called before the epoch a census follows (to keep what a
  census compares the new state with).

:func:`run_epochs` drives one to a target epoch, writing through a
:class:`~alife.engine.store.RunWriter`:

* metrics after the first epoch and every ``metrics_every`` epochs after it (after
  completed epochs 1, 1 + m, 1 + 2m, ..., as cubff logs), and after the last epoch;
* snapshots every ``snapshot_every`` completed epochs and always of the final state;
* checkpoints every ``checkpoint_every`` epochs, at the end, and on Ctrl-C (SIGINT is
  deferred to the end of the epoch in progress, so the state is never half-updated);
* a census after epochs 1, 1 + c, 1 + 2c, ... with ``census_every`` = c > 0 (each
  census epoch also gets a metrics record);
* stop rules checked at every metrics record;
* an optional *observer* (the live viewer) called after every epoch as
  ``observer(sim, row)``, ``row`` the metrics record written after it or None; a true
  return ends the run as Ctrl-C does (reason "viewer closed");
* at the end, the reason it stopped, kept in the file (``Run.ended``; "failed: ERROR"
  when an error ended it).
"""

from __future__ import annotations

import math
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Any, ClassVar, Protocol

import numpy as np
from tqdm import tqdm

from alife.engine.stop import StopRule
from alife.engine.store import RunWriter


class Simulation(Protocol):
    """What :func:`run_epochs` drives (see the module docstring), for annotations."""

    substrate: ClassVar[str]
    METRICS: ClassVar[dict[str, str]]
    config: Any
    backend: str
    epoch: int

    def step(self) -> None: ...
    def metrics(self) -> dict[str, float]: ...
    def snapshot(self) -> dict[str, np.ndarray]: ...
    def checkpoint_state(self) -> dict[str, np.ndarray]: ...


ENGINE_METRICS = {"wall_time_s": "f8", "epochs_per_s": "f8"}
"""Metrics the engine adds to every record: seconds since this session's start and the
epochs per second since the previous record."""


@dataclass(frozen=True)
class Schedule:
    """When to record, snapshot, checkpoint and take a census (in completed epochs, all
    > 0 except ``census_every``, where 0 means never)."""

    metrics_every: int = 16
    snapshot_every: int = 1024
    checkpoint_every: int = 256
    census_every: int = 0

    def to_dict(self) -> dict:
        return {
            "metrics_every": self.metrics_every,
            "snapshot_every": self.snapshot_every,
            "checkpoint_every": self.checkpoint_every,
            "census_every": self.census_every,
        }

    def census_due(self, epoch: int) -> bool:
        """Whether a census follows completed epoch ``epoch``."""
        return self.census_every > 0 and (epoch - 1) % self.census_every == 0


STOP_RULE = "stop rule"
"""How the reason of a run that a stop rule ended begins ("stop rule higher_entropy>3")."""


@dataclass(frozen=True)
class Outcome:
    """How a call to :func:`run_epochs` ended: final epoch, why it stopped, and what the
    simulation calls an epoch."""

    epoch: int
    reason: str  # "completed", "stop rule <rule>", "interrupted" or "viewer closed"
    unit: str = "epoch"


class _DeferredInterrupt:
    """Turn the first SIGINT into a flag checked between epochs (main thread only)."""

    def __init__(self) -> None:
        self.requested = False
        self._previous = None

    def __enter__(self) -> _DeferredInterrupt:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum, frame) -> None:
        if self.requested:  # a second Ctrl-C: stop at once
            raise KeyboardInterrupt
        self.requested = True

    def __exit__(self, *exc) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


def failure_text(error: BaseException) -> str:
    """How a run that ``error`` ended is recorded: "failed: " and the error's class and
    first line."""
    first_line = str(error).splitlines()[0] if str(error) else ""
    return f"failed: {type(error).__name__}" + (f": {first_line}" if first_line else "")


def unit_of(sim: Simulation | type[Simulation]) -> str:
    """What one epoch of ``sim`` (a simulation or its class) is called: its ``unit``,
    or "epoch" where it names none."""
    return getattr(sim, "unit", "epoch")


_SHOWN_CHARACTERS = 40
"""A setting whose repr is longer is cut to this many characters in a simulation's repr."""


def _setting_text(value) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN_CHARACTERS else text[: _SHOWN_CHARACTERS - 3] + "..."


def simulation_repr(sim: Simulation) -> str:
    """What a notebook shows of a simulation: its class, completed epochs (in its unit),
    backend and the settings of its ``config`` that differ from a default config's, e.g.
    ``<Soup at epoch 3 on cpu: programs=4096, seed=1>``. Simulations set
    ``__repr__ = simulation_repr``."""
    config, defaults = sim.config, type(sim.config)()
    changed = [
        f"{setting.name}={_setting_text(getattr(config, setting.name))}"
        for setting in fields(config)
        if getattr(config, setting.name) != getattr(defaults, setting.name)
    ]
    settings = ": " + ", ".join(changed) if changed else ", default settings"
    return f"<{type(sim).__name__} at {unit_of(sim)} {sim.epoch} on {sim.backend}{settings}>"


def _postfix(row: dict, keys: Sequence[str]) -> dict:
    return {k: f"{row[k]:.4g}" for k in keys if k in row and not math.isnan(row[k])}


def run_epochs(
    sim: Simulation,
    writer: RunWriter,
    *,
    until_epoch: int,
    schedule: Schedule,
    stop_rules: Sequence[StopRule] = (),
    progress: bool | None = None,
    progress_keys: Sequence[str] = (),
    observer: Callable[[object, dict | None], bool] | None = None,
) -> Outcome:
    """Advance ``sim`` until ``until_epoch`` completed epochs, a stop rule, or Ctrl-C.

    ``progress``: True shows a bar, False hides it, None shows it on a terminal only;
    ``progress_keys`` are the metrics shown beside it; ``observer`` see the module
    docstring. Always ends with a metrics record,
    a snapshot and a checkpoint of the final state, then closes ``writer``.
    """
    start_epoch = sim.epoch
    t_start = time.perf_counter()
    last = {"t": t_start, "epoch": start_epoch}
    reason = "completed"
    unit = unit_of(sim)
    bar = tqdm(
        total=until_epoch,
        initial=start_epoch,
        unit=unit,
        disable=None if progress is None else not progress,
        dynamic_ncols=True,
    )

    no_census = dict.fromkeys(getattr(sim, "CENSUS_METRICS", {}), math.nan)

    def record(census: bool = False) -> dict:
        row = dict(sim.metrics())
        row.update(sim.census() if census else no_census)
        now = time.perf_counter()
        row["wall_time_s"] = now - t_start
        epochs = sim.epoch - last["epoch"]
        row["epochs_per_s"] = epochs / (now - last["t"]) if epochs else float("nan")
        last.update(t=now, epoch=sim.epoch)
        writer.append_metrics(row)
        bar.set_postfix(_postfix(row, progress_keys), refresh=False)
        return row

    try:
        with _DeferredInterrupt() as interrupt:
            prepare_census = getattr(sim, "prepare_census", None)
            while sim.epoch < until_epoch:
                if prepare_census is not None and schedule.census_due(sim.epoch + 1):
                    prepare_census()
                sim.step()
                epoch = sim.epoch
                bar.update(1)
                census = schedule.census_due(epoch)
                row = None
                if census or (epoch - 1) % schedule.metrics_every == 0:
                    row = record(census)
                    met = [rule for rule in stop_rules if rule.met(row)]
                    if met:
                        reason = f"{STOP_RULE} {met[0]}"
                        break
                if observer is not None and observer(sim, row):
                    reason = "viewer closed"
                    break
                if epoch % schedule.snapshot_every == 0:
                    writer.write_snapshot(epoch, sim.snapshot())
                if epoch % schedule.checkpoint_every == 0:
                    writer.write_checkpoint(epoch, sim.checkpoint_state())
                if interrupt.requested:
                    reason = "interrupted"
                    break
            if writer.last_metrics_epoch() != sim.epoch:
                record()
            if writer.last_snapshot_epoch() != sim.epoch:
                writer.write_snapshot(sim.epoch, sim.snapshot())
            writer.write_checkpoint(sim.epoch, sim.checkpoint_state())
    except BaseException as error:
        reason = failure_text(error)
        raise
    finally:
        bar.close()
        writer.close(ended=reason)
    return Outcome(sim.epoch, reason, unit)
