"""``alife analyze --compare``: several runs of one substrate overlaid.

Soup runs get their own comparison (:func:`alife.analysis.report.compare_runs`: entropy
and replicator transitions). Runs of any other substrate (Life rules against each
other, Lenia parameters, GARD chemistries, quine or network-soup settings) get
:func:`compare_records`:

- ``measures.png``: one panel per recorded measure of the substrate, a line per run,
  against the run's unit (generation, step, epoch);
- ``summary.md``: a table of the runs with the settings in which they differ, their
  progress (units done of those planned, how the run ended) and the last value of each
  headline measure (those the progress bar shows), and the figure.

Both tables begin with :func:`comparison_table`'s columns.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from alife.analysis.measures import measure_names, number_text, short_text
from alife.analysis.outputs import check_outputs, save_figure
from alife.engine.records import RunRecords, read_records
from alife.engine.session import simulation_class
from alife.errors import AlifeInputError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MAX_PANELS = 8
"""At most this many measures are drawn in ``measures.png`` (the first ones recorded)."""


def compare_paths(paths: Sequence[str], out_dir: str, *, overwrite: bool = False) -> list[str]:
    """Overlay the runs ``paths`` in ``out_dir``: soups with the soup comparison, runs of
    any other one substrate with :func:`compare_records`; return the files written."""
    from alife.analysis.report import compare_runs

    if len(paths) < 2:
        raise AlifeInputError(f"--compare needs at least two runs, got {len(paths)}")
    runs = [read_records(path) for path in paths]
    substrates = list(dict.fromkeys(run.substrate for run in runs))
    if len(substrates) > 1:
        raise AlifeInputError(
            f"--compare overlays runs of one substrate; got {', '.join(substrates)} runs "
            f"({runs[0].path!r} holds a {runs[0].substrate} run, "
            f"{next(r.path for r in runs if r.substrate != substrates[0])!r} a "
            f"{substrates[1]} run)"
        )
    labels = [run.label for run in runs]
    if len(set(labels)) < len(labels):  # the same file name in different folders
        runs = [replace(run, label=run.path) for run in runs]
    if substrates == ["soup"]:
        return compare_runs(runs, out_dir, overwrite=overwrite)
    return compare_records(runs, out_dir, overwrite=overwrite)


def compare_records(
    runs: Sequence[RunRecords], out_dir: str, *, overwrite: bool = False
) -> list[str]:
    """Write ``measures.png`` and ``summary.md`` (see the module docstring) for ``runs``,
    all of one substrate and told apart by their labels, into ``out_dir``; return the
    files written."""

    sim_class = simulation_class(runs[0].substrate)
    names = [name for name in measure_names(sim_class) if any(_has(run, name) for run in runs)]
    drawn = names[:MAX_PANELS]
    files = check_outputs(out_dir, [*(["measures.png"] if drawn else []), "summary.md"], overwrite)
    if drawn:
        save_figure(measures_figure(runs, drawn), files[0])
    headline = [name for name in sim_class.PROGRESS_KEYS if name in names]
    lines = [
        f"# Comparison of {len(runs)} {runs[0].substrate} runs",
        "",
        *comparison_table(
            runs,
            [f"last {name}" for name in headline],
            lambda run: [_last(run, name) for name in headline],
        ),
    ]
    if drawn:
        lines += ["", f"![measures.png]({os.path.basename(files[0])})"]
    with open(files[-1], "w") as f:
        f.write("\n".join(lines) + "\n")
    return files


def measures_figure(runs: Sequence[RunRecords], names: Sequence[str]) -> Figure:
    """One panel per measure in ``names``, a line per run against its unit."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 2.2 * len(names) + 0.6), layout="constrained")
    axes = fig.subplots(len(names), 1, sharex=True, squeeze=False)[:, 0]
    for ax, name in zip(axes, names, strict=True):
        for i, run in enumerate(runs):
            ax.plot(run.metrics["epoch"], run.metrics[name], color=f"C{i}", lw=1.0, label=run.label)
        ax.set_ylabel(name.replace("_", " "))
        ax.grid(alpha=0.3)
    axes[0].legend(loc="best", fontsize="small")
    axes[0].set_title(f"{len(runs)} {runs[0].substrate} runs")
    axes[-1].set_xlabel(runs[0].unit)
    return fig


def _has(run: RunRecords, name: str) -> bool:
    values = run.metrics.get(name)
    return values is not None and bool(np.isfinite(np.asarray(values, np.float64)).any())


def _last(run: RunRecords, name: str) -> str:
    values = run.metrics.get(name)
    return number_text(float(values[-1])) if values is not None and len(values) else "-"


def comparison_table(
    runs: Sequence[RunRecords],
    columns: Sequence[str],
    cells: Callable[[RunRecords], list[str]],
) -> list[str]:
    """Markdown lines: a table of ``runs`` with their labels, the settings in which they
    differ, their progress and ``columns`` (``cells(run)`` gives a run's texts for
    them), then "The runs have the same settings." where none differs."""
    differing = differing_settings(runs)
    header = ["run", *differing, "progress", *columns]
    lines = [f"| {' | '.join(header)} |", "|---" * len(header) + "|"]
    for run in runs:
        settings = [short_text(run.config.get(key)) for key in differing]
        row = [run.label, *settings, run.state.describe(), *cells(run)]
        lines.append(f"| {' | '.join(row)} |")
    if not differing:
        lines += ["", "The runs have the same settings."]
    return lines


def differing_settings(runs: Sequence[RunRecords]) -> list[str]:
    """The settings whose values are not the same in every run, in config order."""
    keys = list(dict.fromkeys(key for run in runs for key in run.config))
    return [key for key in keys if len({repr(run.config.get(key)) for run in runs}) > 1]
