"""``alife gard``: GARD protocells."""

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
def gard() -> None:
    """GARD protocells: catalysed growth, fission, compotypes."""


def _gard_options(function):
    """The chemistry and selection options shared by ``gard run`` and ``gard population``."""
    options = [
        click.option(
            "--species", type=int, default=100, show_default=True, help="Molecule species N_G."
        ),
        click.option(
            "--nmax",
            type=int,
            default=100,
            show_default=True,
            help="Molecules N_max at which an assembly splits in two.",
        ),
        click.option("--kf", type=float, default=1e-2, show_default=True, help="Joining rate k_f."),
        click.option("--kb", type=float, default=1e-4, show_default=True, help="Leaving rate k_b."),
        click.option(
            "--mu",
            type=float,
            default=-4.0,
            show_default=True,
            help="Mean mu of ln(beta), the log of the catalysis matrix's entries.",
        ),
        click.option(
            "--sigma",
            type=float,
            default=4.0,
            show_default=True,
            help="Standard deviation sigma of ln(beta).",
        ),
        seed_option("Seed of the random streams."),
        click.option("--beta-seed", type=int, default=None, help="Seed of beta (default: --seed)."),
        click.option(
            "--distinct-betas",
            is_flag=True,
            help="A catalysis matrix per replica or population (seed beta_seed + index).",
        ),
        click.option(
            "--bias",
            type=float,
            default=0.0,
            show_default=True,
            help="Selection toward --target: catalysis among present species x bias*H (1.1).",
        ),
        click.option(
            "--target",
            default=None,
            metavar="I,J,..|RUN.h5[:K]",
            help="Target composition: species indices, or compotype K (default 0) of a run.",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _gard_fields(target, species, **fields) -> dict:
    from alife.substrates.gard.report import parse_target

    return {**fields, "species": species, "target": parse_target(target, species)}


@gard.command("run")
@_gard_options
@click.option("--replicas", type=int, default=1, show_default=True, help="Independent lineages.")
@click.option(
    "--generations",
    type=COUNT,
    default=1000,
    show_default=True,
    help="Generations (growth to the split size, then a split) per lineage.",
)
@run_file_option()
@run_options(metrics=1, snapshot=1, checkpoint=100, unit="generation")
def gard_run(replicas, generations, out, **options) -> None:
    """Run GARD lineages into a new run file (a snapshot of compositions per generation)."""
    from alife.substrates.gard.gard_sim import GardSim
    from alife.substrates.gard.model import GardConfig

    run = {k: options.pop(k) for k in RUN_KEYS}
    config = GardConfig(**_gard_fields(**options), replicas=replicas)
    start_and_report(GardSim, config, out, steps=generations, **run)


@gard.command("population")
@_gard_options
@click.option(
    "--size", type=int, default=100, show_default=True, help="Assemblies per population (P)."
)
@click.option(
    "--populations",
    type=int,
    default=1,
    show_default=True,
    help="Independent populations, each of --size assemblies.",
)
@click.option(
    "--epochs", type=COUNT, default=100, show_default=True, help="Epochs of P fissions each."
)
@run_file_option()
@run_options(metrics=1, snapshot=10, checkpoint=10, unit="epoch")
def gard_population(size, populations, epochs, out, **options) -> None:
    """Run Moran populations of GARD assemblies (with selection: --bias, --target)."""
    from alife.substrates.gard.population import PopulationConfig
    from alife.substrates.gard.population_sim import PopulationSim

    run = {k: options.pop(k) for k in RUN_KEYS}
    config = PopulationConfig(**_gard_fields(**options), size=size, populations=populations)
    start_and_report(PopulationSim, config, out, steps=epochs, **run)


add_resume(
    gard,
    ("--generations", "--epochs"),
    "Continue a GARD run from its checkpoint: lineages for --generations N more, "
    "populations for --epochs N more.",
)


@gard.command("show")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--replica", type=int, default=None, help="Which lineage (default 0).")
@click.option(
    "--threshold",
    type=click.FloatRange(min=0, max=1, max_open=True),
    default=None,
    help="H above which neighbouring generations count as non-drift (default 0.9).",
)
def gard_show(path, replica, threshold) -> None:
    """Summary of a lineage run (P_mc, compotypes, their frequencies and lifetimes for
    one lineage) or of a population run (settings, measures and the Price terms'
    second-half means)."""
    from alife.engine.session import wrong_substrate_error
    from alife.engine.store import open_run
    from alife.substrates.gard.report import print_gard_summary, print_population_summary

    with open_run(path) as run:
        substrate = run.substrate
    if substrate not in ("gard", "gard_population"):
        raise wrong_substrate_error(
            path, substrate, "'alife gard show'", ["gard", "gard_population"]
        )
    chosen = {k: v for k, v in (("replica", replica), ("threshold", threshold)) if v is not None}
    if substrate != "gard_population":
        print_gard_summary(path, **chosen)
    elif chosen:
        raise AlifeInputError(
            f"{path!r} holds a population run; --replica and --threshold pick and split a "
            f"lineage of a 'gard run'"
        )
    else:
        print_population_summary(path)
