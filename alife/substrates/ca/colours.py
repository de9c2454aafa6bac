"""Colour mappings of cellular automata: states to (H, W, 3) uint8 RGB images.

Every CA simulation has a ``frame()`` built from these, and they take snapshots too, so
a viewer (live or from a run file) and reports show the same colours:

- Life-like: live cells white on black;
- Lenia: states in [0, 1] through a perceptually uniform colour map (matplotlib's
  ``viridis`` by default), 256 levels;
- rule tables: the ``@COLORS`` of the .rule file (Langton's loop: blue, red, green...).
"""

from __future__ import annotations

import functools

import numpy as np

LIFE_COLOURS = np.array([[0, 0, 0], [255, 255, 255]], dtype=np.uint8)


def life_image(cells: np.ndarray) -> np.ndarray:
    """(H, W, 3) uint8 image of an (H, W) bool grid: live white, dead black."""
    return LIFE_COLOURS[np.asarray(cells, dtype=bool).astype(np.intp)]


@functools.cache
def colour_map(name: str = "viridis") -> np.ndarray:
    """(256, 3) uint8 RGB levels of a matplotlib colour map."""
    from matplotlib import colormaps

    levels = colormaps[name](np.linspace(0.0, 1.0, 256))[:, :3]
    return np.round(levels * 255).astype(np.uint8)


def field_image(field: np.ndarray, name: str = "viridis") -> np.ndarray:
    """(H, W, 3) uint8 image of an (H, W) field of states in [0, 1] (clipped)."""
    levels = np.clip(np.round(np.asarray(field, dtype=np.float64) * 255), 0, 255)
    return colour_map(name)[levels.astype(np.intp)]


def state_image(states: np.ndarray, colours: np.ndarray) -> np.ndarray:
    """(H, W, 3) uint8 image of (H, W) integer states through an (n_states, 3) table."""
    return np.asarray(colours, dtype=np.uint8)[np.asarray(states, dtype=np.intp)]
