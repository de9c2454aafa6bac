"""The command line: a real run, and bad input refused with one sentence and exit code 2."""

import os
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from alife.cli import main
from alife.engine.store import open_run


def invoke(*args):
    return CliRunner().invoke(main, list(args))


def test_run_show_resume(tmp_path):
    out = str(tmp_path / "runs" / "s.h5")
    result = invoke(
        "soup",
        "run",
        "--programs",
        "256",
        "--epochs",
        "20",
        "--seed",
        "4",
        "--out",
        out,
        "--metrics-every",
        "5",
    )
    assert result.exit_code == 0, result.output
    assert "completed at epoch 20" in result.stderr
    result = invoke("soup", "show", out, "--top", "3")
    assert result.exit_code == 0, result.output
    assert "bff_noheads" in result.stdout and "most frequent programs" in result.stdout
    result = invoke("soup", "resume", out, "--epochs", "5")
    assert result.exit_code == 0, result.output
    with open_run(out) as r:
        assert r.checkpoint_epoch() == 25
        assert r.metrics["epoch"].tolist() == [1, 6, 11, 16, 20, 21, 25]


def test_resuming_a_run_a_stop_rule_ended_says_the_rule_is_not_kept(tmp_path):
    out = str(tmp_path / "rule.h5")
    run = ["soup", "run", "--programs", "128", "--epochs", "30", "--metrics-every", "4"]
    assert invoke(*run, "--stop-when", "epoch>8", "--out", out).exit_code == 0
    result = invoke("soup", "resume", out, "--stop-when", "epoch>16")  # a rule again: no word
    assert result.exit_code == 0 and "without it" not in result.stderr
    assert "stop rule epoch>16 at epoch 17" in result.stderr
    result = invoke("soup", "resume", out)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (
        f"{out}: its last session ended by stop rule epoch>16 at epoch 17; it goes on to "
        "epoch 30 without it (give --stop-when again to keep a rule)"
    )
    assert "completed at epoch 30" in result.stderr


def test_resume_keeps_the_stop_rules_that_have_not_fired(tmp_path):
    out = str(tmp_path / "kept.h5")
    run = ["soup", "run", "--programs", "128", "--epochs", "10", "--metrics-every", "1"]
    assert invoke(*run, "--stop-when", "epoch>14", "--out", out).exit_code == 0
    shown = invoke("soup", "show", out).stdout
    assert re.search(r"│ stop rules +│ epoch>14 +│", shown), shown
    before = Path(out).read_bytes()
    both = invoke("soup", "resume", out, "--stop-when", "epoch>12", "--no-stop-rules")
    assert both.exit_code == 2 and both.output == (
        "Error: give --stop-when RULE or --no-stop-rules, not both\n"
    )
    assert Path(out).read_bytes() == before
    result = invoke("soup", "resume", out, "--epochs", "10")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"{out}: keeps its stop rule epoch>14 (give --stop-when to replace, --no-stop-rules "
        "to drop)",
        f"{out}: stop rule epoch>14 at epoch 15",
    ]


def test_resume_drops_the_stop_rules_when_told(tmp_path):
    out = str(tmp_path / "dropped.h5")
    run = ["ca", "run", "--size", "32x32", "--steps", "10", "--metrics-every", "1"]
    assert invoke(*run, "--stop-when", "epoch>12", "--out", out).exit_code == 0
    result = invoke("ca", "resume", out, "--steps", "10", "--no-stop-rules")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [f"{out}: completed at generation 20"]
    with open_run(out) as r:
        assert r.schedule["stop_when"] == []  # and the next resume has none to keep


def test_languages_lists_each_with_a_description():
    result = invoke("soup", "languages")
    assert result.exit_code == 0
    lines = result.stdout.strip().splitlines()
    assert [line.split()[0] for line in lines] == [
        "bff",
        "bff8",
        "bff8_noheads",
        "bff_noheads",
        "bff_noheads_4bit",
        "bff_perm",
        "bff_selfmove",
        "forth",
        "forthcopy",
        "forthtrivial",
        "forthtrivial_reset",
        "rsubleq4",
        "subleq",
    ]
    assert all(len(line.split()) > 3 for line in lines)
    name_width = {len(line) - len(line.split(maxsplit=1)[1]) for line in lines}
    assert len(name_width) == 1  # the descriptions start in one column


BAD_RUNS = [
    (["--language", "bf"], "unknown language 'bf'; valid languages are bff, bff8,"),
    (["--programs", "0"], "programs must be a positive even number"),
    (["--programs", "1001"], "got 1001"),
    (["--epochs", "-3"], "'--epochs' / '--max-epochs': -3 is not in the range x>=0"),
    (["--mutation", "1.5"], "mutation must be a probability in [0, 1], got 1.5"),
    (["--mutation", "-0.5"], "got -0.5"),
    (["--backend", "cuda"], "backend 'cuda' was requested but no CUDA GPU is usable"),
    (["--stop-when", "entropy>3"], "unknown metric 'entropy'"),
    (["--metrics-every", "0"], "metrics-every must be > 0, got 0"),
]


@pytest.mark.parametrize("args,message", BAD_RUNS)
def test_bad_run_options(tmp_path, args, message, monkeypatch):
    monkeypatch.delenv("NUMBA_ENABLE_CUDASIM", raising=False)
    out = tmp_path / "never.h5"
    result = invoke("soup", "run", "--out", str(out), *args)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [f"Error: {lines[0][7:]}"] and message in lines[0]
    assert "Traceback" not in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_existing_output_untouched(tmp_path):
    out = tmp_path / "mine.h5"
    out.write_bytes(b"my data")
    result = invoke("soup", "run", "--out", str(out), "--programs", "2")
    assert result.exit_code == 2 and "already exists; pass --overwrite" in result.stderr
    assert out.read_bytes() == b"my data"


@pytest.mark.parametrize("command", ["show", "resume"])
def test_bad_run_files(tmp_path, command):
    missing = invoke("soup", command, str(tmp_path / "nope.h5"))
    assert missing.exit_code == 2 and "does not exist" in missing.stderr
    junk = tmp_path / "junk.h5"
    junk.write_bytes(b"this is not hdf5")
    result = invoke("soup", command, str(junk))
    assert result.exit_code == 2 and "is not a readable HDF5 file" in result.stderr
    assert junk.read_bytes() == b"this is not hdf5"
    sweep = tmp_path / "sweep.toml"
    sweep.write_text('command = "soup run"\n')
    result = invoke("soup", command, str(sweep))
    assert result.exit_code == 2 and "read by 'alife sweep status' and 'alife analyze --sweep'" in (
        result.stderr
    )


def test_resume_refuses_another_groups_run_and_names_its_own_options(tmp_path):
    soup = tmp_path / "s.h5"
    assert (
        invoke("soup", "run", "--programs", "16", "--epochs", "2", "--out", str(soup)).exit_code
        == 0
    )
    before = soup.read_bytes()
    result = invoke("ca", "resume", str(soup), "--steps", "3")
    assert result.exit_code == 2
    assert "holds a soup run; 'alife ca resume' continues life, lenia" in result.stderr
    assert "'alife soup resume' continues this one" in result.stderr
    assert "continues life, lenia, flow_lenia, loops runs" in result.stderr
    assert soup.read_bytes() == before
    life = str(tmp_path / "l.h5")
    assert invoke("ca", "run", "--size", "8", "--steps", "2", "--out", life).exit_code == 0
    result = invoke("ca", "resume", life)
    assert result.exit_code == 2 and "pass --steps N to run N more" in result.stderr
    result = invoke("ca", "resume", life, "--steps", "-1")
    assert result.exit_code == 2 and "'--steps': -1 is not in the range x>=0" in result.stderr
    result = invoke("soup", "resume", life)
    assert result.exit_code == 2
    assert "'alife soup resume' continues soup runs; 'alife ca resume' continues this one" in (
        result.stderr
    )
    result = invoke("quine", "show", life)
    assert result.exit_code == 2
    assert "'alife quine show' reads quine, quine_soup runs; 'alife ca show' reads this one" in (
        result.stderr
    )
    assert invoke("ca", "resume", life, "--steps", "1").exit_code == 0


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (["soup", "show"], "'alife soup show' reads soup runs; 'alife ca show' reads this one"),
        (["soup", "frame", "--out", "f.ppm"], "'alife soup frame' reads soup runs"),
        (["soup", "lineage"], "'alife soup lineage' reads soup runs"),
        (["soup", "export", "--out", "f.dat"], "'alife soup export' reads soup runs; 'alife ca"),
        (["gard", "show"], "'alife gard show' reads gard, gard_population runs"),
        (["quine", "classify"], "'alife quine classify' reads quine runs"),
    ],
)
def test_commands_refuse_another_substrates_run_and_name_its_command(
    tmp_path, monkeypatch, command, message
):
    monkeypatch.chdir(tmp_path)
    assert invoke("ca", "run", "--size", "8", "--steps", "2", "--out", "l.h5").exit_code == 0
    before = sorted(os.listdir(tmp_path))
    result = invoke(*command[:2], "l.h5", *command[2:])
    assert result.exit_code == 2 and message in result.stderr, result.stderr
    assert "'l.h5' holds a life run" in result.stderr and "Traceback" not in result.output
    assert sorted(os.listdir(tmp_path)) == before


def test_analyze_refuses_options_that_do_not_apply(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = ["gard", "run", "--species", "10", "--nmax", "12", "--generations", "3"]
    assert invoke(*args, "--out", "g.h5").exit_code == 0
    for extra, message in [
        (["g.h5", "--epoch", "2"], "the report of a gard run draws every record"),
        (["g.h5", "--sweep", "s.toml"], "analyze either runs or a sweep"),
        (["--compare", "g.h5", "g.h5", "--epoch", "2"], "it takes no --epoch"),
    ]:
        result = invoke("analyze", *extra)
        assert result.exit_code == 2 and message in result.stderr, result.stderr
    assert sorted(os.listdir(tmp_path)) == ["g.h5"]


def test_a_path_the_system_refuses_is_one_sentence(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert invoke("ca", "run", "--size", "8", "--steps", "2", "--out", "l.h5").exit_code == 0

    def refuse(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", path)

    with monkeypatch.context() as patch:
        patch.setattr(os, "makedirs", refuse)
        result = invoke("analyze", "l.h5", "--out", "report")
    assert result.exit_code == 2 and result.stderr == "Error: 'report': Permission denied\n"

    def fault(*args):
        raise OSError(5, "Input/output error")  # names no file: a fault, shown whole

    monkeypatch.setattr("alife.substrates.ca.report.read_records", fault)
    assert isinstance(invoke("analyze", "l.h5", "--out", "r2").exception, OSError)


def test_show_prints_what_the_runs_own_group_shows(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runs = {
        "soup": ["soup", "run", "--programs", "64", "--epochs", "2"],
        "ca": ["ca", "run", "--size", "8", "--steps", "2"],
        "gard": ["gard", "run", "--species", "10", "--nmax", "12", "--generations", "3"],
    }
    for group, command in runs.items():
        assert invoke(*command, "--out", f"{group}.h5").exit_code == 0
        shown = invoke("show", f"{group}.h5")
        assert shown.exit_code == 0 and shown.output == invoke(group, "show", f"{group}.h5").output
    result = invoke("show", "nowhere.h5")
    assert result.exit_code == 2 and "'nowhere.h5' does not exist" in result.stderr


def test_every_substrate_has_a_show_and_a_resume_command():
    from alife.engine.session import COMMAND_GROUP, SIMULATIONS

    assert set(COMMAND_GROUP) == set(SIMULATIONS)
    groups = {
        name
        for name, command in main.commands.items()
        if {"resume", "show"} <= set(getattr(command, "commands", {}))
    }
    assert set(COMMAND_GROUP.values()) <= groups


def test_unknown_option_is_a_usage_error():
    result = invoke("soup", "run", "--colour", "red")
    assert result.exit_code == 2 and "No such option" in result.stderr


def test_final_snapshot_is_the_soup_after_all_epochs(tmp_path):
    out = str(tmp_path / "e.h5")
    assert invoke("soup", "run", "--programs", "64", "--epochs", "7", "--out", out).exit_code == 0
    with open_run(out) as r:
        assert r.snapshot_epochs.tolist() == [0, 7]
        assert r.snapshot(7).shape == (64, 64)
        assert not np.array_equal(r.snapshot(0), r.snapshot(7))


def test_bench_soup_prints_a_table_of_both_regimes():
    result = invoke("bench", "soup", "--programs", "64", "--epochs", "2")
    assert result.exit_code == 0, result.output
    assert "random" in result.stdout and "replicator" in result.stdout


def test_bench_soup_times_several_languages():
    args = ("bench", "soup", "--programs", "64", "--epochs", "1")
    result = invoke(*args, "--language", "forth", "--language", "forthtrivial")
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if " alife " in line]
    assert len(rows) == 3  # forth random (no known replicator); forthtrivial both
    result = invoke(*args, "--language", "forth", "--regime", "replicator")
    assert result.exit_code == 2 and "no known replicator for 'forth'" in result.output
    result = invoke(*args, "--language", "fourth")
    assert result.exit_code == 2 and "unknown language 'fourth'" in result.output


def test_bench_soup_times_the_soup_of_a_run_file(tmp_path):
    out = str(tmp_path / "r.h5")
    args = ("soup", "run", "--programs", "64", "--epochs", "3", "--language", "forth")
    assert invoke(*args, "--out", out).exit_code == 0
    result = invoke("bench", "soup", "--from-run", out, "--epochs", "1")
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if " alife " in line]
    assert len(rows) == 1 and "forth" in rows[0] and "run at epoch 3" in rows[0]
    result = invoke("bench", "soup", "--from-run", out, "--regime", "random")
    assert result.exit_code == 2
    assert "--regime cannot be combined with --from-run" in result.stderr


def test_bench_soup_times_tracing_and_the_census():
    args = ("bench", "soup", "--programs", "64", "--epochs", "1", "--regime", "random")
    result = invoke(*args, "--trace", "--census")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any(" alife " in line for line in lines)
    traced = [line for line in lines if " alife+trace " in line]
    assert len(traced) == 1 and "n/a" not in traced[0]  # metrics and census both timed


def test_every_command_lists_a_whole_short_help_and_explains_its_options():
    """What ``alife GROUP --help`` lists per command: cut with '...' or a whole sentence,
    never cut inside parentheses (click stops at the first word ending in a full stop,
    such as 'al.'); and every option of every command has a help text."""
    import click

    def commands(group, prefix):
        for name, command in group.commands.items():
            yield f"{prefix} {name}", command
            if isinstance(command, click.Group):
                yield from commands(command, f"{prefix} {name}")

    for name, command in commands(main, "alife"):
        short = command.get_short_help_str(limit=45)
        assert short.count("(") == short.count(")") or short.endswith("..."), (name, short)
        assert short.endswith(("...", ".")), (name, short)
        for option in command.params:
            if isinstance(option, click.Option):
                assert option.help, f"{name} {option.opts[0]} has no help text"
