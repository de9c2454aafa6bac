"""The ``alife`` command line: a thin shell over the Python API.

Bad input ends with one sentence on stderr and exit code 2, before any file is touched.
"""

from __future__ import annotations

import functools
import os
import sys

import click

from alife.errors import AlifeInputError

_POSITIVE = click.IntRange(min=1)


class _Group(click.Group):
    """A click group that reports AlifeInputError as ``Error: ...`` with exit code 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except AlifeInputError as err:
            click.echo(f"Error: {err}", err=True)
            ctx.exit(2)


@click.group(cls=_Group)
@click.version_option(package_name="alife")
def main() -> None:
    """alife: a laboratory for artificial life and self-replication."""


@main.group(cls=_Group)
def soup() -> None:
    """Primordial soups of programs (Computational Life; cubff-exact)."""


def _backend_option(default: str = "cpu"):
    return click.option(
        "--backend",
        type=click.Choice(["cpu", "cuda", "auto"]),
        default=default,
        show_default=True,
        help="cuda needs a GPU; auto picks cuda when one is usable.",
    )


_bench_backends_option = click.option(
    "--backend",
    "backends",
    multiple=True,
    type=click.Choice(["cpu", "cuda"]),
    callback=lambda ctx, param, value: _usable_backends(value),
    help="Backends to time (repeatable; default: cpu, and cuda when usable).",
)


def _usable_backends(backends: tuple[str, ...]) -> tuple[str, ...] | None:
    """The backends asked for (None: the default), each checked usable before anything
    is timed."""
    from alife.engine.backend import resolve_backend

    for backend in backends:
        resolve_backend(backend)
    return backends or None


def _language_option(help: str = "Program language (see 'alife soup languages')."):
    return click.option("--language", default="bff_noheads", show_default=True, help=help)


def _seed_option(help: str = "Run seed."):
    return click.option(
        "--seed", type=click.IntRange(0, 2**64 - 1), default=0, show_default=True, help=help
    )


def _mutation_option(help: str = "Per-byte mutation probability per interaction, in [0, 1]."):
    return click.option(
        "--mutation", type=float, default=1 / 4096, show_default="1/4096", help=help
    )


_overwrite_option = click.option("--overwrite", is_flag=True, help="Replace --out if it exists.")
_progress_option = click.option(
    "--progress/--no-progress",
    default=None,
    help="Show the progress bar (default: only on a terminal).",
)
_VIEW_OPTIONS = (
    click.option("--view", is_flag=True, help="Show the run live in a window (needs pygame)."),
    click.option(
        "--view-every",
        type=_POSITIVE,
        default=1,
        show_default=True,
        metavar="N",
        help="With --view, draw at most every N epochs.",
    ),
    click.option(
        "--view-fps",
        type=click.FloatRange(min=0, min_open=True),
        default=30.0,
        show_default=True,
        help="With --view, draw at most this many frames a second.",
    ),
)


def _view_options(command):
    """--view, --view-every, --view-fps; ``command`` receives them as ``observer``: a
    live viewer (:class:`alife.viz.viewer.LiveView`) or None. Put it just above the
    function."""

    @functools.wraps(command)
    def with_view(*args, view: bool, view_every: int, view_fps: float, **kwargs):
        if not view:
            return command(*args, observer=None, **kwargs)
        from alife.viz.screen import import_pygame
        from alife.viz.viewer import LiveView

        import_pygame()
        observer = LiveView(every=view_every, fps=view_fps)
        try:
            return command(*args, observer=observer, **kwargs)
        finally:
            observer.close()

    for option in reversed(_VIEW_OPTIONS):
        with_view = option(with_view)
    return with_view


_stop_option = click.option(
    "--stop-when",
    multiple=True,
    metavar="RULE",
    help="End early when a metric crosses a value, e.g. 'higher_entropy>3' or "
    "'replicators>1000' (repeatable).",
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


def _schedule_options(*, metrics: int, snapshot: int, checkpoint: int, unit: str):
    """--metrics-every, --snapshot-every and --checkpoint-every with these defaults."""
    options = [
        click.option(
            "--metrics-every",
            type=int,
            default=metrics,
            show_default=True,
            help=f"Record metrics after {unit} 1 and every N {unit}s after it.",
        ),
        click.option(
            "--snapshot-every",
            type=int,
            default=snapshot,
            show_default=True,
            help=f"Snapshot the state every N {unit}s (the final state always).",
        ),
        click.option(
            "--checkpoint-every",
            type=int,
            default=checkpoint,
            show_default=True,
            help=f"Checkpoint every N {unit}s (also at the end and on Ctrl-C).",
        ),
    ]

    def apply(command):
        for option in reversed(options):
            command = option(command)
        return command

    return apply


def _run_options(*, metrics: int, snapshot: int, checkpoint: int, unit: str):
    """What every command that starts a run takes after its own options: --overwrite,
    the schedule (these defaults), --backend, --stop-when, --progress and the live view
    (the function receives ``observer``)."""

    def apply(command):
        command = _view_options(command)
        for option in (
            _progress_option,
            _stop_option,
            _backend_option(),
            _schedule_options(metrics=metrics, snapshot=snapshot, checkpoint=checkpoint, unit=unit),
            _overwrite_option,
        ):
            command = option(command)
        return command

    return apply


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
    type=int,
    default=16384,
    show_default=True,
    help="Epochs to run at most.",
)
@_seed_option()
@_mutation_option()
@click.option(
    "--max-steps",
    type=int,
    default=8192,
    show_default=True,
    help="Interpreter iterations per interaction.",
)
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
@click.option(
    "--out", required=True, type=click.Path(dir_okay=False), help="Run file to create (HDF5)."
)
@_overwrite_option
@_backend_option()
@_schedule_options(metrics=16, snapshot=1024, checkpoint=256, unit="epoch")
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
@_stop_option
@_progress_option
@_view_options
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
    _report(out, outcome)


@soup.command("resume")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option(
    "--epochs",
    type=int,
    default=None,
    help="Run N more epochs (default: on to the run's planned epoch count).",
)
@_backend_option()
@_census_option(None, "Change the run's replicator census interval from here on (0: never).")
@_stop_option
@_progress_option
@_view_options
def soup_resume(path, epochs, backend, census_every, stop_when, progress, observer) -> None:
    """Continue a stopped or finished run from its checkpoint, in the same file."""
    _resume(
        path,
        epochs=epochs,
        backend=backend,
        stop_when=stop_when,
        census_every=census_every,
        progress=progress,
        observer=observer,
    )


def _report(path: str, outcome) -> None:
    click.echo(f"{path}: {outcome.reason} at epoch {outcome.epoch}", err=True)


def _add_resume(group: click.Group, option: str, unit: str, help_text: str) -> None:
    """Add ``resume PATH [OPTION N]`` to ``group``: continue a run from its checkpoint
    for N more ``unit``s (default: to its planned end)."""

    @group.command("resume", help=help_text)
    @click.argument("path", type=click.Path(dir_okay=False))
    @click.option(option, "more", type=int, default=None, help=f"Run N more {unit}s.")
    @_backend_option()
    @_stop_option
    @_progress_option
    @_view_options
    def resume(path, more, backend, stop_when, progress, observer) -> None:
        _resume(
            path,
            epochs=more,
            backend=backend,
            stop_when=stop_when,
            progress=progress,
            observer=observer,
        )


def _resume(path: str, **options) -> None:
    """Continue the run at ``path`` (options of :func:`alife.engine.session.resume_run`)
    and report how it ended."""
    from alife.engine.session import resume_run

    _report(path, resume_run(path, **options))


@main.command("view")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option(
    "--follow", is_flag=True, help="Attach to a run still being written; show new snapshots."
)
@click.option("--epoch", type=int, default=None, help="Start at this epoch's snapshot.")
def view(path, follow, epoch) -> None:
    """Replay a run file in a window: space play/pause, arrows step, +/- speed,
    digits+Enter jump to an epoch, wheel zoom, drag pan, q quit."""
    from alife.viz.sources import RunFrames
    from alife.viz.viewer import Viewer

    frames = RunFrames(path, follow=follow)
    try:
        if not len(frames):
            raise AlifeInputError(f"{path!r} holds no snapshots yet")
        viewer = Viewer(frames, os.path.basename(path), following=follow)
        if epoch is not None:
            viewer.go(frames.position(epoch))
        try:
            viewer.replay()
        finally:
            viewer.close()
    finally:
        frames.close()


@main.command("render")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Folder for PNGs.")
@click.option("--every", type=_POSITIVE, default=1, show_default=True, help="Every K-th snapshot.")
@click.option(
    "--scale", type=_POSITIVE, default=1, show_default=True, help="Pixels per picture pixel."
)
@click.option("--window", is_flag=True, help="Draw the whole viewer window, side panel too.")
@click.option(
    "--video",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also encode the frames as this MP4 file (needs imageio-ffmpeg).",
)
@_overwrite_option
def render(path, out, every, scale, window, video, overwrite) -> None:
    """Write a run's snapshots as PNG frames without a display (SDL's dummy driver)."""
    from alife.viz.render import render_run

    done = render_run(
        path, out, every=every, scale=scale, window=window, video=video, overwrite=overwrite
    )
    width, height = done.size
    click.echo(f"{len(done.pngs)} frames of {width}x{height} pixels in {out}", err=True)
    if done.video:
        click.echo(f"video: {done.video}", err=True)


@soup.command("show")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option(
    "--top",
    type=_POSITIVE,
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
    type=_POSITIVE,
    default=10,
    show_default=True,
    help="How many of the most abundant replicators to list.",
)
@_backend_option()
def soup_census(path, epoch, top, backend) -> None:
    """Count the self-replicators of a snapshot (cubff's CheckSelfRep) and list the
    most abundant ones."""
    from alife.substrates.programs.summary import print_census

    print_census(path, epoch=epoch, top=top, backend=backend)


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
@click.option("--top", type=_POSITIVE, default=10, show_default=True, help="Rows per table.")
@_backend_option()
def soup_lineage(path, epoch, program, first, top, backend) -> None:
    """Where a traced run's bytes came from: surviving originals, one program's births,
    and its family tree through earlier snapshots."""
    from alife.substrates.programs.lineage_view import print_lineage

    if first and (program is not None or epoch is not None):
        raise AlifeInputError("--first-replicator picks the epoch and program itself")
    print_lineage(path, epoch=epoch, program=program, first=first, top=top, backend=backend)


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
@_overwrite_option
def soup_frame_command(path, out, epoch, grid, overwrite) -> None:
    """Draw a snapshot as an image, each program an 8x8 tile (cubff's 2-D frames)."""
    from alife.substrates.programs.frames import write_run_frame

    shape = write_run_frame(path, out, epoch=epoch, grid=grid, overwrite=overwrite)
    click.echo(f"{out}: {shape[1]}x{shape[0]} pixels", err=True)


@soup.command("import")
@click.argument("dat", type=click.Path(dir_okay=False))
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Run file to create.")
@_language_option("The cubff run's --lang.")
@_seed_option("The cubff run's --seed.")
@_mutation_option("The cubff run's --mutation_prob.")
@_soup_rules_options
@_overwrite_option
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
@_overwrite_option
def soup_export(path, out, overwrite) -> None:
    """Write a run's latest checkpoint as a cubff .dat file (cubff --load continues it)."""
    from alife.substrates.programs.soup import Soup

    sim = Soup.load(path)
    sim.to_cubff(out, overwrite=overwrite)
    click.echo(f"{out}: {sim.config.programs} programs after {sim.epoch} epochs", err=True)


@soup.command("languages")
def soup_languages() -> None:
    """List the program languages with a one-line description each."""
    from alife.substrates.programs import get_language, language_names

    width = max(map(len, language_names()))
    for name in language_names():
        click.echo(f"{name:{width}s}  {get_language(name).description}")


@main.group(cls=_Group)
def gard() -> None:
    """GARD protocells: catalysed growth, fission, compotypes."""


_RUN_KEYS = (
    "overwrite",
    "metrics_every",
    "snapshot_every",
    "checkpoint_every",
    "backend",
    "stop_when",
    "progress",
    "observer",
)


def _gard_options(function):
    """The chemistry and selection options shared by ``gard run`` and ``gard population``."""
    options = [
        click.option("--species", type=int, default=100, show_default=True, help="N_G."),
        click.option("--nmax", type=int, default=100, show_default=True, help="Split size."),
        click.option("--kf", type=float, default=1e-2, show_default=True, help="Joining rate."),
        click.option("--kb", type=float, default=1e-4, show_default=True, help="Leaving rate."),
        click.option("--mu", type=float, default=-4.0, show_default=True, help="Beta's mu."),
        click.option("--sigma", type=float, default=4.0, show_default=True, help="... sigma."),
        _seed_option("Seed of the random streams."),
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
@click.option("--generations", type=int, default=1000, show_default=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Run file to create.")
@_run_options(metrics=1, snapshot=1, checkpoint=100, unit="generation")
def gard_run(replicas, generations, out, **options) -> None:
    """Run GARD lineages into a new run file (a snapshot of compositions per generation)."""
    from alife.substrates.gard.gard_sim import GardSim
    from alife.substrates.gard.model import GardConfig

    run = {k: options.pop(k) for k in _RUN_KEYS}
    config = GardConfig(**_gard_fields(**options), replicas=replicas)
    _start_run(GardSim, config, out, steps=generations, **run)


@gard.command("population")
@_gard_options
@click.option("--size", type=int, default=100, show_default=True, help="Assemblies (P).")
@click.option("--populations", type=int, default=1, show_default=True, help="Independent ones.")
@click.option(
    "--epochs", type=int, default=100, show_default=True, help="Epochs of P fissions each."
)
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Run file to create.")
@_run_options(metrics=1, snapshot=10, checkpoint=10, unit="epoch")
def gard_population(size, populations, epochs, out, **options) -> None:
    """Run Moran populations of GARD assemblies (with selection: --bias, --target)."""
    from alife.substrates.gard.population import PopulationConfig
    from alife.substrates.gard.population_sim import PopulationSim

    run = {k: options.pop(k) for k in _RUN_KEYS}
    config = PopulationConfig(**_gard_fields(**options), size=size, populations=populations)
    _start_run(PopulationSim, config, out, steps=epochs, **run)


_add_resume(
    gard,
    "--generations",
    "generation",
    "Continue a GARD run (lineages or populations) from its checkpoint.",
)


@gard.command("show")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--replica", type=int, default=0, show_default=True, help="Which lineage.")
@click.option(
    "--threshold",
    type=float,
    default=0.9,
    show_default=True,
    help="H above which neighbouring generations count as non-drift.",
)
def gard_show(path, replica, threshold) -> None:
    """P_mc, compotypes, their frequencies and lifetimes for one lineage of a run."""
    from alife.substrates.gard.report import print_gard_summary

    print_gard_summary(path, replica=replica, threshold=threshold)


@main.group(cls=_Group)
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
@_seed_option("Seed of the weights, projection and shuffles.")
@click.option("--epochs", type=int, default=30, show_default=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Run file to create.")
@_run_options(metrics=1, snapshot=10, checkpoint=10, unit="epoch")
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
    _start_run(QuineSim, config, out, steps=epochs, **run)


@quine.command("soup")
@click.option("--size", type=int, default=100, show_default=True, help="Networks in the soup.")
@click.option("--generations", type=int, default=500, show_default=True)
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
    "--activation", type=click.Choice(["linear", "sigmoid"]), default="linear", show_default=True
)
@click.option("--attack-rate", type=float, default=0.1, show_default=True)
@click.option("--learn-rate", type=float, default=0.1, show_default=True)
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
@_seed_option("Seed of the soup and of every generation's draws.")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Run file to create.")
@_run_options(metrics=1, snapshot=10, checkpoint=50, unit="generation")
def quine_soup(size, generations, out, **options) -> None:
    """A soup of self-replicating networks (Gabor et al.): attacks, lessons,
    self-training, and the fixpoint census every generation."""
    from alife.quines.net_soup import NetSoupConfig, NetSoupSim

    run = {k: options.pop(k) for k in _RUN_KEYS}
    _start_run(NetSoupSim, NetSoupConfig(size=size, **options), out, steps=generations, **run)


_add_resume(
    quine,
    "--epochs",
    "epoch",
    "Continue a quine run (weights and optimizer state) or a network soup from its checkpoint.",
)


@quine.command("classify")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--epoch", type=int, default=None, help="Snapshot to classify (default: last).")
def quine_classify(path, epoch) -> None:
    """Per-layer metrics of a snapshot and what repeated regeneration reaches."""
    from alife.quines.report import print_classification

    print_classification(path, epoch)


@main.group(cls=_Group)
def bench() -> None:
    """Throughput benchmarks for this machine."""


@bench.command("soup")
@click.option("--programs", type=_POSITIVE, default=131072, show_default=True)
@click.option(
    "--epochs",
    type=_POSITIVE,
    default=20,
    show_default=True,
    help="Timed epochs per regime (after one untimed warm-up epoch).",
)
@click.option(
    "--language",
    "languages",
    multiple=True,
    default=("bff_noheads",),
    show_default=True,
    help="Language to time (repeatable), or 'all'.",
)
@click.option(
    "--regime",
    "regimes",
    multiple=True,
    type=click.Choice(["random", "replicator"]),
    help="Soups to time (default: random, and replicator where the language has one).",
)
@_bench_backends_option
@click.option(
    "--repeats",
    type=_POSITIVE,
    default=1,
    show_default=True,
    help="Repeat each measurement, alife and cubff alternating (machine drift hits both).",
)
@click.option(
    "--cubff",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Path to a cubff 'main' binary to time side by side.",
)
@click.option("--trace", is_flag=True, help="Also time traced soups (tracer tokens).")
@click.option("--census", is_flag=True, help="Also time one replicator census per soup.")
def bench_soup_command(
    programs, epochs, languages, regimes, backends, repeats, cubff, trace, census
) -> None:
    """Epochs/s, interactions/s and ops/s on a random and a replicator-saturated soup."""
    from alife.bench import bench_soup, print_table
    from alife.substrates.programs import get_language, language_names

    if "all" in languages:
        languages = language_names()
    for name in languages:
        get_language(name)  # an unknown name ends here, before anything is timed
    print_table(
        bench_soup(
            programs=programs,
            epochs=epochs,
            languages=tuple(languages),
            regimes=tuple(regimes) or None,
            backends=backends,
            cubff=cubff,
            repeats=repeats,
            trace=trace,
            census=census,
        )
    )


@main.group(cls=_Group)
def ca() -> None:
    """Cellular automata: Life-like rules, Lenia, self-replicating loops, datasets."""


def _ca_size(text: str) -> tuple[int, int]:
    """(width, height) of a CA ``--size``: ``WxH``, or ``N`` for N x N."""
    from alife.substrates.programs.interactions import parse_grid

    return parse_grid(f"{text}x{text}" if text.strip().isdigit() else text)


def _start_run(
    sim_class,
    config,
    out: str,
    *,
    steps: int,
    metrics_every: int,
    snapshot_every: int,
    checkpoint_every: int,
    **options,
) -> None:
    """Start a run of ``steps`` epochs (generations) into ``out`` with the shared
    options (backend, stop rules, overwrite, progress)."""
    from alife.engine.run import Schedule
    from alife.engine.session import start_run

    schedule = Schedule(
        metrics_every=metrics_every,
        snapshot_every=snapshot_every,
        checkpoint_every=checkpoint_every,
    )
    outcome = start_run(sim_class, config, out, epochs=steps, schedule=schedule, **options)
    _report(out, outcome)


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
@_seed_option("Seed of the random start.")
@click.option("--steps", type=int, default=1000, show_default=True, help="Generations to run.")
@click.option(
    "--out", required=True, type=click.Path(dir_okay=False), help="Run file to create (HDF5)."
)
@_run_options(metrics=1, snapshot=100, checkpoint=1000, unit="generation")
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
    _start_run(LifeSim, config, out, **run)


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
@_seed_option("Seed of the random cells.")
@click.option(
    "--dtype", type=click.Choice(["float32", "float64"]), default="float32", show_default=True
)
@click.option("--steps", type=int, default=1000, show_default=True, help="Steps to run.")
@click.option(
    "--out",
    default="lenia.h5",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="Run file to create (HDF5).",
)
@_run_options(metrics=1, snapshot=100, checkpoint=1000, unit="step")
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
    _start_run(LeniaSim, config, out, **run)


@ca.command("flow-lenia")
@click.option("--size", default="128x128", show_default=True, metavar="WxH|N", help="World size.")
@click.option("--channels", type=int, default=1, show_default=True, help="Kinds of matter.")
@click.option("--kernels", type=int, default=10, show_default=True, help="Kernels of the rule.")
@click.option("--patch", type=int, default=40, show_default=True, help="Side of the random start.")
@_seed_option("Seed of the rule and of the random start.")
@click.option("--dt", type=float, default=0.2, show_default=True, help="Time step.")
@click.option(
    "--sigma", type=float, default=0.65, show_default=True, help="Half side of a moved square."
)
@click.option("--reach", type=int, default=5, show_default=True, help="Largest move, in cells.")
@click.option(
    "--theta-a", type=float, default=1.0, show_default=True, help="Mass where crowding wins."
)
@click.option("--steps", type=int, default=1000, show_default=True, help="Steps to run.")
@click.option(
    "--out", required=True, type=click.Path(dir_okay=False), help="Run file to create (HDF5)."
)
@_run_options(metrics=1, snapshot=50, checkpoint=500, unit="step")
def ca_flow_lenia(size, out, **options) -> None:
    """Flow-Lenia (Plantec et al. 2023): mass-conserving Lenia with a random rule."""
    from alife.substrates.ca.flow_lenia_sim import FlowLeniaConfig, FlowLeniaSim

    run = {k: options.pop(k) for k in _RUN_KEYS}
    width, height = _ca_size(size)
    steps = options.pop("steps")
    config = FlowLeniaConfig(width=width, height=height, **options)
    _start_run(FlowLeniaSim, config, out, steps=steps, **run)


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
@click.option("--steps", type=int, default=1000, show_default=True, help="Generations to run.")
@click.option(
    "--out",
    default="loops.h5",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="Run file to create (HDF5).",
)
@_run_options(metrics=1, snapshot=100, checkpoint=1000, unit="generation")
def ca_loops(rule, pattern, size, torus, out, **run) -> None:
    """Run a self-replicating loop (a rule table) into a new run file."""
    from alife.substrates.ca.loops_sim import LoopsConfig, LoopsSim

    width, height = _ca_size(size)
    config = LoopsConfig(rule=rule, pattern=pattern, width=width, height=height, torus=torus)
    _start_run(LoopsSim, config, out, **run)


@ca.command("dataset")
@click.option("--rule", default="B3/S23", show_default=True, help="Life-like rule (Golly).")
@click.option("--size", default="32x32", show_default=True, metavar="WxH|N", help="Grid size.")
@click.option("--torus/--plane", default=True, show_default=True, help="Wrap around or not.")
@click.option("--samples", type=_POSITIVE, default=100000, show_default=True)
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
@_seed_option("Dataset seed.")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="HDF5 file to create.")
@_overwrite_option
@_backend_option()
@_progress_option
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


_add_resume(ca, "--steps", "generation", "Continue a CA run from its checkpoint, in the same file.")


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


def _sizes_option(default: tuple[int, ...], help: str):
    """A repeatable ``--size`` of a benchmark, as ``sizes``."""
    return click.option(
        "--size",
        "sizes",
        type=_POSITIVE,
        multiple=True,
        default=default,
        show_default=True,
        help=help,
    )


@bench.command("ca")
@_sizes_option((256, 1024, 4096), "Side of the square random soup (repeatable).")
@click.option("--steps", type=_POSITIVE, default=100, show_default=True, help="Timed generations.")
@click.option("--repeats", type=_POSITIVE, default=1, show_default=True)
@click.option(
    "--golly",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Path to Golly's bgolly to time on the same soups.",
)
@_bench_backends_option
def bench_ca_command(sizes, steps, repeats, golly, backends) -> None:
    """Cell updates/s of Life on random soups (torus), beside bgolly when given."""
    from alife.bench_ca import bench_ca, print_ca_table

    rows = bench_ca(tuple(sizes), steps, golly=golly, repeats=repeats, backends=backends)
    print_ca_table(rows)


@bench.command("lenia")
@_sizes_option((256, 1024), "Side of the square world (repeatable).")
@click.option("--steps", type=_POSITIVE, default=200, show_default=True, help="Timed steps.")
@click.option(
    "--batch", type=_POSITIVE, default=1, show_default=True, help="Worlds stepped per call."
)
@click.option("--repeats", type=_POSITIVE, default=1, show_default=True)
@_bench_backends_option
@click.option("--no-baseline", is_flag=True, help="Skip the numpy + scipy.fft baseline.")
def bench_lenia_command(sizes, steps, batch, repeats, backends, no_baseline) -> None:
    """Lenia steps/s beside a plain numpy + scipy.fft float64 update."""
    from alife.bench_lenia import bench_lenia, print_lenia_table

    rows = bench_lenia(
        tuple(sizes),
        steps,
        batch=batch,
        repeats=repeats,
        backends=backends,
        baseline=not no_baseline,
    )
    print_lenia_table(rows)


@bench.command("flowlenia")
@_sizes_option((128, 256), "Side of the square world (repeatable).")
@click.option("--steps", type=_POSITIVE, default=50, show_default=True, help="Timed steps.")
@click.option("--repeats", type=_POSITIVE, default=1, show_default=True)
@_bench_backends_option
@click.option("--no-baseline", is_flag=True, help="Skip the numpy baseline.")
def bench_flow_lenia_command(sizes, steps, repeats, backends, no_baseline) -> None:
    """Flow-Lenia steps/s beside the authors' gather method in numpy."""
    from alife.bench_flow_lenia import bench_flow_lenia, print_flow_lenia_table

    rows = bench_flow_lenia(
        tuple(sizes), steps, repeats=repeats, backends=backends, baseline=not no_baseline
    )
    print_flow_lenia_table(rows)


@bench.command("gard")
@click.option("--generations", type=_POSITIVE, default=50, show_default=True)
@click.option(
    "--batch", type=_POSITIVE, default=1024, show_default=True, help="Assemblies in a batch."
)
@click.option("--repeats", type=_POSITIVE, default=1, show_default=True)
@_bench_backends_option
@click.option("--no-baseline", is_flag=True, help="Skip the numpy baseline.")
def bench_gard_command(generations, batch, repeats, backends, no_baseline) -> None:
    """GARD events/s, one assembly and a batch, beside a plain numpy implementation."""
    from alife.bench_gard import bench_gard, print_gard_table

    rows = bench_gard(
        generations, batch=batch, repeats=repeats, backends=backends, baseline=not no_baseline
    )
    print_gard_table(rows)


@bench.command("quine")
@click.option("--epochs", type=_POSITIVE, default=10, show_default=True)
@click.option("--batch", type=_POSITIVE, default=256, show_default=True)
@click.option("--repeats", type=_POSITIVE, default=1, show_default=True)
@_bench_backends_option
def bench_quine_command(epochs, batch, repeats, backends) -> None:
    """Seconds per epoch of the paper-sized vanilla quine (Adamax and regeneration)."""
    from alife.bench_quine import bench_quine, print_quine_table

    print_quine_table(bench_quine(epochs, batch=batch, repeats=repeats, backends=backends))


@bench.command("netsoup")
@_sizes_option((100, 10000), "Networks in the soup (repeatable).")
@click.option("--generations", type=_POSITIVE, default=20, show_default=True)
@_bench_backends_option
def bench_net_soup_command(sizes, generations, backends) -> None:
    """Generations per second of a network soup, batched, beside a per-network loop."""
    from alife.bench_net_soup import bench_net_soup, print_net_soup_table

    print_net_soup_table(bench_net_soup(tuple(sizes), generations, backends=backends))


@bench.command("view")
@click.option(
    "--programs", type=_POSITIVE, default=2**17, show_default=True, help="Soup size drawn."
)
@click.option("--repeats", type=_POSITIVE, default=10, show_default=True, help="Frames timed.")
def bench_view_command(programs, repeats) -> None:
    """Viewer start-up and frame time for a soup (SDL's dummy driver)."""
    from alife.bench_view import bench_view, print_view_table
    from alife.viz.screen import import_pygame

    import_pygame()
    print_view_table(bench_view(programs, repeats), programs)


@main.command("sweep")
@click.argument("words", nargs=-1, required=True, metavar="[status] SWEEP.toml")
@click.option("--scheduler", default=None, help="Dask scheduler address (default: local).")
@click.option("--workers", type=_POSITIVE, default=None, help="Local workers (default: cores).")
@click.option("--dry-run", is_flag=True, help="List the runs and their state; start nothing.")
@_progress_option
def sweep(words, scheduler, workers, dry_run, progress) -> None:
    """Run a parameter sweep on Dask (or 'alife sweep status FILE' for its state)."""
    from alife.sweep.spec import load_sweep

    if len(words) == 2 and words[0] == "status":
        from alife.sweep.summary import print_status

        print_status(load_sweep(words[1]))
        return
    if len(words) != 1:
        raise AlifeInputError(
            f"expected 'alife sweep SWEEP.toml' or 'alife sweep status SWEEP.toml', got "
            f"{' '.join(words)!r}"
        )
    spec = load_sweep(words[0])
    if dry_run:
        from alife.sweep.manifest import load_manifest

        entries = load_manifest(spec)
        for run in spec.runs:
            state = entries[run.name]["state"]
            click.echo(f"{state:<8} alife {' '.join(spec.command)} {' '.join(run.args)}")
        return
    from alife.sweep.runner import run_sweep

    result = run_sweep(spec, scheduler=scheduler, workers=workers, progress=progress)
    click.echo(
        f"{spec.source}: {result.done} of {len(spec.runs)} runs done "
        f"({result.skipped} were already), {len(result.failed)} failed",
        err=True,
    )
    for entry in result.failed:
        click.echo(f"  failed {entry['name']} {entry['params']}: {entry['error']}", err=True)
    if result.failed:
        sys.exit(1)


@main.command("analyze")
@click.argument("runs", nargs=-1, type=click.Path(dir_okay=False))
@click.option(
    "--sweep",
    "sweep_file",
    default=None,
    type=click.Path(dir_okay=False),
    help="A sweep file: one table (CSV) and plots across its runs.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder for the report (default: RUN_report beside the run; 'comparison' with --compare).",
)
@click.option("--compare", is_flag=True, help="Overlay several runs in one report.")
@click.option(
    "--epoch",
    "epochs",
    type=int,
    multiple=True,
    help="Snapshot to draw (repeatable; default: first, first past the transition, last).",
)
@click.option(
    "--census/--no-census",
    default=True,
    show_default=True,
    help="Count the replicators of the last snapshot for the summary.",
)
@click.option(
    "--top",
    type=_POSITIVE,
    default=10,
    show_default=True,
    help="Programs listed in the summary.",
)
@_backend_option()
@_overwrite_option
def analyze(runs, sweep_file, out, compare, epochs, census, top, backend, overwrite) -> None:
    """Plots (PNG) and a markdown summary of a soup, GARD, quine or network-soup run (several soups
    with --compare, a whole sweep with --sweep)."""
    from alife.analysis.report import analyze_run, compare_runs
    from alife.engine.store import open_run

    if sweep_file is not None:
        from alife.sweep.spec import load_sweep
        from alife.sweep.summary import write_summary

        for path in write_summary(load_sweep(sweep_file), out):
            click.echo(path)
        return
    if not runs:
        raise AlifeInputError("give a run file to analyze (or --sweep SWEEP.toml)")
    if not compare and len(runs) == 1:
        with open_run(runs[0]) as run:
            substrate = run.substrate
        if substrate in ("gard", "gard_population", "quine", "quine_soup"):
            from alife.quines.report import analyze_net_soup, analyze_quine
            from alife.substrates.gard.report import analyze_gard, analyze_population

            out = out or f"{os.path.splitext(runs[0])[0]}_report"
            draw = {
                "gard": analyze_gard,
                "gard_population": analyze_population,
                "quine": analyze_quine,
                "quine_soup": analyze_net_soup,
            }[substrate]
            for path in draw(runs[0], out, overwrite=overwrite):
                click.echo(path)
            return
    if compare:
        written = compare_runs(runs, out or "comparison", overwrite=overwrite)
    elif len(runs) > 1:
        raise AlifeInputError(
            f"got {len(runs)} runs; analyze one run at a time, or overlay them with --compare"
        )
    else:
        written = analyze_run(
            runs[0],
            out or f"{os.path.splitext(runs[0])[0]}_report",
            epochs=epochs or None,
            census=census,
            top=top,
            backend=backend,
            overwrite=overwrite,
        )
    for path in written:
        click.echo(path)


if __name__ == "__main__":
    sys.exit(main())
