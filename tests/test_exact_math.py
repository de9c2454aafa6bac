"""The exp and log that round the same on CPU and GPU, against Python's math module."""

import math

import numba
import numpy as np
import pytest

from alife.engine.exact_math import build_exact_math

EXACT = build_exact_math("cpu")


@numba.njit
def _apply(function, values):
    out = np.empty_like(values)
    for i in range(values.size):
        out[i] = function(values[i])
    return out


def ulps(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    """|got - want| in units of the last place of ``want``."""
    return np.abs(got - want) / np.spacing(np.abs(want))


def test_exp_is_within_one_unit_in_the_last_place():
    rng = np.random.default_rng(1)
    x = np.concatenate(
        [
            rng.uniform(-708.0, 709.7, 100_000),
            rng.uniform(-1.0, 1.0, 100_000),
            rng.uniform(-1e-9, 1e-9, 1000),
            np.arange(-700, 700) * math.log(2.0) / 32,  # the reduction's seams
            [0.0, -0.0, 1.0, -708.0, 709.78],
        ]
    )
    want = np.array([math.exp(v) for v in x])
    assert ulps(_apply(EXACT.exp, x), want).max() <= 1.0


def test_log_is_within_two_units_in_the_last_place():
    rng = np.random.default_rng(2)
    x = np.concatenate(
        [
            np.exp(rng.uniform(-700.0, 700.0, 100_000)),
            rng.uniform(0.5, 2.0, 100_000),
            1.0 + rng.uniform(-1e-9, 1e-9, 1000),
            [5e-324, 1e-310, 2.2250738585072014e-308, 0.7071067811865476, 2.0, 1.0 - 2**-53],
        ]
    )
    want = np.array([math.log(v) for v in x])
    got = _apply(EXACT.log, x)
    tiny = want == 0.0  # log(1) = 0 has no ulp: compare exactly
    assert np.array_equal(got[tiny], want[tiny])
    assert ulps(got[~tiny], want[~tiny]).max() <= 2.0


@pytest.mark.parametrize(
    ("x", "want"),
    [(math.inf, math.inf), (710.0, math.inf), (-math.inf, 0.0), (-709.0, 0.0), (0.0, 1.0)],
)
def test_exp_at_its_limits(x, want):
    assert EXACT.exp(x) == want


def test_exp_and_log_of_nan_and_the_edges_of_log():
    assert math.isnan(EXACT.exp(math.nan)) and math.isnan(EXACT.log(math.nan))
    assert EXACT.log(0.0) == -math.inf
    assert math.isnan(EXACT.log(-1.0))
    assert EXACT.log(math.inf) == math.inf
    assert EXACT.log(1.0) == 0.0
