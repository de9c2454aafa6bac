"""Replicator censuses: the tally itself, censuses taken during runs, stop rules on them,
and the 'soup census' command."""

import math
import re

import numpy as np
import pytest
from click.testing import CliRunner
from reference import cubff_seed, selfrep_score

from alife.bench import PALINDROME
from alife.cli import main
from alife.engine.run import Schedule
from alife.engine.session import resume_run, start_run
from alife.engine.store import open_run
from alife.errors import AlifeInputError
from alife.substrates.programs.census import replicator_census, skeleton
from alife.substrates.programs.soup import Soup, SoupConfig

CONFIG = SoupConfig(programs=16, seed=5, max_steps=1024, initial_program=PALINDROME * 4)


def test_census_tallies_replicators_kinds_and_abundance():
    a, b, c, d = (np.full(64, v, dtype=np.uint8) for v in (1, 2, 3, 4))
    soup = np.stack([a, b, a, c, a, b, d, a, d, d])
    scores = np.array([5, 6, 7, 10, 9, 6, 0, 3, 4, 0])
    census = replicator_census(soup, scores, top=2)
    # replicating (score >= 5): a at 0, 2, 4 (scores 5, 7, 9); b at 1, 5 (6, 6); c at 3
    assert (census.programs, census.replicators, census.kinds) == (10, 6, 3)
    assert census.fraction == 0.6
    assert [k.program[0] for k in census.top] == [1, 2]
    assert [(k.copies, k.mean_score, k.max_score) for k in census.top] == [(3, 7.0, 9), (2, 6.0, 6)]
    assert census.metrics() == {
        "replicators": 6.0,
        "replicator_fraction": 0.6,
        "replicator_kinds": 3.0,
        "replicator_families": 3.0,
    }
    empty = replicator_census(soup, np.zeros(10, dtype=np.int64))
    assert (empty.replicators, empty.kinds, empty.top) == (0, 0, [])


def test_families_join_mirror_images_and_ignore_noop_bytes():
    noop = np.zeros(256, dtype=bool)
    noop[100:] = True  # bytes 100-255 do nothing
    code = np.array([1, 2, 3] + [200] * 61, dtype=np.uint8)
    mirror = code[::-1].copy()
    mutant = code.copy()
    mutant[10] = 150  # a different no-op byte: same code
    other = np.array([3, 3, 1] + [200] * 61, dtype=np.uint8)
    assert (
        skeleton(code, noop) == skeleton(mirror, noop) == skeleton(mutant, noop) == b"\x01\x02\x03"
    )
    soup = np.stack([code, mirror, mutant, mutant, other])
    census = replicator_census(soup, np.full(5, 9), noop_bytes=noop)
    assert (census.kinds, census.families) == (4, 2)
    first = census.top_families[0]
    assert (first.copies, first.kinds, first.skeleton.tolist()) == (4, 3, [1, 2, 3])


def reference_count(soup: np.ndarray, seed: int, epoch: int) -> int:
    census_seed = cubff_seed(seed, epoch - 1)
    return sum(selfrep_score(soup, i, census_seed, "bff_noheads", 1024) >= 5 for i in range(16))


def test_census_during_a_run_equals_the_reference(tmp_path):
    path = str(tmp_path / "run.h5")
    schedule = Schedule(metrics_every=5, census_every=3)
    start_run(Soup, CONFIG, path, epochs=7, schedule=schedule, progress=False)
    with open_run(path) as run:
        metrics = run.metrics
    assert metrics["epoch"].tolist() == [1, 4, 6, 7]  # records at 1, 6; censuses at 1, 4, 7
    assert math.isnan(metrics["replicators"][2])
    soup = Soup(CONFIG)
    counts = []
    for epoch in (1, 4, 7):
        soup.run(epoch - soup.epoch)
        counts.append(reference_count(soup.soup, CONFIG.seed, epoch))
    assert metrics["replicators"][[0, 1, 3]].tolist() == counts
    assert metrics["replicator_fraction"][[0, 1, 3]].tolist() == [n / 16 for n in counts]
    assert max(counts) > 0


def test_stop_rule_on_replicators_needs_and_uses_the_census(tmp_path):
    path = str(tmp_path / "run.h5")
    with pytest.raises(AlifeInputError, match="--eval-replicators-every N"):
        start_run(Soup, CONFIG, path, epochs=9, stop_when=["replicators>0"], progress=False)
    schedule = Schedule(census_every=2)
    outcome = start_run(
        Soup, CONFIG, path, epochs=9, schedule=schedule, stop_when=["replicators>0"]
    )
    assert outcome.reason == "stop rule replicators>0" and outcome.epoch == 1


def test_resume_can_switch_the_census_on(tmp_path):
    path = str(tmp_path / "run.h5")
    start_run(Soup, CONFIG, path, epochs=4, schedule=Schedule(metrics_every=2), progress=False)
    resume_run(path, epochs=4, census_every=3, progress=False)
    with open_run(path) as run:
        epochs, counts = run.metrics["epoch"], run.metrics["replicators"]
        assert run.schedule["census_every"] == 3
    assert epochs.tolist() == [1, 3, 4, 5, 7, 8]
    assert np.isfinite(counts).tolist() == [False, False, False, False, True, False]


def test_census_command_and_show(tmp_path):
    path = str(tmp_path / "run.h5")
    runner = CliRunner()
    run = ["soup", "run", "--programs", "16", "--seed", "5", "--max-steps", "1024"]
    run += ["--initial-program", PALINDROME * 4, "--epochs", "3", "--out", path]
    bad = runner.invoke(main, [*run, "--stop-when", "replicators>3"])
    assert bad.exit_code == 2 and "needs a census of replicators" in bad.stderr
    result = runner.invoke(main, [*run, "--eval-replicators-every", "2"])
    assert result.exit_code == 0, result.output
    shown = runner.invoke(main, ["soup", "show", path]).output
    assert "replicators at epoch 3" in shown and "of the soup first at" in shown
    census = runner.invoke(main, ["soup", "census", path, "--epoch", "0"], env={"COLUMNS": "200"})
    # at epoch 0 the soup holds 4 palindromes and 12 random programs
    expected = reference_count(Soup(CONFIG).soup, CONFIG.seed, 0)
    assert f"epoch 0: {expected} of 16 programs replicate" in census.output
    assert PALINDROME in census.output


def test_census_splits_programs_by_how_many_motifs_they_hold(tmp_path):
    """--motif: per number of the loop's halves a program holds, the programs and their
    replicators, counted byte by byte and scored by the reference CheckSelfRep."""
    forward, backward = "[[{.>]-]" + "0" * 56, "0" * 56 + "]-]>.{[["
    path = str(tmp_path / "halves.h5")
    run = ["soup", "run", "--programs", "16", "--seed", "5", "--max-steps", "1024"]
    run += ["--initial-program", PALINDROME * 3 + forward * 2 + backward, "--epochs", "1"]
    assert CliRunner().invoke(main, [*run, "--no-progress", "--out", path]).exit_code == 0
    with open_run(path) as run_file:
        soup = run_file.snapshot(1)
    halves = [b"{.>]", b"]>.{"]  # '0' is the zero byte: these halves are plain ASCII
    held = [sum(h in bytes(program) for h in halves) for program in soup]
    census_seed = cubff_seed(5, 0)
    replicates = [selfrep_score(soup, i, census_seed, "bff_noheads", 1024) >= 5 for i in range(16)]
    expected = []
    for k in range(3):
        rows = [i for i in range(16) if held[i] == k]
        expected.append((k, len(rows), sum(replicates[i] for i in rows)))
    assert [n for _, n, _ in expected[1:]] != [0, 0]  # some programs hold one half, some both
    args = ["soup", "census", path, "--motif", "{.>]", "--motif", "]>.{"]
    result = CliRunner().invoke(main, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    found = re.findall(r"│ +(\d) of 2 │ +(\d+) │ +(\d+) │", result.output)
    assert [tuple(int(x) for x in row) for row in found] == expected
    assert "programs by how many of {.>], ]>.{ they hold, epoch 1" in result.output
    result = CliRunner().invoke(main, ["soup", "census", path, "--motif", "{.>]x"])
    assert result.exit_code == 2 and "'x' at position 4 of '{.>]x'" in result.stderr
