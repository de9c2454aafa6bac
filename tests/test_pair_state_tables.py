"""Pair-state tables made from a run's: family rates drawn toward their pooled label's
(:func:`alife.analysis.pair_states.shrunk_to_parents`) and each kind of holder on its own
(:func:`alife.analysis.pair_states.copies_only`), against hand-made tables and plain
loops over every outcome."""

from __future__ import annotations

import numpy as np
import pytest

from alife.analysis.pair_states import (
    FamilyLabels,
    PairTransitions,
    copies_only,
    shrunk_to_parents,
)

# labels: 0 none, 1 pooled, 2 and 3 named families; state 4 a wreck
PARENT = np.array([0, 1, 1, 1, 4])


def test_a_family_met_twice_takes_most_of_its_rate_from_the_pooled_label():
    counts = np.zeros((5, 5, 4, 4), dtype=np.int64)
    counts[1, 0, 1, 1] = 60  # pooled first with a fresh program: copied itself 60 times
    counts[1, 0, 1, 0] = 40
    counts[2, 0, 2, 2] = 2  # family 2: twice, both copied
    cdf = shrunk_to_parents(PairTransitions(counts), PARENT, 20.0).counts
    assert cdf[2, 0, 2, 2] == pytest.approx(2 + 20 * 0.6)  # its own copies, the pooled's
    assert cdf[2, 0, 2, 0] == pytest.approx(20 * 0.4)
    assert cdf[2, 0].sum() == pytest.approx(22)
    assert cdf[3, 0, 3, 3] == pytest.approx(12)  # never met: the pooled label's shares
    assert cdf[1, 0].tolist() == counts[1, 0].tolist()  # the pooled label keeps its own
    np.testing.assert_array_equal(cdf[0, 0], counts[0, 0])
    shares = PairTransitions(cdf).outcome_cdf()[2 * 5]  # family 2 first, a fresh second
    assert np.diff(shares, prepend=0)[2 * 4 + 2] == pytest.approx(14 / 22)


def test_two_children_of_the_pooled_label_each_keep_their_own_label():
    counts = np.zeros((5, 5, 4, 4), dtype=np.int64)
    counts[1, 1, 1, 1] = 9  # two pooled holders: both kept it
    counts[1, 1, 0, 1] = 1  # the first lost it
    shrunk = shrunk_to_parents(PairTransitions(counts), PARENT, 10.0).counts
    assert shrunk[2, 3, 2, 3] == pytest.approx(9)
    assert shrunk[2, 3, 0, 3] == pytest.approx(1)
    assert shrunk[0, 3, 0, 3] == 0  # a fresh program with family 3: no pooled meeting


def _plain_shrunk(counts: np.ndarray, parent: np.ndarray, weight: float) -> np.ndarray:
    """Outcome by outcome: a parent's label in the parents' pair's outcomes stands for
    its child, the program's own child first."""
    states, kinds = counts.shape[0], counts.shape[2]
    expected = counts.astype(np.float64)

    def as_child(label, own, own_parent, other, other_parent):
        if own_parent != own and label == own_parent:
            return own
        if other_parent != other and label == other_parent:
            return other
        return label

    for a in range(states):
        for b in range(states):
            pa, pb = parent[a], parent[b]
            total = counts[pa, pb].sum()
            if (pa, pb) == (a, b) or total == 0:
                continue
            for x in range(kinds):
                for y in range(kinds):
                    x_child = as_child(x, a, pa, b, pb)
                    y_child = as_child(y, b, pb, a, pa)
                    expected[a, b, x_child, y_child] += weight * counts[pa, pb, x, y] / total
    return expected


@pytest.mark.parametrize("weight", [0.0, 3.0, 50.0])
def test_shrinking_is_the_plain_outcome_by_outcome_sum(weight):
    rng = np.random.default_rng(7)
    counts = rng.integers(0, 5, size=(7, 7, 6, 6)) * (rng.random((7, 7, 6, 6)) < 0.3)
    counts[3, 0] = 0  # a family never met with a fresh program
    parent = np.array([0, 1, 1, 1, 4, 4, 6])  # 2, 3 under 1; 5 under 4; wreck 6
    shrunk = shrunk_to_parents(PairTransitions(counts), parent, weight).counts
    np.testing.assert_allclose(shrunk, _plain_shrunk(counts, parent, weight), rtol=1e-12)
    if weight:
        assert shrunk[3, 0].sum() == pytest.approx(weight)
    else:
        np.testing.assert_array_equal(shrunk, counts)


@pytest.mark.parametrize(
    "parent",
    [[0, 1, 1, 2, 4], [0, 1, 4, 1, 4], [0, 1, 1, 1, 1]],
    ids=["a parent with a parent", "a wreck as parent", "a wreck with a parent"],
)
def test_a_parent_map_that_is_not_one_level_is_refused(parent):
    counts = np.zeros((5, 5, 4, 4), dtype=np.int64)
    with pytest.raises(ValueError, match="parent"):
        shrunk_to_parents(PairTransitions(counts), np.array(parent), 1.0)


def test_family_labels_name_the_pooled_label_each_named_familys_parent():
    families = FamilyLabels([np.frombuffer(b"{.>]", dtype=np.uint8)], [b"a", b"b", b"c"], None)
    assert families.kinds == 5  # none, pooled, three families
    # with one more label after them (as ReplicatorLabels adds), and a wreck
    assert families.parent_states(6).tolist() == [0, 1, 1, 1, 1, 5, 6]


def test_copies_only_fold_a_holders_meetings_with_non_holders_into_its_own_label():
    counts = np.zeros((5, 5, 4, 4), dtype=np.int64)  # labels 0..3, wreck 4
    counts[2, 0, 2, 2], counts[2, 0, 2, 1], counts[2, 0, 0, 0], counts[2, 0, 1, 0] = 5, 1, 1, 2
    counts[4, 2, 0, 2], counts[4, 2, 0, 0], counts[4, 2, 3, 0] = 3, 7, 1
    counts[2, 3, 2, 3] = 9  # two holders: nothing changes in the copies-only chain
    counts[0, 4, 1, 0] = 4  # two non-holders: nor here
    alone = copies_only(PairTransitions(counts)).counts
    assert alone[2, 0, 2, 2] == 6 and alone[2, 0, 2, 0] == 2 and alone[2, 0, 0, 0] == 1
    assert alone[4, 2, 0, 2] == 3 and alone[4, 2, 0, 0] == 7 and alone[4, 2, 2, 0] == 1
    assert alone.sum() == 6 + 2 + 1 + 3 + 7 + 1


def test_copies_only_is_the_plain_fold_of_every_outcome():
    rng = np.random.default_rng(3)
    counts = rng.integers(0, 6, size=(6, 6, 5, 5))
    kinds = 5
    expected = np.zeros_like(counts)
    for a in range(kinds + 1):
        for b in range(kinds + 1):
            holder_first = 0 < a < kinds and b in (0, kinds)
            holder_second = 0 < b < kinds and a in (0, kinds)
            if not (holder_first or holder_second):
                continue
            k = a if holder_first else b
            for x in range(kinds):
                for y in range(kinds):
                    expected[a, b, k if x else 0, k if y else 0] += counts[a, b, x, y]
    np.testing.assert_array_equal(copies_only(PairTransitions(counts)).counts, expected)
