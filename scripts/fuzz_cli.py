"""Give every option of every ``alife`` command a handful of bad values and report any
answer that is not the house rule: a refused value ends with exit code 2 and one
``Error:`` line, never a traceback, and leaves the user's files as they were.

    python scripts/fuzz_cli.py [COMMAND ...]     # e.g. 'soup run' 'gard show'; default: all

Each command starts from a cheap valid invocation (``BASES``) over small run files made
once in a scratch folder; one option at a time is replaced by a bad value: integers -1,
0, 10**12 (a size no memory holds), 10**20 (beyond 64 bits), 1.5, text; floats -1, 0,
nan, inf, 1e400, text; text and path options an empty string, a missing folder, a binary
file. A case still running after a minute counts as broken. Each case runs in a fresh
copy of the folder, and the files there are hashed before and after. A value accepted
(exit code 0) is fine: many options take 0 or -1. Prints a line per case, ``!!`` before
a case that broke the rule, and exits 1 if any did. The whole run took 57 s on 2 cores
when no case hung; ``view`` is left out (it opens a window). The benchmarks run on tiny
sizes, and ``sweep`` on a sweep of two 64-program soups.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sys
import tempfile
import traceback

import click
from click.testing import CliRunner

from alife.bench import SUBLEQ_REPLICATOR
from alife.cli import main

BASES = {
    "soup run": "--programs 64 --epochs 2 --no-progress --out new.h5",
    "soup resume": "soup.h5 --epochs 2 --no-progress",
    "soup show": "soup.h5",
    "soup census": "soup.h5",
    "soup mutants": f"{SUBLEQ_REPLICATOR} --language subleq",
    "soup export": "soup.h5 --out x.dat",
    "soup frame": "soup.h5 --out x.ppm",
    "soup import": "soup.dat --out new.h5",
    "soup lineage": "traced.h5",
    "soup spread": "grid.h5 --motif [ --no-progress",
    "soup languages": "",
    "ca run": "--size 32 --steps 2 --out new.h5",
    "ca lenia": "--size 64 --steps 2 --out new.h5",
    "ca flow-lenia": "--size 48 --steps 2 --out new.h5",
    "ca loops": "--steps 2 --out new.h5",
    "ca dataset": "--samples 4 --steps 2 --out new.h5",
    "ca resume": "ca.h5 --steps 2",
    "ca show": "ca.h5",
    "ca patterns": "",
    "gard run": "--species 10 --nmax 10 --generations 2 --out new.h5",
    "gard population": "--species 10 --nmax 10 --size 4 --epochs 2 --out new.h5",
    "gard resume": "gard.h5 --generations 2",
    "gard show": "gard.h5",
    "quine train": "--hidden 8,8 --epochs 1 --out new.h5",
    "quine soup": "--size 4 --generations 2 --out new.h5",
    "quine resume": "quine.h5 --epochs 1",
    "quine show": "quine.h5",
    "quine classify": "quine.h5",
    "analyze": "soup.h5 --out report",
    "show": "soup.h5",
    "list": ".",
    "render": "ca.h5 --out frames",
    "sweep": "sweep.toml --workers 1 --no-progress",
    "bench ca": "--size 32 --steps 1",
    "bench soup": "--epochs 1 --regime random",
    "bench lenia": "--size 32 --steps 1 --no-baseline",
    "bench flowlenia": "--size 32 --steps 1 --no-baseline",
    "bench gard": "--generations 1 --batch 2 --no-baseline",
    "bench netsoup": "--size 4 --generations 1",
    "bench quine": "--epochs 1 --batch 4096",
    "bench view": "--programs 64 --repeats 1",
}
"""A cheap valid invocation of each command, run in a folder holding the FIXTURES."""

FIXTURES = [
    "soup run --programs 64 --epochs 8 --seed 1 --snapshot-every 4 --out soup.h5",
    "soup run --programs 64 --grid 8x8 --epochs 8 --seed 1 --snapshot-every 4 --out grid.h5",
    "soup run --programs 64 --epochs 8 --seed 1 --snapshot-every 4 --trace --out traced.h5",
    "soup export soup.h5 --out soup.dat",
    "ca run --size 64 --steps 8 --out ca.h5",
    "gard run --species 10 --nmax 10 --generations 4 --out gard.h5",
    "quine train --hidden 8,8 --epochs 2 --out quine.h5",
]
"""Commands that make the run files the BASES read, in order."""

BAD_VALUES = {
    "int": ["-1", "0", str(10**12), str(10**20), "1.5", "x"],
    "float": ["-1", "0", "nan", "inf", "1e400", "x"],
    "text": ["", "/nonexistent/folder/f.h5", "binary.bin"],
}
LONG_RUN_OPTIONS = {"steps", "epochs", "generations", "repeats"}
ENDLESS = {
    str(10**12): LONG_RUN_OPTIONS | {"samples", "learn_severity", "train"},
    str(10**20): LONG_RUN_OPTIONS,
}
"""Bad value -> options for which it is a valid, endless run (a data set of 10**12
samples is written a chunk at a time; a network soup's gradient steps per generation):
those cases are left out."""
SWEEP = """command = "soup run"
out_dir = "sweep"
[fixed]
programs = 64
epochs = 2
[axes]
seed = "0..1"
"""
"""The sweep file of the ``sweep`` base: two tiny soups."""
RESUMING = {"soup resume", "ca resume", "gard resume", "quine resume"}
"""Commands that change their run file when they succeed."""
SECONDS_PER_CASE = 60


def value_kind(kind: click.ParamType) -> str | None:
    """Which BAD_VALUES an option of type ``kind`` gets (None: a choice or a flag)."""
    if isinstance(kind, click.types.IntParamType):
        return "int"
    if isinstance(kind, click.types.FloatParamType):
        return "float"
    if isinstance(kind, (click.Choice, click.types.BoolParamType)):
        return None
    return "text"


def command_at(path: list[str]) -> click.Command:
    command = main
    for name in path:
        command = command.commands[name]
    return command


def leaf_names(group: click.Group, prefix: tuple[str, ...] = ()) -> list[str]:
    names = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            names += leaf_names(command, (*prefix, name))
        else:
            names.append(" ".join((*prefix, name)))
    return names


def cases(name: str) -> list[list[str]]:
    """Argument lists for ``name``: its base with one option set to one bad value."""
    base = BASES[name].split()
    found = []
    for param in command_at(name.split()).params:
        if not isinstance(param, click.Option) or param.is_flag:
            continue
        kind = value_kind(param.type)
        if kind is None or param.name in ("view_every", "view_fps"):
            continue
        for bad in BAD_VALUES[kind]:
            if param.name in ENDLESS.get(bad, ()):
                continue
            args = list(base)
            for opt in param.opts:
                if opt in args:
                    at = args.index(opt)
                    del args[at : at + 1 + param.nargs]
            found.append([*args, param.opts[0], *[bad] * param.nargs])
    return found


def digest(path: str) -> str:
    """MD5 of the file at ``path``, read a MiB at a time."""
    md5 = hashlib.md5()
    with open(path, "rb") as f:
        while block := f.read(2**20):
            md5.update(block)
    return md5.hexdigest()


def digests(folder: str, names) -> dict[str, str]:
    """File name -> MD5 of each of ``names`` still in ``folder``."""
    return {
        name: digest(os.path.join(folder, name))
        for name in names
        if os.path.isfile(os.path.join(folder, name))
    }


class CaseTimeoutError(Exception):
    """A case ran past SECONDS_PER_CASE."""


def run_case(name: str, args: list[str], fixtures: str) -> tuple[bool, str]:
    """(broke the rule, a line describing the answer) for one case."""
    folder = tempfile.mkdtemp(prefix="case", dir=os.path.dirname(fixtures))
    for entry in os.scandir(fixtures):
        shutil.copy(entry.path, folder)
    before = digests(folder, os.listdir(folder))
    here = os.getcwd()
    os.chdir(folder)
    signal.alarm(SECONDS_PER_CASE)
    try:
        result = CliRunner().invoke(main, [*name.split(), *args])
        code, output, error = result.exit_code, result.output, result.exception
    except CaseTimeoutError:
        code, output, error = "timeout", "", None
    finally:
        signal.alarm(0)
        os.chdir(here)
    after = digests(folder, before)
    changed = [f for f, h in before.items() if after.get(f) != h]
    shutil.rmtree(folder, ignore_errors=True)
    crashed = error is not None and not isinstance(error, SystemExit)
    lines = output.strip().splitlines()
    several = code == 2 and len([line for line in lines if line.strip()]) != 1
    if name in RESUMING and code == 0:
        changed = []
    broke = crashed or several or changed or code not in (0, 2)
    said = lines[-1] if lines else ""
    if crashed:
        said = "".join(traceback.format_exception_only(error)).strip()
    if changed:
        said += f" [changed: {', '.join(changed)}]"
    return bool(broke), f"{code} alife {name} {' '.join(args)} :: {said[:160]}"


def make_fixtures() -> None:
    """The FIXTURES and a binary file, in the current folder."""
    for line in FIXTURES:
        result = CliRunner().invoke(main, line.split(), catch_exceptions=False)
        if result.exit_code != 0:
            raise SystemExit(f"fixture 'alife {line}' failed: {result.output}")
    with open("sweep.toml", "w") as f:
        f.write(SWEEP)
    with open("binary.bin", "wb") as f:
        f.write(bytes(range(128, 256)) * 8)  # not UTF-8


def main_script(names: list[str]) -> int:
    missing = sorted(set(leaf_names(main)) - set(BASES) - {"view"})
    if missing:
        print(f"no base invocation for: {', '.join(missing)} (add them to BASES)")
    unknown = [n for n in names if n not in BASES]
    if unknown:
        print(f"unknown commands {unknown}; known: {', '.join(BASES)}")
        return 2

    def on_alarm(*_):
        raise CaseTimeoutError

    signal.signal(signal.SIGALRM, on_alarm)
    scratch = tempfile.mkdtemp(prefix="alife-fuzz-")
    fixtures = os.path.join(scratch, "fixtures")
    os.makedirs(fixtures)
    here = os.getcwd()
    os.chdir(fixtures)
    try:
        make_fixtures()
    finally:
        os.chdir(here)
    broken = total = 0
    for name in names or list(BASES):
        for args in cases(name):
            broke, line = run_case(name, args, fixtures)
            total += 1
            broken += broke
            print(("!! " if broke else "   ") + line, flush=True)
    shutil.rmtree(scratch, ignore_errors=True)
    print(f"{total} cases, {broken} broke the rule")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main_script(sys.argv[1:]))
