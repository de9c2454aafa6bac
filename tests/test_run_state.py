"""How a run file records the way its run ended, and what is read from it: completed,
stop rule, viewer closed, failed, running, killed, and files older than that record."""

import json
import os
import socket
import subprocess
import sys
import time

import h5py
import pytest
from processes import dead_pid, dead_writer

from alife.engine.processes import process_alive, process_token
from alife.engine.records import read_records
from alife.engine.run import Schedule
from alife.engine.run_state import RunState
from alife.engine.session import resume_run, start_run
from alife.engine.store import open_run
from alife.substrates.programs.soup import Soup, SoupConfig

CONFIG = SoupConfig(programs=128, seed=3)
SCHEDULE = Schedule(metrics_every=2, checkpoint_every=2)


def run(path, epochs=8, sim_class=Soup, **kwargs):
    return start_run(
        sim_class, CONFIG, str(path), epochs=epochs, schedule=SCHEDULE, progress=False, **kwargs
    )


def state_of(path):
    return read_records(str(path)).state


def test_a_completed_run(tmp_path):
    run(tmp_path / "done.h5")
    state = state_of(tmp_path / "done.h5")
    assert (state.completed, state.planned, state.ended, state.unit) == (8, 8, "completed", "epoch")
    assert state.writer == f"{socket.gethostname()}:{os.getpid()}"
    assert state.writer_token == process_token(os.getpid())
    assert state.finished and state.describe() == "8 of 8 epochs, completed"


def test_a_run_a_stop_rule_ended(tmp_path):
    run(tmp_path / "rule.h5", stop_when=["epoch>4"])
    state = state_of(tmp_path / "rule.h5")
    assert state.finished and state.describe() == "5 of 8 epochs, stop rule epoch>4"


def test_a_run_the_viewer_closed_resumes_and_then_says_completed(tmp_path):
    path = tmp_path / "viewed.h5"
    run(path, observer=lambda sim, row: sim.epoch == 3)
    state = state_of(path)
    assert not state.finished
    assert state.describe() == "3 of 8 epochs, viewer closed; resume continues it"
    resume_run(str(path), progress=False)
    assert state_of(path).describe() == "8 of 8 epochs, completed"


class FailingSoup(Soup):
    """A soup whose fourth epoch raises."""

    def step(self) -> None:
        if self.epoch == 3:
            raise RuntimeError("the device went away\nsecond line")
        super().step()


def test_a_failed_run_says_why_and_resumes(tmp_path):
    path = tmp_path / "failed.h5"
    with pytest.raises(RuntimeError):
        run(path, sim_class=FailingSoup)
    state = state_of(path)
    assert state.ended == "failed: RuntimeError: the device went away"
    assert state.status == "failed: RuntimeError: the device went away; resume continues it"
    assert state.completed == 2 and not state.finished  # its last checkpoint
    assert resume_run(str(path), progress=False).epoch == 8
    assert state_of(path).ended == "completed"


def test_a_run_being_written_reads_as_running(tmp_path):
    path = tmp_path / "live.h5"
    states = []

    def look(sim, row):  # the viewer's hook: read the file as the run writes it
        if sim.epoch == 2:
            states.append(state_of(path))
        return False

    run(path, observer=look)
    assert states[0].ended == "" and states[0].status == f"running (pid {os.getpid()})"
    assert state_of(path).ended == "completed"


def state(ended, writer, completed=4, token=""):
    return RunState(
        completed=completed, planned=8, ended=ended, writer=writer, unit="step", writer_token=token
    )


def test_a_run_without_an_ending_is_killed_or_running_elsewhere():
    assert state("", dead_writer()).status == "killed; resume continues it"
    assert state("", "node7:12").status == "running on node7, or killed there"
    assert state("", None).status == "running, or killed"


def test_files_older_than_the_record_are_judged_by_their_count(tmp_path):
    path = tmp_path / "old.h5"
    run(path, stop_when=["epoch>4"])
    with h5py.File(path, "r+") as f:  # as alife wrote files before it kept the ending
        del f["ended"]
        del f.attrs["writer"]
        schedule = json.loads(f.attrs["schedule"])
        del schedule["stop_when"]
        f.attrs["schedule"] = json.dumps(schedule)
    with open_run(str(path)) as r:
        assert r.ended is None and r.writer is None
    assert state_of(path).describe() == "5 of 8 epochs, stopped early; resume continues it"
    resume_run(str(path), progress=False)  # resuming adds the record
    assert state_of(path).ended == "completed"
    assert state(None, None, completed=8).status == "completed"


def test_a_killed_writer_its_parent_has_not_reaped_is_not_running():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    writer = f"{socket.gethostname()}:{child.pid}"
    try:
        assert state("", writer).status == f"running (pid {child.pid})"
        child.kill()
        deadline = time.time() + 10  # until the kernel has made it a zombie
        while state("", writer).status != "killed; resume continues it":
            assert time.time() < deadline, state("", writer).status
            time.sleep(0.05)
    finally:
        child.kill()
        child.wait()


LINUX_PROC = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux /proc")


@LINUX_PROC
def test_a_process_token_is_its_boot_and_start_time():
    with open("/proc/sys/kernel/random/boot_id") as f:
        boot = f.read().strip()
    with open(f"/proc/{os.getpid()}/stat") as f:
        started = f.read().rpartition(")")[2].split()[19]  # field 22, starttime
    assert process_token(os.getpid()) == f"{boot}@{started}"
    assert process_token(dead_pid()) == ""


@LINUX_PROC
def test_a_pid_given_to_a_later_process_is_not_the_writer():
    me, token = os.getpid(), process_token(os.getpid())
    writer = f"{socket.gethostname()}:{me}"
    assert process_alive(me, token) and process_alive(me)  # "": not known, pid alone
    assert state("", writer, token=token).status == f"running (pid {me})"
    for other in (token.replace("@", "@9"), "another-boot@" + token.partition("@")[2]):
        assert not process_alive(me, other)
        assert state("", writer, token=other).status == "killed; resume continues it"
    assert not process_alive(dead_pid(), token)
