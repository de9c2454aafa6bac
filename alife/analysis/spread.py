"""How a trait (holding a motif, such as a replicator's copy loop, or being a replicator)
spreads through a soup's snapshots: how many programs have it and, in a grid soup, how
far from where it started, so the speed of a replicator's wave can be read off."""

from __future__ import annotations

import csv
import dataclasses
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple, TextIO

import numpy as np

from alife.analysis.soup_price import motif_trait
from alife.errors import AlifeInputError


class FitWindow(NamedTuple):
    """Which snapshots a front's speed is fitted over (see :meth:`Spread.front_line`):
    from the first whose front is ``from_cells`` cells out, up to ``until_epoch`` (None:
    until the front reaches the grid's edge)."""

    from_cells: int = 0
    until_epoch: int | None = None

    def words(self) -> str:
        """The window in words, '' for the whole spread."""
        parts = [f"from a front {self.from_cells} cells out"] if self.from_cells else []
        parts += [] if self.until_epoch is None else [f"up to epoch {self.until_epoch:,}"]
        return " ".join(parts)


WHOLE_SPREAD = FitWindow()
"""The default window: from the first holder until the front reaches the grid's edge."""


@dataclass(frozen=True)
class Spread:
    """A trait through a run's snapshots.

    ``epochs``: (k,) int64 snapshot epochs; ``holders``: (k,) int64 programs with the
    trait; ``programs``: the soup's size. Grid soups only (else None): ``origin``, the
    (row, column) distances are measured from (the one given, or else the first holder,
    in row-major order, of the first snapshot with any); ``front``: (k,) int64, the
    Chebyshev distance in cells from ``origin`` to the farthest holder (-1 where none
    holds it); ``reach``: the largest distance from ``origin`` the grid has (the front
    cannot pass it)."""

    epochs: np.ndarray
    holders: np.ndarray
    programs: int
    origin: tuple[int, int] | None = None
    front: np.ndarray | None = None
    reach: int | None = None
    contact: Spread | None = None
    """When asked for: the spread, from the same holders at the first snapshot with any
    and measured from the same origin, of a trait every meeting passes on (see
    :func:`contact_masks`): the fastest any trait could spread over the run's meetings."""
    transmission: np.ndarray | None = None
    """When asked for: (k, 2, 3) int64, per snapshot, :func:`meeting_outcomes` of the
    epoch that follows it: for a holder first on the tape (row 0) and second (row 1),
    its meetings with a non-holder, those after which both hold the trait, and those
    after which neither does."""

    def transmission_rates(self) -> list[tuple[int, float, float] | None] | None:
        """Per side of the tape the holder was on (first, second): (its meetings with a
        non-holder over all snapshots, share after which both held the trait, share
        after which neither did), or None for a side without such meetings; None
        without ``transmission``."""
        if self.transmission is None:
            return None
        rates = []
        for met, passed, lost in self.transmission.sum(axis=0).tolist():
            rates.append(None if met == 0 else (met, passed / met, lost / met))
        return rates

    def transmission_totals(self) -> tuple[int, int, int] | None:
        """(meetings of a holder with a non-holder, those after which both held the
        trait, those after which neither did), over all snapshots and both sides of the
        tape; None without ``transmission``."""
        if self.transmission is None:
            return None
        met, passed, lost = self.transmission.sum(axis=(0, 1)).tolist()
        return met, passed, lost

    def contact_index(self, i: int) -> int | None:
        """Index in :attr:`contact` of snapshot ``i`` (the contact spread starts at the
        first snapshot with a holder); None before it starts or without one."""
        if self.contact is None:
            return None
        j = i - (len(self.epochs) - len(self.contact.epochs))
        return j if j >= 0 else None

    def front_line(
        self, from_cells: int = 0, until_epoch: int | None = None
    ) -> tuple[float, float, int, int] | None:
        """(slope in cells per epoch, intercept in cells, first epoch, last epoch): the
        least-squares line through ``front`` over the snapshots from the first with a
        holder (with ``from_cells``: the first whose front is that far out) up to the
        first where the front reaches the grid's edge (with ``until_epoch``: the last
        snapshot at or before that epoch, if earlier), leaving out snapshots without
        holders; None for a soup without a grid or with fewer than two such snapshots.
        ``from_cells`` leaves out how the spread started, to measure the wave alone;
        ``until_epoch`` measures how it started."""
        if self.front is None:
            return None
        at_edge = np.flatnonzero(self.front >= self.reach)
        last = int(at_edge[0]) if at_edge.size else len(self.front) - 1
        if until_epoch is not None:
            last = min(last, int(np.searchsorted(self.epochs, until_epoch, side="right")) - 1)
        reached = np.flatnonzero(self.front[: last + 1] >= max(from_cells, 0))
        first = int(reached[0]) if reached.size else last + 1
        window = first + np.flatnonzero(self.front[first : last + 1] >= 0)
        if window.size < 2:
            return None
        slope, intercept = np.polyfit(self.epochs[window].astype(np.float64), self.front[window], 1)
        return (
            float(slope),
            float(intercept),
            int(self.epochs[window[0]]),
            int(self.epochs[window[-1]]),
        )

    def front_speed(
        self, from_cells: int = 0, until_epoch: int | None = None
    ) -> tuple[float, int, int] | None:
        """(cells per epoch, first epoch, last epoch) of :meth:`front_line`."""
        line = self.front_line(from_cells, until_epoch)
        return None if line is None else (line[0], line[2], line[3])


def holding(soup: np.ndarray, motifs: Sequence[np.ndarray], every: bool = False) -> np.ndarray:
    """(n,) bool: which programs of an (n, 64) uint8 soup contain any of ``motifs``
    (1-D uint8 byte patterns) as consecutive bytes; with ``every``, all of them (e.g.
    both halves of a copy loop, leaving out programs that kept one)."""
    if not motifs:
        raise AlifeInputError("give at least one motif")
    found = [motif_trait(soup, motif) > 0 for motif in motifs]
    return np.all(found, axis=0) if every else np.any(found, axis=0)


def parse_origin(text: str) -> tuple[int, int]:
    """``"ROW,COL"`` -> (row, column) of a grid cell; raises AlifeInputError naming the
    bad text."""
    match = re.fullmatch(r"\s*(\d+)\s*,\s*(\d+)\s*", text)
    if not match:
        raise AlifeInputError(
            f"origin {text!r} is not ROW,COL with two integers from 0, e.g. 0,0 or 67,120"
        )
    return int(match[1]), int(match[2])


def check_origin(origin: tuple[int, int] | None, grid: tuple[int, int] | None) -> None:
    """Raise AlifeInputError unless ``origin`` (row, column) is None or a cell of the
    (width, height) ``grid``; a well-mixed soup (``grid`` None) has no cells."""
    if origin is None:
        return
    if grid is None:
        raise AlifeInputError("an origin needs a grid soup; this soup is well mixed")
    width, height = grid
    if not (0 <= origin[0] < height and 0 <= origin[1] < width):
        raise AlifeInputError(
            f"origin (row {origin[0]}, column {origin[1]}) is off the {width}x{height} grid; "
            f"rows run 0 to {height - 1}, columns 0 to {width - 1}"
        )


def trait_spread(
    masks: Iterable[tuple[int, np.ndarray]],
    grid: tuple[int, int] | None = None,
    origin: tuple[int, int] | None = None,
) -> Spread:
    """The :class:`Spread` of a trait given, per snapshot in epoch order, the pair
    (epoch, (n,) bool: which programs have it). ``grid`` is (width, height) of a grid
    soup, whose program ``i`` sits at row ``i // width``, column ``i % width``;
    ``origin`` (row, column) fixes where distances are measured from, such as where
    replicators were seeded (default: the first holder). The origin is checked before
    ``masks`` is read, so a lazy ``masks`` computes nothing for a bad one."""
    check_origin(origin, grid)
    epochs, holders, grids = [], [], []
    programs = 0
    for epoch, mask in masks:
        epochs.append(epoch)
        holders.append(int(mask.sum()))
        programs = len(mask)
        if grid is not None:
            grids.append(mask.reshape(grid[1], grid[0]))
    epochs_array = np.asarray(epochs, dtype=np.int64)
    holders_array = np.asarray(holders, dtype=np.int64)
    if grid is None:
        return Spread(epochs_array, holders_array, programs)
    width, height = grid
    if origin is None:
        if not holders_array.any():
            return Spread(epochs_array, holders_array, programs)
        first = grids[int(np.argmax(holders_array > 0))]
        origin = tuple(int(x) for x in np.argwhere(first)[0])
    distance = cell_distances(grid, origin).reshape(height, width)
    front = np.asarray([distance[g].max() if g.any() else -1 for g in grids], dtype=np.int64)
    return Spread(epochs_array, holders_array, programs, origin, front, int(distance.max()))


def cell_distances(grid: tuple[int, int], origin: tuple[int, int]) -> np.ndarray:
    """(width * height,) int64: each program's Chebyshev distance in cells from
    ``origin`` (row, column) on a (width, height) grid, program ``i`` at row
    ``i // width``, column ``i % width`` (the grid's edges do not wrap)."""
    width, height = grid
    rows, cols = np.indices((height, width))
    return np.maximum(abs(rows - origin[0]), abs(cols - origin[1])).ravel().astype(np.int64)


def tape_sides(order: np.ndarray, pairs: int) -> tuple[np.ndarray, np.ndarray]:
    """(programs first on the tape, programs second), each (pairs,), of an epoch's
    meetings as :meth:`~alife.substrates.programs.soup.Soup.meetings` gives them."""
    return order[0 : 2 * pairs : 2], order[1 : 2 * pairs : 2]


def meeting_outcomes(
    before: np.ndarray,
    after: np.ndarray,
    order: np.ndarray,
    pairs: int,
    labels: np.ndarray | None = None,
    count: int = 1,
) -> np.ndarray:
    """What an epoch's meetings did with a trait: (count, 2, 3) int64, per label of a
    meeting, for the holder first on the tape (row 0) or second (row 1), [its meetings
    with a non-holder, those after which both hold the trait, those after which neither
    does]. ``before``, ``after``: (n,) bool, who holds it before and after the epoch;
    ``order`` and ``pairs``: the epoch's meetings as
    :meth:`~alife.substrates.programs.soup.Soup.meetings` gives them; ``labels``:
    (pairs,) int64 in 0 .. ``count`` - 1, each meeting's label (default: all 0)."""
    first, second = tape_sides(order, pairs)
    if labels is None:
        labels = np.zeros(len(first), dtype=np.int64)
    holder_second = before[second] & ~before[first]
    met = holder_second | (before[first] & ~before[second])
    cell = (labels * 2 + holder_second)[met]  # label, then the holder's side
    both = (after[first] & after[second])[met]
    neither = ~(after[first] | after[second])[met]
    counts = [np.bincount(cell, weights=w, minlength=2 * count) for w in (None, both, neither)]
    return np.stack(counts, axis=-1).astype(np.int64).reshape(count, 2, 3)


def contact_masks(
    start: np.ndarray,
    start_epoch: int,
    meetings: Callable[[int], tuple[np.ndarray, int]],
    epochs: Iterable[int],
) -> Iterator[tuple[int, np.ndarray]]:
    """(epoch, (n,) bool) at each of ``epochs`` (ascending, none below ``start_epoch``):
    the programs holding a trait that every meeting passes on, whichever side holds it,
    held by ``start`` ((n,) bool) after ``start_epoch`` completed epochs. ``meetings(e)``
    gives the pairs of epoch ``e`` as :meth:`~alife.substrates.programs.soup.Soup.meetings`
    does: ((n,) order, pairs run)."""
    held = start.copy()
    done = start_epoch
    for epoch in epochs:
        while done < epoch:
            order, pairs = meetings(done)
            first, second = tape_sides(order, pairs)
            either = held[first] | held[second]
            held[first] = either
            held[second] = either
            done += 1
        yield epoch, held.copy()


SPREAD_CSV_COLUMNS = ("file", "epoch", "holders", "programs", "front")
"""Columns of :func:`write_spread_csv`; the optional ones follow when asked for."""
CONTACT_CSV_COLUMNS = ("contact_holders", "contact_front")
TRANSMISSION_CSV_COLUMNS = tuple(
    f"{side}_{count}" for side in ("first", "second") for count in ("met", "passed", "lost")
)
"""The holder first or second on the tape: its meetings with a non-holder in the epoch
after the snapshot, those after which both held the trait, and neither."""


def write_spread_csv(
    spreads: Sequence[tuple[str, Spread]],
    stream: TextIO,
    contact: bool = False,
    transmission: bool = False,
) -> None:
    """Write ``spreads``, pairs of (run file, :class:`Spread`), to ``stream`` as CSV
    with a header: a row per run and snapshot with its epoch, holders, soup size and
    front in cells (empty for a well-mixed soup or a snapshot without holders); with
    ``contact`` the holders and front of :attr:`Spread.contact` (empty before it starts
    or where a run has none); with ``transmission`` the six counts of
    :attr:`Spread.transmission` for the epoch after the snapshot, holder first on the
    tape then second (:data:`TRANSMISSION_CSV_COLUMNS`)."""
    writer = csv.writer(stream, lineterminator="\n")
    header = SPREAD_CSV_COLUMNS + (CONTACT_CSV_COLUMNS if contact else ())
    writer.writerow(header + (TRANSMISSION_CSV_COLUMNS if transmission else ()))
    for path, spread in spreads:
        limit = spread.contact
        for i, epoch in enumerate(spread.epochs.tolist()):
            row = [path, epoch, int(spread.holders[i]), spread.programs, _front(spread, i)]
            if contact:
                j = spread.contact_index(i)
                row += ["", ""] if j is None else [int(limit.holders[j]), _front(limit, j)]
            if transmission:
                row += spread.transmission[i].reshape(-1).tolist()
            writer.writerow(row)


def _front(spread: Spread, i: int) -> int | str:
    """Snapshot ``i``'s front, or "" where there is none."""
    return "" if spread.front is None or spread.front[i] < 0 else int(spread.front[i])


@dataclass(frozen=True)
class FrontSteps:
    """How a front moved epoch by epoch (:func:`front_steps`): where it ended (cells from
    the origin, -1 if no epoch had a holder), the cells it advanced and retreated in
    all, the epochs it did each, and the epochs in which every holder at the front's
    distance lost the trait (the front fell back or another holder took its place)."""

    front: int
    advanced_cells: int
    advanced_epochs: int
    retreated_cells: int
    retreated_epochs: int
    front_lost_epochs: int


def front_steps(masks: Iterable[np.ndarray], distance: np.ndarray) -> FrontSteps:
    """The :class:`FrontSteps` of consecutive epochs' (n,) bool holders ``masks`` (one
    per epoch, from the first), with ``distance`` (n,) each program's distance in cells
    from the origin (:func:`cell_distances`); epochs without holders are skipped, and
    a front that starts again after them is compared with the last one before."""
    advanced = advanced_epochs = retreated = retreated_epochs = lost = 0
    before, front = None, -1
    for mask in masks:
        if not mask.any():
            continue
        now = int(distance[mask].max())
        if before is not None:
            lost += not (mask & before & (distance == front)).any()
            if now > front:
                advanced, advanced_epochs = advanced + now - front, advanced_epochs + 1
            elif now < front:
                retreated, retreated_epochs = retreated + front - now, retreated_epochs + 1
        before, front = mask, now
    return FrontSteps(front, advanced, advanced_epochs, retreated, retreated_epochs, lost)


class PooledCounts:
    """Counts of a dataclass that pool field by field: ``a + b`` holds both, as of one
    pooled run (ints and arrays alike)."""

    def __add__(self, other: PooledCounts) -> PooledCounts:
        mine, theirs = dataclasses.astuple(self), dataclasses.astuple(other)
        return type(self)(*(a + b for a, b in zip(mine, theirs, strict=True)))


@dataclass(frozen=True)
class LoneFront(PooledCounts):
    """What the front's holder did in the epochs it stood alone at the front's distance
    (:func:`lone_front`): of ``epochs`` such epochs (with a holder somewhere after
    them), those in which it ``met`` a partner and was ``first`` on the tape, those in
    which it was second with a non-holder (``second_with_non_holder``) and came out
    without the trait (``lost_there``), those it came out of without the trait at all
    (``lost``), and those after which the front lay farther out (``advanced``)."""

    epochs: int = 0
    met: int = 0
    first: int = 0
    second_with_non_holder: int = 0
    lost_there: int = 0
    lost: int = 0
    advanced: int = 0


def lone_front(
    masks: Iterable[np.ndarray],
    distance: np.ndarray,
    meetings: Callable[[int], tuple[np.ndarray, int]],
) -> LoneFront:
    """The :class:`LoneFront` of consecutive epochs' (n,) bool holders ``masks`` (the
    holders at the start of epochs 0, 1, ...), with ``distance`` (n,) each program's
    distance in cells from the origin (:func:`cell_distances`) and ``meetings(e)`` the
    pairs of epoch e (as :meth:`~alife.substrates.programs.soup.Soup.meetings`)."""
    counts = {field.name: 0 for field in dataclasses.fields(LoneFront)}
    for epoch, (before, after) in enumerate(itertools.pairwise(masks)):
        holder = lone_front_holder(before, after, distance)
        if holder is None:
            continue
        front = distance[holder]
        first, second = tape_sides(*meetings(epoch))
        is_first, partner = bool((first == holder).any()), partner_before(holder, first, second)
        counts["epochs"] += 1
        counts["met"] += is_first or partner is not None
        counts["first"] += is_first
        if partner is not None and not before[partner]:
            counts["second_with_non_holder"] += 1
            counts["lost_there"] += not after[holder]
        counts["lost"] += not after[holder]
        counts["advanced"] += bool(distance[after].max() > front)
    return LoneFront(**counts)


def losses_by_age(
    masks: Iterable[np.ndarray],
    distance: np.ndarray,
    meetings: Callable[[int], tuple[np.ndarray, int]],
    ages: Sequence[int],
) -> np.ndarray:
    """(2, len(ages) + 1, 2) int64: how often holders second on the tape with a
    non-holder came out without the trait, by the holder's age, the epochs since it last
    became a holder (bins split at ``ages``, ascending and from 1: (2, 5) gives 0-1,
    2-4, 5 and more; holders at the first epoch count from it), for the front's holder
    in the epochs it stood alone at the front's distance (row 0, as :func:`lone_front`)
    and for every other holder (row 1): [such meetings, those it lost the trait in].
    ``masks``, ``distance`` and ``meetings`` as :func:`lone_front`."""
    counts = np.zeros((2, len(ages) + 1, 2), dtype=np.int64)
    splits = np.asarray(ages)
    for epoch, (before, after, age) in enumerate(holder_ages(masks)):
        first, second = tape_sides(*meetings(epoch))
        exposed = second[before[second] & ~before[first]]
        if exposed.size and after.any():
            row = np.where(exposed == lone_front_holder(before, after, distance), 0, 1)
            age_bin = np.searchsorted(splits, age[exposed], side="right")
            np.add.at(counts, (row, age_bin, 0), 1)
            np.add.at(counts, (row, age_bin, 1), ~after[exposed])
    return counts


def holder_ages(
    masks: Iterable[np.ndarray],
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per epoch of the (n,) bool holders ``masks`` at the start of epochs 0, 1, ...:
    (holders before it, holders after it, (n,) int64 each holder's age before it: the
    epochs since it last became a holder, holders at the first epoch counting from it;
    meaningless for non-holders)."""
    since = None
    for epoch, (before, after) in enumerate(itertools.pairwise(masks)):
        if since is None:
            since = np.zeros(len(before), dtype=np.int64)
        yield before, after, epoch - since
        since[after & ~before] = epoch + 1


def partner_before(holder: int, first: np.ndarray, second: np.ndarray) -> int | None:
    """The program first on the tape in the meeting where ``holder`` was second, of the
    meetings' sides ``first`` and ``second`` (:func:`tape_sides`); None if it was not."""
    at = np.flatnonzero(second == holder)
    return int(first[at[0]]) if at.size else None


def lone_front_holder(before: np.ndarray, after: np.ndarray, distance: np.ndarray) -> int | None:
    """The program alone at the front's distance in holders ``before`` an epoch, or None
    when several are, or when no program holds the trait before or ``after`` it."""
    if not before.any() or not after.any():
        return None
    at_front = np.flatnonzero(before & (distance == distance[before].max()))
    return int(at_front[0]) if at_front.size == 1 else None
