"""Sorting a motif holder's meetings with non-holders into classes, the same way in a
replay of a soup run and in a model played on its meetings (:mod:`alife.analysis.tape_order`).

A *split* knows, before an epoch, the class of each meeting of a holder with a
non-holder (:meth:`classify`), and learns from the epoch's outcome (:meth:`update`):

- :class:`Survivals`: how many meetings the holder came out of still holding the motif
  while placed second with a non-holder, since it became a holder (0, 1, ...,
  ``classes`` - 1 or more);
- :class:`PairMemory`: whether the same two programs met before, since either last
  changed, with no effect (the holder kept the motif, the partner did not gain it): not
  (0), with the holder on the same side of the tape (1), or on the other (2);
- :class:`Exposures`: how many meetings with a holder the partner came out of without
  the motif, either side, since it last held it or since epoch 0 (0, 1, ...,
  ``classes`` - 1 or more);
- :class:`NeighbourShare`: the share of the partner's neighbours (the programs it may
  meet) that hold the motif, in ``classes`` equal bins: how deep behind a wave's front
  the meeting is;
- :class:`FrontDepth`: in a grid soup, how many cells the partner lies behind the wave's
  front (the farthest holder from an origin), in bins of ``depth`` cells: whether the
  meeting is at the front's tip, where the wave advances, or in its bulk.

:class:`Joint` splits by every combination of the classes of several splits;
:class:`Tallied` counts the meetings a split classifies, epoch window by window (how a
model's meetings fall into the classes, to set beside a run's).

Holders are (n,) bool arrays; an epoch's meetings are its tape sides ``first``,
``second`` ((pairs,) program indices, each program at most once).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from alife.analysis.spread import cell_distances
from alife.substrates.programs.interactions import InteractionGraph


class MeetingSplit(Protocol):
    """What :func:`~alife.analysis.tape_order.outcome_counts` and
    :func:`~alife.analysis.tape_order.tape_order_masks` need of a split."""

    classes: int

    def classify(self, first: np.ndarray, second: np.ndarray, held: np.ndarray) -> np.ndarray:
        """(pairs,) int64 class of each meeting of a holder with a non-holder (0 for
        other meetings), holders ``held`` at the epoch's start."""
        ...

    def update(
        self, before: np.ndarray, after: np.ndarray, first: np.ndarray, second: np.ndarray
    ) -> None:
        """Learn from the epoch: holders ``before`` and ``after`` it."""
        ...


def survivals_after(
    survived: np.ndarray,
    before: np.ndarray,
    after: np.ndarray,
    first: np.ndarray,
    second: np.ndarray,
) -> np.ndarray:
    """(n,) int64: each program's *survivals* after an epoch: the meetings it came out of
    still holding the motif, placed second on the tape with a non-holder, since it last
    became a holder (0 for non-holders and new holders). ``survived``: the counts
    before the epoch; ``before``, ``after``: (n,) bool holders at its start and end."""
    count = survived.copy()
    kept = second[before[second] & ~before[first] & after[second]]
    count[kept] += 1  # a program meets once an epoch: no index repeats
    count[~after | ~before] = 0
    return count


def partners_of(first: np.ndarray, second: np.ndarray, held: np.ndarray) -> np.ndarray:
    """(pairs,) int64: in each meeting, the second program where the first holds the
    motif, else the first. In a meeting of a holder with a non-holder: the non-holder."""
    return np.where(held[first], second, first)


class Survivals:
    """Meetings by the holder's survivals (module docstring), for ``n`` programs."""

    def __init__(self, n: int, classes: int):
        self.classes = classes
        self.survived = np.zeros(n, dtype=np.int64)

    def classify(self, first: np.ndarray, second: np.ndarray, held: np.ndarray) -> np.ndarray:
        holder = np.where(held[first], first, second)
        return np.minimum(self.survived[holder], self.classes - 1)

    def update(
        self, before: np.ndarray, after: np.ndarray, first: np.ndarray, second: np.ndarray
    ) -> None:
        self.survived = survivals_after(self.survived, before, after, first, second)


class PairMemory:
    """Meetings by what the same pair did before (module docstring)."""

    classes = 3

    def __init__(self) -> None:
        self.last: dict[tuple[int, int], tuple[int, int]] = {}  # pair -> (holder, its side)
        self.pairs_of: dict[int, set[tuple[int, int]]] = {}  # program -> remembered pairs

    def classify(self, first: np.ndarray, second: np.ndarray, held: np.ndarray) -> np.ndarray:
        classes = np.zeros(len(first), dtype=np.int64)
        for k in np.flatnonzero(held[first] != held[second]).tolist():
            a, b = int(first[k]), int(second[k])
            side = 0 if held[a] else 1
            memory = self.last.get((min(a, b), max(a, b)))
            if memory is not None and memory[0] == (a, b)[side]:
                classes[k] = 1 if memory[1] == side else 2
        return classes

    def update(
        self, before: np.ndarray, after: np.ndarray, first: np.ndarray, second: np.ndarray
    ) -> None:
        for k in np.flatnonzero(before[first] != before[second]).tolist():
            a, b = int(first[k]), int(second[k])
            side = 0 if before[a] else 1
            holder, partner = (a, b)[side], (a, b)[1 - side]
            key = (min(a, b), max(a, b))
            if after[holder] and not after[partner]:
                self.last[key] = (holder, side)
                self.pairs_of.setdefault(a, set()).add(key)
                self.pairs_of.setdefault(b, set()).add(key)
        for program in np.flatnonzero(before != after).tolist():
            for key in self.pairs_of.pop(program, ()):
                self.last.pop(key, None)


class Exposures:
    """Meetings by the partner's exposures (module docstring), for ``n`` programs."""

    def __init__(self, n: int, classes: int):
        self.classes = classes
        self.exposed = np.zeros(n, dtype=np.int64)

    def classify(self, first: np.ndarray, second: np.ndarray, held: np.ndarray) -> np.ndarray:
        return np.minimum(self.exposed[partners_of(first, second, held)], self.classes - 1)

    def update(
        self, before: np.ndarray, after: np.ndarray, first: np.ndarray, second: np.ndarray
    ) -> None:
        for one, other in ((first, second), (second, first)):
            resisted = other[before[one] & ~before[other] & ~after[other]]
            self.exposed[resisted] += 1  # a program meets once an epoch: no index repeats
        self.exposed[after] = 0


class _FromHolders:
    """A split whose classes follow from the holders at each epoch's start alone."""

    def update(
        self, before: np.ndarray, after: np.ndarray, first: np.ndarray, second: np.ndarray
    ) -> None:
        """Nothing to learn."""


class NeighbourShare(_FromHolders):
    """Meetings by the share of the partner's neighbours in ``graph`` that hold the
    motif (module docstring): class c holds shares s with c <= s * ``classes`` < c + 1
    (the last class also s = 1). The partner's holder is one of its neighbours."""

    def __init__(self, graph: InteractionGraph, classes: int):
        self.classes = classes
        self.degree = np.diff(graph.offsets)
        self.sources = np.repeat(np.arange(graph.programs), self.degree)
        self.targets = graph.targets.astype(np.intp)

    def classify(self, first: np.ndarray, second: np.ndarray, held: np.ndarray) -> np.ndarray:
        near = np.bincount(self.sources[held[self.targets]], minlength=len(self.degree))
        partner = partners_of(first, second, held)
        share_class = near[partner] * self.classes // np.maximum(self.degree[partner], 1)
        return np.minimum(share_class, self.classes - 1)


class FrontDepth(_FromHolders):
    """Meetings by how far behind the front the partner lies (module docstring), on a
    (width, height) ``grid`` with distances (cells, Chebyshev) from ``origin`` (row,
    column): the front is the farthest holder's distance at the epoch's start, and
    class c holds partners c * ``depth`` to (c + 1) * ``depth`` - 1 cells behind it
    (the last class also deeper; a partner beyond the front is at depth 0)."""

    def __init__(
        self, grid: tuple[int, int], origin: tuple[int, int], depth: int, classes: int = 2
    ):
        self.distance = cell_distances(grid, origin)
        self.depth, self.classes = depth, classes

    def classify(self, first: np.ndarray, second: np.ndarray, held: np.ndarray) -> np.ndarray:
        front = int(self.distance[held].max()) if held.any() else 0
        behind = np.maximum(front - self.distance[partners_of(first, second, held)], 0)
        return np.minimum(behind // self.depth, self.classes - 1)


class Joint:
    """Meetings by the classes of all of ``splits`` at once: class ``c_1 * k_2 * ... +
    c_2 * k_3 * ... + c_last`` for classes ``c_i`` of ``k_i``."""

    def __init__(self, splits: Sequence[MeetingSplit]):
        self.splits = list(splits)
        self.classes = 1
        for split in self.splits:
            self.classes *= split.classes

    def classify(self, first: np.ndarray, second: np.ndarray, held: np.ndarray) -> np.ndarray:
        joint = np.zeros(len(first), dtype=np.int64)
        for split in self.splits:
            joint = joint * split.classes + split.classify(first, second, held)
        return joint

    def update(
        self, before: np.ndarray, after: np.ndarray, first: np.ndarray, second: np.ndarray
    ) -> None:
        for split in self.splits:
            split.update(before, after, first, second)


class Tallied:
    """``split``, also counting the meetings of a holder with a non-holder it classifies:
    :meth:`met`, per window of ``window`` epochs from the first classified, as
    :attr:`~alife.analysis.tape_order.OutcomeCounts.met`. The partner's kind (0: never
    held the motif at an epoch start, 1: did) follows the holders it is shown."""

    def __init__(self, split: MeetingSplit, window: int):
        self.split, self.window, self.classes = split, window, split.classes
        self.epoch = 0
        self.ever: np.ndarray | None = None
        self.counts: list[np.ndarray] = []  # per window: (2, 2, classes) int64

    def classify(self, first: np.ndarray, second: np.ndarray, held: np.ndarray) -> np.ndarray:
        self.ever = held.copy() if self.ever is None else self.ever | held
        classes = self.split.classify(first, second, held)
        if self.epoch % self.window == 0:
            self.counts.append(np.zeros((2, 2, self.classes), dtype=np.int64))
        for side, (holder, other) in enumerate(((first, second), (second, first))):
            met = held[holder] & ~held[other]
            kind = self.ever[other[met]].astype(np.intp)
            self.counts[-1][side] += np.bincount(
                kind * self.classes + classes[met], minlength=2 * self.classes
            ).reshape(2, self.classes)
        self.epoch += 1
        return classes

    def update(
        self, before: np.ndarray, after: np.ndarray, first: np.ndarray, second: np.ndarray
    ) -> None:
        self.split.update(before, after, first, second)

    def met(self) -> np.ndarray:
        """(windows, 2, 2, classes) int64: the meetings classified so far, [window][holder's
        side: 0 first, 1 second][partner's kind][class]."""
        return np.array(self.counts, dtype=np.int64).reshape(-1, 2, 2, self.classes)
