"""The CUDA launcher of the GARD ensemble kernel: one thread per assembly.

Imported only when the CUDA backend is used; ``cuda`` is a module global because
numba's CUDA simulator swaps in its thread-aware stand-in through kernel globals.
"""

from __future__ import annotations

import functools

from numba import cuda

from alife.substrates.gard.kernels import build_bodies

_THREADS = 64


@functools.cache
def cuda_kernel():
    """The ensemble kernel on CuPy arrays (see
    :func:`alife.substrates.gard.kernels.ensemble_kernel`)."""
    lineage = build_bodies("cuda").lineage

    @cuda.jit
    def kernel(
        counts,
        betas,
        beta_index,
        kf_rho,
        kb,
        nmax,
        keys,
        counters,
        alive,
        trace,
        times,
        events,
        scratch,
        daughters,
    ):
        a = cuda.grid(1)
        if a < counts.shape[0]:
            lineage(
                a,
                counts,
                betas,
                beta_index,
                kf_rho,
                kb,
                nmax,
                keys,
                counters,
                alive,
                trace,
                times,
                events,
                scratch,
                daughters,
            )

    def run(*args):
        blocks = max(1, -(-args[0].shape[0] // _THREADS))
        kernel[blocks, _THREADS](*args)

    return run
