"""``alife analyze``: PNG plots and a markdown summary of one soup run, or of several
runs overlaid.

One run (:func:`analyze_run`) gives ``metrics.png`` (entropy and ops per interaction,
transition marked), ``replicators.png`` (when the run took censuses), ``price.png``
(with a Price trait), ``tracer.png`` (traced runs), ``spread.png`` (a grid soup's
replicators and their front, counted in up to :data:`WAVE_SNAPSHOTS` snapshots),
``soup_EPOCH.png`` for chosen snapshots (cubff's row frames, or a grid soup's tiles,
under a colour legend) and ``summary.md`` (config, transitions, final metrics, a grid
soup's wave, the replicator census and most frequent programs of the last snapshot,
disassembled). Several runs
(:func:`compare_runs`) give the same plots overlaid and a ``summary.md`` table of their
transitions. Every output file is checked before anything is written: existing files
are kept unless ``overwrite``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from alife.analysis.compare import comparison_table
from alife.analysis.measures import config_table_lines
from alife.analysis.outputs import check_outputs, save_figure
from alife.analysis.plots import (
    census_figure,
    metrics_figure,
    price_figure,
    soup_image_figure,
    spread_figure,
    trace_figure,
)
from alife.analysis.spread import Spread
from alife.analysis.transitions import (
    ENTROPY_TRANSITION_BITS,
    REPLICATOR_TRANSITION_FRACTION,
    entropy_transition,
    replicator_transition,
)
from alife.engine.records import RunRecords, read_records
from alife.engine.store import open_run
from alife.errors import AlifeInputError
from alife.substrates.programs.census import most_frequent_programs
from alife.substrates.programs.frames import soup_frame, soup_rows_image
from alife.substrates.programs.registry import get_language
from alife.substrates.programs.repeats import repeated_strings
from alife.substrates.programs.selfrep import REPLICATOR_THRESHOLD
from alife.substrates.programs.spread_view import run_spread, speed_sentence
from alife.substrates.programs.summary import snapshot_census

WAVE_SNAPSHOTS = 64
"""Most snapshots of a grid soup whose replicators a report counts for its wave."""


class RunData(RunRecords):
    """A soup run's records (:class:`~alife.engine.records.RunRecords`), with which of
    the optional measures (census, Price terms, tracer) it holds."""

    def has(self, metric: str) -> bool:
        """Whether any metrics record holds a value of ``metric``."""
        values = self.metrics.get(metric)
        return values is not None and bool(np.isfinite(values).any())

    @property
    def has_census(self) -> bool:
        """Whether any metrics record holds a replicator census."""
        return self.has("replicators")

    def figures(self) -> list[str]:
        """The optional figures this run has data for."""
        optional = (
            ("replicators.png", "replicators"),
            ("price.png", "price_change"),
            ("tracer.png", "distinct_tokens"),
        )
        return [name for name, metric in optional if self.has(metric)]


_FIGURES = {
    "metrics.png": metrics_figure,
    "replicators.png": census_figure,
    "price.png": price_figure,
    "tracer.png": trace_figure,
}
"""Figure file -> function drawing it from [(label, metrics), ...]."""


def read_run(path: str) -> RunData:
    """The :class:`RunData` of the soup run file ``path``."""
    records = read_records(path, ["soup"], "a soup report")
    return RunData(**vars(records))


def default_snapshot_epochs(run: RunData) -> list[int]:
    """The first snapshot, the first one at or after the entropy transition (if any), and
    the last."""
    epochs = run.snapshots
    if not epochs:
        return []
    chosen = [epochs[0]]
    transition = entropy_transition(run.metrics) if run.recorded else None
    if transition is not None:
        chosen += [e for e in epochs if e >= transition][:1]
    chosen.append(epochs[-1])
    return sorted(set(chosen))


def _fmt(value: float, spec: str) -> str:
    return "n/a" if not np.isfinite(value) else format(value, spec)


def analyze_run(
    path: str,
    out_dir: str,
    *,
    epochs: Sequence[int] | None = None,
    census: bool = True,
    top: int = 10,
    backend: str = "cpu",
    overwrite: bool = False,
) -> list[str]:
    """Write the report of one soup run into ``out_dir``; return the files written.

    ``epochs``: snapshots to draw (default :func:`default_snapshot_epochs`); ``census``:
    score the last snapshot's programs for the summary (about 65 interactions per
    program on ``backend``), and a grid soup's for its wave; ``top``: programs listed.
    """
    run = read_run(path)
    epochs = default_snapshot_epochs(run) if epochs is None else sorted(set(epochs))
    missing = [e for e in epochs if e not in run.snapshots]
    if missing:
        raise AlifeInputError(
            f"{path!r} has no snapshot at epoch {missing[0]}; snapshots exist at epochs "
            f"{', '.join(map(str, run.snapshots))}"
        )
    plots = [*(["metrics.png"] if run.recorded else []), *run.figures()]
    grid = run.config.get("grid")
    wave = bool(grid and census and run.snapshots)  # a grid soup's replicators' front
    names = [*plots, *(["spread.png"] if wave else [])]
    names += [*(f"soup_{e:07d}.png" for e in epochs), "summary.md"]
    files = dict(zip(names, check_outputs(out_dir, names, overwrite), strict=True))
    language = get_language(run.config["language"])

    for name in plots:
        save_figure(_FIGURES[name]([(run.label, run.metrics)]), files[name])
    with open_run(path) as handle:
        soups = {e: handle.snapshot(e) for e in epochs}
        last = run.snapshots[-1] if run.snapshots else None
        last_soup = handle.snapshot(last) if last is not None else None
    if wave:
        followed = evenly_spaced(run.snapshots, WAVE_SNAPSHOTS)
        spread = run_spread(path, replicators=True, backend=backend, epochs=followed)
        save_figure(spread_figure([(run.label, spread)], "self-replicators"), files["spread.png"])
    for epoch, soup in soups.items():
        if grid:  # a 2-D soup as its grid of 8x8 tiles
            image = soup_frame(soup, tuple(grid), language.byte_colors)
        else:
            image = soup_rows_image(soup, language.byte_colors)
        title = f"{run.label}: {run.config['language']} soup at epoch {epoch}"
        save_figure(soup_image_figure(image, title, language), files[f"soup_{epoch:07d}.png"])

    lines = _summary_lines(run, names)
    if wave:
        lines += _wave_lines(spread)
    if last_soup is not None:
        lines += _snapshot_lines(run, last, last_soup, census, top, backend)
    with open(files["summary.md"], "w") as f:
        f.write("\n".join(lines) + "\n")
    return [files[name] for name in names]


def evenly_spaced(epochs: Sequence[int], most: int) -> list[int]:
    """At most ``most`` (>= 2) of ``epochs`` (ascending), evenly spread over the list,
    the first and the last always among them."""
    if len(epochs) <= most:
        return list(epochs)
    picks = np.unique(np.linspace(0, len(epochs) - 1, most).round().astype(np.int64))
    return [epochs[i] for i in picks.tolist()]


def _wave_lines(spread: Spread) -> list[str]:
    """The summary's section on a grid soup's replicators: where their front is per
    followed snapshot and how fast it moved."""
    if spread.holders.any():
        sentence = speed_sentence(spread, given=False)
    else:
        sentence = "no self-replicator in any of these snapshots"
    lines = ["", "## The replicators' wave", "", f"- {sentence}"]
    lines += ["", "| epoch | replicators | front (cells from the origin) |", "|---|---|---|"]
    fronts = [-1] * len(spread.epochs) if spread.front is None else spread.front.tolist()
    for epoch, holders, front in zip(
        spread.epochs.tolist(), spread.holders.tolist(), fronts, strict=True
    ):
        lines.append(f"| {epoch} | {holders:,} | {front if front >= 0 else '-'} |")
    return lines


def _summary_lines(run: RunData, names: Sequence[str]) -> list[str]:
    metrics = run.metrics
    lines = [f"# {run.label}", "", f"Run file: `{run.path}`", "", *config_table_lines(run.config)]
    lines += ["", "## Transitions", ""]
    if metrics["epoch"].size:
        entropy = entropy_transition(metrics)
        lines.append(
            f"- higher-order entropy first > {ENTROPY_TRANSITION_BITS:g} bits/byte: "
            + ("not reached" if entropy is None else f"epoch {entropy}")
        )
    if run.has_census:
        replicators = replicator_transition(metrics)
        lines.append(
            f"- self-replicators first > {REPLICATOR_TRANSITION_FRACTION:.0%} of the soup: "
            + ("not reached" if replicators is None else f"epoch {replicators}")
        )
    else:
        lines.append("- no replicator census during the run (`--eval-replicators-every N`)")
    if metrics["epoch"].size:
        last = {k: v[-1] for k, v in metrics.items()}
        lines += ["", f"## Last record (epoch {int(last['epoch'])})", ""]
        lines.append(f"- higher-order entropy: {_fmt(last['higher_entropy'], '.4f')} bits/byte")
        lines.append(f"- ops per interaction: {_fmt(last['ops_per_interaction'], '.1f')}")
        lines.append(f"- total ops: {int(last['total_ops']):,}")
    lines += ["", "## Figures", ""]
    lines += [f"![{name}]({name})" for name in names if name.endswith(".png")]
    return lines


def _snapshot_lines(run, epoch, soup, census, top, backend) -> list[str]:
    language = get_language(run.config["language"])
    lines = ["", f"## Last snapshot (epoch {epoch})", ""]
    if census:
        _, result = snapshot_census(run.path, epoch=epoch, top=top, backend=backend)
        lines.append(
            f"{result.replicators:,} of {result.programs:,} programs are self-replicators "
            f"(score >= {REPLICATOR_THRESHOLD}; {result.fraction:.2%}), "
            f"{result.kinds:,} distinct replicator programs in {result.families:,} families "
            f"(same code without no-op bytes, mirror images together)."
        )
        if result.top:
            lines += ["", "Most abundant replicators (copies, mean score, program):", "", "```"]
            lines += [
                f"{k.copies:>7} {k.mean_score:5.1f} {language.disassemble(k.program)}"
                for k in result.top
            ]
            lines.append("```")
    lines += ["", "Most frequent programs (copies, program):", "", "```"]
    lines += [
        f"{count:>7} {language.disassemble(program)}"
        for program, count in most_frequent_programs(soup, top)
    ]
    lines += ["```", "", repeated_strings(soup).sentence(epoch)]
    return lines


def _transition_cells(run: RunData) -> list[str]:
    """A soup run's row of the comparison: the epochs its entropy and its replicators
    first passed their thresholds ("-": never), and its last higher-order entropy."""
    recorded = run.recorded
    entropy = entropy_transition(run.metrics) if recorded else None
    replicators = replicator_transition(run.metrics) if run.has_census else None
    final = _fmt(run.metrics["higher_entropy"][-1], ".3f") if recorded else "n/a"
    return ["-" if t is None else str(t) for t in (entropy, replicators)] + [final]


def compare_runs(
    records: Sequence[RunRecords], out_dir: str, *, overwrite: bool = False
) -> list[str]:
    """Overlay several soup runs' ``records`` (read, checked and labelled by
    :func:`alife.analysis.compare.compare_paths`) in ``out_dir``: metrics.png,
    replicators.png (runs with censuses) and a summary.md table; return the files
    written."""
    runs = [RunData(**vars(r)) for r in records]
    plots = ["metrics.png"] + [n for n in _FIGURES if any(n in r.figures() for r in runs)]
    names = [*plots, "summary.md"]
    files = dict(zip(names, check_outputs(out_dir, names, overwrite), strict=True))
    for name in plots:
        having = [r for r in runs if name in r.figures() or name == "metrics.png"]
        save_figure(
            _FIGURES[name]([(r.label, r.metrics) for r in having if r.recorded]),
            files[name],
        )
    columns = [
        f"entropy > {ENTROPY_TRANSITION_BITS:g} at",
        f"replicators > {REPLICATOR_TRANSITION_FRACTION:.0%} at",
        "final higher-order entropy",
    ]
    lines = [
        f"# Comparison of {len(runs)} soup runs",
        "",
        *comparison_table(runs, columns, _transition_cells),
    ]
    lines += ["", *(f"![{name}]({name})" for name in names if name.endswith(".png"))]
    with open(files["summary.md"], "w") as f:
        f.write("\n".join(lines) + "\n")
    return [files[name] for name in names]
