"""'alife analyze' of cellular-automaton runs: what the report measures, against
known patterns and hand-worked numbers, and what it refuses."""

import math

import numpy as np
import pytest
from click.testing import CliRunner
from tables import table_row

from alife.cli import main
from alife.engine.store import open_run
from alife.substrates.ca.life import pack
from alife.substrates.ca.report import fit_picture, occupied_box
from alife.substrates.ca.summary import centre_path, first_still_record, grid_period


def invoke(*args):
    return CliRunner().invoke(main, list(args))


def pulsar() -> np.ndarray:
    """The period-3 pulsar from its published definition: in a 13x13 box, rows 0, 5, 7
    and 12 hold cells in columns 2-4 and 8-10, and columns 0, 5, 7, 12 in rows 2-4, 8-10."""
    cells = np.zeros((13, 13), dtype=bool)
    for line in (0, 5, 7, 12):
        for run in (slice(2, 5), slice(8, 11)):
            cells[line, run] = True
            cells[run, line] = True
    return cells


def grid_with(*placed) -> np.ndarray:
    """A 64x64 dead grid with (pattern, row, column) placed at their top-left corners."""
    cells = np.zeros((64, 64), dtype=bool)
    for pattern, row, column in placed:
        cells[row : row + pattern.shape[0], column : column + pattern.shape[1]] |= pattern
    return cells


BLOCK = np.ones((2, 2), dtype=bool)
BLINKER = np.ones((1, 3), dtype=bool)
GLIDER = np.array([[0, 1, 0], [0, 0, 1], [1, 1, 1]], dtype=bool)
PLANE = {"rule": "B3/S23", "width": 64, "torus": False}


@pytest.mark.parametrize(
    ("placed", "period"),
    [
        ([(BLOCK, 10, 10)], 1),
        ([(BLINKER, 10, 10)], 2),
        ([(pulsar(), 20, 20)], 3),
        ([(BLOCK, 5, 5), (BLINKER, 50, 50)], 2),
        ([(BLINKER, 5, 5), (pulsar(), 30, 30)], 6),  # lcm(2, 3)
        ([(GLIDER, 20, 20)], None),  # it moves 16 cells in 64 generations
        ([], 1),  # an empty grid stays empty
    ],
)
def test_grid_period_of_known_patterns(placed, period):
    assert grid_period(pack(grid_with(*placed)), PLANE) == period


def test_grid_period_on_a_torus_sees_a_glider_come_round():
    # on an 8x8 torus a glider is back where it started after 4 * 8 = 32 generations
    cells = np.zeros((8, 8), dtype=bool)
    cells[:3, :3] = GLIDER
    config = {"rule": "B3/S23", "width": 8, "torus": True}
    assert grid_period(pack(cells), config) == 32
    assert grid_period(pack(cells), config, max_period=31) is None


def test_first_still_record():
    epochs = np.array([0, 1, 2, 3, 4, 5])
    assert first_still_record(epochs, np.array([0, 5, 3, 0, 0, 0])) == 3
    assert first_still_record(epochs, np.array([0, 5, 3, 0, 0, 1])) is None
    assert first_still_record(epochs, np.array([0, 0, 0, 0, 0, 0])) == 1  # step 0 skipped
    assert first_still_record(np.array([0]), np.array([0])) is None  # nothing after start
    assert first_still_record(np.array([1, 16, 32]), np.array([9, 0, 0])) == 16


def test_centre_path_takes_the_short_way_across_the_seam():
    metrics = {
        "centroid_x": np.array([62.0, 63.5, 1.0, 2.5]),  # 1.5 cells right each time
        "centroid_y": np.array([10.0, 10.0, 12.0, math.nan]),
    }
    path = centre_path(metrics, width=64, height=32)
    np.testing.assert_allclose(path[:3], [0.0, 1.5, 1.5 + math.hypot(1.5, 2.0)])
    assert math.isnan(path[3])  # an emptied world has no centre


def test_occupied_box_zooms_only_on_a_small_occupied_part():
    background = np.array([0, 0, 0], dtype=np.uint8)
    picture = np.zeros((100, 200, 3), dtype=np.uint8)
    assert occupied_box(picture, background) is None
    picture[40, 50] = picture[45, 60] = 255
    rows, columns = occupied_box(picture, background)
    assert (rows.start, rows.stop, columns.start, columns.stop) == (32, 54, 42, 69)
    picture[0, 0] = picture[99, 199] = 255  # the live part now spans the whole picture
    assert occupied_box(picture, background) is None


def test_report_of_a_life_run_of_oscillators(tmp_path):
    rle = tmp_path / "two.rle"
    # a block and a blinker, apart: 7 cells, 4 of them change every generation
    rle.write_text("x = 8, y = 2, rule = B3/S23\n2o3b3o$2o!\n")
    run = str(tmp_path / "osc.h5")
    args = ["ca", "run", "--pattern", str(rle), "--size", "32x32", "--plane", "--steps", "10"]
    assert invoke(*args, "--snapshot-every", "5", "--no-progress", "--out", run).exit_code == 0
    result = invoke("analyze", run)
    assert result.exit_code == 0, result.output
    out = tmp_path / "osc_report"
    assert {p.name for p in out.iterdir()} == {
        "metrics.png",
        "generation_0000000.png",
        "generation_0000010.png",
        "summary.md",
    }
    summary = (out / "summary.md").read_text()
    assert "| population | 7 | 7 | 7 | 7 |" in summary
    assert "| changes | 4 | 4 | 4 | 4 |" in summary
    assert "recurs after 2 generation(s)" in summary
    assert "4 cells changed in generation 10" in summary
    shown = invoke("ca", "show", run)
    assert shown.exit_code == 0, shown.output
    assert "recurs after 2 generation(s)" in shown.output
    assert table_row(shown.output, "progress") == ["progress", "10 of 10 generations, completed"]
    assert table_row(shown.output, "population") == ["population", "7", "7", "7", "7"]


def test_report_of_an_orbium_follows_its_centre(tmp_path):
    run = str(tmp_path / "orbium.h5")
    args = ["ca", "lenia", "--size", "64", "--steps", "20", "--snapshot-every", "20"]
    assert invoke(*args, "--no-progress", "--out", run).exit_code == 0
    out = tmp_path / "report"
    result = invoke("analyze", run, "--out", str(out), "--epoch", "20")
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {"metrics.png", "step_0000020.png", "summary.md"}
    with open_run(run) as handle:
        first, last = handle.snapshot(0), handle.snapshot(20)

    def centre(field):  # circular means along each axis, written out
        out = []
        for weights, size in ((field.sum(axis=0), 64), (field.sum(axis=1), 64)):
            angle = np.arctan2(
                weights @ np.sin(np.arange(size) * 2 * np.pi / size),
                weights @ np.cos(np.arange(size) * 2 * np.pi / size),
            )
            out.append(angle % (2 * np.pi) * size / (2 * np.pi))
        return np.array(out)

    step = (centre(last) - centre(first) + 32) % 64 - 32
    summary = (out / "summary.md").read_text()
    travelled = float(summary.split("the mass centre travelled ")[1].split(" cells")[0])
    # the records start after step 1, the snapshots at 0: the glide is straight enough
    # that the path of 19 recorded steps is 19/20 of the 20-step displacement
    assert travelled == pytest.approx(np.hypot(*step) * 19 / 20, rel=0.02)


def test_bad_input_to_a_ca_report(tmp_path):
    run = str(tmp_path / "loop.h5")
    args = ["ca", "loops", "--rule", "langton", "--steps", "4", "--no-progress", "--out", run]
    assert invoke(*args).exit_code == 0
    result = invoke("analyze", run, "--epoch", "3")
    assert result.exit_code == 2
    assert "no snapshot at generation 3; snapshots exist at 0, 4" in result.output
    out = tmp_path / "loop_report"
    assert not out.exists()
    assert invoke("analyze", run).exit_code == 0
    before = (out / "summary.md").read_text()
    (out / "summary.md").write_text("mine")
    result = invoke("analyze", run)
    assert result.exit_code == 2 and "--overwrite" in result.output
    assert (out / "summary.md").read_text() == "mine"
    assert invoke("analyze", run, "--overwrite").exit_code == 0
    assert (out / "summary.md").read_text() == before
    assert "every cell found its transition in the table" in before


def test_fit_picture_averages_blocks():
    picture = np.zeros((5, 7, 3), dtype=np.uint8)
    picture[0, 0] = 255  # one live cell of the top-left 2x2 block (of k = ceil(7 / 4) = 2)
    picture[2:4, 2:4] = 100
    fitted = fit_picture(picture, limit=4)
    assert fitted.shape == (2, 3, 3)  # the ragged last row and column dropped
    assert fitted[0, 0].tolist() == [64, 64, 64]  # 255 / 4 = 63.75
    assert fitted[1, 1].tolist() == [100, 100, 100]
    assert fitted.sum() == 3 * (64 + 100)
    assert fit_picture(picture, limit=7) is picture
