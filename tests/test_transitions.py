"""Transition epochs: the first record past a threshold, and its line in 'soup show'."""

import numpy as np
import pytest
from click.testing import CliRunner

from alife.analysis.transitions import (
    entropy_transition,
    first_crossing,
    replicator_transition,
)
from alife.cli import main
from alife.errors import AlifeInputError


def test_first_crossing_is_the_first_record_strictly_past_the_threshold():
    epochs = [1, 17, 33, 49, 65]
    values = [0.0, 2.9, 3.0, 3.4, 1.0]
    assert first_crossing(epochs, values, 3.0) == 49  # 3.0 itself does not cross
    assert first_crossing(epochs, values, 0.5, above=False) == 1
    assert first_crossing(epochs, values, 5.0) is None
    assert first_crossing([1, 2], [np.nan, 4.0], 3.0) == 2


def test_entropy_transition_reads_run_metrics():
    metrics = {"epoch": np.array([1, 17, 33]), "higher_entropy": np.array([0.1, 3.5, 5.0])}
    assert entropy_transition(metrics) == 17
    assert entropy_transition(metrics, threshold=4.0) == 33


def test_mismatched_lengths_are_refused():
    with pytest.raises(AlifeInputError, match="one length"):
        first_crossing([1, 2, 3], [0.0, 1.0], 0.5)


def test_soup_show_reports_the_transition(tmp_path):
    out = str(tmp_path / "random.h5")
    args = ["soup", "run", "--programs", "64", "--epochs", "3", "--out", out]
    assert CliRunner().invoke(main, args).exit_code == 0
    shown = CliRunner().invoke(main, ["soup", "show", out]).output
    assert "first at" in shown and "not yet" in shown  # a random soup is far below 3 bits


def test_replicator_transition_reads_census_records_only():
    metrics = {
        "epoch": np.array([1, 17, 33, 49]),
        "replicator_fraction": np.array([0.0, np.nan, 0.5, 0.9]),
    }
    assert replicator_transition(metrics) == 33
    assert replicator_transition(metrics, fraction=0.6) == 49
    assert replicator_transition({"epoch": np.array([1])}) is None
