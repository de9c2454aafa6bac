"""Pictures of soups, pixel for pixel as cubff draws them, in the language's byte colours.

* :func:`soup_frame`, a 2-D soup as in the paper's videos: each program an 8x8 tile of
  its 64 bytes (byte ``j`` at tile row ``j // 8``, column ``j % 8``), tiles laid out as
  the grid, the first row and column of every tile darkened by 32 to outline it. These
  are cubff's ``--draw_to_2d`` frames: a 240x135 grid gives a 1920x1080 frame.
* :func:`soup_rows_image`, any soup as rows of bytes: each program a row of 64 pixels,
  programs in columns top to bottom, left to right, columns 4 black pixels apart, as
  cubff's ``--draw_to`` frames (2^17 programs give 45 columns of 2978 rows).
"""

from __future__ import annotations

import math
import os

import numpy as np

from alife.errors import AlifeInputError
from alife.substrates.programs.language import PROGRAM_SIZE

TILE = 8
"""Pixels per side of one program's tile (8 * 8 = 64 bytes)."""

_OUTLINE = 32
COLUMN_GAP = 4
"""Black pixels between columns of programs in :func:`soup_rows_image` (cubff's)."""


_RGBX = np.dtype("<u4")  # little-endian on every machine, so R is the first byte


def _rgbx(byte_colors: np.ndarray) -> np.ndarray:
    """(256,) uint32 of (256, 3) uint8 colours, R in the lowest byte (little-endian
    RGBX), so one gather colours a byte where three would otherwise."""
    colors = np.asarray(byte_colors, dtype=_RGBX)
    return colors[:, 0] | colors[:, 1] << 8 | colors[:, 2] << 16


def _rgb(words: np.ndarray) -> np.ndarray:
    """The (..., 3) uint8 RGB view of RGBX uint32 ``words`` (no copy)."""
    return words.view(np.uint8).reshape(*words.shape, 4)[..., :3]


def soup_frame(soup: np.ndarray, grid: tuple[int, int], byte_colors: np.ndarray) -> np.ndarray:
    """(8 * height, 8 * width, 3) uint8 image of ``soup``, (width * height, 64) uint8
    programs in row-major grid order, coloured by ``byte_colors`` ((256, 3) uint8)."""
    width, height = grid
    soup = np.asarray(soup)
    if soup.shape != (width * height, PROGRAM_SIZE):
        raise AlifeInputError(
            f"a {width}x{height} grid needs a ({width * height}, {PROGRAM_SIZE}) soup, "
            f"got shape {soup.shape}"
        )
    darker = np.clip(np.asarray(byte_colors, dtype=np.int16) - _OUTLINE, 0, 255)
    bytes_ = soup.reshape(height, width, TILE, TILE)
    tiles = _rgbx(byte_colors)[bytes_]
    outline = _rgbx(darker)
    tiles[:, :, 0, :] = outline[bytes_[:, :, 0, :]]
    tiles[:, :, 1:, 0] = outline[bytes_[:, :, 1:, 0]]
    return _rgb(tiles.transpose(0, 2, 1, 3).reshape(height * TILE, width * TILE))


def soup_rows_image(soup: np.ndarray, byte_colors: np.ndarray) -> np.ndarray:
    """(rows, columns * 68 - 4, 3) uint8 image of an (n, 64) uint8 soup as columns of
    program rows, coloured by ``byte_colors`` ((256, 3) uint8). ``rows`` is
    :func:`soup_rows_per_column`; unused places of the last column are black."""
    soup = np.asarray(soup)
    if soup.ndim != 2 or soup.shape[1] != PROGRAM_SIZE or not len(soup):
        raise AlifeInputError(f"a soup is an (n, {PROGRAM_SIZE}) array, got shape {soup.shape}")
    rows = soup_rows_per_column(len(soup))
    columns = -(-len(soup) // rows)
    lookup = _rgbx(byte_colors)
    words = np.zeros((rows, columns, PROGRAM_SIZE + COLUMN_GAP), dtype=_RGBX)
    for column in range(columns):  # a column at a time: one pass, no transposed copy
        part = soup[column * rows : (column + 1) * rows]
        words[: len(part), column, :PROGRAM_SIZE] = lookup[part]
    return _rgb(words.reshape(rows, -1)[:, :-COLUMN_GAP])


def soup_rows_per_column(n: int) -> int:
    """Programs per column of :func:`soup_rows_image` for an n-program soup: cubff's
    ``n // ceil(sqrt(n // 68))``, and one column for soups under 68 programs (where
    cubff would divide by zero)."""
    columns = max(1, math.ceil(math.sqrt(n // (PROGRAM_SIZE + COLUMN_GAP))))
    return int(n / columns)


def write_run_frame(
    path: str,
    out: str,
    *,
    epoch: int | None = None,
    grid: str | None = None,
    overwrite: bool = False,
) -> tuple[int, int, int]:
    """Draw the snapshot of run file ``path`` at ``epoch`` (default: the last) into the
    PPM file ``out``; ``grid`` ("WxH") lays out a run without a grid of its own. Returns
    the image's shape."""
    from alife.engine.session import wrong_substrate_error
    from alife.engine.store import check_output_path, open_run
    from alife.substrates.programs.interactions import parse_grid
    from alife.substrates.programs.registry import get_language

    check_output_path(out, overwrite, run_file=False)
    with open_run(path) as run:
        if run.substrate != "soup":
            raise wrong_substrate_error(path, run.substrate, "'alife soup frame'", ["soup"])
        config = run.config
        if epoch is None:
            if not len(run.snapshot_epochs):
                raise AlifeInputError(f"{path!r} holds no snapshots yet")
            epoch = int(run.snapshot_epochs[-1])
        soup = run.snapshot(epoch)
    if grid is not None:
        shape = parse_grid(grid)
    elif config.get("grid"):
        shape = tuple(config["grid"])
    else:
        raise AlifeInputError(
            f"{path!r} is not a grid soup; give --grid WxH with W*H = {len(soup)} programs"
        )
    image = soup_frame(soup, shape, get_language(config["language"]).byte_colors)
    write_ppm(out, image)
    return image.shape


def write_ppm(path: str, image: np.ndarray) -> None:
    """Write an (h, w, 3) uint8 image as binary PPM (P6), the format cubff writes."""
    height, width, _ = image.shape
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "wb") as f:
        f.write(f"P6\n{width} {height}\n255\n".encode())
        f.write(np.ascontiguousarray(image, dtype=np.uint8).tobytes())
