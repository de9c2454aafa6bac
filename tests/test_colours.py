"""Colour mappings of the CA simulations (what a viewer shows)."""

import numpy as np

from alife.substrates.ca.colours import colour_map, field_image
from alife.substrates.ca.lenia_sim import LeniaConfig, LeniaSim
from alife.substrates.ca.life_sim import LifeConfig, LifeSim
from alife.substrates.ca.loops_sim import LoopsConfig, LoopsSim


def test_life_frames_are_white_where_live():
    sim = LifeSim(LifeConfig(width=70, height=20, density=0.3, seed=1))
    frame, grid = sim.frame(), sim.grid()
    assert frame.shape == (20, 70, 3) and frame.dtype == np.uint8
    assert (frame[grid] == 255).all() and (frame[~grid] == 0).all()


def test_loop_frames_use_the_rule_files_colours():
    sim = LoopsSim(LoopsConfig(width=30, height=30))
    frame, grid = sim.frame(), sim.grid()
    # Langtons-Loops.rule @COLORS: 1 blue, 2 red, 7 cyan (Sayama's loops.java palette)
    for state, rgb in ((0, (0, 0, 0)), (1, (0, 0, 255)), (2, (255, 0, 0)), (7, (0, 255, 255))):
        assert (frame[grid == state] == rgb).all() and (grid == state).any()


def test_lenia_frames_follow_the_colour_map():
    sim = LeniaSim(LeniaConfig(pattern="orbium", width=64, height=64))
    frame, field = sim.frame(), sim.field()
    viridis = colour_map("viridis")
    np.testing.assert_array_equal(frame[field == 0][0], viridis[0])
    np.testing.assert_array_equal(frame[field == field.max()][0], viridis[255])
    ramp = field_image(np.linspace(0, 1, 256)[None, :])[0]
    np.testing.assert_array_equal(ramp, viridis)  # each level its own colour
