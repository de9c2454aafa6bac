"""Flow-Lenia: reintegration tracking against interval overlaps computed by hand, exact
moves, mass conservation, the affinity against a direct convolution, the CLI."""

from __future__ import annotations

import numba
import numpy as np
import pytest
from click.testing import CliRunner

from alife.cli import main
from alife.engine.session import resume_run, start_run
from alife.engine.store import open_run
from alife.errors import AlifeInputError
from alife.substrates.ca.flow_lenia import (
    FlowLeniaRule,
    FlowLeniaWorld,
    FlowParams,
    build_flow_kernels,
    kernel_images,
    reintegrate,
    sobel,
)
from alife.substrates.ca.flow_lenia_sim import FlowLeniaConfig, FlowLeniaSim


def _share(centre: float, cell: int, size: int, sigma: float) -> float:
    """Length of [centre - sigma, centre + sigma] inside cell [cell, cell + 1] on a ring
    of ``size`` cells: the three copies of the interval, intersected one by one."""
    return sum(
        max(0.0, min(centre + sigma + k, cell + 1.0) - max(centre - sigma + k, float(cell)))
        for k in (-size, 0, size)
    )


def _reference(mass, flow, dt, sigma, reach):
    channels, height, width = mass.shape
    out = np.zeros_like(mass)
    limit = reach - sigma
    for c in range(channels):
        for r in range(height):
            for q in range(width):
                centre_r = r + 0.5 + np.clip(dt * flow[0, c, r, q], -limit, limit)
                centre_q = q + 0.5 + np.clip(dt * flow[1, c, r, q], -limit, limit)
                for tr in range(height):
                    share_r = _share(centre_r % height, tr, height, sigma)
                    for tq in range(width):
                        share = share_r * _share(centre_q % width, tq, width, sigma)
                        out[c, tr, tq] += mass[c, r, q] * share / (4 * sigma * sigma)
    return out


def test_reintegration_equals_the_overlaps_computed_cell_by_cell():
    rng = np.random.default_rng(0)
    mass = rng.random((2, 9, 11))
    flow = rng.normal(scale=8.0, size=(2, 2, 9, 11))  # dt * flow up to ~5: some clipped
    got = reintegrate(mass, flow, 0.2, 0.65, 3)
    np.testing.assert_allclose(got, _reference(mass, flow, 0.2, 0.65, 3), rtol=1e-12, atol=1e-14)
    assert got.sum() == pytest.approx(mass.sum(), rel=1e-13)


def test_without_flow_cell_sized_squares_stay_and_a_steady_flow_translates_exactly():
    mass = np.random.default_rng(1).random((1, 8, 10))
    still = reintegrate(mass, np.zeros((2, 1, 8, 10)), 0.2, 0.5, 5)
    np.testing.assert_array_equal(still, mass)
    flow = np.zeros((2, 1, 8, 10))
    flow[0], flow[1] = 5.0, -10.0  # dt 0.2: one cell down, two left
    moved = reintegrate(mass, flow, 0.2, 0.5, 5)
    np.testing.assert_allclose(moved, np.roll(mass, (1, -2), axis=(1, 2)), rtol=1e-14)


def _gather_everywhere():
    """The GPU's per-cell gather, compiled for the CPU and run for every cell."""
    landed = build_flow_kernels("cpu")[2]

    @numba.njit
    def gather(mass, flow, dt, sigma, reach):
        out = np.empty_like(mass)
        for c in range(mass.shape[0]):
            for row in range(mass.shape[1]):
                for col in range(mass.shape[2]):
                    out[c, row, col] = landed(mass, flow, c, row, col, dt, sigma, reach)
        return out

    return gather


@pytest.mark.parametrize(
    ("shape", "sigma", "reach"),
    [((2, 9, 11), 0.65, 3), ((1, 7, 7), 1.4, 3), ((1, 5, 12), 0.3, 2), ((3, 16, 13), 0.65, 5)],
)
def test_the_gpu_gather_equals_the_cpu_scatter_bit_for_bit(shape, sigma, reach):
    rng = np.random.default_rng(sum(shape))
    mass = rng.random(shape) * (rng.random(shape) < 0.7)  # some empty cells
    flow = rng.normal(scale=3.0 * reach, size=(2, *shape))  # some steps clipped
    scattered = reintegrate(mass, flow, 0.2, sigma, reach)
    gathered = _gather_everywhere()(mass, flow, 0.2, sigma, reach)
    np.testing.assert_array_equal(gathered, scattered)


def test_sobel_is_eight_times_the_slope_of_a_ramp():
    rows, columns = np.mgrid[0:12, 0:16].astype(float)
    gradient = sobel(3.0 * rows - 0.5 * columns)
    assert gradient[0, 1:-1, 1:-1] == pytest.approx(np.full((10, 14), 24.0))
    assert gradient[1, 1:-1, 1:-1] == pytest.approx(np.full((10, 14), -4.0))


def test_the_affinity_equals_a_direct_convolution_and_the_growth_formula():
    rng = np.random.default_rng(2)
    rule = FlowLeniaRule.random(4, 2, rng)
    rule = FlowLeniaRule(**{**rule.__dict__, "R": 2.0, "r": np.full(4, 0.2)})  # small kernels
    mass = rng.random((2, 20, 18))
    kernels = kernel_images(rule, 20, 18)
    assert kernels.sum(axis=(1, 2)) == pytest.approx(np.ones(4))
    np.testing.assert_allclose(kernels[:, 1:, 1:], kernels[:, 1:, 1:][:, ::-1, ::-1], atol=1e-15)
    expected = np.zeros_like(mass)
    for i in range(4):
        potential = np.zeros((20, 18))
        for dr in range(20):  # circular convolution, one offset at a time
            for dc in range(18):
                potential += kernels[i, dr, dc] * np.roll(mass[rule.source[i]], (dr, dc), (0, 1))
        growth = 2 * np.exp(-(((potential - rule.m[i]) / rule.s[i]) ** 2) / 2) - 1
        expected[rule.target[i]] += rule.h[i] * growth
    world = FlowLeniaWorld(mass, rule, FlowParams())
    np.testing.assert_allclose(world.affinity(), expected, atol=1e-10)


def test_a_world_keeps_its_mass_and_resumes_exactly(tmp_path):
    config = FlowLeniaConfig(width=48, height=40, channels=2, kernels=6, patch=20, seed=3)
    whole, part = str(tmp_path / "whole.h5"), str(tmp_path / "part.h5")
    start_run(FlowLeniaSim, config, whole, epochs=60, progress=False)
    start_run(FlowLeniaSim, config, part, epochs=30, progress=False)
    resume_run(part, epochs=30, progress=False)
    with open_run(whole) as a, open_run(part) as b:
        np.testing.assert_array_equal(a.checkpoint_state()["mass"], b.checkpoint_state()["mass"])
        drift = a.metrics["mass_drift"]
    assert np.abs(drift).max() < 1e-12


def test_cli_and_bad_input(tmp_path):
    runner = CliRunner()
    out = str(tmp_path / "f.h5")
    args = ["ca", "flow-lenia", "--size", "32", "--patch", "12", "--kernels", "3"]
    result = runner.invoke(main, [*args, "--steps", "5", "--out", out, "--no-progress"])
    assert result.exit_code == 0, result.output
    with open_run(out) as run:
        assert run.snapshot(5, "mass").shape == (1, 32, 32)
        first, last = run.snapshot(0, "mass").sum(), run.snapshot(5, "mass").sum()
    # conserved mass: the change shows as a relative number, not as '-0.000%'
    shown = runner.invoke(main, ["ca", "show", out]).output
    assert f"- mass {first:.6g} -> {last:.6g} (" in shown and " relative)" in shown
    bad = runner.invoke(main, [*args[:4], "--patch", "40", "--out", str(tmp_path / "x.h5")])
    assert (
        bad.exit_code == 2
        and "patch 40 does not fit a 32x32 world; give a patch of at most 32" in bad.stderr
    )
    bad = runner.invoke(main, [*args, "--sigma", "1.5", "--out", str(tmp_path / "x.h5")])
    assert bad.exit_code == 2 and "sigma must be in (0, 1.5)" in bad.stderr
    assert not (tmp_path / "x.h5").exists()
    with pytest.raises(AlifeInputError, match="too small for reach 5"):
        FlowLeniaConfig(width=8, height=8, patch=4)


def test_the_benchmarks_numpy_baseline_takes_the_same_step():
    from alife.bench_flow_lenia import baseline_step

    config = FlowLeniaConfig(width=40, height=36, channels=2, kernels=5, patch=16, seed=7)
    rule, mass = config.rule_and_start()
    world = FlowLeniaWorld(mass, rule, config.flow())
    for _ in range(3):
        world.step()
    expected = baseline_step(world)
    world.step()
    np.testing.assert_allclose(world.mass, expected, rtol=1e-10, atol=1e-13)
