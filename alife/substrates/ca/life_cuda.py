"""The CUDA launcher of the Life generation kernel: one thread per packed word.

Imported only when the CUDA backend is used; ``cuda`` is a module global because
numba's CUDA simulator swaps in its thread-aware stand-in through kernel globals.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

from numba import cuda

_BLOCK = (32, 8)  # words x rows per block


def build_cuda(bodies: SimpleNamespace) -> Callable:
    """``step(cells, out, block, tail_bits, torus, mask)`` on CuPy arrays around ``bodies``
    compiled for "cuda" (see :func:`alife.substrates.ca.life.generation_kernel`)."""
    word_at = bodies.word_at

    @cuda.jit
    def kernel(cells, out, block, tail_bits, torus, mask):
        k, r = cuda.grid(2)
        if r < cells.shape[0] and k < cells.shape[1]:
            out[r, k] = word_at(cells, r, block, k, tail_bits, torus, mask)

    def step(cells, out, block, tail_bits, torus, mask):
        rows, words = cells.shape
        grid = (-(-words // _BLOCK[0]), -(-rows // _BLOCK[1]))
        kernel[grid, _BLOCK](cells, out, block, tail_bits, torus, mask)

    return step
