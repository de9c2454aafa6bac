"""Table-driven automata on the von Neumann neighbourhood (Langton's loop, Evoloop):
one lookup per cell, written once for the CPU (numba, parallel over rows) and CUDA
(one thread per cell).

A grid is (H, W) uint8 states. Each cell reads its north, east, south and west
neighbours (wrapping on a torus; state 0 outside a finite plane), looks its
neighbourhood up in the compiled table (:mod:`alife.substrates.ca.table`) and takes
the next state, or keeps its own where the table has none; those cells are counted.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numba
import numpy as np

from alife.engine.backend import (
    DeviceArray,
    array_module,
    resolve_backend,
    to_backend,
    to_host,
)
from alife.engine.targets import device_jit
from alife.errors import AlifeInputError
from alife.substrates.ca.table import RuleTable


def build_bodies(target: str) -> Callable:
    """``next_cell(cells, r, c, lut, n_states, torus) -> (state, unknown)`` for
    ``target``."""
    jit = device_jit(target, inline=False)

    @jit
    def state_at(cells, r, c, torus):
        height, width = cells.shape
        if 0 <= r < height and 0 <= c < width:
            return np.int64(cells[r, c])
        if not torus:
            return np.int64(0)
        return np.int64(cells[(r + height) % height, (c + width) % width])

    @jit
    def next_cell(cells, r, c, lut, n_states, torus):
        centre = np.int64(cells[r, c])
        index = centre
        index = index * n_states + state_at(cells, r - 1, c, torus)
        index = index * n_states + state_at(cells, r, c + 1, torus)
        index = index * n_states + state_at(cells, r + 1, c, torus)
        index = index * n_states + state_at(cells, r, c - 1, torus)
        state = lut[index]
        if state < 0:
            return centre, 1
        return np.int64(state), 0

    return next_cell


@functools.cache
def _cpu_step():
    next_cell = build_bodies("cpu")

    @numba.njit(parallel=True)
    def step(cells, out, lut, n_states, torus, unknown):
        height, width = cells.shape
        for row in numba.prange(height):
            r = np.int64(row)
            missing = 0
            for c in range(width):
                state, flag = next_cell(cells, r, np.int64(c), lut, n_states, torus)
                out[r, c] = state
                missing += flag
            unknown[r] = missing

    return step


def generation_kernel(backend: str) -> Callable:
    """``step(cells, out, lut, n_states, torus, unknown)``: one generation from
    ``cells`` into ``out`` ((H, W) uint8), ``unknown`` (H,) int64 the cells per row the
    table did not cover; arrays of ``backend``."""
    if backend == "cpu":
        return _cpu_step()
    from alife.substrates.ca.loops_cuda import cuda_step

    return cuda_step()


class TableStepper:
    """Advances grids of one rule table on one backend."""

    def __init__(self, table: RuleTable, height: int, torus: bool, backend: str = "cpu"):
        self.backend = resolve_backend(backend)
        xp = array_module(self.backend)
        self.table = table
        self._lut = to_backend(table.lut, self.backend)
        self._n = np.int64(table.n_states)
        self._torus = bool(torus)
        self._unknown = xp.zeros(height, dtype=np.int64)
        self._kernel = generation_kernel(self.backend)

    def step(self, cells: DeviceArray, out: DeviceArray) -> None:
        """One generation from ``cells`` into ``out``."""
        self._kernel(cells, out, self._lut, self._n, self._torus, self._unknown)

    def unknown(self) -> int:
        """Cells the last generation found no transition for (they kept their state)."""
        return int(to_host(self._unknown).sum())


def simulate_table(
    cells: np.ndarray, table: RuleTable, steps: int, torus: bool = True, backend: str = "cpu"
) -> tuple[np.ndarray, list[int]]:
    """Advance (H, W) states ``steps`` generations; returns the final grid (uint8,
    numpy) and the uncovered-cell count of each generation."""
    cells = np.asarray(cells, dtype=np.uint8)
    if cells.ndim != 2 or 0 in cells.shape:
        raise AlifeInputError(f"cells must be a non-empty 2-D array, got shape {cells.shape}")
    if cells.max(initial=0) >= table.n_states:
        raise AlifeInputError(
            f"the grid holds state {cells.max()}, but {table.name} has states "
            f"0..{table.n_states - 1}"
        )
    stepper = TableStepper(table, cells.shape[0], torus, backend)
    current = to_backend(cells, stepper.backend)
    spare = array_module(stepper.backend).empty_like(current)
    unknown = []
    for _ in range(steps):
        stepper.step(current, spare)
        unknown.append(stepper.unknown())
        current, spare = spare, current
    return to_host(current), unknown
