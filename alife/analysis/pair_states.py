"""A soup run's meetings as a Markov chain on what each program holds: the *pair-state
model* (docs/reproductions.md, "Spatial soups").

A program's *state* is the set of motifs it holds (a bit mask, bit i for ``motifs[i]``),
and, for a program that holds none, whether it held one at an earlier epoch start (a
*wreck*) or never did (*fresh*): with M motifs, states 0 .. 2**M - 1 are the masks
(0: fresh) and state 2**M is a wreck. :func:`pair_transitions` counts, over a replay
of a run, what each meeting turned the pair (first on the tape, second) into: from
their two states to their two masks after the epoch. :func:`pair_state_masks` plays
that chain on the run's own meetings: each meeting draws its outcome from the counts
for its pair's states, and a program that meets no one keeps its mask.

It generalises the tape-order contact process of :mod:`alife.analysis.tape_order`
(one motif, and only meetings of a holder with a non-holder change anything): every
meeting, of two holders or of two non-holders included, changes its pair as the run's
meetings of the same states did, and each motif is followed on its own, so variants
that hold one half of a palindrome's loops are told from those that hold both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from alife.analysis.spread import motif_trait, tape_sides
from alife.analysis.tape_order import replay
from alife.errors import AlifeInputError

MAX_MOTIFS = 4
"""Most motifs followed at once: 2**M masks make (2**M + 1)**2 * 4**M cells."""


def motif_masks(programs: np.ndarray, motifs: Sequence[np.ndarray]) -> np.ndarray:
    """(n,) int64: bit i set where the program of (n, 64) uint8 ``programs`` contains
    ``motifs[i]`` (a 1-D uint8 byte pattern)."""
    if not 1 <= len(motifs) <= MAX_MOTIFS:
        raise AlifeInputError(f"give 1 to {MAX_MOTIFS} motifs, not {len(motifs)}")
    masks = np.zeros(len(programs), dtype=np.int64)
    for bit, motif in enumerate(motifs):
        masks |= (motif_trait(programs, motif) > 0).astype(np.int64) << bit
    return masks


def states_of(masks: np.ndarray, ever: np.ndarray, motifs: int) -> np.ndarray:
    """(n,) int64 states (module docstring) of programs holding ``masks`` ((n,) int64,
    of ``motifs`` motifs); ``ever``: (n,) bool, those that held one at this or an
    earlier epoch start."""
    return np.where((masks == 0) & ever, 1 << motifs, masks)


@dataclass(frozen=True)
class PairTransitions:
    """What meetings did over a replay: ``counts`` (S, S, 2**M, 2**M) int64, indexed
    [state of the program first on the tape][state of the second][first's mask
    after][second's mask after], S = 2**M + 1 states (module docstring)."""

    counts: np.ndarray

    @property
    def motifs(self) -> int:
        """M, the motifs followed."""
        return self.counts.shape[2].bit_length() - 1

    def outcome_cdf(self) -> np.ndarray:
        """(S * S, 4**M) float64: per pair of states (first * S + second), the
        cumulative share of each outcome (first's mask after * 2**M + second's). A pair
        of states that no meeting had keeps its masks (a wreck's is 0)."""
        states, masks = self.counts.shape[0], self.counts.shape[2]
        table = self.counts.reshape(states * states, masks * masks).astype(np.float64)
        mask_of = np.where(np.arange(states) < masks, np.arange(states), 0)
        unchanged = (mask_of[:, None] * masks + mask_of[None, :]).ravel()
        empty = table.sum(axis=1) == 0
        table[empty, unchanged[empty]] = 1.0
        cdf = np.cumsum(table / table.sum(axis=1, keepdims=True), axis=1)
        cdf[:, -1] = 1.0  # no draw in [0, 1) falls past the last outcome
        return cdf


def pair_transitions(path: str, motifs: Sequence[np.ndarray], last: int) -> PairTransitions:
    """The :class:`PairTransitions` of epochs 0 .. ``last - 1`` of the soup run
    ``path``, following each of ``motifs`` (byte patterns), replayed with mutation as
    it ran."""
    m = len(motifs)
    counts = np.zeros(((1 << m) + 1, (1 << m) + 1, 1 << m, 1 << m), dtype=np.int64)
    states = ever = meetings = None
    for epoch, programs, soup in replay(path, last):
        masks = motif_masks(programs, motifs)
        if meetings is not None:  # the epoch before this one has run: score its meetings
            first, second = tape_sides(*meetings)
            np.add.at(counts, (states[first], states[second], masks[first], masks[second]), 1)
        ever = masks > 0 if ever is None else ever | (masks > 0)
        states = states_of(masks, ever, m)
        if epoch < last:
            meetings = soup.meetings(epoch)
    return PairTransitions(counts)


def pair_state_masks(
    start: np.ndarray,
    meetings: Callable[[int], tuple[np.ndarray, int]],
    epochs: Sequence[int],
    transitions: PairTransitions,
    rng: np.random.Generator,
) -> Iterator[tuple[int, np.ndarray]]:
    """(epoch, (n,) int64 masks) at each of ``epochs`` (ascending, from 0) of the
    pair-state model (module docstring) from masks ``start`` at epoch 0, on the pairs
    ``meetings(e)`` gives (as :meth:`Soup.meetings`): each meeting draws its pair's
    masks after from ``transitions`` for the pair's states, with ``rng``."""
    m, cdf = transitions.motifs, transitions.outcome_cdf()
    size = (1 << m) + 1
    masks, ever = start.copy(), start > 0
    for epoch in range(epochs[-1] + 1):
        if epoch in epochs:
            yield epoch, masks.copy()
        if epoch == epochs[-1]:
            return
        first, second = tape_sides(*meetings(epoch))
        states = states_of(masks, ever, m)
        rows = cdf[states[first] * size + states[second]]
        outcome = (rng.random(len(first))[:, None] >= rows).sum(axis=1)
        masks[first], masks[second] = outcome >> m, outcome & ((1 << m) - 1)
        ever |= masks > 0
