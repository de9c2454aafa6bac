"""``alife sweep``, ``alife analyze``, ``alife show`` and ``alife list``: many runs at
once, reports, a summary of any run file, and a table of many."""

from __future__ import annotations

import os
import sys

import click

from alife.cli.app import Command
from alife.cli.options import POSITIVE, backend_option, overwrite_option, progress_option
from alife.errors import AlifeInputError


@click.command("sweep", cls=Command)
@click.argument("words", nargs=-1, required=True, metavar="[status] SWEEP.toml")
@click.option("--scheduler", default=None, help="Dask scheduler address (default: local).")
@click.option("--workers", type=POSITIVE, default=None, help="Local workers (default: cores).")
@click.option("--dry-run", is_flag=True, help="List the runs and their state; start nothing.")
@progress_option
def sweep(words, scheduler, workers, dry_run, progress) -> None:
    """Run a parameter sweep on Dask (or 'alife sweep status FILE' for its state)."""
    from alife.sweep.spec import load_sweep

    if len(words) == 2 and words[0] == "status":
        from alife.sweep.summary import print_status

        print_status(load_sweep(words[1], check_runs=False))
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


@click.command("analyze", cls=Command)
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
    help="Snapshot to draw, in completed epochs or steps (repeatable; default: first, first "
    "past the transition and last of a soup, first and last of a CA run); the one snapshot "
    "a quine report classifies (default: last).",
)
@click.option(
    "--census/--no-census",
    default=True,
    show_default=True,
    help="Count the replicators of the last snapshot for the summary, and of a grid soup's "
    "snapshots for its wave (spread.png).",
)
@click.option(
    "--top",
    type=POSITIVE,
    default=10,
    show_default=True,
    help="Programs listed in the summary.",
)
@backend_option()
@overwrite_option
def analyze(runs, sweep_file, out, compare, epochs, census, top, backend, overwrite) -> None:
    """Plots (PNG) and a markdown summary of a run: soup, cellular automaton, GARD, quine or
    network soup (several runs of one substrate with --compare, a whole sweep with
    --sweep)."""
    from alife.analysis.compare import compare_paths
    from alife.analysis.report import analyze_run
    from alife.engine.store import open_run
    from alife.substrates.ca.report import analyze_ca
    from alife.substrates.ca.summary import CA_SUBSTRATES

    if out == "":
        raise AlifeInputError(
            "the report folder is empty; give a folder, or leave --out out for the default"
        )
    if sweep_file is not None and runs:
        raise AlifeInputError(
            f"got run files ({runs[0]!r}) and --sweep; analyze either runs or a sweep"
        )
    if sweep_file is not None:
        from alife.sweep.spec import load_sweep
        from alife.sweep.summary import write_summary

        for path in write_summary(load_sweep(sweep_file, check_runs=False), out):
            click.echo(path)
        return
    if not runs:
        raise AlifeInputError("give a run file to analyze (or --sweep SWEEP.toml)")
    if not compare and len(runs) == 1:
        with open_run(runs[0]) as run:
            substrate = run.substrate
        out = out or f"{os.path.splitext(runs[0])[0]}_report"
        if substrate in CA_SUBSTRATES:
            for path in analyze_ca(runs[0], out, epochs=epochs or None, overwrite=overwrite):
                click.echo(path)
            return
        if substrate == "quine":
            from alife.quines.report import analyze_quine

            if len(epochs) > 1:
                raise AlifeInputError(
                    f"a quine report classifies one snapshot; got --epoch {len(epochs)} times"
                )
            epoch = epochs[0] if epochs else None
            for path in analyze_quine(runs[0], out, epoch=epoch, overwrite=overwrite):
                click.echo(path)
            return
        if substrate in ("gard", "gard_population", "quine_soup"):
            from alife.quines.report import analyze_net_soup
            from alife.substrates.gard.report import analyze_gard, analyze_population

            if epochs:
                raise AlifeInputError(
                    f"--epoch picks snapshots of soup, CA and quine runs; the report of a "
                    f"{substrate} run draws every record"
                )
            draw = {
                "gard": analyze_gard,
                "gard_population": analyze_population,
                "quine_soup": analyze_net_soup,
            }[substrate]
            for path in draw(runs[0], out, overwrite=overwrite):
                click.echo(path)
            return
    if compare:
        if epochs:
            raise AlifeInputError("--compare overlays the runs' records; it takes no --epoch")
        written = compare_paths(runs, out or "comparison", overwrite=overwrite)
    elif len(runs) > 1:
        raise AlifeInputError(
            f"got {len(runs)} runs; analyze one run at a time, or overlay them with --compare"
        )
    else:
        written = analyze_run(
            runs[0],
            out,
            epochs=epochs or None,
            census=census,
            top=top,
            backend=backend,
            overwrite=overwrite,
        )
    for path in written:
        click.echo(path)


@click.command("show", cls=Command)
@click.argument("path", type=click.Path(dir_okay=False))
@click.pass_context
def show(ctx: click.Context, path: str) -> None:
    """Summary of any run file: what 'alife GROUP show' prints for its substrate (soup,
    ca, gard or quine; those take more options). Also the settings and live shares of a
    LifeGPT dataset."""
    from alife.engine.session import COMMAND_GROUP
    from alife.engine.store import open_run
    from alife.substrates.ca.dataset import dataset_settings, print_dataset_summary

    settings = dataset_settings(path)
    if settings is not None:
        print_dataset_summary(path, settings)
        return
    with open_run(path) as run:
        substrate = run.substrate
    if substrate not in COMMAND_GROUP:
        raise AlifeInputError(
            f"{path!r} holds a {substrate} run, which this version of alife does not know"
        )
    group = ctx.find_root().command.commands[COMMAND_GROUP[substrate]]
    ctx.invoke(group.commands["show"], path=path)


@click.command("list", cls=Command)
@click.argument("paths", nargs=-1, type=click.Path(), metavar="[PATHS]...")
@click.option("-r", "--recursive", is_flag=True, help="Look into subfolders too.")
@click.option(
    "--csv",
    "as_csv",
    is_flag=True,
    help="Print CSV for scripts: numbers in columns, a column per measure.",
)
def list_command(paths: tuple[str, ...], recursive: bool, as_csv: bool) -> None:
    """A table of run files: progress, how each ended, last measures. PATHS are run
    files or folders, whose .h5 files are listed (default: the current folder)."""
    from alife.analysis.listing import list_runs, print_listing, write_listing_csv

    listings = list_runs(paths or (".",), recursive)
    if as_csv:
        write_listing_csv(listings, sys.stdout)
    else:
        print_listing(listings)
