"""Hostile input found by feeding every option bad values: numbers beyond 64 bits, NaN
and infinity, sizes no memory holds, binary files where text is expected. Each gets one
sentence and exit code 2, and the user's files are left as they were."""

import math

import click
import pytest
from click.testing import CliRunner

from alife.cli import main
from alife.cli.app import Command
from alife.errors import AlifeInputError
from alife.quines.net_soup import NetSoupConfig
from alife.quines.training import QuineConfig
from alife.substrates.ca.lenia import LeniaParams
from alife.substrates.gard.model import GardConfig

HUGE = str(10**20)  # beyond int64 (about 9.2e18) and uint64 (about 1.8e19)


def invoke(*args):
    return CliRunner().invoke(main, list(args))


def one_error_line(result) -> str:
    """The single 'Error: ...' line of a refused command (exit code 2, no traceback)."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), lines
    return lines[0]


def leaf_commands(group: click.Group, path=()):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from leaf_commands(command, (*path, name))
        else:
            yield (*path, name), command


def test_every_command_checks_its_number_options():
    unchecked = [" ".join(p) for p, c in leaf_commands(main) if not isinstance(c, Command)]
    assert unchecked == []


@pytest.mark.parametrize(
    "args",
    [
        ["gard", "run", "--out", "new.h5", "--species", HUGE],
        ["gard", "population", "--out", "new.h5", "--size", HUGE],
        ["quine", "train", "--out", "new.h5", "--batch", HUGE],
        ["quine", "soup", "--out", "new.h5", "--train", HUGE],
        ["soup", "run", "--out", "new.h5", "--reset-interval", HUGE],
        ["ca", "dataset", "--out", "new.h5", "--samples", HUGE],
        ["ca", "flow-lenia", "--out", "new.h5", "--channels", HUGE],
        ["render", "nowhere.h5", "--out", "frames", "--scale", HUGE],
        ["soup", "lineage", "nowhere.h5", "--program", HUGE],
    ],
)
def test_numbers_beyond_64_bits_are_refused_by_name(tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    line = one_error_line(invoke(*args))
    option = args[-2]
    assert f"Invalid value for '{option}'" in line and "beyond what a 64-bit integer holds" in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [
        ["gard", "run", "--out", "new.h5", "--mu", "nan"],
        ["gard", "population", "--out", "new.h5", "--kf", "inf"],
        ["ca", "lenia", "--out", "new.h5", "--m", "nan"],
        ["ca", "flow-lenia", "--out", "new.h5", "--dt", "1e400"],  # overflows to inf
        ["quine", "train", "--out", "new.h5", "--lam", "inf"],
        ["gard", "show", "nowhere.h5", "--threshold", "nan"],  # nan slips through a range
        ["ca", "dataset", "--out", "new.h5", "--density-range", "0.1", "nan"],
    ],
)
def test_nan_and_infinity_are_refused_by_name(tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    line = one_error_line(invoke(*args))
    option = next(a for a in reversed(args) if a.startswith("--"))
    assert f"Invalid value for '{option}'" in line and "is not a finite number" in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "config,field,value",
    [
        (GardConfig, "mu", math.nan),
        (LeniaParams, "T", math.inf),
        (QuineConfig, "lam", math.inf),
        (NetSoupConfig, "epsilon", -math.inf),
    ],
)
def test_configs_refuse_nan_and_infinity(config, field, value):
    with pytest.raises(AlifeInputError, match=f"^{field} must be a finite number, got {value}$"):
        config(**{field: value})


def test_a_seed_may_use_all_64_bits(tmp_path):
    largest = str(2**64 - 1)
    out = str(tmp_path / "s.h5")
    result = invoke(
        "soup", "run", "--programs", "8", "--epochs", "1", "--seed", largest, "--out", out
    )
    assert result.exit_code == 0, result.output
    line = one_error_line(invoke("soup", "run", "--seed", str(2**64), "--out", out, "--overwrite"))
    assert "'--seed'" in line and "0<=x<=18446744073709551615" in line


def test_a_size_no_memory_holds_is_one_sentence(tmp_path, monkeypatch):
    """10**12 channels of 16x16 float64 cells are 2 PB, more than a 64-bit process can
    map, so numpy refuses them on any machine."""
    monkeypatch.chdir(tmp_path)
    result = invoke(
        "ca", "flow-lenia", "--channels", str(10**12), "--kernels", "1", "--size", "16",
        "--patch", "4", "--steps", "1", "--out", "f.h5",
    )  # fmt: skip
    line = one_error_line(result)
    assert "memory cannot hold what was asked (Unable to allocate" in line
    assert line.endswith("choose smaller sizes")


@pytest.mark.parametrize(
    "args",
    [
        ["run", "--replicas", str(10**12), "--distinct-betas", "--generations", "1"],
        ["population", "--populations", str(10**12), "--size", "2", "--epochs", "1"],
    ],
)
def test_a_gard_batch_no_memory_holds_is_refused_at_once(tmp_path, monkeypatch, args):
    """10**12 lineages' stream keys alone are 8 TB: the refusal comes from the first
    array over all of them (not after a Python loop over 10**12 lineages), and no run
    file is left behind."""
    monkeypatch.chdir(tmp_path)
    line = one_error_line(invoke("gard", *args, "--out", "g.h5"))
    assert "memory cannot hold what was asked (Unable to allocate" in line
    assert not (tmp_path / "g.h5").exists()


def test_torch_running_out_of_memory_is_one_sentence(tmp_path, monkeypatch):
    """An aggregating network averaging 10**6 groups holds a (weights, groups) one-hot
    table of 4 * 10**12 int64, 32 TB. Where the system does not say how much memory it
    has, nothing refuses that beforehand: torch's CPU allocator refuses it with a
    RuntimeError, which the command turns into one sentence."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("alife.errors.physical_memory", lambda: None)
    args = ("--kind", "aggregating", "--aggregates", str(10**6), "--size", "2")
    line = one_error_line(invoke("quine", "soup", *args, "--out", "n.h5"))
    assert "memory cannot hold what was asked (you tried to allocate" in line


@pytest.mark.parametrize(
    "args",
    [
        ["quine", "soup", "--size", "4", "--width", str(10**6)],
        ["quine", "soup", "--size", "64", "--width", "2000"],
        ["quine", "soup", "--kind", "aggregating", "--aggregates", str(10**6), "--size", "2"],
        ["quine", "soup", "--size", "4", "--kind", "recurrent", "--depth", str(10**12)],
        ["quine", "soup", "--size", str(10**17)],
        ["quine", "train", "--hidden", f"{10**6},{10**6}"],
        ["quine", "train", "--hidden", str(10**12)],
    ],
)
def test_networks_beyond_this_machines_memory_are_refused_before_any_allocation(
    tmp_path, monkeypatch, args
):
    """Weights a machine cannot hold (here 16 TB and more) are counted from the layer
    sizes and refused at once, where building them would swap for minutes, be killed by
    the kernel, or (10**24 weights) overflow torch's size arithmetic. So are weights that
    fit when what a generation computes from them does not (width 2000: 1 GB of weights,
    4 TB of hidden values), which used to fail only after writing a 2 GB run file."""
    monkeypatch.chdir(tmp_path)
    line = one_error_line(invoke(*args, "--out", "n.h5"))
    assert "float32 weights" in line and "more than this machine's" in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("error", [RuntimeError, ValueError])
def test_other_errors_are_not_hidden(tmp_path, monkeypatch, error):
    """Only the allocation failures become a sentence; any other error is a bug to see."""
    monkeypatch.chdir(tmp_path)

    def fault(*args, **kwargs):
        raise error("a bug")

    monkeypatch.setattr("alife.viz.render.render_run", fault)
    assert invoke("ca", "run", "--size", "8", "--steps", "1", "--out", "c.h5").exit_code == 0
    result = invoke("render", "c.h5", "--out", "frames")
    assert isinstance(result.exception, error) and str(result.exception) == "a bug"


@pytest.mark.parametrize(
    "args,what",
    [
        (["ca", "run", "--pattern", "{file}", "--out", "o.h5"], "pattern file"),
        (["ca", "lenia", "--pattern", "{file}", "--out", "o.h5"], "Lenia pattern file"),
        (["ca", "loops", "--rule", "{file}", "--out", "o.h5"], "rule file"),
        (["ca", "loops", "--pattern", "{file}", "--out", "o.h5"], "pattern file"),
        (["sweep", "{file}", "--dry-run"], "sweep file"),
        (
            ["soup", "run", "--programs", "8", "--interactions", "{file}", "--out", "o.h5"],
            "interactions file",
        ),
    ],
)
def test_a_binary_file_where_text_belongs_is_one_sentence(tmp_path, monkeypatch, args, what):
    monkeypatch.chdir(tmp_path)
    binary = tmp_path / "data.json"  # a name that passes for each kind; bytes that are not UTF-8
    content = bytes(range(128, 256)) * 4
    binary.write_bytes(content)
    line = one_error_line(invoke(*[a.replace("{file}", str(binary)) for a in args]))
    assert f"{what} {str(binary)!r} is not text; it needs" in line
    assert binary.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.json"]


@pytest.mark.parametrize(
    "command,what", [("run", "pattern ''"), ("lenia", "Lenia pattern ''"), ("loops", "pattern ''")]
)
def test_an_empty_pattern_is_refused_not_read_as_none(tmp_path, monkeypatch, command, what):
    # Lenia once took '' for 'none' and ran an empty world without a word
    monkeypatch.chdir(tmp_path)
    line = one_error_line(invoke("ca", command, "--pattern", "", "--steps", "1", "--out", "o.h5"))
    assert line.startswith(f"Error: {what} is neither a shipped")
    assert list(tmp_path.iterdir()) == []


def test_lineage_of_a_program_outside_the_soup(tmp_path):
    traced = str(tmp_path / "t.h5")
    run = ["soup", "run", "--programs", "8", "--epochs", "1", "--trace", "--out", traced]
    assert invoke(*run).exit_code == 0
    line = one_error_line(invoke("soup", "lineage", traced, "--program", "8"))
    assert line == "Error: program 8 is not in the soup; valid programs are 0 to 7"


@pytest.mark.parametrize(
    "args,message",
    [
        (["ca", "run", "--size", "8", "--out", ""], "give a file name such as 'run.h5'"),
        (["ca", "dataset", "--samples", "2", "--out", ""], "give a file name"),
        (["render", "r.h5", "--out", ""], "the output folder is empty"),
        (["analyze", "r.h5", "--out", ""], "the report folder is empty"),
    ],
)
def test_an_empty_output_path_is_named_as_empty(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    assert invoke("ca", "run", "--size", "8", "--steps", "1", "--out", "r.h5").exit_code == 0
    line = one_error_line(invoke(*args))
    assert "empty" in line and message in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.h5"]


def test_a_frame_no_memory_holds_leaves_no_folder(tmp_path, monkeypatch):
    """An 8x8 picture scaled 10**12 times is 175 TiB after its first repeat, more than a
    64-bit process can map."""
    monkeypatch.chdir(tmp_path)
    assert invoke("ca", "run", "--size", "8", "--steps", "1", "--out", "r.h5").exit_code == 0
    line = one_error_line(invoke("render", "r.h5", "--out", "frames", "--scale", str(10**12)))
    assert "memory cannot hold what was asked" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.h5"]


@pytest.mark.parametrize(
    "args",
    [
        ["bench", "ca", "--size", str(10**12), "--steps", "1", "--repeats", "1"],
        ["ca", "run", "--size", f"{10**12}x{10**12}", "--steps", "1", "--out", "c.h5"],
        ["ca", "dataset", "--size", f"{10**12}x{10**12}", "--samples", "2", "--out", "d.h5"],
    ],
)
def test_an_array_beyond_any_address_is_one_sentence_and_leaves_no_file(
    tmp_path, monkeypatch, args
):
    """A 10**12 x 10**12 grid is 10**24 cells, more bytes than a 64-bit size counts:
    numpy refuses it with a ValueError before allocating, which the command turns into
    one sentence. The data set's half-made file is removed."""
    monkeypatch.chdir(tmp_path)
    line = one_error_line(invoke(*args))
    assert "memory cannot hold what was asked (numpy: more bytes than a 64-bit" in line
    assert list(tmp_path.iterdir()) == []


SUBSTRATE_RUNS = {
    "soup.h5": ["soup", "run", "--programs", "8", "--epochs", "2", "--trace"],
    "life.h5": ["ca", "run", "--size", "8", "--steps", "2"],
    "lenia.h5": ["ca", "lenia", "--pattern", "none", "--size", "32", "--steps", "1"],
    "flow.h5": ["ca", "flow-lenia", "--size", "16", "--patch", "8", "--steps", "1"],
    "loops.h5": ["ca", "loops", "--steps", "1"],
    "gard.h5": ["gard", "run", "--generations", "1"],
    "population.h5": ["gard", "population", "--size", "4", "--epochs", "1"],
    "quine.h5": ["quine", "train", "--hidden", "4", "--epochs", "1"],
    "nets.h5": ["quine", "soup", "--size", "4", "--generations", "1"],
    "dataset.h5": ["ca", "dataset", "--samples", "2"],
}
"""One small file of each kind alife writes, and the command that writes it."""


@pytest.fixture(scope="module")
def every_kind_of_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("every_kind")
    for name, args in SUBSTRATE_RUNS.items():
        result = invoke(*args, "--out", str(folder / name))
        assert result.exit_code == 0, (name, result.output)
    return folder


def file_readers():
    """Every command that reads one run file and writes no new one, but for the viewer
    (it opens a window): each takes every kind of file."""
    for path, command in leaf_commands(main):
        arguments = [p for p in command.params if isinstance(p, click.Argument)]
        writes = any(p.name == "out" and p.required for p in command.params)
        if arguments and path not in (("view",), ("soup", "import")) and not writes:
            yield path


@pytest.mark.parametrize("command", list(file_readers()), ids=" ".join)
def test_every_file_reader_takes_every_kind_of_file(every_kind_of_file, command):
    """The right kind is read; any other is refused in one sentence; none is changed."""
    files = sorted(every_kind_of_file.glob("*.h5"))
    for path in files:
        content = path.read_bytes()
        result = invoke(*command, str(path))
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            path.name,
            result.output,
        )
        if result.exit_code:
            one_error_line(result)
        assert path.read_bytes() == content, path.name
