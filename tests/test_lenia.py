"""Lenia against a plain reference written from the definitions, and Orbium's behaviour."""

import json
import math

import numpy as np
import pytest

from alife.errors import AlifeInputError
from alife.substrates.ca.lenia import LeniaParams, LeniaWorlds, kernel_image, parse_rings
from alife.substrates.ca.lenia_animals import animal_names, load_animal
from alife.substrates.ca.lenia_sim import LeniaConfig, LeniaSim, torus_centroid


def reference_kernel(params: LeniaParams, height: int, width: int) -> np.ndarray:
    """The kernel by a loop over offsets, centred at (0, 0) on a height x width torus."""
    cores = {
        1: lambda q: (4 * q * (1 - q)) ** 4,
        2: lambda q: math.exp(4 - 1 / (q * (1 - q))),
        3: lambda q: 1.0 if 0.25 <= q <= 0.75 else 0.0,
        4: lambda q: 1.0 if 0.25 <= q <= 0.75 else (0.5 if q < 0.25 else 0.0),
    }
    out = np.zeros((height, width))
    rings = len(params.b)
    for dy in range(-params.R, params.R + 1):
        for dx in range(-params.R, params.R + 1):
            r = math.hypot(dy, dx) / params.R
            if r >= 1:
                continue
            ring = min(int(r * rings), rings - 1)
            q = r * rings - int(r * rings)
            if 0 < q < 1 or params.kn in (3, 4):
                out[dy % height, dx % width] = params.b[ring] * cores[params.kn](q)
    return out / out.sum()


def reference_growth(u: np.ndarray, m: float, s: float, gn: int) -> np.ndarray:
    if gn == 1:
        return 2 * np.maximum(0, 1 - (u - m) ** 2 / (9 * s * s)) ** 4 - 1
    if gn == 2:
        return 2 * np.exp(-((u - m) ** 2) / (2 * s * s)) - 1
    return np.where(np.abs(u - m) <= s, 1.0, -1.0)


def reference_step(field: np.ndarray, kernel: np.ndarray, params: LeniaParams) -> np.ndarray:
    """One step with the convolution as a sum of shifted fields (no FFT)."""
    potential = np.zeros_like(field)
    for dy, dx in zip(*np.nonzero(kernel), strict=True):
        potential += kernel[dy, dx] * np.roll(field, (dy, dx), axis=(0, 1))
    growth = reference_growth(potential, params.m, params.s, params.gn)
    return np.clip(field + growth / params.T, 0, 1)


RULES = [
    LeniaParams(),
    LeniaParams(R=5, T=5, b=(1.0, 1 / 3), m=0.2, s=0.03, kn=2, gn=2),
    LeniaParams(R=4, T=3, b=(0.5, 1.0, 0.25), m=0.25, s=0.05, kn=3, gn=3),
    LeniaParams(R=6, T=8, b=(1.0,), m=0.3, s=0.04, kn=4, gn=1),
]


@pytest.mark.parametrize("params", RULES)
def test_kernel_equals_the_definition(params):
    np.testing.assert_allclose(kernel_image(params, 32, 30), reference_kernel(params, 32, 30))


@pytest.mark.parametrize("params", RULES)
def test_steps_equal_the_reference_in_float64(params):
    field = np.random.default_rng(params.R).random((32, 40)) * 0.6
    kernel = reference_kernel(params, 32, 40)
    worlds = LeniaWorlds(field, params, dtype="float64")
    expected = field
    for _ in range(3):
        expected = reference_step(expected, kernel, params)
        worlds.step()
    np.testing.assert_allclose(worlds.worlds[0], expected, atol=1e-12)


def test_a_batch_equals_its_worlds_stepped_alone():
    rng = np.random.default_rng(3)
    fields = rng.random((3, 40, 40)) * 0.5
    rules = [RULES[0], RULES[1], LeniaParams(m=0.2)]
    batch = LeniaWorlds(fields, rules, dtype="float64")
    alone = [LeniaWorlds(f, r, dtype="float64") for f, r in zip(fields, rules, strict=True)]
    for _ in range(3):
        batch.step()
        for world in alone:
            world.step()
    for i, world in enumerate(alone):
        np.testing.assert_allclose(batch.worlds[i], world.worlds[0], atol=1e-12)


def test_orbium_keeps_its_mass_and_glides():
    config = LeniaConfig(pattern="orbium", width=128, height=128)
    assert (config.R, config.T, config.m, config.s) == (13, 10.0, 0.15, 0.015)
    sim = LeniaSim(config)
    start = sim.metrics()
    masses, path = [], [(start["centroid_x"], start["centroid_y"])]
    for _ in range(1000):
        sim.step()
        record = sim.metrics()
        masses.append(record["mass"])
        path.append((record["centroid_x"], record["centroid_y"]))
    masses = np.array(masses)
    # the stored snapshot loses 2.5% in its first step, then the mass stays put
    assert np.abs(masses / masses.mean() - 1).max() < 0.03
    steps = np.diff(np.array(path), axis=0)
    steps = (steps + 64) % 128 - 64  # unwrap the torus
    travelled = np.hypot(*steps.sum(axis=0))
    assert travelled > 300, travelled  # it crosses the 128-cell world, one way
    assert np.abs(steps).max() < 1.0  # a glider, not a jump


def test_a_random_start_fills_the_asked_share_with_uniform_states():
    config = LeniaConfig(width=200, height=100, density=0.3, seed=4)
    field = LeniaSim(config).field()
    assert abs(np.count_nonzero(field) / field.size - 0.3) < 0.01
    live = field[field > 0]
    assert abs(live.mean() - 0.5) < 0.01 and live.max() < 1
    again = LeniaSim(config).field()
    np.testing.assert_array_equal(field, again)


def test_torus_centroid_wraps():
    field = np.zeros((10, 10))
    field[0, 9] = field[0, 1] = 1.0  # straddles the seam at x = 0
    x, y = torus_centroid(field)
    assert min(x, 10 - x) < 1e-9 and y == 0.0


def test_shipped_animals_and_files(tmp_path):
    assert "orbium" in animal_names()
    cells, params = load_animal("orbium")
    assert cells.shape == (20, 20) and cells.min() >= 0 and cells.max() == 1.0
    path = tmp_path / "zoo.json"
    path.write_text(
        '[{"code": "X", "name": "tiny", "params": {"R": 5, "T": 5, "b": "1,1/2", '
        '"m": 0.2, "s": 0.02}, "cells": "2.yO$yO!"}]'
    )
    cells, params = load_animal(f"{path}:tiny")
    assert cells.shape == (2, 3) and params.b == (1.0, 0.5) and params.kn == 1
    with pytest.raises(AlifeInputError, match="no Lenia animal named 'big'"):
        load_animal(f"{path}:big")
    with pytest.raises(AlifeInputError, match="neither a shipped animal"):
        load_animal("orbiun")


_RULE = {"R": 5, "T": 5, "b": "1", "m": 0.2, "s": 0.02}


@pytest.mark.parametrize(
    ("params", "cells", "message"),
    [
        ({"R": 13}, "o!", "params lack T, b, m, s; they need R, T"),
        ("x", "o!", "params must be a table of R, T, b, m and s"),
        ({**_RULE, "R": "a"}, "o!", "R must be a number, not 'a'"),
        ({**_RULE, "T": None}, "o!", "T must be a number, not None"),
        ({**_RULE, "kn": [1]}, "o!", r"kn must be a number, not \[1\]"),
        ({**_RULE, "R": math.inf}, "o!", "R must be a number, not inf"),
        (_RULE, 5, "cells must be RLE text, not 5"),
    ],
)
def test_a_malformed_animal_is_named(tmp_path, params, cells, message):
    path = tmp_path / "animal.json"
    path.write_text(json.dumps({"params": params, "cells": cells}))
    with pytest.raises(AlifeInputError, match="a Lenia animal's " + message):
        load_animal(str(path))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"R": 0}, "kernel radius R must be an integer >= 1"),
        ({"s": 0.0}, "growth width s must be > 0"),
        ({"kn": 7}, "kernel core kn=7 is unknown"),
        ({"gn": 0}, "growth gn=0 is unknown"),
        ({"T": -1.0}, "time resolution T must be > 0"),
    ],
)
def test_bad_rules_are_named(kwargs, message):
    with pytest.raises(AlifeInputError, match=message):
        LeniaParams(**kwargs)


def test_bad_rings_and_sizes_are_named():
    with pytest.raises(AlifeInputError, match="kernel rings b='1,x'"):
        parse_rings("1,x")
    with pytest.raises(AlifeInputError, match="needs a world of at least 27 cells"):
        LeniaWorlds(np.zeros((20, 20)), LeniaParams())
