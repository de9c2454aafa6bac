"""Start a run into a new file, or resume one from its file: the API behind ``run``/``resume``.

Substrates are registered here by name (the file's ``substrate`` attribute) so that
:func:`resume_run` can rebuild any simulation from its file alone. A simulation class
has a ``config_class`` (frozen dataclass with ``to_dict``) and a constructor
``cls(config, backend, state=None)``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace

from alife.engine.backend import resolve_backend
from alife.engine.run import (
    ENGINE_METRICS,
    STOP_RULE,
    Outcome,
    Schedule,
    Simulation,
    failure_text,
    run_epochs,
    unit_of,
)
from alife.engine.run_state import check_not_being_written
from alife.engine.stop import parse_stop_rule
from alife.engine.store import (
    RunWriter,
    check_output_path,
    compression_filters,
    no_checkpoint_error,
    open_run,
)
from alife.errors import AlifeInputError

_CHECKING_ONLY: ContextVar[bool] = ContextVar("checking_only", default=False)


class RunChecked(Exception):  # noqa: N818 - a signal that the checks passed, not an error
    """Raised by :func:`start_run` inside :func:`checking_only` once a run's inputs are
    checked, in place of running it."""


@contextmanager
def checking_only() -> Iterator[None]:
    """Within this block :func:`start_run` checks a run's settings, schedule, stop rules
    and compression, then raises :class:`RunChecked`: no file, no simulation, no
    backend. The output path is not checked (a sweep resumes files that exist), nor
    what only the simulation's construction can tell (memory, a GPU): a sweep's driver
    need not be the machine that runs it."""
    token = _CHECKING_ONLY.set(True)
    try:
        yield
    finally:
        _CHECKING_ONLY.reset(token)


STOP_RULES_KEY = "stop_when"
"""The run file's schedule entry that holds the stop rules of its last session (texts)."""

SIMULATIONS = {
    "soup": ("alife.substrates.programs.soup", "Soup"),
    "life": ("alife.substrates.ca.life_sim", "LifeSim"),
    "lenia": ("alife.substrates.ca.lenia_sim", "LeniaSim"),
    "flow_lenia": ("alife.substrates.ca.flow_lenia_sim", "FlowLeniaSim"),
    "loops": ("alife.substrates.ca.loops_sim", "LoopsSim"),
    "gard": ("alife.substrates.gard.gard_sim", "GardSim"),
    "gard_population": ("alife.substrates.gard.population_sim", "PopulationSim"),
    "quine": ("alife.quines.training", "QuineSim"),
    "quine_soup": ("alife.quines.net_soup", "NetSoupSim"),
}

COMMAND_GROUP = {
    "soup": "soup",
    "life": "ca",
    "lenia": "ca",
    "flow_lenia": "ca",
    "loops": "ca",
    "gard": "gard",
    "gard_population": "gard",
    "quine": "quine",
    "quine_soup": "quine",
}
"""Substrate -> the ``alife`` command group whose ``show`` and ``resume`` read its runs."""


def wrong_substrate_error(
    path: str,
    substrate: str,
    reader: str,
    accepted: Sequence[str],
    *,
    verb: str = "reads",
    subcommand: str = "show",
) -> AlifeInputError:
    """The error for the run file ``path`` of ``substrate`` given to ``reader`` (a
    command or report, e.g. "'alife gard show'"), which ``verb``s runs of ``accepted``
    substrates: it also names the command (``alife GROUP subcommand``) for this file."""
    message = f"{path!r} holds a {substrate} run; {reader} {verb} {', '.join(accepted)} runs"
    if substrate in COMMAND_GROUP:
        message += f"; 'alife {COMMAND_GROUP[substrate]} {subcommand}' {verb} this one"
    return AlifeInputError(message)


def simulation_class(substrate: str) -> type[Simulation]:
    """The simulation class registered for ``substrate``."""
    if substrate not in SIMULATIONS:
        raise AlifeInputError(
            f"unknown substrate {substrate!r}; valid substrates are {', '.join(SIMULATIONS)}"
        )
    module, name = SIMULATIONS[substrate]
    return getattr(importlib.import_module(module), name)


def substrate_unit(substrate: str) -> str:
    """What one epoch of ``substrate``'s simulation is called ("generation", "step",
    "epoch")."""
    return unit_of(simulation_class(substrate))


def _metric_names(sim_class: type[Simulation]) -> dict[str, str]:
    """Every metric a run of ``sim_class`` records: the substrate's, its census's and the
    engine's."""
    return {**sim_class.METRICS, **getattr(sim_class, "CENSUS_METRICS", {}), **ENGINE_METRICS}


def _stop_rules(sim_class, stop_when: Sequence[str], schedule: Schedule, config) -> list:
    """Parse ``stop_when``; a rule on a census metric needs the census switched on, and
    one on a metric the config leaves unrecorded (``sim_class.unrecorded_metrics``) what
    records it."""
    rules = [parse_stop_rule(text, _metric_names(sim_class)) for text in stop_when]
    census = getattr(sim_class, "CENSUS_METRICS", {})
    unrecorded = getattr(sim_class, "unrecorded_metrics", lambda config: {})(config)
    for rule in rules:
        if rule.metric in census and schedule.census_every == 0:
            raise AlifeInputError(
                f"stop rule '{rule}' needs a census of {rule.metric}; switch it on with "
                f"--eval-replicators-every N"
            )
        if rule.metric in unrecorded:
            raise AlifeInputError(
                f"stop rule '{rule}' names {rule.metric}, which this run records only "
                f"with {unrecorded[rule.metric]}"
            )
    return rules


def _create_writer(
    sim,
    out: str,
    *,
    epochs: int,
    schedule: Schedule,
    stop_when: Sequence[str],
    compression: str,
    overwrite: bool,
) -> RunWriter:
    metric_names = _metric_names(type(sim))
    return RunWriter.create(
        out,
        substrate=sim.substrate,
        config=sim.config.to_dict(),
        schedule={"epochs": epochs, **schedule.to_dict(), STOP_RULES_KEY: list(stop_when)},
        backend=sim.backend,
        metrics={k: v for k, v in metric_names.items() if k != "epoch"},
        epoch=sim.epoch,
        snapshot=sim.snapshot(),
        checkpoint=sim.checkpoint_state(),
        compression=compression,
        overwrite=overwrite,
    )


def save_simulation(
    sim: Simulation, out: str, *, overwrite: bool = False, compression: str = "zstd"
) -> None:
    """Write ``sim``'s current state to a new run file (snapshot and checkpoint).

    The file is an ordinary run file that has completed ``sim.epoch`` epochs: read it with
    :func:`~alife.engine.store.open_run`, continue it with :func:`resume_run`, or load the
    simulation back with :func:`load_simulation`.
    """
    check_not_being_written(out, "overwrite it")
    writer = _create_writer(
        sim,
        out,
        epochs=sim.epoch,
        schedule=Schedule(),
        stop_when=(),
        compression=compression,
        overwrite=overwrite,
    )
    writer.close(ended="completed")


def load_simulation(path: str, backend: str = "cpu") -> Simulation:
    """The simulation saved in ``path`` (a run file), as of its checkpoint."""
    with open_run(path) as run:
        substrate, config_dict = run.substrate, run.config
        state = run.checkpoint_state()
    sim_class = simulation_class(substrate)
    return sim_class(sim_class.config_class(**config_dict), backend, state=state)


def _check_schedule(sim_class: type[Simulation], schedule: Schedule) -> None:
    for name, value in schedule.to_dict().items():
        if name == "census_every":
            if value < 0:
                raise AlifeInputError(f"census interval must be >= 0 (0: never), got {value}")
        elif value <= 0:
            raise AlifeInputError(f"{name.replace('_', '-')} must be > 0, got {value}")
    if schedule.census_every and not hasattr(sim_class, "census"):
        raise AlifeInputError(f"{sim_class.substrate} runs have no census to take")


def start_run(
    sim_class: type[Simulation],
    config: object,
    out: str,
    *,
    epochs: int,
    backend: str = "cpu",
    schedule: Schedule | None = None,
    stop_when: Sequence[str] = (),
    compression: str = "zstd",
    overwrite: bool = False,
    progress: bool | None = None,
    observer: Callable[[object, dict | None], bool] | None = None,
) -> Outcome:
    """Run a new simulation of ``sim_class`` for ``epochs`` epochs into the file ``out``.

    Every input is checked before the file is created; the initial state is snapshotted
    at epoch 0. Returns how the run ended (within :func:`checking_only`, raises
    :class:`RunChecked` after the checks).
    """
    schedule = schedule or Schedule()
    if epochs < 0:
        raise AlifeInputError(f"epochs must be >= 0, got {epochs}")
    _check_schedule(sim_class, schedule)
    if not _CHECKING_ONLY.get():
        check_output_path(out, overwrite)
        check_not_being_written(out, "overwrite it")
    compression_filters(compression)
    rules = _stop_rules(sim_class, stop_when, schedule, config)
    if _CHECKING_ONLY.get():
        raise RunChecked(out)
    sim = sim_class(config, resolve_backend(backend))
    writer = _create_writer(
        sim,
        out,
        epochs=epochs,
        schedule=schedule,
        stop_when=stop_when,
        compression=compression,
        overwrite=overwrite,
    )
    return run_epochs(
        sim,
        writer,
        until_epoch=epochs,
        schedule=schedule,
        stop_rules=rules,
        progress=progress,
        progress_keys=sim_class.PROGRESS_KEYS,
        observer=observer,
    )


def resume_run(
    path: str,
    *,
    epochs: int | None = None,
    backend: str = "cpu",
    stop_when: Sequence[str] | None = None,
    census_every: int | None = None,
    progress: bool | None = None,
    observer: Callable[[object, dict | None], bool] | None = None,
    substrates: Sequence[str] | None = None,
    command: str = "resume_run",
    length_options: Sequence[str] = ("--epochs",),
    more_option: str | None = None,
    notice: Callable[[str], None] | None = None,
) -> Outcome:
    """Continue the run in ``path`` from its checkpoint, appending to the same file.

    ``epochs=None`` runs on to the epoch count the run was started with; ``epochs=N``
    runs N more epochs. ``stop_when=None`` keeps the stop rules of the run's last
    session, unless one of them ended it (the run then goes on past that point, without
    rules); a sequence, empty for none, replaces them. The run's schedule is
    kept, except that ``census_every`` (when given) replaces its census interval from
    here on. Every input is checked (from a read-only open) before the file is opened
    for writing. A file whose writer was killed is repaired (its HDF5 write flags
    cleared), as resuming it is the way to continue it. ``substrates``: the substrates
    ``command`` (named in errors) continues, None for any; ``length_options``: the
    command's options for ``epochs`` (where there are several, the run's is the one named
    after its simulation's unit, e.g. "--generations"); ``more_option``: the one the user
    gave, refused if it is not the run's. ``notice`` is handed a sentence for the user
    before the run goes on when ``stop_when=None`` kept rules or left out the one that
    ended the last session. A run whose writer still runs on this machine is refused.
    """
    check_not_being_written(path, "resume it")
    with open_run(path, repair=True) as run:
        substrate, config_dict, saved = run.substrate, run.config, run.schedule
        start, ended = run.checkpoint_epoch(), run.ended
    if substrates is not None and substrate not in substrates:
        raise wrong_substrate_error(
            path, substrate, f"'{command}'", substrates, verb="continues", subcommand="resume"
        )
    if start is None:
        raise no_checkpoint_error(path)
    sim_class = simulation_class(substrate)
    unit = unit_of(sim_class)
    length_option = length_options[0] if len(length_options) == 1 else f"--{unit}s"
    if epochs is not None and more_option not in (None, length_option):
        raise AlifeInputError(
            f"{path!r} holds a {substrate} run, counted in {unit}s: pass {length_option} N, "
            f"not {more_option} N"
        )
    defaults = Schedule().to_dict()
    schedule = Schedule(**{key: saved.get(key, value) for key, value in defaults.items()})
    if census_every is not None:
        schedule = replace(schedule, census_every=census_every)
    _check_schedule(sim_class, schedule)
    config = sim_class.config_class(**config_dict)
    rule_ended_it = (ended or "").startswith(STOP_RULE)
    kept = stop_when is None
    if kept:
        stop_when = () if rule_ended_it else tuple(saved.get(STOP_RULES_KEY, ()))
    rules = _stop_rules(sim_class, stop_when, schedule, config)
    backend = resolve_backend(backend)
    if epochs is None:
        target = int(saved["epochs"])
        if start >= target:
            raise AlifeInputError(
                f"{path!r} already completed its {target} {unit}s; pass {length_option} N to "
                f"run N more"
            )
    elif epochs < 0:
        raise AlifeInputError(f"{length_option} must be >= 0, got {epochs}")
    else:
        target = start + epochs
    if notice is not None and kept and rule_ended_it:
        notice(
            f"{path}: its last session ended by {ended} at {unit} {start:,}; it goes on to "
            f"{unit} {target:,} without it (give --stop-when again to keep a rule)"
        )
    elif notice is not None and kept and stop_when:
        notice(
            f"{path}: keeps its stop {'rule' if len(stop_when) == 1 else 'rules'} "
            f"{', '.join(stop_when)} (give --stop-when to replace, --no-stop-rules to drop)"
        )
    writer, start, state = RunWriter.reopen(
        path,
        backend,
        {**saved, **schedule.to_dict(), "epochs": target, STOP_RULES_KEY: list(stop_when)},
    )
    try:
        sim = sim_class(config, backend, state=state)
    except BaseException as error:
        writer.close(ended=failure_text(error))
        raise
    return run_epochs(
        sim,
        writer,
        until_epoch=target,
        schedule=schedule,
        stop_rules=rules,
        progress=progress,
        progress_keys=sim_class.PROGRESS_KEYS,
        observer=observer,
    )
