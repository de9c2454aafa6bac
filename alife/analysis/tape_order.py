"""What the order on the tape does with a motif in a soup run, and whether that explains
its wave (docs/reproductions.md, "Spatial soups").

A holder of a replicator's copy loop first on the tape nearly always copies it over its
partner; second, it is nearly always lost. How often depends on the partner: a *wreck*,
a program that held the motif at an earlier epoch start, destroys a second-placed loop
more often than a *fresh* program that never held it. Here:

- :func:`replay`: a soup run again from epoch 0, epoch by epoch, checked against every
  snapshot;
- :func:`wreck_rows`: per snapshot, who the partners that destroy a second-placed
  holder are;
- :func:`outcome_counts`: over a whole replay (or per window of epochs, or per class of
  a split of :mod:`alife.analysis.meeting_classes`), what meetings of a holder with a
  non-holder did, by the holder's side and the partner's kind;
- :func:`tape_order_masks`: a *tape-order contact process* on the run's own meetings:
  a holder first passes the motif on, and a holder second is lost, each with its rate
  for the partner's kind (and, if given, for the epoch's window and the meeting's
  class), drawn at random. Nothing else changes a program: meetings of two holders
  keep both (99.9 % in the runs measured), and mutation makes no holder. With
  ``persistent``, whether a non-holder destroys a holder placed second is drawn once per
  non-holder, not per meeting, as a partner in the runs nearly always does again what
  it did the time before (:func:`danger_persistence`; docs/wave_models.md).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from alife.analysis.meeting_classes import MeetingSplit, partners_of
from alife.analysis.spread import holding, meeting_outcomes, tape_sides
from alife.engine.backend import to_host
from alife.engine.store import open_run
from alife.errors import AlifeInputError
from alife.substrates.programs.language import DEFAULT_MAX_STEPS, PROGRAM_SIZE, Language
from alife.substrates.programs.registry import get_language
from alife.substrates.programs.soup import Soup, SoupConfig

FRESH, WRECK = 0, 1
"""Index of a partner's kind: never held the motif, or held it at an earlier epoch."""

TOOK_HOLD = 10
"""A model's spread took hold with more holders than this at its last epoch."""


def replay(path: str, last: int) -> Iterator[tuple[int, np.ndarray, Soup]]:
    """(epoch, (n, 64) uint8 programs at its start, the soup) for epochs 0 .. ``last``
    of the soup run at ``path``, run again from its config; ``soup.meetings(epoch)``
    gives the epoch's pairs. Each snapshot on the way must equal the replay, else an
    AlifeInputError names the epoch."""
    with open_run(path) as run:  # open while replaying: one snapshot read at a time
        snapshots = {int(e) for e in run.snapshot_epochs}
        soup = Soup(SoupConfig(**run.config))
        for epoch in range(last + 1):
            programs = to_host(soup.soup).copy()
            if epoch in snapshots and not np.array_equal(programs, run.snapshot(epoch, "soup")):
                raise AlifeInputError(f"replaying {path!r} gives another soup at epoch {epoch}")
            yield epoch, programs, soup
            if epoch < last:
                soup.step()


def snapshot_epochs(path: str, until: int | None = None) -> list[int]:
    """The snapshot epochs of the soup run at ``path`` up to ``until`` (default: all);
    an AlifeInputError when there is none."""
    with open_run(path) as run:
        if run.substrate != "soup":
            raise AlifeInputError(f"{path!r} holds a {run.substrate} run, not a soup run")
        epochs = [int(e) for e in run.snapshot_epochs if until is None or e <= until]
    if not epochs:
        raise AlifeInputError(f"{path!r} holds no snapshot up to epoch {until}")
    return epochs


def parse_motifs(path: str, texts: Sequence[str]) -> list[np.ndarray]:
    """The byte patterns of ``texts`` in the language of the soup run at ``path``."""
    with open_run(path) as run:
        language = get_language(run.config["language"])
    return [language.parse_motif(text) for text in texts]


@dataclass(frozen=True)
class WreckRow:
    """One snapshot: counts over the next epoch's meetings of a non-holder first with a
    holder second (``meetings``); of those, the partners that ``once`` held the motif,
    the tapes after which neither half holds it (``lost_once``, ``lost_never``), and
    the same holders after random bytes (``lost_random``). ``holders`` and
    ``ever_held`` (non-holders that once held it) count the whole soup;
    ``instructions_met``, ``instructions_all``: mean bytes that are not no-ops per met
    partner and per non-holder (NaN for none)."""

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


def _run_tapes(language, first: np.ndarray, second: np.ndarray, max_steps: int) -> np.ndarray:
    """(k, 128) uint8: the k tapes ``first`` + ``second`` ((k, 64) uint8 each) after
    running them in ``language`` for up to ``max_steps`` steps (no mutation)."""
    tapes = np.concatenate([first, second], axis=1)
    language.run(tapes, max_steps=max_steps)
    return tapes


def _neither_holds(
    language, first: np.ndarray, second: np.ndarray, motifs, max_steps: int
) -> np.ndarray:
    """(k,) bool: after running the k tapes ``first`` + ``second`` ((k, 64) uint8
    each, no mutation, up to ``max_steps`` steps), neither half holds any of
    ``motifs``."""
    tapes = _run_tapes(language, first, second, max_steps)
    return ~(holding(tapes[:, :PROGRAM_SIZE], motifs) | holding(tapes[:, PROGRAM_SIZE:], motifs))


def second_loses(
    language: Language,
    first: np.ndarray,
    second: np.ndarray,
    motifs: Sequence[np.ndarray],
    every: bool = False,
    max_steps: int = DEFAULT_MAX_STEPS,
) -> np.ndarray:
    """(k,) bool: after running the k tapes ``first`` + ``second`` ((k, 64) uint8 each,
    no mutation, up to ``max_steps`` steps: the run's) in ``language``, the second half
    does not hold any of ``motifs`` (with ``every``: does not hold all of them), as
    :func:`~alife.analysis.spread.holding`."""
    tapes = _run_tapes(language, first, second, max_steps)
    return ~holding(tapes[:, PROGRAM_SIZE:], motifs, every)


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else float("nan")


def wreck_rows(
    path: str, motif_texts: Sequence[str], until: int | None = None, seed: int = 0
) -> Iterator[WreckRow]:
    """The :class:`WreckRow` of each snapshot of the soup run ``path`` up to epoch
    ``until`` (default: all), for ``motif_texts`` (any one held counts). The met tapes
    are run again without mutation, with the run's step limit; ``seed`` draws the random
    control."""
    snapshots = snapshot_epochs(path, until)
    motifs = parse_motifs(path, motif_texts)
    with open_run(path) as run:
        language = get_language(run.config["language"])
        steps = run.config["max_steps"]
    noop = language.noop_bytes
    instruction = np.ones(256, dtype=bool) if noop is None else ~noop
    control = np.random.default_rng(seed)
    ever = None
    for epoch, programs, soup in replay(path, snapshots[-1]):
        held = holding(programs, motifs)
        ever = held.copy() if ever is None else ever | held
        if epoch not in snapshots:
            continue
        first, second = tape_sides(*soup.meetings(epoch))
        met = ~held[first] & held[second]
        partners, holders = first[met], second[met]
        lost = _neither_holds(language, programs[partners], programs[holders], motifs, steps)
        noise = control.integers(0, 256, (len(holders), PROGRAM_SIZE), dtype=np.uint8)
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
            lost_random=int(
                _neither_holds(language, noise, programs[holders], motifs, steps).sum()
            ),
            instructions_met=_mean(per_program[partners]),
            instructions_all=_mean(per_program[~held]),
        )


@dataclass(frozen=True)
class OutcomeCounts:
    """What meetings of a holder with a non-holder did over a replay, per window of
    ``window`` epochs (one window for all: ``window`` None) and per class of a split
    (:mod:`alife.analysis.meeting_classes`; one class without): ``met``, ``passed``
    (both hold the motif after) and ``lost`` (neither does), each (windows, 2, 2,
    classes) int64 indexed [window][holder's side: 0 first, 1 second][partner: FRESH,
    WRECK][class]; and the meetings of two holders (``holders_met``) after which both
    still hold it (``holders_kept``)."""

    met: np.ndarray
    passed: np.ndarray
    lost: np.ndarray
    holders_met: int
    holders_kept: int
    window: int | None = None

    def summed(self, axes: tuple[int, ...]) -> OutcomeCounts:
        """The same counts summed over ``axes``: 0 (windows: then one window of all
        epochs) and 3 (classes: one), kept as axes of length 1."""
        counts = (a.sum(axis=axes, keepdims=True) for a in (self.met, self.passed, self.lost))
        window = None if 0 in axes else self.window
        return OutcomeCounts(*counts, self.holders_met, self.holders_kept, window)

    def total(self) -> OutcomeCounts:
        """The same counts over all windows and classes, as one of each."""
        return self.summed((0, 3))

    def rates(self) -> tuple[np.ndarray, np.ndarray]:
        """((windows, 2, classes) share a holder first passed the motif on, (windows, 2,
        classes) share a holder second was lost), each [window][partner: FRESH, WRECK]
        [class]. A cell without such meetings takes the rate over all windows and
        classes; NaN where there was none at all."""
        with np.errstate(invalid="ignore", divide="ignore"):
            passed, lost = self.passed[:, 0] / self.met[:, 0], self.lost[:, 1] / self.met[:, 1]
            whole = self.total()
            overall = whole.passed[:, 0] / whole.met[:, 0], whole.lost[:, 1] / whole.met[:, 1]
        none = self.met == 0
        return (
            np.where(none[:, 0], overall[0], passed),
            np.where(none[:, 1], overall[1], lost),
        )


def outcome_counts(
    path: str,
    motifs: Sequence[np.ndarray],
    last: int,
    window: int | None = None,
    split: MeetingSplit | None = None,
) -> OutcomeCounts:
    """The :class:`OutcomeCounts` of epochs 0 .. ``last - 1`` of the soup run ``path``,
    for holding any of ``motifs`` (byte patterns), replayed with mutation as it ran; per
    window of ``window`` epochs (0 .. window - 1, ...; None: one window) and per class of
    ``split`` (a fresh one, sized for the run's programs; None: one class)."""
    replayed = replay(path, last)
    _, programs, soup = next(replayed)
    held = itertools.chain(
        [holding(programs, motifs)], (holding(later, motifs) for _, later, _ in replayed)
    )
    return count_outcomes(held, soup.meetings, last, window, split)


def count_outcomes(
    held_by_epoch: Iterable[np.ndarray],
    meetings: Callable[[int], tuple[np.ndarray, int]],
    last: int,
    window: int | None = None,
    split: MeetingSplit | None = None,
) -> OutcomeCounts:
    """:func:`outcome_counts` of given holders: ``held_by_epoch`` the (n,) bool holders
    at the start of epochs 0 .. ``last``, on the pairs ``meetings(e)`` gives (as
    :meth:`Soup.meetings`), for a caller that has them already."""
    windows = 1 if window is None else max(-(-last // window), 1)
    classes = 1 if split is None else split.classes
    outcomes = np.zeros((windows, 2, 2, classes, 3), dtype=np.int64)  # [.., count]
    holders_met = holders_kept = 0
    before = ever = pairs = first = second = group = None
    for epoch, held in enumerate(held_by_epoch):
        if pairs is not None:  # the epoch before this one has run: score its meetings
            at = 0 if window is None else (epoch - 1) // window
            kind = ever[partners_of(first, second, before)].astype(np.int64)  # FRESH, WRECK
            by_label = meeting_outcomes(before, held, *pairs, kind * classes + group, 2 * classes)
            outcomes[at] += by_label.reshape(2, classes, 2, 3).transpose(2, 0, 1, 3)
            two = before[first] & before[second]
            holders_met += int(two.sum())
            holders_kept += int((two & held[first] & held[second]).sum())
            if split is not None:
                split.update(before, held, first, second)
        ever = held.copy() if ever is None else ever | held
        before = held
        if epoch < last:
            pairs = meetings(epoch)
            first, second = tape_sides(*pairs)
            if split is None:
                group = np.zeros(len(first), dtype=np.int64)
            else:
                group = split.classify(first, second, held)
    met, passed, lost = np.moveaxis(outcomes, -1, 0)
    return OutcomeCounts(met, passed, lost, holders_met, holders_kept, window)


def danger_persistence(held_by_epoch: Iterable[np.ndarray], meetings, last: int) -> np.ndarray:
    """(2, 2, 2) int64: how a non-holder first on the tape with a holder did again, in
    epochs 0 .. ``last - 1`` of holders ``held_by_epoch`` (the (n,) bool holders at the
    start of epochs 0 .. ``last``) on the pairs ``meetings(e)`` gives: per meeting
    after the non-holder's previous such meeting, while its holding did not change,
    [partner FRESH or WRECK][it destroyed the holder the previous time][it destroyed
    this one]. A partner's danger that is a property of the partner shows as nearly
    all counts on the diagonal; one drawn afresh each meeting, as the same rate in both
    rows."""
    counts = np.zeros((2, 2, 2), dtype=np.int64)
    previous = ever = None  # previous: per program -1 (no such meeting yet), 0 or 1
    for epoch, (before, after) in enumerate(itertools.pairwise(held_by_epoch)):
        if epoch == last:
            break
        if previous is None:
            previous, ever = np.full(len(before), -1, dtype=np.int64), before.copy()
        first, second = tape_sides(*meetings(epoch))
        met = before[second] & ~before[first]
        partners, destroyed = first[met], ~after[second[met]]
        again = previous[partners] >= 0
        cells = (ever[partners][again], previous[partners][again], destroyed[again])
        np.add.at(counts, tuple(c.astype(np.intp) for c in cells), 1)
        previous[partners] = destroyed
        previous[before != after] = -1
        ever |= after
    return counts


def _cells(rates: np.ndarray) -> np.ndarray:
    """(windows, 2, classes) float: ``rates`` given as (2,), (windows, 2) or that."""
    cells = np.asarray(rates, dtype=float)
    if cells.ndim == 1:
        cells = cells[None]
    return cells[..., None] if cells.ndim == 2 else cells


def tape_order_masks(
    start: np.ndarray,
    meetings: Callable[[int], tuple[np.ndarray, int]],
    epochs: Sequence[int],
    passed: np.ndarray,
    lost: np.ndarray,
    rng: np.random.Generator,
    window: int | None = None,
    split: MeetingSplit | None = None,
    persistent: bool = False,
) -> Iterator[tuple[int, np.ndarray]]:
    """(epoch, (n,) bool holders) at each of ``epochs`` (ascending, from 0) of the
    tape-order contact process (module docstring) from holders ``start`` at epoch 0, on
    the pairs ``meetings(e)`` gives (as :meth:`Soup.meetings`). In each meeting of a
    holder with a non-holder, a holder first passes the motif on with probability
    ``passed[w, kind, c]`` and a holder second is lost with ``lost[w, kind, c]``:
    ``kind`` is the partner's (FRESH or WRECK: held it at an earlier epoch), ``w`` the
    epoch's window of ``window`` epochs (the last one for epochs beyond), ``c`` the
    meeting's class by ``split`` (a fresh one; :mod:`alife.analysis.meeting_classes`),
    which follows the process's own holders. Both rates, of one shape, may leave out
    the classes ((windows, 2)) and the windows ((2,)). ``rng`` draws the outcomes. With
    ``persistent`` each program holds one uniform draw while its holding does not change
    (a fresh one when it does), and a holder second is lost when its partner's draw is
    below the rate: the same partner destroys every holder placed second to it, or none,
    at the same rate on average."""
    passed, lost = _cells(passed), _cells(lost)
    held, ever = start.copy(), start.copy()
    danger = rng.random(len(held)) if persistent else None
    for epoch in range(epochs[-1] + 1):
        if epoch in epochs:
            yield epoch, held.copy()
        if epoch == epochs[-1]:
            return
        row = 0 if window is None else min(epoch // window, len(passed) - 1)
        first, second = tape_sides(*meetings(epoch))
        group = 0 if split is None else split.classify(first, second, held)
        draws = rng.random((2, len(first)))
        if persistent:
            draws[1] = danger[first]
        a, b = held[first], held[second]
        gain = a & ~b & (draws[0] < passed[row, ever[second].astype(np.intp), group])
        loss = ~a & b & (draws[1] < lost[row, ever[first].astype(np.intp), group])
        before = held.copy()
        held[second[gain]] = True
        held[second[loss]] = False
        if split is not None:
            split.update(before, held, first, second)
        if persistent:
            changed = np.flatnonzero(held != before)
            danger[changed] = rng.random(len(changed))
        ever |= held
