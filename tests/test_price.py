"""The Price equation against hand-worked cases and a plain-loop reference."""

import numpy as np
import pytest

from alife.analysis.price import multilevel_price, price_equation
from alife.errors import AlifeInputError


def loop_price(z, w, zo):
    """Selection and transmission by explicit sums over individuals (population moments)."""
    n = len(z)
    mean_w = sum(w) / n
    mean_z = sum(z) / n
    cov = sum((w[i] - mean_w) * (z[i] - mean_z) for i in range(n)) / n
    trans = sum(w[i] * (zo[i] - z[i]) for i in range(n) if w[i] > 0) / n
    offspring_mean = sum(w[i] * zo[i] for i in range(n) if w[i] > 0) / sum(w)
    return cov / mean_w, trans / mean_w, offspring_mean - mean_z


def test_issue_example_selection_is_0_625():
    # w̄ = 2, z̄ = 2.5, Cov(w, z) = (1 + 2 + 6 + 16) / 4 - 2 * 2.5 = 1.25, / w̄ = 0.625
    terms = price_equation([1, 2, 3, 4], [1, 1, 2, 4], [1, 2, 3, 4])
    assert terms.selection == pytest.approx(0.625)
    assert terms.transmission == pytest.approx(0.0)
    assert terms.total == pytest.approx((1 + 2 + 6 + 16) / 8 - 2.5)


def test_transmission_counts_only_individuals_with_offspring():
    # individual 0 has no offspring, so its (missing) offspring trait does not count
    terms = price_equation([0.0, 1.0], [0, 2], [np.nan, 0.5])
    assert terms.selection == pytest.approx(0.5)  # Cov = (0 + 2) / 2 - 1 * 0.5, w̄ = 1
    assert terms.transmission == pytest.approx(-0.5)
    assert terms.total == pytest.approx(0.0)


def test_two_group_altruism_has_opposite_between_and_within_terms():
    # group 0: three altruists (z = 1, w = 2) and one selfish (z = 0, w = 4);
    # group 1: one altruist (w = 0) and three selfish (w = 2). Altruists lose within each
    # group, yet the group with more of them has more offspring.
    z = [1, 1, 1, 0, 1, 0, 0, 0]
    w = [2, 2, 2, 4, 0, 2, 2, 2]
    groups = [0, 0, 0, 0, 1, 1, 1, 1]
    terms = multilevel_price(z, w, z, groups)
    # by hand: W = (2.5, 1.5), Z = (0.75, 0.25), w̄ = 2, z̄ = 0.5
    # between = ((2.5 * 0.75 + 1.5 * 0.25) / 2 - 2 * 0.5) / 2 = 0.0625
    # within  = ((1.5 - 2.5 * 0.75) + (0 - 1.5 * 0.25)) / 2 / 2 = -0.1875
    assert terms.between == pytest.approx(0.0625)
    assert terms.within == pytest.approx(-0.1875)
    assert terms.transmission == pytest.approx(0.0)
    assert terms.total == pytest.approx(6 / 16 - 0.5)


@pytest.mark.parametrize("seed", range(5))
def test_terms_equal_plain_loops_and_sum_to_the_change(seed):
    rng = np.random.default_rng(seed)
    n = 50
    z = rng.normal(size=n)
    w = rng.integers(0, 5, n).astype(float)
    zo = z + rng.normal(scale=0.3, size=n)
    groups = rng.integers(0, 6, n)
    single = price_equation(z, w, zo)
    selection, transmission, total = loop_price(z.tolist(), w.tolist(), zo.tolist())
    assert single.selection == pytest.approx(selection)
    assert single.transmission == pytest.approx(transmission)
    assert single.total == pytest.approx(total)
    multi = multilevel_price(z, w, zo, groups)
    assert multi.between + multi.within == pytest.approx(single.selection)
    assert multi.transmission == pytest.approx(single.transmission)
    # the within term is the size-weighted mean of each group's own selection term
    within = 0.0
    for k in np.unique(groups):
        member = groups == k
        group_selection = loop_price(z[member].tolist(), w[member].tolist(), zo[member].tolist())
        within += member.mean() * group_selection[0] * w[member].mean()
    assert multi.within == pytest.approx(within / w.mean())


def test_one_group_has_no_between_term_and_singletons_no_within_term():
    rng = np.random.default_rng(9)
    z, w = rng.normal(size=20), rng.integers(1, 4, 20)
    assert multilevel_price(z, w, z, np.zeros(20, int)).between == pytest.approx(0.0)
    assert multilevel_price(z, w, z, np.arange(20)).within == pytest.approx(0.0)


@pytest.mark.parametrize(
    "args,message",
    [
        (([1, 2], [1], [1, 2]), "1-D arrays of one non-zero length"),
        (([1, 2], [1, -1], [1, 2]), "fitness w must be >= 0, got -1.0 at index 1"),
        (([1, 2], [0, 0], [1, 2]), "no next generation"),
        (([1, 2], [1, 1], [1, np.nan]), "finite where w > 0; it is nan at index 1"),
    ],
)
def test_bad_input_is_refused(args, message):
    with pytest.raises(AlifeInputError, match=message):
        price_equation(*args)


def test_groups_must_be_integer_labels():
    with pytest.raises(AlifeInputError, match="integer label per individual"):
        multilevel_price([1, 2], [1, 1], [1, 2], [0.5, 1.5])
