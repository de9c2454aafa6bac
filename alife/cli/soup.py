"""``alife soup``: primordial soups of programs."""

from __future__ import annotations

import click

from alife.cli.app import Group
from alife.cli.options import (
    COUNT,
    POSITIVE,
    backend_option,
    no_stop_rules_option,
    overwrite_option,
    progress_option,
    report,
    resume_and_report,
    run_file_option,
    schedule_options,
    seed_option,
    stop_option,
    view_options,
)
from alife.errors import AlifeInputError
from alife.substrates.programs.language import DEFAULT_MAX_STEPS


def _language_option(help: str = "Program language (see 'alife soup languages')."):
    return click.option("--language", default="bff_noheads", show_default=True, help=help)


def _mutation_option(help: str = "Per-byte mutation probability per interaction, in [0, 1]."):
    return click.option(
        "--mutation", type=float, default=1 / 4096, show_default="1/4096", help=help
    )


def _max_steps_option(help: str):
    return click.option(
        "--max-steps", type=int, default=DEFAULT_MAX_STEPS, show_default=True, help=help
    )


def _census_option(default: int | None, help: str):
    return click.option(
        "--eval-replicators-every",
        "census_every",
        type=click.IntRange(min=0),
        default=default,
        metavar="N",
        help=help,
    )


@click.group(cls=Group)
def soup() -> None:
    """Primordial soups of programs (Computational Life; cubff-exact)."""


_initial_program_option = click.option(
    "--initial-program",
    metavar="TEXT",
    default=None,
    help="Program (cubff's printable form) written over the start of the initial soup.",
)


def _soup_rules_options(command):
    """Options on how a soup resets and pairs, shared by 'soup run' and 'soup import'."""
    options = [
        click.option("--zero-init", is_flag=True, help="Start (and reset) with all-zero programs."),
        click.option(
            "--reset-interval",
            type=int,
            default=None,
            help="Re-draw the whole soup after epochs 0, N, 2N, ... (cubff's --reset_interval).",
        ),
        click.option(
            "--no-permute",
            is_flag=True,
            help="Pair neighbours alternately instead of by a random permutation.",
        ),
        click.option(
            "--fixed-shuffle",
            is_flag=True,
            help="Pair by cubff's deterministic pattern (programs a power of two).",
        ),
        click.option(
            "--grid",
            metavar="WxH",
            default=None,
            help="2-D soup of W*H programs meeting neighbours within distance 2 "
            "(--programs defaults to W*H).",
        ),
        click.option(
            "--interactions",
            type=click.Path(dir_okay=False),
            default=None,
            help="File of allowed interactions, 'a b' per line (cubff's --interaction_pattern).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _soup_rules(programs, zero_init, reset_interval, no_permute, fixed_shuffle, grid, interactions):
    """SoupConfig keywords from the shared options; ``programs`` None means the grid's
    size, or 131072 without a grid."""
    from alife.substrates.programs.interactions import parse_grid

    shape = parse_grid(grid) if grid is not None else None
    if programs is None:
        programs = shape[0] * shape[1] if shape else 131072
    return dict(
        programs=programs,
        zero_init=zero_init,
        reset_interval=reset_interval,
        permute=not no_permute,
        fixed_shuffle=fixed_shuffle,
        grid=shape,
        interactions=interactions,
    )


@soup.command("run")
@_language_option()
@click.option(
    "--programs",
    type=int,
    default=None,
    help="Number of 64-byte programs, even [default: 131072, or W*H with --grid].",
)
@click.option(
    "--epochs",
    "--max-epochs",
    "epochs",
    type=COUNT,
    default=16384,
    show_default=True,
    help="Epochs to run at most.",
)
@seed_option()
@_mutation_option()
@_max_steps_option("Interpreter iterations per interaction.")
@_initial_program_option
@_soup_rules_options
@click.option(
    "--trace",
    is_flag=True,
    help="Carry an origin token with every byte (BFF family; see 'alife soup lineage').",
)
@click.option(
    "--price-motif",
    metavar="TEXT",
    default=None,
    help="Record at each census the Price terms of the share of programs containing this "
    "byte pattern (cubff's printable form); offspring by tokens with --trace, else by "
    "exact copies.",
)
@click.option(
    "--price-replicators",
    is_flag=True,
    help="The same for the share of self-replicators (doubles the census's cost).",
)
@run_file_option()
@overwrite_option
@backend_option()
@schedule_options(metrics=16, snapshot=1024, checkpoint=256, unit="epoch")
@click.option(
    "--compression",
    type=click.Choice(["zstd", "gzip", "none"]),
    default="zstd",
    show_default=True,
    help="Compression of snapshots.",
)
@_census_option(
    0,
    "Count self-replicators (cubff's --eval_selfrep) after epoch 1 and every N epochs "
    "after it, into the metrics; 0: never. Costs about 65 interactions per program.",
)
@stop_option
@progress_option
@view_options
def soup_run(
    language,
    programs,
    epochs,
    seed,
    mutation,
    max_steps,
    initial_program,
    zero_init,
    reset_interval,
    no_permute,
    fixed_shuffle,
    grid,
    interactions,
    trace,
    price_motif,
    price_replicators,
    out,
    overwrite,
    backend,
    metrics_every,
    snapshot_every,
    checkpoint_every,
    compression,
    census_every,
    stop_when,
    progress,
    observer,
) -> None:
    """Run a soup into a new run file."""
    from alife.engine.run import Schedule
    from alife.engine.session import start_run
    from alife.substrates.programs.soup import Soup, SoupConfig

    config = SoupConfig(
        language=language,
        seed=seed,
        mutation=mutation,
        max_steps=max_steps,
        initial_program=initial_program,
        trace=trace,
        price_motif=price_motif,
        price_replicators=price_replicators,
        **_soup_rules(
            programs, zero_init, reset_interval, no_permute, fixed_shuffle, grid, interactions
        ),
    )
    schedule = Schedule(
        metrics_every=metrics_every,
        snapshot_every=snapshot_every,
        checkpoint_every=checkpoint_every,
        census_every=census_every,
    )
    outcome = start_run(
        Soup,
        config,
        out,
        epochs=epochs,
        backend=backend,
        schedule=schedule,
        stop_when=stop_when,
        compression=compression,
        overwrite=overwrite,
        progress=progress,
        observer=observer,
    )
    report(out, outcome)


@soup.command("resume")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option(
    "--epochs",
    type=COUNT,
    default=None,
    help="Run N more epochs (default: on to the run's planned epoch count).",
)
@backend_option()
@_census_option(None, "Change the run's replicator census interval from here on (0: never).")
@stop_option
@no_stop_rules_option
@progress_option
@view_options
def soup_resume(
    path, epochs, backend, census_every, stop_when, no_stop_rules, progress, observer
) -> None:
    """Continue a stopped or finished run from its checkpoint, in the same file."""
    resume_and_report(
        path,
        "soup",
        "--epochs",
        epochs=epochs,
        backend=backend,
        stop_when=stop_when,
        no_stop_rules=no_stop_rules,
        census_every=census_every,
        progress=progress,
        observer=observer,
    )


@soup.command("show")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option(
    "--top",
    type=POSITIVE,
    default=10,
    show_default=True,
    help="How many of the most frequent programs to list.",
)
@click.option("--epoch", type=int, default=None, help="Snapshot to show (default: the last).")
def soup_show(path, top, epoch) -> None:
    """Summarise a run: config, latest metrics, most frequent programs."""
    from alife.substrates.programs.summary import print_summary

    print_summary(path, top=top, epoch=epoch)


@soup.command("census")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--epoch", type=int, default=None, help="Snapshot to score (default: the last).")
@click.option(
    "--top",
    type=POSITIVE,
    default=10,
    show_default=True,
    help="How many of the most abundant replicators to list.",
)
@click.option(
    "--motif",
    "motifs",
    multiple=True,
    help="Also split the programs by how many of these byte patterns they hold, e.g. "
    "'{.>]' and ']>.{' (repeatable), and count the replicators of each.",
)
@backend_option()
def soup_census(path, epoch, top, motifs, backend) -> None:
    """Count the self-replicators of a snapshot (cubff's CheckSelfRep) and list the
    most abundant ones."""
    from alife.substrates.programs.summary import print_census

    print_census(path, epoch=epoch, top=top, backend=backend, motifs=motifs)


@soup.command("mutants")
@click.argument("program")
@_language_option()
@seed_option("Seed of the noise the program and its mutants are scored against.")
@_max_steps_option("Interpreter iterations per run.")
@click.option(
    "--at-least",
    type=click.IntRange(0, 64),
    default=None,
    help="Score a mutant must keep [default: the program's own].",
)
@backend_option()
def soup_mutants(program, language, seed, max_steps, at_least, backend) -> None:
    """Which bytes of a replicator (64 bytes, cubff's printable form, as 'alife soup
    census' lists them) its replication needs: every one-byte mutant scored, per byte
    the values that keep the score, and the bits the program specifies."""
    from alife.substrates.programs.mutants_view import print_mutant_scan

    print_mutant_scan(
        language, program, seed=seed, max_steps=max_steps, at_least=at_least, backend=backend
    )


@soup.command("lineage")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--epoch", type=int, default=None, help="Snapshot to examine (default: the last).")
@click.option("--program", type=click.IntRange(min=0), default=None, help="Program to trace.")
@click.option(
    "--first-replicator",
    "first",
    is_flag=True,
    help="Trace the most abundant replicator of the first snapshot holding one.",
)
@click.option("--top", type=POSITIVE, default=10, show_default=True, help="Rows per table.")
@backend_option()
def soup_lineage(path, epoch, program, first, top, backend) -> None:
    """Where a traced run's bytes came from: surviving originals, one program's births,
    and its family tree through earlier snapshots."""
    from alife.substrates.programs.lineage_view import print_lineage

    if first and (program is not None or epoch is not None):
        raise AlifeInputError("--first-replicator picks the epoch and program itself")
    print_lineage(path, epoch=epoch, program=program, first=first, top=top, backend=backend)


@soup.command("spread")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--motif",
    "motifs",
    multiple=True,
    help="Byte pattern in the language's printable form, e.g. '[[{.>]-]' (repeatable: "
    "a program holding any counts).",
)
@click.option(
    "--replicators",
    is_flag=True,
    help="Follow the replicators instead (a census of every snapshot: slower).",
)
@click.option(
    "--every-motif",
    "every",
    is_flag=True,
    help="Count a program only if it holds every --motif, not any (e.g. both halves of a "
    "copy loop, leaving out programs that kept one).",
)
@click.option(
    "--origin",
    metavar="ROW,COL",
    default=None,
    help="Grid cell to measure the front from, e.g. where replicators were seeded "
    "(default: the first holder).",
)
@click.option(
    "--csv",
    "as_csv",
    is_flag=True,
    help="Write file,epoch,holders,programs,front CSV to standard output instead (with "
    "more columns for --contact-limit and --transmission).",
)
@click.option(
    "--plot",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also draw the share and the front against epochs in this image (.png, .pdf, .svg).",
)
@click.option(
    "--contact-limit",
    "contact",
    is_flag=True,
    help="Also replay the run's meetings with a trait every meeting passes on, from the same "
    "start: the fastest any trait could spread in it.",
)
@click.option(
    "--transmission",
    is_flag=True,
    help="Also run the epoch after each snapshot again, exactly as the run did, and count "
    "how often a meeting of a holder with a non-holder passed the trait on.",
)
@click.option(
    "--fit-from-cells",
    type=COUNT,
    default=0,
    metavar="CELLS",
    help="Fit the front's speed from the first snapshot whose front is this many cells "
    "out, leaving out how the spread started (default: from the first holder).",
)
@click.option(
    "--fit-until",
    type=COUNT,
    default=None,
    metavar="EPOCH",
    help="Fit the front's speed up to the last snapshot at or before this epoch, e.g. how "
    "the spread started (default: until the front reaches the grid's edge).",
)
@click.option("--overwrite", is_flag=True, help="Replace the --plot image if it exists.")
@progress_option
@backend_option()
def soup_spread(
    paths,
    motifs,
    replicators,
    every,
    origin,
    as_csv,
    plot,
    contact,
    transmission,
    fit_from_cells,
    fit_until,
    overwrite,
    progress,
    backend,
) -> None:
    """How a motif or replicators spread through runs' snapshots: the programs holding
    it, and in a grid soup the farthest of them from where it started, with the front's
    speed (several runs: a table of their speeds at the end)."""
    from alife.analysis.spread import FitWindow, parse_origin
    from alife.substrates.programs.spread_view import print_spreads

    cell = None if origin is None else parse_origin(origin)
    print_spreads(
        paths,
        motifs,
        replicators=replicators,
        every=every,
        origin=cell,
        backend=backend,
        contact=contact,
        transmission=transmission,
        as_csv=as_csv,
        plot=plot,
        overwrite=overwrite,
        progress=progress,
        window=FitWindow(fit_from_cells, fit_until),
    )
    if plot is not None:
        click.echo(f"wrote {plot}", err=True)


@soup.command("frame")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="PPM image to write.")
@click.option("--epoch", type=int, default=None, help="Snapshot to draw (default: the last).")
@click.option(
    "--grid",
    metavar="WxH",
    default=None,
    help="Layout for a soup without a grid (W*H = programs); default: the run's grid.",
)
@overwrite_option
def soup_frame_command(path, out, epoch, grid, overwrite) -> None:
    """Draw a snapshot as an image, each program an 8x8 tile (cubff's 2-D frames)."""
    from alife.substrates.programs.frames import write_run_frame

    shape = write_run_frame(path, out, epoch=epoch, grid=grid, overwrite=overwrite)
    click.echo(f"{out}: {shape[1]}x{shape[0]} pixels", err=True)


@soup.command("import")
@click.argument("dat", type=click.Path(dir_okay=False))
@run_file_option()
@_language_option("The cubff run's --lang.")
@seed_option("The cubff run's --seed.")
@_mutation_option("The cubff run's --mutation_prob.")
@_soup_rules_options
@overwrite_option
def soup_import(
    dat,
    out,
    language,
    seed,
    mutation,
    zero_init,
    reset_interval,
    no_permute,
    fixed_shuffle,
    grid,
    interactions,
    overwrite,
) -> None:
    """Make a run file from a cubff .dat checkpoint; 'alife soup resume' continues it.

    Give the cubff run's flags (language, seed, mutation, pairing and reset options) to
    continue it exactly as cubff would.
    """
    from alife.substrates.programs.cubff_io import read_dat
    from alife.substrates.programs.soup import Soup, SoupConfig

    saved = read_dat(dat)
    programs = saved.soup.shape[0]
    config = SoupConfig(
        language=language,
        seed=seed,
        mutation=mutation,
        **_soup_rules(
            programs, zero_init, reset_interval, no_permute, fixed_shuffle, grid, interactions
        ),
    )
    sim = Soup.from_cubff(saved, config)
    sim.save(out, overwrite=overwrite)
    click.echo(f"{out}: {programs} programs after {sim.epoch} epochs", err=True)


@soup.command("export")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False),
    help="cubff checkpoint (.dat) to write.",
)
@overwrite_option
def soup_export(path, out, overwrite) -> None:
    """Write a run's latest checkpoint as a cubff .dat file (cubff --load continues it)."""
    from alife.substrates.programs.soup import Soup

    sim = Soup.load(path, reader="'alife soup export'")
    sim.to_cubff(out, overwrite=overwrite)
    click.echo(f"{out}: {sim.config.programs} programs after {sim.epoch} epochs", err=True)


@soup.command("languages")
def soup_languages() -> None:
    """List the program languages with a one-line description each."""
    from alife.substrates.programs import get_language, language_names

    width = max(map(len, language_names()))
    for name in language_names():
        click.echo(f"{name:{width}s}  {get_language(name).description}")
