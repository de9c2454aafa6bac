"""Painters: one substrate's snapshots to (h, w, 3) uint8 RGB pictures, and back.

A painter turns the newest snapshots of a run into one picture, and says what lies
under a pixel of it (a program's disassembly, a cell's state), for the viewer, the
headless renderer and reports alike. It reads a :class:`Window`: the last ``history``
snapshots of one key, oldest first (``history`` is 1 except where a picture shows
time, as the GARD lineage heat map does).

Palettes are those of the substrates: cubff's byte colours for soups
(:mod:`alife.substrates.programs.frames`), the CA colours of
:mod:`alife.substrates.ca.colours`; GARD molecule counts and quine weights use
matplotlib colour maps (``viridis``, ``RdBu_r``) through 256-level lookup tables.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from alife.errors import AlifeInputError
from alife.substrates.ca.colours import colour_map, field_image, life_image, state_image

GAP = 2
"""Black pixels between the panels of a tiled picture (GARD replicas, populations)."""

MAX_PANELS = 8
"""At most this many GARD replicas or populations are drawn side by side."""


@dataclass(frozen=True)
class Window:
    """The newest snapshots up to one: ``arrays`` (k, *shape) of one snapshot key,
    ``epochs`` (k,) int64 their completed epochs, oldest first."""

    arrays: np.ndarray
    epochs: np.ndarray

    @property
    def latest(self) -> np.ndarray:
        return self.arrays[-1]


class Painter:
    """Base of the painters: ``key`` (the snapshot array read), ``history`` (snapshots
    a picture shows), ``plot_metric`` (the metric the viewer plots)."""

    key: ClassVar[str]
    history: ClassVar[int] = 1
    plot_metric: ClassVar[str]

    def __init__(self, config: dict):
        """``config``: the run's config (the run file's ``config`` attribute)."""

    def image(self, window: Window) -> np.ndarray:
        """(h, w, 3) uint8 picture of ``window``."""
        raise NotImplementedError

    def describe(self, window: Window, x: int, y: int) -> str:
        """What pixel (x, y) of :meth:`image` shows, in words ('' for background)."""
        raise NotImplementedError


class SoupPainter(Painter):
    """Soups in cubff's byte colours: a grid soup as its grid of 8x8 tiles, any other as
    columns of 64-pixel program rows (a roughly square picture)."""

    key = "soup"
    plot_metric = "higher_entropy"

    def __init__(self, config: dict):
        from alife.substrates.programs.registry import get_language

        self.language = get_language(config["language"])
        self.grid = tuple(config["grid"]) if config.get("grid") else None

    def image(self, window: Window) -> np.ndarray:
        from alife.substrates.programs.frames import soup_frame, soup_rows_image

        if self.grid is not None:
            return soup_frame(window.latest, self.grid, self.language.byte_colors)
        return soup_rows_image(window.latest, self.language.byte_colors)

    def program_at(self, n: int, x: int, y: int) -> tuple[int, int] | None:
        """(program, byte) under pixel (x, y) of the picture of an n-program soup."""
        from alife.substrates.programs.frames import COLUMN_GAP, TILE, soup_rows_per_column
        from alife.substrates.programs.language import PROGRAM_SIZE

        if self.grid is not None:
            width, height = self.grid
            if not (0 <= x < width * TILE and 0 <= y < height * TILE):
                return None
            return (y // TILE) * width + x // TILE, (y % TILE) * TILE + x % TILE
        rows = soup_rows_per_column(n)
        column, byte = divmod(x, PROGRAM_SIZE + COLUMN_GAP)
        program = column * rows + y
        if x < 0 or not 0 <= y < rows or byte >= PROGRAM_SIZE or program >= n:
            return None
        return program, byte

    def describe(self, window: Window, x: int, y: int) -> str:
        soup = window.latest
        hit = self.program_at(len(soup), x, y)
        if hit is None:
            return ""
        program, byte = hit
        text = self.language.disassemble(soup[program])
        return f"program {program}, byte {byte} = {int(soup[program, byte])}\n{text}"


class LifePainter(Painter):
    """Life-like grids, live cells white on black (snapshots hold packed words)."""

    key = "cells"
    plot_metric = "population"

    def __init__(self, config: dict):
        self.width = int(config["width"])

    def grid(self, window: Window) -> np.ndarray:
        from alife.substrates.ca.life import unpack

        return unpack(window.latest, self.width)

    def image(self, window: Window) -> np.ndarray:
        return life_image(self.grid(window))

    def describe(self, window: Window, x: int, y: int) -> str:
        grid = self.grid(window)
        if not _inside(grid, x, y):
            return ""
        return f"cell ({x}, {y}): {'alive' if grid[y, x] else 'dead'}"


class LeniaPainter(Painter):
    """Lenia fields through viridis, 0 dark blue to 1 yellow."""

    key = "field"
    plot_metric = "mass"

    def image(self, window: Window) -> np.ndarray:
        return field_image(window.latest)

    def describe(self, window: Window, x: int, y: int) -> str:
        field = window.latest
        return f"cell ({x}, {y}): {float(field[y, x]):.4f}" if _inside(field, x, y) else ""


class FlowLeniaPainter(Painter):
    """Flow-Lenia mass: one channel through viridis (0 dark blue, 1 and above yellow),
    or channels 0, 1, 2 as red, green, blue (each clipped to [0, 1])."""

    key = "mass"
    plot_metric = "live"

    def image(self, window: Window) -> np.ndarray:
        mass = np.asarray(window.latest, dtype=np.float64)
        if len(mass) == 1:
            return field_image(mass[0])
        rgb = np.zeros((*mass.shape[1:], 3))
        rgb[..., : min(3, len(mass))] = np.moveaxis(mass[:3], 0, -1)
        return np.round(np.clip(rgb, 0.0, 1.0) * 255).astype(np.uint8)

    def describe(self, window: Window, x: int, y: int) -> str:
        mass = window.latest
        if not _inside(mass[0], x, y):
            return ""
        return f"cell ({x}, {y}): " + ", ".join(f"{float(v):.4f}" for v in mass[:, y, x])


class LoopsPainter(Painter):
    """Rule-table automata in the rule file's ``@COLORS`` (a grey ramp when the rule
    file of a replayed run is no longer where it was)."""

    key = "cells"
    plot_metric = "population"

    def __init__(self, config: dict):
        from alife.substrates.ca.table import load_table

        try:
            self.colors = load_table(config["rule"]).colors
        except AlifeInputError:
            self.colors = np.repeat(np.arange(256, dtype=np.uint8)[:, None], 3, axis=1)

    def image(self, window: Window) -> np.ndarray:
        return state_image(window.latest, self.colors)

    def describe(self, window: Window, x: int, y: int) -> str:
        cells = window.latest
        return f"cell ({x}, {y}): state {int(cells[y, x])}" if _inside(cells, x, y) else ""


def _inside(grid: np.ndarray, x: int, y: int) -> bool:
    return 0 <= y < grid.shape[0] and 0 <= x < grid.shape[1]


def _shares_image(counts: np.ndarray) -> np.ndarray:
    """(r, N_G, 3) viridis picture of (r, N_G) molecule counts, each row scaled by its
    largest count (an empty row is dark)."""
    peak = counts.max(axis=-1, keepdims=True)
    shares = counts / np.maximum(peak, 1)
    return field_image(shares)


def _tile(panels: list[np.ndarray]) -> np.ndarray:
    """Pictures of one height side by side, :data:`GAP` black pixels apart."""
    height = panels[0].shape[0]
    gap = np.zeros((height, GAP, 3), dtype=np.uint8)
    parts = [p for panel in panels for p in (panel, gap)][:-1]
    return np.concatenate(parts, axis=1)


def _panel_at(x: int, panel_width: int, panels: int) -> tuple[int, int] | None:
    """(panel, column within it) under picture column x of tiled panels."""
    panel, column = divmod(x, panel_width + GAP)
    if x < 0 or panel >= panels or column >= panel_width:
        return None
    return panel, column


class GardPainter(Painter):
    """GARD lineages: a heat map of composition over the last :attr:`history`
    generations, one row per generation (newest at the bottom, rows before the first
    snapshot black), one column per molecule type, each row scaled by its largest count;
    replicas side by side."""

    key = "compositions"
    history = 256
    plot_metric = "similarity"

    def image(self, window: Window) -> np.ndarray:
        counts = window.arrays  # (k, B, N_G)
        replicas = min(counts.shape[1], MAX_PANELS)
        picture = _tile([_shares_image(counts[:, r]) for r in range(replicas)])
        padded = np.zeros((self.history, *picture.shape[1:]), dtype=np.uint8)
        padded[self.history - len(counts) :] = picture
        return padded

    def describe(self, window: Window, x: int, y: int) -> str:
        generations, replicas, species = window.arrays.shape
        hit = _panel_at(x, species, min(replicas, MAX_PANELS))
        row = y - (self.history - generations)
        if hit is None or not 0 <= row < generations:
            return ""
        replica, molecule = hit
        count = int(window.arrays[row, replica, molecule])
        return (
            f"generation {int(window.epochs[row])}, replica {replica}, molecule {molecule}: {count}"
        )


class PopulationPainter(Painter):
    """GARD populations: a heat map per population, one row per assembly, one column
    per molecule type, each row scaled by its largest count; populations side by side."""

    key = "counts"
    plot_metric = "coherence"

    def image(self, window: Window) -> np.ndarray:
        counts = window.latest  # (B, P, N_G)
        return _tile([_shares_image(c) for c in counts[:MAX_PANELS]])

    def describe(self, window: Window, x: int, y: int) -> str:
        populations, assemblies, species = window.latest.shape
        hit = _panel_at(x, species, min(populations, MAX_PANELS))
        if hit is None or not 0 <= y < assemblies:
            return ""
        population, molecule = hit
        count = int(window.latest[population, y, molecule])
        return f"population {population}, assembly {y}, molecule {molecule}: {count}"


class QuinePainter(Painter):
    """A quine's weights as a square picture, in coordinate order row by row: ``RdBu_r``
    from -m (blue) through 0 (white) to +m (red), m the largest magnitude in the
    snapshot; unused places at the end are black."""

    key = "weights"
    plot_metric = "r2"

    @staticmethod
    def side(n: int) -> int:
        return math.ceil(math.sqrt(n))

    def image(self, window: Window) -> np.ndarray:
        weights = np.asarray(window.latest, dtype=np.float64)
        side = self.side(len(weights))
        peak = float(np.abs(weights).max(initial=0.0)) or 1.0
        picture = np.zeros((side * side, 3), dtype=np.uint8)
        picture[: len(weights)] = _diverging(weights, peak)
        return picture.reshape(side, side, 3)

    def describe(self, window: Window, x: int, y: int) -> str:
        weights = window.latest
        side = self.side(len(weights))
        index = y * side + x
        if not (0 <= x < side and 0 <= y < side and index < len(weights)):
            return ""
        return f"weight {index}: {float(weights[index]):+.5f}"


def _diverging(values: np.ndarray, peak: float) -> np.ndarray:
    """(..., 3) uint8 ``RdBu_r`` colours of ``values`` in [-peak, peak] (clipped);
    non-finite values black."""
    finite = np.isfinite(values)
    scaled = np.clip(np.where(finite, values, 0.0) / peak, -1.0, 1.0)
    colours = colour_map("RdBu_r")[np.round((scaled + 1) * 127.5).astype(np.intp)]
    colours[~finite] = 0
    return colours


class NetSoupPainter(Painter):
    """Soups of weight-wise networks: a row per network, a column per weight, through
    ``RdBu_r`` from -m (blue) over 0 (white) to +m (red), m the larger of 1 and the
    largest finite magnitude (so a soup collapsed to zero is white); non-finite weights
    (divergent networks) black."""

    key = "weights"
    plot_metric = "fix_other"

    def image(self, window: Window) -> np.ndarray:
        weights = np.asarray(window.latest, dtype=np.float64)
        finite = weights[np.isfinite(weights)]
        peak = max(1.0, float(np.abs(finite).max(initial=0.0)))
        return _diverging(weights, peak)

    def describe(self, window: Window, x: int, y: int) -> str:
        weights = window.latest
        if not _inside(weights, x, y):
            return ""
        return f"network {y}, weight {x}: {float(weights[y, x]):+.5f}"


PAINTERS: dict[str, type[Painter]] = {
    "soup": SoupPainter,
    "life": LifePainter,
    "lenia": LeniaPainter,
    "flow_lenia": FlowLeniaPainter,
    "loops": LoopsPainter,
    "gard": GardPainter,
    "gard_population": PopulationPainter,
    "quine": QuinePainter,
    "quine_soup": NetSoupPainter,
}


def painter_for(substrate: str, config: dict) -> Painter:
    """The painter of ``substrate`` runs with ``config`` (the run file's config)."""
    if substrate not in PAINTERS:
        raise AlifeInputError(
            f"no picture for substrate {substrate!r}; pictures exist for {', '.join(PAINTERS)}"
        )
    return PAINTERS[substrate](config)
