"""The lone front holder's meetings second with a non-holder, run again with the same
pair, with the holder's other partners and with the partner's other holders
(:mod:`alife.analysis.front_partners`), against a plain count over a grid run's
every-epoch snapshots: grid cells by row and column, tapes run one at a time."""

import os
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from alife.analysis.front_partners import SWAPS, partner_swaps
from alife.analysis.spread import cell_distances, holding
from alife.analysis.tape_order import parse_motifs, second_loses
from alife.cli import main
from alife.engine.store import open_run
from alife.substrates.programs.registry import get_language
from alife.substrates.programs.soup import Soup

PALINDROME = "[[{.>]-]" + "0" * 48 + "]-]>.{[["
MOTIFS = ["{.>]", "]>.{"]
SIDE = 16
STEPS = 512  # not the default: the swaps must run tapes with the run's step limit
STUDY = os.path.join(os.path.dirname(__file__), "..", "scripts", "study_front_steps.py")


@pytest.fixture(scope="module")
def still_run(tmp_path_factory):
    """A 16x16 grid soup without mutation, a snapshot every epoch: run again, each
    meeting must do what it did in the run."""
    path = str(tmp_path_factory.mktemp("front_partners") / "grid.h5")
    args = ["soup", "run", "--grid", f"{SIDE}x{SIDE}", "--epochs", "64", "--seed", "3"]
    args += ["--max-steps", str(STEPS)]
    args += ["--initial-program", PALINDROME * 4, "--mutation", "0", "--no-progress"]
    result = CliRunner().invoke(main, [*args, "--snapshot-every", "1", "--out", path])
    assert result.exit_code == 0, result.output
    return path


def _holds_both(program: np.ndarray) -> bool:
    return all(motif.encode() in program.tobytes() for motif in MOTIFS)


def _second_lost(first: np.ndarray, second: np.ndarray) -> bool:
    tape = np.concatenate([first, second])[None, :].copy()
    get_language("bff_noheads").run(tape, max_steps=STEPS)
    return not _holds_both(tape[0, 64:])


def _within_reach(program: int) -> list[int]:
    row, col = divmod(program, SIDE)
    return [
        r * SIDE + c
        for r in range(max(row - 2, 0), min(row + 3, SIDE))
        for c in range(max(col - 2, 0), min(col + 3, SIDE))
        if (r, c) != (row, col)
    ]


def _hand_swaps(path: str, ages: tuple[int, ...]):
    """Per age bin: [meetings, lost in the run, lost again, summed share lost with the
    other partners, meetings with any, summed share lost by the other holders, meetings
    with any], counted by plain loops."""
    with open_run(path) as run:
        soups = [run.snapshot(int(e), "soup") for e in run.snapshot_epochs]
    held = [np.array([_holds_both(p) for p in soup]) for soup in soups]
    meetings = Soup.load(path).meetings
    rows = [[0, 0, 0, 0.0, 0, 0.0, 0] for _ in range(len(ages) + 1)]
    since = [0] * SIDE**2
    for epoch in range(len(soups) - 1):
        before, after, soup = held[epoch], held[epoch + 1], soups[epoch]
        far = {i: max(divmod(i, SIDE)) for i in range(SIDE**2) if before[i]}
        if far and after.any() and list(far.values()).count(max(far.values())) == 1:
            alone = max(far, key=far.get)
            order, pairs = meetings(epoch)
            firsts = {int(order[2 * k + 1]): int(order[2 * k]) for k in range(pairs)}
            partner = firsts.get(alone)
            if partner is not None and not before[partner]:
                row = rows[sum(epoch - since[alone] >= a for a in ages)]
                row[0] += 1
                row[1] += not after[alone]
                row[2] += _second_lost(soup[partner], soup[alone])
                others = [p for p in _within_reach(alone) if p != partner and not before[p]]
                holders = [h for h in _within_reach(partner) if h != alone and before[h]]
                if others:
                    row[3] += np.mean([_second_lost(soup[p], soup[alone]) for p in others])
                    row[4] += 1
                if holders:
                    row[5] += np.mean([_second_lost(soup[partner], soup[h]) for h in holders])
                    row[6] += 1
        for i in range(SIDE**2):
            if after[i] and not before[i]:
                since[i] = epoch + 1
    return rows


def test_partner_swaps_are_a_plain_count_of_the_runs_meetings_run_again(still_run):
    ages = (2, 5)
    expected = _hand_swaps(still_run, ages)
    motifs = parse_motifs(still_run, MOTIFS)
    language = get_language("bff_noheads")
    with open_run(still_run) as run:
        programs = [run.snapshot(int(e), "soup") for e in run.snapshot_epochs]
    soup = Soup.load(still_run)
    graph = soup.graph
    swaps = partner_swaps(
        programs,
        [holding(p, motifs, every=True) for p in programs],
        cell_distances((SIDE, SIDE), (0, 0)),
        soup.meetings,
        lambda a: graph.targets[graph.offsets[a] : graph.offsets[a + 1]],
        lambda first, second: second_loses(language, first, second, motifs, True, STEPS),
        ages,
    )
    assert swaps.meetings.tolist() == [row[0] for row in expected]
    assert swaps.swapped.tolist() == [[row[4], row[6]] for row in expected]
    lost = [[row[1], row[2], row[3], row[5]] for row in expected]
    np.testing.assert_allclose(swaps.lost, lost)
    # without mutation the same pair run again does what it did in the run
    assert swaps.lost[:, 0].tolist() == swaps.lost[:, 1].tolist()
    assert swaps.meetings[0] > 3 and 0 < swaps.lost[0, 0] < swaps.meetings[0]
    assert swaps.meetings[1:].sum() > 0  # older lone holders too


def test_the_study_prints_the_swaps_pooled_over_runs(still_run, tmp_path):
    expected = np.array(_hand_swaps(still_run, ()), dtype=float)[0]
    again = str(tmp_path / "again.h5")
    with open(still_run, "rb") as source, open(again, "wb") as copy:
        copy.write(source.read())
    args = [sys.executable, STUDY, still_run, again, "--motif", MOTIFS[0], "--motif", MOTIFS[1]]
    args += ["--origin", "0,0", "--replicas", "2", "--every-motif", "--swaps"]
    result = subprocess.run(args, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    shares = [
        expected[1] / expected[0],
        expected[2] / expected[0],
        expected[3] / expected[4],
        expected[5] / expected[6],
    ]
    ways = [f"{way} {share:.1%}" for way, share in zip(SWAPS, shares, strict=True)]
    ways[2] += f" (of {2 * int(expected[4])})"
    ways[3] += f" (of {2 * int(expected[6])})"
    ways = ", ".join(ways)
    line = "  the lone front holder second with a non-holder, the runs, any age, "
    assert f"{line}{2 * int(expected[0])}: {ways}" in result.stdout.splitlines()
