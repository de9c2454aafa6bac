"""``alife soup spread``: how many programs hold a motif (or replicate), snapshot by
snapshot, and in a grid soup how far from where it started, checked against a
byte-by-byte count and against the census of each snapshot."""

import dataclasses

import numpy as np
import pytest
from click.testing import CliRunner

from alife.analysis.plots import spread_figure
from alife.analysis.spread import (
    FitWindow,
    FrontSteps,
    LoneFront,
    Spread,
    contact_masks,
    front_steps,
    lone_front,
    losses_by_age,
    parse_origin,
)
from alife.cli import main
from alife.engine.store import open_run
from alife.errors import AlifeInputError
from alife.substrates.programs.census import census_scores
from alife.substrates.programs.registry import get_language
from alife.substrates.programs.selfrep import REPLICATOR_THRESHOLD
from alife.substrates.programs.soup import Soup
from alife.substrates.programs.spread_view import run_spread
from alife.substrates.programs.summary import snapshot_census

PALINDROME = "[[{.>]-]" + "0" * 48 + "]-]>.{[["
MOTIFS = ("{.>]-]", "]-]>.{")
WIDTH, HEIGHT = 32, 20


def invoke(*args):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def wave(tmp_path_factory):
    """A 32x20 grid soup seeded with four palindromes in its first row, 96 epochs, a
    snapshot every 8 (seed 4: the replicators reach the far edge)."""
    path = str(tmp_path_factory.mktemp("spread") / "wave.h5")
    run = ["soup", "run", "--grid", f"{WIDTH}x{HEIGHT}", "--epochs", "96", "--seed", "4"]
    run += ["--initial-program", PALINDROME * 4, "--snapshot-every", "8", "--no-progress"]
    assert invoke(*run, "--out", path).exit_code == 0
    return path


def fronts_from(cells_per_snapshot, origin):
    """Chebyshev distance from ``origin`` to the farthest cell of each snapshot (-1: none)."""
    fronts = []
    for cells in cells_per_snapshot:
        far = [max(abs(r - origin[0]), abs(c - origin[1])) for r, c in cells]
        fronts.append(max(far) if far else -1)
    return fronts


def reference(path, origin=None, every=False):
    """Holders and fronts by loops: every program, every start, every byte; a program
    holds any of MOTIFS (``every``: all of them)."""
    language = get_language("bff_noheads")
    motifs = [list(language.parse(m)) for m in MOTIFS]
    with open_run(path) as run:
        epochs = [int(e) for e in run.snapshot_epochs]
        soups = [run.snapshot(e) for e in epochs]
    holding = []
    for soup in soups:
        cells = []
        for i, program in enumerate(soup.tolist()):
            found = [any(program[s : s + len(m)] == m for s in range(65 - len(m))) for m in motifs]
            if (all if every else any)(found):
                cells.append((i // WIDTH, i % WIDTH))
        holding.append(cells)
        if cells and origin is None:
            origin = cells[0]
    holders = [len(cells) for cells in holding]
    return epochs, holders, fronts_from(holding, origin), origin


def test_holders_and_front_match_a_byte_by_byte_count(wave):
    spread = run_spread(wave, MOTIFS)
    epochs, holders, fronts, origin = reference(wave)
    assert spread.epochs.tolist() == epochs and spread.holders.tolist() == holders
    assert spread.front.tolist() == fronts and spread.origin == origin == (0, 0)
    assert spread.programs == WIDTH * HEIGHT and spread.reach == WIDTH - 1
    assert fronts[-1] == WIDTH - 1  # the wave crossed the grid
    # a program meets partners at most 2 cells away, once an epoch
    steps = np.diff(fronts) / np.diff(epochs)
    assert (steps <= 2).all()
    speed, first, last = spread.front_speed()
    assert 0 < speed <= 2 and first == 0 and last <= 96


def test_every_motif_counts_only_programs_holding_all_of_them(wave):
    spread = run_spread(wave, MOTIFS, every=True)
    epochs, holders, fronts, origin = reference(wave, every=True)
    assert spread.epochs.tolist() == epochs and spread.holders.tolist() == holders
    assert spread.front.tolist() == fronts and spread.origin == origin
    assert holders != reference(wave)[1]  # some programs kept one half of the loop
    args = ["soup", "spread", wave, "--motif", MOTIFS[0], "--motif", MOTIFS[1]]
    result = invoke(*args, "--every-motif", "--csv")
    assert result.exit_code == 0, result.output
    rows = [line.split(",") for line in result.output.splitlines()[1:]]
    assert [int(row[2]) for row in rows] == holders
    title = f"programs holding {MOTIFS[0]} and {MOTIFS[1]}"
    assert title in " ".join(invoke(*args, "--every-motif").output.split())
    result = invoke("soup", "spread", wave, "--replicators", "--every-motif")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "Error: --every-motif needs the motifs to hold (--motif TEXT, repeated)"
    )


def test_chosen_snapshots_are_those_of_the_whole_spread(wave):
    """``epochs`` follows those snapshots only, in order; one the run lacks is refused."""
    whole = run_spread(wave, MOTIFS)
    chosen = whole.epochs[::3].tolist()
    spread = run_spread(wave, MOTIFS, epochs=chosen[::-1])
    assert spread.epochs.tolist() == chosen
    assert spread.holders.tolist() == whole.holders[::3].tolist()
    assert spread.front.tolist() == whole.front[::3].tolist()
    with pytest.raises(AlifeInputError, match=r"no snapshot at epoch 1$"):
        run_spread(wave, MOTIFS, epochs=[0, 1])


def test_a_given_origin_measures_the_front_from_that_cell(wave):
    spread = run_spread(wave, MOTIFS, origin=(12, 20))
    _, holders, fronts, origin = reference(wave, origin=(12, 20))
    assert spread.holders.tolist() == holders and spread.front.tolist() == fronts
    assert spread.origin == origin == (12, 20)
    assert spread.reach == 20  # column 0 is 20 cells from column 20, row 0 only 12
    assert fronts[0] == 20  # seeded in row 0, columns 0-3: column 0 is 20 columns away


def test_replicator_spread_follows_each_snapshots_census(wave):
    spread = run_spread(wave, replicators=True)
    with open_run(wave) as run:
        epochs = [int(e) for e in run.snapshot_epochs]
    censuses = [snapshot_census(wave, epoch=e)[1] for e in epochs]
    assert spread.holders.tolist() == [c.replicators for c in censuses]
    assert spread.holders[-1] > 0 and spread.programs == WIDTH * HEIGHT
    # the front from the replicators' own cells, scored here
    holding = []
    with open_run(wave) as run:
        config = run.config
        for e in epochs:
            scores = census_scores(
                "bff_noheads", run.snapshot(e), config["seed"], e,
                max_steps=config["max_steps"], backend="cpu",
            )  # fmt: skip
            held = np.flatnonzero(scores >= REPLICATOR_THRESHOLD).tolist()
            holding.append([(i // WIDTH, i % WIDTH) for i in held])
    first = next(cells for cells in holding if cells)
    assert spread.origin == first[0]
    assert spread.front.tolist() == fronts_from(holding, first[0])


def test_front_speed_fits_until_the_edge_and_skips_empty_snapshots():
    epochs = np.array([0, 10, 20, 30, 40, 50])
    spread = Spread(epochs, np.ones(6, int), 100, (0, 0), np.array([-1, 0, 5, -1, 15, 15]), 15)
    # snapshots at 10, 20 and 40 (the edge): a line through (10, 0), (20, 5), (40, 15)
    assert spread.front_speed() == pytest.approx((0.5, 10, 40))
    assert spread.front_line() == pytest.approx((0.5, -5, 10, 40))  # 0.5 * 10 - 5 = 0
    # from 5 cells out: the line through (20, 5) and (40, 15), the empty 30 left out
    assert spread.front_line(from_cells=5) == pytest.approx((0.5, -5, 20, 40))
    late = Spread(epochs, np.ones(6, int), 100, (0, 0), np.array([0, 8, 10, -1, 14, 16]), 20)
    assert late.front_speed(from_cells=9) == pytest.approx((0.2, 20, 50))  # (20, 10) .. (50, 16)
    assert late.front_speed(from_cells=17) is None  # no snapshot reached 17 cells
    lonely = Spread(epochs[:2], np.ones(2, int), 100, (0, 0), np.array([-1, 3]), 15)
    assert lonely.front_speed() is None
    assert Spread(epochs, np.zeros(6, int), 100).front_speed() is None


def test_front_speed_until_an_epoch_fits_only_the_snapshots_up_to_it():
    epochs = np.array([0, 10, 20, 30, 40, 50])
    late = Spread(epochs, np.ones(6, int), 100, (0, 0), np.array([0, 8, 10, -1, 14, 16]), 20)
    # up to epoch 20: the line through (0, 0), (10, 8), (20, 10); 25 takes the same three
    assert late.front_speed(until_epoch=20) == pytest.approx((0.5, 0, 20))
    assert late.front_speed(until_epoch=25) == pytest.approx((0.5, 0, 20))
    assert late.front_line(until_epoch=20)[1] == pytest.approx(1.0)  # mean 6 at epoch 10
    # the empty 30 is left out: (0, 0) .. (40, 14) without it
    slope = np.polyfit([0, 10, 20, 40], [0, 8, 10, 14], 1)[0]
    assert late.front_speed(until_epoch=40) == pytest.approx((slope, 0, 40))
    assert late.front_speed(from_cells=9, until_epoch=20) is None  # only (20, 10) is left
    assert late.front_speed(until_epoch=5) is None  # one snapshot
    # the edge still ends the fit before a later epoch
    spread = Spread(epochs, np.ones(6, int), 100, (0, 0), np.array([-1, 0, 5, -1, 15, 15]), 15)
    assert spread.front_speed(until_epoch=50) == pytest.approx((0.5, 10, 40))


def test_the_command_prints_the_table_and_the_speed(wave, tmp_path):
    result = invoke("soup", "spread", wave, "--motif", MOTIFS[0], "--motif", MOTIFS[1])
    assert result.exit_code == 0, result.output
    assert "front (cells from origin)" in result.output
    assert "origin (first holder): row 0, column 0; front speed" in " ".join(result.output.split())
    mixed = str(tmp_path / "mixed.h5")
    run = ["soup", "run", "--programs", "256", "--epochs", "8", "--initial-program", PALINDROME]
    assert invoke(*run, "--no-progress", "--out", mixed).exit_code == 0
    result = invoke("soup", "spread", mixed, "--motif", MOTIFS[0])
    assert result.exit_code == 0 and "not a grid soup: no front to follow" in result.output
    assert "front (cells" not in result.output
    result = invoke("soup", "spread", mixed, "--motif", MOTIFS[0], "--origin", "0,0")
    assert result.exit_code == 2
    assert result.stderr.strip() == "Error: an origin needs a grid soup; this soup is well mixed"
    result = invoke("soup", "spread", wave, "--motif", "+++++", "--origin", "3,4")
    assert result.exit_code == 0 and "no program has it in any snapshot" in result.output


def test_the_fit_window_options_choose_the_snapshots_the_speed_is_fitted_over(wave):
    epochs, _, fronts, _ = reference(wave)
    # from the first snapshot 10 cells out up to epoch 75: a line through those alone
    window = [i for i, epoch in enumerate(epochs) if i >= 5 and epoch <= 75]
    assert fronts[4] < 10 <= fronts[5] and max(fronts[i] for i in window) < 31  # not the edge
    slope = np.polyfit([epochs[i] for i in window], [fronts[i] for i in window], 1)[0]
    args = ["soup", "spread", wave, "--motif", MOTIFS[0], "--motif", MOTIFS[1]]
    result = invoke(*args, "--fit-from-cells", "10", "--fit-until", "75")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert f"front speed {slope:.3g} cells/epoch (least squares over epochs 40-72)" in text
    result = invoke(*args, "--fit-until", "4")
    assert result.exit_code == 0, result.output
    assert "too few snapshots (up to epoch 4) before the front reached" in " ".join(
        result.output.split()
    )
    spread = run_spread(wave, MOTIFS, contact=True)
    figure = spread_figure([("wave", spread)], "the loop", FitWindow(10, 75))
    (name,) = [t.get_text() for t in figure.axes[1].get_legend().get_texts()]
    limit = spread.contact.front_speed(10, 75)[0]
    assert name == f"wave: {slope:.3g} cells/epoch over epochs 40-72 (contact limit {limit:.3g})"
    result = invoke(*args, "--fit-from-cells", "-1")
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_several_runs_end_with_their_speeds_and_write_one_csv(wave, tmp_path):
    mixed = str(tmp_path / "mixed.h5")
    run = ["soup", "run", "--programs", "256", "--epochs", "8", "--initial-program", PALINDROME]
    assert invoke(*run, "--snapshot-every", "4", "--no-progress", "--out", mixed).exit_code == 0
    result = invoke("soup", "spread", wave, mixed, "--motif", MOTIFS[0])
    assert result.exit_code == 0, result.output
    assert "fronts of the runs" in result.output
    speed = f"{run_spread(wave, [MOTIFS[0]]).front_speed()[0]:.3g}"
    wave_row = next(line for line in result.output.splitlines() if f"│ {wave} " in line)
    assert speed in wave_row
    result = invoke("soup", "spread", wave, mixed, "--motif", MOTIFS[0], "--csv")
    assert result.exit_code == 0, result.output
    rows = [line.split(",") for line in result.output.splitlines()]
    assert rows[0] == ["file", "epoch", "holders", "programs", "front"]
    expected = []
    for path in (wave, mixed):
        spread = run_spread(path, [MOTIFS[0]])
        for i, epoch in enumerate(spread.epochs.tolist()):
            front = "" if spread.front is None else str(spread.front[i])
            expected.append([path, str(epoch), str(spread.holders[i]), str(spread.programs), front])
    assert rows[1:] == expected
    assert [r[1] for r in rows if r[0] == mixed] == ["0", "4", "8"]
    # a bad second run is refused before anything about the first is printed
    result = invoke("soup", "spread", wave, str(tmp_path / "none.h5"), "--replicators")
    assert result.exit_code == 2 and result.stdout == ""


def test_the_plot_draws_each_runs_share_front_and_fit(wave, tmp_path):
    epochs, holders, fronts, _ = reference(wave)
    mixed = Spread(np.array([0, 8]), np.array([1, 3]), 256)
    fig = spread_figure([("wave", run_spread(wave, MOTIFS)), ("mixed", mixed)], "the loop")
    top, bottom = fig.axes
    share, mixed_share = top.get_lines()
    assert share.get_xdata().tolist() == epochs
    assert share.get_ydata().tolist() == pytest.approx([h / (WIDTH * HEIGHT) for h in holders])
    assert mixed_share.get_ydata().tolist() == pytest.approx([1 / 256, 3 / 256])
    front, reach, fit = bottom.get_lines()  # the well-mixed run has no front
    held = [i for i, f in enumerate(fronts) if f >= 0]
    assert front.get_ydata().tolist() == [fronts[i] for i in held]
    assert list(reach.get_ydata()) == [WIDTH - 1] * 2
    # the fit by hand: least squares up to the first snapshot at the edge
    last = fronts.index(WIDTH - 1)
    x = np.array([epochs[i] for i in held if i <= last], float)
    y = np.array([fronts[i] for i in held if i <= last], float)
    slope = ((x - x.mean()) * (y - y.mean())).sum() / ((x - x.mean()) ** 2).sum()
    intercept = y.mean() - slope * x.mean()
    assert fit.get_xdata().tolist() == [x[0], x[-1]]
    assert fit.get_ydata() == pytest.approx(slope * np.array([x[0], x[-1]]) + intercept)
    assert f"{slope:.3g} cells/epoch" in fit.get_label()
    # only well-mixed runs: no front panel
    assert len(spread_figure([("mixed", mixed)], "the loop").axes) == 1
    # transmission: the share a holder first passed on and a holder second lost
    counts = np.array([[[4, 3, 0], [2, 0, 2]], [[0, 0, 0], [5, 1, 3]]])
    met = dataclasses.replace(mixed, transmission=counts)
    share, meetings = spread_figure([("mixed", met)], "the loop").axes
    first, second = meetings.get_lines()
    assert first.get_xdata().tolist() == [0] and first.get_ydata().tolist() == [0.75]
    assert second.get_xdata().tolist() == [0, 8] and second.get_ydata().tolist() == [1.0, 0.6]


def test_contact_passes_the_trait_at_every_meeting_either_way():
    # six programs in a row; epoch e pairs e+1 (first on the tape) with e (second) and
    # leaves the rest unmatched
    def meetings(epoch):
        order = [epoch + 1, epoch] + [i for i in range(6) if i not in (epoch, epoch + 1)]
        return np.array(order, dtype=np.uint32), 1

    start = np.array([False, False, False, True, False, False])
    got = [(e, m.nonzero()[0].tolist()) for e, m in contact_masks(start, 2, meetings, [2, 3, 5])]
    # epoch 2 passes it from 3 (first) to 2, epoch 3 from 3 (second) to 4, epoch 4 to 5
    assert got == [(2, [3]), (3, [2, 3]), (5, [2, 3, 4, 5])]
    assert start.nonzero()[0].tolist() == [3]  # the start is not modified


def test_the_contact_limit_replays_the_runs_meetings(wave):
    spread = run_spread(wave, MOTIFS, contact=True)
    limit = spread.contact
    epochs, holders, _, origin = reference(wave)
    first = next(i for i, h in enumerate(holders) if h)
    assert limit.epochs.tolist() == epochs[first:] and limit.origin == origin
    # by hand: a set of holders, grown pair by pair over the run's own meetings
    soup = Soup.load(wave)
    with open_run(wave) as run:
        start = run.snapshot(epochs[first])
    motifs = [bytes(get_language("bff_noheads").parse(m)) for m in MOTIFS]
    held = {i for i, p in enumerate(start) if any(m in bytes(p) for m in motifs)}
    expected = []
    for epoch in range(epochs[first], epochs[-1] + 1):
        if epoch in epochs:
            expected.append(sorted(held))
        order, pairs = soup.meetings(epoch)
        for k in range(pairs):
            a, b = int(order[2 * k]), int(order[2 * k + 1])
            if a in held or b in held:
                held |= {a, b}
    assert limit.holders.tolist() == [len(cells) for cells in expected]
    cells = [[(i // WIDTH, i % WIDTH) for i in h] for h in expected]
    assert limit.front.tolist() == fronts_from(cells, origin)
    assert (limit.holders >= spread.holders[first:]).all()  # copies travel by meetings
    assert limit.front_speed()[0] > spread.front_speed()[0]


def test_the_contact_limit_in_the_command_csv_and_plot(wave, tmp_path):
    result = invoke("soup", "spread", wave, "--motif", MOTIFS[0], "--contact-limit")
    assert result.exit_code == 0, result.output
    spread = run_spread(wave, [MOTIFS[0]], contact=True)
    ratio = spread.front_speed()[0] / spread.contact.front_speed()[0]
    assert f"this front moves at {ratio:.0%} of that" in " ".join(result.output.split())
    mixed = str(tmp_path / "mixed.h5")
    run = ["soup", "run", "--programs", "256", "--epochs", "16", "--initial-program", PALINDROME]
    assert invoke(*run, "--snapshot-every", "4", "--no-progress", "--out", mixed).exit_code == 0
    result = invoke("soup", "spread", mixed, "--motif", MOTIFS[0], "--contact-limit", "--csv")
    assert result.exit_code == 0, result.output
    rows = [line.split(",") for line in result.output.splitlines()]
    header = "file,epoch,holders,programs,front,contact_holders,contact_front"
    assert rows[0] == header.split(",")
    limit = run_spread(mixed, [MOTIFS[0]], contact=True).contact
    assert [r[5] for r in rows[1:]] == [str(h) for h in limit.holders]  # snapshot 0 holds it
    assert all(r[6] == "" for r in rows[1:])  # a well-mixed soup has no front
    # 256 programs, 128 meetings an epoch: every program holds it within 16 epochs
    assert limit.holders[-1] == 256
    image = tmp_path / "contact.svg"
    args = ["--motif", MOTIFS[0], "--contact-limit", "--plot", str(image)]
    assert invoke("soup", "spread", wave, *args).exit_code == 0
    assert "contact limit" in image.read_text()
    resets = str(tmp_path / "resets.h5")
    run = ["soup", "run", "--programs", "64", "--epochs", "4", "--reset-interval", "2"]
    assert invoke(*run, "--no-progress", "--out", resets).exit_code == 0
    result = invoke("soup", "spread", resets, "--motif", MOTIFS[0], "--contact-limit")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.strip() == (
        f"Error: {resets!r} redraws its soup every 2 epochs, which no trait survives, so its "
        "meetings are not replayed; leave out --contact-limit"
    )


def test_transmission_counts_each_meeting_of_the_next_epoch(wave, tmp_path):
    # the same run with a snapshot after every epoch shows what each epoch did
    dense = str(tmp_path / "dense.h5")
    run = ["soup", "run", "--grid", f"{WIDTH}x{HEIGHT}", "--epochs", "97", "--seed", "4"]
    run += ["--initial-program", PALINDROME * 4, "--snapshot-every", "1", "--no-progress"]
    assert invoke(*run, "--out", dense).exit_code == 0
    spread = run_spread(wave, MOTIFS, transmission=True)
    soup = Soup.load(wave)
    motifs = [bytes(get_language("bff_noheads").parse(m)) for m in MOTIFS]

    def holds(program):
        return any(m in bytes(program) for m in motifs)

    expected = []
    with open_run(dense) as run:
        for epoch in spread.epochs.tolist():
            before, after = run.snapshot(epoch), run.snapshot(epoch + 1)
            order, pairs = soup.meetings(epoch)
            counts = [[0, 0, 0], [0, 0, 0]]  # holder first / second: met, both, neither
            for k in range(pairs):
                a, b = int(order[2 * k]), int(order[2 * k + 1])
                if holds(before[a]) == holds(before[b]):
                    continue
                side = counts[0] if holds(before[a]) else counts[1]
                side[0] += 1
                side[1] += holds(after[a]) and holds(after[b])
                side[2] += not holds(after[a]) and not holds(after[b])
            expected.append(counts)
    assert spread.transmission.tolist() == expected
    assert spread.transmission[:, :, 0].sum() > 100  # the wave met many non-holders
    rates = spread.transmission_rates()
    totals = np.array(expected).sum(axis=0)
    assert rates == [pytest.approx((t[0], t[1] / t[0], t[2] / t[0])) for t in totals]
    # replicators: each side of the epoch scored by the census a run would take then
    replicating = run_spread(wave, replicators=True, transmission=True)
    with open_run(dense) as run:
        config = run.config
        for i, epoch in enumerate(replicating.epochs.tolist()):
            before, after = (
                census_scores(
                    "bff_noheads", run.snapshot(e), config["seed"], e,
                    max_steps=config["max_steps"], backend="cpu",
                ) >= REPLICATOR_THRESHOLD
                for e in (epoch, epoch + 1)
            )  # fmt: skip
            order, pairs = soup.meetings(epoch)
            first, second = order[: 2 * pairs : 2], order[1 : 2 * pairs : 2]
            row = replicating.transmission[i]
            assert row[0, 0] == (before[first] & ~before[second]).sum()
            assert (
                row[1, 1] == (~before[first] & before[second] & after[first] & after[second]).sum()
            )


def test_contact_and_transmission_together_equal_each_alone(wave):
    both = run_spread(wave, MOTIFS, contact=True, transmission=True)
    contact = run_spread(wave, MOTIFS, contact=True).contact
    transmission = run_spread(wave, MOTIFS, transmission=True).transmission
    assert both.transmission.tolist() == transmission.tolist()
    assert both.contact.holders.tolist() == contact.holders.tolist()
    assert both.contact.front.tolist() == contact.front.tolist()


def test_transmission_in_the_command_and_csv(wave, tmp_path):
    args = ["soup", "spread", wave, "--motif", MOTIFS[0], "--transmission"]
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    spread = run_spread(wave, [MOTIFS[0]], transmission=True)
    (met, passed, lost), _ = spread.transmission_rates()
    text = " ".join(result.output.split())
    assert (
        f"a holder first on the tape met a non-holder {met:,} times and left both holding "
        f"it {passed:.1%} of the time, neither {lost:.1%}" in text
    )
    net = spread.transmission[:, :, 1].sum() - spread.transmission[:, :, 2].sum()
    assert f"net, {net:+,} holders from" in text
    i = int(np.flatnonzero((spread.transmission[:, :, 0] > 0).all(axis=1))[0])
    row = next(r for r in result.output.splitlines() if r.startswith(f"│ {spread.epochs[i]:5d} │"))
    cells = [cell.strip() for cell in row.split("│")[1:-1]]
    expected = []
    for side_met, side_passed, side_lost in spread.transmission[i].tolist():
        expected += [str(side_met), f"{side_passed / side_met:.1%}", f"{side_lost / side_met:.1%}"]
    assert cells[-6:] == expected
    mixed = str(tmp_path / "mixed.h5")
    run = ["soup", "run", "--programs", "256", "--epochs", "8", "--initial-program", PALINDROME]
    assert invoke(*run, "--no-progress", "--out", mixed).exit_code == 0
    result = invoke("soup", "spread", wave, mixed, "--motif", MOTIFS[0], "--transmission")
    assert result.exit_code == 0, result.output
    wave_row = next(line for line in result.output.splitlines() if f"│ {wave} " in line)
    second = spread.transmission_rates()[1]
    met = spread.transmission[:, :, 0].sum()
    cells = [cell.strip() for cell in wave_row.split("│")[-4:-1]]
    assert cells == [f"{passed:.1%}", f"{second[2]:.1%}", f"{net / met:+.1%}"]
    result = invoke(*args, "--csv")
    rows = [line.split(",") for line in result.output.splitlines()]
    assert rows[0][5:] == [
        f"{side}_{count}" for side in ("first", "second") for count in ("met", "passed", "lost")
    ]
    assert [[int(x) for x in row[5:]] for row in rows[1:]] == [
        t.reshape(-1).tolist() for t in spread.transmission
    ]
    resets = str(tmp_path / "resets.h5")
    run = ["soup", "run", "--programs", "64", "--epochs", "4", "--reset-interval", "2"]
    assert invoke(*run, "--no-progress", "--out", resets).exit_code == 0
    result = invoke("soup", "spread", resets, "--motif", MOTIFS[0], "--transmission")
    assert result.exit_code == 2 and result.stderr.strip().endswith("leave out --transmission")


def test_the_command_writes_the_plot_and_keeps_an_existing_one(wave, tmp_path):
    image = tmp_path / "figs" / "spread.png"
    result = invoke("soup", "spread", wave, "--motif", MOTIFS[0], "--plot", str(image))
    assert result.exit_code == 0, result.output
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image.write_bytes(b"mine")
    result = invoke("soup", "spread", wave, "--motif", MOTIFS[0], "--plot", str(image))
    assert result.exit_code == 2 and result.stdout == ""
    assert "already exists; pass --overwrite" in result.stderr
    assert image.read_bytes() == b"mine"
    args = ["--motif", MOTIFS[0], "--plot", str(image), "--overwrite"]
    assert invoke("soup", "spread", wave, *args).exit_code == 0
    assert image.read_bytes()[:4] == b"\x89PNG"
    text = tmp_path / "spread.txt"
    result = invoke("soup", "spread", wave, "--replicators", "--plot", str(text))
    assert result.exit_code == 2 and result.stdout == "" and not text.exists()
    assert result.stderr.startswith(f"Error: figure file {str(text)!r} does not end in an image")
    assert ".png" in result.stderr and ".svg" in result.stderr


def test_a_progress_bar_counts_snapshots_on_standard_error(wave):
    args = ["soup", "spread", wave, "--motif", MOTIFS[0]]
    result = invoke(*args, "--progress")
    assert result.exit_code == 0 and "0/13 [" in result.stderr and "snapshot/s" in result.stderr
    assert "/13 [" not in result.stdout  # 13 snapshots, counted apart from the tables
    assert invoke(*args).stderr == ""  # not a terminal: no bar by default


def test_origins_parse_as_row_then_column():
    assert parse_origin(" 67 , 120 ") == (67, 120)
    with pytest.raises(AlifeInputError, match="origin '67x120' is not ROW,COL"):
        parse_origin("67x120")


def test_bad_motifs_and_files_are_refused(wave, tmp_path):
    long = "[" * 65
    result = invoke("soup", "spread", wave, "--motif", long)
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"Error: motif {long!r} has 65 bytes; a motif has 1 to 64")
    for args in ([], ["--motif", MOTIFS[0], "--replicators"]):  # one of them, not both
        result = invoke("soup", "spread", wave, *args)
        assert result.exit_code == 2
        assert result.stderr.strip() == (
            "Error: follow either motifs (--motif TEXT) or replicators (--replicators)"
        )
    result = invoke("soup", "spread", wave, "--replicators", "--origin", "20,5")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.strip() == (
        "Error: origin (row 20, column 5) is off the 32x20 grid; rows run 0 to 19, columns 0 to 31"
    )
    for text in ("3", "-1,2", "a,b", "1,2,3"):
        result = invoke("soup", "spread", wave, "--motif", MOTIFS[0], "--origin", text)
        assert result.exit_code == 2 and f"origin {text!r} is not ROW,COL" in result.stderr
    life = str(tmp_path / "life.h5")
    assert (
        invoke("ca", "run", "--size", "8", "--steps", "2", "--no-progress", "--out", life).exit_code
        == 0
    )
    result = invoke("soup", "spread", life, "--motif", MOTIFS[0])
    assert result.exit_code == 2 and "soup" in result.stderr


def test_front_steps_count_advances_retreats_and_fronts_lost_by_hand():
    distance = np.array([0, 1, 2, 3, 4])
    held = [{0}, {0, 1, 2}, {0, 1}, set(), {0, 3}, {0, 3, 4}]
    masks = [np.isin(np.arange(5), list(h)) for h in held]
    # fronts 0, 2, 1, (none), 3, 4: +2, -1, +2 (against epoch 2's), +1; the front's
    # holders are lost from epoch 1 to 2 (program 2) and from 2 to 4 (program 1)
    steps = front_steps(masks, distance)
    assert steps == FrontSteps(
        front=4,
        advanced_cells=5,
        advanced_epochs=3,
        retreated_cells=1,
        retreated_epochs=1,
        front_lost_epochs=2,
    )
    # a front holder replaced at the same distance is lost, though the front stays
    same = [np.array([True, False, True, False]), np.array([True, True, False, False])]
    assert front_steps(same, np.array([0, 2, 2, 1])) == FrontSteps(2, 0, 0, 0, 0, 1)
    assert front_steps([np.zeros(3, bool)] * 2, np.arange(3)) == FrontSteps(-1, 0, 0, 0, 0, 0)


def test_lone_front_counts_what_a_lone_front_holder_did_by_hand():
    distance = np.arange(5)
    held = [{0, 2}, {0, 2, 3}, {0, 2}, {0, 1}, {0, 1}, {0, 1}, set()]
    masks = [np.isin(np.arange(5), list(h)) for h in held]
    orders = [[2, 3], [4, 3], [0, 1], [3, 1], [0, 1], [2, 4]]  # one pair an epoch

    def meetings(epoch):
        pair = orders[epoch]
        return np.array(pair + [i for i in range(5) if i not in pair]), 1

    # epoch 0: holder 2 alone at the front, first with 3, which takes it: the front advances;
    # 1: holder 3 second with 4, lost there; 2: holder 2 meets no one and loses it anyway;
    # 3: holder 1 second with 3, keeps it; 4: holder 1 second with holder 0; 5: no holder
    # after it, not counted
    assert lone_front(masks, distance, meetings) == LoneFront(
        epochs=5, met=4, first=1, second_with_non_holder=2, lost_there=1, lost=2, advanced=1
    )
    # two holders at the front's distance: not a lone front
    two = [np.array([False, True, True, False, False])] * 2
    assert lone_front(two, np.array([0, 2, 2, 1, 1]), meetings) == LoneFront()
    assert LoneFront(1, 2, 3, 4, 5, 6, 7) + LoneFront(7, 6, 5, 4, 3, 2, 1) == LoneFront(*[8] * 7)


def test_losses_by_age_count_holders_second_with_a_non_holder_by_hand():
    distance = np.array([0, 0, 1, 2])
    held = [{0, 1, 3}, {0, 1, 3}, {0, 1, 3}, {0, 1}, {0, 1}, {0}]
    masks = [np.isin(np.arange(4), list(h)) for h in held]
    orders = [[2, 3], [0, 1], [2, 3], [2, 0], [2, 1]]  # one pair an epoch, first then second

    def meetings(epoch):
        pair = orders[epoch]
        return np.array(pair + [i for i in range(4) if i not in pair]), 1

    # 0: holder 3, alone at the front, second with 2 at age 0: kept; 1: two holders meet;
    # 2: 3 again, age 2: lost; 3: holder 0, two at the front (0 and 1), age 3: kept;
    # 4: holder 1, age 4: lost
    counts = losses_by_age(masks, distance, meetings, (2,))
    expected = np.zeros((2, 2, 2), dtype=np.int64)
    expected[0, 0] = [1, 0]
    expected[0, 1] = [1, 1]
    expected[1, 1] = [2, 1]
    np.testing.assert_array_equal(counts, expected)
    # a holder made during epoch 0 (second to holder 0) is 0 epochs old at epoch 1
    made = [np.array([True, False, False]), np.array([True, True, False])]
    made.append(made[-1])
    pairs = [[0, 1, 2], [2, 1, 0]]
    counts = losses_by_age(made, np.arange(3), lambda epoch: (np.array(pairs[epoch]), 1), (1,))
    np.testing.assert_array_equal(counts[0], [[1, 0], [0, 0]])
