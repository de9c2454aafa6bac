"""cubff's checkpoint files (``.dat``), so runs move between cubff and alife.

Layout (cubff's ``--checkpoint_dir`` / ``--load``): three little-endian 64-bit unsigned
integers — the next reset seed index, the number of programs n, the completed epochs —
then the soup, n * 64 bytes. The seed, language and mutation rate are not in the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from alife.engine.h5clear import HDF5_SIGNATURE
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
    """Read a cubff ``.dat`` checkpoint; raises AlifeInputError if it is not one. The
    header and the file's size are checked before the soup is read."""
    if os.path.isdir(path):
        raise AlifeInputError(f"cubff checkpoint {path!r} is a folder; give a .dat file")
    if not os.path.isfile(path):
        raise AlifeInputError(f"cubff checkpoint {path!r} does not exist")
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        header = f.read(_HEADER)
    if header.startswith(HDF5_SIGNATURE):
        raise AlifeInputError(
            f"{path!r} is an HDF5 file, not a cubff checkpoint; 'alife soup import' reads "
            f"the .dat files of cubff's --checkpoint_dir"
        )
    if size < _HEADER:
        raise AlifeInputError(f"{path!r} is too short to be a cubff checkpoint")
    reset_index, n, epoch = (int(v) for v in np.frombuffer(header, dtype="<u8"))
    if n == 0 or size != _HEADER + n * PROGRAM_SIZE:
        raise AlifeInputError(
            f"{path!r} is not a cubff checkpoint: its header says {n} programs, so it "
            f"should hold {_HEADER + n * PROGRAM_SIZE} bytes, but it holds {size}"
        )
    if n % 2:
        raise AlifeInputError(
            f"{path!r} holds {n} programs; a soup pairs its programs, so it needs an even number"
        )
    raw = np.fromfile(path, dtype=np.uint8, offset=_HEADER)
    return CubffCheckpoint(raw.reshape(n, PROGRAM_SIZE), epoch, reset_index)


def write_dat(path: str, checkpoint: CubffCheckpoint, *, overwrite: bool = False) -> None:
    """Write a cubff ``.dat`` checkpoint that ``cubff --load`` continues from."""
    check_output_path(path, overwrite, run_file=False)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    soup = np.ascontiguousarray(checkpoint.soup, dtype=np.uint8)
    header = np.array([checkpoint.reset_index, soup.shape[0], checkpoint.epoch], dtype="<u8")
    with open(path, "wb") as f:
        f.write(header.tobytes())
        f.write(soup.tobytes())
