"""The CUDA launcher of the elementwise Lenia update: one thread per cell.

Imported only when the CUDA backend is used; ``cuda`` is a module global because
numba's CUDA simulator swaps in its thread-aware stand-in through kernel globals.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from numba import cuda

from alife.substrates.ca.lenia import build_update

_THREADS = 256


@functools.cache
def cuda_update() -> Callable:
    """``update(world, potential, m, s, inv_t, gn)`` on CuPy arrays (see
    :func:`alife.substrates.ca.lenia.update_kernel`)."""
    updated = build_update("cuda")

    @cuda.jit
    def kernel(world, potential, m, s, inv_t, gn):
        i = cuda.grid(1)
        cells = world.shape[1]
        if i < world.shape[0] * cells:
            w = i // cells
            c = i - w * cells
            world[w, c] = updated(world[w, c], potential[w, c], m[w], s[w], inv_t[w], gn[w])

    def update(world, potential, m, s, inv_t, gn):
        total = world.shape[0] * world.shape[1]
        kernel[max(1, -(-total // _THREADS)), _THREADS](world, potential, m, s, inv_t, gn)

    return update
