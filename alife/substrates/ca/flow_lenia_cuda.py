"""The CUDA launchers of a Flow-Lenia step: the growth sum (a thread per cell) and the
gathering reintegration (a thread per cell and channel).

Imported only when the CUDA backend is used; ``cuda`` is a module global because
numba's CUDA simulator swaps in its thread-aware stand-in through kernel globals.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from numba import cuda

from alife.engine.backend import array_module
from alife.substrates.ca.flow_lenia import build_flow_kernels

_THREADS = 256


@functools.cache
def cuda_kernels() -> tuple[Callable, Callable]:
    """``(growth_sum, reintegrate)`` on CuPy arrays (numpy under the simulator); see
    :func:`alife.substrates.ca.flow_lenia.step_kernels`."""
    growth, _, landed = build_flow_kernels("cuda")
    xp = array_module("cuda")

    @cuda.jit
    def growth_kernel(potentials, m, s, h, target, out):
        cell = cuda.grid(1)
        height, width = potentials.shape[1], potentials.shape[2]
        if cell < height * width:
            row, col = cell // width, cell % width
            for i in range(potentials.shape[0]):
                out[target[i], row, col] += growth(potentials[i, row, col], m[i], s[i], h[i])

    @cuda.jit
    def landing_kernel(mass, flow, dt, sigma, reach, out):
        i = cuda.grid(1)
        channels, height, width = mass.shape
        if i < channels * height * width:
            c, cell = i // (height * width), i % (height * width)
            row, col = cell // width, cell % width
            out[c, row, col] = landed(mass, flow, c, row, col, dt, sigma, reach)

    def blocks(total):
        return max(1, -(-total // _THREADS))

    def growth_sum(potentials, m, s, h, target, channels):
        out = xp.zeros((channels, *potentials.shape[1:]))
        growth_kernel[blocks(out[0].size), _THREADS](potentials, m, s, h, target, out)
        return out

    def reintegrate(mass, flow, dt, sigma, reach):
        out = xp.empty_like(mass)
        landing_kernel[blocks(mass.size), _THREADS](mass, flow, dt, sigma, reach, out)
        return out

    return growth_sum, reintegrate
