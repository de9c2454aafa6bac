"""``alife soup spread``: how a motif, or replicators, spread through a soup run's
snapshots, readably."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import numpy as np
from rich.console import Console
from rich.table import Table
from tqdm import tqdm

from alife.analysis.outputs import check_figure_path, save_figure
from alife.analysis.plots import spread_figure
from alife.analysis.spread import (
    WHOLE_SPREAD,
    FitWindow,
    Spread,
    check_origin,
    contact_masks,
    holding,
    meeting_outcomes,
    trait_spread,
    write_spread_csv,
)
from alife.engine.backend import resolve_backend, to_host
from alife.engine.session import wrong_substrate_error
from alife.engine.store import open_run
from alife.errors import AlifeInputError
from alife.printing import print_uncut
from alife.substrates.programs.census import snapshot_scores
from alife.substrates.programs.interactions import GRID_REACH
from alife.substrates.programs.registry import get_language
from alife.substrates.programs.selfrep import REPLICATOR_THRESHOLD
from alife.substrates.programs.soup import Soup, SoupConfig


def _checked(
    run, path: str, motifs: Sequence[str], replicators: bool, every: bool, origin, replay: str
):
    """(motif byte patterns, grid or None) of the open soup ``run``, after checking that
    it can be followed as asked (``every``: every motif held; ``replay`` names the option
    that replays its meetings, or is empty); raises AlifeInputError naming what is
    wrong."""
    if bool(motifs) == replicators:
        raise AlifeInputError("follow either motifs (--motif TEXT) or replicators (--replicators)")
    if every and not motifs:
        raise AlifeInputError("--every-motif needs the motifs to hold (--motif TEXT, repeated)")
    if run.substrate != "soup":
        raise wrong_substrate_error(path, run.substrate, "'alife soup spread'", ["soup"])
    patterns = [get_language(run.config["language"]).parse_motif(text) for text in motifs]
    if not len(run.snapshot_epochs):
        raise AlifeInputError(f"{path!r} holds no snapshot yet")
    grid = tuple(run.config["grid"]) if run.config.get("grid") else None
    check_origin(origin, grid)
    if replay and run.config.get("reset_interval"):
        raise AlifeInputError(
            f"{path!r} redraws its soup every {run.config['reset_interval']} epochs, which no "
            f"trait survives, so its meetings are not replayed; leave out {replay}"
        )
    return patterns, grid


def _replay_option(contact: bool, transmission: bool) -> str:
    """The option asking to replay a run's meetings, for ``_checked``'s error ("": none)."""
    return "--contact-limit" if contact else "--transmission" if transmission else ""


def run_spread(
    path: str,
    motifs: Sequence[str] = (),
    *,
    replicators: bool = False,
    every: bool = False,
    origin: tuple[int, int] | None = None,
    backend: str = "cpu",
    contact: bool = False,
    transmission: bool = False,
    on_snapshot: Callable[[], object] | None = None,
    epochs: Sequence[int] | None = None,
) -> Spread:
    """The :class:`~alife.analysis.spread.Spread` through every snapshot of the soup run
    at ``path`` of holding any of ``motifs`` (in the run's language's printable form;
    with ``every``, all of them) or, with ``replicators``, of being a replicator: scoring
    at least REPLICATOR_THRESHOLD in the census a run would take at that epoch (its seed
    and step limit; on ``backend``).
    ``origin`` (row, column) measures a grid soup's front from that cell. ``contact``
    adds :attr:`Spread.contact`, replaying the run's own meetings from the holders of the
    first snapshot with any (none: no contact spread). ``transmission`` adds
    :attr:`Spread.transmission`, running the epoch after each snapshot again from it,
    exactly as the run did, to see what each meeting did with the trait. ``on_snapshot()``
    is called as each snapshot is done (a progress bar's update). ``epochs``: the
    snapshots to follow, ascending (default: all)."""
    replay = _replay_option(contact, transmission)
    with open_run(path) as run:
        patterns, grid = _checked(run, path, motifs, replicators, every, origin, replay)
        config = run.config
        stored = [int(e) for e in run.snapshot_epochs]
        missing = sorted(set(epochs or ()) - set(stored))
        if missing:
            raise AlifeInputError(f"{path!r} has no snapshot at epoch {missing[0]}")
        epochs = stored if epochs is None else sorted(set(epochs))
        if replicators:
            backend = resolve_backend(backend)

        def held(soup: np.ndarray, epoch: int) -> np.ndarray:
            if replicators:
                return snapshot_scores(config, soup, epoch, backend) >= REPLICATOR_THRESHOLD
            return holding(soup, patterns, every)

        replay_soup = _replay_soup(run, backend) if contact or transmission else None
        next_epoch = _replayer(replay_soup) if transmission else None
        masks, outcomes = [], []
        for epoch in epochs:
            soup = run.snapshot(epoch)
            mask = held(soup, epoch)
            masks.append((epoch, mask))
            if next_epoch is not None:
                after, order, pairs = next_epoch(soup, epoch)
                outcomes.append(meeting_outcomes(mask, held(after, epoch + 1), order, pairs)[0])
            if on_snapshot is not None:
                on_snapshot()
    spread = trait_spread(masks, grid, origin)
    if transmission:
        spread = dataclasses.replace(spread, transmission=np.array(outcomes, dtype=np.int64))
    first_held = next(((epoch, mask) for epoch, mask in masks if mask.any()), None)
    if not contact or first_held is None:
        return spread
    start_epoch, start = first_held
    later = [epoch for epoch in epochs if epoch >= start_epoch]
    masks = contact_masks(start, start_epoch, replay_soup.meetings, later)
    limit = trait_spread(masks, grid, spread.origin)
    return dataclasses.replace(spread, contact=limit)


def _replay_soup(run, backend: str) -> Soup:
    """The open soup ``run`` as of its checkpoint, on ``backend``, without tracing (which
    does not change the soup's bytes): its :meth:`~Soup.meetings` are the run's own, and
    :func:`_replayer` runs its epochs again."""
    config = dataclasses.replace(SoupConfig(**run.config), trace=False)
    return Soup(config, backend, state=run.checkpoint_state())


def _replayer(replay: Soup) -> Callable[[np.ndarray, int], tuple[np.ndarray, np.ndarray, int]]:
    """``next_epoch(soup, epoch)``: epoch ``epoch`` of the run that ``replay`` (from
    :func:`_replay_soup`) holds, run again from ``soup``, its (n, 64) uint8 state after
    ``epoch`` completed epochs, exactly as the run ran it (its config, seed and
    meetings). Returns (the soup after it, on the host; the epoch's meetings as
    :meth:`Soup.meetings` gives them)."""
    graph = replay.graph.state() if replay.graph is not None else {}

    def next_epoch(soup: np.ndarray, epoch: int) -> tuple[np.ndarray, np.ndarray, int]:
        counters = np.zeros(len(Soup.COUNTERS), dtype=np.int64)
        counters[Soup.COUNTERS.index("epoch")] = epoch
        state = {"soup": soup, "counters": counters, **graph}
        sim = Soup(replay.config, replay.backend, state=state)
        order, pairs = sim.meetings(epoch)
        sim.step()
        return to_host(sim.soup), order, pairs

    return next_epoch


def print_spreads(
    paths: Sequence[str],
    motifs: Sequence[str] = (),
    *,
    replicators: bool = False,
    every: bool = False,
    origin: tuple[int, int] | None = None,
    backend: str = "cpu",
    contact: bool = False,
    transmission: bool = False,
    as_csv: bool = False,
    plot: str | None = None,
    overwrite: bool = False,
    progress: bool | None = None,
    console: Console | None = None,
    window: FitWindow = WHOLE_SPREAD,
) -> None:
    """For each run in ``paths``, print per snapshot how many programs hold any of
    ``motifs`` (with ``every``, all of them; or, with ``replicators``, replicate) and,
    in a grid soup, how far from ``origin`` (default: where the first appeared), then the
    front's speed fitted over ``window``; several runs end with a table of their speeds.
    ``as_csv`` writes the snapshots of every run as CSV (see
    :func:`~alife.analysis.spread.write_spread_csv`) instead. ``plot`` names an image file
    for :func:`~alife.analysis.plots.spread_figure` of every run (an existing one is
    replaced only with ``overwrite``). Every run and the image's path are checked before
    any run is read. A bar on standard error counts each run's snapshots when
    ``progress`` (None: only on a terminal). Other arguments as :func:`run_spread`."""
    replay = _replay_option(contact, transmission)
    snapshots = []
    for path in paths:
        with open_run(path) as run:
            _checked(run, path, motifs, replicators, every, origin, replay)
            snapshots.append(len(run.snapshot_epochs))
    if plot is not None:
        check_figure_path(plot, overwrite)
    console = console or Console()
    trait = _trait(motifs, replicators, every)
    spreads = []
    for path, total in zip(paths, snapshots, strict=True):
        disable = None if progress is None else not progress
        with tqdm(total=total, desc=path, unit="snapshot", leave=False, disable=disable) as bar:
            spread = run_spread(
                path,
                motifs,
                replicators=replicators,
                every=every,
                origin=origin,
                backend=backend,
                contact=contact,
                transmission=transmission,
                on_snapshot=bar.update,
            )
        spreads.append((path, spread))
        if not as_csv:
            _print_table(console, path, spread, trait, origin is not None, window)
    if as_csv:
        write_spread_csv(spreads, console.file, contact, transmission)
    elif len(paths) > 1:
        _print_speeds(console, spreads, contact, transmission, window)
    if plot is not None:
        save_figure(spread_figure(spreads, trait, window), plot)


def _trait(motifs: Sequence[str], replicators: bool, every: bool) -> str:
    """What is followed, in words."""
    if replicators:
        return f"replicators (census score >= {REPLICATOR_THRESHOLD})"
    return f"programs holding {(' and ' if every else ' or ').join(motifs)}"


def _print_table(console, path, spread: Spread, trait: str, given: bool, window: FitWindow) -> None:
    table = Table(title=f"{path}: {trait}")
    limit = spread.contact
    columns = ["epoch", "holders", "share"]
    columns += [] if spread.front is None else ["front (cells from origin)"]
    columns += [] if limit is None else ["contact limit: holders"]
    columns += [] if limit is None or limit.front is None else ["contact limit: front"]
    if spread.transmission is not None:
        for side in ("first", "second"):
            columns += [f"holder {side}: met", "passed on", "lost"]
    for column in columns:
        table.add_column(column, justify="right")
    for i, epoch in enumerate(spread.epochs):
        row = [f"{epoch:,}", f"{spread.holders[i]:,}", f"{spread.holders[i] / spread.programs:.2%}"]
        row += [] if spread.front is None else [_cells(spread.front[i])]
        if limit is not None:
            j = spread.contact_index(i)
            row += ["-" if j is None else f"{limit.holders[j]:,}"]
            row += [] if limit.front is None else ["-" if j is None else _cells(limit.front[j])]
        if spread.transmission is not None:
            for met, passed, lost in spread.transmission[i].tolist():
                row += [f"{met:,}", *(_share(count, met) for count in (passed, lost))]
        table.add_row(*row)
    print_uncut(console, table)
    console.print(speed_sentence(spread, given, window), highlight=False)
    if limit is not None:
        console.print(_contact_sentence(spread, window), highlight=False)
    if spread.transmission is not None:
        console.print(_transmission_sentence(spread), highlight=False)


def _share(count: int, met: int) -> str:
    return "-" if met == 0 else f"{count / met:.1%}"


def _transmission_sentence(spread: Spread) -> str:
    """What the meetings of holders with non-holders did, over all snapshots, by the
    side of the tape the holder was on."""
    parts = []
    for side, rate in zip(("first", "second"), spread.transmission_rates(), strict=True):
        if rate is None:
            parts.append(f"a holder {side} on the tape never met a non-holder")
        else:
            met, passed, lost = rate
            parts.append(
                f"a holder {side} on the tape met a non-holder {_times(met)} and left both "
                f"holding it {passed:.1%} of the time, neither {lost:.1%}"
            )
    met, passed, lost = spread.transmission_totals()
    net = f"net, {passed - lost:+,} holders from {met:,} such meeting{'s' * (met != 1)}"
    return "transmission, in the epochs after the snapshots: " + "; ".join([*parts, net])


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count:,} times"


def _cells(front: int) -> str:
    return "-" if front < 0 else str(front)


def _print_speeds(
    console,
    spreads: Sequence[tuple[str, Spread]],
    contact: bool,
    transmission: bool,
    window: FitWindow,
) -> None:
    """One row per run: its holders at the last snapshot, origin and front speed over
    ``window``, and when asked for, its contact limit and what its meetings passed on."""
    table = Table(title="fronts of the runs")
    for column in ("run", "last epoch", "holders", "share", "origin (row, col)"):
        table.add_column(column, justify="right" if column != "run" else "left")
    table.add_column("front speed (cells/epoch)", justify="right")
    table.add_column("fitted epochs", justify="right")
    if contact:
        table.add_column("contact limit (cells/epoch)", justify="right")
        table.add_column("share of the limit", justify="right")
    if transmission:
        for column in ("holder first: passed on", "holder second: lost", "net per meeting"):
            table.add_column(column, justify="right")
    for path, spread in spreads:
        fit = spread.front_speed(*window)
        row = [
            path,
            f"{spread.epochs[-1]:,}",
            f"{spread.holders[-1]:,}",
            f"{spread.holders[-1] / spread.programs:.2%}",
            "-" if spread.origin is None else f"{spread.origin[0]}, {spread.origin[1]}",
            "-" if fit is None else f"{fit[0]:.3g}",
            "-" if fit is None else f"{fit[1]:,}-{fit[2]:,}",
        ]
        if contact:
            limit = None if spread.contact is None else spread.contact.front_speed(*window)
            row.append("-" if limit is None else f"{limit[0]:.3g}")
            row.append("-" if fit is None or not limit else f"{fit[0] / limit[0]:.0%}")
        if transmission:
            row += _transmission_cells(spread)
        table.add_row(*row)
    print_uncut(console, table)


def _transmission_cells(spread: Spread) -> list[str]:
    """[share a holder first on the tape passed on, share a holder second lost, net
    holders gained per meeting of a holder with a non-holder] over all snapshots."""
    first, second = spread.transmission_rates()
    met, passed, lost = spread.transmission_totals()
    return [
        "-" if first is None else f"{first[1]:.1%}",
        "-" if second is None else f"{second[2]:.1%}",
        "-" if met == 0 else f"{(passed - lost) / met:+.1%}",
    ]


def speed_sentence(spread: Spread, given: bool, window: FitWindow = WHOLE_SPREAD) -> str:
    """One sentence on ``spread``'s front: where it is measured from (the ``given``
    origin or the first holder) and its least-squares speed in cells per epoch over the
    snapshots of ``window``."""
    if not spread.holders.any():
        return "no program has it in any snapshot"
    if spread.front is None:
        return "not a grid soup: no front to follow"
    row, col = spread.origin
    fit = spread.front_speed(*window)
    where = f"origin ({'given' if given else 'first holder'}): row {row}, column {col}"
    if fit is None:
        within = f" ({window.words()})" if window.words() else ""
        return (
            f"{where}; too few snapshots{within} before the front reached the edge to fit a speed"
        )
    speed, first, last = fit
    return (
        f"{where}; front speed {speed:.3g} cells/epoch (least squares over epochs "
        f"{first:,}-{last:,}); a program meets partners at most {GRID_REACH} cells away, "
        f"so a copy moves at most {GRID_REACH} cells an epoch"
    )


def _contact_sentence(spread: Spread, window: FitWindow) -> str:
    """How fast the trait would have spread had every meeting passed it on, fitted over
    ``window`` as the run's own front."""
    limit = spread.contact
    start = f"passed on at every meeting from the holders of epoch {limit.epochs[0]:,}"
    fit, own = limit.front_speed(*window), spread.front_speed(*window)
    if fit is not None:
        ratio = "" if own is None else f"; this front moves at {own[0] / fit[0]:.0%} of that"
        return f"contact limit: {start}, the front would move {fit[0]:.3g} cells/epoch{ratio}"
    full = np.flatnonzero(limit.holders == limit.programs)
    if full.size:
        when = limit.epochs[full[0]]
        return f"contact limit: {start}, every program would hold it by epoch {when:,}"
    share, when = limit.holders[-1] / limit.programs, limit.epochs[-1]
    return f"contact limit: {start}, {share:.2%} of programs would hold it by epoch {when:,}"
