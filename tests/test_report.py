"""'alife analyze': the files it writes, what they show, and what it refuses."""

import re
from collections import Counter

import numpy as np
import pytest
from click.testing import CliRunner
from matplotlib.image import imread

from alife.bench import PALINDROME
from alife.cli import main
from alife.engine.store import open_run
from alife.substrates.programs.census import census_seed
from alife.substrates.programs.selfrep import selfrep_scores

RUN = ["soup", "run", "--programs", "128", "--max-steps", "1024", "--no-progress"]


def invoke(*args):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def census_run(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("runs") / "pal.h5")
    args = [*RUN, "--initial-program", PALINDROME * 16, "--epochs", "40", "--seed", "4"]
    args += ["--trace", "--price-motif", "[{.>]"]
    result = invoke(*args, "--eval-replicators-every", "8", "--snapshot-every", "16", "--out", path)
    assert result.exit_code == 0, result.output
    return path


def test_report_of_one_run(census_run, tmp_path):
    out = tmp_path / "report"
    result = invoke("analyze", census_run, "--out", str(out), "--top", "3")
    assert result.exit_code == 0, result.output
    with open_run(census_run) as run:
        metrics, last = run.metrics, run.snapshot(40)
    names = {"metrics.png", "replicators.png", "price.png", "tracer.png", "summary.md"}
    names |= {"soup_0000000.png", "soup_0000040.png"}
    assert {p.name for p in out.iterdir()} >= names
    summary = (out / "summary.md").read_text()
    above = metrics["epoch"][metrics["higher_entropy"] > 3]
    expected = f"epoch {above[0]}" if above.size else "not reached"
    assert f"higher-order entropy first > 3 bits/byte: {expected}" in summary
    copies = Counter(bytes(p) for p in last).most_common(1)[0][1]
    assert f"\n{copies:>7} " in summary  # the most frequent program's copy count
    assert "programs are self-replicators" in summary
    # a soup full of palindromes: its 8-byte strings nearly all repeat, counted by hand
    strings = Counter(bytes(p[i : i + 8]) for p in last for i in range(57))
    repeated = sum(n for n in strings.values() if n > 1) / (128 * 57)
    assert f"Copied material at epoch 40: {repeated:.2%} of the soup's 7,296" in summary


def test_soup_image_shows_the_documented_palette(tmp_path):
    path = str(tmp_path / "zero.h5")
    assert invoke(*RUN, "--zero-init", "--epochs", "0", "--out", path).exit_code == 0
    out = tmp_path / "report"
    assert invoke("analyze", path, "--out", str(out), "--no-census").exit_code == 0
    assert not (out / "spread.png").exists()  # the wave needs the censuses
    image = imread(out / "soup_0000000.png")[..., :3]
    # 128 programs: 128 // 68 = 1 column of 128 rows, 64 pixels wide, under a 70-pixel band
    soup = image[70:, :64]
    assert soup.shape == (128, 64, 3)
    assert (soup == [1.0, 0.0, 0.0]).all()  # the zero byte is red in cubff's BFF palette
    assert (image[70:, 64:] == 1.0).all()  # white figure background beside it


def test_compare_overlays_runs(census_run, tmp_path):
    other = str(tmp_path / "random.h5")
    assert invoke(*RUN, "--epochs", "20", "--seed", "9", "--out", other).exit_code == 0
    out = tmp_path / "cmp"
    result = invoke("analyze", "--compare", census_run, other, "--out", str(out))
    assert result.exit_code == 0, result.output
    expected = {"metrics.png", "replicators.png", "price.png", "tracer.png", "summary.md"}
    assert {p.name for p in out.iterdir()} == expected
    table = (out / "summary.md").read_text()
    # the settings that differ, then progress; the language, the same in both, is left out
    assert "| run | seed | initial_program | trace | price_motif | progress |" in table
    assert "| random | 9 | None | False | None | 20 of 20 epochs, completed | - | - |" in table
    with open_run(census_run) as run:  # its replicators pass 1 % at the first census
        shares = run.metrics["replicator_fraction"]
        first = int(run.metrics["epoch"][np.flatnonzero(shares > 0.01)[0]])
    assert f"| [{{.>] | 40 of 40 epochs, completed | - | {first} |" in table


def test_refusals_leave_files_alone(census_run, tmp_path):
    out = tmp_path / "report"
    out.mkdir()
    (out / "summary.md").write_text("mine")
    result = invoke("analyze", census_run, "--out", str(out), "--no-census")
    assert result.exit_code == 2 and "already exists; pass --overwrite" in result.stderr
    assert [p.name for p in out.iterdir()] == ["summary.md"]
    assert (out / "summary.md").read_text() == "mine"
    result = invoke("analyze", census_run, "--out", str(tmp_path / "x"), "--epoch", "7")
    assert result.exit_code == 2 and "no snapshot at epoch 7" in result.stderr
    result = invoke("analyze", census_run, census_run)
    assert result.exit_code == 2 and "--compare" in result.stderr
    assert not (tmp_path / "x").exists()


def test_grid_soups_are_drawn_as_tiles(tmp_path):
    path = str(tmp_path / "grid.h5")
    args = ["soup", "run", "--grid", "6x4", "--zero-init", "--epochs", "0", "--out", path]
    assert invoke(*args).exit_code == 0
    out = tmp_path / "report"
    assert invoke("analyze", path, "--out", str(out), "--no-census").exit_code == 0
    assert not (out / "spread.png").exists()  # the wave needs the censuses
    image = imread(out / "soup_0000000.png")[..., :3]
    tiles = image[70 : 70 + 32, : 6 * 8]  # 4 rows and 6 columns of 8x8 tiles
    # a zero byte is red (255, 0, 0); each tile's first row and column darkened by 32
    assert (tiles[1:8, 1:8] == [1.0, 0.0, 0.0]).all()
    assert np.allclose(tiles[0, 0], [223 / 255, 0.0, 0.0])
    assert (image[70 + 32 :, :48] == 1.0).all()  # below the grid: background


def test_a_grid_soups_report_follows_its_replicators_wave(tmp_path):
    """A 16x16 grid seeded with four palindromes, a snapshot every epoch for 70 epochs:
    the report counts the replicators of 64 of its 71 snapshots, the first and the last
    among them, and gives their front, the farthest replicator's Chebyshev distance in
    cells from the first one; against a plain count of cubff's census scores."""
    path = str(tmp_path / "grid.h5")
    args = ["soup", "run", "--grid", "16x16", "--max-steps", "1024", "--no-progress"]
    args += ["--initial-program", PALINDROME * 4, "--epochs", "70"]
    result = invoke(*args, "--seed", "3", "--snapshot-every", "1", "--out", path)
    assert result.exit_code == 0, result.output
    out = tmp_path / "report"
    result = invoke("analyze", path, "--out", str(out), "--top", "2")
    assert result.exit_code == 0, result.output
    assert (out / "spread.png").exists()
    summary = (out / "summary.md").read_text()
    rows = re.findall(r"^\| (\d+) \| ([\d,]+) \| (\d+|-) \|$", summary, re.MULTILINE)
    epochs = [int(epoch) for epoch, _, _ in rows]
    assert len(epochs) == 64 and epochs[0] == 0 and epochs[-1] == 70
    assert epochs == sorted(set(epochs))
    rows_of, columns_of = np.divmod(np.arange(256), 16)
    with open_run(path) as run:
        for epoch, replicators, front in rows:
            soup = run.snapshot(int(epoch))
            seed = census_seed(3, int(epoch))
            held = selfrep_scores("bff_noheads", soup, seed, max_steps=1024) >= 5
            assert int(replicators.replace(",", "")) == held.sum()
            distance = np.maximum(rows_of, columns_of)  # the first replicator is cell 0
            assert front == (str(distance[held].max()) if held.any() else "-")
    assert "front speed" in summary
