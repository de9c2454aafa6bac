"""The pattern library shipped with alife: classic patterns as RLE files in
``alife/substrates/ca/patterns/``, each written from its published definition."""

from __future__ import annotations

import os
from importlib import resources

import numpy as np

from alife.errors import AlifeInputError
from alife.substrates.ca import rle
from alife.textfiles import read_user_text


def pattern_names() -> tuple[str, ...]:
    """Names of the shipped patterns (file names without ``.rle``), sorted."""
    folder = resources.files("alife.substrates.ca") / "patterns"
    return tuple(sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".rle")))


def load_pattern(name: str) -> tuple[np.ndarray, str]:
    """(cells, rule) of a shipped pattern, as :func:`alife.substrates.ca.rle.read`."""
    if name not in pattern_names():
        raise AlifeInputError(
            f"unknown pattern {name!r}; shipped patterns are {', '.join(pattern_names())}"
        )
    text = (resources.files("alife.substrates.ca") / "patterns" / f"{name}.rle").read_text()
    return rle.read(text)


def read_pattern(spec: str) -> tuple[np.ndarray, str]:
    """(cells, rule) of a shipped pattern by name, else of an RLE file at path ``spec``."""
    if spec in pattern_names():
        return load_pattern(spec)
    if not os.path.isfile(spec):
        raise AlifeInputError(
            f"pattern {spec!r} is neither a shipped pattern ({', '.join(pattern_names())}) "
            f"nor an RLE file"
        )
    return rle.read(read_user_text(spec, "pattern file", "a pattern in RLE (Golly's format)"))


def place_into(grid: np.ndarray, pattern: np.ndarray) -> None:
    """Write ``pattern`` over the middle of ``grid`` (both 2-D), in place."""
    height, width = grid.shape
    ph, pw = pattern.shape
    if ph > height or pw > width:
        raise AlifeInputError(f"a {pw}x{ph} pattern does not fit a {width}x{height} grid")
    top, left = (height - ph) // 2, (width - pw) // 2
    grid[top : top + ph, left : left + pw] = pattern


def place(pattern: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """An all-dead (H, W) bool grid with ``pattern`` in its middle."""
    grid = np.zeros(shape, dtype=bool)
    place_into(grid, pattern)
    return grid
