"""When a soup changes: the first record at which a metric crosses a threshold.

The transition to replicators shows as a sharp jump of the high-order entropy (the
paper; cubff's scripts call a run "transitioned" once it exceeds 3 bits per byte), and,
in runs with a replicator census, as the replicators' share of the soup taking off.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike

from alife.errors import AlifeInputError

ENTROPY_TRANSITION_BITS = 3.0
"""cubff's scripts' threshold on higher_entropy (bits per byte) for a transitioned soup."""

REPLICATOR_TRANSITION_FRACTION = 0.01
"""Default share of the soup that self-replicators must exceed for a transition (random
soups hold almost none; after a transition they are most of the soup)."""


def first_crossing(
    epochs: ArrayLike, values: ArrayLike, threshold: float, *, above: bool = True
) -> int | None:
    """The first of ``epochs`` ((k,) ints) whose value ((k,) floats) is above (or, with
    ``above=False``, below) ``threshold``; None when no record crosses it. NaN never
    crosses."""
    epochs, values = np.asarray(epochs), np.asarray(values, dtype=np.float64)
    if epochs.shape != values.shape or epochs.ndim != 1:
        raise AlifeInputError(
            f"epochs and values must be 1-D arrays of one length, got shapes {epochs.shape} "
            f"and {values.shape}"
        )
    crossed = values > threshold if above else values < threshold
    hits = np.flatnonzero(crossed)
    return int(epochs[hits[0]]) if hits.size else None


def entropy_transition(
    metrics: Mapping[str, np.ndarray], threshold: float = ENTROPY_TRANSITION_BITS
) -> int | None:
    """First recorded epoch with ``higher_entropy > threshold`` in a run's metrics (the
    mapping of :attr:`alife.engine.store.Run.metrics`), or None."""
    return first_crossing(metrics["epoch"], metrics["higher_entropy"], threshold)


def replicator_transition(
    metrics: Mapping[str, np.ndarray], fraction: float = REPLICATOR_TRANSITION_FRACTION
) -> int | None:
    """First census epoch with ``replicator_fraction > fraction`` in a run's metrics, or
    None (also when the run took no census)."""
    if "replicator_fraction" not in metrics:
        return None
    return first_crossing(metrics["epoch"], metrics["replicator_fraction"], fraction)
