"""Which partners destroy a motif's holder placed second on the tape, in a soup run?

    python scripts/study_loop_wrecks.py RUN.h5 --motif '{.>]' --motif ']>.{' [--until E]

Replays the soup run RUN.h5 from epoch 0 (:func:`alife.analysis.tape_order.wreck_rows`).
At each snapshot up to epoch E it takes the next epoch's meetings of a non-holder first
on the tape with a holder second, and prints one row:

- ``meetings``: how many there are;
- ``once held: met / all``: the share of those non-holders that held the motif at an
  earlier epoch start (the motif's wrecks), and the share of all non-holders that did;
- ``lost: once / never / random``: the share of those tapes after which neither half
  holds the motif. The tapes are run again as they met, without mutation. The rows are:
  partners that once held it; those that never did; and, as a control, the same
  holders after uniformly random bytes;
- ``instructions: met / all``: the mean count of bytes that are not no-ops per program,
  in the met non-holders and in all non-holders.

docs/reproductions.md ("Spatial soups") uses it on a seeded grid and a well-mixed soup.
"""

from __future__ import annotations

import argparse

from alife.analysis.tape_order import parse_motifs, snapshot_epochs, wreck_rows
from alife.errors import AlifeInputError


def share(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a percentage, or "-" when ``whole`` is 0."""
    return f"{100 * part / whole:.1f} %" if whole else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", help="a soup run file with snapshots")
    parser.add_argument("--motif", action="append", required=True, help="repeatable")
    parser.add_argument("--until", type=int, help="last snapshot epoch (default: all)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random control")
    args = parser.parse_args()
    try:  # the run and the motifs, checked before the header
        snapshot_epochs(args.run, args.until)
        parse_motifs(args.run, args.motif)
    except (AlifeInputError, OSError) as error:
        parser.exit(2, f"Error: {error}\n")
    print(
        "epoch  holders  meetings  once held: met / all  lost: once / never / random"
        "  instructions: met / all"
    )
    try:
        for r in wreck_rows(args.run, args.motif, args.until, args.seed):
            never = r.meetings - r.once
            print(
                f"{r.epoch:5d}  {r.holders:7d}  {r.meetings:8d}  "
                f"{share(r.once, r.meetings):>15} / {share(r.ever_held, r.non_holders):>6}  "
                f"{share(r.lost_once, r.once):>11} / {share(r.lost_never, never):>7} / "
                f"{share(r.lost_random, r.meetings):>7}"
                f"  {r.instructions_met:19.1f} / {r.instructions_all:4.1f}"
            )
    except (AlifeInputError, OSError) as error:
        parser.exit(2, f"Error: {error}\n")


if __name__ == "__main__":
    main()
