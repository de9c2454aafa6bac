"""Figures of soup runs (matplotlib, no display needed): metrics over epochs with their
transitions, replicator censuses, the spread of a trait, and soup images with a colour
legend.

Every function returns a :class:`matplotlib.figure.Figure` built without pyplot, so
nothing here opens a window or touches global state; save it with ``fig.savefig(path)``.
A *run* here is a pair ``(label, metrics)`` with ``metrics`` the mapping of
:attr:`alife.engine.store.Run.metrics` (metric name -> (k,) array, ``epoch`` included).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from alife.analysis.spread import WHOLE_SPREAD, FitWindow, Spread
from alife.analysis.transitions import (
    ENTROPY_TRANSITION_BITS,
    REPLICATOR_TRANSITION_FRACTION,
    entropy_transition,
    replicator_transition,
)
from alife.substrates.programs.language import Language

Runs = Sequence[tuple[str, dict]]
_DPI = 100
_LEGEND_BAND_PX = 70  # rows of pixels above a soup image for its title and legend


def _mark(ax, epoch: int | None, color, label: str | None) -> None:
    if epoch is not None:
        ax.axvline(epoch, color=color, linestyle="--", linewidth=1, label=label)


def metrics_figure(runs: Runs) -> Figure:
    """Higher-order entropy (top) and ops per interaction (bottom, log scale) against
    epochs; each run's entropy transition is a dashed line. A single run also shows the
    byte entropy h0 and brotli bits per byte the high-order entropy is made of."""
    fig = Figure(figsize=(9, 6.5), dpi=_DPI, layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True)
    single = len(runs) == 1
    for i, (label, metrics) in enumerate(runs):
        color = f"C{i}"
        epochs = metrics["epoch"]
        transition = entropy_transition(metrics)
        when = "not reached" if transition is None else f"epoch {transition}"
        name = "higher-order entropy" if single else f"{label} (transition: {when})"
        top.plot(epochs, metrics["higher_entropy"], color=color, label=name)
        if single:
            top.plot(epochs, metrics["h0"], color="C1", linewidth=0.8, label="byte entropy h0")
            top.plot(epochs, metrics["brotli_bpb"], color="C2", linewidth=0.8, label="brotli bpb")
        _mark(top, transition, color, f"transition ({when})" if single else None)
        bottom.plot(epochs, metrics["ops_per_interaction"], color=color, label=label)
        _mark(bottom, transition, color, None)
    top.axhline(ENTROPY_TRANSITION_BITS, color="grey", linewidth=0.6, linestyle=":")
    top.set_ylabel("bits per byte")
    top.set_title(
        f"Complexity of the soup (dashed: higher-order entropy first > "
        f"{ENTROPY_TRANSITION_BITS:g} bits)"
    )
    top.legend(loc="upper left", fontsize="small")
    if any((np.asarray(m["ops_per_interaction"]) > 0).any() for _, m in runs):
        bottom.set_yscale("log")  # else (no ops recorded yet) a log axis has nothing to show
    bottom.set_ylabel("ops per interaction")
    bottom.set_xlabel("epoch")
    bottom.set_title("Instructions executed per interaction (last epoch of each record)")
    if not single:
        bottom.legend(loc="upper left", fontsize="small")
    return fig


def census_figure(runs: Runs) -> Figure:
    """Self-replicators' share of the soup (top) and distinct replicator programs
    (bottom) at each census; dashed: share first above the transition fraction."""
    fig = Figure(figsize=(9, 6.5), dpi=_DPI, layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True)
    for i, (label, metrics) in enumerate(runs):
        color = f"C{i}"
        taken = np.isfinite(metrics["replicators"])
        epochs = metrics["epoch"][taken]
        transition = replicator_transition(metrics)
        when = "not reached" if transition is None else f"epoch {transition}"
        name = f"{label} (transition: {when})"
        top.plot(epochs, metrics["replicator_fraction"][taken], "o-", color=color, ms=3, label=name)
        _mark(top, transition, color, None)
        bottom.plot(epochs, metrics["replicator_kinds"][taken], "o-", color=color, ms=3)
        _mark(bottom, transition, color, None)
    top.axhline(REPLICATOR_TRANSITION_FRACTION, color="grey", linewidth=0.6, linestyle=":")
    top.set_ylim(-0.02, 1.02)
    top.set_ylabel("fraction of programs")
    top.set_title(
        f"Self-replicators (cubff's score >= 5; dashed: first above "
        f"{REPLICATOR_TRANSITION_FRACTION:.0%})"
    )
    top.legend(loc="upper left", fontsize="small")
    bottom.set_ylabel("distinct replicator programs")
    bottom.set_xlabel("epoch")
    bottom.set_title("Diversity of the replicators")
    return fig


def color_legend(language: Language) -> list[tuple[tuple[int, int, int], str]]:
    """``[(rgb, label), ...]`` for a language's palette: one entry per colour shared by
    its command bytes (labelled by their symbols) and one for the grey rest, or a single
    entry describing a per-value gradient (hex languages)."""
    colors = language.byte_colors
    grey = (colors[:, 0] == colors[:, 1]) & (colors[:, 1] == colors[:, 2])
    entries: dict[tuple[int, int, int], list[str]] = {}
    for byte in np.flatnonzero(~grey).tolist():
        symbols = entries.setdefault(tuple(int(v) for v in colors[byte]), [])
        symbol = language.printable.symbols[byte]
        if symbol not in symbols:
            symbols.append(symbol)
    if len(entries) > 8:
        low, high = colors[0], colors[255]
        return [
            (tuple(int(v) for v in low), "byte 00"),
            (tuple(int(v) for v in high), "byte FF (colour runs with the byte value)"),
        ]
    legend = [
        (rgb, " ".join(symbols) + (" (zero byte)" if tuple(colors[0]) == rgb else ""))
        for rgb, symbols in entries.items()
    ]
    if grey.any():
        legend.append(((128, 128, 128), "other bytes (grey by value)"))
    return legend


def soup_image_figure(image: np.ndarray, title: str, language: Language) -> Figure:
    """The (h, w, 3) uint8 soup ``image`` at one pixel per pixel (no resampling), under a
    band with ``title`` and the legend of the language's colours."""
    height, width, _ = image.shape
    band = _LEGEND_BAND_PX
    fig_width = max(width, 640)
    fig = Figure(figsize=(fig_width / _DPI, (height + band) / _DPI), dpi=_DPI)
    fig.figimage(image, xo=0, yo=0, origin="upper")
    fig.text(0.01, 1 - 22 / (height + band), title, fontsize=11, va="baseline")
    handles = [
        Patch(facecolor=np.array(rgb) / 255, edgecolor="black", label=label)
        for rgb, label in color_legend(language)
    ]
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.0, 1 - 28 / (height + band)),
        ncol=len(handles),
        fontsize="small",
        frameon=False,
        handlelength=1.2,
        columnspacing=1.0,
    )
    return fig


def price_figure(runs: Runs) -> Figure:
    """The Price terms of a motif's share at each census: selection, transmission and
    their sum, the change over the epoch before the census."""
    fig = Figure(figsize=(9, 4.5), dpi=_DPI, layout="constrained")
    ax = fig.subplots()
    styles = {"price_selection": "-", "price_transmission": "--", "price_change": ":"}
    for i, (label, metrics) in enumerate(runs):
        taken = np.isfinite(metrics["price_change"])
        for key, style in styles.items():
            name = key.removeprefix("price_")
            ax.plot(
                metrics["epoch"][taken],
                metrics[key][taken],
                style,
                color=f"C{i}",
                marker="o",
                ms=3,
                label=name if len(runs) == 1 else f"{label}: {name}",
            )
    ax.axhline(0, color="grey", linewidth=0.6)
    ax.set_xlabel("epoch")
    ax.set_ylabel("change of the motif's share per epoch")
    ax.set_title("Price equation: selection + transmission = change (at each census)")
    ax.legend(fontsize="small")
    return fig


def trace_figure(runs: Runs) -> Figure:
    """Tracer metrics: distinct origin tokens (log scale), the share of bytes from the
    initial soup, and the mean number of origins per program."""
    fig = Figure(figsize=(9, 8), dpi=_DPI, layout="constrained")
    axes = fig.subplots(3, 1, sharex=True)
    keys = (
        ("distinct_tokens", "distinct tokens", "Distinct origin tokens in the soup"),
        ("original_fraction", "share of bytes", "Bytes still from the initial soup"),
        ("mean_origins", "origins per program", "Distinct origins of a program's bytes"),
    )
    for i, (label, metrics) in enumerate(runs):
        taken = np.isfinite(metrics["distinct_tokens"])
        for ax, (key, _, _) in zip(axes, keys, strict=True):
            ax.plot(metrics["epoch"][taken], metrics[key][taken], color=f"C{i}", label=label)
    for ax, (_, ylabel, title) in zip(axes, keys, strict=True):
        ax.set_ylabel(ylabel)
        ax.set_title(title)
    axes[0].set_yscale("log")
    axes[0].legend(fontsize="small")
    axes[-1].set_xlabel("epoch")
    return fig


def spread_figure(
    spreads: Sequence[tuple[str, Spread]], trait: str, window: FitWindow = WHOLE_SPREAD
) -> Figure:
    """The share of programs with ``trait`` (its name, for the title) at each snapshot
    (top) and, when any run is a grid soup, its front's distance in cells from the
    origin (bottom), for ``spreads``, pairs of (label, :class:`Spread`). A dashed line
    is each front's least-squares fit over the snapshots of ``window``; a dotted line
    the farthest a front can get on that run's grid; a dash-dotted line a run's
    :attr:`Spread.contact`, where it has one. Runs with :attr:`Spread.transmission` add
    a panel of what their meetings did with the trait at each snapshot."""
    grids = any(spread.front is not None for _, spread in spreads)
    meetings = any(spread.transmission is not None for _, spread in spreads)
    panels = 1 + grids + meetings
    fig = Figure(figsize=(9, 1 + 2.75 * panels), dpi=_DPI, layout="constrained")
    axes = fig.subplots(panels, 1, sharex=True, squeeze=False)[:, 0]
    top = axes[0]
    for i, (label, spread) in enumerate(spreads):
        share = spread.holders / spread.programs
        top.plot(spread.epochs, share, "o-", color=f"C{i}", ms=3, label=label)
    for i, (_, spread) in enumerate(spreads):
        if spread.contact is not None:
            limit = spread.contact
            top.plot(limit.epochs, limit.holders / limit.programs, "-.", color=f"C{i}", lw=1)
    top.set_ylim(-0.02, 1.02)
    top.set_ylabel("fraction of programs")
    contact = any(spread.contact is not None for _, spread in spreads)
    top.set_title(f"Spread of {trait}" + (" (dash-dot: contact limit)" if contact else ""))
    top.legend(loc="upper left", fontsize="small")
    if grids:
        _front_axes(axes[1], spreads, window)
    if meetings:
        _transmission_axes(axes[-1], spreads)
    axes[-1].set_xlabel("epoch")
    return fig


_SIDES = ((0, 1, "o-", "first: passed on"), (1, 2, "x--", "second: lost"))
"""(side of the tape, count in :attr:`Spread.transmission`, line style, legend) drawn."""


def _transmission_axes(ax, spreads: Sequence[tuple[str, Spread]]) -> None:
    """For each run with transmission counts, on ``ax``: the share of a holder's meetings
    with a non-holder in the epoch after each snapshot that passed the trait on, when the
    holder was first on the tape (solid), and that lost it, when second (dashed)."""
    for i, (label, spread) in enumerate(spreads):
        if spread.transmission is None:
            continue
        for side, count, style, what in _SIDES:
            met = spread.transmission[:, side, 0]
            taken = met > 0
            share = spread.transmission[taken, side, count] / met[taken]
            name = f"{label}, holder {what}"
            ax.plot(spread.epochs[taken], share, style, color=f"C{i}", ms=3, label=name)
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("share of meetings")
    ax.set_title(
        "What meetings with a non-holder did (solid: holder first, passed on; dashed: second, lost)"
    )
    ax.legend(loc="lower right", fontsize="small")


def _front_axes(ax, spreads: Sequence[tuple[str, Spread]], window: FitWindow) -> None:
    """Each grid run's front, its line fitted over ``window``, its grid's reach and its
    contact limit, on ``ax``; one legend entry per run gives its speeds."""
    for i, (label, spread) in enumerate(spreads):
        if spread.front is None:
            continue
        color = f"C{i}"
        held = spread.front >= 0
        ax.plot(spread.epochs[held], spread.front[held], "o-", color=color, ms=3)
        ax.axhline(spread.reach, color=color, linewidth=0.8, linestyle=":")
        limit = spread.contact
        limit_fit = None if limit is None else limit.front_speed(*window)
        bound = "" if limit_fit is None else f" (contact limit {limit_fit[0]:.3g})"
        line = spread.front_line(*window)
        if line is not None:
            slope, intercept, first, last = line
            ends = np.array([first, last], dtype=np.float64)
            name = f"{label}: {slope:.3g} cells/epoch over epochs {first:,}-{last:,}{bound}"
            ax.plot(ends, slope * ends + intercept, "--", color=color, label=name)
        if limit is not None and limit.front is not None:
            name = f"{label}: contact limit only{bound}" if line is None and bound else None
            reached = limit.front >= 0
            ax.plot(
                limit.epochs[reached], limit.front[reached], "-.", color=color, lw=1, label=name
            )
    ax.set_ylabel("front (cells from origin)")
    contact = any(spread.contact is not None for _, spread in spreads)
    ax.set_title(
        "Farthest holder from the origin (dashed: fit; dotted: the grid's reach"
        + ("; dash-dot: contact limit)" if contact else ")")
    )
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="lower right", fontsize="small")
