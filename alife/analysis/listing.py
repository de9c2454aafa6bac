"""``alife list``: one line per run file of a folder (or of the files given), to see at
a glance which runs completed, stopped, failed, are still running or were killed, and
where each one's headline measures ended."""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from alife.errors import AlifeInputError

LISTED_SUFFIX = ".h5"


@dataclass(frozen=True)
class Listing:
    """One file's line: ``path``; ``kind``: the run's substrate, "LifeGPT dataset", or
    "?" for a file alife cannot read; ``progress``: e.g. "193 of 200 epochs" (a
    dataset's sample count); ``status``: how the run stands ("completed", "stop rule
    ...", "running (pid 12)", "killed; resume continues it", ...) or why the file cannot
    be read; ``last``: the headline measures' last recorded values by name, e.g.
    ``{"higher_entropy": 3.61, "ops_per_interaction": 1647.0}``; ``modified``: when the
    file last changed (seconds since the epoch, UTC); ``size``: bytes; ``completed`` and
    ``planned``: the run's checkpoint and planned epochs (generations, ...), None for a
    file that is no run or a run with no checkpoint yet."""

    path: str
    kind: str
    progress: str
    status: str
    last: dict[str, float]
    modified: float
    size: int
    completed: int | None = None
    planned: int | None = None

    @property
    def last_text(self) -> str:
        """``last`` as text, e.g. "higher_entropy 3.61, ops_per_interaction 1647"."""
        from alife.analysis.measures import number_text

        return ", ".join(
            f"{key} {number_text(value, digits=4)}" for key, value in self.last.items()
        )

    @property
    def modified_iso(self) -> str:
        """``modified`` as ISO 8601 UTC to the second ("" when unknown)."""
        if not self.modified:
            return ""
        when = _dt.datetime.fromtimestamp(self.modified, _dt.timezone.utc)
        return when.isoformat(timespec="seconds")


def listed_files(paths: Sequence[str], recursive: bool = False) -> list[str]:
    """The files ``paths`` name: each file as given, and the ``.h5`` files of each
    folder (of its subfolders too when ``recursive``), sorted by path. An error names
    the first path that does not exist."""
    files = []
    for path in paths:
        if not os.path.exists(path):
            raise AlifeInputError(f"{path!r} does not exist; give run files or folders")
        if not os.path.isdir(path):
            files.append(path)
            continue
        for folder, subfolders, names in os.walk(path):
            subfolders[:] = sorted(subfolders) if recursive else []
            files += [os.path.join(folder, n) for n in names if n.endswith(LISTED_SUFFIX)]
    return sorted(dict.fromkeys(files))


def list_file(path: str) -> Listing:
    """The :class:`Listing` of one file; a file alife cannot read gets a line saying
    why rather than an error."""
    from alife.engine.records import read_records
    from alife.engine.session import simulation_class
    from alife.substrates.ca.dataset import dataset_settings

    try:
        stat = os.stat(path)
    except OSError as error:  # a link to nothing
        return Listing(path, "?", "", f"cannot be read: {error.strerror}", {}, 0.0, 0)
    settings = dataset_settings(path)
    if settings is not None:
        progress = f"{settings['samples']:,} samples"
        status = f"{settings['steps']} generation(s) of {settings['rule']}"
        return Listing(path, "LifeGPT dataset", progress, status, {}, stat.st_mtime, stat.st_size)
    try:
        run = read_records(path, reader="'alife list'")
        keys = simulation_class(run.substrate).PROGRESS_KEYS
    except AlifeInputError as error:  # the line names the file: the reason need not
        reason = str(error).removeprefix(f"{path!r} ")
        return Listing(path, "?", "", reason, {}, stat.st_mtime, stat.st_size)
    last = {
        key: float(run.metrics[key][-1])
        for key in keys
        if key in run.metrics and run.metrics[key].size
    }
    state = run.state
    return Listing(
        path,
        run.substrate,
        state.progress,
        state.status,
        last,
        stat.st_mtime,
        stat.st_size,
        completed=state.completed,
        planned=state.planned,
    )


def list_runs(paths: Sequence[str], recursive: bool = False) -> list[Listing]:
    """The :class:`Listing` of every file :func:`listed_files` finds in ``paths``."""
    return [list_file(path) for path in listed_files(paths, recursive)]


def print_listing(listings: Sequence[Listing]) -> None:
    """Print ``listings`` as one table (file, substrate, progress, status, last
    measures, modified, size), or a sentence when there is none."""
    from rich.console import Console
    from rich.table import Table

    from alife.printing import print_uncut

    console = Console()
    if not listings:
        console.print(f"no {LISTED_SUFFIX} files found", highlight=False)
        return
    table = Table()
    for column in ("file", "substrate", "progress", "status", "last measures", "modified"):
        table.add_column(column)
    table.add_column("size", justify="right")
    for item in listings:
        modified = _dt.datetime.fromtimestamp(item.modified).strftime("%Y-%m-%d %H:%M")
        modified = modified if item.modified else "-"
        table.add_row(
            item.path,
            item.kind,
            item.progress,
            item.status,
            item.last_text,
            modified,
            _size_text(item.size),
        )
    print_uncut(console, table)


CSV_COLUMNS = ("file", "substrate", "progress", "completed", "planned", "status")
CSV_FILE_COLUMNS = ("modified", "size_bytes")


def write_listing_csv(listings: Sequence[Listing], stream: TextIO) -> None:
    """Write ``listings`` to ``stream`` as CSV with a header: file, substrate, progress,
    completed, planned, status, modified (ISO 8601 UTC), size_bytes, then a column per
    headline measure of any listed run (its last value at full precision; empty where a
    run has no such measure), in the order they first appear."""
    import csv

    measures = list(dict.fromkeys(key for item in listings for key in item.last))
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([*CSV_COLUMNS, *CSV_FILE_COLUMNS, *measures])
    for item in listings:
        numbers = ["" if n is None else n for n in (item.completed, item.planned)]
        writer.writerow(
            [item.path, item.kind, item.progress, *numbers, item.status]
            + [item.modified_iso, item.size]
            + [repr(item.last[key]) if key in item.last else "" for key in measures]
        )


def _size_text(size: int) -> str:
    """``size`` bytes in B, kB, MB or GB (powers of 1000), 3 significant digits."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.3g} {unit}"
    return f"{size} B"
