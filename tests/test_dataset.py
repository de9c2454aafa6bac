"""'alife ca dataset': Life pairs for sequence models, against the plain reference."""

import h5py
import numpy as np
from click.testing import CliRunner
from tables import table_row
from test_life import reference_step

from alife.cli import main
from alife.substrates.ca.dataset import sample_densities, sample_grids


def make(tmp_path, name, *args):
    path = tmp_path / name
    result = CliRunner().invoke(main, ["ca", "dataset", *args, "--out", str(path)])
    return result, path


def test_pairs_are_one_reference_generation_apart(tmp_path):
    args = ["--size", "20x12", "--samples", "50", "--steps", "2", "--density-range", "0.2", "0.6"]
    result, path = make(tmp_path, "life.h5", *args, "--seed", "5", "--no-progress")
    assert result.exit_code == 0, result.output
    with h5py.File(path) as f:
        inputs, targets, density = f["inputs"][:], f["targets"][:], f["density"][:]
        assert f.attrs["rule"] == "B3/S23" and f.attrs["steps"] == 2 and f.attrs["torus"]
        assert f.attrs["format"] == "alife-lifegpt-dataset/1"
    shown = CliRunner().invoke(main, ["ca", "show", str(path)])
    assert shown.exit_code == 2
    assert "not an alife run file (its format is 'alife-lifegpt-dataset/1')" in shown.stderr
    assert "; 'alife show' summarises this one" in shown.stderr
    assert inputs.shape == targets.shape == (50, 12, 20) and inputs.dtype == np.uint8
    assert ((density >= 0.2) & (density < 0.6)).all() and density.std() > 0.05
    for grid, target, share in zip(inputs, targets, density, strict=True):
        expected = grid.astype(bool)
        for _ in range(2):
            expected = reference_step(expected, {3}, {2, 3}, torus=True)
        np.testing.assert_array_equal(target, expected)
        assert abs(grid.mean() - share) < 0.2  # 240 cells drawn at that density
    assert np.corrcoef(inputs.mean(axis=(1, 2)), density)[0, 1] > 0.9
    summary = CliRunner().invoke(main, ["show", str(path)])  # the top-level show reads it
    assert summary.exit_code == 0, summary.output
    assert table_row(summary.output, "rule") == ["rule", "B3/S23"]
    assert table_row(summary.output, "samples") == ["samples", "50"]
    expected = f"live cells: {inputs.mean():.4f} of the inputs, {targets.mean():.4f} of the"
    assert expected in summary.output


def test_samples_depend_only_on_seed_and_index():
    densities = sample_densities(3, 0, 10, 0.0, 1.0)
    whole = sample_grids(3, 0, densities, 8, 9)
    part = sample_grids(3, 4, densities[4:], 8, 9)
    np.testing.assert_array_equal(whole[4:], part)
    np.testing.assert_array_equal(sample_densities(3, 4, 6, 0.0, 1.0), densities[4:])
    assert not np.array_equal(sample_grids(4, 0, densities, 8, 9), whole)


def test_plane_datasets_use_a_dead_border(tmp_path):
    args = ["--size", "9", "--plane", "--samples", "5", "--rule", "B36/S23", "--no-progress"]
    result, path = make(tmp_path, "plane.h5", *args)
    assert result.exit_code == 0, result.output
    with h5py.File(path) as f:
        for grid, target in zip(f["inputs"][:], f["targets"][:], strict=True):
            expected = reference_step(grid.astype(bool), {3, 6}, {2, 3}, torus=False)
            np.testing.assert_array_equal(target, expected)


def test_bad_dataset_options_leave_nothing(tmp_path):
    existing = tmp_path / "mine.h5"
    existing.write_bytes(b"precious")
    cases = [
        (["--density-range", "0.5", "0.2"], "must satisfy 0 <= low <= high <= 1"),
        (["--rule", "B9"], "is not a Life-like rule"),
        (["--size", "0x4"], "is not WIDTHxHEIGHT"),
    ]
    for args, message in cases:
        result, path = make(tmp_path, "never.h5", *args)
        assert result.exit_code == 2 and message in result.stderr, result.output
        assert not path.exists()
    result = CliRunner().invoke(main, ["ca", "dataset", "--out", str(existing)])
    assert result.exit_code == 2 and "already exists" in result.stderr
    assert existing.read_bytes() == b"precious"
