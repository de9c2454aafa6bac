"""``alife bench``: throughput benchmarks."""

from __future__ import annotations

import click
from click.core import ParameterSource

from alife.cli.app import Group
from alife.cli.options import POSITIVE, Decorator
from alife.errors import AlifeInputError

bench_backends_option = click.option(
    "--backend",
    "backends",
    multiple=True,
    type=click.Choice(["cpu", "cuda"]),
    callback=lambda ctx, param, value: usable_backends(value),
    help="Backends to time (repeatable; default: cpu, and cuda when usable).",
)


def usable_backends(backends: tuple[str, ...]) -> tuple[str, ...] | None:
    """The backends asked for (None: the default), each checked usable before anything
    is timed."""
    from alife.engine.backend import resolve_backend

    for backend in backends:
        resolve_backend(backend)
    return backends or None


def repeats_option(beside: str) -> Decorator:
    """``--repeats N``: every measurement N times, alternating with ``beside``."""
    return click.option(
        "--repeats",
        type=POSITIVE,
        default=1,
        show_default=True,
        help=f"Repeat each measurement, alternating with {beside} (machine drift then hits "
        "all alike).",
    )


@click.group(cls=Group)
def bench() -> None:
    """Throughput benchmarks for this machine."""


@bench.command("soup")
@click.option(
    "--programs", type=POSITIVE, default=131072, show_default=True, help="Programs in a soup."
)
@click.option(
    "--epochs",
    type=POSITIVE,
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
@click.option(
    "--from-run",
    type=click.Path(dir_okay=False),
    default=None,
    help="Time the latest soup of this run file instead (its language, size, seed and "
    "rules), restarted at epoch 0.",
)
@bench_backends_option
@repeats_option("cubff")
@click.option(
    "--cubff",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Path to a cubff 'main' binary to time side by side.",
)
@click.option("--trace", is_flag=True, help="Also time traced soups (tracer tokens).")
@click.option("--census", is_flag=True, help="Also time one replicator census per soup.")
@click.pass_context
def bench_soup_command(
    ctx, programs, epochs, languages, regimes, from_run, backends, repeats, cubff, trace, census
) -> None:
    """Epochs/s, interactions/s and ops/s on a random and a replicator-saturated soup,
    or on the soup of a run file."""
    from alife.bench import bench_soup, print_table
    from alife.substrates.programs import get_language, language_names

    if from_run is not None:
        given = {"programs": "--programs", "languages": "--language", "regimes": "--regime"}
        for name, option in given.items():
            if ctx.get_parameter_source(name) is not ParameterSource.DEFAULT:
                raise AlifeInputError(
                    f"{option} cannot be combined with --from-run: the run file gives "
                    "the soup's language and size"
                )
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
            from_run=from_run,
            backends=backends,
            cubff=cubff,
            repeats=repeats,
            trace=trace,
            census=census,
        )
    )


def _sizes_option(default: tuple[int, ...], help: str):
    """A repeatable ``--size`` of a benchmark, as ``sizes``."""
    return click.option(
        "--size",
        "sizes",
        type=POSITIVE,
        multiple=True,
        default=default,
        show_default=True,
        help=help,
    )


@bench.command("ca")
@_sizes_option((256, 1024, 4096), "Side of the square random soup (repeatable).")
@click.option("--steps", type=POSITIVE, default=100, show_default=True, help="Timed generations.")
@repeats_option("the other backends and bgolly")
@click.option(
    "--golly",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Path to Golly's bgolly to time on the same soups.",
)
@bench_backends_option
def bench_ca_command(sizes, steps, repeats, golly, backends) -> None:
    """Cell updates/s of Life on random soups (torus), beside bgolly when given."""
    from alife.bench_ca import bench_ca, print_ca_table

    rows = bench_ca(tuple(sizes), steps, golly=golly, repeats=repeats, backends=backends)
    print_ca_table(rows)


@bench.command("lenia")
@_sizes_option((256, 1024), "Side of the square world (repeatable).")
@click.option("--steps", type=POSITIVE, default=200, show_default=True, help="Timed steps.")
@click.option(
    "--batch", type=POSITIVE, default=1, show_default=True, help="Worlds stepped per call."
)
@repeats_option("the other backends and the baseline")
@bench_backends_option
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
@click.option("--steps", type=POSITIVE, default=50, show_default=True, help="Timed steps.")
@repeats_option("the other backends and the baseline")
@bench_backends_option
@click.option("--no-baseline", is_flag=True, help="Skip the numpy baseline.")
def bench_flow_lenia_command(sizes, steps, repeats, backends, no_baseline) -> None:
    """Flow-Lenia steps/s beside the authors' gather method in numpy."""
    from alife.bench_flow_lenia import bench_flow_lenia, print_flow_lenia_table

    rows = bench_flow_lenia(
        tuple(sizes), steps, repeats=repeats, backends=backends, baseline=not no_baseline
    )
    print_flow_lenia_table(rows)


@bench.command("gard")
@click.option(
    "--generations", type=POSITIVE, default=50, show_default=True, help="Timed generations."
)
@click.option(
    "--batch", type=POSITIVE, default=1024, show_default=True, help="Assemblies in a batch."
)
@repeats_option("the other backends and the baseline")
@bench_backends_option
@click.option("--no-baseline", is_flag=True, help="Skip the numpy baseline.")
def bench_gard_command(generations, batch, repeats, backends, no_baseline) -> None:
    """GARD events/s, one assembly and a batch, beside a plain numpy implementation."""
    from alife.bench_gard import bench_gard, print_gard_table

    rows = bench_gard(
        generations, batch=batch, repeats=repeats, backends=backends, baseline=not no_baseline
    )
    print_gard_table(rows)


@bench.command("quine")
@click.option("--epochs", type=POSITIVE, default=10, show_default=True, help="Timed epochs.")
@click.option(
    "--batch", type=POSITIVE, default=256, show_default=True, help="Coordinates per step."
)
@repeats_option("the other backends")
@bench_backends_option
def bench_quine_command(epochs, batch, repeats, backends) -> None:
    """Seconds per epoch of the paper-sized vanilla quine (Adamax and regeneration)."""
    from alife.bench_quine import bench_quine, print_quine_table

    print_quine_table(bench_quine(epochs, batch=batch, repeats=repeats, backends=backends))


@bench.command("netsoup")
@_sizes_option((100, 10000), "Networks in the soup (repeatable).")
@click.option(
    "--generations", type=POSITIVE, default=20, show_default=True, help="Timed generations."
)
@bench_backends_option
def bench_net_soup_command(sizes, generations, backends) -> None:
    """Generations per second of a network soup, batched, beside a per-network loop."""
    from alife.bench_net_soup import bench_net_soup, print_net_soup_table

    print_net_soup_table(bench_net_soup(tuple(sizes), generations, backends=backends))


@bench.command("view")
@click.option(
    "--programs", type=POSITIVE, default=2**17, show_default=True, help="Soup size drawn."
)
@click.option("--repeats", type=POSITIVE, default=10, show_default=True, help="Frames timed.")
def bench_view_command(programs, repeats) -> None:
    """Viewer start-up and frame time for a soup (SDL's dummy driver)."""
    from alife.bench_view import bench_view, print_view_table
    from alife.viz.screen import import_pygame

    import_pygame()
    print_view_table(bench_view(programs, repeats), programs)
