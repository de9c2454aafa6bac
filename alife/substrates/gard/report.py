"""Reading GARD run files: a lineage's trace, and the summary ``alife gard show`` prints."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

import numpy as np

from alife.analysis.outputs import check_outputs, save_figure
from alife.engine.records import read_records
from alife.engine.session import wrong_substrate_error
from alife.engine.store import open_run
from alife.errors import AlifeInputError
from alife.substrates.gard.compotypes import NONDRIFT_H, Compotypes, compotypes
from alife.substrates.gard.model import GardConfig, mutual_catalysis

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def lineage_trace(path: str, replica: int = 0) -> tuple[GardConfig, np.ndarray]:
    """(config, (G, N_G) int32 trace) of one replica of a GARD run: its compositions at
    N_max in every snapshot after the start, in generation order."""
    with open_run(path) as run:
        if run.substrate != "gard":
            raise wrong_substrate_error(path, run.substrate, "a GARD lineage summary", ["gard"])
        config = GardConfig(**run.config)
        if not 0 <= replica < config.replicas:
            raise AlifeInputError(
                f"replica {replica} does not exist; {path!r} has replicas 0..{config.replicas - 1}"
            )
        epochs = [int(e) for e in run.snapshot_epochs if e > 0]
        if not epochs:
            raise AlifeInputError(f"{path!r} has no snapshot after generation 0 yet")
        trace = np.stack([run.snapshot(e, "compositions")[replica] for e in epochs])
    return config, trace


def parse_target(text: str | None, species: int) -> tuple[float, ...] | None:
    """A selection target: None; ``"3,17,29"`` (those species, equally); or
    ``"RUN.h5"`` / ``"RUN.h5:K"``, the mean composition of compotype K (default 0, the
    commonest) of replica 0 of a GARD run."""
    if text is None:
        return None
    if re.fullmatch(r"\s*\d+(\s*,\s*\d+)*\s*", text):
        indices = [int(part) for part in text.split(",")]
        if max(indices) >= species:
            raise AlifeInputError(
                f"target species {max(indices)} does not exist; species are 0..{species - 1}"
            )
        vector = np.zeros(species)
        vector[indices] = 1.0
        return tuple(vector)
    path, _, index = text.rpartition(":") if re.search(r":\d+$", text) else (text, "", "0")
    if not os.path.isfile(path):
        raise AlifeInputError(
            f"selection target {text!r} is neither species indices ('3,17,29') nor an "
            f"existing GARD run file with an optional compotype number ('run.h5:0')"
        )
    config, trace = lineage_trace(path, 0)
    if config.species != species:
        raise AlifeInputError(
            f"selection target {text!r}: {path!r} is a run of {config.species} species; "
            f"this population has {species} (give --species {config.species})"
        )
    found = compotypes(trace)
    if not int(index) < found.count:
        raise AlifeInputError(
            f"selection target {text!r}: {path!r} has compotypes 0..{found.count - 1}"
        )
    return tuple(found.centres[int(index)])


def _lineage_measures() -> list[str]:
    from alife.analysis.measures import measure_names
    from alife.substrates.gard.gard_sim import GardSim

    return measure_names(GardSim)


def replica_sentence(config: GardConfig, replica: int, trace: np.ndarray, found: Compotypes) -> str:
    """One line on lineage ``replica``: its generations (and death), its chemistry's
    P_mc, its non-drift share and compotype count (``found``: :class:`Compotypes`)."""
    dead = np.flatnonzero(trace.sum(axis=1) == 0)
    p_mc = mutual_catalysis(config.betas()[config.beta_index()[replica]])
    return (
        f"replica {replica}: {len(trace)} generations"
        + (f" (dead from {dead[0] + 1})" if len(dead) else "")
        + f", P_mc={p_mc:.3g}, non-drift {np.mean(found.labels >= 0):.0%}, "
        f"compotypes {found.count}"
    )


def print_gard_summary(path: str, replica: int = 0, threshold: float = NONDRIFT_H) -> None:
    """Print a lineage run's settings and measures, then P_mc and the compotypes
    (frequency, lifetimes, main species) of lineage ``replica``."""
    from rich.console import Console
    from rich.table import Table

    from alife.analysis.measures import print_settings_and_measures
    from alife.printing import print_uncut

    run = read_records(path, ["gard"], "'alife gard show'")
    config, trace = lineage_trace(path, replica)
    found = compotypes(trace, threshold)
    console = Console()
    names = _lineage_measures()
    print_settings_and_measures(console, run, names)
    console.print(replica_sentence(config, replica, trace, found), soft_wrap=True, highlight=False)
    if not found.count:
        console.print(no_compotype_sentence(len(trace), threshold), highlight=False)
        return
    table = Table()
    for column in COMPOTYPE_COLUMNS:
        table.add_column(column, justify="right")
    for row in compotype_rows(found):
        table.add_row(*row)
    print_uncut(console, table)


COMPOTYPE_COLUMNS = (
    "compotype",
    "share of generations",
    "runs",
    "longest run",
    "fidelity",
    "main species",
)
"""The columns of :func:`compotype_rows`."""


def compotype_rows(found: Compotypes) -> list[tuple[str, ...]]:
    """One row of text per compotype of ``found`` (:class:`Compotypes`), in
    :data:`COMPOTYPE_COLUMNS`: its share of the generations, its runs and the longest,
    its fidelity, and its five main species with their shares of the molecules."""
    rows = []
    fidelity = found.fidelity()
    for k, (share, runs) in enumerate(zip(found.frequencies(), found.lifetimes(), strict=True)):
        shares = found.centres[k] / found.centres[k].sum()
        species = ", ".join(f"{i}:{shares[i]:.0%}" for i in np.argsort(-shares)[:5])
        rows.append(
            (str(k), f"{share:.1%}", str(len(runs)), str(max(runs)), f"{fidelity[k]:.0%}", species)
        )
    return rows


def no_compotype_sentence(generations: int, threshold: float) -> str:
    """Why a lineage of ``generations`` generations has no compotype."""
    return (
        f"no compotype: in none of the {generations} generations did the composition "
        f"resemble its neighbours' (H > {threshold:g})"
    )


def gard_figures(trace: np.ndarray, found: Compotypes, title: str) -> tuple[Figure, Figure]:
    """(carpet figure, compotypes-over-generations figure) of a (G, N_G) trace."""
    from matplotlib.figure import Figure

    from alife.substrates.gard.compotypes import carpet, neighbour_similarity

    fig = Figure(figsize=(6.4, 5.6), layout="constrained")
    ax = fig.add_subplot()
    image = ax.imshow(carpet(trace), vmin=0, vmax=1, cmap="viridis", origin="lower")
    fig.colorbar(image, ax=ax, label="H (cosine of compositions)")
    ax.set(xlabel="generation", ylabel="generation", title=f"{title}: similarity carpet")
    timeline = Figure(figsize=(9, 4), layout="constrained")
    top, bottom = timeline.subplots(2, 1, sharex=True, height_ratios=(1, 2))
    generations = np.arange(1, len(trace) + 1)
    top.plot(generations, neighbour_similarity(trace), lw=0.6, color="0.3")
    top.axhline(NONDRIFT_H, color="tab:red", lw=0.8, ls="--")
    top.set(ylabel="H to neighbours", ylim=(0, 1.02))
    marked = found.labels >= 0
    bottom.scatter(
        generations[marked],
        found.labels[marked],
        s=4,
        c=found.labels[marked],
        cmap="tab10",
        vmin=0,
        vmax=9,
    )
    bottom.set(xlabel="generation", ylabel="compotype (drift not shown)", yticks=range(found.count))
    timeline.suptitle(f"{title}: compotypes over generations")
    return fig, timeline


def analyze_gard(
    path: str, out_dir: str, *, replica: int = 0, overwrite: bool = False
) -> list[str]:
    """Write ``carpet.png``, ``compotypes.png`` and ``summary.md`` for one lineage of a
    GARD run into ``out_dir``; return the files written."""
    from alife.analysis.measures import config_table_lines, measures_markdown

    run = read_records(path, ["gard"], "a GARD lineage report")
    config, trace = lineage_trace(path, replica)
    names = ["carpet.png", "compotypes.png", "summary.md"]
    files = check_outputs(out_dir, names, overwrite)
    found = compotypes(trace)
    title = f"{os.path.basename(path)} replica {replica}"
    for figure, file in zip(gard_figures(trace, found, title), files, strict=False):
        save_figure(figure, file)
    lines = [
        f"# {os.path.basename(path)}",
        "",
        f"Run file: `{path}` (gard run)",
        "",
        *config_table_lines(run.config),
        *measures_markdown(run.metrics, _lineage_measures(), run.unit),
        "",
        f"## Replica {replica}",
        "",
        replica_sentence(config, replica, trace, found),
        "",
    ]
    if found.count:
        lines += [
            f"| {' | '.join(COMPOTYPE_COLUMNS)} |",
            "| --- " * len(COMPOTYPE_COLUMNS) + "|",
            *(f"| {' | '.join(row)} |" for row in compotype_rows(found)),
        ]
    else:
        lines.append(no_compotype_sentence(len(trace), NONDRIFT_H))
    lines += ["", "## Figures", "", *(f"![{n}]({n})" for n in names[:2])]
    with open(files[2], "w") as f:
        f.write("\n".join(lines) + "\n")
    return files


SECOND_HALF = (
    "coherence",
    "target_h",
    "target_share",
    "price_between",
    "price_transmission",
    "price_change",
)
"""The measures of a population run averaged over the second half of its epochs."""


def second_half_means(metrics: dict) -> dict[str, float]:
    """The mean of each :data:`SECOND_HALF` measure over the records of the second half
    of a population run's epochs; the Price terms are left out of a run without a target
    (no trait, so they are NaN)."""
    late = slice(len(metrics["epoch"]) // 2, None)
    means = {name: float(np.mean(metrics[name][late])) for name in SECOND_HALF}
    return {name: mean for name, mean in means.items() if not np.isnan(mean)}


NO_TARGET = "no Price terms: the run has no target, so no trait"


def _population_measures() -> list[str]:
    from alife.analysis.measures import measure_names
    from alife.substrates.gard.population_sim import PopulationSim

    return measure_names(PopulationSim)


def print_population_summary(path: str) -> None:
    """Print a population run's settings, measures and second-half means."""
    from rich.console import Console

    from alife.analysis.measures import print_settings_and_measures

    run = read_records(path, ["gard_population"], "a GARD population summary")
    console = Console()
    names = _population_measures()
    print_settings_and_measures(console, run, names)
    if run.recorded:
        means = ", ".join(f"{k} {v:.4g}" for k, v in second_half_means(run.metrics).items())
        if run.config["target"] is None:
            means += f" ({NO_TARGET})"
        console.print(f"- means over the second half of the epochs: {means}", soft_wrap=True)


def analyze_population(path: str, out_dir: str, *, overwrite: bool = False) -> list[str]:
    """Write ``population.png`` (coherence and closeness to the target over epochs) and
    ``price.png`` (the Price terms per epoch) and ``summary.md`` for a population run."""
    from matplotlib.figure import Figure

    from alife.analysis.measures import config_table_lines, measures_markdown

    run = read_records(path, ["gard_population"], "a GARD population report")
    config, metrics = run.config, run.metrics
    names = ["population.png", "price.png", "summary.md"]
    files = check_outputs(out_dir, names, overwrite)
    epochs = metrics["epoch"]
    fig = Figure(figsize=(8, 4), layout="constrained")
    ax = fig.add_subplot()
    for name in ("coherence", "target_h", "target_share"):
        ax.plot(epochs, metrics[name], label=name)
    ax.set(xlabel=f"epoch ({config['size']} fissions)", ylim=(0, 1.02), title=path)
    ax.legend()
    save_figure(fig, files[0])
    fig = Figure(figsize=(8, 4), layout="constrained")
    ax = fig.add_subplot()
    for name in ("price_between", "price_transmission", "price_change"):
        ax.plot(epochs, metrics[name], label=name.removeprefix("price_"))
    ax.axhline(0, color="0.5", lw=0.6)
    ax.set(xlabel="epoch", ylabel="change of the mean trait", title="multilevel Price terms")
    ax.legend()
    save_figure(fig, files[1])
    lines = [
        f"# {os.path.basename(path)}",
        "",
        f"Run file: `{path}` (gard_population run)",
        "",
        *config_table_lines(config),
        *measures_markdown(metrics, _population_measures(), "epoch"),
        "",
        "| over the second half of the epochs | mean |",
        "| --- | --- |",
        *(f"| {name} | {mean:.4g} |" for name, mean in second_half_means(metrics).items()),
        *([] if config["target"] is not None else ["", f"({NO_TARGET})"]),
    ]
    with open(files[2], "w") as f:
        f.write("\n".join(lines) + "\n")
    return files
