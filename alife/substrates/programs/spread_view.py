"""``alife soup spread``: how a motif, or replicators, spread through a soup run's
snapshots, readably."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from alife.analysis.plots import spread_figure
from alife.analysis.report import check_figure_path, save_figure
from alife.analysis.spread import (
    Spread,
    check_origin,
    motif_spread,
    trait_spread,
    write_spread_csv,
)
from alife.engine.backend import resolve_backend
from alife.engine.session import wrong_substrate_error
from alife.engine.store import open_run
from alife.errors import AlifeInputError
from alife.printing import print_uncut
from alife.substrates.programs.census import snapshot_scores
from alife.substrates.programs.interactions import GRID_REACH
from alife.substrates.programs.registry import get_language
from alife.substrates.programs.selfrep import REPLICATOR_THRESHOLD


def _checked(run, path: str, motifs: Sequence[str], replicators: bool, origin) -> tuple:
    """(motif byte patterns, grid or None) of the open soup ``run``, after checking that
    it can be followed as asked; raises AlifeInputError naming what is wrong."""
    if bool(motifs) == replicators:
        raise AlifeInputError("follow either motifs (--motif TEXT) or replicators (--replicators)")
    if run.substrate != "soup":
        raise wrong_substrate_error(path, run.substrate, "'alife soup spread'", ["soup"])
    patterns = [get_language(run.config["language"]).parse_motif(text) for text in motifs]
    if not len(run.snapshot_epochs):
        raise AlifeInputError(f"{path!r} holds no snapshot yet")
    grid = tuple(run.config["grid"]) if run.config.get("grid") else None
    check_origin(origin, grid)
    return patterns, grid


def run_spread(
    path: str,
    motifs: Sequence[str] = (),
    *,
    replicators: bool = False,
    origin: tuple[int, int] | None = None,
    backend: str = "cpu",
) -> Spread:
    """The :class:`~alife.analysis.spread.Spread` through every snapshot of the soup run
    at ``path`` of holding any of ``motifs`` (in the run's language's printable form) or,
    with ``replicators``, of being a replicator: scoring at least REPLICATOR_THRESHOLD in
    the census a run would take at that epoch (its seed and step limit; on ``backend``).
    ``origin`` (row, column) measures a grid soup's front from that cell."""
    with open_run(path) as run:
        patterns, grid = _checked(run, path, motifs, replicators, origin)
        config = run.config
        snapshots = ((int(e), run.snapshot(int(e))) for e in run.snapshot_epochs)
        if not replicators:
            return motif_spread(snapshots, patterns, grid, origin)
        backend = resolve_backend(backend)
        masks = (
            (epoch, snapshot_scores(config, soup, epoch, backend) >= REPLICATOR_THRESHOLD)
            for epoch, soup in snapshots
        )
        return trait_spread(masks, grid, origin)


def print_spreads(
    paths: Sequence[str],
    motifs: Sequence[str] = (),
    *,
    replicators: bool = False,
    origin: tuple[int, int] | None = None,
    backend: str = "cpu",
    as_csv: bool = False,
    plot: str | None = None,
    overwrite: bool = False,
    console: Console | None = None,
) -> None:
    """For each run in ``paths``, print per snapshot how many programs hold any of
    ``motifs`` (or, with ``replicators``, replicate) and, in a grid soup, how far from
    ``origin`` (default: where the first appeared), then the front's speed; several runs
    end with a table of their speeds. ``as_csv`` writes the snapshots of every run as
    CSV (see :func:`~alife.analysis.spread.write_spread_csv`) instead. ``plot`` names an
    image file for :func:`~alife.analysis.plots.spread_figure` of every run (an existing
    one is replaced only with ``overwrite``). Every run and the image's path are checked
    before any run is read. Other arguments as :func:`run_spread`."""
    for path in paths:
        with open_run(path) as run:
            _checked(run, path, motifs, replicators, origin)
    if plot is not None:
        check_figure_path(plot, overwrite)
    console = console or Console()
    spreads = []
    for path in paths:
        spread = run_spread(path, motifs, replicators=replicators, origin=origin, backend=backend)
        spreads.append((path, spread))
        if not as_csv:
            _print_table(console, path, spread, _trait(motifs, replicators), origin is not None)
    if as_csv:
        write_spread_csv(spreads, console.file)
    elif len(paths) > 1:
        _print_speeds(console, spreads)
    if plot is not None:
        save_figure(spread_figure(spreads, _trait(motifs, replicators)), plot)


def _trait(motifs: Sequence[str], replicators: bool) -> str:
    """What is followed, in words."""
    if replicators:
        return f"replicators (census score >= {REPLICATOR_THRESHOLD})"
    return f"programs holding {' or '.join(motifs)}"


def _print_table(console, path, spread: Spread, trait: str, given: bool) -> None:
    table = Table(title=f"{path}: {trait}")
    for column in ("epoch", "holders", "share"):
        table.add_column(column, justify="right")
    if spread.front is not None:
        table.add_column("front (cells from origin)", justify="right")
    for i, epoch in enumerate(spread.epochs):
        row = [f"{epoch:,}", f"{spread.holders[i]:,}", f"{spread.holders[i] / spread.programs:.2%}"]
        if spread.front is not None:
            row.append("-" if spread.front[i] < 0 else str(spread.front[i]))
        table.add_row(*row)
    print_uncut(console, table)
    console.print(_speed_sentence(spread, given), highlight=False)


def _print_speeds(console, spreads: Sequence[tuple[str, Spread]]) -> None:
    """One row per run: its holders at the last snapshot, origin and front speed."""
    table = Table(title="fronts of the runs")
    for column in ("run", "last epoch", "holders", "share", "origin (row, col)"):
        table.add_column(column, justify="right" if column != "run" else "left")
    table.add_column("front speed (cells/epoch)", justify="right")
    table.add_column("fitted epochs", justify="right")
    for path, spread in spreads:
        fit = spread.front_speed()
        table.add_row(
            path,
            f"{spread.epochs[-1]:,}",
            f"{spread.holders[-1]:,}",
            f"{spread.holders[-1] / spread.programs:.2%}",
            "-" if spread.origin is None else f"{spread.origin[0]}, {spread.origin[1]}",
            "-" if fit is None else f"{fit[0]:.3g}",
            "-" if fit is None else f"{fit[1]:,}-{fit[2]:,}",
        )
    print_uncut(console, table)


def _speed_sentence(spread: Spread, given: bool) -> str:
    if not spread.holders.any():
        return "no program has it in any snapshot"
    if spread.front is None:
        return "not a grid soup: no front to follow"
    row, col = spread.origin
    fit = spread.front_speed()
    where = f"origin ({'given' if given else 'first holder'}): row {row}, column {col}"
    if fit is None:
        return f"{where}; too few snapshots before the front reached the edge to fit a speed"
    speed, first, last = fit
    return (
        f"{where}; front speed {speed:.3g} cells/epoch (least squares over epochs "
        f"{first:,}-{last:,}); a program meets partners at most {GRID_REACH} cells away, "
        f"so a copy moves at most {GRID_REACH} cells an epoch"
    )
