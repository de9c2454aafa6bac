"""Benchmark bookkeeping: the replicator regimes really replicate; trials pair up."""

import numpy as np

from alife.bench import REPLICATORS, BenchRow, speedups
from alife.substrates.programs import get_language


def test_known_replicators_copy_themselves_and_run_long():
    """Into a blank partner each replicator writes its own non-zero bytes; in a soup of copies
    (the benchmark's replicator regime) nearly every tape runs thousands of steps."""
    for name, text in REPLICATORS.items():
        language = get_language(name)
        program = language.parse(text)
        blank = np.zeros((1, 128), dtype=np.uint8)
        blank[0, :64] = program
        language.run(blank)
        written = program != 0  # the palindrome's zero bytes are its loop counters
        np.testing.assert_array_equal(blank[0, 64:][written], program[written], err_msg=name)
        pairs = np.tile(program, (20, 2))
        assert np.median(language.run(pairs)) > 1000, name


def test_speedups_pair_trials():
    rows = [
        BenchRow("alife", "cpu", "bff", "random", 64, 10, 1.0, 5, trial=0),
        BenchRow("cubff", "cpu", "bff", "random", 64, 10, 2.0, -1, trial=0),
        BenchRow("alife", "cpu", "bff", "random", 64, 10, 1.0, 5, trial=1),
        BenchRow("cubff", "cpu", "bff", "random", 64, 10, 4.0, -1, trial=1),
        BenchRow("alife", "cpu", "subleq", "random", 64, 10, 1.0, 5, trial=0),
        BenchRow("cubff", "cpu", "subleq", "random", 64, 10, 3.0, -1, trial=0),
    ]
    assert speedups(rows) == {"bff random": [2.0, 4.0], "subleq random": [3.0]}
