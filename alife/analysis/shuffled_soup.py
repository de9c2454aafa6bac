"""A soup run played again with a class of its programs (or several, each apart)
shuffled among that class's cells at the start of every epoch: a randomisation test of
what a wave owes to which program sits where (docs/wave_models.md, "Shuffled soups").

The classes are those of :mod:`alife.analysis.tape_order`: *holders* of the motifs,
*fresh* programs (never held them) and *wrecks* (held them at an earlier epoch start,
not now). Shuffling one class keeps who holds the motifs where, and the run's meetings
and mutations (a soup's pairs and mutation draws depend on its seed and epoch, not on
its programs); it moves only what meets. Shuffled holders: a variant is no longer
beside the copies it made, so the front cannot keep the variants that copy well.
Shuffled fresh programs or wrecks: a program no longer meets the same neighbours again,
so a partner's lasting danger or mildness is spread over the whole class."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from alife.analysis.spread import holding, tape_sides
from alife.engine.store import open_run
from alife.errors import AlifeInputError
from alife.substrates.programs.soup import Soup, SoupConfig

SHUFFLED_CLASSES = ("holders", "fresh", "wrecks")
"""The classes of programs :func:`shuffled_holders` can shuffle."""


def check_shuffled(shuffled: Sequence[str]) -> None:
    """An AlifeInputError naming the first of ``shuffled`` that is not one of
    :data:`SHUFFLED_CLASSES`, or saying that none is given."""
    if not shuffled:
        raise AlifeInputError(f"name a class to shuffle: {', '.join(SHUFFLED_CLASSES)}")
    for name in shuffled:
        if name not in SHUFFLED_CLASSES:
            raise AlifeInputError(
                f"cannot shuffle {name!r}: choose from {', '.join(SHUFFLED_CLASSES)}"
            )


def shuffled_cells(shuffled: str, held: np.ndarray, ever: np.ndarray) -> np.ndarray:
    """(n,) bool: the cells of class ``shuffled`` (one of :data:`SHUFFLED_CLASSES`), of
    programs that hold the motifs now (``held``, (n,) bool) or ever did (``ever``)."""
    return {"holders": held, "fresh": ~ever, "wrecks": ever & ~held}[shuffled]


def permute_within(
    cells: np.ndarray, groups: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """``cells`` ((k,) int64 program indices) sorted by group, and a permutation of them
    that keeps each in its group (``groups``: (n,) int64, a group per program), drawn by
    ``rng``: assign ``programs[sorted] = programs[permuted]``."""
    by_group = cells[np.argsort(groups[cells], kind="stable")]
    permuted = cells[np.lexsort((rng.random(len(cells)), groups[cells]))]
    return by_group, permuted


def shuffled_holders(
    path: str,
    last: int,
    motifs: Sequence[np.ndarray],
    every: bool,
    shuffled: Sequence[str],
    rng: np.random.Generator,
    groups: np.ndarray | None = None,
) -> tuple[list[np.ndarray], Soup]:
    """Epochs 0 .. ``last`` of the soup run at ``path`` played again on the CPU from its
    config, with the programs of each class in ``shuffled`` (of
    :data:`SHUFFLED_CLASSES`) permuted among that class's cells by ``rng`` before every
    epoch; with ``groups`` ((n,) int64, such as each cell's distance from a wave's
    origin), only among the class's cells of the same group. Returns ((n,) bool holders
    of any of ``motifs``, or with ``every`` all of them, at the start of each epoch; the
    soup, whose ``meetings(e)`` are the run's). Nothing is checked against the run's
    snapshots: it is another run."""
    check_shuffled(shuffled)
    with open_run(path) as run:
        config = SoupConfig(**run.config)
    soup = Soup(config)
    masks, ever = [], None
    for epoch in range(last + 1):
        programs = soup.soup  # the CPU soup itself, shuffled in place
        held = holding(programs, motifs, every)
        ever = held.copy() if ever is None else ever | held
        masks.append(held)
        if epoch < last:
            for name in shuffled:
                cells = np.flatnonzero(shuffled_cells(name, held, ever))
                if groups is None:
                    programs[cells] = programs[rng.permutation(cells)]
                else:
                    by_group, permuted = permute_within(cells, groups, rng)
                    programs[by_group] = programs[permuted]
            soup.step()
    return masks, soup


def gains_without_holder(
    masks: Sequence[np.ndarray], meetings: Callable[[int], tuple[np.ndarray, int]]
) -> int:
    """How many times, over the epochs between the (n,) bool holder ``masks`` (one per
    epoch start, from epoch 0), a program became a holder without meeting one: its
    partner (``meetings(e)``, as :meth:`Soup.meetings`) did not hold, or it met no one.
    A contact process makes none; a soup makes them by mutation, or from two programs
    that each held part of a motif."""
    gains = 0
    for epoch in range(len(masks) - 1):
        before, after = masks[epoch], masks[epoch + 1]
        first, second = tape_sides(*meetings(epoch))
        met_holder = np.zeros(len(before), dtype=bool)
        met_holder[first] = before[second]
        met_holder[second] = before[first]
        gains += int((after & ~before & ~met_holder).sum())
    return gains
