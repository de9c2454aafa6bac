"""Where a run file's run stands: how many of its planned epochs it completed and how
its last session ended (completed, stopped by a rule, interrupted, failed, still
running, or killed), read from the file alone."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass

from alife.engine.run import STOP_RULE
from alife.engine.store import Run

RESUMABLE = "resume continues it"


@dataclass(frozen=True)
class RunState:
    """``completed``: the epochs of the checkpoint a resume starts from (None: none);
    ``planned``: the epochs the run was started (or last resumed) to reach; ``ended``:
    how its last session ended as the file records it ("" when it did not end: running
    or killed; None in files older than that record); ``writer``: "host:pid" of that
    session (None in older files); ``unit``: what an epoch is called."""

    completed: int | None
    planned: int
    ended: str | None
    writer: str | None
    unit: str

    @property
    def progress(self) -> str:
        """E.g. "193 of 200 epochs"."""
        done = "none" if self.completed is None else f"{self.completed:,}"
        return f"{done} of {self.planned:,} {self.unit}s"

    @property
    def finished(self) -> bool:
        """Whether the run ended as asked: completed, or stopped by one of its stop
        rules."""
        if self.ended is None:  # an older file: only the count tells
            return self.completed is not None and self.completed >= self.planned
        return self.ended == "completed" or self.ended.startswith(STOP_RULE)

    @property
    def status(self) -> str:
        """How the run stands, in a few words: "completed", "stop rule RULE",
        "interrupted; resume continues it", "running (pid 12)", "killed; resume
        continues it", ..."""
        if self.ended is None:
            return "completed" if self.finished else f"stopped early; {RESUMABLE}"
        if self.finished:
            return self.ended
        if self.ended:
            return f"{self.ended}; {RESUMABLE}"
        return self._unended_status()

    def _unended_status(self) -> str:
        host, _, pid = (self.writer or "").rpartition(":")
        if host != socket.gethostname():
            return f"running on {host}, or killed there" if host else "running, or killed"
        if _process_exists(int(pid)):
            return f"running (pid {pid})"
        return f"killed; {RESUMABLE}"

    def describe(self) -> str:
        """Progress and status in one phrase, e.g. "193 of 200 epochs, stop rule
        higher_entropy>0.1"."""
        return f"{self.progress}, {self.status}"


def _process_exists(pid: int) -> bool:
    """Whether a process ``pid`` lives on this machine (it may have been reused): one
    that was killed but not yet reaped by its parent (a zombie, where /proc tells) does
    not count."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        pass
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rpartition(")")[2].split()[0]  # the field after "(name)"
    except (OSError, IndexError):  # no /proc here, or the process just ended
        return True
    return state != "Z"


def run_state(run: Run) -> RunState:
    """The :class:`RunState` of the open run file ``run``."""
    from alife.engine.session import substrate_unit  # session reaches the simulations

    return RunState(
        completed=run.checkpoint_epoch(),
        planned=int(run.schedule["epochs"]),
        ended=run.ended,
        writer=run.writer,
        unit=substrate_unit(run.substrate),
    )
