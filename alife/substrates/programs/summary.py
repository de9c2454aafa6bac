"""``alife soup show``: a readable summary of a soup run file."""

from __future__ import annotations

import numpy as np
from rich.console import Console
from rich.table import Table

from alife.analysis.transitions import ENTROPY_TRANSITION_BITS, entropy_transition
from alife.engine.store import open_run
from alife.errors import AlifeInputError
from alife.substrates.programs.census import most_frequent_programs
from alife.substrates.programs.registry import get_language

_SHOWN_METRICS = (
    ("higher_entropy", "higher-order entropy (bits/byte)", "{:.4f}"),
    ("h0", "byte entropy h0 (bits/byte)", "{:.4f}"),
    ("brotli_bpb", "brotli bits per byte", "{:.4f}"),
    ("ops_per_interaction", "ops per interaction (last epoch)", "{:.1f}"),
    ("total_ops", "total ops", "{:,}"),
    ("epochs_per_s", "epochs/s (last interval)", "{:.2f}"),
)


def print_summary(
    path: str, *, top: int = 10, epoch: int | None = None, console: Console | None = None
) -> None:
    """Print the config, the latest metrics and the ``top`` most frequent programs of the
    snapshot at ``epoch`` (default: the last one) of the soup run in ``path``."""
    console = console or Console()
    with open_run(path) as run:
        if run.substrate != "soup":
            raise AlifeInputError(
                f"{path!r} holds a {run.substrate!r} run; 'soup show' reads soup runs"
            )
        metrics = run.metrics
        epochs = run.snapshot_epochs
        if epoch is None:
            epoch = int(epochs[-1])
        soup = run.snapshot(epoch)
        config, checkpoint = run.config, run.checkpoint_epoch()
    language = get_language(config["language"])

    table = Table(title=f"{path}", show_header=False)
    table.add_column("", style="bold")
    table.add_column("")
    for key, value in config.items():
        table.add_row(key, str(value))
    table.add_row("completed epochs", str(checkpoint))
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
    console.print(table)

    programs = Table(title=f"most frequent programs at epoch {epoch}")
    programs.add_column("count", justify="right", no_wrap=True, min_width=5)
    programs.add_column("share", justify="right", no_wrap=True, min_width=6)
    programs.add_column("program (cubff's printable form)", no_wrap=True)
    for program, count in most_frequent_programs(soup, top):
        programs.add_row(str(count), f"{count / len(soup):.2%}", language.disassemble(program))
    console.print(programs)
