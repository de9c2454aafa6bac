"""How does the run's front move, epoch by epoch, against a contact-process model's?

    python scripts/study_front_steps.py RUN.h5 [RUN.h5 ...] --motif '{.>]' --motif ']>.{' \
        --origin 0,0 [--until E] [--replicas 16] [--seed 0] [--front-depth D] [--lone-front] \
        [--ages 2,5] [--every-motif] [--swaps] [--shuffle holders|fresh|wrecks[,...]] \
        [--shuffle-seeds K] [--within-rings]

Replays each grid soup run RUN.h5 from epoch 0 to epoch E (default: its last snapshot)
and notes, every epoch, which programs hold any of the motifs (with ``--every-motif``,
all of them: programs that kept one half of a copy loop do not count)
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

With ``--lone-front`` it also counts, in the run and pooled over its replicas, what the
front's holder did in the epochs it stood alone at the front's distance
(:func:`alife.analysis.spread.lone_front`): how often it met a partner and was first on
the tape, was second with a non-holder and lost the motif there, lost it at all, and
how often the front advanced.

With ``--ages A,B,...`` it also counts, in the run and pooled over its replicas, how
often a holder second on the tape with a non-holder lost the motif, by the epochs since
it became a holder, for the lone front holder and for every other holder
(:func:`alife.analysis.spread.losses_by_age`).

With ``--swaps`` it also runs again, without mutation, each meeting in which the run's
lone front holder was second with a non-holder: the same pair, the holder with each of
its other non-holder partners, and the partner with each of its other holder partners
(:func:`alife.analysis.front_partners.partner_swaps`), and prints how often the holder
came out without the motif each way, by age with ``--ages``: whether the holder or its
partner decided. The run only: the replicas' holders have no programs.

With ``--shuffle CLASS`` each run is played again ``--shuffle-seeds`` times (default
1) with the programs of that class (holders, fresh programs or wrecks; several with
commas, each shuffled apart) shuffled among the class's cells before every epoch
(:func:`alife.analysis.shuffled_soup.shuffled_holders`), and each of those plays is
the run compared with its own model: what the wave owes to which program sits where.
With ``--within-rings`` a program moves only among the class's cells at its own
distance from ``--origin``: shuffled fresh programs then carry nothing farther from
it. Not with ``--swaps``, which runs the run's own programs again. Each run or play
also prints how many programs became holders without meeting one
(:func:`alife.analysis.shuffled_soup.gains_without_holder`), which the model never
does.

Several runs (seeds) end with one line per measure over the runs that took hold (more
than 10 holders at the end) and had replicas that did: on how many the run lay above
and below its replicas' median, and their p-values combined by Fisher's method
(``scipy.stats.combine_pvalues``); with ``--lone-front``, ``--ages`` and ``--swaps``,
the counts pooled over those runs (and over their replicas).
"""

from __future__ import annotations

import argparse
import itertools
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.stats import combine_pvalues

from alife.analysis.front_partners import SWAPS, PartnerSwaps, partner_swaps
from alife.analysis.intervals import exceedance_p
from alife.analysis.meeting_classes import FrontDepth
from alife.analysis.shuffled_soup import (
    SHUFFLED_CLASSES,
    check_shuffled,
    gains_without_holder,
    shuffled_holders,
)
from alife.analysis.spread import (
    FrontSteps,
    LoneFront,
    cell_distances,
    check_origin,
    front_steps,
    holding,
    lone_front,
    losses_by_age,
    parse_origin,
)
from alife.analysis.tape_order import (
    TOOK_HOLD,
    count_outcomes,
    parse_motifs,
    replay,
    second_loses,
    snapshot_epochs,
    tape_order_masks,
)
from alife.engine.store import open_run
from alife.errors import AlifeInputError, run_script
from alife.substrates.programs.registry import get_language

SHUFFLE_STREAM = 2**32
"""Added to a shuffle's number in its generator's seed, apart from the replicas' [seed, r]."""

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
        "--every-motif",
        action="store_true",
        help="a holder holds every motif, not any (e.g. both halves of a copy loop)",
    )
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
    parser.add_argument(
        "--lone-front",
        action="store_true",
        help="also count what the front's holder did in the epochs it stood alone at the "
        "front's distance, in the run and in its replicas",
    )
    parser.add_argument(
        "--ages",
        metavar="A,B,...",
        help="also count how often holders second with a non-holder lost the motif, by the "
        "epochs since they became holders, in bins split at these ages (e.g. 2,5)",
    )
    parser.add_argument(
        "--swaps",
        action="store_true",
        help="also run the lone front holder's meetings second with a non-holder again: "
        "the same pair, the holder with its other partners, the partner with other holders",
    )
    parser.add_argument(
        "--shuffle",
        metavar="CLASS",
        help=f"play each run again with these programs ({', '.join(SHUFFLED_CLASSES)}; "
        "several with commas) shuffled among their own class's cells before every epoch",
    )
    parser.add_argument(
        "--shuffle-seeds",
        type=int,
        default=1,
        metavar="K",
        help="with --shuffle: how many shuffled plays of each run (default 1)",
    )
    parser.add_argument(
        "--within-rings",
        action="store_true",
        help="with --shuffle: move each program only among the cells at its own distance "
        "from --origin",
    )
    run_script(parser, study)


@dataclass(frozen=True)
class Compared:
    """One run's front steps and its replicas': ``run``, whether it ``took_hold``, the
    ``replicas`` that took hold and, with ``--lone-front``, what the run's lone front
    holder did (``run_lone``) and those replicas', pooled (``replicas_lone``); with
    ``--ages``, the :func:`~alife.analysis.spread.losses_by_age` of the run and of those
    replicas, pooled; with ``--swaps``, the run's
    :class:`~alife.analysis.front_partners.PartnerSwaps`; the run's
    :func:`~alife.analysis.shuffled_soup.gains_without_holder`."""

    run: FrontSteps
    took_hold: bool
    replicas: list[FrontSteps]
    run_lone: LoneFront | None = None
    replicas_lone: LoneFront | None = None
    run_ages: np.ndarray | None = None
    replicas_ages: np.ndarray | None = None
    run_swaps: PartnerSwaps | None = None
    gains_without_holder: int = 0


def study(args: argparse.Namespace) -> None:
    """Print each run's front steps beside its model replicas', then, for several runs,
    the measures over all of them (module docstring)."""
    if args.replicas < 1:
        raise AlifeInputError(f"--replicas must be at least 1, not {args.replicas}")
    if args.front_depth is not None and args.front_depth < 1:
        raise AlifeInputError(f"--front-depth must be at least 1 cell, not {args.front_depth}")
    if args.shuffle is not None:
        args.shuffle = args.shuffle.split(",")
        check_shuffled(args.shuffle)
        if args.swaps:
            raise AlifeInputError("--swaps runs the run's own programs again: not with --shuffle")
    if args.within_rings and args.shuffle is None:
        raise AlifeInputError("--within-rings says where --shuffle moves programs: give --shuffle")
    if args.shuffle_seeds < 1 or (args.shuffle is None and args.shuffle_seeds != 1):
        raise AlifeInputError(
            f"--shuffle-seeds K plays each run K >= 1 times shuffled: give --shuffle, and K "
            f">= 1, not {args.shuffle_seeds}"
        )
    args.age_bins = None if args.ages is None else parse_ages(args.ages)
    lasts = [checked_last(path, args) for path in args.runs]
    shuffles = [None] if args.shuffle is None else list(range(args.shuffle_seeds))
    compared = []
    for path, last in zip(args.runs, lasts, strict=True):
        for shuffle in shuffles:
            each = front_steps_and_replicas(path, last, args, shuffle)
            print_run(path, last, each, args, shuffle)
            if each.took_hold and each.replicas:
                compared.append(each)
    plays = len(args.runs) * len(shuffles)  # each run once, or once per shuffle
    if plays > 1:
        print_combined(compared, plays, args.age_bins)


def parse_ages(text: str) -> tuple[int, ...]:
    """``"2,5"`` -> (2, 5): ages that split the bins, ascending from 1; an
    AlifeInputError naming the text otherwise."""
    try:
        ages = tuple(int(part) for part in text.split(","))
    except ValueError:
        ages = ()
    if not ages or ages[0] < 1 or any(b <= a for a, b in itertools.pairwise(ages)):
        raise AlifeInputError(
            f"--ages {text!r} is not ascending whole numbers of epochs from 1, e.g. 2,5"
        )
    return ages


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
    path: str, last: int, args: argparse.Namespace, shuffle: int | None = None
) -> Compared:
    """The run's :class:`FrontSteps` over epochs 0 .. ``last`` beside those of its model
    replicas that took hold; with ``shuffle`` (a number), the run played again with
    ``--shuffle`` programs shuffled, by a generator seeded with ``--seed`` and it."""
    motifs = parse_motifs(path, args.motif)
    if shuffle is None:
        masks, soup = [], None
        for _, programs, each in replay(path, last):
            soup = soup or each
            masks.append(holding(programs, motifs, args.every_motif))
    else:
        rng = np.random.default_rng([args.seed, SHUFFLE_STREAM + shuffle])
        groups = None
        if args.within_rings:
            with open_run(path) as run:
                groups = cell_distances(tuple(run.config["grid"]), args.origin)
        masks, soup = shuffled_holders(
            path, last, motifs, args.every_motif, args.shuffle, rng, groups
        )
    grid = tuple(soup.config.grid)
    distance = cell_distances(grid, args.origin)
    meetings = lru_cache(maxsize=last + 1)(soup.meetings)

    def split() -> FrontDepth | None:
        return None if args.front_depth is None else FrontDepth(grid, args.origin, args.front_depth)

    counts = count_outcomes(masks, meetings, last, split=split())
    passed, lost = counts.summed((0,)).rates()
    epochs, ages = list(range(last + 1)), args.age_bins
    replicas, replicas_lone, replicas_ages = [], LoneFront(), None
    for r in range(args.replicas):
        rng = np.random.default_rng([args.seed, r])
        played = tape_order_masks(masks[0], meetings, epochs, passed, lost, rng, split=split())
        played = [m for _, m in played]
        if played[-1].sum() > TOOK_HOLD:
            replicas.append(front_steps(played, distance))
            if args.lone_front:
                replicas_lone += lone_front(played, distance, meetings)
            if ages:
                by_age = losses_by_age(played, distance, meetings, ages)
                replicas_ages = by_age if replicas_ages is None else replicas_ages + by_age
    return Compared(
        front_steps(masks, distance),
        bool(masks[-1].sum() > TOOK_HOLD),
        replicas,
        lone_front(masks, distance, meetings) if args.lone_front else None,
        replicas_lone if args.lone_front and replicas else None,
        None if ages is None else losses_by_age(masks, distance, meetings, ages),
        replicas_ages,
        swaps(path, last, masks, soup, distance, meetings, args) if args.swaps else None,
        gains_without_holder(masks, meetings),
    )


def swaps(path, last, masks, soup, distance, meetings, args) -> PartnerSwaps:
    """The run's :class:`~alife.analysis.front_partners.PartnerSwaps`, replaying it
    again for its programs; one age bin without ``--ages``."""
    language, steps = get_language(soup.config.language), soup.config.max_steps
    motifs = parse_motifs(path, args.motif)
    graph = soup.graph

    def partners(program: int) -> np.ndarray:
        return graph.targets[graph.offsets[program] : graph.offsets[program + 1]]

    def loses(first: np.ndarray, second: np.ndarray) -> np.ndarray:
        return second_loses(language, first, second, motifs, args.every_motif, steps)

    programs = (programs for _, programs, _ in replay(path, last))
    ages = args.age_bins or ()
    return partner_swaps(programs, masks, distance, meetings, partners, loses, ages)


def print_run(
    path: str, last: int, each: Compared, args: argparse.Namespace, shuffle: int | None = None
) -> None:
    """One run's block: each measure, the replicas' median and range, and the p-value;
    with ``--lone-front``, ``--ages`` and ``--swaps``, those counts; the holders made
    without meeting one. ``shuffle``: the number of a shuffled play."""
    model = (
        "the four-rate model"
        if args.front_depth is None
        else f"the front-depth model ({args.front_depth} cells)"
    )
    if shuffle is not None:
        where = " within rings" if args.within_rings else ""
        path = f"{path} with its {' and '.join(args.shuffle)} shuffled{where} (shuffle {shuffle})"
    print(
        f"{path}, epochs 0-{last}: the front from ({args.origin[0]}, {args.origin[1]}), "
        f"the run beside {len(each.replicas)} of {args.replicas} replicas of {model} that "
        "took hold"
        + ("" if each.took_hold else f" (the run did not: {TOOK_HOLD} holders or fewer at the end)")
    )
    for name, field, larger in MEASURES:
        mine = getattr(each.run, field)
        line = f"  {name:42s} run {mine:5d}"
        if each.replicas:
            theirs = [getattr(replica, field) for replica in each.replicas]
            line += (
                f"   replicas median {np.median(theirs):6.1f} ({min(theirs)}-{max(theirs)})"
                f"   p {one_sided_p(mine, theirs, larger):.3f} "
                f"({'larger' if larger else 'smaller'})"
            )
        print(line)
    print(f"  holders made without meeting a holder: {each.gains_without_holder}")
    print_lone("the run", each.run_lone)
    print_lone("its replicas", each.replicas_lone)
    print_ages("the run", each.run_ages, args.age_bins)
    print_ages("its replicas", each.replicas_ages, args.age_bins)
    print_swaps("the run", each.run_swaps, args.age_bins)


def print_lone(whose: str, lone: LoneFront | None) -> None:
    """What ``whose`` lone front holder did, as shares; nothing without counts."""
    if lone is None:
        return
    if lone.epochs == 0:
        print(f"  a lone front holder, {whose}: in no epoch")
        return
    print(
        f"  a lone front holder, {whose}: {lone.epochs} epochs; it met a partner in "
        f"{share(lone.met, lone.epochs)} of them and was first on the tape in "
        f"{share(lone.first, lone.met)} of those; second with a non-holder in "
        f"{share(lone.second_with_non_holder, lone.epochs)}, lost in "
        f"{share(lone.lost_there, lone.second_with_non_holder)} of those; lost in "
        f"{share(lone.lost, lone.epochs)} in all; the front advanced after "
        f"{share(lone.advanced, lone.epochs)}"
    )


def age_names(ages: tuple[int, ...] | None) -> list[str]:
    """The age bins split at ``ages`` in words: (2, 5) -> 'age 0-1', 'age 2-4',
    'age 5+'; one bin, 'any age', without splits."""
    if not ages:
        return ["any age"]
    starts = (0, *ages)
    names = [f"{a}" if b == a + 1 else f"{a}-{b - 1}" for a, b in itertools.pairwise(starts)]
    return [f"age {name}" for name in (*names, f"{ages[-1]}+")]


def print_swaps(whose: str, swaps: PartnerSwaps | None, ages: tuple[int, ...] | None) -> None:
    """Per age bin, how often ``whose`` lone front holder second with a non-holder came
    out without the motif in the run and run again each way of SWAPS."""
    if swaps is None:
        return
    rows = zip(age_names(ages), swaps.meetings, swaps.shares(), swaps.swapped, strict=True)
    for name, met, shares, swapped in rows:
        ways = [
            f"{way} {'-' if np.isnan(lost) else f'{lost:.1%}'}"
            for way, lost in zip(SWAPS, shares, strict=True)
        ]
        ways[2:] = [f"{way} (of {n})" for way, n in zip(ways[2:], swapped, strict=True)]
        print(
            f"  the lone front holder second with a non-holder, {whose}, {name}, {met}: "
            + ", ".join(ways)
        )


def print_ages(whose: str, counts: np.ndarray | None, ages: tuple[int, ...] | None) -> None:
    """``whose`` holders second with a non-holder, by age: the share that lost the motif
    and of how many such meetings, for the lone front holder and for the others."""
    if counts is None:
        return
    names = age_names(ages)
    for row, holder in enumerate(("the lone front holder", "the other holders")):
        bins = ", ".join(
            f"{name} {share(lost, met)} of {met}"
            for name, (met, lost) in zip(names, counts[row].tolist(), strict=True)
        )
        print(f"  second with a non-holder and lost, {whose}, {holder}: {bins}")


def share(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a percentage, '-' of none."""
    return "-" if whole == 0 else f"{part / whole:.1%}"


def one_sided_p(mine: int, theirs: list[int], larger: bool) -> float:
    """The run's p-value against its replicas, on the side ``larger`` names."""
    sign = 1 if larger else -1
    return exceedance_p(sign * mine, [sign * t for t in theirs])


def print_combined(
    compared: list[Compared], runs: int, age_bins: tuple[int, ...] | None = None
) -> None:
    """Per measure over the ``compared`` runs: above and below the replicas' median, and
    the combined p-value; with ``--lone-front``, ``--ages`` (its bins ``age_bins``) and
    ``--swaps``, those counts pooled."""
    print(f"{len(compared)} of {runs} runs took hold and had replicas that did:")
    if not compared:
        return
    for name, field, larger in MEASURES:
        above = below = 0
        p_values = []
        for each in compared:
            mine = getattr(each.run, field)
            theirs = [getattr(replica, field) for replica in each.replicas]
            median = np.median(theirs)
            above, below = above + (mine > median), below + (mine < median)
            p_values.append(one_sided_p(mine, theirs, larger))
        combined = combine_pvalues(p_values, method="fisher").pvalue
        print(
            f"  {name:42s} above the replicas' median {above:3d}, below {below:3d}"
            f"   Fisher p {combined:.3f} ({'larger' if larger else 'smaller'})"
        )
    if compared[0].run_lone is not None:
        print_lone("the runs", sum((each.run_lone for each in compared), LoneFront()))
        print_lone("their replicas", sum((each.replicas_lone for each in compared), LoneFront()))
    if compared[0].run_ages is not None:
        print_ages("the runs", sum(each.run_ages for each in compared), age_bins)
        print_ages("their replicas", sum(each.replicas_ages for each in compared), age_bins)
    if compared[0].run_swaps is not None:
        pooled = sum((each.run_swaps for each in compared[1:]), compared[0].run_swaps)
        print_swaps("the runs", pooled, age_bins)


if __name__ == "__main__":
    main()
