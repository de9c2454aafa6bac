"""A soup run's meetings as a Markov chain on what each program holds: the *pair-state
model* (docs/wave_models.md).

Each program gets a *label*, 0 .. L - 1, from its bytes: 0 when it holds none of the
motifs followed, else the kind of holder it is. Two labellings are here:
:func:`motif_masks` (which of M motifs it holds, a bit mask: L = 2**M) and
:class:`FamilyLabels` (which of K common replicator families, by
:func:`~alife.substrates.programs.census.skeleton`, a holder belongs to, or another
family: L = K + 2). :class:`AgedLabels` splits one label of either by how long its
holders have had it, :class:`ReplicatorLabels` by whether they are self-replicators. A
program's *state* is its label, except that a non-holder that held a motif at an earlier
epoch start is a *wreck*, state L (a non-holder that never did is *fresh*, state 0).

:func:`pair_transitions` counts, over a replay of a run, what each meeting turned the
pair (first on the tape, second) into: from their two states to their two labels after
the epoch. :func:`pair_state_labels` plays that chain on the run's own meetings: each
meeting draws its outcome from the counts for its pair's states, and a program that
meets no one keeps its label. :func:`shrunk_to_parents` draws the counts of rare
labels toward those of the label they were split from, so that a family met a handful
of times does not replay the accidents of those few meetings. :func:`copies_only` keeps
only what each kind of holder does to non-holders, to play one kind alone.
:func:`label_age_outcomes` counts what holders' meetings with fresh programs did by how
long each had had its label, which the chain ignores.

It generalises the tape-order contact process of :mod:`alife.analysis.tape_order`
(one kind of holder, and only meetings of a holder with a non-holder change anything):
every meeting, of two holders or of two non-holders included, changes its pair as the
run's meetings of the same states did, and kinds of holder are told apart: variants that
hold one half of a palindrome's loops from those that hold both, or families that copy
themselves more or less surely.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from alife.analysis.spread import holding, motif_trait, tape_sides
from alife.analysis.tape_order import replay, snapshot_epochs
from alife.engine.store import open_run
from alife.errors import AlifeInputError
from alife.substrates.programs.census import skeleton
from alife.substrates.programs.language import Language
from alife.substrates.programs.registry import get_language
from alife.substrates.programs.selfrep import REPLICATOR_THRESHOLD, selfrep_scores

MAX_MOTIFS = 4
"""Most motifs followed one by one: 2**M labels make (2**M + 1)**2 * 4**M cells."""


def motif_masks(programs: np.ndarray, motifs: Sequence[np.ndarray]) -> np.ndarray:
    """(n,) int64 labels: bit i set where the program of (n, 64) uint8 ``programs``
    contains ``motifs[i]`` (a 1-D uint8 byte pattern)."""
    if not 1 <= len(motifs) <= MAX_MOTIFS:
        raise AlifeInputError(f"give 1 to {MAX_MOTIFS} motifs, not {len(motifs)}")
    masks = np.zeros(len(programs), dtype=np.int64)
    for bit, motif in enumerate(motifs):
        masks |= (motif_trait(programs, motif) > 0).astype(np.int64) << bit
    return masks


class FamilyLabels:
    """Labels by family: 0 for a program holding none of ``motifs`` (with ``every``:
    not all of them), 2 + i for a holder whose
    :func:`~alife.substrates.programs.census.skeleton` (with ``noop_bytes``) is
    ``families[i]``, 1 for any other holder. Call it on (n, 64) uint8 programs."""

    def __init__(
        self,
        motifs: Sequence[np.ndarray],
        families: Sequence[bytes],
        noop_bytes: np.ndarray | None,
        every: bool = False,
    ):
        self.motifs, self.noop_bytes, self.every = motifs, noop_bytes, every
        self.index = {family: 2 + i for i, family in enumerate(families)}
        self.kinds = 2 + len(families)

    def parent_states(self, kinds: int) -> np.ndarray:
        """(``kinds`` + 1,) int64 parents, as :func:`shrunk_to_parents` takes them, of the
        states of a labelling with ``kinds`` labels whose first are these (the others
        after them, a wreck last): the pooled label, 1, for each named family, and
        itself for every other state."""
        parent = np.arange(kinds + 1)
        parent[2 : self.kinds] = 1
        return parent

    def __call__(self, programs: np.ndarray) -> np.ndarray:
        labels = np.zeros(len(programs), dtype=np.int64)
        held = np.flatnonzero(holding(programs, self.motifs, self.every))
        if held.size:  # one skeleton per distinct program: copies are many
            distinct, inverse = np.unique(programs[held], axis=0, return_inverse=True)
            keys = [self.index.get(skeleton(p, self.noop_bytes), 1) for p in distinct]
            labels[held] = np.array(keys, dtype=np.int64)[inverse.ravel()]
        return labels


class AgedLabels:
    """The labels of ``base`` (``kinds`` of them, L), except that holders of label
    ``aged`` that have had it for ``epochs`` or more get label L: L + 1 kinds. Its age is
    counted in calls, as :func:`label_age_outcomes` counts it in epochs, so a replay must
    call it once per epoch, in order, from epoch 0: make a fresh one for each replay."""

    def __init__(
        self, base: Callable[[np.ndarray], np.ndarray], kinds: int, aged: int, epochs: int
    ):
        self.base, self.aged, self.epochs, self.kinds = base, aged, epochs, kinds + 1
        self.before: np.ndarray | None = None
        self.held_for: np.ndarray | None = None  # calls each program has had its label

    def __call__(self, programs: np.ndarray) -> np.ndarray:
        labels = self.base(programs)
        if self.before is None:
            self.held_for = np.zeros(len(labels), dtype=np.int64)
        else:
            self.held_for = np.where(labels == self.before, self.held_for + 1, 0)
        self.before = labels
        old = (labels == self.aged) & (self.held_for >= self.epochs)
        return np.where(old, self.kinds - 1, labels)


class ReplicatorLabels:
    """The labels of ``base`` (``kinds`` of them, L), except that holders of label
    ``split`` that are not self-replicators get label L: L + 1 kinds. A program is a
    self-replicator when its :func:`~alife.substrates.programs.selfrep.selfrep_scores`
    score, scored alone (a batch of one) with seed 0 and ``max_steps``, is at least
    :data:`~alife.substrates.programs.selfrep.REPLICATOR_THRESHOLD`: the same noise for
    every program, so the label depends on the program's bytes only. Scores are kept per
    distinct program, so one labeller serves a whole replay and its snapshots."""

    def __init__(
        self,
        base: Callable[[np.ndarray], np.ndarray],
        kinds: int,
        split: int,
        language: Language,
        max_steps: int,
    ):
        self.base, self.split, self.kinds = base, split, kinds + 1
        self.language, self.max_steps = language, max_steps
        self.replicates: dict[bytes, bool] = {}

    def _replicates(self, program: np.ndarray) -> bool:
        key = program.tobytes()
        if key not in self.replicates:
            score = selfrep_scores(self.language, program[None], 0, max_steps=self.max_steps)
            self.replicates[key] = bool(score[0] >= REPLICATOR_THRESHOLD)
        return self.replicates[key]

    def __call__(self, programs: np.ndarray) -> np.ndarray:
        labels = self.base(programs)
        at = np.flatnonzero(labels == self.split)
        if at.size:
            distinct, inverse = np.unique(programs[at], axis=0, return_inverse=True)
            replicating = np.array([self._replicates(p) for p in distinct])
            labels[at[~replicating[inverse.ravel()]]] = self.kinds - 1
        return labels


def common_families(
    path: str, motifs: Sequence[np.ndarray], k: int, every: bool = False
) -> FamilyLabels:
    """The :class:`FamilyLabels` of the ``k`` families with the most holders of
    ``motifs`` (any of them, or with ``every`` all), summed over the snapshots of the
    soup run ``path``."""
    if k < 1:
        raise AlifeInputError(f"the families to follow must be at least 1, got {k}")
    with open_run(path) as run:
        noop_bytes = get_language(run.config["language"]).noop_bytes
        sizes: Counter[bytes] = Counter()
        for epoch in snapshot_epochs(path):
            programs = run.snapshot(epoch, "soup")
            distinct, copies = np.unique(
                programs[holding(programs, motifs, every)], axis=0, return_counts=True
            )
            for program, count in zip(distinct, copies.tolist(), strict=True):
                sizes[skeleton(program, noop_bytes)] += count
    families = [family for family, _ in sizes.most_common(k)]
    return FamilyLabels(motifs, families, noop_bytes, every)


def states_of(labels: np.ndarray, ever: np.ndarray, kinds: int) -> np.ndarray:
    """(n,) int64 states (module docstring) of programs with ``labels`` ((n,) int64 in
    0 .. ``kinds`` - 1); ``ever``: (n,) bool, those that held a motif at this or an
    earlier epoch start."""
    return np.where((labels == 0) & ever, kinds, labels)


@dataclass(frozen=True)
class PairTransitions:
    """What meetings did over a replay: ``counts`` (L + 1, L + 1, L, L) int64, indexed
    [state of the program first on the tape][state of the second][first's label
    after][second's label after] (module docstring)."""

    counts: np.ndarray

    @property
    def kinds(self) -> int:
        """L, the labels."""
        return self.counts.shape[2]

    def outcome_cdf(self) -> np.ndarray:
        """((L + 1)**2, L**2) float64: per pair of states (first * (L + 1) + second),
        the cumulative share of each outcome (first's label after * L + second's). A
        pair of states that no meeting had keeps its labels (a wreck's is 0)."""
        states, kinds = self.counts.shape[0], self.kinds
        table = self.counts.reshape(states * states, kinds * kinds).astype(np.float64)
        label_of = np.where(np.arange(states) < kinds, np.arange(states), 0)
        unchanged = (label_of[:, None] * kinds + label_of[None, :]).ravel()
        empty = table.sum(axis=1) == 0
        table[empty, unchanged[empty]] = 1.0
        cdf = np.cumsum(table / table.sum(axis=1, keepdims=True), axis=1)
        cdf[:, -1] = 1.0  # no draw in [0, 1) falls past the last outcome
        return cdf

    @cached_property
    def searchable_cdf(self) -> np.ndarray:
        """((L + 1)**2 * L**2,) float64: the rows of :meth:`outcome_cdf`, row r shifted
        by r, as one ascending array: a draw u in [0, 1) for pair row r finds its outcome
        by searching r + u once. Made on first use and kept, so every replica of a chain
        shares one copy (156 MB for 66 labels)."""
        cdf = self.outcome_cdf()
        return (cdf + np.arange(len(cdf))[:, None]).ravel()


def shrunk_to_parents(
    transitions: PairTransitions, parent: np.ndarray, weight: float
) -> PairTransitions:
    """``transitions`` with each pair of states whose labels have parents drawn toward
    its parents' pair: (L + 1, L + 1, L, L) float64 counts, empirical-Bayes style.

    ``parent``: (L + 1,) int64, the parent state of each state (itself where it has
    none; a parent must have no parent of its own). For the pair (a, b), with parents
    (pa, pb) not both themselves, ``weight`` (>= 0, in meetings) times the parent
    pair's outcome shares are added to the pair's own counts. In those outcomes a
    parent's label stands for its child's: pa's label becomes a's and pb's b's (where
    both are children of one parent, each program's outcome takes its own child's
    label: the first's a's, the second's b's). A pair with many meetings keeps its
    rates; one with a handful, or none, takes its parents': a rare family met a few
    times and never lost is lost as often as the families it was pooled with
    (docs/wave_models.md)."""
    kinds = transitions.kinds
    children = np.flatnonzero(parent != np.arange(kinds + 1))
    parents = parent[children]
    if parent[kinds] != kinds or np.any(parents == kinds) or np.any(parent[parents] != parents):
        raise ValueError("a wreck has no parent and is none, and a parent has no parent")
    counts = transitions.counts.astype(np.float64)
    labels = np.arange(kinds)
    for a, b in itertools.product(range(kinds + 1), repeat=2):
        pa, pb = parent[a], parent[b]
        if (pa, pb) == (a, b):
            continue
        source = transitions.counts[pa, pb].astype(np.float64)
        if source.sum() == 0:
            continue
        shares = np.zeros((kinds, kinds))
        np.add.at(
            shares,
            (_as_child(labels, a, pa, b, pb)[:, None], _as_child(labels, b, pb, a, pa)[None, :]),
            weight * source / source.sum(),
        )
        counts[a, b] += shares
    return PairTransitions(counts)


def _as_child(
    labels: np.ndarray, own: int, own_parent: int, other: int, other_parent: int
) -> np.ndarray:
    """``labels`` ((L,) int64) with the parents' labels replaced by their children's,
    this program's own pair (``own``, ``own_parent``) first where both share a parent."""
    relabelled = labels.copy()
    for child, parent in ((other, other_parent), (own, own_parent)):
        if parent != child:
            relabelled[labels == parent] = child
    return relabelled


def copies_only(transitions: PairTransitions) -> PairTransitions:
    """Each kind of holder on its own: (L + 1, L + 1, L, L) counts, of the dtype of
    ``transitions``' (float after :func:`shrunk_to_parents`), in which a meeting of a
    holder of label k > 0 with a non-holder (fresh or wreck), on either side of the
    tape, leaves each of the two holding k or nothing, as often as the run's meetings of
    that pair of states left it holding any label or none. Every other meeting (two
    holders, two non-holders) changes nothing. Played from holders of one label, the
    chain spreads that label at its own rates, with no other kind made from it: how fast
    each family would carry the wave alone."""
    counts = transitions.counts
    kinds = transitions.kinds
    alone = np.zeros_like(counts)
    for k in range(1, kinds):
        none_or_k = np.ix_((0, k), (0, k))
        for partner in (0, kinds):  # fresh, wreck
            for pair in ((k, partner), (partner, k)):  # the holder first, then second
                # [first's label after][second's], each folded to none (0) or any (k)
                table = counts[pair]
                alone[pair][none_or_k] = [
                    [table[0, 0], table[0, 1:].sum()],
                    [table[1:, 0].sum(), table[1:, 1:].sum()],
                ]
    return PairTransitions(alone)


def labelled_epochs(
    path: str, label: Callable[[np.ndarray], np.ndarray], kinds: int, last: int
) -> Iterator[tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Per epoch 0 .. ``last - 1`` of the soup run ``path``, replayed with mutation as it
    ran: (epoch, its tape sides ``first`` and ``second`` ((pairs,) program indices), the
    (n,) int64 states and labels of the programs at its start, their labels after it).
    ``label`` ((n, 64) uint8 programs -> (n,) int64 labels in 0 .. ``kinds`` - 1) is
    called once per epoch, in order, from epoch 0."""
    states = labels = ever = first = second = None
    for epoch, programs, soup in replay(path, last):
        after = label(programs)
        if states is not None:  # the epoch before this one has run
            yield epoch - 1, first, second, states, labels, after
        ever = after > 0 if ever is None else ever | (after > 0)
        states, labels = states_of(after, ever, kinds), after
        if epoch < last:
            first, second = tape_sides(*soup.meetings(epoch))


def pair_transitions(
    path: str, label: Callable[[np.ndarray], np.ndarray], kinds: int, last: int
) -> PairTransitions:
    """The :class:`PairTransitions` of epochs 0 .. ``last - 1`` of the soup run
    ``path``, replayed with mutation as it ran, each program labelled by ``label``
    ((n, 64) uint8 programs -> (n,) int64 labels in 0 .. ``kinds`` - 1)."""
    counts = np.zeros((kinds + 1, kinds + 1, kinds, kinds), dtype=np.int64)
    for _, first, second, states, _, after in labelled_epochs(path, label, kinds, last):
        np.add.at(counts, (states[first], states[second], after[first], after[second]), 1)
    return PairTransitions(counts)


AGE_BINS = (0, 1, 4, 16, 64)
"""Default first ages (epochs) of the bins of :func:`label_age_outcomes`."""


def label_age_outcomes(
    path: str,
    label: Callable[[np.ndarray], np.ndarray],
    kinds: int,
    last: int,
    bins: Sequence[int] = AGE_BINS,
) -> np.ndarray:
    """(``kinds``, len(``bins``), 2, 2) int64: over epochs 0 .. ``last - 1`` of a replay
    of the soup run ``path``, the meetings of a holder (label k > 0) with a fresh program
    (state 0), by [k][the holder's age in its label at the epoch's start: the epochs since
    it last took it (bin i: ``bins[i]`` to ``bins[i + 1]`` - 1, the last bin every age
    from ``bins[-1]``; all start at age 0 at epoch 0)][its side on the tape: 0 first, 1
    second][met, outcome]. The outcome is, first: the partner holds a motif after the
    epoch; second: neither does. Labels as :func:`pair_transitions` takes them."""
    edges = np.asarray(bins, dtype=np.int64)
    counts = np.zeros((kinds, len(edges), 2, 2), dtype=np.int64)
    since = None  # (n,) the epoch at whose start each program took its label
    for epoch, first, second, states, before, after in labelled_epochs(path, label, kinds, last):
        if since is None:
            since = np.zeros(len(before), dtype=np.int64)
        age_bin = np.searchsorted(edges, epoch - since, side="right") - 1
        for side, (holder, other) in enumerate(((first, second), (second, first))):
            met = (states[holder] > 0) & (states[holder] < kinds) & (states[other] == 0)
            holder, other = holder[met], other[met]
            neither = (after[holder] == 0) & (after[other] == 0)
            outcome = after[other] > 0 if side == 0 else neither
            cell = (before[holder], age_bin[holder], side)
            np.add.at(counts, (*cell, 0), 1)
            np.add.at(counts, (*cell, 1), outcome.astype(np.int64))
        since = np.where(after == before, since, epoch + 1)
    return counts


def pair_state_labels(
    start: np.ndarray,
    meetings: Callable[[int], tuple[np.ndarray, int]],
    epochs: Sequence[int],
    transitions: PairTransitions,
    rng: np.random.Generator,
) -> Iterator[tuple[int, np.ndarray]]:
    """(epoch, (n,) int64 labels) at each of ``epochs`` (ascending, from 0) of the
    pair-state model (module docstring) from labels ``start`` at epoch 0, on the pairs
    ``meetings(e)`` gives (as :meth:`Soup.meetings`): each meeting draws its pair's
    labels after from ``transitions`` for the pair's states, with ``rng``."""
    kinds = transitions.kinds
    shifted = transitions.searchable_cdf
    labels, ever = start.copy(), start > 0
    for epoch in range(epochs[-1] + 1):
        if epoch in epochs:
            yield epoch, labels.copy()
        if epoch == epochs[-1]:
            return
        first, second = tape_sides(*meetings(epoch))
        states = states_of(labels, ever, kinds)
        rows = states[first] * (kinds + 1) + states[second]
        found = np.searchsorted(shifted, rows + rng.random(len(first)), side="right")
        outcome = found - rows * kinds * kinds
        labels[first], labels[second] = outcome // kinds, outcome % kinds
        ever |= labels > 0
