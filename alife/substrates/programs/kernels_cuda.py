"""The CUDA outer loops of the program kernels: one thread per tape or per pair.

Imported only when the CUDA backend is used. ``cuda`` is a module global here because
numba's CUDA simulator swaps in its thread-aware stand-in through kernel globals.
"""

from __future__ import annotations

from types import SimpleNamespace

import numba
from numba import cuda

from alife.engine.backend import array_module
from alife.substrates.programs.kernels import wrap_kernels
from alife.substrates.programs.language import SCRATCH_SIZE, TAPE_SIZE

_CUDA_THREADS = 128


def build_cuda(bodies: SimpleNamespace) -> SimpleNamespace:
    """CUDA launchers of the batch kernels around ``bodies`` compiled for "cuda"."""
    run_one, mutate_and_run = bodies.run_one, bodies.mutate_and_run
    xp = array_module("cuda")

    @cuda.jit
    def run_tapes_kernel(tapes, max_steps, ops):
        i = cuda.grid(1)
        if i < tapes.shape[0]:
            tape = cuda.local.array(TAPE_SIZE, numba.uint8)
            scratch = cuda.local.array(SCRATCH_SIZE, numba.int32)
            ops[i] = run_one(tapes, i, max_steps, tape, scratch)

    @cuda.jit
    def soup_epoch_kernel(programs, pairs, epoch_seed, threshold, n_run, max_steps, ops):
        k = cuda.grid(1)
        if k < pairs.shape[0] // 2:
            tape = cuda.local.array(TAPE_SIZE, numba.uint8)
            scratch = cuda.local.array(SCRATCH_SIZE, numba.int32)
            ops[k] = mutate_and_run(
                programs, pairs, k, epoch_seed, threshold, n_run, max_steps, tape, scratch
            )

    def launcher(kernel, n):
        return kernel[max(1, (n + _CUDA_THREADS - 1) // _CUDA_THREADS), _CUDA_THREADS]

    return wrap_kernels(run_tapes_kernel, soup_epoch_kernel, xp.zeros, launcher)
