"""cubff's checkpoint files (``.dat``), so runs move between cubff and alife.

Layout (cubff's ``--checkpoint_dir`` / ``--load``): three little-endian 64-bit unsigned
integers — the next reset seed index, the number of programs n, the completed epochs —
then the soup, n * 64 bytes. The seed, language and mutation rate are not in the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from alife.engine.store import check_output_path
from alife.errors import AlifeInputError
from alife.substrates.programs.language import PROGRAM_SIZE

_HEADER = 3 * 8


@dataclass(frozen=True)
class CubffCheckpoint:
    """A cubff checkpoint: soup (n, 64) uint8, completed epochs, next reset index."""

    soup: np.ndarray
    epoch: int
    reset_index: int


def read_dat(path: str) -> CubffCheckpoint:
    """Read a cubff ``.dat`` checkpoint; raises AlifeInputError if it is not one."""
    if not os.path.isfile(path):
        raise AlifeInputError(f"cubff checkpoint {path!r} does not exist")
    raw = np.fromfile(path, dtype=np.uint8)
    if raw.size < _HEADER:
        raise AlifeInputError(f"{path!r} is too short to be a cubff checkpoint")
    reset_index, n, epoch = (int(v) for v in raw[:_HEADER].view("<u8"))
    if n == 0 or n % 2 or raw.size != _HEADER + n * PROGRAM_SIZE:
        raise AlifeInputError(
            f"{path!r} is not a cubff checkpoint: its header says {n} programs, so it "
            f"should hold {_HEADER + n * PROGRAM_SIZE} bytes, but it holds {raw.size}"
        )
    soup = raw[_HEADER:].reshape(n, PROGRAM_SIZE).copy()
    return CubffCheckpoint(soup, epoch, reset_index)


def write_dat(path: str, checkpoint: CubffCheckpoint, *, overwrite: bool = False) -> None:
    """Write a cubff ``.dat`` checkpoint that ``cubff --load`` continues from."""
    check_output_path(path, overwrite, run_file=False)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    soup = np.ascontiguousarray(checkpoint.soup, dtype=np.uint8)
    header = np.array([checkpoint.reset_index, soup.shape[0], checkpoint.epoch], dtype="<u8")
    with open(path, "wb") as f:
        f.write(header.tobytes())
        f.write(soup.tobytes())
