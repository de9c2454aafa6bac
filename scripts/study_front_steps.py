"""How does the run's front move, epoch by epoch, against the four-rate model's?

    python scripts/study_front_steps.py RUN.h5 --motif '{.>]' --motif ']>.{' \
        --origin 0,0 [--until E] [--replicas 16] [--seed 0]

Replays the grid soup run RUN.h5 from epoch 0 to epoch E (default: its last snapshot)
and notes, every epoch, which programs hold any of the motifs
(:func:`alife.analysis.tape_order.replay`). It measures the four rates of the
tape-order contact process on those epochs (:func:`alife.analysis.tape_order.count_outcomes`:
a holder first passes the motif on, a holder second is lost, each for a fresh or a
wrecked partner) and plays ``--replicas`` of it on the run's own meetings from the same
holders (:func:`alife.analysis.tape_order.tape_order_masks`).

For the run and for the replicas that took hold (more than 10 holders at the end) it
prints how the front (the farthest holder from ``--origin``, in cells) moved
(:func:`alife.analysis.spread.front_steps`): where it ended, the cells it advanced and
retreated in all and in how many epochs, and in how many epochs every holder at the
front's distance lost the motif. Beside each, the replicas' median and range, and the
run's one-sided p-value against them (:func:`alife.analysis.intervals.exceedance_p`):
for the front and its advances, that the run's is larger; for retreats and fronts lost,
that it is smaller.
"""

from __future__ import annotations

import argparse
from functools import lru_cache

import numpy as np

from alife.analysis.intervals import exceedance_p
from alife.analysis.spread import (
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
    parser.add_argument("run", help="a grid soup run file")
    parser.add_argument("--motif", action="append", required=True, help="byte pattern (repeatable)")
    parser.add_argument("--origin", required=True, type=parse_origin, metavar="ROW,COL")
    parser.add_argument(
        "--until", type=int, metavar="E", help="last epoch (default: last snapshot)"
    )
    parser.add_argument("--replicas", type=int, default=16, help="model replicas to play")
    parser.add_argument("--seed", type=int, default=0, help="seed of the replicas' draws")
    run_script(parser, study)


def study(args: argparse.Namespace) -> None:
    """Print the run's front steps beside the model replicas' (module docstring)."""
    if args.replicas < 1:
        raise AlifeInputError(f"--replicas must be at least 1, not {args.replicas}")
    last_snapshot = snapshot_epochs(args.run)[-1]
    last = last_snapshot if args.until is None else args.until
    if not 1 <= last <= last_snapshot:
        raise AlifeInputError(
            f"--until must be an epoch from 1 to the run's last snapshot ({last_snapshot}), "
            f"not {last}"
        )
    motifs = parse_motifs(args.run, args.motif)
    masks, soup = [], None
    for _, programs, each in replay(args.run, last):
        if soup is None:
            soup = each
            if not soup.config.grid:
                raise AlifeInputError(f"{args.run!r} is a well-mixed soup: it has no front")
            check_origin(args.origin, tuple(soup.config.grid))
        masks.append(holding(programs, motifs))
    distance = cell_distances(tuple(soup.config.grid), args.origin)
    meetings = lru_cache(maxsize=last + 1)(soup.meetings)
    passed, lost = count_outcomes(masks, meetings, last).total().rates()
    epochs = list(range(last + 1))
    run = front_steps(masks, distance)
    replicas = []
    for r in range(args.replicas):
        rng = np.random.default_rng([args.seed, r])
        played = [m for _, m in tape_order_masks(masks[0], meetings, epochs, passed, lost, rng)]
        if played[-1].sum() > TOOK_HOLD:
            replicas.append(front_steps(played, distance))
    print(
        f"{args.run}, epochs 0-{last}: the front from ({args.origin[0]}, {args.origin[1]}), "
        f"the run beside {len(replicas)} of {args.replicas} replicas that took hold"
    )
    for name, field, larger in MEASURES:
        mine = getattr(run, field)
        line = f"  {name:42s} run {mine:5d}"
        if replicas:
            theirs = [getattr(replica, field) for replica in replicas]
            sign = 1 if larger else -1
            p_value = exceedance_p(sign * mine, [sign * t for t in theirs])
            line += (
                f"   replicas median {np.median(theirs):6.1f} ({min(theirs)}-{max(theirs)})"
                f"   p {p_value:.3f} ({'larger' if larger else 'smaller'})"
            )
        print(line)


if __name__ == "__main__":
    main()
