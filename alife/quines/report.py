"""Reading quine run files: a snapshot back into a network, its metrics and its fate;
what ``alife quine show`` prints and ``alife analyze`` writes of quine runs and network
soups."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
import numpy as np
import torch

from alife.analysis.outputs import check_outputs, save_figure
from alife.engine.records import read_records
from alife.engine.session import wrong_substrate_error
from alife.engine.store import open_run
from alife.errors import AlifeInputError
from alife.quines.metrics import (
    classify_fixed_point,
    is_nontrivial,
    quine_metrics,
    regeneration_radii,
)
from alife.quines.training import QuineConfig, quine_model, task_images
from alife.quines.vanilla import VanillaQuine

if TYPE_CHECKING:
    from rich.console import Console


def load_snapshot(path: str, epoch: int | None = None) -> tuple[VanillaQuine, int, float]:
    """(network with the snapshot's weights, its epoch, the initial weight norm)."""
    with open_run(path) as run:
        if run.substrate != "quine":
            raise wrong_substrate_error(path, run.substrate, "'alife quine classify'", ["quine"])
        config = QuineConfig(**run.config)
        epochs = [int(e) for e in run.snapshot_epochs]
        epoch = epochs[-1] if epoch is None else epoch
        if epoch not in epochs:
            raise AlifeInputError(f"{path!r} has no snapshot at epoch {epoch}; snapshots: {epochs}")
        weights = run.snapshot(epoch, "weights")
    model = quine_model(config, task_images(config))
    initial = float(model.weights().detach().norm())
    model.set_weights(torch.as_tensor(weights))
    return model, epoch, initial


def describe_fixed_points(model: VanillaQuine) -> str:
    """What repeated regeneration of ``model`` reaches, plain and keeping the norm."""
    return (
        f"regeneration reaches: {classify_fixed_point(model)} "
        f"({classify_fixed_point(model, keep_norm=True)} keeping the norm)"
    )


def describe_radii(model: VanillaQuine) -> str:
    """One sentence on the spectral radii of regeneration's Jacobian at ``model``."""
    radii = regeneration_radii(model)
    return (
        f"spectral radius of regeneration's Jacobian {radii['plain']:.3g} "
        f"({radii['norm_kept']:.3g} keeping the norm); a quine attracts regeneration only "
        "where it is below 1"
    )


def classification_lines(model: VanillaQuine, initial: float) -> list[str]:
    """Sentences on a quine snapshot: whether it is non-trivial (against the initial
    weight norm ``initial``), what repeated regeneration reaches, and the spectral radii
    that explain it."""
    values = quine_metrics(model)
    verdict = "non-trivial" if is_nontrivial(values, initial) else "trivial or not a quine"
    return [
        f"initial weight norm {initial:.4g}; verdict: {verdict}",
        describe_fixed_points(model),
        describe_radii(model),
    ]


def print_classification(path: str, epoch: int | None = None) -> None:
    """Print a snapshot's metrics (every layer), whether it is non-trivial, what repeated
    regeneration reaches (plain and keeping the norm), and the spectral radii that
    explain it."""
    model, epoch, initial = load_snapshot(path, epoch)
    values = quine_metrics(model)
    click.echo(f"{path} at epoch {epoch}: " + ", ".join(f"{k}={v:.4g}" for k, v in values.items()))
    for line in classification_lines(model, initial):
        click.echo(line)


def census_sentence(metrics: dict, size: int) -> str:
    """The last fixpoint census of a network soup of ``size`` networks, in words."""
    from alife.quines.net_families import FIXPOINT_CLASSES

    counts = ", ".join(f"{int(metrics[name][-1])} {name}" for name in FIXPOINT_CLASSES)
    return f"after generation {int(metrics['epoch'][-1])}, of {size} networks: {counts}"


def print_quine_summary(path: str, console: Console | None = None) -> None:
    """Print the settings and measures of a quine run or network soup, then the last
    snapshot's classification (a quine) or the last census (a soup)."""
    from rich.console import Console

    from alife.analysis.measures import measure_names, print_settings_and_measures
    from alife.quines.net_soup import NetSoupSim
    from alife.quines.training import QuineSim

    sims = {sim.substrate: sim for sim in (QuineSim, NetSoupSim)}
    run = read_records(path, list(sims), "'alife quine show'")
    substrate, config, metrics = run.substrate, run.config, run.metrics
    console = console or Console()
    print_settings_and_measures(console, run, measure_names(sims[substrate]))
    if substrate == "quine" and run.snapshots:
        model, epoch, initial = load_snapshot(path)
        console.print(f"the snapshot of epoch {epoch}:")
        lines = classification_lines(model, initial)
    else:
        lines = [census_sentence(metrics, config["size"])] if run.recorded else []
    for line in lines:
        console.print(f"- {line}", soft_wrap=True)


def analyze_quine(
    path: str, out_dir: str, *, epoch: int | None = None, overwrite: bool = False
) -> list[str]:
    """Write ``quine.png`` (L_SR, rho, R^2 and the weight norm over epochs; for an
    auxiliary quine also the test accuracy of the network and of its copy, and the task
    loss) and ``summary.md`` (the settings, the measures, and the metrics, verdict and
    fixed point of the snapshot of ``epoch``, default the last)."""
    import os

    from matplotlib.figure import Figure

    from alife.analysis.measures import config_table_lines, measure_names, measures_markdown
    from alife.quines.training import QuineSim

    model, epoch, initial = load_snapshot(path, epoch)
    files = check_outputs(out_dir, ["quine.png", "summary.md"], overwrite)
    with open_run(path) as run:
        metrics, config = run.metrics, run.config
    auxiliary = "accuracy" in metrics and not np.isnan(metrics["accuracy"]).all()
    fig = Figure(figsize=(9, 9 if auxiliary else 6), layout="constrained")
    axes = fig.subplots(3 if auxiliary else 2, 2, sharex=True).ravel()
    for ax, name, log in zip(
        axes[:4], ("l_sr", "rho", "r2", "weight_norm"), (True, True, False, False), strict=True
    ):
        ax.plot(metrics["epoch"], metrics[name])
        ax.set(ylabel=name, yscale="log" if log else "linear")
    axes[2].axhline(0.9, color="tab:red", lw=0.8, ls="--")
    axes[3].axhline(0.5 * initial, color="tab:red", lw=0.8, ls="--")
    if auxiliary:
        axes[4].plot(metrics["epoch"], metrics["accuracy"], label="network")
        if "offspring_accuracy" in metrics:  # runs written before it was recorded lack it
            axes[4].plot(metrics["epoch"], metrics["offspring_accuracy"], label="its copy")
        axes[4].set(ylabel="test accuracy", ylim=(0, 1))
        axes[4].legend(fontsize="small")
        axes[5].plot(metrics["epoch"], metrics["task_loss"])
        axes[5].set(ylabel="task_loss", yscale="log")
    for ax in axes[-2:]:
        ax.set_xlabel("epoch")
    fig.suptitle(f"{os.path.basename(path)}: dashed lines, the non-trivial thresholds")
    save_figure(fig, files[0])
    lines = [
        f"# {os.path.basename(path)}",
        "",
        f"Run file: `{path}` (quine run)",
        "",
        *config_table_lines(config),
        *measures_markdown(metrics, measure_names(QuineSim), "epoch"),
        "",
        f"## The snapshot of epoch {epoch}",
        "",
        *(f"- {key}: {value:.4g}" for key, value in quine_metrics(model).items()),
        *(f"- {line}" for line in classification_lines(model, initial)),
    ]
    with open(files[1], "w") as f:
        f.write("\n".join(lines) + "\n")
    return files


def analyze_net_soup(path: str, out_dir: str, *, overwrite: bool = False) -> list[str]:
    """Write ``census.png`` (networks per fixpoint class over generations, and the mean
    self-replication error and weight norm) and ``summary.md`` (the settings, the measures
    and the final census) of a soup of weight-wise networks."""
    import os

    from matplotlib.figure import Figure

    from alife.analysis.measures import config_table_lines, measure_names, measures_markdown
    from alife.quines.net_families import FIXPOINT_CLASSES
    from alife.quines.net_soup import NetSoupSim

    files = check_outputs(out_dir, ["census.png", "summary.md"], overwrite)
    run = read_records(path, ["quine_soup"], "a network-soup report")
    metrics, config = run.metrics, run.config
    fig = Figure(figsize=(9, 6), layout="constrained")
    census, error, norm = fig.subplots(3, 1, sharex=True, height_ratios=(2, 1, 1))
    generations = metrics["epoch"]
    for name in FIXPOINT_CLASSES:
        census.plot(generations, metrics[name], label=name)
    census.set(ylabel="networks", ylim=(0, config["size"] * 1.02))
    census.legend(ncol=len(FIXPOINT_CLASSES), fontsize="small")
    error.plot(generations, metrics["mean_error"])
    error.set(ylabel="mean self-replication error", yscale="log")
    norm.plot(generations, metrics["mean_norm"])
    norm.set(ylabel="mean weight norm", xlabel="generation")
    fig.suptitle(f"{os.path.basename(path)}: {config['size']} {config['kind']} networks")
    save_figure(fig, files[0])
    lines = [
        f"# {os.path.basename(path)}",
        "",
        f"Run file: `{path}` (quine_soup run)",
        "",
        *config_table_lines(config),
        *measures_markdown(metrics, measure_names(NetSoupSim), NetSoupSim.unit),
        "",
        "## Last census",
        "",
        census_sentence(metrics, config["size"]),
    ]
    with open(files[1], "w") as f:
        f.write("\n".join(lines) + "\n")
    return files
