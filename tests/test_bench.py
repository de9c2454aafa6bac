"""Benchmark bookkeeping: the replicator regimes really replicate; a run's soup restarts
as the reference would run it; trials pair up."""

import numpy as np
import pytest
import reference

from alife.bench import REPLICATORS, BenchRow, cubff_arguments, run_case, speedups
from alife.engine.store import open_run
from alife.errors import AlifeInputError
from alife.substrates.programs import get_language
from alife.substrates.programs.soup import Soup, SoupConfig

STEPS_OF_TWO_COPIES = {
    "bff_noheads": (1000, 8192),
    "forthtrivial": (1000, 8192),
    "rsubleq4": (325, 325),
    "subleq": (519, 519),
}
"""Per replicator, the range of a median tape's steps in the benchmark's replicator regime:
the BFF and Forth ones run thousands, the SUBLEQ ones their hand-counted steps
(test_subleq)."""


def test_known_replicators_copy_themselves_and_run_as_long_as_expected():
    """Into a blank partner each replicator writes its own non-zero bytes; in a soup of copies
    (the benchmark's replicator regime) a median tape runs the steps expected of it."""
    assert set(REPLICATORS) == set(STEPS_OF_TWO_COPIES)
    for name, text in REPLICATORS.items():
        language = get_language(name)
        program = language.parse(text)
        blank = np.zeros((1, 128), dtype=np.uint8)
        blank[0, :64] = program
        language.run(blank)
        written = program != 0  # the palindrome's zero bytes are its loop counters
        np.testing.assert_array_equal(blank[0, 64:][written], program[written], err_msg=name)
        pairs = np.tile(program, (20, 2))
        low, high = STEPS_OF_TWO_COPIES[name]
        assert low <= np.median(language.run(pairs)) <= high, name


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


def test_a_run_case_restarts_the_runs_last_soup_at_epoch_zero(tmp_path):
    path = str(tmp_path / "r.h5")
    config = SoupConfig(language="bff", programs=32, seed=7, mutation=0.01, reset_interval=5)
    sim = Soup(config)
    sim.run(epochs=3)
    sim.save(path)
    case = run_case(path)
    assert case.regime == "run at epoch 3"
    assert case.config.reset_interval is None and case.config.seed == 7
    with open_run(path) as run:
        last = run.snapshot(3)
    np.testing.assert_array_equal(case.start["soup"], last)
    # the benchmark's first epoch is the reference's epoch 0 of the run's seed and rate
    soup = last.tolist()
    reference.soup_epoch(soup, seed=7, epoch=0, mutation=0.01, language="bff")
    timed = Soup(case.config, state={key: value.copy() for key, value in case.start.items()})
    timed.step()
    np.testing.assert_array_equal(timed.soup, np.array(soup, dtype=np.uint8))
    with open_run(path) as run:
        np.testing.assert_array_equal(run.snapshot(3), last)  # the file is untouched


def test_cubff_gets_the_soups_rules_or_a_clear_refusal():
    args = cubff_arguments(SoupConfig(language="forth", programs=64, seed=3, permute=False))
    assert args[:6] == ["--lang", "forth", "--num", "64", "--seed", "3"]
    assert "--nopermute_programs" in args and "--fixed_shuffle" not in args
    with pytest.raises(AlifeInputError, match="cubff cannot be timed beside a soup with grid"):
        cubff_arguments(SoupConfig(programs=64, grid=(8, 8)))


@pytest.mark.parametrize(
    ("option", "expected"),
    [("--cubff", "give cubff's main binary"), ("--golly", "give Golly's bgolly")],
)
def test_an_anchor_that_fails_is_named_with_what_it_said(tmp_path, option, expected):
    from click.testing import CliRunner

    from alife.cli import main

    broken = tmp_path / "broken"
    broken.write_text("#!/bin/sh\necho 'no such pattern' >&2\nexit 3\n")
    broken.chmod(0o755)
    what = ["soup", "--programs", "64", "--epochs", "1", "--language", "bff_noheads"]
    what = what if option == "--cubff" else ["ca"]
    sizes = [] if option == "--cubff" else ["--size", "64", "--steps", "1"]
    result = CliRunner().invoke(main, ["bench", *what, *sizes, option, str(broken)])
    assert result.exit_code == 2, result.output
    said = f"{option} '{broken}' failed (exit status 3: no such pattern); {expected}"
    assert said in result.stderr and "Traceback" not in result.output


def test_an_anchor_named_without_a_folder_runs_the_file_of_that_name(tmp_path, monkeypatch):
    """'--golly mygolly' with ./mygolly present runs that file, not a 'mygolly' on PATH
    (which would fail with 'No such file or directory' beside the file)."""
    from click.testing import CliRunner

    from alife.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "mygolly").write_text("#!/bin/sh\necho 'ran the local file' >&2\nexit 4\n")
    (tmp_path / "mygolly").chmod(0o755)
    args = ["bench", "ca", "--size", "64", "--steps", "1", "--golly", "mygolly"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "--golly 'mygolly' failed (exit status 4: ran the local file)" in result.stderr
    (tmp_path / "mygolly").chmod(0o644)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "Permission denied" in result.stderr
