"""alife.analysis.tape_order: the replay that knows a motif's wrecks, the outcome counts
by side and partner, and the tape-order contact process, each against an independent
reference: the run's every-epoch snapshots, ``soup spread --transmission``, and a
plain loop over the meetings."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from alife.analysis.spread import holding, tape_sides
from alife.analysis.tape_order import (
    FRESH,
    WRECK,
    outcome_counts,
    parse_motifs,
    tape_order_masks,
    wreck_rows,
)
from alife.cli import main
from alife.engine.store import open_run
from alife.substrates.programs.soup import Soup
from alife.substrates.programs.spread_view import run_spread

MOTIFS = ["{.>]", "]>.{"]
PALINDROME = "[[{.>]-]" + "0" * 48 + "]-]>.{[["


def _soup(path, every: int, mutation: str = "0") -> None:
    args = ["soup", "run", "--programs", "256", "--epochs", "24", "--seed", "3"]
    args += ["--initial-program", PALINDROME * 4, "--mutation", mutation, "--no-progress"]
    result = CliRunner().invoke(main, [*args, "--snapshot-every", str(every), "--out", path])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """(every-epoch run, every-8-epochs run) of one soup without mutation, and an
    every-epoch run of it with cubff's mutation rate."""
    folder = tmp_path_factory.mktemp("tape_order")
    paths = [str(folder / name) for name in ("all.h5", "sparse.h5", "mutating.h5")]
    _soup(paths[0], 1)
    _soup(paths[1], 8)
    _soup(paths[2], 1, mutation="0.000244140625")
    return paths


def _held(path: str) -> np.ndarray:
    """(epochs + 1, n) bool: who holds a motif in each snapshot of an every-epoch run."""
    motifs = parse_motifs(path, MOTIFS)
    with open_run(path) as run:
        return np.array(
            [holding(run.snapshot(int(e), "soup"), motifs) for e in run.snapshot_epochs]
        )


def test_wrecks_are_the_programs_that_held_the_motif_at_an_earlier_epoch(runs):
    every_epoch, sparse, _ = runs
    rows = list(wreck_rows(sparse, MOTIFS))
    assert [r.epoch for r in rows] == [0, 8, 16, 24]
    held = _held(every_epoch)
    for r in rows:
        ever = held[: r.epoch + 1].any(axis=0) & ~held[r.epoch]
        assert (r.holders, r.ever_held) == (held[r.epoch].sum(), ever.sum())
    assert any(r.once for r in rows)  # the test sees wrecks met, not only fresh partners
    # without mutation the replayed tapes are the run's own: the same losses
    counts = run_spread(sparse, MOTIFS, transmission=True).transmission
    for r, (_, (met, _, lost)) in zip(rows, counts.tolist(), strict=True):
        assert (r.meetings, r.lost_once + r.lost_never) == (met, lost)


def test_outcome_counts_split_the_transmission_counts_of_every_epoch(runs):
    """Summed over the partner's kind they are --transmission's counts of an every-epoch
    run (which replays each epoch from its snapshot, mutation included), and the kinds
    follow the snapshots."""
    path = runs[2]
    counts = outcome_counts(path, parse_motifs(path, MOTIFS), 24)
    reference = run_spread(path, MOTIFS, transmission=True).transmission[:-1].sum(axis=0)
    assert np.array_equal(counts.met.sum(axis=1), reference[:, 0])
    assert np.array_equal(counts.passed.sum(axis=1), reference[:, 1])
    assert np.array_equal(counts.lost.sum(axis=1), reference[:, 2])
    held, soup = _held(path), Soup.load(path)
    wreck_partners = 0
    for epoch in range(24):
        first, second = tape_sides(*soup.meetings(epoch))
        ever = held[: epoch + 1].any(axis=0)
        now = held[epoch]
        wreck_partners += (now[first] & ~now[second] & ever[second]).sum()
    assert counts.met[0, WRECK] == wreck_partners > 0
    assert counts.met[0, FRESH] > 0


def _plain_process(start, meetings, last, passed, lost, rng):
    """The tape-order process meeting by meeting, for the test."""
    held, ever = start.copy(), start.copy()
    for epoch in range(last):
        order, pairs = meetings(epoch)
        draws = rng.random((2, pairs))
        new = held.copy()
        for k in range(pairs):
            a, b = order[2 * k], order[2 * k + 1]
            if held[a] and not held[b] and draws[0, k] < passed[int(ever[b])]:
                new[b] = True
            if held[b] and not held[a] and draws[1, k] < lost[int(ever[a])]:
                new[b] = False
        held = new
        ever |= held
    return held


@pytest.mark.parametrize(
    ("passed", "lost"), [((1.0, 1.0), (1.0, 1.0)), ((0.9, 0.97), (0.6, 0.94)), ((1.0, 1.0), (0, 0))]
)
def test_the_tape_order_process_is_the_plain_one(runs, passed, lost):
    path = runs[0]
    start = _held(path)[0]
    meetings = Soup.load(path).meetings
    epochs = [0, 8, 24]
    masks = list(
        tape_order_masks(
            start, meetings, epochs, np.array(passed), np.array(lost), np.random.default_rng(5)
        )
    )
    assert [e for e, _ in masks] == epochs and np.array_equal(masks[0][1], start)
    expected = _plain_process(start, meetings, 24, passed, lost, np.random.default_rng(5))
    assert np.array_equal(masks[-1][1], expected) and expected.any()
