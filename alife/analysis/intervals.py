"""Intervals for what a few runs or replicas measured: a share of runs (such as those
that transitioned) and the median of a quantity (such as a model's front speed); and
how far out a run lies among a model's replicas (a one-sided p-value)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from alife.errors import AlifeInputError


def share_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Clopper-Pearson (exact binomial) interval for a share from ``successes`` of
    ``trials`` runs, such as those that transitioned: (low, high), fractions in [0, 1].
    Few seeds give wide intervals: 3 of 8 is 9 %-76 % at 95 %."""
    from scipy.stats import binomtest

    if trials < 1 or not 0 <= successes <= trials:
        raise AlifeInputError(
            f"a share needs 0 <= successes <= trials and trials >= 1, got {successes} of {trials}"
        )
    interval = binomtest(successes, trials).proportion_ci(confidence, method="exact")
    return float(interval.low), float(interval.high)


def median_interval(
    values: Sequence[float], confidence: float = 0.95
) -> tuple[float, float] | None:
    """Distribution-free interval for the median of what ``values`` were drawn from
    (independent draws of one distribution): (low, high), two of the values, which hold
    the median with probability at least ``confidence``; None for too few values (5 or
    fewer at 95 %). Its ends are the k-th smallest and the k-th largest value, k the
    largest rank with P(Binomial(n, 1/2) < k) <= (1 - confidence) / 2; 16 values give
    the 4th of each, 64 the 24th."""
    from scipy.stats import binom

    ordered = np.sort(np.asarray(values, dtype=float))
    n = len(ordered)
    below = int(binom.ppf((1 - confidence) / 2, n, 0.5))  # values left below the interval
    if binom.cdf(below, n, 0.5) > (1 - confidence) / 2:
        below -= 1
    if below < 0:
        return None
    return float(ordered[below]), float(ordered[n - 1 - below])


def exceedance_p(observed: float, replicas: Sequence[float]) -> float:
    """One-sided Monte Carlo p-value of ``observed`` (such as a run's front speed, cells
    per epoch) against ``replicas`` of a model: (replicas at least as large + 1) /
    (replicas + 1). Were ``observed`` one more replica, P(p <= a) <= a for every a, so
    p-values of independent runs (seeds) combine, e.g. with
    ``scipy.stats.combine_pvalues``; 1 of 64 replicas as fast gives 2/65 = 0.031."""
    if len(replicas) == 0:
        raise AlifeInputError("a p-value against replicas needs at least one replica")
    at_least = int(np.count_nonzero(np.asarray(replicas, dtype=float) >= observed))
    return (at_least + 1) / (len(replicas) + 1)
