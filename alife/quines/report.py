"""Reading quine run files: a snapshot back into a network, its metrics and its fate."""

from __future__ import annotations

import click
import numpy as np
import torch

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


def load_snapshot(path: str, epoch: int | None = None) -> tuple[VanillaQuine, int, float]:
    """(network with the snapshot's weights, its epoch, the initial weight norm)."""
    with open_run(path) as run:
        if run.substrate != "quine":
            raise AlifeInputError(f"{path!r} is a {run.substrate} run, not a quine run")
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


def print_classification(path: str, epoch: int | None = None) -> None:
    """Print a snapshot's metrics (every layer), whether it is non-trivial, what repeated
    regeneration reaches (plain and keeping the norm), and the spectral radii that
    explain it."""
    model, epoch, initial = load_snapshot(path, epoch)
    values = quine_metrics(model)
    click.echo(f"{path} at epoch {epoch}: " + ", ".join(f"{k}={v:.4g}" for k, v in values.items()))
    verdict = "non-trivial" if is_nontrivial(values, initial) else "trivial or not a quine"
    click.echo(f"initial weight norm {initial:.4g}: {verdict}; {describe_fixed_points(model)}")
    click.echo(describe_radii(model))


def analyze_quine(path: str, out_dir: str, *, overwrite: bool = False) -> list[str]:
    """Write ``quine.png`` (L_SR, rho, R^2 and the weight norm over epochs; for an
    auxiliary quine also the test accuracy of the network and of its copy, and the task
    loss) and ``summary.md`` (the last snapshot's metrics, verdict and fixed point)."""
    import os

    from matplotlib.figure import Figure

    from alife.analysis.report import check_outputs, save_figure

    files = check_outputs(out_dir, ["quine.png", "summary.md"], overwrite)
    model, epoch, initial = load_snapshot(path)
    with open_run(path) as run:
        metrics = run.metrics
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
    values = quine_metrics(model)
    verdict = "non-trivial" if is_nontrivial(values, initial) else "trivial or not a quine"
    lines = [
        f"# {os.path.basename(path)} at epoch {epoch}",
        "",
        *(f"- {key}: {value:.4g}" for key, value in values.items()),
        f"- initial weight norm: {initial:.4g}; verdict: {verdict}",
        f"- {describe_fixed_points(model)}",
        f"- {describe_radii(model)}",
    ]
    with open(files[1], "w") as f:
        f.write("\n".join(lines) + "\n")
    return files


def analyze_net_soup(path: str, out_dir: str, *, overwrite: bool = False) -> list[str]:
    """Write ``census.png`` (networks per fixpoint class over generations, and the mean
    self-replication error and weight norm) and ``summary.md`` (the final census) of a
    soup of weight-wise networks."""
    import os

    from matplotlib.figure import Figure

    from alife.analysis.report import check_outputs, save_figure
    from alife.quines.net_families import FIXPOINT_CLASSES

    files = check_outputs(out_dir, ["census.png", "summary.md"], overwrite)
    with open_run(path) as run:
        if run.substrate != "quine_soup":
            raise AlifeInputError(f"{path!r} is a {run.substrate} run, not a network soup")
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
    fig.suptitle(f"{os.path.basename(path)}: {config['size']} weight-wise networks")
    save_figure(fig, files[0])
    last = {name: int(metrics[name][-1]) for name in FIXPOINT_CLASSES}
    settings = ", ".join(f"{k}={v}" for k, v in config.items())
    lines = [
        f"# {os.path.basename(path)} after generation {int(generations[-1])}",
        "",
        f"Settings: {settings}.",
        "",
        "| class | networks |",
        "| --- | --- |",
        *(f"| {name} | {count} |" for name, count in last.items()),
    ]
    with open(files[1], "w") as f:
        f.write("\n".join(lines) + "\n")
    return files
