"""The CUDA launcher of the rule-table generation: one thread per cell.

Imported only when the CUDA backend is used; ``cuda`` is a module global because
numba's CUDA simulator swaps in its thread-aware stand-in through kernel globals.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from numba import cuda

from alife.substrates.ca.loops import build_bodies

_BLOCK = (32, 8)  # columns x rows per block


@functools.cache
def cuda_step() -> Callable:
    """``step(cells, out, lut, n_states, torus, unknown)`` on CuPy arrays (see
    :func:`alife.substrates.ca.loops.generation_kernel`)."""
    next_cell = build_bodies("cuda")

    @cuda.jit
    def kernel(cells, out, lut, n_states, torus, unknown):
        c, r = cuda.grid(2)
        if r < cells.shape[0] and c < cells.shape[1]:
            state, flag = next_cell(cells, r, c, lut, n_states, torus)
            out[r, c] = state
            if flag:
                cuda.atomic.add(unknown, r, 1)

    def step(cells, out, lut, n_states, torus, unknown):
        height, width = cells.shape
        unknown[:] = 0
        grid = (-(-width // _BLOCK[0]), -(-height // _BLOCK[1]))
        kernel[grid, _BLOCK](cells, out, lut, n_states, torus, unknown)

    return step
