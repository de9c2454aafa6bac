"""A soup run played again with a class of programs shuffled every epoch
(:mod:`alife.analysis.shuffled_soup`, ``study_front_steps.py --shuffle``), against a
plain loop: holders found byte by byte, classes by hand, the soup stepped one epoch at a
time with the shuffle done by hand."""

import os
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from alife.analysis import shuffled_soup
from alife.analysis.shuffled_soup import gains_without_holder, permute_within, shuffled_holders
from alife.analysis.tape_order import parse_motifs
from alife.cli import main
from alife.engine.store import open_run
from alife.substrates.programs.soup import Soup, SoupConfig

PALINDROME = "[[{.>]-]" + "0" * 48 + "]-]>.{[["
MOTIFS = ["{.>]", "]>.{"]
EPOCHS = 40
STUDY = os.path.join(os.path.dirname(__file__), "..", "scripts", "study_front_steps.py")


@pytest.fixture(scope="module")
def grid_run(tmp_path_factory):
    """A 16x16 grid soup with mutation, the palindrome in its first row."""
    path = str(tmp_path_factory.mktemp("shuffled") / "grid.h5")
    args = ["soup", "run", "--grid", "16x16", "--epochs", str(EPOCHS), "--seed", "5"]
    args += ["--initial-program", PALINDROME * 4, "--mutation", "0.000244140625"]
    args += ["--no-progress", "--snapshot-every", "1", "--out", path]
    assert CliRunner().invoke(main, args).exit_code == 0
    return path


def _holds_both(program: np.ndarray) -> bool:
    return all(motif.encode() in program.tobytes() for motif in MOTIFS)


def _plain_shuffled(path: str, shuffled: list[str], seed) -> np.ndarray:
    """(EPOCHS + 1, 256) bool holders of both motifs of the run played again with the
    programs of each class in ``shuffled`` permuted among its cells before each epoch."""
    with open_run(path) as run:
        soup = Soup(SoupConfig(**run.config))
    rng = np.random.default_rng(seed)
    ever = np.zeros(256, dtype=bool)
    masks = []
    for epoch in range(EPOCHS + 1):
        held = np.array([_holds_both(p) for p in soup.soup])
        ever |= held
        masks.append(held)
        if epoch < EPOCHS:
            for name in shuffled:
                cells = {"holders": held, "fresh": ~ever, "wrecks": ever & ~held}[name]
                cells = np.flatnonzero(cells)
                order = rng.permutation(cells)
                soup.soup[cells] = soup.soup[order].copy()
            soup.step()
    return np.array(masks)


@pytest.mark.parametrize("shuffled", [["holders"], ["fresh"], ["wrecks"], ["wrecks", "holders"]])
def test_a_shuffled_play_is_the_plain_one_and_another_run(grid_run, shuffled):
    motifs = parse_motifs(grid_run, MOTIFS)
    masks, soup = shuffled_holders(
        grid_run, EPOCHS, motifs, True, shuffled, np.random.default_rng(9)
    )
    expected = _plain_shuffled(grid_run, shuffled, 9)
    assert np.array_equal(np.array(masks), expected)
    with open_run(grid_run) as run:
        original = np.array(
            [[_holds_both(p) for p in run.snapshot(e, "soup")] for e in range(EPOCHS + 1)]
        )
    assert not np.array_equal(expected, original)  # the shuffle changed the run
    assert np.array_equal(soup.meetings(3)[0], Soup.load(grid_run).meetings(3)[0])


def test_a_shuffle_within_groups_keeps_every_program_in_its_group():
    rng = np.random.default_rng(2)
    groups = rng.integers(0, 5, 60)
    cells = np.flatnonzero(rng.random(60) < 0.7)
    programs = np.arange(60)
    by_group, permuted = permute_within(cells, groups, rng)
    programs[by_group] = programs[permuted]
    assert sorted(by_group.tolist()) == sorted(permuted.tolist()) == cells.tolist()
    outside = np.setdiff1d(np.arange(60), cells)
    assert np.array_equal(programs[outside], outside)  # the others stay
    for g in range(5):
        mine = cells[groups[cells] == g]
        assert sorted(programs[mine].tolist()) == mine.tolist()  # a group keeps its programs
    assert not np.array_equal(programs[cells], cells)  # and they moved


def test_gains_without_a_holder_are_a_plain_count():
    """Random holders and pairings, with programs left unmatched: a program counts when
    it holds after an epoch, did not before, and its partner did not hold (or it had
    none)."""
    rng = np.random.default_rng(4)
    n, epochs = 30, 12
    masks = [rng.random(n) < 0.4 for _ in range(epochs + 1)]
    orders = [rng.permutation(n).astype(np.uint32) for _ in range(epochs)]
    pairs = 11  # 8 programs meet no one

    def meetings(epoch):
        return orders[epoch], pairs

    expected = 0
    for epoch in range(epochs):
        order = orders[epoch].tolist()
        partner = {}
        for k in range(pairs):
            a, b = order[2 * k], order[2 * k + 1]
            partner[a], partner[b] = b, a
        for i in range(n):
            gained = masks[epoch + 1][i] and not masks[epoch][i]
            met_holder = i in partner and masks[epoch][partner[i]]
            expected += gained and not met_holder
    assert expected > 0
    assert gains_without_holder(masks, meetings) == expected


def test_the_front_steps_study_compares_each_shuffled_play_with_its_model(grid_run):
    """Two shuffled plays to epoch 24: two blocks whose front, cells advanced and cells
    retreated are the plain shuffled run's (the script seeds shuffle k with [--seed,
    2**32 + k]), then the combined lines."""
    args = [STUDY, grid_run, "--motif", MOTIFS[0], "--motif", MOTIFS[1], "--origin", "0,0"]
    args += ["--every-motif", "--replicas", "3", "--until", "24"]
    args += ["--shuffle", "fresh", "--shuffle-seeds", "2"]
    result = subprocess.run([sys.executable, *args], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    blocks = result.stdout.split(f"{grid_run} with its fresh shuffled (shuffle ")[1:]
    assert len(blocks) == 2 and " of 2 runs took hold" in result.stdout
    plays = []
    for k, block in enumerate(blocks):
        held = _plain_shuffled(grid_run, ["fresh"], [0, 2**32 + k])[:25]
        fronts = np.array([max(max(divmod(int(i), 16)) for i in np.flatnonzero(h)) for h in held])
        steps = np.diff(fronts)
        plays.append(fronts.tolist())
        for name, value in (
            ("front at the end (cells)", fronts[-1]),
            ("cells advanced", steps[steps > 0].sum()),
            ("cells retreated", -steps[steps < 0].sum()),
        ):
            assert f"  {name:42s} run {value:5d}" in block, name
        assert "holders made without meeting a holder: " in block
    assert plays[0] != plays[1]  # two shuffles, two runs


def test_within_rings_no_fresh_program_leaves_its_distance_from_the_origin(grid_run, monkeypatch):
    """The study's plays within rings say so, and every epoch's permutation (watched
    in the library) moves fresh programs, each only to a cell of its own ring."""
    args = [STUDY, grid_run, "--motif", MOTIFS[0], "--motif", MOTIFS[1], "--origin", "0,0"]
    args += ["--every-motif", "--replicas", "2", "--until", "8", "--shuffle", "fresh"]
    result = subprocess.run(
        [sys.executable, *args, "--within-rings"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert f"{grid_run} with its fresh shuffled within rings (shuffle 0)" in result.stdout
    rows, cols = np.divmod(np.arange(256), 16)
    rings = np.maximum(rows, cols)
    moved = []

    def spy(cells, groups, rng):
        by_group, permuted = permute_within(cells, groups, rng)
        assert np.array_equal(groups[by_group], groups[permuted])
        moved.append(int((by_group != permuted).sum()))
        return by_group, permuted

    monkeypatch.setattr(shuffled_soup, "permute_within", spy)
    motifs = parse_motifs(grid_run, MOTIFS)
    shuffled_holders(grid_run, 8, motifs, True, ["fresh"], np.random.default_rng(1), rings)
    assert len(moved) == 8 and min(moved) > 0
