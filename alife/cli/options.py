"""Options and helpers shared by the command groups: backends, seeds, the run
schedule, the live view, starting and resuming runs."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import click

from alife.errors import AlifeInputError

if TYPE_CHECKING:  # the engine loads on a command's first use, not at start-up
    from alife.engine.run import Outcome, Simulation

Decorator = Callable[[Callable], Callable]
"""What the option factories here return: a function that adds options to a command."""

POSITIVE = click.IntRange(min=1)
COUNT = click.IntRange(min=0)
"""Epochs, steps or generations to run: 0 or more."""


def backend_option(default: str = "cpu") -> Decorator:
    return click.option(
        "--backend",
        type=click.Choice(["cpu", "cuda", "auto"]),
        default=default,
        show_default=True,
        help="cuda needs a GPU; auto picks cuda when one is usable.",
    )


def seed_option(help: str = "Run seed.") -> Decorator:
    return click.option(
        "--seed", type=click.IntRange(0, 2**64 - 1), default=0, show_default=True, help=help
    )


def run_file_option(default: str | None = None) -> Decorator:
    """``--out``, the HDF5 run file a command creates; required unless given a default."""
    return click.option(
        "--out",
        default=default,
        required=default is None,
        show_default=default is not None,
        type=click.Path(dir_okay=False),
        help="Run file to create (HDF5).",
    )


overwrite_option = click.option("--overwrite", is_flag=True, help="Replace --out if it exists.")
progress_option = click.option(
    "--progress/--no-progress",
    default=None,
    help="Show the progress bar (default: only on a terminal).",
)
_VIEW_OPTIONS = (
    click.option("--view", is_flag=True, help="Show the run live in a window (needs pygame)."),
    click.option(
        "--view-every",
        type=POSITIVE,
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


def view_options(command: Callable) -> Callable:
    """--view, --view-every, --view-fps; ``command`` receives them as ``observer``: a
    live viewer (:class:`alife.viz.viewer.LiveView`) or None. Put it just above the
    function."""

    @functools.wraps(command)
    def with_view(*args, view: bool, view_every: int, view_fps: float, **kwargs):
        if not view:
            return command(*args, observer=None, **kwargs)
        from alife.viz.screen import start_display
        from alife.viz.viewer import LiveView

        start_display()  # no display: one sentence before any file is created
        observer = LiveView(every=view_every, fps=view_fps)
        try:
            return command(*args, observer=observer, **kwargs)
        finally:
            observer.close()

    for option in reversed(_VIEW_OPTIONS):
        with_view = option(with_view)
    return with_view


stop_option = click.option(
    "--stop-when",
    multiple=True,
    metavar="RULE",
    help="End early when a metric crosses a value, e.g. 'higher_entropy>3' or "
    "'replicators>1000' (repeatable).",
)


no_stop_rules_option = click.option(
    "--no-stop-rules",
    is_flag=True,
    help="Drop the stop rules the run's last session had (resume keeps them, unless "
    "one of them ended it).",
)


def schedule_options(*, metrics: int, snapshot: int, checkpoint: int, unit: str) -> Decorator:
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


def run_options(*, metrics: int, snapshot: int, checkpoint: int, unit: str) -> Decorator:
    """What every command that starts a run takes after its own options: --overwrite,
    the schedule (these defaults), --backend, --stop-when, --progress and the live view
    (the function receives ``observer``)."""

    def apply(command):
        command = view_options(command)
        for option in (
            progress_option,
            stop_option,
            backend_option(),
            schedule_options(metrics=metrics, snapshot=snapshot, checkpoint=checkpoint, unit=unit),
            overwrite_option,
        ):
            command = option(command)
        return command

    return apply


RUN_KEYS = (
    "overwrite",
    "metrics_every",
    "snapshot_every",
    "checkpoint_every",
    "backend",
    "stop_when",
    "progress",
    "observer",
)


def report(path: str, outcome: Outcome) -> None:
    """Say on standard error why and where the run into ``path`` stopped."""
    click.echo(f"{path}: {outcome.reason} at {outcome.unit} {outcome.epoch}", err=True)


def add_resume(group: click.Group, length_options: Sequence[str], help_text: str) -> None:
    """Add ``resume PATH [OPTION N]`` to ``group``: continue a run from its checkpoint
    for N more of its units (default: to its planned end). ``length_options``: the
    options that start the group's runs with a length ("--generations", "--epochs");
    where there are several, a run is continued with the one named after its unit."""

    def length_option(name: str):
        unit = name.removeprefix("--")
        return click.option(name, type=COUNT, default=None, help=f"Run N more {unit}.")

    def resume(path, backend, stop_when, no_stop_rules, progress, observer, **lengths) -> None:
        given = {f"--{key}": n for key, n in lengths.items() if n is not None}
        if len(given) > 1:
            raise AlifeInputError(f"give one run length, not {' and '.join(given)}")
        option, more = next(iter(given.items()), (None, None))
        resume_and_report(
            path,
            group.name,
            option,
            length_options=length_options,
            epochs=more,
            backend=backend,
            stop_when=stop_when,
            no_stop_rules=no_stop_rules,
            progress=progress,
            observer=observer,
        )

    decorators = (
        group.command("resume", help=help_text),
        click.argument("path", type=click.Path(dir_okay=False)),
        *(length_option(name) for name in length_options),
        backend_option(),
        stop_option,
        no_stop_rules_option,
        progress_option,
        view_options,
    )
    for decorator in reversed(decorators):
        resume = decorator(resume)


def resume_and_report(
    path: str,
    group: str,
    option: str | None,
    *,
    stop_when: Sequence[str],
    no_stop_rules: bool,
    **options,
) -> None:
    """Continue the run at ``path`` with ``alife GROUP resume``; ``option`` is the
    run-length option the user gave, if any; ``stop_when`` the --stop-when rules (none
    given: the run's own, or none with ``no_stop_rules``); other options as
    :func:`alife.engine.session.resume_run`. Report how it ended. Runs of other groups'
    substrates are refused."""
    from alife.engine.session import COMMAND_GROUP, resume_run

    if stop_when and no_stop_rules:
        raise AlifeInputError("give --stop-when RULE or --no-stop-rules, not both")
    substrates = tuple(s for s, owner in COMMAND_GROUP.items() if owner == group)
    outcome = resume_run(
        path,
        stop_when=stop_when or (() if no_stop_rules else None),
        substrates=substrates,
        command=f"alife {group} resume",
        more_option=option,
        notice=lambda sentence: click.echo(sentence, err=True),
        **options,
    )
    report(path, outcome)


def start_and_report(
    sim_class: type[Simulation],
    config: object,
    out: str,
    *,
    steps: int,
    metrics_every: int,
    snapshot_every: int,
    checkpoint_every: int,
    **options: Any,
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
    report(out, outcome)
