"""``alife soup show`` and ``alife soup census``: readable summaries of a soup run file."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rich.console import Console
from rich.table import Table

from alife.analysis.transitions import (
    ENTROPY_TRANSITION_BITS,
    REPLICATOR_TRANSITION_FRACTION,
    entropy_transition,
    replicator_transition,
)
from alife.engine.backend import resolve_backend
from alife.engine.records import last_census
from alife.engine.run_state import run_state
from alife.engine.session import wrong_substrate_error
from alife.engine.store import open_run
from alife.printing import print_uncut
from alife.substrates.programs.census import (
    Census,
    most_frequent_programs,
    replicator_census,
    replicators_by_motifs,
    snapshot_scores,
)
from alife.substrates.programs.registry import get_language
from alife.substrates.programs.repeats import repeated_strings
from alife.substrates.programs.selfrep import REPLICATOR_THRESHOLD
from alife.substrates.programs.soup import Soup

_SHOWN_METRICS = (
    ("higher_entropy", "higher-order entropy (bits/byte)", "{:.4f}"),
    ("h0", "byte entropy h0 (bits/byte)", "{:.4f}"),
    ("brotli_bpb", "brotli bits per byte", "{:.4f}"),
    ("ops_per_interaction", "ops per interaction (last epoch)", "{:.1f}"),
    ("total_ops", "total ops", "{:,}"),
    ("epochs_per_s", "epochs/s (last interval)", "{:.2f}"),
)


SETTING_WIDTH = 100
"""Characters of a setting's value per line; a longer one (an initial program of
several programs) folds onto more lines, whole."""


def _read_soup_run(path: str, epoch: int | None, command: str):
    """(metrics, config, run state, snapshot epoch, snapshot) of a soup run file;
    ``epoch=None`` picks the last snapshot."""
    with open_run(path) as run:
        if run.substrate != "soup":
            raise wrong_substrate_error(path, run.substrate, f"'{command}'", ["soup"])
        if epoch is None:
            epoch = int(run.snapshot_epochs[-1])
        state = run_state(run)
        return run.metrics, run.config, state, epoch, run.snapshot(epoch)


def _print_motif_split(
    console: Console, epoch: int, motifs: Sequence[str], counts: np.ndarray
) -> None:
    """The table of :func:`~alife.substrates.programs.census.replicators_by_motifs`'s
    ``counts`` for ``motifs`` at ``epoch``."""
    table = Table(title=f"programs by how many of {', '.join(motifs)} they hold, epoch {epoch}")
    for column in ("motifs held", "programs", "replicators", "share replicating"):
        table.add_column(column, justify="right", no_wrap=True)
    for held, (programs, replicators) in enumerate(counts):
        share = f"{replicators / programs:.1%}" if programs else "-"
        table.add_row(f"{held} of {len(motifs)}", f"{programs:,}", f"{replicators:,}", share)
    print_uncut(console, table)


def _last_census(metrics) -> dict | None:
    """The latest metrics row that holds a census, or None."""
    at = last_census(metrics, Soup.CENSUS_METRICS)
    return None if at is None else {k: v[at] for k, v in metrics.items()}


def print_summary(
    path: str, *, top: int = 10, epoch: int | None = None, console: Console | None = None
) -> None:
    """Print the config, the latest metrics and the ``top`` most frequent programs of the
    snapshot at ``epoch`` (default: the last one) of the soup run in ``path``."""
    console = console or Console()
    metrics, config, state, epoch, soup = _read_soup_run(path, epoch, "alife soup show")
    language = get_language(config["language"])

    table = Table(title=f"{path}", show_header=False)
    table.add_column("", style="bold")
    table.add_column("", overflow="fold", max_width=SETTING_WIDTH)
    for key, value in config.items():
        table.add_row(key, str(value))
    for key, value in state.rows().items():
        table.add_row(key, value)
    if metrics["epoch"].size:
        last = {k: v[-1] for k, v in metrics.items()}
        table.add_row("latest record at epoch", str(int(last["epoch"])))
        for key, label, fmt in _SHOWN_METRICS:
            if key in last and np.isfinite(last[key]):
                table.add_row(label, fmt.format(last[key].item()))
        transition = entropy_transition(metrics)
        table.add_row(
            f"higher-order entropy > {ENTROPY_TRANSITION_BITS:g} first at",
            "not yet" if transition is None else f"epoch {transition}",
        )
        census = _last_census(metrics)
        if census is not None:
            table.add_row(
                f"replicators at epoch {int(census['epoch'])}",
                f"{int(census['replicators']):,} ({census['replicator_fraction']:.2%}), "
                f"{int(census['replicator_kinds']):,} distinct programs, "
                f"{int(census['replicator_families']):,} families",
            )
            transition = replicator_transition(metrics)
            table.add_row(
                f"replicators > {REPLICATOR_TRANSITION_FRACTION:.0%} of the soup first at",
                "not yet" if transition is None else f"epoch {transition}",
            )
    print_uncut(console, table)

    programs = Table(title=f"most frequent programs at epoch {epoch}")
    programs.add_column("count", justify="right", no_wrap=True, min_width=5)
    programs.add_column("share", justify="right", no_wrap=True, min_width=6)
    programs.add_column("program (cubff's printable form)", no_wrap=True)
    for program, count in most_frequent_programs(soup, top):
        programs.add_row(str(count), f"{count / len(soup):.2%}", language.disassemble(program))
    print_uncut(console, programs)
    console.print(repeated_strings(soup).sentence(epoch))


def _scored_snapshot(path: str, epoch: int | None, backend: str, motifs: Sequence[str] = ()):
    """(epoch, language, (n, 64) uint8 snapshot, (n,) int64 replicator scores, motif
    byte patterns) of the snapshot at ``epoch`` (default: the last) of the soup run in
    ``path``, scored with the run's seed and step limit as a census during the run would
    be; ``motifs`` (printable form) are parsed before the scoring."""
    backend = resolve_backend(backend)
    _, config, _, epoch, soup = _read_soup_run(path, epoch, "alife soup census")
    language = get_language(config["language"])
    patterns = [language.parse_motif(text) for text in motifs]
    return epoch, language, soup, snapshot_scores(config, soup, epoch, backend), patterns


def snapshot_census(
    path: str, *, epoch: int | None = None, top: int = 10, backend: str = "cpu"
) -> tuple[int, Census]:
    """The replicator census of the snapshot at ``epoch`` (default: the last) of the soup
    run in ``path``, scored with the run's seed and step limit as a census during the run
    would be: returns (epoch, census)."""
    epoch, language, soup, scores, _ = _scored_snapshot(path, epoch, backend)
    return epoch, replicator_census(soup, scores, top, language.noop_bytes)


def print_census(
    path: str,
    *,
    epoch: int | None = None,
    top: int = 10,
    backend: str = "cpu",
    motifs: Sequence[str] = (),
    console: Console | None = None,
) -> None:
    """Print the replicator census of a snapshot and its ``top`` most abundant
    replicators; with ``motifs`` (in the run's language's printable form), first how
    many programs hold 0, 1, ... of them and how many of those replicate."""
    console = console or Console()
    epoch, language, soup, scores, patterns = _scored_snapshot(path, epoch, backend, motifs)
    census = replicator_census(soup, scores, top, language.noop_bytes)
    if patterns:
        _print_motif_split(console, epoch, motifs, replicators_by_motifs(soup, scores, patterns))
    console.print(
        f"epoch {epoch}: {census.replicators:,} of {census.programs:,} programs replicate "
        f"(score >= {REPLICATOR_THRESHOLD}; {census.fraction:.2%}), "
        f"{census.kinds:,} distinct replicator programs in {census.families:,} families "
        f"(same code without no-op bytes, mirror images together)"
    )
    if not census.top:
        return
    table = Table(title=f"most abundant replicators at epoch {epoch}")
    table.add_column("copies", justify="right", no_wrap=True, min_width=6)
    table.add_column("score mean/max", justify="right", no_wrap=True, min_width=14)
    table.add_column("program (cubff's printable form)", no_wrap=True)
    for kind in census.top:
        table.add_row(
            str(kind.copies),
            f"{kind.mean_score:.1f} / {kind.max_score}",
            language.disassemble(kind.program),
        )
    print_uncut(console, table)
    families = Table(title=f"largest replicator families at epoch {epoch}")
    families.add_column("copies", justify="right", no_wrap=True, min_width=6)
    families.add_column("programs", justify="right", no_wrap=True, min_width=8)
    families.add_column("code skeleton (no-op bytes left out)", no_wrap=True)
    for family in census.top_families:
        families.add_row(
            str(family.copies), str(family.kinds), language.disassemble(family.skeleton)
        )
    print_uncut(console, families)
