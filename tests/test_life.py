"""Life-like automata against a plain numpy reference and the literature's patterns."""

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from alife.errors import AlifeInputError
from alife.substrates.ca.life import pack, simulate, unpack
from alife.substrates.ca.patterns import load_pattern, pattern_names, place
from alife.substrates.ca.rules import LifeRule, parse_rule

NEIGHBOURS = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if (dy, dx) != (0, 0)]


def reference_step(cells: np.ndarray, birth: set, survival: set, torus: bool) -> np.ndarray:
    """One generation by summing the eight shifted grids (np.roll, or a dead margin)."""
    live = cells.astype(int)
    height, width = live.shape
    if torus:
        count = sum(np.roll(live, (dy, dx), axis=(0, 1)) for dy, dx in NEIGHBOURS)
    else:
        padded = np.pad(live, 1)
        count = sum(
            padded[1 + dy : 1 + dy + height, 1 + dx : 1 + dx + width] for dy, dx in NEIGHBOURS
        )
    return np.where(cells, np.isin(count, list(survival)), np.isin(count, list(birth)))


RULES = {
    "B3/S23": ({3}, {2, 3}),
    "B36/S23": ({3, 6}, {2, 3}),
    "B3678/S34678": ({3, 6, 7, 8}, {3, 4, 6, 7, 8}),
    "B2/S": ({2}, set()),
    "B1357/S02468": ({1, 3, 5, 7}, {0, 2, 4, 6, 8}),
}


@pytest.mark.parametrize("rule", list(RULES))
@pytest.mark.parametrize("shape", [(7, 5), (16, 64), (9, 65), (20, 130), (1, 1), (3, 200)])
@pytest.mark.parametrize("torus", [True, False])
def test_random_grids_equal_the_reference(rule, shape, torus):
    rng = np.random.default_rng(len(rule) * 100 + shape[1])
    cells = rng.random(shape) < 0.4
    expected = cells
    for _ in range(4):
        expected = reference_step(expected, *RULES[rule], torus)
    np.testing.assert_array_equal(simulate(cells, rule, steps=4, torus=torus), expected)


@pytest.mark.parametrize("torus", [True, False])
def test_a_batch_steps_each_world_on_its_own(torus):
    rng = np.random.default_rng(11)
    worlds = rng.random((5, 9, 70)) < 0.4
    expected = []
    for world in worlds:
        for _ in range(3):
            world = reference_step(world, {3}, {2, 3}, torus)
        expected.append(world)
    np.testing.assert_array_equal(simulate(worlds, steps=3, torus=torus), expected)


def test_pack_round_trip_keeps_unused_bits_zero():
    cells = np.random.default_rng(0).random((5, 70)) < 0.5
    packed = pack(cells)
    assert packed.shape == (5, 2) and packed.dtype == np.uint64
    assert (packed[:, 1] >> np.uint64(6) == 0).all()  # columns 70..127 do not exist
    np.testing.assert_array_equal(unpack(packed, 70), cells)


def test_rule_notations():
    assert parse_rule("B3/S23") == parse_rule("s23/b3") == parse_rule("23/3") == LifeRule(8, 12)
    assert str(parse_rule("b36/s23")) == "B36/S23" and str(parse_rule("B2/S")) == "B2/S"
    with pytest.raises(AlifeInputError, match="is not a Life-like rule"):
        parse_rule("B9/S23")


def test_glider_moves_one_cell_diagonally_every_4_generations():
    glider, _ = load_pattern("glider")
    grid = place(glider, (20, 20))
    for generation in (4, 8, 80):  # on a torus it keeps going
        moved = np.roll(grid, (generation // 4, generation // 4), axis=(0, 1))
        np.testing.assert_array_equal(simulate(grid, steps=generation), moved)
    assert not np.array_equal(simulate(grid, steps=2), grid)


def test_gosper_gun_has_period_30_and_emits_a_glider():
    gun, _ = load_pattern("gosper_gun")
    grid = np.zeros((60, 90), dtype=bool)
    grid[1:10, 1:37] = gun
    after = simulate(grid, steps=30, torus=False)
    np.testing.assert_array_equal(after[:10, :38], grid[:10, :38])  # the gun is back
    assert after.sum() == gun.sum() + 5  # plus one five-cell glider, heading away
    assert simulate(grid, steps=60, torus=False).sum() == gun.sum() + 10


def test_r_pentomino_reaches_116_cells_at_generation_1103():
    cells, rule = load_pattern("rpentomino")
    grid = place(cells, (800, 800))  # its six gliders stay inside until then
    assert simulate(grid, rule, steps=1103, torus=False).sum() == 116


def test_acorn_reaches_633_cells_at_generation_5206():
    cells, rule = load_pattern("acorn")
    grid = place(cells, (2900, 2900))
    assert simulate(grid, rule, steps=5206, torus=False).sum() == 633


def test_highlife_replicator_duplicates_in_12_generations():
    replicator, rule = load_pattern("highlife_replicator")
    assert rule == "B36/S23"
    grid = place(replicator, (64, 64))
    copies = []
    for _ in range(12):
        grid = simulate(grid, rule, steps=1, torus=False)
        windows = sliding_window_view(grid, replicator.shape)
        copies.append(int((windows == replicator).all(axis=(2, 3)).sum()))
    assert max(copies[:11]) < 2 and copies[11] == 2  # two copies first at generation 12


def test_library_and_bad_input():
    assert {"glider", "gosper_gun", "rpentomino", "acorn", "highlife_replicator"} <= set(
        pattern_names()
    )
    with pytest.raises(AlifeInputError, match="unknown pattern 'glidr'"):
        load_pattern("glidr")
    with pytest.raises(AlifeInputError, match="steps must be >= 0"):
        simulate(np.zeros((3, 3), bool), steps=-1)
    with pytest.raises(AlifeInputError, match=r"\(H, W\) grid or \(B, H, W\) batch"):
        simulate(np.zeros(3, bool))
