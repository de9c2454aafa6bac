"""Copied material in a soup: byte strings that occur more than once.

A soup of 2^17 random programs holds 7.5 million 8-byte strings (57 starts in each
program); the odds that any two random ones are equal are about 1.5e-6. So a string
found more than once was copied there, or written byte by byte alike (a run of one byte
value, as a copy loop whose one head stands still leaves). Counting them shows whether a
soup copies before any replicator exists: BFF soups do, SUBLEQ soups do not
(docs/reproductions.md). Any language: this looks at bytes only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

STRING_LENGTH = 8
"""Bytes per string counted: eight fill one uint64 key."""
_RUN = np.uint64(0x0101010101010101)  # a byte value times this: the key of its run


@dataclass(frozen=True)
class Repeats:
    """How many of a soup's ``strings`` (every start in every program) occur more than
    once (``repeated``), and how many of those are not a run of one byte value
    (``repeated_not_runs``)."""

    strings: int
    repeated: int
    repeated_not_runs: int

    @property
    def share(self) -> float:
        """Repeated strings per string."""
        return self.repeated / self.strings

    @property
    def share_not_runs(self) -> float:
        """Repeated strings that are not runs of one byte, per string."""
        return self.repeated_not_runs / self.strings

    def sentence(self, epoch: int) -> str:
        """One line saying what these counts of the soup after ``epoch`` are."""
        return (
            f"Copied material at epoch {epoch}: {self.share:.2%} of the soup's "
            f"{self.strings:,} {STRING_LENGTH}-byte strings occur more than once "
            f"({self.share_not_runs:.2%} not runs of one byte; random bytes would repeat none)."
        )


def repeated_strings(soup: np.ndarray) -> Repeats:
    """Count the 8-byte strings of an (n, width) uint8 ``soup`` (width >= 8) that occur
    more than once anywhere in it, each occurrence counted (two equal strings: 2)."""
    soup = np.asarray(soup, dtype=np.uint8)
    starts = soup.shape[1] - STRING_LENGTH + 1
    keys = np.zeros((soup.shape[0], starts), dtype=np.uint64)
    for i in range(STRING_LENGTH):
        keys = (keys << np.uint64(8)) | soup[:, i : i + starts].astype(np.uint64)
    values, counts = np.unique(keys, return_counts=True)
    again = counts > 1
    run = values == (values & np.uint64(0xFF)) * _RUN
    return Repeats(keys.size, int(counts[again].sum()), int(counts[again & ~run].sum()))
