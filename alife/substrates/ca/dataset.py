"""Life datasets for sequence models (LifeGPT): pairs (state at t, state at t + k) of
random grids with varying density, written to HDF5 in chunks.

Sample ``i`` of a dataset with ``seed``: its density is ``low + (high - low) u`` with
``u = SplitMix64(derive(seed, 1) + i) / 2**64``; its cell ``j`` (row-major) is live
when ``SplitMix64(derive(seed, 2) + i H W + j)`` falls below ``density * 2**64``. So a
sample depends only on the seed and its index: any chunk size, any backend, and
regenerating part of a dataset give the same cells.

File layout: ``inputs`` and ``targets`` (N, H, W) uint8 (0 dead, 1 live), ``density``
(N,) float64, chunked by samples and gzip-compressed (readable by any HDF5 reader);
attributes ``format`` (:data:`DATASET_FORMAT`), ``rule``, ``width``, ``height``,
``torus``, ``steps``, ``seed``, ``density_low``, ``density_high``, ``samples`` and
``alife_version``.
"""

from __future__ import annotations

import os

import numpy as np
from tqdm import tqdm

from alife import __version__
from alife.engine.backend import to_backend, to_host
from alife.engine.rng import derive_host, splitmix64
from alife.engine.store import check_output_path, compression_filters, create_h5
from alife.errors import AlifeInputError, check_count, check_seed
from alife.substrates.ca.life import Stepper, pack, unpack
from alife.substrates.ca.rules import parse_rule

DATASET_FORMAT = "alife-lifegpt-dataset/1"
"""The ``format`` attribute of a dataset file (a run file's is ``alife-run/1``)."""


def sample_densities(seed: int, start: int, count: int, low: float, high: float) -> np.ndarray:
    """(count,) float64 densities of samples ``start`` .. ``start + count - 1``."""
    index = np.arange(start, start + count, dtype=np.uint64)
    u = (splitmix64(np.uint64(derive_host(seed, 1)) + index) >> np.uint64(11)) * 2.0**-53
    return low + (high - low) * u


def sample_grids(
    seed: int, start: int, densities: np.ndarray, height: int, width: int
) -> np.ndarray:
    """(len(densities), H, W) bool random grids of samples ``start`` onwards."""
    count, cells = len(densities), height * width
    first = np.uint64((derive_host(seed, 2) + start * cells) % 2**64)
    draws = splitmix64(first + np.arange(count * cells, dtype=np.uint64)).reshape(count, cells)
    thresholds = np.array([min(int(d * 2.0**64), 2**64 - 1) for d in densities], np.uint64)
    live = (draws < thresholds[:, None]) | (densities[:, None] >= 1)
    return live.reshape(count, height, width)


def check_density_range(low: float, high: float) -> None:
    """AlifeInputError unless 0 <= low <= high <= 1."""
    if not 0.0 <= low <= high <= 1.0:
        raise AlifeInputError(f"density range {low} {high} must satisfy 0 <= low <= high <= 1")


def write_dataset(
    path: str,
    *,
    rule: str = "B3/S23",
    width: int = 32,
    height: int = 32,
    torus: bool = True,
    samples: int = 100000,
    steps: int = 1,
    density_range: tuple[float, float] = (0.0, 1.0),
    seed: int = 0,
    chunk: int = 4096,
    backend: str = "cpu",
    overwrite: bool = False,
    progress: bool = True,
) -> None:
    """Write ``samples`` pairs (grid, grid after ``steps`` generations of ``rule``) to
    the HDF5 file ``path`` (see the module docstring), ``chunk`` samples at a time.
    The file appears under its name only when complete; an error or an interruption
    leaves no file."""
    parse_rule(rule)
    low, high = density_range
    check_density_range(low, high)
    for name, value in (("width", width), ("height", height), ("samples", samples)):
        check_count(name, value)
    check_count("steps", steps, 0)
    check_seed("seed", seed)
    check_output_path(path, overwrite, run_file=False)
    stepper = Stepper(parse_rule(rule), width, torus, backend)
    partial = path + ".partial"
    shape = (samples, height, width)
    block = (min(chunk, samples), height, width)
    try:
        with create_h5(partial, path, "dataset") as f:
            filters = compression_filters("gzip")
            inputs = f.create_dataset("inputs", shape, np.uint8, chunks=block, **filters)
            targets = f.create_dataset("targets", shape, np.uint8, chunks=block, **filters)
            # chunked like the grids, so a file is only as long as what has been written
            density = f.create_dataset("density", (samples,), np.float64, chunks=block[:1])
            f.attrs.update(
                format=DATASET_FORMAT,
                rule=rule,
                width=width,
                height=height,
                torus=torus,
                steps=steps,
                seed=seed,
                density_low=low,
                density_high=high,
                samples=samples,
                alife_version=__version__,
            )
            bar = tqdm(total=samples, unit="sample", disable=not progress)
            for start in range(0, samples, chunk):
                count = min(chunk, samples - start)
                densities = sample_densities(seed, start, count, low, high)
                grids = sample_grids(seed, start, densities, height, width)
                packed = stepper.run(to_backend(pack(grids), stepper.backend), steps)
                inputs[start : start + count] = grids
                targets[start : start + count] = unpack(to_host(packed), width)
                density[start : start + count] = densities
                bar.update(count)
            bar.close()
    except BaseException:  # an error or Ctrl-C: no half-written data set is left
        if os.path.exists(partial):
            os.remove(partial)
        raise
    os.replace(partial, path)


def dataset_settings(path: str) -> dict | None:
    """The attributes of the dataset file ``path`` (see the module docstring); None for
    any other file, HDF5 or not, or a path that cannot be read."""
    import h5py

    try:
        with h5py.File(path, "r") as f:
            if f.attrs.get("format") != DATASET_FORMAT:
                return None
            return {
                key: value.item() if hasattr(value, "item") else value
                for key, value in f.attrs.items()
            }
    except OSError:
        return None


def live_shares(path: str, chunk: int = 4096) -> tuple[float, float]:
    """(live share of all input cells, live share of all target cells) of a dataset,
    read ``chunk`` samples at a time."""
    import h5py

    with h5py.File(path, "r") as f:
        inputs, targets = f["inputs"], f["targets"]
        live_in = live_out = 0
        for start in range(0, len(inputs), chunk):
            live_in += int(np.count_nonzero(inputs[start : start + chunk]))
            live_out += int(np.count_nonzero(targets[start : start + chunk]))
        cells = max(1, inputs.size)
    return live_in / cells, live_out / cells


def print_dataset_summary(path: str, settings: dict) -> None:
    """Print a dataset's ``settings`` (:func:`dataset_settings`) and its live shares."""
    from rich.console import Console

    from alife.analysis.measures import print_settings

    console = Console()
    shown = ("rule", "width", "height", "torus", "steps", "samples", "density_low")
    shown += ("density_high", "seed", "alife_version")
    print_settings(
        console, f"{path} (LifeGPT dataset)", {key: settings.get(key, "-") for key in shown}
    )
    before, after = live_shares(path)
    console.print(
        f"- live cells: {before:.4f} of the inputs, {after:.4f} of the targets "
        f"({settings['steps']} generation(s) later)",
        highlight=False,
    )
