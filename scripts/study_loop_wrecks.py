"""Which partners destroy a motif's holder placed second on the tape, in a soup run?

    python scripts/study_loop_wrecks.py RUN.h5 --motif '{.>]' --motif ']>.{' [--until E]

Replays the soup run RUN.h5 from epoch 0, one epoch at a time, as it ran. Each snapshot
up to epoch E is checked against the replay. The script records which programs have held
a motif at any epoch start so far. At each snapshot it takes the next epoch's meetings of
a non-holder first on the tape with a holder second, and prints one row:

- ``meetings``: how many there are;
- ``once held: met / all``: the share of those non-holders that held the motif at an
  earlier epoch start, and the share of all non-holders that did. Only one meeting a
  program per epoch can change it, so a program cannot gain and lose the motif between
  two epoch starts;
- ``lost: once / never / random``: the share of those tapes after which neither half
  holds the motif. The tapes are run again as they met, without mutation. The rows are:
  non-holders that once held it; those that never did; and, as a control, the same
  holders after uniformly random bytes;
- ``instructions: met / all``: the mean count of bytes that are not no-ops per program,
  in the met non-holders and in all non-holders.

docs/reproductions.md ("Spatial soups") uses it on a seeded grid and a well-mixed soup.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from alife.analysis.spread import holding, tape_sides
from alife.engine.backend import to_host
from alife.engine.store import open_run
from alife.substrates.programs.registry import get_language
from alife.substrates.programs.soup import Soup, SoupConfig

PROGRAM = 64


@dataclass(frozen=True)
class WreckRow:
    """One snapshot: counts over the next epoch's meetings of a non-holder first with a
    holder second (``meetings``); of those, the partners that ``once`` held the motif,
    the tapes after which neither half holds it (``lost_once``, ``lost_never``), and
    the same holders after random bytes (``lost_random``). ``holders`` and
    ``ever_held`` count the whole soup; ``instructions_met``, ``instructions_all``: mean
    bytes that are not no-ops per met partner and per non-holder (NaN for none)."""

    epoch: int
    holders: int
    non_holders: int
    ever_held: int
    meetings: int
    once: int
    lost_once: int
    lost_never: int
    lost_random: int
    instructions_met: float
    instructions_all: float


def neither_holds(language, first: np.ndarray, second: np.ndarray, motifs) -> np.ndarray:
    """(k,) bool: after running the k tapes ``first`` + ``second`` ((k, 64) uint8
    each), neither half holds any of ``motifs``."""
    tapes = np.concatenate([first, second], axis=1)
    language.run(tapes)
    return ~(holding(tapes[:, :PROGRAM], motifs) | holding(tapes[:, PROGRAM:], motifs))


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else float("nan")


def wreck_rows(
    path: str, motif_texts: list[str], until: int | None = None, seed: int = 0
) -> Iterator[WreckRow]:
    """The :class:`WreckRow` of each snapshot of the soup run ``path`` up to epoch
    ``until`` (default: all), for the motifs ``motif_texts`` (any one held counts);
    ``seed`` draws the random control. SystemExit if the replay leaves the run."""
    with open_run(path) as run:
        config = run.config
        epochs = [int(e) for e in run.snapshot_epochs if until is None or e <= until]
        snapshots = {e: run.snapshot(e, "soup") for e in epochs}
    language = get_language(config["language"])
    motifs = [language.parse_motif(text) for text in motif_texts]
    noop = language.noop_bytes
    instruction = np.ones(256, dtype=bool) if noop is None else ~noop
    control = np.random.default_rng(seed)
    soup = Soup(SoupConfig(**config))
    ever = np.zeros(soup.config.programs, dtype=bool)
    for epoch in range(epochs[-1] + 1):
        programs = to_host(soup.soup).copy()
        held = holding(programs, motifs)
        ever |= held
        if epoch in snapshots:
            if not np.array_equal(programs, snapshots[epoch]):
                raise SystemExit(f"the replay differs from the snapshot at epoch {epoch}")
            order, pairs = soup.meetings(epoch)
            first, second = tape_sides(order, pairs)
            met = ~held[first] & held[second]
            partners, holders = first[met], second[met]
            lost = neither_holds(language, programs[partners], programs[holders], motifs)
            noise = control.integers(0, 256, (len(holders), PROGRAM), dtype=np.uint8)
            once = ever[partners]  # they do not hold it now: so at an earlier start
            per_program = instruction[programs].sum(axis=1)
            yield WreckRow(
                epoch=epoch,
                holders=int(held.sum()),
                non_holders=int((~held).sum()),
                ever_held=int((ever & ~held).sum()),
                meetings=len(partners),
                once=int(once.sum()),
                lost_once=int(lost[once].sum()),
                lost_never=int(lost[~once].sum()),
                lost_random=int(neither_holds(language, noise, programs[holders], motifs).sum()),
                instructions_met=_mean(per_program[partners]),
                instructions_all=_mean(per_program[~held]),
            )
        soup.step()


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
    print(
        "epoch  holders  meetings  once held: met / all  lost: once / never / random"
        "  instructions: met / all"
    )
    for r in wreck_rows(args.run, args.motif, args.until, args.seed):
        never = r.meetings - r.once
        print(
            f"{r.epoch:5d}  {r.holders:7d}  {r.meetings:8d}  "
            f"{share(r.once, r.meetings):>15} / {share(r.ever_held, r.non_holders):>6}  "
            f"{share(r.lost_once, r.once):>11} / {share(r.lost_never, never):>7} / "
            f"{share(r.lost_random, r.meetings):>7}"
            f"  {r.instructions_met:19.1f} / {r.instructions_all:4.1f}"
        )


if __name__ == "__main__":
    main()
