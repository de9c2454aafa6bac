"""Batch kernels for program languages, one source for the CPU and for CUDA.

For a :class:`~alife.substrates.programs.language.Language` and a target this module
builds

* ``run_tapes(tapes, max_steps) -> ops``: run every (128,) tape of an (n, 128) uint8
  array in place;
* ``soup_epoch(programs, pairs, epoch_seed, threshold, n_run, max_steps) -> ops``: one
  soup epoch as cubff's ``MutateAndRunPrograms``: for pair k, programs ``pairs[2k]`` and
  ``pairs[2k+1]`` are concatenated into a tape, mutated, run (only when k < n_run) and
  split back.
* with ``traced=True`` (languages with a tracer), ``soup_epoch(..., tokens,
  token_epoch)`` does the same while moving the (n, 64) uint64 origin ``tokens`` with
  their bytes: a mutated byte gets the new token
  :func:`~alife.substrates.programs.tracer.make_token` (token_epoch, its program, its
  position).

The per-tape bodies (:func:`build_bodies`) are plain Python compiled by the target's
``jit``; only the outer parallel loop differs: ``numba.prange`` on the CPU (here), one
CUDA thread per tape on the GPU (:mod:`alife.substrates.programs.kernels_cuda`).
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import numba
import numpy as np

from alife.engine.backend import DeviceArray, cuda_simulated
from alife.engine.rng import rng_functions
from alife.engine.targets import device_jit
from alife.errors import AlifeInputError
from alife.substrates.programs.language import PROGRAM_SIZE, SCRATCH_SIZE, TAPE_SIZE, Language
from alife.substrates.programs.tracer import make_token

_MASK30 = np.uint64((1 << 30) - 1)
_EIGHT = np.uint64(8)
_BYTE = np.uint64(255)
_TAPE_U64 = np.uint64(TAPE_SIZE)
_CPU_BLOCK = 64  # pairs per prange iteration: amortises the scratch tape allocation

_cache: dict[tuple[str, str, bool], SimpleNamespace] = {}


def build_bodies(language: Language, target: str, traced: bool = False) -> SimpleNamespace:
    """Compile the per-tape bodies of the batch kernels for ``target`` (with tokens when
    ``traced``; untraced bodies take dummy token arrays and never touch them)."""
    jit = device_jit(target)
    mix = rng_functions(target).splitmix64
    if traced:
        evaluate = language.build_traced(target)
    else:
        untraced = language.build_evaluate(target)

        @jit
        def evaluate(tape, max_steps, scratch, tape_tokens):
            return untraced(tape, max_steps, scratch)

    token = jit(make_token)

    @jit
    def run_one(tapes, i, max_steps, tape, scratch):
        for j in range(TAPE_SIZE):
            tape[j] = tapes[i, j]
        ops = evaluate(tape, max_steps, scratch, scratch)
        for j in range(TAPE_SIZE):
            tapes[i, j] = tape[j]
        return ops

    @jit
    def mutate_and_run(
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
    ):
        a = pairs[2 * k]
        b = pairs[2 * k + 1]
        for j in range(PROGRAM_SIZE):
            tape[j] = programs[a, j]
            tape[PROGRAM_SIZE + j] = programs[b, j]
        if traced:
            for j in range(PROGRAM_SIZE):
                tape_tokens[j] = tokens[a, j]
                tape_tokens[PROGRAM_SIZE + j] = tokens[b, j]
        if threshold != 0:
            n = np.uint64(programs.shape[0])
            base = (n * np.uint64(epoch_seed) + np.uint64(k)) * _TAPE_U64
            # Byte j mutates when its draw's bits 8..37 fall below the threshold. A first,
            # branch-free (vectorisable) pass asks whether any byte mutates; only the few
            # tapes that do (about 3% at p = 1/4096) draw again and write.
            hit = np.uint64(0)
            for j in range(TAPE_SIZE):
                hit |= np.uint64(((mix(base + np.uint64(j)) >> _EIGHT) & _MASK30) < threshold)
            if hit != 0:
                for j in range(TAPE_SIZE):
                    r = mix(base + np.uint64(j))
                    if ((r >> _EIGHT) & _MASK30) < threshold:
                        tape[j] = r & _BYTE
                        if traced:
                            owner = a if j < PROGRAM_SIZE else b
                            tape_tokens[j] = token(token_epoch, owner, j % PROGRAM_SIZE)
        ops = 0
        if k < n_run:
            ops = evaluate(tape, max_steps, scratch, tape_tokens)
        for j in range(PROGRAM_SIZE):
            programs[a, j] = tape[j]
            programs[b, j] = tape[PROGRAM_SIZE + j]
        if traced:
            for j in range(PROGRAM_SIZE):
                tokens[a, j] = tape_tokens[j]
                tokens[b, j] = tape_tokens[PROGRAM_SIZE + j]
        return ops

    return SimpleNamespace(run_one=run_one, mutate_and_run=mutate_and_run)


def _build_cpu(language: Language, traced: bool) -> SimpleNamespace:
    bodies = build_bodies(language, "cpu", traced)
    run_one, mutate_and_run = bodies.run_one, bodies.mutate_and_run
    token_slots = TAPE_SIZE if traced else 1

    @numba.njit(parallel=True)
    def run_tapes_kernel(tapes, max_steps, ops):
        n = tapes.shape[0]
        for block in numba.prange((n + _CPU_BLOCK - 1) // _CPU_BLOCK):
            tape = np.empty(TAPE_SIZE, dtype=np.uint8)
            scratch = np.empty(SCRATCH_SIZE, dtype=np.int32)
            for i in range(block * _CPU_BLOCK, min(n, (block + 1) * _CPU_BLOCK)):
                ops[i] = run_one(tapes, i, max_steps, tape, scratch)

    @numba.njit(parallel=True)
    def soup_epoch_kernel(
        programs, pairs, epoch_seed, threshold, n_run, max_steps, ops, tokens, token_epoch
    ):
        n_pairs = pairs.shape[0] // 2
        for block in numba.prange((n_pairs + _CPU_BLOCK - 1) // _CPU_BLOCK):
            tape = np.empty(TAPE_SIZE, dtype=np.uint8)
            scratch = np.empty(SCRATCH_SIZE, dtype=np.int32)
            tape_tokens = np.empty(token_slots, dtype=np.uint64)
            for k in range(block * _CPU_BLOCK, min(n_pairs, (block + 1) * _CPU_BLOCK)):
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

    return wrap_kernels(run_tapes_kernel, soup_epoch_kernel, np.zeros, lambda kernel, n: kernel)


def wrap_kernels(
    run_tapes_kernel: Callable,
    soup_epoch_kernel: Callable,
    zeros: Callable,
    launcher: Callable[[Callable, int], Callable],
) -> SimpleNamespace:
    """Host-side entry points around compiled kernels, shared by both targets.

    ``zeros`` allocates the ops array on the target (numpy or CuPy); ``launcher(kernel,
    n)`` returns the callable that runs ``kernel`` over ``n`` tapes or pairs (the kernel
    itself on the CPU, ``kernel[blocks, threads]`` on CUDA).
    """

    def run_tapes(tapes, max_steps):
        n = tapes.shape[0]
        ops = zeros(n, dtype=np.int64)
        launcher(run_tapes_kernel, n)(tapes, np.int64(max_steps), ops)
        return ops

    def soup_epoch(
        programs, pairs, epoch_seed, threshold, n_run, max_steps, tokens=None, token_epoch=0
    ):
        n_pairs = pairs.shape[0] // 2
        ops = zeros(n_pairs, dtype=np.int64)
        launcher(soup_epoch_kernel, n_pairs)(
            programs,
            pairs,
            np.uint64(epoch_seed),
            np.uint64(threshold),
            np.int64(n_run),
            np.int64(max_steps),
            ops,
            zeros((1, 1), dtype=np.uint64) if tokens is None else tokens,
            np.uint64(token_epoch),
        )
        return ops

    return SimpleNamespace(run_tapes=run_tapes, soup_epoch=soup_epoch)


def kernels_for(language: Language, backend: str, traced: bool = False) -> SimpleNamespace:
    """The compiled batch kernels of ``language`` for ``backend`` ("cpu"/"cuda"), with
    origin tokens when ``traced``; cached."""
    if traced and language.build_traced is None:
        raise AlifeInputError(
            f"{language.name} has no tracer; tracing works for the BFF family (bff*)"
        )
    key = (language.name, backend, traced)
    if key not in _cache:
        if backend == "cpu":
            _cache[key] = _build_cpu(language, traced)
        else:
            from alife.substrates.programs.kernels_cuda import build_cuda

            _cache[key] = build_cuda(build_bodies(language, "cuda", traced), traced)
    return _cache[key]


def check_tapes(tapes: DeviceArray, backend: str) -> None:
    """Raise AlifeInputError unless ``tapes`` is a C-contiguous (n, 128) uint8 array that
    lives on ``backend``."""
    shape = getattr(tapes, "shape", None)
    dtype = getattr(tapes, "dtype", None)
    if shape is None or len(shape) != 2 or shape[1] != TAPE_SIZE or dtype != np.uint8:
        raise AlifeInputError(
            f"tapes must be an (n, {TAPE_SIZE}) uint8 array, got shape {shape} dtype {dtype}"
        )
    on_host = isinstance(tapes, np.ndarray)
    if backend == "cpu" and not on_host:
        raise AlifeInputError("backend 'cpu' needs a numpy array of tapes, got a device array")
    if backend == "cuda" and on_host and not cuda_simulated():
        raise AlifeInputError("backend 'cuda' needs a CuPy array of tapes, got a numpy array")
    if on_host and not tapes.flags.c_contiguous:
        raise AlifeInputError("tapes must be C-contiguous (use np.ascontiguousarray)")
