"""``alife quine``: neural-network quines and soups of self-replicating networks."""

from __future__ import annotations

import click

from alife.cli.app import Group
from alife.cli.options import (
    COUNT,
    RUN_KEYS,
    add_resume,
    run_file_option,
    run_options,
    seed_option,
    start_and_report,
)
from alife.errors import AlifeInputError


@click.group(cls=Group)
def quine() -> None:
    """Neural-network quines (Chang & Lipson 2018) with honest metrics (torch)."""


@quine.command("train")
@click.option(
    "--kind",
    type=click.Choice(["vanilla", "auxiliary"]),
    default="vanilla",
    show_default=True,
    help="auxiliary: the quine also classifies images (--lam, --mnist).",
)
@click.option(
    "--lam",
    type=float,
    default=1.0,
    show_default=True,
    help="Auxiliary: weight of the replication loss beside the task's (0: a plain classifier).",
)
@click.option(
    "--mnist",
    "data",
    default="digits",
    metavar="PATH",
    help="Auxiliary: MNIST as an .npz file or a folder of IDX files "
    "(default: scikit-learn's bundled 8x8 digits).",
)
@click.option(
    "--hidden", default="100,100", show_default=True, help="Hidden widths, comma-separated."
)
@click.option(
    "--method",
    type=click.Choice(["adamax", "adam", "sgd", "regen", "alternate"]),
    default="adamax",
    show_default=True,
    help="Each epoch: a gradient pass on the self-replication loss (adamax, adam, sgd), a "
    "regeneration (every weight replaced by its prediction), or both (alternate).",
)
@click.option(
    "--regen-every",
    type=int,
    default=1,
    show_default=True,
    help="With --method alternate: regenerate before every this many epochs.",
)
@click.option(
    "--keep-norm", is_flag=True, help="Rescale each regeneration to the weight norm it replaces."
)
@click.option(
    "--activation",
    type=click.Choice(["selu", "tanh", "sin", "leaky_relu"]),
    default="selu",
    show_default=True,
    help="Between the layers: selu (the paper's), tanh (saturates), sin (periodic) or "
    "leaky_relu (slope 0.1: prediction exactly cubic in the weights' scale).",
)
@click.option("--lr", type=float, default=1e-3, show_default=True, help="Learning rate.")
@click.option("--batch", type=int, default=256, show_default=True, help="Coordinates per step.")
@seed_option("Seed of the weights, projection and shuffles.")
@click.option("--epochs", type=COUNT, default=30, show_default=True, help="Epochs to run.")
@run_file_option()
@run_options(metrics=1, snapshot=10, checkpoint=10, unit="epoch")
def quine_train(
    kind,
    lam,
    data,
    hidden,
    method,
    regen_every,
    keep_norm,
    activation,
    lr,
    batch,
    seed,
    epochs,
    out,
    **run,
) -> None:
    """Train a quine into a new run file (metrics every epoch, weight snapshots)."""
    from alife.quines.training import QuineConfig, QuineSim

    try:
        widths = tuple(int(w) for w in hidden.split(","))
    except ValueError:
        raise AlifeInputError(
            f"--hidden {hidden!r} is not comma-separated integers, e.g. '100,100'"
        ) from None
    config = QuineConfig(
        hidden=widths,
        method=method,
        lr=lr,
        batch=batch,
        seed=seed,
        kind=kind,
        lam=lam,
        data=data,
        regen_every=regen_every,
        keep_norm=keep_norm,
        activation=activation,
    )
    start_and_report(QuineSim, config, out, steps=epochs, **run)


@quine.command("soup")
@click.option("--size", type=int, default=100, show_default=True, help="Networks in the soup.")
@click.option(
    "--generations", type=COUNT, default=500, show_default=True, help="Generations to run."
)
@click.option(
    "--kind",
    type=click.Choice(["weightwise", "aggregating", "recurrent"]),
    default="weightwise",
    show_default=True,
    help="The networks' family.",
)
@click.option("--width", type=int, default=2, show_default=True, help="Hidden width.")
@click.option("--depth", type=int, default=2, show_default=True, help="Hidden layers.")
@click.option(
    "--aggregates", type=int, default=4, show_default=True, help="Aggregating: input groups."
)
@click.option(
    "--activation",
    type=click.Choice(["linear", "sigmoid"]),
    default="linear",
    show_default=True,
    help="The networks' hidden activation.",
)
@click.option(
    "--attack-rate",
    type=float,
    default=0.1,
    show_default=True,
    help="Chance per network and generation that it rewrites a random network's weights "
    "with its output on them.",
)
@click.option(
    "--learn-rate",
    type=float,
    default=0.1,
    show_default=True,
    help="Chance per network and generation that it takes a lesson from a random network.",
)
@click.option(
    "--learn-severity", type=int, default=1, show_default=True, help="Gradient steps a lesson."
)
@click.option(
    "--train", type=int, default=0, show_default=True, help="Self-training steps a generation."
)
@click.option("--lr", type=float, default=0.01, show_default=True, help="Learning rate.")
@click.option("--epsilon", type=float, default=1e-4, show_default=True, help="Fixpoint tolerance.")
@click.option("--remove-divergent", is_flag=True, help="Replace divergent networks.")
@click.option("--remove-zero", is_flag=True, help="Replace zero fixpoints.")
@seed_option("Seed of the soup and of every generation's draws.")
@run_file_option()
@run_options(metrics=1, snapshot=10, checkpoint=50, unit="generation")
def quine_soup(size, generations, out, **options) -> None:
    """Run a soup of self-replicating networks into a new run file (Gabor et al.):
    attacks, lessons, self-training, and the fixpoint census every generation."""
    from alife.quines.net_soup import NetSoupConfig, NetSoupSim

    run = {k: options.pop(k) for k in RUN_KEYS}
    start_and_report(NetSoupSim, NetSoupConfig(size=size, **options), out, steps=generations, **run)


add_resume(
    quine,
    ("--epochs", "--generations"),
    "Continue a quine run (weights and optimizer state) for --epochs N more, or a network "
    "soup for --generations N more, from its checkpoint.",
)


@quine.command("show")
@click.argument("path", type=click.Path(dir_okay=False))
def quine_show(path) -> None:
    """Settings and measures of a quine run or network soup, and what its last snapshot
    is (quine) or its last census (soup)."""
    from alife.quines.report import print_quine_summary

    print_quine_summary(path)


@quine.command("classify")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--epoch", type=int, default=None, help="Snapshot to classify (default: last).")
def quine_classify(path, epoch) -> None:
    """Per-layer metrics of a snapshot and what repeated regeneration reaches."""
    from alife.quines.report import print_classification

    print_classification(path, epoch)
