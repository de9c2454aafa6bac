"""'alife sweep' on a Dask LocalCluster: runs equal direct runs, reruns skip, a killed
worker is survived, bad sweep files stop before anything starts."""

import csv
import json
import os
import subprocess
import sys
import threading
import time

import h5py
import numpy as np
import pytest
from click.testing import CliRunner
from processes import dead_writer
from tables import table_row

from alife.bench import SUBLEQ_REPLICATOR
from alife.cli import main
from alife.engine.run import Schedule
from alife.engine.session import start_run
from alife.engine.store import open_run
from alife.errors import AlifeInputError
from alife.substrates.programs.soup import Soup, SoupConfig
from alife.sweep.manifest import load_manifest, save_manifest
from alife.sweep.runner import execute_run, run_sweep
from alife.sweep.spec import load_sweep

pytest.importorskip("distributed")

SWEEP = """
command = "soup run"
out_dir = "{out}"
retries = 1

[fixed]
programs = {programs}
epochs = {epochs}
checkpoint-every = 16
metrics-every = 16

[axes]
seed = "0..1"
mutation = [0.001, 0.01]
"""


def write_sweep(tmp_path, programs=256, epochs=64):
    path = tmp_path / "sweep.toml"
    path.write_text(SWEEP.format(out=tmp_path / "runs", programs=programs, epochs=epochs))
    return str(path)


def direct_run(tmp_path, seed, mutation, programs, epochs):
    path = str(tmp_path / f"direct_{seed}_{mutation}.h5")
    config = SoupConfig(programs=programs, seed=seed, mutation=mutation)
    schedule = Schedule(metrics_every=16, checkpoint_every=16)
    start_run(Soup, config, path, epochs=epochs, schedule=schedule, progress=False)
    return path


def assert_same_run(a, b):
    with open_run(a) as x, open_run(b) as y:
        assert x.config == y.config
        for name in ("epoch", "higher_entropy", "epoch_ops"):
            np.testing.assert_array_equal(x.metrics[name], y.metrics[name])
        last = x.snapshot_epochs[-1]
        np.testing.assert_array_equal(x.snapshot(last), y.snapshot(last))


def stop_run_after(run, epoch, killed=True):
    """Start ``run`` (256 programs, 64 epochs planned) and stop it by a stop rule at its
    first metrics record past ``epoch`` - 1 (records follow epochs 1, 17, 33, ...: for a
    multiple of 16, ``epoch`` + 1, which its last checkpoint holds); ``killed``: then
    leave the file as a worker that died there would (no account of how it ended, no
    stop rule kept)."""
    config = SoupConfig(programs=256, seed=run.params["seed"], mutation=run.params["mutation"])
    schedule = Schedule(metrics_every=16, checkpoint_every=16)
    stop = [f"epoch>{epoch - 1}"]
    start_run(Soup, config, run.path, epochs=64, schedule=schedule, progress=False, stop_when=stop)
    if killed:
        with h5py.File(run.path, "r+") as f:
            f["ended"][0] = b""
            f.attrs["writer"] = dead_writer()
            f.attrs["schedule"] = json.dumps({**json.loads(f.attrs["schedule"]), "stop_when": []})


def test_sweep_runs_equal_direct_runs_and_rerun_skips(tmp_path):
    spec = load_sweep(write_sweep(tmp_path))
    assert len(spec.runs) == 4
    result = run_sweep(spec, workers=2, progress=False)
    assert result.done == 4 and not result.failed
    for run in spec.runs:
        direct = direct_run(tmp_path, run.params["seed"], run.params["mutation"], 256, 64)
        assert_same_run(run.path, direct)
    stamps = {run.path: os.path.getmtime(run.path) for run in spec.runs}
    again = run_sweep(spec, workers=2, progress=False)
    assert again.skipped == 4 and again.done == 4
    assert stamps == {run.path: os.path.getmtime(run.path) for run in spec.runs}
    result = CliRunner().invoke(main, ["sweep", "status", spec.source])
    assert "4 done" in result.output and "0 failed" in result.output
    assert_analysis_matches_the_runs(spec, tmp_path / "analysis")


CLOPPER_PEARSON_OF_TWO = {
    0: (0.0, 1 - 0.025**0.5),
    1: (1 - 0.975**0.5, 0.975**0.5),
    2: (0.025**0.5, 1.0),
}
"""95 % exact binomial intervals for k of 2 runs: P(X >= k) = 2.5 % at the low end and
P(X <= k) = 2.5 % at the high end, solved by hand."""


def assert_analysis_matches_the_runs(spec, out):
    """'alife analyze --sweep' tabulates each run's last metrics as its file holds them
    and prints, per mutation rate, the share of runs whose entropy passed 3 bits with its
    exact binomial interval."""
    result = CliRunner().invoke(main, ["analyze", "--sweep", spec.source, "--out", str(out)])
    assert result.exit_code == 0, result.output
    with open(out / "sweep_summary.csv") as f:
        table = {(int(r["seed"]), float(r["mutation"])): r for r in csv.DictReader(f)}
    for mutation in (0.001, 0.01):
        crossed = 0
        for seed in (0, 1):
            with open_run(
                next(r.path for r in spec.runs if r.params == {"seed": seed, "mutation": mutation})
            ) as run:
                entropy = run.metrics["higher_entropy"]
            assert float(table[seed, mutation]["higher_entropy"]) == pytest.approx(entropy[-1])
            crossed += bool((entropy > 3).any())
        low, high = CLOPPER_PEARSON_OF_TWO[crossed]
        line = (
            f"mutation={mutation}: {crossed} of 2 runs transitioned ({crossed / 2:.0%}; "
            f"95 % interval {low:.0%}-{high:.0%})"
        )
        assert line in result.output
    assert (out / "sweep_transitions.png").stat().st_size > 0


def analyze_runs_made_directly(path, out):
    """Make every run of the sweep file ``path`` in this process (no cluster), mark them
    done in the manifest, run 'alife analyze --sweep' into ``out``; return the sweep, the
    command's output and the summary's rows."""
    spec = load_sweep(str(path))
    entries = load_manifest(spec)
    for run in spec.runs:
        entries[run.name].update(execute_run(spec.command, run), state="done")
    save_manifest(spec, entries)
    result = CliRunner().invoke(main, ["analyze", "--sweep", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    with open(out / "sweep_summary.csv") as f:
        return spec, result.output, list(csv.DictReader(f))


def test_a_metric_named_like_an_axis_keeps_the_axis_value(tmp_path):
    # a Life run records its live 'density'; the sweep's 'density' axis is the start's
    path = tmp_path / "life.toml"
    path.write_text(
        f'command = "ca run"\nout_dir = "{tmp_path / "runs"}"\n'
        '[fixed]\nsize = "32x32"\nsteps = 5\n[axes]\ndensity = [0.2, 0.6]\n'
    )
    out = tmp_path / "analysis"
    spec, output, rows = analyze_runs_made_directly(path, out)
    assert [float(r["density"]) for r in rows] == [0.2, 0.6]
    for row, run in zip(rows, spec.runs, strict=True):
        with open_run(run.path) as handle:
            assert float(row["final_density"]) == handle.metrics["density"][-1]
            population, changes = (int(handle.metrics[k][-1]) for k in ("population", "changes"))
        # the printed table shows a Life run's headline metrics, as its progress bar does
        density = run.params["density"]
        shown = table_row(output, str(density))
        assert shown == [str(density), "done", "completed", "5", str(population), str(changes)]
    assert (out / "sweep_final.png").stat().st_size > 10_000  # population, changes by density


def test_a_census_metric_holds_the_runs_last_census(tmp_path):
    # records at epochs 1, 9, 17 and 24; a census at 1 and 17 only
    path = tmp_path / "census.toml"
    path.write_text(
        f'command = "soup run"\nout_dir = "{tmp_path / "runs"}"\n[fixed]\nprograms = 64\n'
        "epochs = 24\nmetrics-every = 8\neval-replicators-every = 16\n"
        f'language = "subleq"\ninitial-program = "{SUBLEQ_REPLICATOR * 16}"\n'
        '[axes]\nseed = "0..1"\n'
    )
    spec, output, rows = analyze_runs_made_directly(path, tmp_path / "analysis")
    for row, run in zip(rows, spec.runs, strict=True):
        with open_run(run.path) as handle:
            epochs, metrics = handle.metrics["epoch"].tolist(), handle.metrics
        assert epochs == [1, 9, 17, 24]
        at_17 = metrics["replicators"][2]
        assert np.isnan(metrics["replicators"][3]) and at_17 > 0
        assert (int(row["census_epoch"]), float(row["replicators"])) == (17, at_17)
        assert float(row["higher_entropy"]) == pytest.approx(metrics["higher_entropy"][3])
        shown = table_row(output, str(run.params["seed"]))
        assert shown[-2:] == ["17", str(int(at_17))]


def test_an_interrupted_run_resumes_from_its_checkpoint(tmp_path):
    spec = load_sweep(write_sweep(tmp_path))
    run = spec.runs[0]
    os.makedirs(spec.out_dir)
    stop_run_after(run, 32)  # as a worker killed after its checkpoint at 32
    assert execute_run(spec.command, run) == {"reason": "completed", "epoch": 64}
    assert_same_run(
        run.path, direct_run(tmp_path, run.params["seed"], run.params["mutation"], 256, 64)
    )


def test_status_tells_how_the_running_runs_stand_by_their_files(tmp_path, monkeypatch):
    spec = load_sweep(write_sweep(tmp_path))
    os.makedirs(spec.out_dir)
    killed, waiting = spec.runs[0], spec.runs[1]
    stop_run_after(killed, 32)  # as a driver and its workers killed mid-sweep leave it
    entries = load_manifest(spec)
    for run in (killed, waiting):
        entries[run.name].update(state="running", attempts=1)
    save_manifest(spec, entries)
    result = CliRunner().invoke(main, ["sweep", "status", spec.source])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].endswith("4 runs: 2 pending, 2 running, 0 done, 0 failed")
    assert f"  running {killed.name}: 33 of 64 epochs, killed; resume continues it" in lines
    assert lines[-1] == (
        f"  running but not started by a worker yet (no run file): 1: {waiting.name}"
    )
    others = spec.runs[2:]
    for run in others:
        entries[run.name].update(state="running", attempts=1)
    save_manifest(spec, entries)
    monkeypatch.setattr("alife.sweep.summary.WAITING_NAMES", 2)
    lines = CliRunner().invoke(main, ["sweep", "status", spec.source]).output.splitlines()
    assert lines[-1] == (
        "  running but not started by a worker yet (no run file): 3: "
        f"{waiting.name}, {others[0].name} and 1 more"
    )


def test_a_run_that_ended_before_the_manifest_heard_is_left_as_it_is(tmp_path):
    spec = load_sweep(write_sweep(tmp_path))
    run = spec.runs[0]
    os.makedirs(spec.out_dir)
    stop_run_after(run, 32, killed=False)  # its stop rule ended it; the worker died after
    stamp = os.path.getmtime(run.path)
    assert execute_run(spec.command, run) == {"reason": "stop rule epoch>31", "epoch": 33}
    assert os.path.getmtime(run.path) == stamp


def test_a_run_killed_before_readers_could_follow_it_is_resumed(tmp_path):
    spec = load_sweep(write_sweep(tmp_path))
    os.makedirs(spec.out_dir)
    # a writer killed while it reopens the file (its first write), before it switches to SWMR
    reopen_and_die = (
        "import h5py, os, sys; f = h5py.File(sys.argv[1], 'r+', libver='latest', "
        "locking=False); f.attrs['backend'] = 'cpu'; os._exit(0)"
    )
    for run, resume in zip(spec.runs[1:3], ("by hand", "by the sweep"), strict=True):
        seed, mutation = run.params["seed"], run.params["mutation"]
        stop_run_after(run, 16)
        subprocess.run([sys.executable, "-c", reopen_and_die, run.path], check=True)
        with pytest.raises(AlifeInputError, match="resume the run to repair"):
            open_run(run.path)
        if resume == "by hand":  # what that error advises
            result = CliRunner().invoke(main, ["soup", "resume", run.path])
            assert result.exit_code == 0, result.output
        else:
            assert execute_run(spec.command, run) == {"reason": "completed", "epoch": 64}
        assert_same_run(run.path, direct_run(tmp_path, seed, mutation, 256, 64))


@pytest.mark.slow
def test_a_killed_worker_is_survived(tmp_path):
    from distributed import LocalCluster

    spec = load_sweep(write_sweep(tmp_path, programs=2048, epochs=256))
    cluster = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        env={"NUMBA_NUM_THREADS": "1"},
    )
    outcome = {}
    thread = threading.Thread(
        target=lambda: outcome.update(
            result=run_sweep(spec, scheduler=cluster.scheduler_address, progress=False)
        )
    )
    thread.start()
    killed = False
    deadline = time.time() + 300
    while not killed and time.time() < deadline:  # kill a worker once a run is under way
        for run in spec.runs:
            if os.path.exists(run.path) and os.path.getsize(run.path) > 0:
                nanny = next(iter(cluster.workers.values()))
                nanny.process.process.kill()
                killed = True
                break
        time.sleep(0.05)
    thread.join(timeout=600)
    cluster.close()
    assert killed and outcome["result"].done == 4 and not outcome["result"].failed
    for run in spec.runs:
        direct = direct_run(tmp_path, run.params["seed"], run.params["mutation"], 2048, 256)
        assert_same_run(run.path, direct)
    entries = load_manifest(spec)
    assert sorted(entries) == sorted(run.name for run in spec.runs)  # none lost or doubled


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('command = "soup run"\nout_dir = "x"\n[fixed]\nprogram = 4\n', "has no option --program"),
        ('command = "soup run"\nout_dir = "x"\n[axes]\nseed = []\n', "axis 'seed' is empty"),
        ('command = "soup run"\nout_dir = "x"\n[axes]\nseed = "5..1"\n', "range '5..1' is empty"),
        ('command = "soup run"\nout_dir = "x"\n[axes]\nseed = "a..b"\n', "neither a list"),
        ('command = "soup walk"\nout_dir = "x"\n', "'soup walk' does not start an alife run"),
        ('command = "ca dataset"\nout_dir = "x"\n', "'ca dataset' does not start an alife run"),
        ('command = "soup run"\nout_dir = "x"\nretry = 2\n', "unknown key 'retry'"),
        ('command = "soup run"\nout_dir = "x"\n[fixed]\nprograms = "many"\n', "run run:"),
        ("command = [", "not valid TOML"),
        ('command = "soup run"\nout_dir = "x"\naxes = 5\n', "axes must be a table of options"),
        ('command = "soup run"\nout_dir = "x"\nfixed = [1]\n', "fixed must be a table"),
        (
            'command = "soup run"\nout_dir = "x"\n[axes]\nseed = "0..1000000000"\n',
            "asks for 1,000,000,001 runs; a sweep holds at most 100,000",
        ),
        (
            'command = "soup run"\nout_dir = "x"\n[axes]\nseed = "0..999"\nmutation = "0..100"\n',
            "asks for 101,000 runs",
        ),
        (
            'command = "soup run"\nout_dir = "x"\n[axes]\nseed = [1, 2, 1]\n',
            "runs {'seed': 1} and {'seed': 1} would both write seed=1.h5",
        ),
        (
            'command = "ca run"\nout_dir = "x"\n[axes]\nrule = ["B3/S23", "B3_S23"]\n',
            "would both write rule=B3-S23.h5",
        ),
        (
            'command = "soup run"\nout_dir = "x"\n[axes]\nlanguage = ["bff", "nope"]\n',
            "run language=nope: unknown language 'nope'",
        ),
        (
            'command = "soup run"\nout_dir = "x"\n[fixed]\nstop-when = "soon"\n',
            "run run: stop rule 'soon' is not of the form",
        ),
        (
            'command = "gard run"\nout_dir = "x"\n[axes]\nspecies = [10, 1]\n',
            "run species=1:",
        ),
        ('command = "ca run"\nout_dir = "x"\n[fixed]\nview = true\n', "open no window"),
    ],
)
def test_malformed_sweep_files_stop_before_anything_starts(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(AlifeInputError, match=message.replace("(", r"\(")):
        load_sweep(str(path))
    result = CliRunner().invoke(main, ["sweep", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert not (tmp_path / "x").exists()


def test_status_reads_a_sweep_without_checking_each_run_but_still_its_options(tmp_path):
    path = tmp_path / "sweep.toml"
    path.write_text('command = "soup run"\nout_dir = "x"\n[axes]\nlanguage = ["bff", "nope"]\n')
    result = CliRunner().invoke(main, ["sweep", "status", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 runs: 2 pending" in result.output
    assert CliRunner().invoke(main, ["sweep", str(path), "--dry-run"]).exit_code == 2
    path.write_text('command = "soup run"\nout_dir = "x"\n[axes]\nlangauge = ["bff"]\n')
    result = CliRunner().invoke(main, ["sweep", "status", str(path)])
    assert result.exit_code == 2 and "has no option --langauge" in result.output


def test_every_command_that_starts_a_run_can_be_swept():
    from alife.sweep.spec import run_commands

    assert sorted(run_commands()) == sorted(
        [
            "soup run",
            "ca run",
            "ca lenia",
            "ca flow-lenia",
            "ca loops",
            "gard run",
            "gard population",
            "quine train",
            "quine soup",
        ]
    )


def test_a_gpu_sweep_without_gpu_workers_says_how_to_get_them(tmp_path):
    pytest.importorskip("distributed")
    try:
        import dask_cuda  # noqa: F401

        pytest.skip("dask-cuda is installed here")
    except ImportError:
        pass
    path = tmp_path / "gpu.toml"
    path.write_text(
        f'command = "soup run"\nout_dir = "{tmp_path / "runs"}"\n[fixed]\nbackend = "cuda"\n'
        'programs = 256\n[axes]\nseed = "0..1"\n'
    )
    with pytest.raises(AlifeInputError, match="needs GPU workers: pip install dask-cuda"):
        run_sweep(load_sweep(str(path)), progress=False)
    assert not (tmp_path / "runs").exists()  # refused before the output folder is made


def test_a_scheduler_address_that_is_not_one_is_one_sentence_and_makes_nothing(tmp_path):
    path = write_sweep(tmp_path, programs=64, epochs=2)
    result = CliRunner().invoke(main, ["sweep", path, "--scheduler", "binary.bin"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "no Dask scheduler answers at 'binary.bin'" in lines[0]
    assert not (tmp_path / "runs").exists()


def test_local_workers_never_outnumber_the_runs(tmp_path):
    """10**12 workers asked for 2 runs start 2 processes (starting 10**12 never ends)."""
    from alife.sweep.runner import _client

    client, cluster = _client(None, 10**12, runs=2)
    try:
        assert len(cluster.workers) == 2
    finally:
        client.close()
        cluster.close()
