"""How does the run's front move, epoch by epoch, against a contact-process model's?

    python scripts/study_front_steps.py RUN.h5 [RUN.h5 ...] --motif '{.>]' --motif ']>.{' \
        --origin 0,0 [--until E] [--replicas 16] [--seed 0] [--front-depth D]

Replays each grid soup run RUN.h5 from epoch 0 to epoch E (default: its last snapshot)
and notes, every epoch, which programs hold any of the motifs
(:func:`alife.analysis.tape_order.replay`). It measures the four rates of the
tape-order contact process on those epochs (:func:`alife.analysis.tape_order.count_outcomes`:
a holder first passes the motif on, a holder second is lost, each for a fresh or a
wrecked partner) and plays ``--replicas`` of it on the run's own meetings from the same
holders (:func:`alife.analysis.tape_order.tape_order_masks`). With ``--front-depth D``
the replicas play the front-depth model instead: the rates are counted, and each
replica's meetings classed, by whether the partner lies fewer than D cells behind the
front (:class:`alife.analysis.meeting_classes.FrontDepth`).

For the run and for the replicas that took hold (more than 10 holders at the end) it
prints how the front (the farthest holder from ``--origin``, in cells) moved
(:func:`alife.analysis.spread.front_steps`): where it ended, the cells it advanced and
retreated in all and in how many epochs, and in how many epochs every holder at the
front's distance lost the motif. Beside each, the replicas' median and range, and the
run's one-sided p-value against them (:func:`alife.analysis.intervals.exceedance_p`):
for the front and its advances, that the run's is larger; for retreats and fronts lost,
that it is smaller.

Several runs (seeds) end with one line per measure over the runs that took hold (more
than 10 holders at the end) and had replicas that did: on how many the run lay above
and below its replicas' median, and their p-values combined by Fisher's method
(``scipy.stats.combine_pvalues``).
"""

from __future__ import annotations

import argparse
from functools import lru_cache

import numpy as np
from scipy.stats import combine_pvalues

from alife.analysis.intervals import exceedance_p
from alife.analysis.meeting_classes import FrontDepth
from alife.analysis.spread import (
    FrontSteps,
    cell_distances,
    check_origin,
    front_steps,
    holding,
    parse_origin,
)
from alife.analysis.tape_order import (
    TOOK_HOLD,
    count_outcomes,
    parse_motifs,
    replay,
    snapshot_epochs,
    tape_order_masks,
)
from alife.engine.store import open_run
from alife.errors import AlifeInputError, run_script

MEASURES = (
    # (name, the FrontSteps field, whether larger is the run's side)
    ("front at the end (cells)", "front", True),
    ("cells advanced", "advanced_cells", True),
    ("epochs advanced", "advanced_epochs", True),
    ("cells retreated", "retreated_cells", False),
    ("epochs retreated", "retreated_epochs", False),
    ("epochs the front's holders were all lost", "front_lost_epochs", False),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", metavar="RUN", help="grid soup run files")
    parser.add_argument("--motif", action="append", required=True, help="byte pattern (repeatable)")
    parser.add_argument("--origin", required=True, type=parse_origin, metavar="ROW,COL")
    parser.add_argument(
        "--until", type=int, metavar="E", help="last epoch (default: each run's last snapshot)"
    )
    parser.add_argument("--replicas", type=int, default=16, help="model replicas to play")
    parser.add_argument("--seed", type=int, default=0, help="seed of the replicas' draws")
    parser.add_argument(
        "--front-depth",
        type=int,
        metavar="D",
        help="play the front-depth model: rates for partners fewer than D cells behind the "
        "front and for those deeper",
    )
    run_script(parser, study)


def study(args: argparse.Namespace) -> None:
    """Print each run's front steps beside its model replicas', then, for several runs,
    the measures over all of them (module docstring)."""
    if args.replicas < 1:
        raise AlifeInputError(f"--replicas must be at least 1, not {args.replicas}")
    if args.front_depth is not None and args.front_depth < 1:
        raise AlifeInputError(f"--front-depth must be at least 1 cell, not {args.front_depth}")
    lasts = [checked_last(path, args) for path in args.runs]
    compared = []
    for path, last in zip(args.runs, lasts, strict=True):
        run, took_hold, replicas = front_steps_and_replicas(path, last, args)
        print_run(path, last, run, took_hold, replicas, args)
        if took_hold and replicas:
            compared.append((run, replicas))
    if len(args.runs) > 1:
        print_combined(compared, len(args.runs))


def checked_last(path: str, args: argparse.Namespace) -> int:
    """The last epoch to replay ``path`` to; an AlifeInputError for a run that is not a
    grid soup with ``--origin`` on its grid and snapshots up to ``--until``."""
    last_snapshot = snapshot_epochs(path)[-1]
    last = last_snapshot if args.until is None else args.until
    if not 1 <= last <= last_snapshot:
        raise AlifeInputError(
            f"--until must be an epoch from 1 to {path!r}'s last snapshot ({last_snapshot}), "
            f"not {last}"
        )
    with open_run(path) as run:
        grid = run.config.get("grid")
    if not grid:
        raise AlifeInputError(f"{path!r} is a well-mixed soup: it has no front")
    check_origin(args.origin, tuple(grid))
    return last


def front_steps_and_replicas(
    path: str, last: int, args: argparse.Namespace
) -> tuple[FrontSteps, bool, list[FrontSteps]]:
    """The run's :class:`FrontSteps` over epochs 0 .. ``last``, whether it took hold,
    and the :class:`FrontSteps` of its model replicas that took hold."""
    motifs = parse_motifs(path, args.motif)
    masks, soup = [], None
    for _, programs, each in replay(path, last):
        soup = soup or each
        masks.append(holding(programs, motifs))
    grid = tuple(soup.config.grid)
    distance = cell_distances(grid, args.origin)
    meetings = lru_cache(maxsize=last + 1)(soup.meetings)

    def split() -> FrontDepth | None:
        return None if args.front_depth is None else FrontDepth(grid, args.origin, args.front_depth)

    counts = count_outcomes(masks, meetings, last, split=split())
    passed, lost = counts.summed((0,)).rates()
    epochs = list(range(last + 1))
    replicas = []
    for r in range(args.replicas):
        rng = np.random.default_rng([args.seed, r])
        played = tape_order_masks(masks[0], meetings, epochs, passed, lost, rng, split=split())
        played = [m for _, m in played]
        if played[-1].sum() > TOOK_HOLD:
            replicas.append(front_steps(played, distance))
    return front_steps(masks, distance), bool(masks[-1].sum() > TOOK_HOLD), replicas


def print_run(
    path: str,
    last: int,
    run: FrontSteps,
    took_hold: bool,
    replicas: list[FrontSteps],
    args: argparse.Namespace,
) -> None:
    """One run's block: each measure, the replicas' median and range, and the p-value."""
    model = (
        "the four-rate model"
        if args.front_depth is None
        else f"the front-depth model ({args.front_depth} cells)"
    )
    print(
        f"{path}, epochs 0-{last}: the front from ({args.origin[0]}, {args.origin[1]}), "
        f"the run beside {len(replicas)} of {args.replicas} replicas of {model} that took hold"
        + ("" if took_hold else f" (the run did not: {TOOK_HOLD} holders or fewer at the end)")
    )
    for name, field, larger in MEASURES:
        mine = getattr(run, field)
        line = f"  {name:42s} run {mine:5d}"
        if replicas:
            theirs = [getattr(replica, field) for replica in replicas]
            line += (
                f"   replicas median {np.median(theirs):6.1f} ({min(theirs)}-{max(theirs)})"
                f"   p {one_sided_p(mine, theirs, larger):.3f} "
                f"({'larger' if larger else 'smaller'})"
            )
        print(line)


def one_sided_p(mine: int, theirs: list[int], larger: bool) -> float:
    """The run's p-value against its replicas, on the side ``larger`` names."""
    sign = 1 if larger else -1
    return exceedance_p(sign * mine, [sign * t for t in theirs])


def print_combined(compared: list[tuple[FrontSteps, list[FrontSteps]]], runs: int) -> None:
    """Per measure over the ``compared`` runs: above and below the replicas' median, and
    the combined p-value."""
    print(f"{len(compared)} of {runs} runs took hold and had replicas that did:")
    if not compared:
        return
    for name, field, larger in MEASURES:
        above = below = 0
        p_values = []
        for run, replicas in compared:
            mine = getattr(run, field)
            theirs = [getattr(replica, field) for replica in replicas]
            median = np.median(theirs)
            above, below = above + (mine > median), below + (mine < median)
            p_values.append(one_sided_p(mine, theirs, larger))
        combined = combine_pvalues(p_values, method="fisher").pvalue
        print(
            f"  {name:42s} above the replicas' median {above:3d}, below {below:3d}"
            f"   Fisher p {combined:.3f} ({'larger' if larger else 'smaller'})"
        )


if __name__ == "__main__":
    main()
