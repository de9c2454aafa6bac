"""``alife analyze`` of a cellular-automaton run (Life-like, Lenia, Flow-Lenia, loops).

:func:`analyze_ca` writes into one folder:

- ``metrics.png``: the run's recorded measures against the step, one panel each
  (population and changed cells of a Life-like or loop run, cells without a transition
  of a loop run; mass and live cells of Lenia; relative mass drift, live cells and peak
  of Flow-Lenia), and for Lenia and Flow-Lenia the distance the mass centre travelled;
- ``generation_N.png`` (Life-like, loops) or ``step_N.png`` (Lenia, Flow-Lenia) for
  chosen snapshots: the run's picture in the viewer's colours
  (:mod:`alife.viz.painters`);
- ``summary.md``: the settings, a table of each measure (first, last, smallest,
  largest) and what the run did (:mod:`alife.substrates.ca.summary`).

Every output path is checked before anything is written.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from alife.analysis.outputs import check_outputs, save_figure
from alife.engine.records import RunRecords, read_records
from alife.errors import AlifeInputError
from alife.substrates.ca.summary import CA_SUBSTRATES, PLOTTED, centre_path, what_happened


def _metrics_figure(run: RunRecords):
    from matplotlib.figure import Figure

    metrics, config = run.metrics, run.config
    panels = [*PLOTTED[run.substrate], *(["travelled"] if "centroid_x" in metrics else [])]
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
    axes[0].set_title(run.label)
    axes[-1].set_xlabel(run.unit)
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
    from alife.analysis.measures import config_table_lines, measures_markdown

    run = read_records(path, CA_SUBSTRATES, "a CA report")
    chosen = default_snapshot_steps(run.snapshots) if epochs is None else sorted(set(epochs))
    missing = [e for e in chosen if e not in run.snapshots]
    if missing:
        raise AlifeInputError(
            f"{path!r} has no snapshot at {run.unit} {missing[0]}; snapshots exist at "
            f"{', '.join(map(str, run.snapshots))}"
        )
    names = [
        *(["metrics.png"] if run.recorded else []),
        *(f"{run.unit}_{e:07d}.png" for e in chosen),
        "summary.md",
    ]
    files = dict(zip(names, check_outputs(out_dir, names, overwrite), strict=True))
    if run.recorded:
        save_figure(_metrics_figure(run), files["metrics.png"])
    for step, figure in zip(chosen, _snapshot_figures(run, chosen), strict=True):
        save_figure(figure, files[f"{run.unit}_{step:07d}.png"])

    lines = [f"# {run.label}", "", f"Run file: `{path}` ({run.substrate} run)", ""]
    lines += config_table_lines(run.config)
    lines += measures_markdown(run.metrics, PLOTTED[run.substrate], run.unit)
    sentences = what_happened(run)
    if sentences:
        lines += ["", "## What happened", "", *(f"- {s}" for s in sentences)]
    lines += ["", "## Figures", "", *(f"![{n}]({n})" for n in names if n.endswith(".png"))]
    with open(files["summary.md"], "w") as f:
        f.write("\n".join(lines) + "\n")
    return [files[name] for name in names]


def _snapshot_figures(run: RunRecords, steps: Sequence[int]):
    """The picture figure of each snapshot in ``steps``, one at a time."""
    from alife.viz.painters import Window
    from alife.viz.sources import RunFrames

    frames = RunFrames(run.path)
    try:
        for step in steps:
            window = frames.window(frames.position(step))
            picture = frames.painter.image(window)
            empty = Window(np.zeros_like(window.arrays[..., :1, :]), window.epochs)
            background = frames.painter.image(empty)[0, 0]
            title = f"{run.label}: {run.substrate.replace('_', '-')} at {run.unit} {step}"
            yield _picture_figure(picture, background, title)
    finally:
        frames.close()
