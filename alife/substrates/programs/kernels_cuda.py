"""The CUDA outer loops of the program kernels: one thread per tape or per pair.

Imported only when the CUDA backend is used. ``cuda`` is a module global here because
numba's CUDA simulator swaps in its thread-aware stand-in through kernel globals.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import numba
import numpy as np
from numba import cuda

from alife.engine.backend import array_module
from alife.substrates.programs.kernels import wrap_kernels
from alife.substrates.programs.language import PROGRAM_SIZE, SCRATCH_SIZE, TAPE_SIZE
from alife.substrates.programs.selfrep import TRIALS

_CUDA_THREADS = 128


def _launcher(kernel, n: int):
    """``kernel`` configured with one thread per item for ``n`` items."""
    return kernel[max(1, (n + _CUDA_THREADS - 1) // _CUDA_THREADS), _CUDA_THREADS]


def build_cuda(bodies: SimpleNamespace, traced: bool) -> SimpleNamespace:
    """CUDA launchers of the batch kernels around ``bodies`` compiled for "cuda" (with
    origin tokens when ``traced``)."""
    run_one, mutate_and_run = bodies.run_one, bodies.mutate_and_run
    xp = array_module("cuda")
    token_slots = TAPE_SIZE if traced else 1

    @cuda.jit
    def run_tapes_kernel(tapes, max_steps, ops):
        i = cuda.grid(1)
        if i < tapes.shape[0]:
            tape = cuda.local.array(TAPE_SIZE, numba.uint8)
            scratch = cuda.local.array(SCRATCH_SIZE, numba.int32)
            ops[i] = run_one(tapes, i, max_steps, tape, scratch)

    @cuda.jit
    def soup_epoch_kernel(
        programs, pairs, epoch_seed, threshold, n_run, max_steps, ops, tokens, token_epoch
    ):
        k = cuda.grid(1)
        if k < pairs.shape[0] // 2:
            tape = cuda.local.array(TAPE_SIZE, numba.uint8)
            scratch = cuda.local.array(SCRATCH_SIZE, numba.int32)
            tape_tokens = cuda.local.array(token_slots, numba.uint64)
            ops[k] = mutate_and_run(
                programs,
                pairs,
                k,
                epoch_seed,
                threshold,
                n_run,
                max_steps,
                tape,
                scratch,
                tokens,
                tape_tokens,
                token_epoch,
            )

    return wrap_kernels(run_tapes_kernel, soup_epoch_kernel, xp.zeros, _launcher)


def build_selfrep_cuda(score: Callable) -> Callable:
    """CUDA launcher of the self-replication scores around ``score`` compiled for "cuda"
    (see :mod:`alife.substrates.programs.selfrep`): one thread per program."""
    xp = array_module("cuda")
    finals_size = TRIALS * TAPE_SIZE  # a local array's size must be a constant, not an expression

    @cuda.jit
    def scores_kernel(programs, seed, max_steps, out):
        i = cuda.grid(1)
        if i < programs.shape[0]:
            finals = cuda.local.array(finals_size, numba.uint8)
            tape = cuda.local.array(TAPE_SIZE, numba.uint8)
            noise = cuda.local.array(PROGRAM_SIZE, numba.uint8)
            scratch = cuda.local.array(SCRATCH_SIZE, numba.int32)
            out[i] = score(programs, i, seed, max_steps, finals, tape, noise, scratch)

    def scores(programs, seed, max_steps):
        n = programs.shape[0]
        out = xp.zeros(n, dtype=np.int64)
        _launcher(scores_kernel, n)(programs, np.uint64(seed), np.int64(max_steps), out)
        return out

    return scores
