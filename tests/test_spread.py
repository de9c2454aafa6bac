"""``alife soup spread``: how many programs hold a motif, snapshot by snapshot, and in a
grid soup how far from where it first appeared, checked against a byte-by-byte count."""

import numpy as np
import pytest
from click.testing import CliRunner

from alife.analysis.spread import MotifSpread
from alife.cli import main
from alife.engine.store import open_run
from alife.substrates.programs.registry import get_language
from alife.substrates.programs.spread_view import run_motif_spread

PALINDROME = "[[{.>]-]" + "0" * 48 + "]-]>.{[["
MOTIFS = ("{.>]-]", "]-]>.{")
WIDTH, HEIGHT = 32, 20


def invoke(*args):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def wave(tmp_path_factory):
    """A 32x20 grid soup seeded with four palindromes in its first row, 96 epochs, a
    snapshot every 8 (seed 4: the replicators reach the far edge)."""
    path = str(tmp_path_factory.mktemp("spread") / "wave.h5")
    run = ["soup", "run", "--grid", f"{WIDTH}x{HEIGHT}", "--epochs", "96", "--seed", "4"]
    run += ["--initial-program", PALINDROME * 4, "--snapshot-every", "8", "--no-progress"]
    assert invoke(*run, "--out", path).exit_code == 0
    return path


def reference(path):
    """Holders and fronts by loops: every program, every start, every byte."""
    language = get_language("bff_noheads")
    motifs = [list(language.parse(m)) for m in MOTIFS]
    holders, fronts, origin = [], [], None
    with open_run(path) as run:
        epochs = [int(e) for e in run.snapshot_epochs]
        soups = [run.snapshot(e) for e in epochs]
    for soup in soups:
        cells = []
        for i, program in enumerate(soup.tolist()):
            if any(program[s : s + len(m)] == m for m in motifs for s in range(65 - len(m))):
                cells.append((i // WIDTH, i % WIDTH))
        if cells and origin is None:
            origin = cells[0]
        holders.append(len(cells))
        far = [max(abs(r - origin[0]), abs(c - origin[1])) for r, c in cells]
        fronts.append(max(far) if far else -1)
    return epochs, holders, fronts, origin


def test_holders_and_front_match_a_byte_by_byte_count(wave):
    spread = run_motif_spread(wave, MOTIFS)
    epochs, holders, fronts, origin = reference(wave)
    assert spread.epochs.tolist() == epochs and spread.holders.tolist() == holders
    assert spread.front.tolist() == fronts and spread.origin == origin == (0, 0)
    assert spread.programs == WIDTH * HEIGHT and spread.reach == WIDTH - 1
    assert fronts[-1] == WIDTH - 1  # the wave crossed the grid
    # a program meets partners at most 2 cells away, once an epoch
    steps = np.diff(fronts) / np.diff(epochs)
    assert (steps <= 2).all()
    speed, first, last = spread.front_speed()
    assert 0 < speed <= 2 and first == 0 and last <= 96


def test_front_speed_fits_until_the_edge_and_skips_empty_snapshots():
    epochs = np.array([0, 10, 20, 30, 40, 50])
    spread = MotifSpread(epochs, np.ones(6, int), 100, (0, 0), np.array([-1, 0, 5, -1, 15, 15]), 15)
    # snapshots at 10, 20 and 40 (the edge): a line through (10, 0), (20, 5), (40, 15)
    assert spread.front_speed() == pytest.approx((0.5, 10, 40))
    lonely = MotifSpread(epochs[:2], np.ones(2, int), 100, (0, 0), np.array([-1, 3]), 15)
    assert lonely.front_speed() is None
    assert MotifSpread(epochs, np.zeros(6, int), 100).front_speed() is None


def test_the_command_prints_the_table_and_the_speed(wave, tmp_path):
    result = invoke("soup", "spread", wave, "--motif", MOTIFS[0], "--motif", MOTIFS[1])
    assert result.exit_code == 0, result.output
    assert "front (cells from origin)" in result.output
    assert "origin: row 0, column 0; front speed" in " ".join(result.output.split())
    mixed = str(tmp_path / "mixed.h5")
    run = ["soup", "run", "--programs", "256", "--epochs", "8", "--initial-program", PALINDROME]
    assert invoke(*run, "--no-progress", "--out", mixed).exit_code == 0
    result = invoke("soup", "spread", mixed, "--motif", MOTIFS[0])
    assert result.exit_code == 0 and "not a grid soup: no front to follow" in result.output
    assert "front (cells" not in result.output


def test_bad_motifs_and_files_are_refused(wave, tmp_path):
    long = "[" * 65
    result = invoke("soup", "spread", wave, "--motif", long)
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"Error: motif {long!r} has 65 bytes; a motif has 1 to 64")
    assert invoke("soup", "spread", wave).exit_code == 2  # --motif is required
    life = str(tmp_path / "life.h5")
    assert (
        invoke("ca", "run", "--size", "8", "--steps", "2", "--no-progress", "--out", life).exit_code
        == 0
    )
    result = invoke("soup", "spread", life, "--motif", MOTIFS[0])
    assert result.exit_code == 2 and "soup" in result.stderr
