"""``alife soup spread``: how a motif spreads through a soup run's snapshots, readably."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from alife.analysis.spread import MotifSpread, motif_spread
from alife.engine.session import wrong_substrate_error
from alife.engine.store import open_run
from alife.errors import AlifeInputError
from alife.printing import print_uncut
from alife.substrates.programs.interactions import GRID_REACH
from alife.substrates.programs.language import PROGRAM_SIZE
from alife.substrates.programs.registry import get_language


def run_motif_spread(path: str, motifs: Sequence[str]) -> MotifSpread:
    """The :class:`~alife.analysis.spread.MotifSpread` of ``motifs`` (in the run's
    language's printable form) through every snapshot of the soup run at ``path``."""
    with open_run(path) as run:
        if run.substrate != "soup":
            raise wrong_substrate_error(path, run.substrate, "'alife soup spread'", ["soup"])
        language = get_language(run.config["language"])
        patterns = [language.parse(text) for text in motifs]
        for text, pattern in zip(motifs, patterns, strict=True):
            if not 0 < len(pattern) <= PROGRAM_SIZE:
                raise AlifeInputError(
                    f"motif {text!r} has {len(pattern)} bytes; a motif has 1 to {PROGRAM_SIZE}"
                )
        if not len(run.snapshot_epochs):
            raise AlifeInputError(f"{path!r} holds no snapshot yet")
        grid = run.config.get("grid")
        snapshots = ((int(e), run.snapshot(int(e))) for e in run.snapshot_epochs)
        return motif_spread(snapshots, patterns, tuple(grid) if grid else None)


def print_spread(path: str, motifs: Sequence[str], console: Console | None = None) -> None:
    """Print, per snapshot, how many programs hold any of ``motifs`` and, in a grid
    soup, how far from where it first appeared; then the front's speed."""
    console = console or Console()
    spread = run_motif_spread(path, motifs)
    table = Table(title=f"{path}: programs holding {' or '.join(motifs)}")
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
    console.print(_speed_sentence(spread), highlight=False)


def _speed_sentence(spread: MotifSpread) -> str:
    if spread.front is None:
        return (
            "no program holds it in any snapshot"
            if not spread.holders.any()
            else "not a grid soup: no front to follow"
        )
    row, col = spread.origin
    fit = spread.front_speed()
    where = f"origin: row {row}, column {col}"
    if fit is None:
        return f"{where}; too few snapshots before the front reached the edge to fit a speed"
    speed, first, last = fit
    return (
        f"{where}; front speed {speed:.3g} cells/epoch (least squares over epochs "
        f"{first:,}-{last:,}); a program meets partners at most {GRID_REACH} cells away, "
        f"so a copy moves at most {GRID_REACH} cells an epoch"
    )
