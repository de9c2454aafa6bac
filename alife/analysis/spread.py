"""How a motif (a byte pattern, such as a replicator's copy loop) spreads through a
soup's snapshots: how many programs hold it and, in a grid soup, how far from the cell
where it first appeared, so the speed of a replicator's wave can be read off."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from alife.analysis.soup_price import motif_trait
from alife.errors import AlifeInputError


@dataclass(frozen=True)
class MotifSpread:
    """A motif through a run's snapshots.

    ``epochs``: (k,) int64 snapshot epochs; ``holders``: (k,) int64 programs holding the
    motif (any of the motifs given); ``programs``: the soup's size. Grid soups only
    (else None): ``origin``, the (row, column) of the first holder, in row-major order,
    of the first snapshot with any; ``front``: (k,) int64, the Chebyshev distance in
    cells from ``origin`` to the farthest holder (-1 where none holds it); ``reach``:
    the largest distance from ``origin`` the grid has (the front cannot pass it)."""

    epochs: np.ndarray
    holders: np.ndarray
    programs: int
    origin: tuple[int, int] | None = None
    front: np.ndarray | None = None
    reach: int | None = None

    def front_speed(self) -> tuple[float, int, int] | None:
        """(cells per epoch, first epoch, last epoch): the least-squares slope of
        ``front`` over the snapshots from the first with a holder up to the first where
        the front reaches the grid's edge, leaving out snapshots without holders; None
        for a soup without a grid or with fewer than two such snapshots."""
        if self.front is None:
            return None
        at_edge = np.flatnonzero(self.front >= self.reach)
        last = int(at_edge[0]) if at_edge.size else len(self.front) - 1
        window = np.flatnonzero(self.front[: last + 1] >= 0)
        if window.size < 2:
            return None
        slope = np.polyfit(self.epochs[window].astype(np.float64), self.front[window], 1)[0]
        return float(slope), int(self.epochs[window[0]]), int(self.epochs[window[-1]])


def holding(soup: np.ndarray, motifs: Sequence[np.ndarray]) -> np.ndarray:
    """(n,) bool: which programs of an (n, 64) uint8 soup contain any of ``motifs``
    (1-D uint8 byte patterns) as consecutive bytes."""
    if not motifs:
        raise AlifeInputError("give at least one motif")
    return np.any([motif_trait(soup, motif) > 0 for motif in motifs], axis=0)


def motif_spread(
    snapshots: Iterable[tuple[int, np.ndarray]],
    motifs: Sequence[np.ndarray],
    grid: tuple[int, int] | None = None,
) -> MotifSpread:
    """The :class:`MotifSpread` of ``motifs`` through ``snapshots``, pairs of (epoch,
    (n, 64) uint8 soup) in epoch order; ``grid`` is (width, height) of a grid soup, whose
    program ``i`` sits at row ``i // width``, column ``i % width``."""
    epochs, holders, masks = [], [], []
    programs = 0
    for epoch, soup in snapshots:
        mask = holding(soup, motifs)
        epochs.append(epoch)
        holders.append(int(mask.sum()))
        programs = len(mask)
        if grid is not None:
            masks.append(mask.reshape(grid[1], grid[0]))
    epochs_array = np.asarray(epochs, dtype=np.int64)
    holders_array = np.asarray(holders, dtype=np.int64)
    if grid is None or not holders_array.any():
        return MotifSpread(epochs_array, holders_array, programs)
    width, height = grid
    first = masks[int(np.argmax(holders_array > 0))]
    origin = tuple(int(x) for x in np.argwhere(first)[0])
    rows, cols = np.indices((height, width))
    distance = np.maximum(abs(rows - origin[0]), abs(cols - origin[1]))
    front = np.asarray([distance[m].max() if m.any() else -1 for m in masks], dtype=np.int64)
    return MotifSpread(epochs_array, holders_array, programs, origin, front, int(distance.max()))
