"""'alife ca run/resume/patterns': run files of Life-like automata."""

import numpy as np
import pytest
from click.testing import CliRunner
from test_life import reference_step

from alife.cli import main
from alife.engine.store import open_run
from alife.substrates.ca.life import unpack
from alife.substrates.ca.life_sim import LifeConfig, random_cells


def invoke(*args):
    return CliRunner().invoke(main, list(args))


def grids(path):
    with open_run(path) as run:
        width = run.config["width"]
        return {int(e): unpack(run.snapshot(int(e)), width) for e in run.snapshot_epochs}, run


def test_random_run_records_what_the_reference_computes(tmp_path):
    path = str(tmp_path / "life.h5")
    args = ["ca", "run", "--size", "70x40", "--density", "0.35", "--seed", "3", "--steps", "6"]
    result = invoke(*args, "--snapshot-every", "3", "--out", path)
    assert result.exit_code == 0, result.output
    snapshots, _ = grids(path)
    with open_run(path) as run:
        metrics = run.metrics
    grid = random_cells(LifeConfig(width=70, height=40, density=0.35, seed=3))
    np.testing.assert_array_equal(snapshots[0], grid)
    for generation in range(1, 7):
        nxt = reference_step(grid, {3}, {2, 3}, torus=True)
        row = list(metrics["epoch"]).index(generation)
        assert metrics["population"][row] == nxt.sum()
        assert metrics["changes"][row] == (nxt != grid).sum()
        grid = nxt
        if generation in snapshots:
            np.testing.assert_array_equal(snapshots[generation], grid)


def test_seeds_draw_their_density():
    a = random_cells(LifeConfig(width=300, height=300, density=0.2, seed=1))
    b = random_cells(LifeConfig(width=300, height=300, density=0.2, seed=2))
    assert abs(a.mean() - 0.2) < 0.01 and not np.array_equal(a, b)


def test_rle_pattern_run_resumes_without_the_file(tmp_path):
    rle_file = tmp_path / "replicator.rle"
    rle_file.write_text("x = 5, y = 5, rule = B36/S23\n2b3o$bo2bo$o3bo$o2bo$3o!\n")
    path, once = str(tmp_path / "hl.h5"), str(tmp_path / "once.h5")
    common = ["--pattern", str(rle_file), "--size", "64x64", "--plane", "--snapshot-every", "5"]
    assert invoke("ca", "run", *common, "--steps", "24", "--out", once).exit_code == 0
    assert invoke("ca", "run", *common, "--steps", "10", "--out", path).exit_code == 0
    rle_file.unlink()
    result = invoke("ca", "resume", path, "--steps", "14")
    assert result.exit_code == 0, result.output
    resumed, run = grids(path)
    assert run.config["rule"] == "B36/S23" and run.config["density"] == 0.0
    uninterrupted, _ = grids(once)
    np.testing.assert_array_equal(resumed[24], uninterrupted[24])


@pytest.mark.parametrize(
    "args,message",
    [
        (["--rule", "B9/S23"], "is not a Life-like rule"),
        (["--pattern", "gliderr"], "neither a shipped pattern"),
        (["--size", "10x0"], "is not WIDTHxHEIGHT"),
        (["--density", "1.5"], "density must be in [0, 1]"),
        (["--pattern", "gosper_gun", "--size", "20x20"], "does not fit a 20x20 grid"),
    ],
)
def test_bad_ca_options(tmp_path, args, message):
    out = tmp_path / "never.h5"
    result = invoke("ca", "run", *args, "--out", str(out))
    assert result.exit_code == 2 and message in result.stderr
    assert "Traceback" not in result.output and not out.exists()


def test_patterns_lists_the_library():
    result = invoke("ca", "patterns")
    assert result.exit_code == 0 and "highlife_replicator" in result.output
    assert "B36/S23" in result.output


def test_bench_ca_prints_cell_updates():
    result = invoke("bench", "ca", "--size", "64", "--size", "100", "--steps", "3")
    assert result.exit_code == 0, result.output
    rows = [line for line in result.output.splitlines() if " alife " in line]
    assert len(rows) == 2 and "100x100" in rows[1]


def test_lenia_run_records_orbium_and_resumes_identically(tmp_path):
    path, once = str(tmp_path / "lenia.h5"), str(tmp_path / "once.h5")
    common = ["ca", "lenia", "--size", "64", "--snapshot-every", "10", "--no-progress"]
    assert invoke(*common, "--steps", "30", "--out", once).exit_code == 0
    assert invoke(*common, "--steps", "20", "--out", path).exit_code == 0
    result = invoke("ca", "resume", path, "--steps", "10")
    assert result.exit_code == 0, result.output
    with open_run(path) as run, open_run(once) as whole:
        assert run.config["R"] == 13 and run.config["s"] == 0.015
        np.testing.assert_array_equal(run.snapshot(30), whole.snapshot(30))
        mass = run.metrics["mass"]
    assert 70 < mass[-1] < 78  # Orbium's mass (about 73.5 cells' worth)


def test_loops_run_counts_langtons_loop(tmp_path):
    path = str(tmp_path / "loops.h5")
    result = invoke("ca", "loops", "--size", "80", "--steps", "151", "--out", path)
    assert result.exit_code == 0, result.output
    with open_run(path) as run:
        metrics = run.metrics
        assert run.config["pattern"] == "langtons_loop"
    assert metrics["population"][0] == 86 and metrics["population"][-1] == 171  # as bgolly


@pytest.mark.parametrize(
    "args,message",
    [
        (["lenia", "--pattern", "orbiun"], "neither a shipped animal"),
        (["lenia", "--size", "20"], "needs a world of at least 27 cells"),
        (["lenia", "--kn", "9"], "kernel core kn=9 is unknown"),
        (["loops", "--rule", "langtn"], "neither a shipped table"),
        (["loops", "--rule", "evoloop", "--pattern", "langtons_loop", "--size", "10"], "fit"),
    ],
)
def test_bad_lenia_and_loops_options(tmp_path, args, message):
    out = tmp_path / "never.h5"
    result = invoke("ca", *args, "--out", str(out))
    assert result.exit_code == 2 and message in result.stderr, result.output
    assert "Traceback" not in result.output and not out.exists()


def test_bench_lenia_prints_steps_beside_the_baseline():
    result = invoke("bench", "lenia", "--size", "64", "--steps", "3", "--batch", "2")
    assert result.exit_code == 0, result.output
    assert " alife " in result.output and "numpy+scipy" in result.output
