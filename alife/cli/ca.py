"""``alife ca``: cellular automata."""

from __future__ import annotations

import click

from alife.cli.app import Group
from alife.cli.options import (
    COUNT,
    POSITIVE,
    RUN_KEYS,
    add_resume,
    backend_option,
    overwrite_option,
    progress_option,
    run_file_option,
    run_options,
    seed_option,
    start_and_report,
)


@click.group(cls=Group)
def ca() -> None:
    """Cellular automata: Life-like rules, Lenia, self-replicating loops, datasets."""


def _ca_size(text: str) -> tuple[int, int]:
    """(width, height) of a CA ``--size``: ``WxH``, or ``N`` for N x N."""
    from alife.substrates.programs.interactions import parse_grid

    return parse_grid(f"{text}x{text}" if text.strip().isdigit() else text)


@ca.command("run")
@click.option("--rule", default=None, help="Golly rule, e.g. B3/S23 (default: the pattern's).")
@click.option("--size", default="256x256", show_default=True, metavar="WxH|N", help="Grid size.")
@click.option("--plane", is_flag=True, help="A finite plane with a dead border, not a torus.")
@click.option(
    "--density",
    type=float,
    default=None,
    help="Share of live cells in the random start (default 0.5; 0 with --pattern).",
)
@click.option(
    "--pattern",
    default=None,
    metavar="NAME|FILE.rle",
    help="A shipped pattern ('alife ca patterns') or an RLE file, placed in the middle.",
)
@seed_option("Seed of the random start.")
@click.option("--steps", type=COUNT, default=1000, show_default=True, help="Generations to run.")
@run_file_option()
@run_options(metrics=1, snapshot=100, checkpoint=1000, unit="generation")
def ca_run(rule, size, plane, density, pattern, seed, out, **run) -> None:
    """Run a Life-like automaton into a new run file."""
    from alife.substrates.ca.life_sim import LifeConfig, LifeSim

    width, height = _ca_size(size)
    if density is None:
        density = 0.0 if pattern else 0.5
    config = LifeConfig(
        rule=rule,
        width=width,
        height=height,
        torus=not plane,
        density=density,
        seed=seed,
        pattern=pattern,
    )
    start_and_report(LifeSim, config, out, **run)


@ca.command("lenia")
@click.option(
    "--pattern",
    default="orbium",
    show_default=True,
    metavar="NAME|FILE.json[:NAME]",
    help="A shipped animal ('alife ca patterns') or an animals.json entry; 'none' for none.",
)
@click.option("--size", default="256x256", show_default=True, metavar="WxH|N", help="World size.")
@click.option("--R", "R", type=int, default=None, help="Kernel radius in cells.")
@click.option("--T", "T", type=float, default=None, help="Steps per unit time.")
@click.option("--b", "b", default=None, help="Kernel ring heights, e.g. '1,1/3'.")
@click.option("--m", "m", type=float, default=None, help="Growth centre.")
@click.option("--s", "s", type=float, default=None, help="Growth width.")
@click.option(
    "--kn",
    type=int,
    default=None,
    help="Kernel core: 1 polynomial, 2 exponential, 3 step, 4 staircase.",
)
@click.option("--gn", type=int, default=None, help="Growth: 1 polynomial, 2 gaussian, 3 step.")
@click.option(
    "--density", type=float, default=0.0, show_default=True, help="Share of random cells."
)
@seed_option("Seed of the random cells.")
@click.option(
    "--dtype",
    type=click.Choice(["float32", "float64"]),
    default="float32",
    show_default=True,
    help="Precision of the world and its update.",
)
@click.option("--steps", type=COUNT, default=1000, show_default=True, help="Steps to run.")
@run_file_option("lenia.h5")
@run_options(metrics=1, snapshot=100, checkpoint=1000, unit="step")
def ca_lenia(pattern, size, R, T, b, m, s, kn, gn, density, seed, dtype, out, **run) -> None:
    """Run Lenia (the rule defaults to the pattern's) into a new run file."""
    from alife.substrates.ca.lenia_sim import LeniaConfig, LeniaSim

    width, height = _ca_size(size)
    config = LeniaConfig(
        pattern=None if pattern == "none" else pattern,
        R=R,
        T=T,
        b=b,
        m=m,
        s=s,
        kn=kn,
        gn=gn,
        width=width,
        height=height,
        density=density,
        seed=seed,
        dtype=dtype,
    )
    start_and_report(LeniaSim, config, out, **run)


@ca.command("flow-lenia")
@click.option("--size", default="128x128", show_default=True, metavar="WxH|N", help="World size.")
@click.option("--channels", type=int, default=1, show_default=True, help="Kinds of matter.")
@click.option("--kernels", type=int, default=10, show_default=True, help="Kernels of the rule.")
@click.option("--patch", type=int, default=40, show_default=True, help="Side of the random start.")
@seed_option("Seed of the rule and of the random start.")
@click.option("--dt", type=float, default=0.2, show_default=True, help="Time step.")
@click.option(
    "--sigma", type=float, default=0.65, show_default=True, help="Half side of a moved square."
)
@click.option("--reach", type=int, default=5, show_default=True, help="Largest move, in cells.")
@click.option(
    "--theta-a", type=float, default=1.0, show_default=True, help="Mass where crowding wins."
)
@click.option("--steps", type=COUNT, default=1000, show_default=True, help="Steps to run.")
@run_file_option()
@run_options(metrics=1, snapshot=50, checkpoint=500, unit="step")
def ca_flow_lenia(size, out, **options) -> None:
    """Run Flow-Lenia into a new run file: mass-conserving Lenia with a random rule
    (Plantec et al. 2023)."""
    from alife.substrates.ca.flow_lenia_sim import FlowLeniaConfig, FlowLeniaSim

    run = {k: options.pop(k) for k in RUN_KEYS}
    width, height = _ca_size(size)
    steps = options.pop("steps")
    config = FlowLeniaConfig(width=width, height=height, **options)
    start_and_report(FlowLeniaSim, config, out, steps=steps, **run)


@ca.command("loops")
@click.option(
    "--rule",
    default="langton",
    show_default=True,
    metavar="langton|evoloop|FILE.rule",
    help="A shipped rule table or a Golly .rule file (von Neumann @TABLE).",
)
@click.option(
    "--pattern",
    default=None,
    metavar="NAME|FILE.rle",
    help="A shipped pattern or an RLE file, placed in the middle (default: the rule's loop).",
)
@click.option("--size", default="256x256", show_default=True, metavar="WxH|N", help="Grid size.")
@click.option("--torus", is_flag=True, help="Wrap around (default: a finite plane).")
@click.option("--steps", type=COUNT, default=1000, show_default=True, help="Generations to run.")
@run_file_option("loops.h5")
@run_options(metrics=1, snapshot=100, checkpoint=1000, unit="generation")
def ca_loops(rule, pattern, size, torus, out, **run) -> None:
    """Run a self-replicating loop (a rule table) into a new run file."""
    from alife.substrates.ca.loops_sim import LoopsConfig, LoopsSim

    width, height = _ca_size(size)
    config = LoopsConfig(rule=rule, pattern=pattern, width=width, height=height, torus=torus)
    start_and_report(LoopsSim, config, out, **run)


@ca.command("dataset")
@click.option("--rule", default="B3/S23", show_default=True, help="Life-like rule (Golly).")
@click.option("--size", default="32x32", show_default=True, metavar="WxH|N", help="Grid size.")
@click.option("--torus/--plane", default=True, show_default=True, help="Wrap around or not.")
@click.option(
    "--samples", type=POSITIVE, default=100000, show_default=True, help="Grid pairs to write."
)
@click.option(
    "--steps",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Generations between a pair's input and target.",
)
@click.option(
    "--density-range",
    nargs=2,
    type=float,
    default=(0.0, 1.0),
    show_default=True,
    metavar="LOW HIGH",
    help="Each sample's live share is uniform in [LOW, HIGH).",
)
@seed_option("Dataset seed.")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="HDF5 file to create.")
@overwrite_option
@backend_option()
@progress_option
def ca_dataset(
    rule, size, torus, samples, steps, density_range, seed, out, overwrite, backend, progress
) -> None:
    """Pairs (grid, grid after --steps generations) of random grids for sequence models."""
    from alife.substrates.ca.dataset import write_dataset

    width, height = _ca_size(size)
    write_dataset(
        out,
        rule=rule,
        width=width,
        height=height,
        torus=torus,
        samples=samples,
        steps=steps,
        density_range=density_range,
        seed=seed,
        backend=backend,
        overwrite=overwrite,
        progress=progress,
    )
    click.echo(f"{out}: {samples} pairs of {width}x{height} grids, {steps} step(s) apart", err=True)


add_resume(ca, ("--steps",), "Continue a CA run from its checkpoint, in the same file.")


@ca.command("patterns")
def ca_patterns() -> None:
    """List the shipped patterns with their size and rule."""
    from alife.substrates.ca.lenia_animals import animal_names, load_animal
    from alife.substrates.ca.patterns import load_pattern, pattern_names

    for name in pattern_names():
        cells, rule = load_pattern(name)
        size = f"{cells.shape[1]}x{cells.shape[0]}"
        click.echo(f"{name:<22} {size:<8} {rule}")
    for name in animal_names():
        cells, params = load_animal(name)
        size = f"{cells.shape[1]}x{cells.shape[0]}"
        rule = f"Lenia R={params.R} T={params.T:g} m={params.m:g} s={params.s:g}"
        click.echo(f"{name:<22} {size:<8} {rule} (alife ca lenia)")


@ca.command("show")
@click.argument("path", type=click.Path(dir_okay=False))
def ca_show(path) -> None:
    """Settings, recorded measures and what happened in a CA run (Life-like, Lenia,
    Flow-Lenia, loops): when a Life grid settled and its period, how far a creature moved."""
    from alife.substrates.ca.summary import print_ca_summary

    print_ca_summary(path)
