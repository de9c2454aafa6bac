"""Repeated byte strings of a soup, against a plain count of every string's occurrences."""

from collections import Counter

import numpy as np
from click.testing import CliRunner

from alife.cli import main
from alife.engine.store import open_run
from alife.substrates.programs.repeats import repeated_strings


def plain_count(soup: np.ndarray) -> tuple[int, int, int]:
    strings = [bytes(row[i : i + 8]) for row in soup for i in range(len(row) - 7)]
    seen = Counter(strings)
    repeated = [s for s in strings if seen[s] > 1]
    return len(strings), len(repeated), sum(len(set(s)) > 1 for s in repeated)


def test_a_random_soup_repeats_nothing():
    soup = np.random.default_rng(0).integers(0, 256, (300, 64), dtype=np.uint8)
    repeats = repeated_strings(soup)
    assert (repeats.strings, repeats.repeated, repeats.repeated_not_runs) == (300 * 57, 0, 0)


def test_copies_and_runs_are_counted_as_a_plain_count_does():
    rng = np.random.default_rng(1)
    soup = rng.integers(0, 256, (200, 64), dtype=np.uint8)
    soup[10, 5:25] = soup[3, 30:50]  # a 20-byte copy: 13 strings, each now twice
    soup[40, 0:12] = soup[40, 50:62]  # a copy within one program
    soup[7, 20:40] = 91  # a run of one byte: 13 equal strings
    soup[99, 0:9] = 91  # the same run, twice more
    soup[150:153] = soup[60]  # three more copies of a whole program
    soup[180, 30:42] = rng.integers(0, 2, 12)  # two values: equal strings, not a run
    soup[181, 30:42] = soup[180, 30:42]
    repeats = repeated_strings(soup)
    assert (repeats.strings, repeats.repeated, repeats.repeated_not_runs) == plain_count(soup)
    assert repeats.repeated > repeats.repeated_not_runs > 0
    assert repeats.share == repeats.repeated / (200 * 57)


def test_soup_show_reports_the_shown_snapshots_repeats(tmp_path):
    out = str(tmp_path / "s.h5")
    run = ["soup", "run", "--programs", "256", "--epochs", "8", "--snapshot-every", "4"]
    assert CliRunner().invoke(main, [*run, "--out", out]).exit_code == 0
    with open_run(out) as r:
        expected = repeated_strings(np.asarray(r.snapshot(4)))
    result = CliRunner().invoke(main, ["soup", "show", out, "--epoch", "4"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert (
        f"Copied material at epoch 4: {expected.share:.2%} of the soup's 14,592 8-byte "
        f"strings occur more than once ({expected.share_not_runs:.2%} not runs" in text
    )
