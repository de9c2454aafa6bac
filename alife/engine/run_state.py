"""Where a run file's run stands: how many of its planned epochs it completed and how
its last session ended (completed, stopped by a rule, interrupted, failed, still
running, or killed), read from the file alone."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass

from alife.engine.processes import process_alive
from alife.engine.run import STOP_RULE
from alife.engine.store import Run, open_run
from alife.errors import AlifeInputError

RESUMABLE = "resume continues it"


@dataclass(frozen=True)
class RunState:
    """``completed``: the epochs of the checkpoint a resume starts from (None: none);
    ``planned``: the epochs the run was started (or last resumed) to reach; ``ended``:
    how its last session ended as the file records it ("" when it did not end: running
    or killed; None in files older than that record); ``writer``: "host:pid" of that
    session (None in older files); ``unit``: what an epoch is called; ``writer_token``:
    the writer's boot and start time ("" when unknown), which tell it from a later
    process given the same pid; ``stop_rules``: the stop rules of the last session, as
    the user gave them (``resume`` keeps them unless one of them ended it)."""

    completed: int | None
    planned: int
    ended: str | None
    writer: str | None
    unit: str
    writer_token: str = ""
    stop_rules: tuple[str, ...] = ()

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
        host = (self.writer or "").rpartition(":")[0]
        if host != socket.gethostname():
            return f"running on {host}, or killed there" if host else "running, or killed"
        pid = self.writing_pid
        return f"killed; {RESUMABLE}" if pid is None else f"running (pid {pid})"

    @property
    def writing_pid(self) -> int | None:
        """The pid of the process on this machine that writes the file now, None when no
        process here does (the run ended, its writer was killed, or it runs elsewhere)."""
        host, _, pid = (self.writer or "").rpartition(":")
        if self.ended != "" or host != socket.gethostname():
            return None
        return int(pid) if process_alive(int(pid), self.writer_token) else None

    def describe(self) -> str:
        """Progress and status in one phrase, e.g. "193 of 200 epochs, stop rule
        higher_entropy>0.1"."""
        return f"{self.progress}, {self.status}"

    def rows(self) -> dict[str, str]:
        """What a summary table shows of the state: "progress" (:meth:`describe`) and,
        when the last session had any, its "stop rules"."""
        rules = {"stop rules": ", ".join(self.stop_rules)} if self.stop_rules else {}
        return {"progress": self.describe(), **rules}


def run_state(run: Run) -> RunState:
    """The :class:`RunState` of the open run file ``run``."""
    from alife.engine.session import (  # session reaches the simulations
        STOP_RULES_KEY,
        substrate_unit,
    )

    return RunState(
        completed=run.checkpoint_epoch(),
        planned=int(run.schedule["epochs"]),
        ended=run.ended,
        writer=run.writer,
        unit=substrate_unit(run.substrate),
        writer_token=run.writer_token,
        stop_rules=tuple(run.schedule.get(STOP_RULES_KEY, ())),
    )


def check_not_being_written(path: str, doing: str) -> None:
    """Raise AlifeInputError if a process on this machine is writing the run file
    ``path`` now, naming that process and what the user tried (``doing``, e.g. "resume
    it"): two writers would corrupt it. A missing or unreadable file, or one whose writer
    ended, was killed or runs on another machine, passes."""
    if not os.path.isfile(path):
        return
    try:
        with open_run(path) as run:
            pid = run_state(run).writing_pid
    except AlifeInputError:  # not a run file, or one its writer left unreadable
        return
    if pid is not None:
        raise AlifeInputError(
            f"{path!r} is being written by process {pid} on this machine; let that run "
            f"end, or stop it (Ctrl-C), before you {doing}"
        )
