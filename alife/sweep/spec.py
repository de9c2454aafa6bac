"""Sweep files: which command, which fixed options, which axes.

A sweep file is TOML::

    command = "soup run"          # any 'alife' command that starts a run (takes --out)
    out_dir = "runs/mutation"     # run files and the manifest go here
    retries = 1                   # extra attempts for a run that fails (default 1)

    [fixed]                       # options every run gets (names as on the command line)
    programs = 4096
    epochs = 2048
    stop-when = ["higher_entropy>3"]   # a list repeats the option

    [axes]                        # the runs are every combination of these
    seed = "0..7"                 # an inclusive integer range ("0..63", "0..63:2")
    mutation = [1e-4, 2.44140625e-4, 1e-3]

Option values are numbers, strings or booleans (``true`` gives a flag, ``false`` leaves
it out). Each run is the command with the fixed options, its axis values and
``--out OUT_DIR/NAME.h5``, where NAME joins the axis values (``seed=3_mutation=0.001``).
"""

from __future__ import annotations

import itertools
import math
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

import click

from alife.errors import AlifeInputError
from alife.textfiles import read_user_text

_RANGE = re.compile(r"^\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*(?::\s*(\d+))?\s*$")
_KNOWN_KEYS = {"command", "out_dir", "retries", "fixed", "axes"}
MAX_RUNS = 100_000
"""The most runs one sweep may hold: each is a run file and a line of the manifest."""


@dataclass(frozen=True)
class RunSpec:
    """One run of a sweep: its name, axis values, output path and command arguments."""

    name: str
    params: dict
    path: str
    args: list[str]


@dataclass(frozen=True)
class SweepSpec:
    """A parsed sweep file."""

    source: str
    command: tuple[str, ...]
    out_dir: str
    retries: int
    fixed: dict
    axes: dict[str, list]
    runs: list[RunSpec] = field(default_factory=list)

    @property
    def manifest_path(self) -> str:
        return os.path.join(self.out_dir, "manifest.json")


def _read_toml(path: str) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    if not os.path.isfile(path):
        raise AlifeInputError(f"sweep file {path!r} does not exist")
    text = read_user_text(path, "sweep file", "TOML naming a command, options and axes")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise AlifeInputError(f"sweep file {path!r} is not valid TOML: {error}") from None


def _axis_values(name: str, value) -> Sequence:
    if isinstance(value, str):
        match = _RANGE.match(value)
        if not match:
            raise AlifeInputError(
                f"axis {name!r}: {value!r} is neither a list nor a range 'FIRST..LAST' or "
                f"'FIRST..LAST:STEP' of integers"
            )
        first, last, step = int(match[1]), int(match[2]), int(match[3] or 1)
        if last < first or step < 1:
            raise AlifeInputError(
                f"axis {name!r}: range {value!r} is empty; it needs FIRST <= LAST and STEP >= 1"
            )
        return range(first, last + 1, step)
    if isinstance(value, list):
        if not value:
            raise AlifeInputError(f"axis {name!r} is empty; give at least one value")
        return value
    raise AlifeInputError(f"axis {name!r}: give a list of values or a range string, not {value!r}")


def _tokens(name: str, value) -> list[str]:
    option = f"--{name}"
    if value is True:
        return [option]
    if value is False:
        return []
    if isinstance(value, list):
        return [token for item in value for token in (option, str(item))]
    return [option, str(value)]


def _label(value) -> str:
    return re.sub(r"[^A-Za-z0-9.+-]", "-", str(value))


def _starts_a_run(command: click.Command) -> bool:
    """Whether ``command`` starts a run: it writes ``--out`` and takes ``--stop-when``."""
    names = {p.name for p in command.params}
    return not isinstance(command, click.Group) and {"out", "stop_when"} <= names


def run_commands() -> list[str]:
    """The alife commands that start a run ("soup run", "ca lenia", ...)."""
    from alife.cli import main

    return [
        f"{group_name} {name}"
        for group_name, group in main.commands.items()
        for name, command in getattr(group, "commands", {}).items()
        if _starts_a_run(command)
    ]


def command_for(words: tuple[str, ...]) -> click.Command:
    """The click command of ``alife WORDS...`` (e.g. ("soup", "run")), which must start
    a run."""
    from alife.cli import main

    command: click.Command | None = main
    for word in words:
        command = command.commands.get(word) if isinstance(command, click.Group) else None
    if command is None or not _starts_a_run(command):
        raise AlifeInputError(
            f"sweep command {' '.join(words)!r} does not start an alife run; the commands "
            f"that do are {', '.join(repr(c) for c in run_commands())}"
        )
    return command


def load_sweep(path: str, check_runs: bool = True) -> SweepSpec:
    """Parse and check a sweep file. With ``check_runs`` every run's arguments are parsed
    and checked by its command before anything starts, so an unknown option or a bad value
    stops the sweep here (about 0.4 ms a run); without it, as for reading the state of a
    sweep that has started, only the file's own keys, options and run names are checked."""
    data = _read_toml(path)
    unknown = set(data) - _KNOWN_KEYS
    if unknown:
        raise AlifeInputError(
            f"sweep file {path!r} has unknown key {sorted(unknown)[0]!r}; valid keys are "
            f"{', '.join(sorted(_KNOWN_KEYS))}"
        )
    for key in ("command", "out_dir"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise AlifeInputError(f'sweep file {path!r} needs {key} = "..."')
    retries = data.get("retries", 1)
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise AlifeInputError(f"retries must be an integer >= 0, got {retries!r}")
    words = tuple(data["command"].split())
    command = command_for(words)
    fixed, axes = data.get("fixed", {}), data.get("axes", {})
    for key, table in (("fixed", fixed), ("axes", axes)):
        if not isinstance(table, dict):
            raise AlifeInputError(
                f"sweep file {path!r}: {key} must be a table of options ([{key}]), not {table!r}"
            )
    valid = {opt[2:] for p in command.params for opt in p.opts if opt.startswith("--")}
    for name in [*fixed, *axes]:
        if name not in valid or name in ("out", "progress", "no-progress"):
            raise AlifeInputError(
                f"{' '.join(words)!r} has no option --{name}; valid options are "
                f"{', '.join('--' + v for v in sorted(valid - {'out'}))}"
            )
    viewing = sorted({"view", "view-every", "view-fps"} & {*fixed, *axes})
    if viewing:
        raise AlifeInputError(
            f"a sweep's runs open no window; leave out --{viewing[0]} (watch a run with "
            f"'alife view RUN.h5 --follow')"
        )
    both = set(fixed) & set(axes)
    if both:
        raise AlifeInputError(f"option {sorted(both)[0]!r} is both fixed and an axis")
    axes = {name: _axis_values(name, value) for name, value in axes.items()}
    count = math.prod(len(values) for values in axes.values())
    if count > MAX_RUNS:
        raise AlifeInputError(
            f"sweep file {path!r} asks for {count:,} runs; a sweep holds at most "
            f"{MAX_RUNS:,}: shorten its axes or split it"
        )
    axes = {name: list(values) for name, values in axes.items()}
    spec = SweepSpec(path, words, data["out_dir"], retries, fixed, axes)
    base = [token for name, value in fixed.items() for token in _tokens(name, value)]
    named: dict[str, dict] = {}
    for combination in itertools.product(*axes.values()):
        params = dict(zip(axes, combination, strict=True))
        name = "_".join(f"{k}={_label(v)}" for k, v in params.items()) or "run"
        if name in named:
            raise AlifeInputError(
                f"runs {named[name]} and {params} would both write {name}.h5; give each "
                f"axis values that differ in letters, digits, '.', '+' or '-'"
            )
        named[name] = params
        out = os.path.join(spec.out_dir, f"{name}.h5")
        args = [*base, *(t for k, v in params.items() for t in _tokens(k, v))]
        args += ["--out", out, "--no-progress"]
        if check_runs:
            _check_run(command, words, name, args)
        spec.runs.append(RunSpec(name, params, out, args))
    return spec


def _check_run(command: click.Command, words: tuple[str, ...], name: str, args: list) -> None:
    """Parse ``args`` as ``alife WORDS`` does and check the run's settings as starting it
    would (:func:`~alife.engine.session.checking_only`), without starting it; an
    AlifeInputError names the run."""
    from alife.engine.session import RunChecked, checking_only

    try:
        with checking_only():
            command.main(list(args), prog_name=" ".join(words), standalone_mode=False)
    except RunChecked:
        return
    except click.ClickException as error:
        raise AlifeInputError(f"run {name}: {error.format_message()}") from None
    except AlifeInputError as error:
        raise AlifeInputError(f"run {name}: {error}") from None
    raise AssertionError(f"'alife {' '.join(words)}' returned without starting its run")
