"""Which programs a soup holds most often, for summaries of runs."""

from __future__ import annotations

import numpy as np


def most_frequent_programs(soup: np.ndarray, top: int = 10) -> list[tuple[np.ndarray, int]]:
    """The ``top`` most frequent exact programs of an (n, 64) uint8 soup.

    Returns ``[(program, count), ...]`` sorted by count (descending), ties by the
    program's bytes; ``program`` is a (64,) uint8 array.
    """
    programs, counts = np.unique(np.ascontiguousarray(soup), axis=0, return_counts=True)
    order = np.lexsort((np.arange(len(counts)), -counts))[:top]
    return [(programs[i], int(counts[i])) for i in order]
