"""``alife list``: a line per run file of a folder, with its progress, how it ended and
its headline measures; files it cannot read get a line saying why."""

import csv
import datetime
import io
import os

import h5py
from click.testing import CliRunner
from tables import table_row

from alife.analysis.listing import list_runs, listed_files
from alife.cli import main


def invoke(*args):
    return CliRunner().invoke(main, list(args))


def make_folder(tmp_path):
    """A folder of runs: a Life run of a block and a blinker (7 cells, 4 of which change
    every generation), a soup a stop rule ended, a LifeGPT dataset, an HDF5 file that is
    no run, a text file, and a run in a subfolder."""
    folder = tmp_path / "runs"
    (folder / "older").mkdir(parents=True)
    rle = tmp_path / "two.rle"
    rle.write_text("x = 8, y = 2, rule = B3/S23\n2o3b3o$2o!\n")
    life = ["ca", "run", "--pattern", str(rle), "--size", "16", "--plane", "--steps", "10"]
    assert invoke(*life, "--no-progress", "--out", str(folder / "osc.h5")).exit_code == 0
    soup = ["soup", "run", "--programs", "128", "--epochs", "40", "--metrics-every", "4"]
    soup += ["--stop-when", "epoch>8", "--no-progress"]
    assert invoke(*soup, "--out", str(folder / "soup.h5")).exit_code == 0
    data = ["ca", "dataset", "--samples", "6", "--size", "8", "--steps", "2", "--no-progress"]
    assert invoke(*data, "--out", str(folder / "pairs.h5")).exit_code == 0
    with h5py.File(folder / "other.h5", "w") as f:
        f["x"] = [1, 2, 3]
    (folder / "notes.txt").write_text("not listed")
    assert invoke(*life, "--no-progress", "--out", str(folder / "older" / "o.h5")).exit_code == 0
    return folder


def test_a_folder_is_listed_with_each_runs_state(tmp_path):
    folder = make_folder(tmp_path)
    result = invoke("list", str(folder))
    assert result.exit_code == 0, result.output
    path = str(folder)
    life = table_row(result.output, f"{path}/osc.h5")
    assert life[1:5] == ["life", "10 of 10 generations", "completed", "population 7, changes 4"]
    soup = table_row(result.output, f"{path}/soup.h5")
    assert soup[1:4] == ["soup", "9 of 40 epochs", "stop rule epoch>8"]
    assert soup[4].startswith("higher_entropy ")
    pairs = table_row(result.output, f"{path}/pairs.h5")
    assert pairs[1:4] == ["LifeGPT dataset", "6 samples", "2 generation(s) of B3/S23"]
    other = table_row(result.output, f"{path}/other.h5")
    assert other[1] == "?" and "not an alife run file" in other[3]
    assert "notes.txt" not in result.output and "o.h5" not in result.output
    deeper = invoke("list", "-r", path)
    assert table_row(deeper.output, f"{path}/older/o.h5")[3] == "completed"


def test_the_python_listing_holds_sizes_and_times(tmp_path):
    folder = make_folder(tmp_path)
    listings = {os.path.basename(item.path): item for item in list_runs([str(folder)], True)}
    assert set(listings) == {"osc.h5", "soup.h5", "pairs.h5", "other.h5", "o.h5"}
    osc = listings["osc.h5"]
    assert osc.size == os.path.getsize(osc.path) and osc.modified == os.path.getmtime(osc.path)
    # files given by name are listed whatever their name, once each
    named = [str(folder / "notes.txt"), str(folder / "osc.h5"), str(folder / "osc.h5")]
    assert listed_files(named) == sorted(set(named))


def test_the_csv_listing_holds_numbers_a_script_can_read(tmp_path):
    folder = make_folder(tmp_path)
    result = invoke("list", "--csv", str(folder))
    assert result.exit_code == 0, result.output
    rows = {os.path.basename(r["file"]): r for r in csv.DictReader(io.StringIO(result.output))}
    assert set(rows) == {"osc.h5", "soup.h5", "pairs.h5", "other.h5"}
    life, soup = rows["osc.h5"], rows["soup.h5"]
    assert (life["substrate"], life["completed"], life["planned"]) == ("life", "10", "10")
    assert (life["status"], life["population"], life["changes"]) == ("completed", "7.0", "4.0")
    assert life["higher_entropy"] == ""  # a soup's measure, empty for a Life run
    assert (soup["completed"], soup["planned"], soup["status"]) == ("9", "40", "stop rule epoch>8")
    with h5py.File(folder / "soup.h5") as f:  # read past alife: the last record, unrounded
        last = f["metrics/higher_entropy"][-1]
    assert float(soup["higher_entropy"]) == last and soup["population"] == ""
    pairs, other = rows["pairs.h5"], rows["other.h5"]
    assert (pairs["substrate"], pairs["progress"], pairs["completed"]) == (
        "LifeGPT dataset",
        "6 samples",
        "",
    )
    assert other["substrate"] == "?" and "not an alife run file" in other["status"]
    path = folder / "osc.h5"
    modified = datetime.datetime.fromisoformat(life["modified"]).timestamp()
    assert (
        abs(modified - os.path.getmtime(path)) < 1
        and int(life["size_bytes"]) == path.stat().st_size
    )


def test_an_empty_folder_and_a_missing_path(tmp_path):
    result = invoke("list", str(tmp_path))
    assert result.exit_code == 0 and result.output.strip() == "no .h5 files found"
    result = invoke("list", str(tmp_path / "gone"))
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"Error: {str(tmp_path / 'gone')!r} does not exist; give run files or folders"
    )
