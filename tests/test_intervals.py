"""Intervals from few runs or replicas, each against sums of binomial terms."""

from math import comb

import numpy as np
import pytest

from alife.analysis.intervals import exceedance_p, median_interval, share_interval
from alife.errors import AlifeInputError


def binomial_tail(k: int, n: int, p: float, *, upper: bool) -> float:
    """P(X >= k) (upper) or P(X <= k) for X ~ Binomial(n, p), summed term by term."""
    terms = range(k, n + 1) if upper else range(0, k + 1)
    return sum(comb(n, j) * p**j * (1 - p) ** (n - j) for j in terms)


@pytest.mark.parametrize("k,n", [(1, 4), (3, 8), (26, 64), (7, 10)])
def test_share_interval_ends_are_where_each_tail_holds_two_and_a_half_percent(k, n):
    low, high = share_interval(k, n)
    assert low < k / n < high
    assert binomial_tail(k, n, low, upper=True) == pytest.approx(0.025, rel=1e-6)
    assert binomial_tail(k, n, high, upper=False) == pytest.approx(0.025, rel=1e-6)


def test_share_interval_at_none_and_all():
    assert share_interval(0, 10) == pytest.approx((0.0, 1 - 0.025**0.1))
    assert share_interval(10, 10) == pytest.approx((0.025**0.1, 1.0))


@pytest.mark.parametrize("k,n", [(5, 4), (-1, 4), (0, 0)])
def test_share_interval_refuses_impossible_counts(k, n):
    with pytest.raises(AlifeInputError, match=f"got {k} of {n}"):
        share_interval(k, n)


@pytest.mark.parametrize("n", [6, 7, 16, 17, 40, 64])
def test_median_interval_is_the_narrowest_pair_of_ranks_that_covers_95_percent(n):
    values = np.random.default_rng(n).permutation(np.arange(n) * 0.5 + 10)  # ranks known
    low, high = median_interval(list(values))
    k = round((low - 10) / 0.5)  # the values below the interval
    assert high == 10 + 0.5 * (n - 1 - k)  # as many above
    # the median is below the interval when at most k values are below it: P(B <= k)
    assert 1 - 2 * binomial_tail(k, n, 0.5, upper=False) >= 0.95
    assert 1 - 2 * binomial_tail(k + 1, n, 0.5, upper=False) < 0.95  # one rank in would not


def test_median_interval_needs_six_values_at_95_percent():
    assert median_interval([1.0, 2.0, 3.0, 4.0, 5.0]) is None
    assert median_interval([3.0, 1.0, 2.0, 6.0, 5.0, 4.0]) == (1.0, 6.0)


def test_exceedance_p_counts_the_replicas_at_least_as_large_and_the_observation():
    assert exceedance_p(0.26, [0.20, 0.25, 0.30]) == 2 / 4
    assert exceedance_p(0.25, [0.20, 0.25, 0.30]) == 3 / 4  # a tie counts against it
    assert exceedance_p(0.31, [0.20, 0.25, 0.30]) == 1 / 4
    assert exceedance_p(0.1, [0.20, 0.25, 0.30]) == 1.0
    with pytest.raises(AlifeInputError, match="at least one replica"):
        exceedance_p(0.2, [])


def test_exceedance_p_of_one_more_replica_is_uniform_on_its_grid():
    """Were the observation a replica, P(p <= j / (n + 1)) = j / (n + 1): its rank among
    the n + 1 draws is uniform."""
    rng = np.random.default_rng(5)
    draws = rng.normal(size=(20000, 10))  # column 0 observed, 9 replicas
    p = np.array([exceedance_p(row[0], row[1:]) for row in draws])
    for j in (1, 3, 5, 9):
        assert np.mean(p <= j / 10) == pytest.approx(j / 10, abs=0.012)
