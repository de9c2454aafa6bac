"""What a sweep has done: the status table, and the collected results across runs."""

from __future__ import annotations

import csv
import os

import numpy as np

from alife.sweep.manifest import STATES, load_manifest
from alife.sweep.spec import SweepSpec

WAITING_NAMES = 5
"""Runs named in the status line of those no worker has started."""


def print_status(spec: SweepSpec) -> dict[str, int]:
    """Print runs by state, where each run the manifest calls running stands by its
    file (its progress, and whether its process still runs), and the failed runs'
    errors; return the counts."""
    import click

    entries = load_manifest(spec)
    counts = {state: sum(e["state"] == state for e in entries.values()) for state in STATES}
    click.echo(
        f"{spec.source}: {len(entries)} runs: "
        + ", ".join(f"{counts[state]} {state}" for state in STATES)
    )
    waiting = []
    for entry in entries.values():
        if entry["state"] == "running":
            if os.path.exists(entry["path"]):
                click.echo(f"  running {entry['name']}: {_file_state(entry['path'])}")
            else:
                waiting.append(entry["name"])
        if entry["state"] == "failed":
            click.echo(f"  failed {entry['name']} ({entry['attempts']} attempts): {entry['error']}")
    if waiting:
        names = ", ".join(waiting[:WAITING_NAMES])
        more = f" and {len(waiting) - WAITING_NAMES} more" if len(waiting) > WAITING_NAMES else ""
        click.echo(
            f"  running but not started by a worker yet (no run file): {len(waiting)}: "
            f"{names}{more}"
        )
    return counts


def _file_state(path: str) -> str:
    """How the run in ``path`` stands (:meth:`RunState.describe`), or why that is not
    known."""
    from alife.engine.run_state import run_state
    from alife.engine.store import open_run
    from alife.errors import AlifeInputError

    try:
        with open_run(path) as run:
            return run_state(run).describe()
    except AlifeInputError as error:
        return str(error)


def collect(spec: SweepSpec) -> list[dict]:
    """One row per run: its axis values, state and outcome; for a finished run also its
    substrate, every metric's last value (a census metric such as a soup's
    ``replicators``: its last census, whose epoch is ``census_epoch``), and for soups
    the epoch of the entropy transition (empty when none). A metric named
    like an axis (a Life run's ``density``) is ``final_NAME``, so the axis value stays."""
    from alife.analysis.transitions import entropy_transition
    from alife.engine.records import last_census
    from alife.engine.session import simulation_class
    from alife.engine.store import open_run

    rows = []
    for entry in load_manifest(spec).values():
        row = {**entry["params"], "state": entry["state"], "reason": entry.get("reason", "")}
        if entry["state"] == "done" and os.path.exists(entry["path"]):
            with open_run(entry["path"]) as run:
                metrics, substrate = run.metrics, run.substrate
            row["substrate"] = substrate
            census = getattr(simulation_class(substrate), "CENSUS_METRICS", {})
            at = last_census(metrics, census)
            for name, values in metrics.items():
                record = at if name in census else -1  # census metrics: the last census
                if len(values) and record is not None:
                    key = f"final_{name}" if name in entry["params"] else name
                    row[key] = values[record].item()
            if at is not None:
                row["census_epoch"] = metrics["epoch"][at].item()
            if substrate == "soup":
                transition = entropy_transition(metrics)
                row["transition_epoch"] = "" if transition is None else transition
        rows.append(row)
    return rows


def write_summary(spec: SweepSpec, out_dir: str | None = None) -> list[str]:
    """Write ``sweep_summary.csv``, ``sweep_final.png`` (each headline metric at the
    end of each run against the first axis that is not the seed) and for soups
    ``sweep_transitions.png`` (the share of runs transitioned by each epoch, per value of
    that axis) into ``out_dir`` (default the sweep's); print the table and, for soups,
    the share of runs that transitioned with its 95 % interval per value; return the
    files."""
    from rich.console import Console
    from rich.table import Table

    from alife.printing import print_uncut

    rows = collect(spec)
    out_dir = out_dir or spec.out_dir
    os.makedirs(out_dir, exist_ok=True)
    columns = list(dict.fromkeys(key for row in rows for key in row))
    path = os.path.join(out_dir, "sweep_summary.csv")
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    table = Table(title=f"{spec.source}: {len(rows)} runs")
    headline = _headline_metrics(spec, rows)
    preferred = [*spec.axes, "state", "reason", "epoch", "transition_epoch", *headline]
    preferred.extend(("census_epoch", "replicators"))  # where the runs counted replicators
    shown = [c for c in preferred if c in columns] or columns[:10]
    for column in shown:
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(*(_cell(row.get(c, "")) for c in shown))
    console = Console()
    print_uncut(console, table)
    files = [path]
    groups = transition_groups(spec, rows)
    if groups:
        for label, transitions in groups:
            console.print(_share_line(label, transitions))
        files.append(_transition_plot(groups, spec, rows, out_dir))
    axis = next((a for a in spec.axes if a != "seed"), None)
    finished = [row for row in rows if row["state"] == "done"]
    if axis is not None and headline and finished:
        files.append(_final_plot(axis, headline, finished, out_dir))
    return files


def _headline_metrics(spec: SweepSpec, rows: list[dict]) -> list[str]:
    """The columns of the metrics the runs' simulations show beside their progress bars
    (``PROGRESS_KEYS``: a soup's entropy, a Life run's population, ...)."""
    from alife.engine.session import simulation_class

    substrates = dict.fromkeys(row["substrate"] for row in rows if "substrate" in row)
    names = [name for s in substrates for name in simulation_class(s).PROGRESS_KEYS]
    return [f"final_{name}" if name in spec.axes else name for name in dict.fromkeys(names)]


def _final_plot(axis: str, names: list[str], rows: list[dict], out_dir: str) -> str:
    """``sweep_final.png``: each metric in ``names`` at the end of each finished run
    (dots) and its mean per value (line) against the sweep's ``axis``."""
    from matplotlib.figure import Figure

    values = sorted({row[axis] for row in rows}, key=_axis_order)
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
    position = {v: (v if numeric else i) for i, v in enumerate(values)}
    fig = Figure(figsize=(7, 2.6 * len(names) + 0.4), layout="constrained")
    axes = fig.subplots(len(names), 1, sharex=True, squeeze=False)[:, 0]
    for ax, name in zip(axes, names, strict=True):
        having = [row for row in rows if isinstance(row.get(name), int | float)]
        ax.scatter([position[r[axis]] for r in having], [r[name] for r in having], s=12)
        means = [
            (position[v], np.mean([r[name] for r in having if r[axis] == v]))
            for v in values
            if any(r[axis] == v for r in having)
        ]
        if means:
            ax.plot(*zip(*means, strict=True), color="C1", label="mean")
        ax.set_ylabel(f"final {name.removeprefix('final_')}")
        ax.grid(alpha=0.3)
    if numeric and min(values) > 0 and max(values) >= 100 * min(values):
        axes[-1].set_xscale("log")
    if not numeric:
        axes[-1].set_xticks(range(len(values)), [str(v) for v in values])
    axes[-1].set_xlabel(axis)
    axes[0].set_title(f"{len(rows)} finished runs (dots) and their mean per {axis} (line)")
    path = os.path.join(out_dir, "sweep_final.png")
    fig.savefig(path)
    return path


def _axis_order(value) -> tuple:
    """Numbers by value before anything else by its text."""
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    return (0, value, "") if numeric else (1, 0, str(value))


def transition_groups(spec: SweepSpec, rows: list[dict]) -> list[tuple[str, list]]:
    """The finished soup runs of ``rows`` (from :func:`collect`) grouped by the first
    axis that is not the seed: (label, each run's transition epoch or None) per value."""
    finished = [row for row in rows if "transition_epoch" in row]
    if not finished:
        return []
    axis = next((a for a in spec.axes if a != "seed"), None)
    values = sorted({row.get(axis) for row in finished}, key=str) if axis else [None]
    groups = []
    for value in values:
        members = [row for row in finished if axis is None or row.get(axis) == value]
        transitions = [
            None if r["transition_epoch"] == "" else r["transition_epoch"] for r in members
        ]
        groups.append((f"{axis}={value}" if axis else "all runs", transitions))
    return groups


def _share_line(label: str, transitions: list) -> str:
    from alife.analysis.intervals import share_interval

    transitioned = sum(t is not None for t in transitions)
    low, high = share_interval(transitioned, len(transitions))
    return (
        f"{label}: {transitioned} of {len(transitions)} runs transitioned "
        f"({transitioned / len(transitions):.0%}; 95 % interval {low:.0%}-{high:.0%})"
    )


def _cell(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _transition_plot(groups: list, spec: SweepSpec, rows: list[dict], out_dir: str) -> str:
    from matplotlib.figure import Figure

    epochs = int(spec.fixed.get("epochs", max((r.get("epoch", 0) for r in rows), default=1)))
    grid = np.linspace(0, epochs, 200)
    fig = Figure(figsize=(7, 4), layout="constrained")
    ax = fig.add_subplot()
    for label, transitions in groups:
        times = np.array([t for t in transitions if t is not None])
        share = [(times <= e).sum() / len(transitions) for e in grid]
        ax.plot(grid, share, label=f"{label} ({len(transitions)} runs)")
    ax.set(xlabel="epoch", ylabel="share of runs transitioned", ylim=(0, 1.02))
    ax.legend()
    path = os.path.join(out_dir, "sweep_transitions.png")
    fig.savefig(path)
    return path
