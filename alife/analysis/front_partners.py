"""Whether the front's lone holder lost its trait because of itself or of its partner.

In the epochs one holder stands alone at the front's distance
(:func:`alife.analysis.spread.lone_front_holder`) and is second on the tape with a
non-holder, the meeting is run again without mutation three ways: the same pair; the
holder with each other non-holder it could have met (its partners in the soup's
interaction graph); and the partner with each other holder that could have met it. If
the holder loses the trait about as often with any partner, the partner decided; if
any holder loses it with this partner as often as the lone one, so did the partner.
Counted by the lone holder's age (:func:`alife.analysis.spread.holder_ages`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from alife.analysis.spread import (
    PooledCounts,
    holder_ages,
    lone_front_holder,
    partner_before,
    tape_sides,
)

SWAPS = (
    "in the run",
    "the same pair again",
    "the holder with its other non-holder partners",
    "the partner with its other holder partners",
)
"""What each column of :attr:`PartnerSwaps.lost` counts, in words."""


@dataclass(frozen=True)
class PartnerSwaps(PooledCounts):
    """Per age bin, the lone front holder's meetings second with a non-holder
    (``meetings``, (bins,) int64) and how often it came out without the trait (``lost``,
    (bins, 4) float64, summed over meetings: one column per :data:`SWAPS`; the two swap
    columns add each meeting's share over its alternatives), with ``swapped`` (bins, 2)
    int64 the meetings that had any alternative for each swap column."""

    meetings: np.ndarray
    lost: np.ndarray
    swapped: np.ndarray

    @classmethod
    def empty(cls, bins: int) -> PartnerSwaps:
        """No meetings in any of ``bins`` age bins."""
        return cls(
            np.zeros(bins, dtype=np.int64),
            np.zeros((bins, len(SWAPS)), dtype=np.float64),
            np.zeros((bins, 2), dtype=np.int64),
        )

    def shares(self) -> np.ndarray:
        """(bins, 4) float64: the share lost per column of :data:`SWAPS` (NaN where a
        bin had no such meeting)."""
        counted = np.column_stack([self.meetings, self.meetings, self.swapped])
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.lost / counted


def partner_swaps(
    programs: Iterable[np.ndarray],
    masks: Sequence[np.ndarray],
    distance: np.ndarray,
    meetings: Callable[[int], tuple[np.ndarray, int]],
    partners: Callable[[int], np.ndarray],
    second_loses: Callable[[np.ndarray, np.ndarray], np.ndarray],
    ages: Sequence[int],
) -> PartnerSwaps:
    """The :class:`PartnerSwaps` of a run: ``programs`` the (n, 64) uint8 soup at the
    start of epochs 0, 1, ... and ``masks`` its (n,) bool holders then (one more than
    the epochs counted); ``distance`` (n,) each program's distance from the origin;
    ``meetings(e)`` epoch e's pairs (as ``Soup.meetings``); ``partners(a)`` the programs
    ``a`` can meet (1-D integer indices); ``second_loses(first, second)`` whether, for
    (k, 64) uint8 tapes' halves run together, the second comes out without the trait
    ((k,) bool, e.g. :func:`alife.analysis.tape_order.second_loses`); ``ages`` the age
    bins' splits as :func:`alife.analysis.spread.losses_by_age`."""
    counts = PartnerSwaps.empty(len(ages) + 1)
    splits = np.asarray(ages)
    for epoch, ((before, after, age), soup) in enumerate(
        zip(holder_ages(masks), programs, strict=False)
    ):
        holder = lone_front_holder(before, after, distance)
        if holder is None:
            continue
        partner = partner_before(holder, *tape_sides(*meetings(epoch)))
        if partner is None or before[partner]:
            continue
        age_bin = int(np.searchsorted(splits, age[holder], side="right"))
        counts.meetings[age_bin] += 1
        counts.lost[age_bin, 0] += not after[holder]
        counts.lost[age_bin, 1] += second_loses(soup[[partner]], soup[[holder]])[0]
        around_holder = partners(holder).astype(np.int64)
        around_partner = partners(partner).astype(np.int64)
        others = around_holder[(around_holder != partner) & ~before[around_holder]]
        holders = around_partner[(around_partner != holder) & before[around_partner]]
        swaps = (
            (others, np.full(len(others), holder)),
            (np.full(len(holders), partner), holders),
        )
        for column, (firsts, seconds) in enumerate(swaps):
            if firsts.size:
                counts.lost[age_bin, 2 + column] += second_loses(soup[firsts], soup[seconds]).mean()
                counts.swapped[age_bin, column] += 1
    return counts
