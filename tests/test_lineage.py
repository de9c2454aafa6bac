"""Lineage from tracer tokens: by hand, and against brute force on a traced run."""

import itertools

import numpy as np
import pytest
from click.testing import CliRunner
from reference import token

from alife.analysis.lineage import ancestors, family_tree, original_survivors, program_origins
from alife.bench import PALINDROME
from alife.cli import main
from alife.engine.run import Schedule
from alife.engine.session import start_run
from alife.engine.store import open_run
from alife.errors import AlifeInputError
from alife.substrates.programs.census import most_frequent_programs
from alife.substrates.programs.soup import Soup, SoupConfig


def test_program_origins_by_hand():
    tokens = np.array(
        [token(0, 7, i) for i in range(60)] + [token(5, 2, 0)] * 3 + [token(9, 1, 3)],
        dtype=np.uint64,
    )
    origins = program_origins(tokens)
    assert [(o.epoch, o.program, o.bytes) for o in origins] == [(0, 7, 60), (5, 2, 3), (9, 1, 1)]
    assert origins[1].positions == [60, 61, 62]


def test_original_survivors_by_hand():
    tokens = np.array(
        [
            [token(0, 4, 1)] * 40 + [token(3, 4, 1)] * 24,
            [token(0, 9, 2)] * 50 + [token(0, 4, 0)] * 14,
        ],
        dtype=np.uint64,
    )
    programs, copies = original_survivors(tokens)
    assert programs.tolist() == [4, 9] and copies.tolist() == [54, 50]


def test_ancestors_cover_the_tokens_largest_giver_first():
    target = np.array([token(0, 0, i) for i in range(64)], dtype=np.uint64)
    earlier = np.stack([target.copy(), target.copy(), target.copy(), target.copy()])
    earlier[0, :10] = earlier[0, 61:] = token(1, 5, 0)  # holds tokens 10-60: 51
    earlier[1, 61:] = token(1, 5, 1)  # holds 0-60: 61, the largest giver
    earlier[2, 3:] = token(2, 2, 2)  # holds 0-2 only: nothing new after program 1
    earlier[3, :61] = token(2, 2, 3)  # holds 61-63: the 3 tokens program 1 lacks
    assert ancestors(earlier, target) == [(1, 61), (3, 3)]
    assert ancestors(earlier, target, min_shared=4) == [(1, 61)]
    assert ancestors(np.full((1, 64), token(9, 9, 9), dtype=np.uint64), target) == []


@pytest.fixture(scope="module")
def traced_run(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("lineage") / "traced.h5")
    config = SoupConfig(
        programs=256, seed=8, mutation=1 / 512, initial_program=PALINDROME * 4, trace=True
    )
    schedule = Schedule(metrics_every=20, snapshot_every=20, census_every=20)
    start_run(Soup, config, path, epochs=60, schedule=schedule, progress=False)
    return path


def test_family_tree_follows_the_largest_givers(traced_run):
    with open_run(traced_run) as run:
        soup = run.snapshot(60)
        tokens = {int(e): run.snapshot(int(e), "tokens") for e in run.snapshot_epochs}
    common = most_frequent_programs(soup, 1)[0][0]  # a descendant of the palindromes
    program = int(np.flatnonzero((soup == common).all(axis=1))[0])
    root = family_tree(traced_run, 60, program)
    np.testing.assert_array_equal(root.soup_bytes, soup[program])
    chain = [root]
    while chain[-1].parents:
        chain.append(chain[-1].parents[0])
    assert [node.epoch for node in chain] == [60, 40, 20, 0]
    for later, earlier in itertools.pairwise(chain):
        wanted = set(later.tokens.tolist())
        shared = [len(wanted & set(row.tolist())) for row in tokens[earlier.epoch]]
        assert earlier.gives == max(shared) > 0  # the first parent is the largest giver
        assert earlier.program == shared.index(max(shared))
        assert sum(p.gives for p in later.parents) <= len(wanted)


def test_lineage_command(traced_run, tmp_path):
    runner = CliRunner()
    result = runner.invoke(
        main, ["soup", "lineage", traced_run, "--first-replicator"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "descend unmutated from the initial soup" in result.output
    assert "family tree" in result.output
    untraced = str(tmp_path / "plain.h5")
    assert (
        runner.invoke(
            main, ["soup", "run", "--programs", "8", "--epochs", "1", "--out", untraced]
        ).exit_code
        == 0
    )
    result = runner.invoke(main, ["soup", "lineage", untraced])
    assert result.exit_code == 2 and "is not a traced run" in result.stderr
    with pytest.raises(AlifeInputError, match="valid programs are 0 to 255"):
        family_tree(traced_run, 60, 999)
