"""'alife analyze --compare' for runs that are not soups: the measures of each run
overlaid, and a table of what differs between them."""

import os

from click.testing import CliRunner

from alife.cli import main
from alife.engine.store import open_run


def invoke(*args):
    return CliRunner().invoke(main, list(args))


def life_run(path, *options):
    args = ["ca", "run", "--size", "32", "--steps", "12", "--no-progress", "--out", str(path)]
    assert invoke(*args, *options).exit_code == 0


def test_life_runs_of_two_rules_are_tabulated_by_what_differs(tmp_path):
    conway, highlife = tmp_path / "conway.h5", tmp_path / "highlife.h5"
    life_run(conway)
    life_run(highlife, "--rule", "B36/S23")
    out = tmp_path / "cmp"
    result = invoke("analyze", "--compare", str(conway), str(highlife), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(out)) == ["measures.png", "summary.md"]
    assert (out / "measures.png").stat().st_size > 10_000
    summary = (out / "summary.md").read_text()
    assert "| run | rule | progress | last population | last changes |" in summary
    for name, rule in (("conway", "B3/S23"), ("highlife", "B36/S23")):
        with open_run(str(tmp_path / f"{name}.h5")) as run:
            population, changes = (int(run.metrics[k][-1]) for k in ("population", "changes"))
        row = f"| {name} | {rule} | 12 of 12 generations, completed | {population} | {changes} |"
        assert row in summary


def test_same_names_are_told_apart_by_path_and_other_substrates_refused(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = tmp_path / "a" / "run.h5", tmp_path / "b" / "run.h5"
    life_run(first)
    life_run(second)
    out = tmp_path / "cmp"
    result = invoke("analyze", "--compare", str(first), str(second), "--out", str(out))
    assert result.exit_code == 0, result.output
    summary = (out / "summary.md").read_text()
    for path in (first, second):
        assert f"| {path} | 12 of 12 generations, completed |" in summary
    assert "The runs have the same settings." in summary
    lenia = tmp_path / "lenia.h5"
    args = ["ca", "lenia", "--size", "32", "--steps", "2", "--no-progress", "--out", str(lenia)]
    assert invoke(*args).exit_code == 0
    refused = invoke("analyze", "--compare", str(first), str(lenia), "--out", str(tmp_path / "x"))
    assert refused.exit_code == 2
    assert "--compare overlays runs of one substrate; got life, lenia runs" in refused.stderr
    assert not (tmp_path / "x").exists()
