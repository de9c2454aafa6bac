"""A run's settings and recorded measures as tables: rich tables for the ``show``
commands and markdown for the ``summary.md`` of ``alife analyze`` (long settings
shortened).

A *measure* is a recorded metric (name -> (k,) array of a run's metrics records, as
:attr:`alife.engine.store.Run.metrics` holds them); its row gives the first and
last recorded values, the smallest and the largest.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from rich.console import Console

    from alife.engine.records import RunRecords
    from alife.engine.run import Simulation

MEASURE_COLUMNS = ("measure", "first", "last", "smallest", "largest")
"""The columns of :func:`measure_rows`."""


def short_text(value: object, limit: int = 80) -> str:
    """``str(value)``, or its start and its length when longer than ``limit`` characters
    (a selection target of 100 floats, an interaction graph)."""
    text = str(value)
    return text if len(text) <= limit else f"{text[: limit - 20]}... ({len(text)} characters)"


def config_table_lines(config: dict) -> list[str]:
    """A markdown table of a run's settings (long values shortened)."""
    return [
        "| setting | value |",
        "|---|---|",
        *(f"| {key} | {short_text(value)} |" for key, value in config.items()),
    ]


def number_text(value: float, digits: int = 6) -> str:
    """``value`` as a table shows it: integers with thousands separators, others to
    ``digits`` significant digits, "n/a" for NaN and infinities."""
    if not math.isfinite(value):
        return "n/a"
    return f"{int(value):,}" if float(value).is_integer() else f"{value:.{digits}g}"


def measure_names(sim_class: type[Simulation]) -> list[str]:
    """The measures a simulation class records: its ``METRICS`` but the epoch, in order."""
    return [name for name in sim_class.METRICS if name != "epoch"]


def measure_rows(metrics: dict, names: Sequence[str]) -> list[tuple[str, ...]]:
    """One row of texts per measure in ``names`` that the records hold with at least one
    value that is not NaN: its name, first and last recorded values, smallest and
    largest ([] when nothing was recorded)."""
    rows = []
    for name in names:
        values = np.asarray(metrics.get(name, ()), dtype=np.float64)
        if values.size == 0 or np.isnan(values).all():
            continue
        cells = [values[0], values[-1], np.nanmin(values), np.nanmax(values)]
        rows.append((name, *(number_text(v) for v in cells)))
    return rows


def records_title(metrics: dict, unit: str) -> str:
    """How many records the run has and the ``unit``s (epoch, generation, step) they
    span, e.g. "31 records, generations 1 to 30"."""
    epochs = metrics["epoch"]
    return f"{len(epochs)} records, {unit}s {int(epochs[0])} to {int(epochs[-1])}"


def measures_markdown(metrics: dict, names: Sequence[str], unit: str) -> list[str]:
    """A "Records" section of ``summary.md``: a markdown table of :func:`measure_rows`
    ([] when there is none)."""
    rows = measure_rows(metrics, names)
    if not rows:
        return []
    return [
        "",
        f"## Records ({records_title(metrics, unit)})",
        "",
        f"| {' | '.join(MEASURE_COLUMNS)} |",
        "|---" * len(MEASURE_COLUMNS) + "|",
        *(f"| {' | '.join(row)} |" for row in rows),
    ]


def print_settings(console: Console, title: str, settings: dict) -> None:
    """Print ``title`` in bold, then a two-column table of ``settings`` (long values
    shortened)."""
    from rich.table import Table

    from alife.printing import print_uncut

    console.print(title, style="bold", soft_wrap=True, highlight=False)
    table = Table(show_header=False)
    table.add_column("", style="bold")
    table.add_column("")
    for key, value in settings.items():
        table.add_row(key, short_text(value))
    print_uncut(console, table)


def print_settings_and_measures(console: Console, run: RunRecords, names: Sequence[str]) -> None:
    """Print the run's path, a table of its substrate, settings, progress (epochs done
    of those planned, and how it ended) and stop rules, then the table of its measures
    ``names`` (none when nothing was recorded)."""
    from rich.table import Table

    from alife.printing import print_uncut

    settings = {"substrate": run.substrate, **run.config, **run.state.rows()}
    print_settings(console, run.path, settings)
    rows = measure_rows(run.metrics, names)
    if rows:
        measures = Table(title=records_title(run.metrics, run.unit))
        for i, column in enumerate(MEASURE_COLUMNS):
            measures.add_column(column, justify="left" if i == 0 else "right")
        for row in rows:
            measures.add_row(*row)
        print_uncut(console, measures)
