"""The measures table of ``show`` commands and summaries, on hand-worked records."""

from __future__ import annotations

import math

import numpy as np

from alife.analysis.measures import measure_rows, measures_markdown, number_text


def test_numbers_are_written_as_a_reader_expects():
    assert number_text(1234567.0) == "1,234,567"
    assert number_text(0.1234567891) == "0.123457"
    assert number_text(-2.5) == "-2.5"
    assert number_text(math.nan) == number_text(math.inf) == "n/a"


def test_rows_give_first_last_smallest_largest_and_skip_what_was_never_recorded():
    metrics = {
        "epoch": np.array([1, 2, 3, 4]),
        "population": np.array([5, 9, 2, 7]),
        "replicators": np.array([np.nan, 3.0, np.nan, 1.5]),  # a census every other record
        "accuracy": np.full(4, np.nan),  # never measured
    }
    rows = measure_rows(metrics, ["population", "replicators", "accuracy", "absent"])
    assert rows == [("population", "5", "7", "2", "9"), ("replicators", "n/a", "1.5", "1.5", "3")]
    lines = measures_markdown(metrics, ["population"], "generation")
    assert lines[1] == "## Records (4 records, generations 1 to 4)"
    assert lines[-1] == "| population | 5 | 7 | 2 | 9 |"
    assert measures_markdown({"epoch": np.array([], dtype=int)}, ["population"], "step") == []
