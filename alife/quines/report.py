"""Reading quine run files: a snapshot back into a network, its metrics and its fate."""

from __future__ import annotations

import click
import torch

from alife.engine.store import open_run
from alife.errors import AlifeInputError
from alife.quines.metrics import classify_fixed_point, is_nontrivial, quine_metrics
from alife.quines.training import QuineConfig
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
    model = VanillaQuine(config.hidden, seed=config.seed)
    initial = float(model.weights().detach().norm())
    model.set_weights(torch.as_tensor(weights))
    return model, epoch, initial


def print_classification(path: str, epoch: int | None = None) -> None:
    """Print a snapshot's metrics (every layer), whether it is non-trivial, and the fixed
    point repeated regeneration reaches."""
    model, epoch, initial = load_snapshot(path, epoch)
    values = quine_metrics(model)
    click.echo(f"{path} at epoch {epoch}: " + ", ".join(f"{k}={v:.4g}" for k, v in values.items()))
    verdict = "non-trivial" if is_nontrivial(values, initial) else "trivial or not a quine"
    click.echo(
        f"initial weight norm {initial:.4g}: {verdict}; "
        f"regeneration reaches: {classify_fixed_point(model)}"
    )
