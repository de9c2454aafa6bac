"""Run files, the epoch loop, resume, stop rules, Ctrl-C and killed runs."""

import json
import os
import signal
import subprocess
import sys
import time

import h5py
import numpy as np
import pytest
from click.testing import CliRunner

from alife.cli.app import main
from alife.engine.records import read_records
from alife.engine.run import Schedule
from alife.engine.session import resume_run, start_run
from alife.engine.store import open_run
from alife.errors import AlifeInputError
from alife.substrates.programs.soup import Soup, SoupConfig, initial_soup

CONFIG = SoupConfig(programs=512, seed=11, mutation=1 / 512)
SCHEDULE = Schedule(metrics_every=4, snapshot_every=8, checkpoint_every=5)
TIMING = {"wall_time_s", "epochs_per_s"}


def run(path, epochs, **kwargs):
    return start_run(
        Soup, CONFIG, str(path), epochs=epochs, schedule=SCHEDULE, progress=False, **kwargs
    )


def test_run_file_layout(tmp_path):
    path = tmp_path / "run.h5"
    outcome = run(path, 18)
    assert (outcome.epoch, outcome.reason) == (18, "completed")
    with open_run(str(path)) as r:
        assert r.substrate == "soup"
        assert r.config == json.loads(json.dumps(CONFIG.to_dict()))
        assert r.metrics["epoch"].tolist() == [1, 5, 9, 13, 17, 18]
        assert r.snapshot_epochs.tolist() == [0, 8, 16, 18]
        assert r.checkpoint_epoch() == 18
        np.testing.assert_array_equal(r.snapshot(0), initial_soup(CONFIG))
        assert r.snapshot(18).shape == (512, 64) and r.snapshot(18).dtype == np.uint8
        assert set(r.metrics) >= set(Soup.METRICS) | TIMING
        with pytest.raises(AlifeInputError, match="no snapshot at epoch 7"):
            r.snapshot(7)
    records = read_records(str(path))  # the same, held in memory
    assert (records.label, records.substrate, records.unit) == ("run", "soup", "epoch")
    assert records.config == json.loads(json.dumps(CONFIG.to_dict()))
    assert records.metrics["epoch"].tolist() == [1, 5, 9, 13, 17, 18]
    assert (records.snapshots, records.checkpoint) == ([0, 8, 16, 18], 18)
    assert repr(records) == (
        f"<alife records {str(path)!r}: soup, 6 metrics records, snapshots at epochs 0, 8, 16, "
        "18; 18 of 18 epochs, completed>"
    )
    with pytest.raises(AlifeInputError, match="holds a soup run; a Life summary reads life"):
        read_records(str(path), ["life"], "a Life summary")
        assert repr(r) == (
            f"<alife run {str(path)!r}: soup, 6 metrics records, snapshots at epochs "
            "0, 8, 16, 18, checkpoint at epoch 18>"
        )
    assert repr(r) == f"<alife run {str(path)!r} (closed)>"
    with h5py.File(path) as f:
        assert f.attrs["format"] == "alife-run/1"
        assert f["config"].attrs["language"] == "bff_noheads"
        assert f["snapshots/soup"].chunks == (1, 512, 64)
        assert f["metrics/higher_entropy"].dims[0][0] == f["metrics/epoch"]


def test_snapshots_are_the_simulated_soups(tmp_path):
    run(tmp_path / "a.h5", 16)
    sim = Soup(CONFIG)
    for _ in range(16):
        sim.step()
    with open_run(str(tmp_path / "a.h5")) as r:
        np.testing.assert_array_equal(r.snapshot(16), sim.soup)


def same_data(path_a, path_b, epochs):
    with open_run(str(path_a)) as a, open_run(str(path_b)) as b:
        np.testing.assert_array_equal(a.snapshot(epochs), b.snapshot(epochs))
        ma, mb = a.metrics, b.metrics
        common, ia, ib = np.intersect1d(ma["epoch"], mb["epoch"], return_indices=True)
        assert common.size >= 4
        for name in set(ma) - TIMING:
            np.testing.assert_array_equal(ma[name][ia], mb[name][ib], err_msg=name)


def test_same_seed_gives_identical_data(tmp_path):
    run(tmp_path / "a.h5", 12)
    run(tmp_path / "b.h5", 12)
    same_data(tmp_path / "a.h5", tmp_path / "b.h5", 12)
    with open_run(str(tmp_path / "a.h5")) as a, open_run(str(tmp_path / "b.h5")) as b:
        np.testing.assert_array_equal(a.metrics["epoch"], b.metrics["epoch"])


def test_resume_continues_bit_identically(tmp_path):
    run(tmp_path / "whole.h5", 23)
    run(tmp_path / "parts.h5", 9)
    assert resume_run(str(tmp_path / "parts.h5"), epochs=6, progress=False).epoch == 15
    assert resume_run(str(tmp_path / "parts.h5"), epochs=8, progress=False).epoch == 23
    same_data(tmp_path / "whole.h5", tmp_path / "parts.h5", 23)


def test_resume_without_epochs_finishes_the_planned_run(tmp_path):
    path = tmp_path / "r.h5"
    run(path, 7, stop_when=["epoch>4"])
    with open_run(str(path)) as r:
        assert r.checkpoint_epoch() == 5
    assert resume_run(str(path), progress=False).epoch == 7
    with pytest.raises(AlifeInputError, match="already completed its 7 epochs"):
        resume_run(str(path), progress=False)


def test_stop_rule_ends_the_run_at_the_first_record_meeting_it(tmp_path):
    outcome = run(tmp_path / "s.h5", 100, stop_when=["epoch>8"])
    assert (outcome.epoch, outcome.reason) == (9, "stop rule epoch>8")
    with pytest.raises(AlifeInputError, match=r"unknown metric 'entropy'.*higher_entropy"):
        run(tmp_path / "t.h5", 10, stop_when=["entropy>3"])
    with pytest.raises(AlifeInputError, match="METRIC>NUMBER"):
        run(tmp_path / "t.h5", 10, stop_when=["higher_entropy=3"])
    assert not (tmp_path / "t.h5").exists()


def test_existing_output_is_refused_and_kept(tmp_path):
    path = tmp_path / "keep.h5"
    path.write_bytes(b"precious")
    with pytest.raises(AlifeInputError, match="already exists"):
        run(path, 3)
    assert path.read_bytes() == b"precious"


def test_an_unwritable_folder_is_one_sentence_before_anything_starts(tmp_path, monkeypatch):
    # tests may run as root, for whom permission bits do not apply: os.access says no
    folder = tmp_path / "locked"
    folder.mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: p != str(folder) and real_access(p, mode))
    with pytest.raises(AlifeInputError, match=r"folder '.*locked' is not writable"):
        run(folder / "sub" / "r.h5", 2)
    assert list(folder.iterdir()) == []


def test_a_file_system_refusal_is_said_plainly(tmp_path, monkeypatch):
    """HDF5 wraps the system's reason in a long sentence of its own (as on /proc)."""
    from alife.engine import store

    def refuse(name, *args, **kwargs):
        raise OSError(2, f"Unable to synchronously create file (name = '{name}', errno = 2)")

    monkeypatch.setattr(store.h5py, "File", refuse)
    with pytest.raises(AlifeInputError) as caught:
        run(tmp_path / "r.h5", 2)
    assert str(caught.value) == f"cannot create run file {str(tmp_path / 'r.h5')!r}: " + (
        os.strerror(2)
    )


def test_a_run_file_takes_its_name_only_when_complete(tmp_path, monkeypatch):
    """A process killed while creating a run file leaves only ``.part``, which the next
    start replaces; an overwritten file stays whole until the new one is complete."""
    from alife.engine import store

    path = tmp_path / "r.h5"
    (tmp_path / "r.h5.part").write_bytes(b"\x89HDF\r\n\x1a\n truncated by a kill")
    run(path, 2)
    assert not (tmp_path / "r.h5.part").exists()
    with open_run(str(path)) as handle:
        assert handle.checkpoint_epoch() == 2
    before = path.read_bytes()

    monkeypatch.setattr(store, "FORMAT", object())  # writing the attributes now fails
    with pytest.raises(TypeError):
        run(path, 2, overwrite=True)
    assert path.read_bytes() == before and not (tmp_path / "r.h5.part").exists()


def test_a_run_is_readable_and_resumable_from_its_first_moment(tmp_path):
    """A run file is born with the initial state checkpointed and in SWMR mode: a reader
    follows it from the first epoch, and a run that crashes before its first periodic
    checkpoint resumes from epoch 0 to the same data as an uninterrupted run."""
    path = tmp_path / "crashed.h5"
    seen = []

    def crash_at_epoch_7(sim, row):
        with open_run(str(path), follow=True) as reader:
            seen.append(reader.checkpoint_epoch())
        if sim.epoch == 7:
            raise RuntimeError("simulated crash")

    rare_checkpoints = Schedule(metrics_every=4, snapshot_every=8, checkpoint_every=100)
    with pytest.raises(RuntimeError, match="simulated crash"):
        start_run(
            Soup,
            CONFIG,
            str(path),
            epochs=20,
            schedule=rare_checkpoints,
            progress=False,
            observer=crash_at_epoch_7,
        )
    assert seen == [0] * 7
    assert resume_run(str(path), progress=False).epoch == 20
    with open_run(str(path)) as r:
        assert r.snapshot_epochs.tolist() == [0, 8, 16, 20]
    same_data(reference_run(tmp_path, 20), path, 20)


def test_foreign_files_are_refused(tmp_path):
    foreign = tmp_path / "foreign.h5"
    with h5py.File(foreign, "w") as f:
        f["x"] = 1
    with pytest.raises(AlifeInputError, match="not an alife run file"):
        open_run(str(foreign))
    junk = tmp_path / "junk.h5"
    junk.write_bytes(b"\x89HDF\r\n\x1a\n" + b"garbage" * 10)
    with pytest.raises(AlifeInputError, match="not a readable HDF5 file"):
        resume_run(str(junk))
    assert junk.read_bytes() == b"\x89HDF\r\n\x1a\n" + b"garbage" * 10


RUN_FOREVER = [
    sys.executable,
    "-m",
    "alife",
    "soup",
    "run",
    "--programs",
    "512",
    "--seed",
    "11",
    "--mutation",
    str(1 / 512),
    "--epochs",
    "100000",
    "--metrics-every",
    "4",
    "--snapshot-every",
    "8",
    "--checkpoint-every",
    "5",
    "--no-progress",
]


def start_and_wait(path, min_epoch):
    proc = subprocess.Popen([*RUN_FOREVER, "--out", str(path)], stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        time.sleep(0.2)
        try:
            with open_run(str(path), follow=True) as r:
                epochs = r.metrics["epoch"]
                if epochs.size and epochs[-1] >= min_epoch:
                    return proc
        except (AlifeInputError, OSError, KeyError):
            pass  # not created yet
    proc.kill()
    raise AssertionError("the run did not get going")


def reference_run(tmp_path, epochs):
    path = tmp_path / "reference.h5"
    run(path, epochs)
    return path


@pytest.mark.slow
def test_ctrl_c_checkpoints_and_resume_continues(tmp_path):
    path = tmp_path / "live.h5"
    proc = start_and_wait(path, 30)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "interrupted at epoch" in err and "Traceback" not in err
    with open_run(str(path)) as r:
        stopped = r.checkpoint_epoch()
        assert stopped == r.metrics["epoch"][-1] == r.snapshot_epochs[-1]
        assert r.ended == "interrupted"
    resume_run(str(path), epochs=7, progress=False)
    same_data(reference_run(tmp_path, stopped + 7), path, stopped + 7)


@pytest.mark.slow
def test_killed_run_resumes_from_its_last_checkpoint(tmp_path):
    path = tmp_path / "killed.h5"
    proc = start_and_wait(path, 40)
    assert read_records(str(path)).state.status == f"running (pid {proc.pid})"
    # a second writer would corrupt the file: resume and overwrite are refused
    being_written = f"being written by process {proc.pid} on this machine"
    with pytest.raises(AlifeInputError, match=f"{being_written}.* before you resume it"):
        resume_run(str(path), epochs=3, progress=False)
    with pytest.raises(AlifeInputError, match=f"{being_written}.* before you overwrite it"):
        run(path, 3, overwrite=True)
    refused = CliRunner().invoke(main, ["soup", "resume", str(path), "--epochs", "3"])
    assert refused.exit_code == 2 and being_written in refused.output, refused.output
    assert proc.poll() is None  # the run goes on, untouched
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    with open_run(str(path)) as r:  # a reader can open the killed file
        checkpoint = r.checkpoint_epoch()
        assert checkpoint >= 35 and checkpoint % 5 == 0
    assert read_records(str(path)).state.status == "killed; resume continues it"
    outcome = resume_run(str(path), epochs=3, progress=False)
    assert outcome.epoch == checkpoint + 3
    with open_run(str(path)) as r:  # rows past the checkpoint were dropped, not duplicated
        epochs = r.metrics["epoch"]
        assert np.all(np.diff(epochs) > 0)
    same_data(reference_run(tmp_path, checkpoint + 3), path, checkpoint + 3)


def test_save_and_load_a_soup(tmp_path):
    sim = Soup(CONFIG).run(6)
    sim.save(str(tmp_path / "saved.h5"))
    loaded = Soup.load(str(tmp_path / "saved.h5"))
    assert loaded.epoch == 6 and loaded.config == CONFIG
    np.testing.assert_array_equal(loaded.soup, sim.soup)
    loaded.run(3)
    sim.run(3)
    np.testing.assert_array_equal(loaded.soup, sim.soup)
    assert loaded.counters == sim.counters
    # the saved file is a run file that resume continues
    assert resume_run(str(tmp_path / "saved.h5"), epochs=3, progress=False).epoch == 9
    with open_run(str(tmp_path / "saved.h5")) as r:
        np.testing.assert_array_equal(r.snapshot(9), sim.soup)
    with pytest.raises(AlifeInputError, match="already exists"):
        sim.save(str(tmp_path / "saved.h5"))


def test_refused_resumes_leave_the_file_untouched(tmp_path):
    path = tmp_path / "done.h5"
    run(path, 6)
    before = path.read_bytes()
    with pytest.raises(AlifeInputError, match="already completed its 6 epochs"):
        resume_run(str(path), progress=False)
    with pytest.raises(AlifeInputError, match="epochs must be >= 0, got -2"):
        resume_run(str(path), epochs=-2, progress=False)
    with pytest.raises(AlifeInputError, match="unknown metric"):
        resume_run(str(path), epochs=2, stop_when=["nope>1"], progress=False)
    assert path.read_bytes() == before


def test_a_simulation_shows_its_epoch_backend_and_the_settings_it_changed():
    from alife.engine.run import simulation_repr
    from alife.engine.session import SIMULATIONS, simulation_class
    from alife.substrates.ca.life_sim import LifeConfig, LifeSim
    from alife.substrates.gard.population import PopulationConfig
    from alife.substrates.gard.population_sim import PopulationSim

    assert all(simulation_class(s).__repr__ is simulation_repr for s in SIMULATIONS)
    soup = Soup(SoupConfig(programs=256, seed=3, language="bff_noheads"))
    soup.step()
    assert repr(soup) == "<Soup at epoch 1 on cpu: programs=256, seed=3>"
    life = LifeSim(LifeConfig(rule="B3/S23", width=64, height=32))
    assert repr(life) == "<LifeSim at generation 0 on cpu: width=64, height=32>"
    assert repr(LifeSim(LifeConfig())) == "<LifeSim at generation 0 on cpu, default settings>"
    config = PopulationConfig(species=4, nmax=8, size=3, bias=1.1, target=(0.25,) * 4)
    assert repr(PopulationSim(config)) == (
        "<PopulationSim at epoch 0 on cpu: species=4, nmax=8, bias=1.1, "
        "target=(0.25, 0.25, 0.25, 0.25), size=3>"
    )
    config = PopulationConfig(species=12, nmax=20, size=3, bias=1.1, target=(0.5,) * 12)
    assert "target=(0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0..., size=3>" in repr(PopulationSim(config))
