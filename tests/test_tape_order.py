"""alife.analysis.tape_order and alife.analysis.pair_states: the replay that knows a
motif's wrecks, the outcome counts by side and partner, the pair transitions, and the
models played on a run's meetings, each against an independent reference: the run's
every-epoch snapshots, ``soup spread --transmission``, and plain loops over the
meetings."""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import os
import re
import shutil
import subprocess
import sys
from functools import partial

import numpy as np
import pytest
from click.testing import CliRunner

from alife.analysis.meeting_classes import (
    Exposures,
    FrontDepth,
    Joint,
    NeighbourShare,
    PairMemory,
    Survivals,
    Tallied,
)
from alife.analysis.pair_states import (
    AgedLabels,
    FamilyLabels,
    PairTransitions,
    ReplicatorLabels,
    common_families,
    label_age_outcomes,
    motif_masks,
    pair_state_labels,
    pair_transitions,
)
from alife.analysis.spread import FrontSteps, holding, tape_sides
from alife.analysis.tape_order import (
    FRESH,
    WRECK,
    OutcomeCounts,
    danger_persistence,
    outcome_counts,
    parse_motifs,
    tape_order_masks,
    wreck_rows,
)
from alife.cli import main
from alife.engine.store import open_run
from alife.substrates.programs.registry import get_language
from alife.substrates.programs.selfrep import selfrep_scores
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
    assert counts.met.shape == (1, 2, 2, 1)
    assert np.array_equal(counts.met[0, ..., 0].sum(axis=1), reference[:, 0])
    assert np.array_equal(counts.passed[0, ..., 0].sum(axis=1), reference[:, 1])
    assert np.array_equal(counts.lost[0, ..., 0].sum(axis=1), reference[:, 2])
    held, soup = _held(path), Soup.load(path)
    wreck_partners = 0
    for epoch in range(24):
        first, second = tape_sides(*soup.meetings(epoch))
        ever = held[: epoch + 1].any(axis=0)
        now = held[epoch]
        wreck_partners += (now[first] & ~now[second] & ever[second]).sum()
    assert counts.met[0, 0, WRECK, 0] == wreck_partners > 0
    assert counts.met[0, 0, FRESH, 0] > 0


def test_windows_split_the_counts_by_epoch(runs):
    """Per window of 10 epochs (0-9, 10-19, 20-23) they are --transmission's counts of
    those epochs, and summed they are the counts of the whole replay."""
    path = runs[2]
    motifs = parse_motifs(path, MOTIFS)
    whole = outcome_counts(path, motifs, 24)
    windows = outcome_counts(path, motifs, 24, window=10)
    per_epoch = run_spread(path, MOTIFS, transmission=True).transmission[:-1]
    assert windows.met.shape == (3, 2, 2, 1)
    for w, epochs in enumerate((slice(0, 10), slice(10, 20), slice(20, 24))):
        reference = per_epoch[epochs].sum(axis=0)
        assert np.array_equal(windows.met[w, ..., 0].sum(axis=1), reference[:, 0])
        assert np.array_equal(windows.lost[w, ..., 0].sum(axis=1), reference[:, 2])
    total = windows.total()
    for name in ("met", "passed", "lost"):
        assert np.array_equal(getattr(total, name), getattr(whole, name))
    assert (total.holders_met, total.holders_kept) == (whole.holders_met, whole.holders_kept)


def test_a_window_without_meetings_takes_the_rate_of_all_windows():
    met = np.array([[[4, 0], [2, 2]], [[0, 0], [1, 0]]])[..., None]
    passed = np.array([[[3, 0], [0, 0]], [[0, 0], [0, 0]]])[..., None]
    lost = np.array([[[0, 0], [1, 2]], [[0, 0], [1, 0]]])[..., None]
    counts = OutcomeCounts(met, passed, lost, 0, 0, window=5)
    first, second = counts.rates()
    assert np.array_equal(first[:, FRESH, 0], [0.75, 0.75])  # window 1 met no fresh partner
    assert np.isnan(first[:, WRECK]).all()  # no holder first met a wreck at all
    assert np.array_equal(second[..., 0], [[0.5, 1.0], [1.0, 1.0]])


class _HandSurvivals:
    """Survivals counted by hand: meetings a holder came out of still holding the motif,
    placed second with a non-holder, since it became one."""

    def __init__(self, n: int, classes: int):
        self.count, self.classes = [0] * n, classes

    def of(self, holder: int, other: int, side: int) -> int:
        return min(self.count[holder], self.classes - 1)

    def learn(self, pairs: list, before, after) -> None:
        for a, b in pairs:
            if before[b] and not before[a] and after[b]:
                self.count[b] += 1
        for i in range(len(self.count)):
            if not (before[i] and after[i]):
                self.count[i] = 0


class _HandPairMemory:
    """Pair memory by hand: the last meeting of two programs with no effect, while
    neither changed since."""

    def __init__(self):
        self.last: dict[frozenset, tuple[int, int]] = {}

    def of(self, holder: int, other: int, side: int) -> int:
        memory = self.last.get(frozenset((holder, other)))
        if memory is None or memory[0] != holder:
            return 0
        return 1 if memory[1] == side else 2

    def learn(self, pairs: list, before, after) -> None:
        for a, b in pairs:
            for side, (holder, other) in enumerate(((a, b), (b, a))):
                if before[holder] and not before[other] and after[holder] and not after[other]:
                    self.last[frozenset((a, b))] = (holder, side)
        changed = {i for i in range(len(before)) if before[i] != after[i]}
        self.last = {pair: m for pair, m in self.last.items() if not pair & changed}


class _HandExposures:
    """Exposures counted by hand: meetings with a holder a program came out of without
    the motif, since it last held it."""

    def __init__(self, n: int, classes: int):
        self.count, self.classes = [0] * n, classes

    def of(self, holder: int, other: int, side: int) -> int:
        return min(self.count[other], self.classes - 1)

    def learn(self, pairs: list, before, after) -> None:
        for a, b in pairs:
            for holder, other in ((a, b), (b, a)):
                if before[holder] and not before[other] and not after[other]:
                    self.count[other] += 1
        for i in range(len(self.count)):
            if after[i]:
                self.count[i] = 0


class _HandNeighbours:
    """The share of a partner's neighbours on a ``side`` x ``side`` grid (cells up to 2
    rows and 2 columns away, the grid's edges cut off) that hold the motif, in
    ``classes`` bins, from the holders ``start`` on."""

    def __init__(self, side: int, start, classes: int):
        self.side, self.held, self.classes = side, start, classes

    def of(self, holder: int, other: int, side: int) -> int:
        row, col = divmod(int(other), self.side)
        near = [
            (r, c)
            for r in range(row - 2, row + 3)
            for c in range(col - 2, col + 3)
            if (r, c) != (row, col) and 0 <= r < self.side and 0 <= c < self.side
        ]
        holding = sum(bool(self.held[r * self.side + c]) for r, c in near)
        return min(holding * self.classes // len(near), self.classes - 1)

    def learn(self, pairs: list, before, after) -> None:
        self.held = after


class _HandFrontDepth:
    """How many cells a partner lies behind the farthest holder from cell (0, 0) of a
    ``side`` x ``side`` grid (the larger of the row and column differences), in bins of
    ``depth`` cells, from the holders ``start`` on."""

    def __init__(self, side: int, start, depth: int, classes: int):
        self.side, self.depth, self.classes = side, depth, classes
        self.learn([], None, start)

    def of(self, holder: int, other: int, side: int) -> int:
        behind = max(self.front - max(divmod(int(other), self.side)), 0)
        return min(behind // self.depth, self.classes - 1)

    def learn(self, pairs: list, before, after) -> None:
        held = [max(divmod(i, self.side)) for i in range(len(after)) if after[i]]
        self.front = max(held, default=0)


def _plain_process(
    start, meetings, last, passed, lost, rng, window=None, hand=None, persistent=False
):
    """The tape-order process meeting by meeting, for the test. Rates: ``rates[kind]``,
    or per window of ``window`` epochs ``rates[w][kind]``, or with the classes of
    ``hand`` (a hand-kept split) ``rates[w][kind][class]``. ``persistent``: a holder
    second is lost by its partner's one draw, drawn again when the partner changes."""
    held, ever = start.copy(), start.copy()
    danger = list(rng.random(len(start))) if persistent else None

    def rate(rates, epoch, kind, holder, other, side):
        cell = rates if window is None else rates[epoch // window]
        cell = cell[int(kind)]
        return cell[hand.of(holder, other, side)] if np.ndim(cell) else cell

    for epoch in range(last):
        order, pairs = meetings(epoch)
        draws = rng.random((2, pairs))
        new = held.copy()
        met = [(order[2 * k], order[2 * k + 1]) for k in range(pairs)]
        if persistent:
            draws[1] = [danger[a] for a, _ in met]
        for k, (a, b) in enumerate(met):
            if held[a] and not held[b] and draws[0, k] < rate(passed, epoch, ever[b], a, b, 0):
                new[b] = True
            if held[b] and not held[a] and draws[1, k] < rate(lost, epoch, ever[a], b, a, 1):
                new[b] = False
        if hand is not None:
            hand.learn(met, held, new)
        if persistent:
            changed = [i for i in range(len(held)) if new[i] != held[i]]
            for i, draw in zip(changed, rng.random(len(changed)), strict=True):
                danger[i] = draw
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


def test_the_persistent_process_is_the_plain_one(runs):
    path = runs[0]
    start = _held(path)[0]
    meetings = Soup.load(path).meetings
    rates = np.array((0.9, 0.97)), np.array((0.6, 0.94))
    rng = np.random.default_rng(5)
    masks = list(tape_order_masks(start, meetings, [0, 24], *rates, rng, persistent=True))
    expected = _plain_process(
        start, meetings, 24, *rates, np.random.default_rng(5), None, None, True
    )
    assert np.array_equal(masks[-1][1], expected) and expected.any()
    fresh = list(tape_order_masks(start, meetings, [0, 24], *rates, np.random.default_rng(5)))
    assert not np.array_equal(fresh[-1][1], expected)  # not the draws of every meeting


def test_a_persistent_partner_destroys_every_holder_placed_second_or_none():
    """Each of 4,000 non-holders meets its own holder, placed second, every epoch, and a
    holder second is lost at rate 0.3. Drawn each meeting, the holders go on dying;
    drawn once per partner, those that survived the first epoch survive them all."""
    pairs = 4000
    order = np.stack([np.arange(pairs), np.arange(pairs, 2 * pairs)], axis=1).ravel()
    start = np.arange(2 * pairs) >= pairs

    def meetings(epoch):
        return order, pairs

    rates = np.array((0.0, 0.0)), np.array((0.3, 0.3))
    for persistent in (False, True):
        rng = np.random.default_rng(2)
        played = dict(tape_order_masks(start, meetings, [1, 8], *rates, rng, persistent=persistent))
        after_one = played[1].sum()
        assert abs(after_one - 0.7 * pairs) < 4 * np.sqrt(0.21 * pairs)  # lost at the rate
        if persistent:
            assert played[8].sum() == after_one
        else:
            assert abs(played[8].sum() - 0.7**8 * pairs) < 4 * np.sqrt(0.7**8 * pairs)


def test_the_process_with_rates_per_window_is_the_plain_one(runs):
    """Epochs 0-11 pass everything on and lose nothing, epochs 12-23 pass nothing on
    and lose every holder second on the tape."""
    path = runs[0]
    start = _held(path)[0]
    meetings = Soup.load(path).meetings
    passed, lost = [(1.0, 1.0), (0.0, 0.0)], [(0.0, 0.0), (1.0, 1.0)]
    rates = np.array(passed), np.array(lost)
    masks = list(
        tape_order_masks(start, meetings, [0, 12, 24], *rates, np.random.default_rng(5), 12)
    )
    expected = _plain_process(start, meetings, 24, passed, lost, np.random.default_rng(5), 12)
    assert np.array_equal(masks[-1][1], expected)
    assert masks[1][1].sum() > start.sum() > masks[2][1].sum()  # the windows differ


def test_the_process_with_rates_by_survivals_is_the_plain_one(runs):
    """A holder that survived being second loses its loop less often and passes it on
    less: rates [kind][survivals 0, 1, 2 or more], in one window."""
    path = runs[0]
    start = _held(path)[0]
    meetings = Soup.load(path).meetings
    passed = [(0.95, 0.8, 0.3), (0.98, 0.85, 0.45)]
    lost = [(0.7, 0.5, 0.2), (0.95, 0.8, 0.5)]
    rates = np.array([passed]), np.array([lost])
    split = Survivals(len(start), 3)
    played = tape_order_masks(
        start, meetings, [0, 24], *rates, np.random.default_rng(7), split=split
    )
    masks = list(played)
    hand = _HandSurvivals(len(start), 3)
    expected = _plain_process(
        start, meetings, 24, passed, lost, np.random.default_rng(7), hand=hand
    )
    assert np.array_equal(masks[-1][1], expected) and expected.any()
    assert max(hand.count) > 0  # holders survived
    alike = tape_order_masks(
        start, meetings, [0, 24], [0.95] * 2, [0.7] * 2, np.random.default_rng(7)
    )
    alike = list(alike)
    assert not np.array_equal(alike[-1][1], expected)  # the classes changed the outcome


def _counts_by_class(path: str, hand, classes: int) -> np.ndarray:
    """(3, 2, 2, classes) met, passed, lost [side][partner's kind][class by ``hand``] of
    an every-epoch run, meeting by meeting from its snapshots."""
    held = _held(path)
    return _counts_by_window(held, Soup.load(path).meetings, hand, classes, len(held))[0]


def _counts_by_window(held, meetings, hand, classes: int, window: int) -> np.ndarray:
    """(windows, 3, 2, 2, classes): :func:`_counts_by_class` per ``window`` epochs, of
    the holders ``held`` ((epochs + 1, n) bool) on the pairs ``meetings(epoch)`` gives."""
    windows = -(-(len(held) - 1) // window)
    counts = np.zeros((windows, 3, 2, 2, classes), dtype=np.int64)
    ever = held[0].copy()
    for epoch in range(len(held) - 1):
        order, pairs = meetings(epoch)
        before, after = held[epoch], held[epoch + 1]
        met = [(order[2 * k], order[2 * k + 1]) for k in range(pairs)]
        for a, b in met:
            for side, (holder, other) in enumerate(((a, b), (b, a))):
                if not before[holder] or before[other]:
                    continue
                cell = (side, int(ever[other]), hand.of(holder, other, side))
                counts[(epoch // window, 0, *cell)] += 1
                counts[(epoch // window, 1, *cell)] += after[holder] and after[other]
                counts[(epoch // window, 2, *cell)] += not after[holder] and not after[other]
        hand.learn(met, before, after)
        ever |= after
    return counts


def test_outcome_counts_by_survivals_are_the_plain_counts(runs):
    path = runs[2]
    motifs = parse_motifs(path, MOTIFS)
    counts = outcome_counts(path, motifs, 24, split=Survivals(256, 3))
    expected = _counts_by_class(path, _HandSurvivals(256, 3), 3)
    assert np.array_equal(np.stack([counts.met[0], counts.passed[0], counts.lost[0]]), expected)
    assert expected[0, :, :, 1:].sum() > 0  # holders with survivals were met
    whole = outcome_counts(path, motifs, 24)
    assert np.array_equal(counts.total().met, whole.met)
    both = outcome_counts(path, motifs, 24, window=10, split=Survivals(256, 3))
    windows = outcome_counts(path, motifs, 24, window=10)
    assert np.array_equal(both.summed((3,)).lost, windows.lost)
    assert both.summed((3,)).window == 10
    assert np.array_equal(both.summed((0,)).lost, counts.lost)
    assert both.summed((0,)).window is None


def _masks_by_hand(programs: np.ndarray, motifs: list[bytes]) -> np.ndarray:
    return np.array([sum(1 << i for i, m in enumerate(motifs) if m in bytes(p)) for p in programs])


def test_motif_masks_set_a_bit_per_motif_held(runs):
    path = runs[2]
    motifs = parse_motifs(path, MOTIFS)
    with open_run(path) as run:
        programs = run.snapshot(24, "soup")
    masks = motif_masks(programs, motifs)
    assert np.array_equal(masks, _masks_by_hand(programs, [bytes(m) for m in motifs]))
    assert set(masks.tolist()) >= {0, 3}  # both loops of the palindrome, and neither


def test_pair_transitions_are_the_plain_counts(runs):
    """States from every-epoch snapshots, meeting by meeting: fresh (0), the masks,
    and wreck (4, a program that held a loop at an earlier epoch start)."""
    path = runs[2]
    motifs = parse_motifs(path, MOTIFS)
    with open_run(path) as run:
        masks = [
            _masks_by_hand(run.snapshot(e, "soup"), [bytes(m) for m in motifs]) for e in range(25)
        ]
    soup = Soup.load(path)
    expected = np.zeros((5, 5, 4, 4), dtype=np.int64)
    ever = masks[0] > 0
    for epoch in range(24):
        order, pairs = soup.meetings(epoch)
        state = [4 if m == 0 and e else m for m, e in zip(masks[epoch], ever, strict=True)]
        for k in range(pairs):
            a, b = order[2 * k], order[2 * k + 1]
            expected[state[a], state[b], masks[epoch + 1][a], masks[epoch + 1][b]] += 1
        ever |= masks[epoch + 1] > 0
    counts = pair_transitions(path, lambda p: motif_masks(p, motifs), 4, 24).counts
    assert np.array_equal(counts, expected) and counts[4].sum() > 0


def test_a_pair_of_states_no_meeting_had_keeps_its_masks():
    counts = np.zeros((3, 3, 2, 2), dtype=np.int64)  # one motif: fresh, holder, wreck
    counts[1, 0, 1, 1] = 3  # holder first, fresh second: both hold it after
    counts[1, 0, 1, 0] = 1
    cdf = PairTransitions(counts).outcome_cdf()
    assert np.allclose(cdf[1 * 3 + 0], [0, 0, 0.25, 1])  # outcome 2 = (1, 0), 3 = (1, 1)
    assert np.allclose(cdf[2 * 3 + 1], [0, 1, 1, 1])  # wreck, holder: (0, 1)
    assert np.allclose(cdf[1 * 3 + 1], [0, 0, 0, 1])  # holder, holder: (1, 1)


def _plain_pair_states(start, meetings, last, counts, rng):
    """The pair-state model meeting by meeting, for the test: each meeting's outcome is
    the first whose cumulative share exceeds the draw."""
    masks, ever = start.copy(), start > 0
    states, outcomes = counts.shape[0], counts.shape[2]
    for epoch in range(last):
        order, pairs = meetings(epoch)
        draws = rng.random(pairs)
        new = masks.copy()
        for k in range(pairs):
            a, b = order[2 * k], order[2 * k + 1]
            sa, sb = (
                states - 1 if m == 0 and e else m
                for m, e in ((masks[a], ever[a]), (masks[b], ever[b]))
            )
            row = counts[sa, sb].ravel()
            if row.sum() == 0:
                continue
            share = np.cumsum(row) / row.sum()
            pick = int(np.argmax(draws[k] < share))
            new[a], new[b] = pick // outcomes, pick % outcomes
        masks = new
        ever |= masks > 0
    return masks


def test_the_pair_state_model_is_the_plain_one(runs):
    path = runs[2]
    motifs = parse_motifs(path, MOTIFS)
    transitions = pair_transitions(path, lambda p: motif_masks(p, motifs), 4, 24)
    with open_run(path) as run:
        start = motif_masks(run.snapshot(0, "soup"), motifs)
    meetings = Soup.load(path).meetings
    rng = np.random.default_rng(3)
    played = list(pair_state_labels(start, meetings, [0, 24], transitions, rng))
    expected = _plain_pair_states(start, meetings, 24, transitions.counts, np.random.default_rng(3))
    assert np.array_equal(played[-1][1], expected)
    assert len(set(expected.tolist())) > 2  # more than one kind of holder


def _assert_plain_family_labels(path: str, k: int, every: bool) -> np.ndarray:
    """common_families(path, MOTIFS, k, every) against a plain count over the snapshots:
    holders (of any motif, or with ``every`` of all) grouped by their bytes without
    no-ops, a program and its mirror one family. Returns the (n,) labels expected over
    all snapshots."""
    motifs = parse_motifs(path, MOTIFS)
    noop = get_language("bff_noheads").noop_bytes
    labels = common_families(path, motifs, k, every)

    def key(program: np.ndarray) -> bytes:
        code = bytes(b for b in program.tolist() if not noop[b])
        return min(code, code[::-1])

    def holds(program: np.ndarray) -> bool:
        found = [bytes(m) in bytes(program) for m in motifs]
        return all(found) if every else any(found)

    sizes: dict[bytes, int] = {}
    with open_run(path) as run:
        snapshots = [run.snapshot(int(e), "soup") for e in run.snapshot_epochs]
    for programs in snapshots:
        for program in programs:
            if holds(program):
                sizes[key(program)] = sizes.get(key(program), 0) + 1
    ranked = sorted(sizes, key=lambda k: -sizes[k])
    assert sizes[ranked[k - 1]] > sizes[ranked[k]]  # no tie decides the families followed
    followed = ranked[:k]

    def label(program: np.ndarray) -> int:
        if not holds(program):
            return 0
        return 2 + followed.index(key(program)) if key(program) in followed else 1

    programs = np.concatenate(snapshots)
    expected = np.array([label(p) for p in programs])
    assert isinstance(labels, FamilyLabels) and labels.kinds == 2 + k
    assert np.array_equal(labels(programs), expected)
    assert set(expected.tolist()) == set(range(2 + k))
    return expected


def test_family_labels_follow_the_most_common_families(runs):
    _assert_plain_family_labels(runs[2], 3, every=False)


def test_family_labels_of_whole_loops_leave_out_programs_holding_one_half(half_run):
    """With every=True the programs that kept one half of the loop are no holders, and
    the five families followed are the five commonest whole loops (counting programs
    with one half would follow another fifth)."""
    path, found = half_run
    whole = _assert_plain_family_labels(path, 5, every=True)
    assert np.array_equal(whole > 0, found.all(axis=2).ravel())
    assert (found.any(axis=2) & ~found.all(axis=2)).any()


@pytest.fixture(scope="module")
def grid_run(tmp_path_factory):
    """An every-epoch 16x16 grid soup with mutation: neighbours meet again and again."""
    path = str(tmp_path_factory.mktemp("tape_order_grid") / "grid.h5")
    args = ["soup", "run", "--grid", "16x16", "--epochs", "64", "--seed", "3"]
    args += ["--initial-program", PALINDROME * 4, "--mutation", "0.000244140625"]
    args += ["--no-progress", "--snapshot-every", "1", "--out", path]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return path


def test_outcome_counts_by_pair_memory_are_the_plain_counts(grid_run):
    motifs = parse_motifs(grid_run, MOTIFS)
    counts = outcome_counts(grid_run, motifs, 64, split=PairMemory())
    expected = _counts_by_class(grid_run, _HandPairMemory(), 3)
    assert np.array_equal(np.stack([counts.met[0], counts.passed[0], counts.lost[0]]), expected)
    assert expected[0, :, :, 1].sum() > 0 and expected[0, :, :, 2].sum() > 0  # pairs met again


def test_the_process_with_pair_memory_is_the_plain_one(grid_run):
    """A pair that met without effect is far less likely to change when it meets again:
    rates [kind][first meeting, again on the same side, again on the other side]."""
    start = _held(grid_run)[0]
    meetings = Soup.load(grid_run).meetings
    passed = [(0.9, 0.15, 0.6), (0.97, 0.2, 0.65)]
    lost = [(0.6, 0.12, 0.11), (0.94, 0.14, 0.5)]
    rates = np.array([passed]), np.array([lost])
    rng = np.random.default_rng(11)
    played = tape_order_masks(start, meetings, [0, 64], *rates, rng, split=PairMemory())
    hand = _HandPairMemory()
    rng = np.random.default_rng(11)
    expected = _plain_process(start, meetings, 64, passed, lost, rng, hand=hand)
    assert np.array_equal(list(played)[-1][1], expected) and expected.any()
    assert hand.last  # pairs were remembered


def test_outcome_counts_by_exposures_are_the_plain_counts(grid_run):
    motifs = parse_motifs(grid_run, MOTIFS)
    counts = outcome_counts(grid_run, motifs, 64, split=Exposures(256, 3))
    expected = _counts_by_class(grid_run, _HandExposures(256, 3), 3)
    assert np.array_equal(np.stack([counts.met[0], counts.passed[0], counts.lost[0]]), expected)
    assert expected[0, :, :, 1].sum() > 0 and expected[0, :, :, 2].sum() > 0  # partners resisted


def test_outcome_counts_by_neighbour_share_are_the_plain_counts(grid_run):
    motifs = parse_motifs(grid_run, MOTIFS)
    split = NeighbourShare(Soup.load(grid_run).graph, 4)
    counts = outcome_counts(grid_run, motifs, 64, split=split)
    expected = _counts_by_class(grid_run, _HandNeighbours(16, _held(grid_run)[0], 4), 4)
    assert np.array_equal(np.stack([counts.met[0], counts.passed[0], counts.lost[0]]), expected)
    assert (expected[0].sum(axis=(0, 1)) > 0).sum() >= 3  # meetings at several depths


def test_outcome_counts_by_front_depth_are_the_plain_counts(grid_run):
    motifs = parse_motifs(grid_run, MOTIFS)
    counts = outcome_counts(grid_run, motifs, 64, split=FrontDepth((16, 16), (0, 0), 2, 3))
    expected = _counts_by_class(grid_run, _HandFrontDepth(16, _held(grid_run)[0], 2, 3), 3)
    assert np.array_equal(np.stack([counts.met[0], counts.passed[0], counts.lost[0]]), expected)
    assert (expected[0].sum(axis=(0, 1)) > 0).all()  # meetings at the tip and behind it


@pytest.mark.parametrize("kind", ["exposures", "neighbours", "front depth"])
def test_the_process_by_the_partners_class_is_the_plain_one(grid_run, kind):
    """Partners that resisted before, deep among holders or far behind the front take
    other rates: [kind][class 0, 1, 2]; the classes follow the process's own holders."""
    start = _held(grid_run)[0]
    soup = Soup.load(grid_run)
    passed = [(0.9, 0.6, 0.3), (0.97, 0.7, 0.5)]
    lost = [(0.6, 0.9, 0.1), (0.94, 0.5, 0.2)]
    rates = np.array([passed]), np.array([lost])
    if kind == "exposures":
        split, hand = Exposures(256, 3), _HandExposures(256, 3)
    elif kind == "neighbours":
        split, hand = NeighbourShare(soup.graph, 3), _HandNeighbours(16, start, 3)
    else:
        split, hand = FrontDepth((16, 16), (0, 0), 2, 3), _HandFrontDepth(16, start, 2, 3)
    rng = np.random.default_rng(13)
    played = tape_order_masks(start, soup.meetings, [0, 64], *rates, rng, split=split)
    rng = np.random.default_rng(13)
    expected = _plain_process(start, soup.meetings, 64, passed, lost, rng, hand=hand)
    assert np.array_equal(list(played)[-1][1], expected) and 0 < expected.sum() < 256
    alike = tape_order_masks(start, soup.meetings, [0, 64], [0.9, 0.97], [0.6, 0.94], rng)
    assert not np.array_equal(list(alike)[-1][1], expected)  # the classes changed the outcome


class _HandJoint:
    """Two hand-kept splits at once: class a * classes of b + b."""

    def __init__(self, a, b, b_classes: int):
        self.a, self.b, self.b_classes = a, b, b_classes

    def of(self, holder: int, other: int, side: int) -> int:
        return self.a.of(holder, other, side) * self.b_classes + self.b.of(holder, other, side)

    def learn(self, pairs: list, before, after) -> None:
        self.a.learn(pairs, before, after)
        self.b.learn(pairs, before, after)


def test_outcome_counts_by_survivals_and_exposures_together_are_the_plain_counts(grid_run):
    motifs = parse_motifs(grid_run, MOTIFS)
    split = Joint([Survivals(256, 2), Exposures(256, 3)])
    assert split.classes == 6
    counts = outcome_counts(grid_run, motifs, 64, split=split)
    hand = _HandJoint(_HandSurvivals(256, 2), _HandExposures(256, 3), 3)
    expected = _counts_by_class(grid_run, hand, 6)
    assert np.array_equal(np.stack([counts.met[0], counts.passed[0], counts.lost[0]]), expected)
    assert (expected[0].sum(axis=(0, 1)) > 0).sum() >= 4  # most combinations were met
    alone = outcome_counts(grid_run, motifs, 64, split=Exposures(256, 3))
    by_exposures = counts.met[0].reshape(2, 2, 2, 3).sum(axis=2)
    assert np.array_equal(by_exposures, alone.met[0])


def test_a_tallied_split_counts_the_models_meetings_by_window_and_class(grid_run):
    start = _held(grid_run)[0]
    meetings = Soup.load(grid_run).meetings
    passed = [(0.9, 0.6, 0.3), (0.97, 0.7, 0.5)]
    lost = [(0.6, 0.9, 0.1), (0.94, 0.5, 0.2)]
    rates = np.array([passed]), np.array([lost])
    every = list(range(65))
    tallied = Tallied(Exposures(256, 3), 10)
    rng = np.random.default_rng(17)
    played = np.array(
        [m for _, m in tape_order_masks(start, meetings, every, *rates, rng, split=tallied)]
    )
    rng = np.random.default_rng(17)
    plain = tape_order_masks(start, meetings, every, *rates, rng, split=Exposures(256, 3))
    assert np.array_equal(played, [m for _, m in plain])  # tallying changes nothing
    expected = _counts_by_window(played, meetings, _HandExposures(256, 3), 3, 10)[:, 0]
    assert tallied.met().shape == (7, 2, 2, 3)
    assert np.array_equal(tallied.met(), expected)
    assert (expected[:, :, FRESH].sum(axis=(0, 1)) > 0).all()  # fresh partners of every class


STUDY = os.path.join(os.path.dirname(__file__), "..", "scripts", "study_tape_order_wave.py")


def test_the_study_sets_the_runs_front_and_classes_beside_its_models(grid_run):
    """scripts/study_tape_order_wave.py --occupancy and --front-labels: the run's side
    of each table against plain counts of its snapshots and meetings; with
    --replicating-pooled, the pooled holders that do not replicate alone as label 4;
    --shrink names both family chains so and --alone plays the families it names (their
    tables: tests/test_pair_state_tables.py); --until fits the run's front up to an
    epoch as a plain least-squares line does."""
    args = [grid_run, "--motif", MOTIFS[0], "--motif", MOTIFS[1], "--origin", "0,0"]
    args += ["--survivals", "2", "--occupancy", "16", "--families", "2", "--front-labels", "3"]
    args += ["--replicating-pooled", "--shrink", "5", "--alone", "2,3", "--replicas", "6"]
    args += ["--until", "24", "--front-depth", "3"]
    result = subprocess.run(
        [sys.executable, STUDY, *args],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    # meetings of a holder with a fresh partner, either side, per 16 epochs
    held, meetings = _held(grid_run), Soup.load(grid_run).meetings
    counts = _counts_by_window(held, meetings, _HandSurvivals(256, 2), 2, 16)
    fresh = counts[:, 0, :, FRESH].sum(axis=(1, 2))
    survivals = out.split("by class (0, 1+)")[1].split("by class (")[0]
    printed = [int(m) for m in re.findall(r"^\s+\d+-\d+\s+(\d+) ", survivals, re.MULTILINE)]
    assert printed == fresh.tolist() and fresh.sum() > 0
    # the labels of the run's holders within 3 cells of the farthest, in every snapshot
    families = common_families(grid_run, parse_motifs(grid_run, MOTIFS), 2)
    language = get_language("bff_noheads")
    blocks = out.split("holders within 3 cells")
    assert len(blocks) == 3  # the family chain's table, then the split chain's
    assert len(re.findall(r"^pair states, 2 families.*shrunk by 5 +took hold", out, re.M)) == 2
    assert re.findall(r"^family (\d) alone +took hold", out, re.M) == ["2", "3"]
    # the run's farthest holder from (0, 0) in each snapshot up to epoch 24
    fronts = [max(max(i // 16, i % 16) for i in np.flatnonzero(m)) for m in held[:25]]
    speed = np.polyfit(np.arange(25), fronts, 1)[0]
    run_line = re.search(r"^the run .* to epoch 24 ([\d.]+) - ", out, re.M)
    assert float(run_line.group(1)) == pytest.approx(speed, abs=5e-4)
    assert len(re.findall(r" to epoch 24 ", out)) >= 5  # every model's line has it too
    # the meetings of a holder with a fresh partner within 3 cells of the front, and deeper
    by_depth = _counts_by_class(grid_run, _HandFrontDepth(16, held[0], 3, 2), 2)
    for depth, name in enumerate(("0-2 cells", "3+ cells")):
        first_fresh = by_depth[0, 0, FRESH, depth]
        assert re.search(rf"^  all +{re.escape(name)} .*\( *{first_fresh}\) /", out, re.M)
    assert re.search(r"^by partner, front depth +took hold", out, re.M)
    with open_run(grid_run) as run:
        snapshots = [(int(e), run.snapshot(int(e), "soup")) for e in run.snapshot_epochs]
    pooled_at_front = 0
    for epoch, programs in snapshots:
        labels = families(programs)
        replicates = [
            labels[i] == 1 and selfrep_scores(language, programs[i : i + 1], 0)[0] >= 5
            for i in range(256)
        ]
        split = np.where((labels == 1) & ~np.array(replicates), 4, labels)
        reach = {i: max(i // 16, i % 16) for i in range(256) if labels[i] > 0}
        near = [i for i, d in reach.items() if d >= max(reach.values()) - 3]
        pooled_at_front += sum(labels[i] == 1 for i in near)
        for shown, block, kinds in ((labels, blocks[1], 3), (split, blocks[2], 4)):
            expected = [
                round(100 * [shown[i] for i in near].count(k) / len(near))
                for k in range(1, kinds + 1)
            ]
            line = re.search(rf"^\s+{epoch}\s+([\d ]+)\|", block, re.M)
            assert [int(x) for x in line.group(1).split()] == expected
    assert pooled_at_front > 0


def test_danger_persistence_is_a_plain_count_and_the_study_prints_it(grid_run):
    """A non-holder first with a holder second, at its next such meeting while its
    holding has not changed: did it destroy the holder again, by what it did the time
    before, counted meeting by meeting; --persistent prints those shares and plays the
    persistent model."""
    held = _held(grid_run)
    meetings = Soup.load(grid_run).meetings
    expected = np.zeros((2, 2, 2), dtype=np.int64)
    previous, ever = {}, set(np.flatnonzero(held[0]).tolist())
    for epoch in range(64):
        before, after = held[epoch], held[epoch + 1]
        order, pairs = meetings(epoch)
        for k in range(pairs):
            a, b = int(order[2 * k]), int(order[2 * k + 1])
            if before[b] and not before[a]:
                destroyed = int(not after[b])
                if a in previous:
                    expected[int(a in ever), previous[a], destroyed] += 1
                previous[a] = destroyed
        for i in range(256):
            if before[i] != after[i]:
                previous.pop(i, None)
            if after[i]:
                ever.add(i)
    counts = danger_persistence(held, meetings, 64)
    assert np.array_equal(counts, expected)
    assert expected[:, 1, 1].sum() > 0 and expected[:, 0].sum() > 0  # both rows were met
    args = [grid_run, "--motif", MOTIFS[0], "--motif", MOTIFS[1], "--origin", "0,0"]
    result = subprocess.run(
        [sys.executable, STUDY, *args, "--persistent", "--replicas", "2"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    for kind, partner in ((FRESH, "fresh"), (WRECK, "wreck")):
        shares = []
        for before, what in ((1, "destroying"), (0, "sparing")):
            met = expected[kind, before].sum()
            share = f"{100 * expected[kind, before, 1] / met:.1f} %" if met else "-"
            shares.append(f"destroyed it in {share} of {met} after {what} one")
        assert f"  {partner}: " + ", ".join(shares) in result.stdout.splitlines()
    assert re.search(r"^by partner, persistent +took hold", result.stdout, re.M)


def test_the_studys_summary_places_the_run_among_the_replicas_that_took_hold():
    spec = importlib.util.spec_from_file_location("study_tape_order_wave", STUDY)
    study = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(study)
    fits = [("front speed", 0, None), ("past 40 cells", 40, None)]
    # (holders at the end, speed from the start, speed past 40 cells); the last replica
    # ends with 5 holders, so did not take hold and is left out
    replicas = [(500, 0.20, 0.21), (400, 0.25, None), (600, 0.30, 0.19), (5, 0.9, 0.9)]
    line = study.summary("model", replicas, fits, run=(900, 0.26, 0.21))  # a tie is not above
    assert "took hold  3 of  4" in line
    assert "front speed 0.200 - 0.300 (median 0.250), run above 2/3, p 0.500" in line
    assert "past 40 cells 0.190 - 0.210 (median 0.200), run above 1/2, p 0.667" in line
    assert "run above" not in study.summary("model", replicas, fits)
    no_fit = study.summary("model", replicas, fits, run=(900, 0.26, None))
    assert no_fit.count("run above") == 1 and no_fit.endswith("(median 0.200)")


@pytest.mark.parametrize(
    "options",
    [
        ["--shrink", "-1", "--families", "2"],
        ["--shrink", "nan", "--families", "2"],
        ["--shrink", "inf", "--families", "2"],
        ["--shrink", "5"],
        ["--replicating-pooled"],
        ["--aged-pooled", "0", "--families", "2"],
        ["--families", "0"],
        ["--alone", "2"],
        ["--alone", "4", "--families", "2"],
        ["--alone", "2,x", "--families", "2"],
        ["--until", "0"],
        ["--front-depth", "3"],
        ["--front-depth", "0", "--origin", "0,0"],
    ],
)
def test_the_study_refuses_a_chain_option_it_cannot_use_in_one_sentence(grid_run, options):
    args = [STUDY, grid_run, "--motif", MOTIFS[0], *options]
    result = subprocess.run([sys.executable, *args], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


FRONT_STEPS = os.path.join(os.path.dirname(__file__), "..", "scripts", "study_front_steps.py")


def _hand_front_steps(held: np.ndarray, until: int) -> dict[str, int]:
    """Each FrontSteps measure of a 16x16 grid run's (epochs + 1, 256) bool holders
    from (0, 0) over epochs 0 .. ``until``, counted by a plain loop."""
    fronts, kept = [], []
    for before, after in itertools.pairwise(held[: until + 1]):
        front = max(max(divmod(int(i), 16)) for i in np.flatnonzero(before))
        fronts.append(front)
        at_front = [i for i in np.flatnonzero(before) if max(divmod(int(i), 16)) == front]
        kept.append(any(after[i] for i in at_front))
    fronts.append(max(max(divmod(int(i), 16)) for i in np.flatnonzero(held[until])))
    steps = np.diff(fronts)
    assert steps.any() and kept.count(False) > 0  # the front moved and lost its holders
    return {
        "front at the end (cells)": fronts[-1],
        "cells advanced": steps[steps > 0].sum(),
        "epochs advanced": (steps > 0).sum(),
        "cells retreated": -steps[steps < 0].sum(),
        "epochs retreated": (steps < 0).sum(),
        "epochs the front's holders were all lost": kept.count(False),
    }


def _assert_run_line(stdout: str, expected: dict[str, int]) -> None:
    for name, value in expected.items():
        assert re.search(rf"^  {re.escape(name)} +run +{value} ", stdout, re.M), name


def test_the_front_steps_study_prints_the_runs_steps_as_a_plain_count(grid_run):
    """scripts/study_front_steps.py: the run's front from (0, 0), epoch by epoch from
    its every-epoch snapshots, counted by a plain loop."""
    args = [FRONT_STEPS, grid_run, "--motif", MOTIFS[0], "--motif", MOTIFS[1]]
    args += ["--origin", "0,0", "--until", "40", "--replicas", "4"]
    result = subprocess.run([sys.executable, *args], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    _assert_run_line(result.stdout, _hand_front_steps(_held(grid_run), 40))
    assert re.search(r"replicas of the four-rate model that took hold", result.stdout)


@pytest.fixture(scope="module")
def half_run(tmp_path_factory):
    """(path, (epochs + 1, 256, 2) bool: which of MOTIFS each program holds, counted
    byte by byte) of a 16x16 grid run with a fifth program holding one half of the loop
    ('{.>]' alone) beside the four palindromes in its first row."""
    path = str(tmp_path_factory.mktemp("half") / "half.h5")
    half = "[[{.>]-]" + "0" * 56
    args = ["soup", "run", "--grid", "16x16", "--epochs", "40", "--seed", "5"]
    args += ["--initial-program", PALINDROME * 4 + half, "--mutation", "0.000244140625"]
    args += ["--no-progress", "--snapshot-every", "1", "--out", path]
    assert CliRunner().invoke(main, args).exit_code == 0
    language = get_language("bff_noheads")
    halves = [language.parse(m).tobytes() for m in MOTIFS]
    with open_run(path) as run:
        programs = [run.snapshot(int(e), "soup") for e in run.snapshot_epochs]
    return path, np.array([[[h in p.tobytes() for h in halves] for p in soup] for soup in programs])


def test_every_motif_follows_the_front_of_programs_holding_both_halves(half_run):
    """The study follows the half-loop's front with any motif held, and leaves it out
    with --every-motif; each run line is a plain count of those holders."""
    path, found = half_run
    study = [path, "--motif", MOTIFS[0], "--motif", MOTIFS[1], "--origin", "0,0"]
    study += ["--replicas", "2"]
    expected_any = _hand_front_steps(found.any(axis=2), 40)
    expected_every = _hand_front_steps(found.all(axis=2), 40)
    assert expected_any != expected_every
    _assert_run_line(_front_steps_study(*study), expected_any)
    _assert_run_line(_front_steps_study(*study, "--every-motif"), expected_every)


def test_the_wave_study_counts_rates_of_whole_loops_with_every_motif(half_run):
    """study_tape_order_wave.py --every-motif: the rates of meetings of a holder of both
    halves with a non-holder, counted by hand, and the family chain's meetings of its
    labels with fresh partners add up to the same counts; the pair-state chain by motif
    is refused."""
    path, found = half_run
    meetings = Soup.load(path).meetings
    args = [STUDY, path, "--motif", MOTIFS[0], "--motif", MOTIFS[1], "--replicas", "2"]
    args += ["--families", "2"]
    printed = {}
    for every in (False, True):
        held = found.all(axis=2) if every else found.any(axis=2)
        counts = _counts_by_window(held, meetings, _HandSurvivals(256, 1), 1, 41)[0, :, :, :, 0]
        run = [sys.executable, *args, *(["--every-motif"] if every else [])]
        result = subprocess.run(run, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        printed[every] = result.stdout.split("two holders")[0]
        for side, verb, outcome in ((0, "passed it on", 1), (1, "was lost", 2)):
            for kind, partner in ((FRESH, "fresh"), (WRECK, "wreck")):
                met = counts[0, side, kind]
                share = 100 * counts[outcome, side, kind] / met if met else float("nan")
                line = (
                    f"  holder {('first', 'second')[side]:6s} vs {partner}: {met:8d} meetings, "
                    f"{verb} in {share:.1f} %"
                )
                assert line in printed[every].splitlines(), line
        labels = result.stdout.split("with a fresh partner")[1].split("took hold")[0]
        rows = re.findall(r"^ +\d+ +(\d+), .* (\d+), +[\d.]+ % +\d+$", labels, re.M)
        assert len(rows) >= 2
        for side, column in enumerate(zip(*rows, strict=True)):
            assert sum(map(int, column)) == counts[0, side, FRESH]
    assert printed[False] != printed[True]
    refused = subprocess.run(
        [sys.executable, *args, "--every-motif", "--pair-states"], capture_output=True, text=True
    )
    assert refused.returncode == 2 and "--every-motif follows programs" in refused.stderr


def _front_steps_study(*args):
    result = subprocess.run([sys.executable, FRONT_STEPS, *args], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_several_runs_end_with_their_medians_and_fisher_combined_p_values(grid_run, tmp_path):
    """Two runs (the grid run and the same soup run again under another name): each its
    block, then per measure the runs above and below their replicas' median and the
    Fisher combination -2 sum(log p) against chi-squared with 4 degrees of freedom."""
    from scipy.stats import chi2

    again = str(tmp_path / "again.h5")
    shutil.copy(grid_run, again)
    args = ["--motif", MOTIFS[0], "--origin", "0,0", "--until", "40", "--replicas", "6"]
    out = _front_steps_study(grid_run, again, *args, "--seed", "1")
    blocks = out.split(f"{again}, epochs 0-40")
    assert blocks[0].startswith(f"{grid_run}, epochs 0-40") and len(blocks) == 2
    assert "2 of 2 runs took hold and had replicas that did:" in out
    line = re.compile(r"^  (.+?) +run +(\d+) +replicas median +([\d.]+) .* p ([\d.]+) ", re.M)
    per_run = {}
    for block in blocks:
        for name, mine, median, p_value in line.findall(block):
            per_run.setdefault(name, []).append((int(mine), float(median), float(p_value)))
    assert len(per_run) == 6
    for name, rows in per_run.items():
        above = sum(mine > median for mine, median, _ in rows)
        below = sum(mine < median for mine, median, _ in rows)
        statistic = -2 * sum(np.log(p_value) for _, _, p_value in rows)
        combined = chi2.sf(statistic, 2 * len(rows))
        pattern = rf"^  {re.escape(name)} +above the replicas' median +{above}, below +{below}"
        found = re.search(pattern + r" +Fisher p ([\d.]+) ", out, re.M)
        assert found, name
        assert float(found[1]) == pytest.approx(combined, abs=6e-4)  # printed to 3 places


def test_runs_that_did_not_take_hold_are_left_out_of_the_combined_lines(monkeypatch, capsys):
    """Of two runs with replicas that took hold, the one that did not take hold itself
    is left out: the combined lines are the other run's own counts and p-values."""
    spec = importlib.util.spec_from_file_location("study_front_steps", FRONT_STEPS)
    study = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "study_front_steps", study)  # for its dataclass
    spec.loader.exec_module(study)
    replicas = [FrontSteps(front, 10, 8, 4, 3, 5) for front in (20, 30, 40)]
    runs = {  # (the run's steps, whether it took hold)
        "held.h5": (FrontSteps(35, 12, 9, 2, 1, 2), True),
        "died.h5": (FrontSteps(90, 99, 99, 0, 0, 0), False),
    }
    monkeypatch.setattr(study, "checked_last", lambda path, args: 40)
    monkeypatch.setattr(
        study,
        "front_steps_and_replicas",
        lambda path, last, args, shuffle: study.Compared(*runs[path], replicas),
    )
    study.study(
        argparse.Namespace(
            runs=list(runs),
            motif=["x"],
            origin=(0, 0),
            until=None,
            replicas=3,
            seed=0,
            front_depth=None,
            lone_front=False,
            ages=None,
            every_motif=False,
            shuffle=None,
            shuffle_seeds=1,
            within_rings=False,
        )
    )
    out = capsys.readouterr().out
    assert "died.h5, epochs 0-40" in out and "(the run did not: 10 holders or fewer" in out
    assert "1 of 2 runs took hold and had replicas that did:" in out
    # held.h5 against fronts 20, 30, 40: above the median, 1 of 3 replicas as far: p 2/4
    assert re.search(
        r"^  front at the end \(cells\) +above the replicas' median +1, below +0 +"
        r"Fisher p 0.500 ",
        out,
        re.M,
    )
    # retreats 2 against 4, 4, 4: below the median, none as few: p 1/4
    assert re.search(
        r"^  cells retreated +above the replicas' median +0, below +1 +"
        r"Fisher p 0.250 ",
        out,
        re.M,
    )


def test_the_lone_front_line_is_a_plain_count_of_the_runs_lone_front_holder(grid_run):
    """--lone-front: in the epochs one holder stood at the front's distance from (0, 0),
    what it did, counted meeting by meeting from the every-epoch snapshots."""
    held = _held(grid_run)[:41]
    meetings = Soup.load(grid_run).meetings
    epochs = met = first = second = lost_there = lost = advanced = 0
    for epoch in range(40):
        before, after = held[epoch], held[epoch + 1]
        if not before.any() or not after.any():
            continue
        far = {int(i): max(divmod(int(i), 16)) for i in np.flatnonzero(before)}
        front = max(far.values())
        at_front = [i for i, d in far.items() if d == front]
        if len(at_front) != 1:
            continue
        alone = at_front[0]
        order, pairs = meetings(epoch)
        partner = {}
        for k in range(pairs):
            a, b = int(order[2 * k]), int(order[2 * k + 1])
            partner[a], partner[b] = (b, "first"), (a, "second")
        epochs += 1
        if alone in partner:
            met += 1
            other, side = partner[alone]
            first += side == "first"
            if side == "second" and not before[other]:
                second += 1
                lost_there += not after[alone]
        lost += not after[alone]
        advanced += max(max(divmod(int(i), 16)) for i in np.flatnonzero(after)) > front
    assert epochs > 5 and second > 0 and lost > 0 and advanced > 0
    args = [grid_run, "--motif", MOTIFS[0], "--motif", MOTIFS[1], "--origin", "0,0"]
    out = _front_steps_study(*args, "--until", "40", "--replicas", "4", "--lone-front")

    def pct(part, whole):
        return f"{part / whole:.1%}"

    expected = (
        f"  a lone front holder, the run: {epochs} epochs; it met a partner in "
        f"{pct(met, epochs)} of them and was first on the tape in {pct(first, met)} of "
        f"those; second with a non-holder in {pct(second, epochs)}, lost in "
        f"{pct(lost_there, second)} of those; lost in {pct(lost, epochs)} in all; the "
        f"front advanced after {pct(advanced, epochs)}"
    )
    assert expected in out.splitlines()
    assert "  a lone front holder, its replicas: " in out


def test_the_ages_lines_agree_with_the_lone_front_line(grid_run):
    """--ages counts the lone front holder's meetings second with a non-holder by age
    (spread.losses_by_age) apart from --lone-front (spread.lone_front): summed over the
    ages they are the same meetings, and the same losses."""
    args = [grid_run, "--motif", MOTIFS[0], "--motif", MOTIFS[1], "--origin", "0,0"]
    out = _front_steps_study(
        *args, "--until", "40", "--replicas", "4", "--lone-front", "--ages", "1,3"
    )
    lone = re.search(
        r"a lone front holder, the run: (\d+) epochs; .* second with a non-holder in "
        r"([\d.]+)%, lost in ([\d.]+)% of those",
        out,
    )
    ages = re.search(r"and lost, the run, the lone front holder: (.*)$", out, re.M)
    bins = re.findall(r"age (\d+(?:-\d+|\+)?) ([\d.]+|-)%? of (\d+)", ages[1])
    assert [name for name, _, _ in bins] == ["0", "1-2", "3+"]
    met = sum(int(n) for _, _, n in bins)
    lost = sum(round(float(x) / 100 * int(n)) for _, x, n in bins if x != "-")
    assert met > 0 and f"{met / int(lone[1]):.1%}" == f"{lone[2]}%"
    assert f"{lost / met:.1%}" == f"{lone[3]}%"
    assert "and lost, its replicas, the other holders: age 0 " in out


def test_a_front_depth_beyond_the_grid_plays_the_four_rate_model(grid_run):
    """Every partner lies fewer than 64 cells behind the front of a 16x16 grid, so the
    front-depth model has one class: the four-rate model, draw for draw."""
    args = [grid_run, "--motif", MOTIFS[0], "--origin", "0,0", "--until", "40", "--replicas", "6"]
    four_rate = _front_steps_study(*args)
    deep = _front_steps_study(*args, "--front-depth", "64")
    shallow = _front_steps_study(*args, "--front-depth", "1")
    assert "replicas of the four-rate model" in four_rate
    assert "replicas of the front-depth model (64 cells)" in deep
    assert deep.splitlines()[1:] == four_rate.splitlines()[1:]
    assert shallow.splitlines()[1:] != four_rate.splitlines()[1:]  # two classes, two rates


@pytest.mark.parametrize(
    "options",
    [
        ["--until", "0"],
        ["--until", "65"],
        ["--replicas", "0"],
        ["--front-depth", "0"],
        ["--ages", "0,2"],
        ["--ages", "5,2"],
        ["--ages", "two"],
        ["--within-rings"],
        ["--shuffle", "partners"],
        ["--shuffle", "holders,"],
        ["--shuffle", "holders", "--swaps"],
        ["--shuffle", "holders", "--shuffle-seeds", "0"],
        ["--shuffle-seeds", "2"],
    ],
)
def test_the_front_steps_study_refuses_bad_options_in_one_sentence(grid_run, options):
    args = [FRONT_STEPS, grid_run, "--motif", MOTIFS[0], "--origin", "0,0", *options]
    result = subprocess.run([sys.executable, *args], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1


def test_the_front_steps_study_checks_every_run_before_it_replays_any(grid_run, tmp_path):
    missing = str(tmp_path / "missing.h5")
    args = [FRONT_STEPS, grid_run, missing, "--motif", MOTIFS[0], "--origin", "0,0"]
    result = subprocess.run([sys.executable, *args], capture_output=True, text=True)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("Error: ") and "missing.h5" in result.stderr


def test_replicator_labels_split_a_label_by_whether_its_holders_replicate():
    """The paper's palindrome scores 64 alone, its first half alone 0: holders of the
    split label are told apart by that, the other labels kept, and each distinct
    program of the split label scored once."""
    palindrome = np.frombuffer(PALINDROME.encode(), dtype=np.uint8)
    half = np.frombuffer((PALINDROME[:8] + "0" * 56).encode(), dtype=np.uint8)
    zeros = np.zeros(64, dtype=np.uint8)
    programs = np.array([palindrome, half, half, zeros, half, palindrome])
    base = np.array([1, 1, 1, 0, 2, 1])
    labels = ReplicatorLabels(lambda p: base.copy(), 3, 1, get_language("bff_noheads"), 8192)
    assert labels.kinds == 4
    assert labels(programs).tolist() == [1, 3, 3, 0, 2, 1]
    assert labels.replicates == {palindrome.tobytes(): True, half.tobytes(): False}


def test_label_ages_are_the_plain_counts(grid_run):
    """Holders by motif mask against fresh programs, by how long each had had its mask
    (epochs), meeting by meeting from the every-epoch snapshots."""
    motifs = parse_motifs(grid_run, MOTIFS)
    with open_run(grid_run) as run:
        masks = [
            _masks_by_hand(run.snapshot(e, "soup"), [bytes(m) for m in motifs]) for e in range(65)
        ]
    meetings = Soup.load(grid_run).meetings
    bins = (0, 2, 8)
    expected = np.zeros((4, 3, 2, 2), dtype=np.int64)
    since, ever = [0] * 256, masks[0] > 0
    for epoch in range(64):
        order, pairs = meetings(epoch)
        now, after = masks[epoch], masks[epoch + 1]
        for k in range(pairs):
            a, b = order[2 * k], order[2 * k + 1]
            for side, (h, o) in enumerate(((a, b), (b, a))):
                if now[h] == 0 or now[o] != 0 or ever[o]:
                    continue
                age = epoch - since[h]
                where = (now[h], 0 if age < 2 else 1 if age < 8 else 2, side)
                expected[(*where, 0)] += 1
                changed = after[o] > 0 if side == 0 else after[h] == 0 and after[o] == 0
                expected[(*where, 1)] += changed
        for i in range(256):
            if after[i] != now[i]:
                since[i] = epoch + 1
        ever |= after > 0
    counts = label_age_outcomes(grid_run, lambda p: motif_masks(p, motifs), 4, 64, bins)
    assert np.array_equal(counts, expected)
    assert (expected[:, :, :, 0].sum(axis=(0, 2)) > 0).all()  # meetings at every age


def test_aged_labels_split_a_label_by_how_long_it_was_held():
    sequence = iter([[1, 1, 2, 0], [1, 2, 2, 1], [1, 2, 1, 1], [1, 1, 1, 1]])
    aged = AgedLabels(lambda programs: np.array(next(sequence)), 3, 1, 2)
    assert aged.kinds == 4
    out = [aged(None).tolist() for _ in range(4)]
    assert out == [[1, 1, 2, 0], [1, 2, 2, 1], [3, 2, 1, 1], [3, 1, 1, 3]]


def test_a_chain_of_aged_labels_counts_meetings_as_label_ages_do(grid_run):
    """Holders of both loops first on the tape with a fresh partner: young (held both
    for under 2 epochs) and old, as pair transitions of aged labels and as label ages."""
    motifs = parse_motifs(grid_run, MOTIFS)
    by_mask = partial(motif_masks, motifs=motifs)
    transitions = pair_transitions(grid_run, AgedLabels(by_mask, 4, 3, 2), 5, 64).counts
    ages = label_age_outcomes(grid_run, by_mask, 4, 64, bins=(0, 2))
    assert transitions[3, 0].sum() == ages[3, 0, 0, 0] > 0
    assert transitions[4, 0].sum() == ages[3, 1, 0, 0] > 0
    assert transitions[3, 0, :, 1:].sum() + transitions[4, 0, :, 1:].sum() == ages[3, :, 0, 1].sum()
