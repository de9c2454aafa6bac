"""``alife analyze`` of a cellular-automaton run (Life-like, Lenia, Flow-Lenia, loops).

:func:`analyze_ca` writes into one folder:

- ``metrics.png``: the run's recorded measures against the step, one panel each
  (population and changed cells of a Life-like or loop run, cells without a transition
  of a loop run; mass and live cells of Lenia; relative mass drift, live cells and peak
  of Flow-Lenia), and for Lenia and Flow-Lenia the distance the mass centre travelled;
- ``step_STEP.png`` for chosen snapshots: the run's picture in the viewer's colours
  (:mod:`alife.viz.painters`);
- ``summary.md``: the settings, a table of each measure (first, last, smallest,
  largest) and what the run did: when a Life-like grid stopped changing, how far a
  Lenia creature moved and how fast, how much its mass drifted, how a loop colony grew.

Every output path is checked before anything is written.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence

import numpy as np

from alife.engine.store import open_run
from alife.errors import AlifeInputError

PLOTTED = {
    "life": ("population", "changes"),
    "loops": ("population", "changes", "unknown"),
    "lenia": ("mass", "live"),
    "flow_lenia": ("mass_drift", "live", "peak"),
}
"""Substrate -> the metrics :func:`analyze_ca` plots and tabulates."""

CA_SUBSTRATES = tuple(PLOTTED)
"""The substrates :func:`analyze_ca` reads."""

UNIT = {"life": "generation", "loops": "generation", "lenia": "step", "flow_lenia": "step"}
"""What one epoch of each substrate is called."""


def centre_path(metrics: dict, width: int, height: int) -> np.ndarray:
    """(k,) float64 distance in cells the mass centre travelled up to each record, along
    the shortest way across the torus seam between consecutive records (right while the
    creature moves less than half the world between records); NaN from the first record
    with no mass (an empty world has no centre)."""
    x, y = metrics["centroid_x"], metrics["centroid_y"]
    dx = (np.diff(x) + width / 2) % width - width / 2
    dy = (np.diff(y) + height / 2) % height - height / 2
    return np.concatenate([[0.0], np.cumsum(np.hypot(dx, dy))])


def first_still_record(epochs: np.ndarray, changes: np.ndarray) -> int | None:
    """The step of the first record from which no record saw a changed cell, or None
    when the last record saw changes (or there is no record after step 0, whose 0
    changes mean no previous grid rather than a still one)."""
    after_start = np.flatnonzero(epochs > 0)
    moving = after_start[changes[after_start] != 0]
    if not len(after_start) or (len(moving) and moving[-1] == len(changes) - 1):
        return None
    return int(epochs[moving[-1] + 1] if len(moving) else epochs[after_start[0]])


MAX_PERIOD = 64
"""Generations :func:`grid_period` looks ahead for the last Life grid to recur."""


def grid_period(packed: np.ndarray, config: dict, max_period: int = MAX_PERIOD) -> int | None:
    """The smallest p <= ``max_period`` with the Life-like grid ``packed`` ((H, words)
    uint64, as snapshots hold it) equal to itself p generations later under the run's
    rule, size and border (``config``: a life run's config); None if there is none."""
    from alife.substrates.ca.life import Stepper
    from alife.substrates.ca.rules import parse_rule

    stepper = Stepper(parse_rule(config["rule"]), int(config["width"]), bool(config["torus"]))
    cells, spare = packed.copy(), np.empty_like(packed)
    for period in range(1, max_period + 1):
        stepper.step(cells, spare)
        cells, spare = spare, cells
        if np.array_equal(cells, packed):
            return period
    return None


def _period_line(period: int | None, step: int) -> str:
    if period is None:
        return (
            f"- the grid of generation {step} does not recur within {MAX_PERIOD} generations "
            f"(moving objects, or still evolving)"
        )
    kind = "a still life" if period == 1 else f"period {period} (oscillators)"
    return f"- the grid of generation {step} recurs after {period} generation(s): {kind}"


def _number(value: float) -> str:
    if not math.isfinite(value):
        return "n/a"
    return f"{int(value):,}" if float(value).is_integer() else f"{value:.6g}"


def behaviour_lines(substrate: str, config: dict, metrics: dict) -> list[str]:
    """Sentences on what a CA run did, from its metrics records (name -> (k,) arrays)."""
    epochs, unit = metrics["epoch"], UNIT[substrate]
    lines = []
    if substrate in ("life", "loops") and epochs[-1] > 0:
        still = first_still_record(epochs, metrics["changes"])
        lines.append(
            f"- no cell changed at any record from {unit} {still} on"
            if still is not None
            else f"- still changing at the last record: {int(metrics['changes'][-1]):,} cells "
            f"changed in {unit} {int(epochs[-1])}"
        )
        first, last = int(metrics["population"][0]), int(metrics["population"][-1])
        growth = f" (x{last / first:.3g})" if first else ""
        lines.append(f"- population {first:,} -> {last:,}{growth}")
    if substrate == "loops":
        missing = np.flatnonzero(metrics["unknown"])
        lines.append(
            "- every cell found its transition in the table"
            if not len(missing)
            else f"- {len(missing)} of {len(epochs)} records had cells with no transition in "
            f"the table (they kept their state), first in {unit} {int(epochs[missing[0]])}"
        )
    if substrate in ("lenia", "flow_lenia"):
        mass = metrics["mass"]
        if mass[0]:
            lines.append(
                f"- mass {mass[0]:.6g} -> {mass[-1]:.6g} ({(mass[-1] / mass[0] - 1):+.3%})"
            )
        empty = np.flatnonzero(mass == 0)
        if len(empty):
            lines.append(f"- the world emptied by {unit} {int(epochs[empty[0]])}")
        travelled = centre_path(metrics, int(config["width"]), int(config["height"]))
        span = epochs[-1] - epochs[0]
        if span and math.isfinite(travelled[-1]):
            lines.append(
                f"- the mass centre travelled {travelled[-1]:.1f} cells in {int(span):,} "
                f"{unit}s ({travelled[-1] / span:.3g} cells per {unit}), measured between "
                f"records {int(np.diff(epochs).max())} {unit}(s) apart at most"
            )
    return lines


def _metrics_figure(label: str, substrate: str, config: dict, metrics: dict):
    from matplotlib.figure import Figure

    names = list(PLOTTED[substrate])
    panels = names + (["travelled"] if "centroid_x" in metrics else [])
    fig = Figure(figsize=(8, 2.2 * len(panels)), layout="constrained")
    axes = fig.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    epochs = metrics["epoch"]
    for ax, name in zip(axes, panels, strict=True):
        if name == "travelled":
            values = centre_path(metrics, int(config["width"]), int(config["height"]))
            ax.set_ylabel("centre travelled\n(cells)")
        else:
            values = metrics[name]
            ax.set_ylabel(name.replace("_", " "))
        ax.plot(epochs, values, lw=1.0)
        ax.grid(alpha=0.3)
    axes[0].set_title(label)
    axes[-1].set_xlabel(UNIT[substrate])
    return fig


ZOOM_MARGIN = 8
"""Cells of background kept around the occupied box of a zoomed panel."""


def occupied_box(picture: np.ndarray, background: np.ndarray) -> tuple[slice, slice] | None:
    """(rows, columns) slices of the (H, W, 3) ``picture`` around its pixels that differ
    from the (3,) ``background`` colour, ``ZOOM_MARGIN`` cells wider on each side; None
    when nothing differs or the box covers a quarter of the picture or more (no zoom
    needed)."""
    rows = np.flatnonzero(np.any(picture != background, axis=(1, 2)))
    columns = np.flatnonzero(np.any(picture != background, axis=(0, 2)))
    if not len(rows):
        return None
    height, width = picture.shape[:2]
    box = (
        slice(max(0, rows[0] - ZOOM_MARGIN), min(height, rows[-1] + 1 + ZOOM_MARGIN)),
        slice(max(0, columns[0] - ZOOM_MARGIN), min(width, columns[-1] + 1 + ZOOM_MARGIN)),
    )
    area = (box[0].stop - box[0].start) * (box[1].stop - box[1].start)
    return box if 4 * area < height * width else None


PANEL_PIXELS = 600
"""Pictures larger than this on a side (a panel's width at 100 dpi) are averaged over
square blocks to fit first."""


def fit_picture(picture: np.ndarray, limit: int = PANEL_PIXELS) -> np.ndarray:
    """The (H, W, 3) uint8 ``picture``, or when a side exceeds ``limit`` its means over
    k x k blocks (k the smallest factor that fits; ragged edges dropped): a dense Life
    soup turns grey by its local density instead of aliasing."""
    k = -(-max(picture.shape[:2]) // limit)
    if k == 1:
        return picture
    height, width = picture.shape[0] // k, picture.shape[1] // k
    blocks = picture[: height * k, : width * k].reshape(height, k, width, k, 3)
    return np.round(blocks.mean(axis=(1, 3), dtype=np.float32)).astype(np.uint8)


def _picture_figure(picture: np.ndarray, background: np.ndarray, title: str):
    """The whole world, and beside it the occupied part enlarged when that is small."""
    from matplotlib.figure import Figure

    box = occupied_box(picture, background)
    panels = [(picture, title)]
    if box is not None:
        rows, columns = box
        panels.append(
            (
                picture[box],
                f"x {columns.start}..{columns.stop - 1}, y {rows.start}..{rows.stop - 1}",
            )
        )
    fig = Figure(figsize=(6.0 * len(panels), 6.4), layout="constrained")
    for i, (image, text) in enumerate(panels):
        ax = fig.add_subplot(1, len(panels), i + 1)
        ax.imshow(fit_picture(image), interpolation="nearest")
        ax.set_title(text, fontsize=9)
        ax.set_axis_off()
    return fig


def default_snapshot_steps(snapshot_epochs: Sequence[int]) -> list[int]:
    """The first and the last snapshot."""
    return sorted({snapshot_epochs[0], snapshot_epochs[-1]}) if len(snapshot_epochs) else []


def analyze_ca(
    path: str,
    out_dir: str,
    *,
    epochs: Sequence[int] | None = None,
    overwrite: bool = False,
) -> list[str]:
    """Write the report of the CA run file ``path`` into ``out_dir`` (see the module
    docstring); return the files written. ``epochs``: the snapshots to draw (completed
    steps; default the first and the last)."""
    from alife.analysis.report import check_outputs, config_table_lines, save_figure
    from alife.viz.painters import Window
    from alife.viz.sources import RunFrames

    with open_run(path) as run:
        substrate, config, metrics = run.substrate, run.config, run.metrics
        snapshots = [int(e) for e in run.snapshot_epochs]
    if substrate not in CA_SUBSTRATES:
        raise AlifeInputError(
            f"{path!r} holds a {substrate!r} run; this report reads {', '.join(CA_SUBSTRATES)} runs"
        )
    chosen = default_snapshot_steps(snapshots) if epochs is None else sorted(set(epochs))
    missing = [e for e in chosen if e not in snapshots]
    if missing:
        raise AlifeInputError(
            f"{path!r} has no snapshot at {UNIT[substrate]} {missing[0]}; snapshots exist at "
            f"{', '.join(map(str, snapshots))}"
        )
    recorded = bool(metrics["epoch"].size)
    names = [
        *(["metrics.png"] if recorded else []),
        *(f"step_{e:07d}.png" for e in chosen),
        "summary.md",
    ]
    files = dict(zip(names, check_outputs(out_dir, names, overwrite), strict=True))
    label = os.path.splitext(os.path.basename(path))[0]
    if recorded:
        save_figure(_metrics_figure(label, substrate, config, metrics), files["metrics.png"])
    frames = RunFrames(path)
    try:
        for step in chosen:
            window = frames.window(frames.position(step))
            picture = frames.painter.image(window)
            empty = Window(np.zeros_like(window.arrays[..., :1, :]), window.epochs)
            background = frames.painter.image(empty)[0, 0]
            title = f"{label}: {substrate.replace('_', '-')} at {UNIT[substrate]} {step}"
            figure = _picture_figure(picture, background, title)
            save_figure(figure, files[f"step_{step:07d}.png"])
    finally:
        frames.close()

    lines = [f"# {label}", "", f"Run file: `{path}` ({substrate} run)", ""]
    lines += config_table_lines(config)
    if recorded:
        lines += _metrics_table_lines(substrate, metrics)
        lines += ["", "## What happened", "", *behaviour_lines(substrate, config, metrics)]
    if substrate == "life" and snapshots:
        with open_run(path) as run:
            last = run.snapshot(snapshots[-1])
        if not recorded:
            lines += ["", "## What happened", ""]
        lines.append(_period_line(grid_period(last, config), snapshots[-1]))
    lines += ["", "## Figures", "", *(f"![{n}]({n})" for n in names if n.endswith(".png"))]
    with open(files["summary.md"], "w") as f:
        f.write("\n".join(lines) + "\n")
    return [files[name] for name in names]


def _metrics_table_lines(substrate: str, metrics: dict) -> list[str]:
    epochs, unit = metrics["epoch"], UNIT[substrate]
    lines = [
        "",
        f"## Records ({len(epochs)}, {unit}s {int(epochs[0])} to {int(epochs[-1])})",
        "",
        "| measure | first | last | smallest | largest |",
        "|---|---|---|---|---|",
    ]
    for name in PLOTTED[substrate]:
        values = np.asarray(metrics[name], dtype=np.float64)
        cells = [values[0], values[-1], np.nanmin(values), np.nanmax(values)]
        lines.append(f"| {name} | " + " | ".join(_number(v) for v in cells) + " |")
    return lines
