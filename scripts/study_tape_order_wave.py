"""Does the order on the tape, with the motif's wrecks, explain how fast its wave moves?

    python scripts/study_tape_order_wave.py RUN.h5 --motif '{.>]' --motif ']>.{' \
        [--origin 0,0] [--replicas 16] [--seed 0] [--rates-from OTHER.h5]

First it replays the soup run RUN.h5 from epoch 0 to its last snapshot
(:func:`alife.analysis.tape_order.outcome_counts`). It prints, for meetings of a holder
with a non-holder, how often a holder first passed the motif on and how often a holder
second was lost, for fresh partners (never held the motif) and wrecks (held it before).

With ``--rates-from OTHER.h5`` the rates are measured on that run instead, and
replayed on RUN.h5's meetings: a prediction rather than a fit.

Then it runs ``--replicas`` tape-order contact processes on the run's own meetings, from
its holders at epoch 0 (:func:`alife.analysis.tape_order.tape_order_masks`). One set uses
the rates by partner; the other pools both kinds of partner into one rate per side.
Beside the run itself it prints how many replicas took hold (more than 10 holders at the
last snapshot), their holders there and, in a grid soup, their front speed in cells per
epoch, measured from ``--origin``.
"""

from __future__ import annotations

import argparse

import numpy as np

from alife.analysis.spread import check_origin, holding, parse_origin, trait_spread
from alife.analysis.tape_order import (
    FRESH,
    WRECK,
    outcome_counts,
    parse_motifs,
    replay,
    snapshot_epochs,
    tape_order_masks,
)
from alife.engine.store import open_run
from alife.errors import AlifeInputError

TOOK_HOLD = 10
"""A spread took hold with more holders than this at the last snapshot."""


def spread_of(masks, grid, origin) -> tuple[int, float | None]:
    """(holders at the last snapshot, front speed in cells per epoch or None)."""
    spread = trait_spread(masks, grid, origin)
    speed = spread.front_speed() if grid is not None else None
    return int(spread.holders[-1]), None if speed is None else speed[0]


def summary(name: str, results: list[tuple[int, float | None]]) -> str:
    """One line: how many of ``results`` took hold, their holders and speeds."""
    held = [r for r in results if r[0] > TOOK_HOLD]
    line = f"{name:22s} took hold {len(held):2d} of {len(results):2d}"
    if held:
        holders = [h for h, _ in held]
        line += f"   holders {min(holders):6d} - {max(holders):6d}"
        speeds = [s for _, s in held if s is not None]
        if speeds:
            line += f"   front speed {min(speeds):.3f} - {max(speeds):.3f} (median "
            line += f"{np.median(speeds):.3f})"
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", help="a soup run file with snapshots")
    parser.add_argument("--motif", action="append", required=True, help="repeatable")
    parser.add_argument("--origin", type=parse_origin, help="ROW,COL of a grid soup")
    parser.add_argument("--replicas", type=int, default=16)
    parser.add_argument("--seed", type=int, default=0, help="seed of the replicas' draws")
    parser.add_argument(
        "--rates-from", metavar="OTHER.h5", help="measure the rates on another soup run"
    )
    args = parser.parse_args()
    try:
        study(args)
    except (AlifeInputError, OSError) as error:
        parser.exit(2, f"Error: {error}\n")


def study(args: argparse.Namespace) -> None:
    """Print the outcome rates of the run and the replicas' spreads (module docstring)."""
    epochs = snapshot_epochs(args.run)
    motifs = parse_motifs(args.run, args.motif)
    with open_run(args.run) as run:
        grid = tuple(run.config["grid"]) if run.config.get("grid") else None
        observed = [(e, holding(run.snapshot(e, "soup"), motifs)) for e in epochs]
    check_origin(args.origin, grid)  # before the replay, not after
    source = args.rates_from or args.run
    last = snapshot_epochs(source)[-1]
    counts = outcome_counts(source, parse_motifs(source, args.motif), last)
    passed, lost = counts.rates()
    print(f"{source}, epochs 0-{last}: meetings of a holder with a non-holder")
    for side, verb, rate in ((0, "passed it on", passed), (1, "was lost", lost)):
        for kind, partner in ((FRESH, "fresh"), (WRECK, "wreck")):
            print(
                f"  holder {('first', 'second')[side]:6s} vs {partner}: "
                f"{counts.met[side, kind]:8d} meetings, {verb} in {100 * rate[kind]:.1f} %"
            )
    kept = counts.holders_kept / max(counts.holders_met, 1)
    print(f"  two holders: {counts.holders_met} meetings, both kept it in {100 * kept:.2f} %")

    _, programs, soup = next(replay(args.run, 0))  # the run's soup at epoch 0
    start, meetings = holding(programs, motifs), soup.meetings
    pooled = (
        np.full(2, counts.passed[0].sum() / counts.met[0].sum()),
        np.full(2, counts.lost[1].sum() / counts.met[1].sum()),
    )
    print(summary("the run", [spread_of(observed, grid, args.origin)]))
    for name, (p, q) in (("rates by partner", (passed, lost)), ("pooled rates", pooled)):
        results = []
        for replica in range(args.replicas):
            rng = np.random.default_rng([args.seed, replica])
            masks = tape_order_masks(start, meetings, epochs, p, q, rng)
            results.append(spread_of(masks, grid, args.origin))
        print(summary(name, results))


if __name__ == "__main__":
    main()
