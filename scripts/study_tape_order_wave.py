"""Does the order on the tape, with the motif's wrecks, explain how fast its wave moves?

    python scripts/study_tape_order_wave.py RUN.h5 --motif '{.>]' --motif ']>.{' \
        [--origin 0,0] [--every-motif] [--replicas 16] [--seed 0] [--rates-from OTHER.h5] \
        [--window E] [--survivals S] [--pair-memory] [--exposures S] [--neighbours B] \
        [--front-depth D] [--persistent] \
        [--joint] [--occupancy E] [--pair-states] [--families K] [--front-labels Z] \
        [--label-ages] [--aged-pooled E] [--replicating-pooled] [--shrink W] \
        [--alone LABELS] [--from-cells 40] [--until E]

A holder holds any of the motifs; with ``--every-motif``, all of them (both halves of a
copy loop: programs that kept one half do not count; not with ``--pair-states``, which
follows each motif on its own; ``--families`` then names the families of whole loops).

First it replays the soup run RUN.h5 from epoch 0 to its last snapshot
(:func:`alife.analysis.tape_order.count_outcomes`). It prints, for meetings of a holder
with a non-holder, how often a holder first passed the motif on and how often a holder
second was lost, for fresh partners (never held the motif) and wrecks (held it before).
With ``--window E`` it also prints them per window of E epochs (0 .. E - 1, ...); with
``--survivals S``, per class of the holder's survivals: the meetings it came out of still
holding the motif, placed second with a non-holder, since it became a holder (0, 1, ...,
S - 1 or more); with ``--pair-memory``, by whether the same two programs met before,
since either changed, with no effect, and with the holder on which side; with
``--exposures S``, by the partner's exposures: the meetings with a holder it came out of
without the motif, since it last held it (0, 1, ..., S - 1 or more); with
``--neighbours B``, by the share of the partner's neighbours that hold the motif, in B
equal bins (a grid soup or one with an interactions file); with ``--front-depth D``, by
whether the partner lies within D cells of the front (the farthest holder from
``--origin``, a grid soup) or deeper (:mod:`alife.analysis.meeting_classes`); with
``--joint``, also by every combination of the classes of those splits. The run is
replayed once, and each split counts the same replayed holders.

With ``--persistent`` it prints how often a non-holder first with a holder second did
again what it did at its previous such meeting
(:func:`alife.analysis.tape_order.danger_persistence`), and plays the model by partner
with each non-holder's danger drawn once, not per meeting (``persistent`` of
:func:`alife.analysis.tape_order.tape_order_masks`).

With ``--rates-from OTHER.h5`` the rates are measured on that run instead, and
replayed on RUN.h5's meetings: a prediction rather than a fit.

Then it runs ``--replicas`` models of the spread on the run's own meetings, from its
holders at epoch 0. Tape-order contact processes
(:func:`alife.analysis.tape_order.tape_order_masks`) take the rates by partner, and,
as asked, by partner and window, or by partner and the class of a split, which the
process follows for its own holders (a cell with no such meeting takes the rate over
all); and one rate per side for both kinds of partner (pooled). ``--pair-states`` adds
the pair-state model (:mod:`alife.analysis.pair_states`), each ``--motif`` followed on
its own, every meeting drawn from what the run's meetings of the same states did;
``--families K`` the same model with holders told apart by family: the K with the most
holders over the snapshots, and all others as one.

With ``--occupancy E`` it also sets, per E epochs, how the meetings of a holder with a
fresh partner fall into a split's classes in the run beside how they fall in the
replicas of that split's model that took hold
(:class:`alife.analysis.meeting_classes.Tallied`), with the total variation distance
between the two: whether the model reproduces who meets the front, or only how each
class of meeting ends.

With ``--label-ages`` each chain also prints its labels' meetings with fresh partners by
how long the holder had had its label
(:func:`alife.analysis.pair_states.label_age_outcomes`), which the chain does not tell
apart.

With ``--aged-pooled E`` (and ``--families``) it also plays the family chain with the
pooled label's holders that have had it for E epochs or more as a label of their own
(:class:`alife.analysis.pair_states.AgedLabels`): the chain then follows how damaged
loops age, as the run's meetings did. With ``--replicating-pooled`` it plays it with the
pooled label's holders that are not self-replicators (by cubff's score, each program
scored alone) as a label of their own
(:class:`alife.analysis.pair_states.ReplicatorLabels`): the chain then tells damaged
loops that still copy themselves from those that do not.

With ``--shrink W`` (and ``--families``) every family chain draws each named family's
meetings toward the pooled label's, by W meetings
(:func:`alife.analysis.pair_states.shrunk_to_parents`): a family met a handful of times
then meets as the families pooled with it do, not as its few meetings happened to end.
The labels' rates it prints are still the run's own.

With ``--alone LABELS`` (and ``--families``; labels as the family chain prints them: 1
the pooled label, 2 the commonest family, ...) it also plays each of those labels on
its own (:func:`alife.analysis.pair_states.copies_only`): the run's holders at epoch 0
all given that label, which spreads at its own rates with each side and partner, and
makes no other kind: how fast that family would carry the wave alone (at its rates
drawn toward the pooled label's, with ``--shrink``).

With ``--front-labels Z`` (a grid soup and ``--origin``) it also prints, per snapshot,
the labels of the holders within Z cells of the front (the farthest holder) in the run
beside their mean over each chain's replicas that took hold: which kinds of holder
carry the wave.

Beside the run itself it prints how many replicas took hold (more than 10 holders of a
motif at the last snapshot), their holders there and, in a grid soup, their front speed
in cells per epoch measured from ``--origin``: from the start, and from the first
snapshot whose front is ``--from-cells`` cells out (the wave without its start); with
``--until E`` also from the start up to epoch E (how the wave started); with six or
more replicas that took hold, also a 95 % interval for the median speed. Two models
whose intervals overlap are not told apart by these replicas: ask for more. After each
model's speed, "run above k/n, p P" says how many of the n replicas' speeds the run's
is faster than, and the one-sided p-value of the run's speed against them
(:func:`alife.analysis.intervals.exceedance_p`); were the run one more replica, k/n
would fall anywhere, and the p-values of several seeds combine into one test.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Iterable
from functools import lru_cache, partial

import numpy as np

from alife.analysis.intervals import exceedance_p, median_interval
from alife.analysis.meeting_classes import (
    Exposures,
    FrontDepth,
    Joint,
    NeighbourShare,
    PairMemory,
    Survivals,
    Tallied,
)
from alife.analysis.pair_states import (
    AGE_BINS,
    MAX_MOTIFS,
    AgedLabels,
    PairTransitions,
    ReplicatorLabels,
    common_families,
    copies_only,
    label_age_outcomes,
    motif_masks,
    pair_state_labels,
    pair_transitions,
    shrunk_to_parents,
)
from alife.analysis.spread import check_origin, holding, parse_origin, trait_spread
from alife.analysis.tape_order import (
    FRESH,
    TOOK_HOLD,
    WRECK,
    OutcomeCounts,
    count_outcomes,
    danger_persistence,
    parse_motifs,
    replay,
    snapshot_epochs,
    tape_order_masks,
)
from alife.engine.store import open_run
from alife.errors import AlifeInputError, run_script
from alife.substrates.programs.registry import get_language

PAIR_MEMORY_NAMES = ("first meeting", "again, same side", "again, other side")
"""The classes of :class:`~alife.analysis.meeting_classes.PairMemory`."""


def alone_labels(text: str, families: int | None) -> list[int]:
    """The family labels of ``--alone`` (comma-separated integers, 1 to ``families`` + 1:
    the pooled label and the named families)."""
    try:
        labels = [int(part) for part in text.split(",")]
    except ValueError:
        labels = []
    if families is None or not labels or not all(1 <= k <= families + 1 for k in labels):
        top = "K + 1" if families is None else families + 1
        raise AlifeInputError(
            f"--alone takes family labels 1 to {top}, comma-separated, with --families K; "
            f"not {text!r}"
        )
    return labels


def spread_of(masks: Iterable, grid, origin, fits: list[tuple[str, int, int | None]]) -> tuple:
    """(holders at the last snapshot, then a front speed in cells per epoch for each of
    ``fits`` (name, from cells out, up to epoch), None without a fit) of (epoch, (n,)
    bool) masks."""
    spread = trait_spread(masks, grid, origin)
    speeds = [None] * len(fits)
    if grid is not None:
        for i, (_, cells, until) in enumerate(fits):
            fit = spread.front_speed(cells, until)
            speeds[i] = None if fit is None else fit[0]
    return int(spread.holders[-1]), *speeds


def _span(values: list[float]) -> str:
    """Range and median of ``values``, and a 95 % interval for the median where there
    are enough of them (:func:`~alife.analysis.intervals.median_interval`)."""
    interval = median_interval(values)
    within = "" if interval is None else f", 95 % {interval[0]:.3f}-{interval[1]:.3f}"
    return f"{min(values):.3f} - {max(values):.3f} (median {np.median(values):.3f}{within})"


def summary(
    name: str,
    results: list[tuple],
    fits: list[tuple[str, int, int | None]],
    run: tuple | None = None,
) -> str:
    """One line: how many of ``results`` (from :func:`spread_of`) took hold, their
    holders and front speeds; with ``run`` (the run's :func:`spread_of`), after each
    speed, how many of the replicas' the run's is faster than and its p-value against
    them: a model the run could be a replica of puts it anywhere, not always at the
    top."""
    held = [r for r in results if r[0] > TOOK_HOLD]
    line = f"{name:24s} took hold {len(held):2d} of {len(results):2d}"
    if held:
        holders = [r[0] for r in held]
        line += f"   holders {min(holders):6d} - {max(holders):6d}"
        for i, (label, _, _) in enumerate(fits, start=1):
            speeds = [r[i] for r in held if r[i] is not None]
            if speeds:
                line += f"   {label} {_span(speeds)}"
                if run is not None and run[i] is not None:
                    slower = sum(speed < run[i] for speed in speeds)
                    p_value = exceedance_p(run[i], speeds)
                    line += f", run above {slower}/{len(speeds)}, p {p_value:.3f}"
    return line


def print_rates(counts: OutcomeCounts, heading: str, names: list[str] | None = None) -> None:
    """The rates of ``counts``: one line per side and partner, or, split by windows or by
    classes (named ``names``), one line per window and class."""
    print(heading)
    passed, lost = counts.rates()
    windows, _, _, classes = counts.met.shape
    if windows == classes == 1:
        for side, verb, rate in ((0, "passed it on", passed), (1, "was lost", lost)):
            for kind, partner in ((FRESH, "fresh"), (WRECK, "wreck")):
                met, share = counts.met[0, side, kind, 0], 100 * rate[0, kind, 0]
                print(
                    f"  holder {('first', 'second')[side]:6s} vs {partner}: "
                    f"{met:8d} meetings, {verb} in {share:.1f} %"
                )
        return
    names = names or ["all"]
    print(
        "  epochs     class              first passed it on vs fresh / wreck    "
        "second was lost vs fresh / wreck"
    )
    for w, c in itertools.product(range(windows), range(classes)):
        span = "all"
        if counts.window is not None:
            span = f"{w * counts.window}-{(w + 1) * counts.window - 1}"
        cells = [
            f"{100 * rate[w, kind, c]:5.1f} % ({counts.met[w, side, kind, c]:6d})"
            for side, rate in ((0, passed), (1, lost))
            for kind in (FRESH, WRECK)
        ]
        print(f"  {span:9s}  {names[c]:17s}  {cells[0]} / {cells[1]}    {cells[2]} / {cells[3]}")


def print_persistence(counts: np.ndarray) -> None:
    """The :func:`~alife.analysis.tape_order.danger_persistence` ``counts``: per kind of
    partner, how often it destroyed a holder second after destroying and after sparing
    one the time before."""
    print("a non-holder first with a holder second, at its next such meeting:")
    for kind, partner in ((FRESH, "fresh"), (WRECK, "wreck")):
        shares = []
        for before, what in ((1, "destroying"), (0, "sparing")):
            met = counts[kind, before].sum()
            share = f"{100 * counts[kind, before, 1] / met:.1f} %" if met else "-"
            shares.append(f"destroyed it in {share} of {met} after {what} one")
        print(f"  {partner}: " + ", ".join(shares))


def print_occupancy(run: OutcomeCounts, took: list[np.ndarray], names: list[str]) -> None:
    """Per window of ``run`` (counts by class per window), how the meetings of a holder
    with a fresh partner, either side, fall into the classes ``names``: in the run, and
    in the replicas that took hold (``took``: each its (windows, 2, 2, classes) counts),
    and the total variation distance between the two shares."""
    if not took:
        print("  no replica took hold: no occupancy to compare")
        return
    in_run = run.met[:, :, FRESH].sum(axis=1)  # (windows, classes)
    in_model = np.sum(took, axis=0)[:, :, FRESH].sum(axis=1)
    print(
        f"  meetings with fresh partners by class ({', '.join(names)}), per "
        f"{run.window} epochs: the run | {len(took)} replicas that took hold"
    )
    distances = []
    for w, (a, b) in enumerate(zip(in_run, in_model, strict=True)):
        share_run, share_model = a / max(a.sum(), 1), b / max(b.sum(), 1)
        distances.append(0.5 * np.abs(share_run - share_model).sum())
        cells = [" ".join(f"{100 * x:5.1f}" for x in share) for share in (share_run, share_model)]
        print(
            f"  {w * run.window:5d}-{(w + 1) * run.window - 1:<5d} {a.sum():7d} {cells[0]} % | "
            f"{b.sum() / len(took):9.1f} {cells[1]} %   distance {distances[-1]:.3f}"
        )
    print(f"  mean distance over windows {np.mean(distances):.3f}")


def front_shares(labels: np.ndarray, distance: np.ndarray, kinds: int, zone: int) -> np.ndarray:
    """(kinds,) float64: the share of each label among the holders (label > 0) of
    ``labels`` ((n,) int64) whose ``distance`` ((n,) cells from the origin) is within
    ``zone`` cells of the farthest holder's; NaN without holders."""
    held = labels > 0
    if not held.any():
        return np.full(kinds, np.nan)
    near = held & (distance >= distance[held].max() - zone)
    return np.bincount(labels[near], minlength=kinds) / near.sum()


def print_label_rates(transitions: PairTransitions) -> None:
    """Per label of a pair-state chain, what the run's meetings of its holders with a
    fresh program did: first on the tape, how often the partner came out holding a
    motif, and of the label's own kind; second, how often neither held one after; and
    how many holders of the label were made in meetings where neither program had it."""
    counts, kinds = transitions.counts, transitions.kinds
    print(
        "  label   first vs fresh: meetings, passed on (own label)   second vs fresh: "
        "meetings, lost   made where neither had it"
    )
    for k in range(1, kinds):
        first, second = counts[k, 0], counts[0, k]
        if not first.sum() + second.sum():
            continue
        passed, own = first[:, 1:].sum(), first[:, k].sum()
        others = [s for s in range(kinds + 1) if s != k]
        without = counts[np.ix_(others, others)]  # meetings where neither program had k
        made = without[:, :, k, :].sum() + without[:, :, :, k].sum()
        print(
            f"  {k:5d}   {first.sum():9d}, {100 * passed / max(first.sum(), 1):5.1f} % "
            f"({100 * own / max(passed, 1):5.1f} %)            {second.sum():9d}, "
            f"{100 * second[0, 0] / max(second.sum(), 1):5.1f} %   {made:9d}"
        )


def print_label_ages(counts: np.ndarray, least: int = 100) -> None:
    """Per label with at least ``least`` meetings with a fresh partner, their outcomes
    by the holder's age in its label (``counts`` from
    :func:`~alife.analysis.pair_states.label_age_outcomes` with its default bins)."""
    ends = [*AGE_BINS[1:], None]
    spans = [f"{a}-{b - 1}" if b else f"{a}+" for a, b in zip(AGE_BINS, ends, strict=True)]
    print(
        f"  label  age (epochs in its label): first passed it on / second was lost "
        f"(meetings with fresh partners), for {', '.join(spans)}"
    )
    for k in range(1, len(counts)):
        if counts[k, :, :, 0].sum() < least:
            continue
        cells = []
        for met, changed in zip(counts[k, :, :, 0], counts[k, :, :, 1], strict=True):
            rates = [
                f"{100 * c / m:3.0f}" if m else "  -" for m, c in zip(met, changed, strict=True)
            ]
            cells.append(f"{rates[0]}/{rates[1]} % ({met.sum()})")
        print(f"  {k:5d}  " + "   ".join(cells))


def print_front_labels(epochs: list[int], run: list, took: list[list], zone: int) -> None:
    """Per snapshot, the labels of the holders at the front (:func:`front_shares`) in the
    run beside their mean over the replicas that took hold (``took``: each its shares
    per snapshot), as percentages of labels 1, 2, ..."""
    print(
        f"  holders within {zone} cells of the front by label (1, 2, ...): the run | mean "
        f"of {len(took)} replicas that took hold"
    )
    for i, epoch in enumerate(epochs):
        model = np.nanmean([replica[i] for replica in took], axis=0) if took else run[i] * np.nan
        cells = [" ".join(f"{100 * x:3.0f}" for x in shares[1:]) for shares in (run[i], model)]
        print(f"  {epoch:5d}  {cells[0]} | {cells[1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", help="a soup run file with snapshots")
    parser.add_argument("--motif", action="append", required=True, help="repeatable")
    parser.add_argument("--origin", type=parse_origin, help="ROW,COL of a grid soup")
    parser.add_argument(
        "--every-motif",
        action="store_true",
        help="a holder holds every motif, not any (e.g. both halves of a copy loop)",
    )
    parser.add_argument(
        "--persistent",
        action="store_true",
        help="also play the model by partner with each non-holder's danger to a holder "
        "placed second drawn once, not per meeting",
    )
    parser.add_argument("--replicas", type=int, default=16)
    parser.add_argument("--seed", type=int, default=0, help="seed of the replicas' draws")
    parser.add_argument(
        "--rates-from", metavar="OTHER.h5", help="measure the rates on another soup run"
    )
    parser.add_argument(
        "--window", type=int, metavar="E", help="also measure and replay rates per E epochs"
    )
    parser.add_argument(
        "--survivals",
        type=int,
        default=1,
        metavar="S",
        help="also split rates by the holder's survivals: 0, 1, .., S-1 or more",
    )
    parser.add_argument(
        "--pair-memory", action="store_true", help="also split rates by what the pair did before"
    )
    parser.add_argument(
        "--exposures",
        type=int,
        default=1,
        metavar="S",
        help="also split rates by the partner's exposures: 0, 1, .., S-1 or more",
    )
    parser.add_argument(
        "--neighbours",
        type=int,
        default=1,
        metavar="B",
        help="also split rates by the share of the partner's neighbours holding, in B bins",
    )
    parser.add_argument(
        "--front-depth",
        type=int,
        metavar="D",
        help="also split rates by whether the partner is within D cells of the front",
    )
    parser.add_argument(
        "--joint", action="store_true", help="also split rates by all the splits above at once"
    )
    parser.add_argument(
        "--occupancy",
        type=int,
        metavar="E",
        help="per E epochs, the classes of meetings with fresh partners: run and split models",
    )
    parser.add_argument(
        "--front-labels",
        type=int,
        metavar="Z",
        help="per snapshot, the labels of the holders within Z cells of the front: run and chains",
    )
    parser.add_argument(
        "--aged-pooled",
        type=int,
        metavar="E",
        help="with --families, also a chain whose pooled label's holders of E epochs or more "
        "are a label of their own",
    )
    parser.add_argument(
        "--replicating-pooled",
        action="store_true",
        help="with --families, also a chain whose pooled label's holders that are not "
        "self-replicators are a label of their own",
    )
    parser.add_argument(
        "--shrink",
        type=float,
        metavar="W",
        help="with --families, draw each named family's meetings toward the pooled label's "
        "by W meetings",
    )
    parser.add_argument(
        "--alone",
        metavar="LABELS",
        help="with --families, also play each of these family labels (comma-separated, "
        "2 = the commonest family) on its own",
    )
    parser.add_argument(
        "--label-ages",
        action="store_true",
        help="the chains' labels' meetings with fresh partners by the holder's age in its label",
    )
    parser.add_argument(
        "--pair-states", action="store_true", help="also play the pair-state model by motif"
    )
    parser.add_argument(
        "--families",
        type=int,
        metavar="K",
        help="also play the pair-state model by the K commonest families",
    )
    parser.add_argument(
        "--from-cells", type=int, default=40, metavar="C", help="fit the wave from C cells out"
    )
    parser.add_argument(
        "--until",
        type=int,
        metavar="E",
        help="also fit the wave from the start up to epoch E (a grid soup)",
    )
    run_script(parser, study)


def study(args: argparse.Namespace) -> None:
    """Print the outcome rates of the run and the replicas' spreads (module docstring)."""
    if args.window is not None and args.window < 1:
        raise AlifeInputError(f"--window must be at least 1 epoch, got {args.window}")
    for option in ("survivals", "exposures", "neighbours"):
        if getattr(args, option) < 1:
            raise AlifeInputError(
                f"--{option} must be at least 1 class, got {getattr(args, option)}"
            )
    if args.front_depth is not None and (args.front_depth < 1 or args.origin is None):
        raise AlifeInputError(
            f"--front-depth D splits meetings at the front from those behind it: give --origin "
            f"and D >= 1 cells, not {args.front_depth}"
        )
    asked = [args.survivals > 1, args.exposures > 1, args.neighbours > 1, args.pair_memory]
    asked.append(args.front_depth is not None)
    asked_any = any(asked)
    if args.joint and sum(asked) < 2:
        raise AlifeInputError("--joint combines two or more splits; ask for them too")
    if args.occupancy is not None and (args.occupancy < 1 or args.rates_from or not asked_any):
        raise AlifeInputError(
            "--occupancy E sets the classes of a split's model beside its run's: give E >= 1, "
            "a split (--survivals, --exposures, --neighbours, --pair-memory, --front-depth) and "
            "no --rates-from"
        )
    if args.front_labels is not None and (
        args.front_labels < 0 or args.origin is None or not (args.pair_states or args.families)
    ):
        raise AlifeInputError(
            "--front-labels Z follows the pair-state chains' fronts: give Z >= 0, --origin, "
            "and --pair-states or --families"
        )
    if args.aged_pooled is not None and (args.aged_pooled < 1 or args.families is None):
        raise AlifeInputError(
            f"--aged-pooled E splits the family chain's pooled label at age E: give --families "
            f"and E >= 1, not {args.aged_pooled}"
        )
    if args.replicating_pooled and args.families is None:
        raise AlifeInputError(
            "--replicating-pooled splits the family chain's pooled label: give --families"
        )
    if args.shrink is not None and (not 0 <= args.shrink < np.inf or args.families is None):
        raise AlifeInputError(
            f"--shrink W draws the named families toward the pooled label: give --families "
            f"and a finite W >= 0 meetings, not {args.shrink}"
        )
    if args.families is not None and args.families < 1:
        raise AlifeInputError(f"--families must be at least 1, got {args.families}")
    if args.every_motif and args.pair_states:
        raise AlifeInputError(
            "--every-motif follows programs holding all the motifs; the pair-state chain "
            "(--pair-states) follows each motif on its own: leave one out"
        )
    alone = [] if args.alone is None else alone_labels(args.alone, args.families)
    if args.until is not None and args.until < 1:
        raise AlifeInputError(f"--until E fits the wave up to epoch E >= 1, not {args.until}")
    fits = [("front speed", 0, None), (f"past {args.from_cells} cells", args.from_cells, None)]
    if args.until is not None:
        fits.append((f"to epoch {args.until}", 0, args.until))
    if args.pair_states and len(args.motif) > MAX_MOTIFS:
        raise AlifeInputError(
            f"--pair-states follows at most {MAX_MOTIFS} motifs, not {len(args.motif)}"
        )
    epochs = snapshot_epochs(args.run)
    motifs, every = parse_motifs(args.run, args.motif), args.every_motif
    with open_run(args.run) as run:
        grid = tuple(run.config["grid"]) if run.config.get("grid") else None
        observed = [(e, holding(run.snapshot(e, "soup"), motifs, every)) for e in epochs]
    check_origin(args.origin, grid)  # before the replay, not after
    source = args.rates_from or args.run
    _, programs, soup = list(replay(args.run, 0))[-1]  # the run's soup at epoch 0
    source_soup = soup if source == args.run else list(replay(source, 0))[-1][2]
    if args.neighbours > 1:
        for path, each in ((args.run, soup), (source, source_soup)):
            if each.graph is None:
                raise AlifeInputError(
                    f"--neighbours needs a grid soup or an interactions file; {path!r} is "
                    f"well mixed"
                )
    if args.front_depth is not None:
        for path, each in ((args.run, soup), (source, source_soup)):
            if not each.config.grid:
                raise AlifeInputError(f"--front-depth needs a grid soup; {path!r} has none")
            check_origin(args.origin, tuple(each.config.grid))
    last = snapshot_epochs(source)[-1]
    source_motifs = parse_motifs(source, args.motif)
    # every epoch's holders of the rates' run, replayed once for the counts of all splits
    source_held = [holding(later, source_motifs, every) for _, later, _ in replay(source, last)]
    counts = count_outcomes(source_held, source_soup.meetings, last, args.window)
    whole = counts.total()
    print_rates(whole, f"{source}, epochs 0-{last}: meetings of a holder with a non-holder")
    if args.window is not None:
        print_rates(counts, "the same per window (meetings)")
    kept = whole.holders_kept / max(whole.holders_met, 1)
    print(f"  two holders: {whole.holders_met} meetings, both kept it in {100 * kept:.2f} %")
    if args.persistent:
        print_persistence(danger_persistence(source_held, source_soup.meetings, last))
    splits = {}  # name: (a fresh split for a run's soup, its classes' names)
    for name, count, kind in (
        ("survivals", args.survivals, Survivals),
        ("exposures", args.exposures, Exposures),
    ):
        if count > 1:
            names = [str(c) for c in range(count - 1)] + [f"{count - 1}+"]
            splits[name] = (lambda soup, kind=kind, c=count: kind(soup.config.programs, c), names)
    if args.pair_memory:
        splits["pair memory"] = (lambda soup: PairMemory(), list(PAIR_MEMORY_NAMES))
    if args.neighbours > 1:
        bins = args.neighbours
        names = [f"{100 * b // bins}-{100 * (b + 1) // bins} %" for b in range(bins)]
        splits["neighbours"] = (lambda soup: NeighbourShare(soup.graph, bins), names)
    if args.front_depth is not None:
        depth = args.front_depth
        splits["front depth"] = (
            lambda soup: FrontDepth(tuple(soup.config.grid), args.origin, depth),
            [f"0-{depth - 1} cells", f"{depth}+ cells"],
        )
    if args.joint:
        parts = list(splits.values())
        joint_names = [" / ".join(n) for n in itertools.product(*(n for _, n in parts))]
        splits[" x ".join(splits)] = (
            lambda soup, parts=parts: Joint([make(soup) for make, _ in parts]),
            joint_names,
        )
    split_counts = {}  # name: the run's counts by class, per --occupancy window if asked
    for name, (make, names) in splits.items():
        by_class = count_outcomes(
            source_held, source_soup.meetings, last, args.occupancy, make(source_soup)
        )
        print_rates(by_class.summed((0,)), f"the same by {name} (meetings)", names)
        split_counts[name] = by_class

    start = holding(programs, motifs, every)
    # the replicas run in step, one snapshot gap at a time: each epoch's meetings once
    meetings = lru_cache(maxsize=int(np.diff([0, *epochs]).max()) + 1)(soup.meetings)
    # name: (passed, lost, window, persistent) of each model by partner
    models = {"rates by partner": (*whole.rates(), None, False)}
    if args.window is not None:
        models["by partner, window"] = (*counts.rates(), args.window, False)
    if args.persistent:
        models["by partner, persistent"] = (*whole.rates(), None, True)
    models["pooled rates"] = (
        np.full(2, whole.passed[0, 0].sum() / whole.met[0, 0].sum()),
        np.full(2, whole.lost[0, 1].sum() / whole.met[0, 1].sum()),
        None,
        False,
    )
    run = spread_of(observed, grid, args.origin, fits)
    print(summary("the run", [run], fits))

    def replicas(play) -> list[tuple]:
        rngs = (np.random.default_rng([args.seed, r]) for r in range(args.replicas))
        in_step = zip(*(play(rng) for rng in rngs), strict=True)  # per snapshot, all replicas
        return [spread_of(masks, grid, args.origin, fits) for masks in zip(*in_step, strict=True)]

    for name, (p, q, window, persistent) in models.items():
        play = partial(
            tape_order_masks, start, meetings, epochs, p, q, window=window, persistent=persistent
        )
        results = replicas(play)
        print(summary(name, results, fits, run))
    for name, by_class_counts in split_counts.items():
        make, names = splits[name]
        p, q = by_class_counts.summed((0,)).rates()
        tallies = []

        def by_class(rng: np.random.Generator, p=p, q=q, make=make, tallies=tallies) -> Iterable:
            split = make(soup)
            if args.occupancy is not None:
                split = Tallied(split, args.occupancy)
                tallies.append(split)
            return tape_order_masks(start, meetings, epochs, p, q, rng, split=split)

        results = replicas(by_class)
        print(summary(f"by partner, {name}", results, fits, run))
        if args.occupancy is not None:
            took = [t.met() for t, r in zip(tallies, results, strict=True) if r[0] > TOOK_HOLD]
            print_occupancy(by_class_counts, took, names)
    # name: (a fresh labeller for one replay, its kinds, the labels its front shows and
    # their kinds; an aged label shows as the pooled label, 1)
    labellings = {}
    shrunk = set()  # the names of the chains --shrink draws toward the pooled label
    family_chain = None  # the name of the chain by family, which --alone plays from
    if args.pair_states:
        by_motif = partial(motif_masks, motifs=source_motifs)
        kinds = 1 << len(motifs)
        labellings["pair states"] = (lambda: by_motif, kinds, by_motif, kinds)
    if args.families is not None:
        by_motif_only = set(labellings)
        families = common_families(source, source_motifs, args.families, every)
        family_chain = f"pair states, {args.families} families"
        labellings[family_chain] = (
            lambda: families,
            families.kinds,
            families,
            families.kinds,
        )
        if args.aged_pooled is not None:
            labellings[
                f"pair states, {args.families} families, pooled aged {args.aged_pooled}+"
            ] = (
                lambda: AgedLabels(families, families.kinds, 1, args.aged_pooled),
                families.kinds + 1,
                families,
                families.kinds,
            )
        if args.replicating_pooled:
            with open_run(source) as source_run:
                language, max_steps = source_run.config["language"], source_run.config["max_steps"]
            replicators = ReplicatorLabels(
                families, families.kinds, 1, get_language(language), max_steps
            )
            labellings[f"pair states, {args.families} families, pooled by replication"] = (
                lambda: replicators,
                replicators.kinds,
                replicators,
                replicators.kinds,
            )
        if args.shrink is not None:
            shrunk = set(labellings) - by_motif_only
    distance = None
    if args.front_labels is not None:
        if grid is None:
            raise AlifeInputError(f"--front-labels needs a grid soup; {args.run!r} is not one")
        rows, cols = np.divmod(np.arange(grid[0] * grid[1]), grid[0])
        distance = np.maximum(abs(rows - args.origin[0]), abs(cols - args.origin[1]))
    for name, (make, kinds, shown, shown_kinds) in labellings.items():
        transitions = pair_transitions(source, make(), kinds, last)
        print(f"{name}: meetings of each label's holders with a fresh partner")
        print_label_rates(transitions)
        title = name
        if name in shrunk:
            parents = families.parent_states(kinds)
            transitions = shrunk_to_parents(transitions, parents, args.shrink)
            title = f"{name}, shrunk by {args.shrink:g}"
        if args.label_ages:
            print_label_ages(label_age_outcomes(source, make(), kinds, last))
        first = make()(programs)
        alone_here = alone if name == family_chain else []
        one_kind = copies_only(transitions) if alone_here else None
        for label in alone_here:
            start = np.where(first > 0, label, 0)

            def on_its_own(rng: np.random.Generator, start=start, one_kind=one_kind) -> Iterable:
                for epoch, labels in pair_state_labels(start, meetings, epochs, one_kind, rng):
                    yield epoch, labels > 0

            print(summary(f"family {label} alone", replicas(on_its_own), fits, run))
        fronts = []  # per replica: (snapshots, kinds) shares at the front, NaN without holders

        def holders(
            rng: np.random.Generator,
            first=first,
            transitions=transitions,
            fronts=fronts,
            shown_kinds=shown_kinds,
        ) -> Iterable:
            shares = []  # this replica's, per snapshot
            fronts.append(shares)
            for epoch, labels in pair_state_labels(first, meetings, epochs, transitions, rng):
                if distance is not None:
                    labels_shown = np.where(labels == shown_kinds, 1, labels)  # aged: pooled
                    shares.append(
                        front_shares(labels_shown, distance, shown_kinds, args.front_labels)
                    )
                yield epoch, labels > 0

        results = replicas(holders)
        print(summary(title, results, fits, run))
        if distance is not None:
            with open_run(args.run) as run_file:
                in_run = [
                    front_shares(
                        shown(run_file.snapshot(e, "soup")),
                        distance,
                        shown_kinds,
                        args.front_labels,
                    )
                    for e in epochs
                ]
            took = [f for f, r in zip(fronts, results, strict=True) if r[0] > TOOK_HOLD]
            print_front_labels(epochs, in_run, took, args.front_labels)


if __name__ == "__main__":
    main()
