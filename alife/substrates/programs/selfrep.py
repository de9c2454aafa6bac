"""Self-replicator scores of programs, exactly as cubff's ``CheckSelfRep`` computes them.

A program's score says how much of it copies itself onto random partners and keeps
doing so over generations. For each of 13 trials, the program is placed before 64 random
bytes ("noise", fresh per trial) and the 128-byte tape is run; then, 4 times, the right
half of the result is moved to the left and the same noise put on the right, and the
tape run again. After the 13 trials, a tape position counts as *replicated* when at
least 4 of the 13 final tapes agree on its byte (in the left half, that byte must also
be the program's own byte there). The score is the smaller of the replicated positions
in the left half and in the right half, 0 to 64; cubff calls a program a self-replicator
from score :data:`REPLICATOR_THRESHOLD` (5) on.

The noise of trial t (0..12) at byte j is ``SplitMix64(s ^ SplitMix64(64 (t + 1) + j))
mod 256`` where ``s = SplitMix64(n * seed + index)`` for program ``index`` of a batch of
``n``; a soup census uses ``seed`` = the seed of the epoch just run (cubff's
``seed(epoch)``), so scores equal cubff's ``--eval_selfrep`` scores program for program.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import numba
import numpy as np

from alife.engine.backend import DeviceArray, resolve_backend
from alife.engine.rng import rng_functions
from alife.engine.targets import device_jit
from alife.errors import AlifeInputError, check_seed
from alife.substrates.programs.language import (
    DEFAULT_MAX_STEPS,
    PROGRAM_SIZE,
    SCRATCH_SIZE,
    TAPE_SIZE,
    Language,
)
from alife.substrates.programs.registry import get_language

TRIALS = 13
"""Independent trials per program (cubff's kNumIters)."""
GENERATIONS = 5
"""Runs per trial: the first on program + noise, then 4 with the offspring moved left."""
AGREEMENT = TRIALS // 4 + 1
"""Trials that must agree on a byte for its position to count as replicated (4)."""
REPLICATOR_THRESHOLD = 5
"""Score from which cubff counts a program as a self-replicator (kSelfrepThreshold)."""

_BYTE = np.uint64(255)
_CPU_BLOCK = 16  # programs per prange iteration: amortises the work-array allocation
_cache: dict[tuple[str, str], SimpleNamespace] = {}


def build_score(language: Language, target: str) -> Callable:
    """Compile ``score(programs, index, seed, max_steps, finals, tape, noise, scratch)``
    for ``target``: the score (int) of row ``index`` of the (n, 64) uint8 ``programs``.

    Work arrays: ``finals`` (13 * 128,) uint8 for the final tapes, ``tape`` (128,) uint8,
    ``noise`` (64,) uint8, ``scratch`` (SCRATCH_SIZE,) int32.
    """
    # On the CPU the interpreter is inlined into ``score`` but ``score`` is not inlined
    # into the parallel loop: numba's reduction analysis of that loop recursed without end
    # on the Forth interpreters, and one call per program costs nothing beside 65 runs.
    jit = numba.njit if target == "cpu" else device_jit(target)
    evaluate = language.build_evaluate(target)
    mix = rng_functions(target).splitmix64

    @jit
    def score(programs, index, seed, max_steps, finals, tape, noise, scratch):
        n = np.uint64(programs.shape[0])
        local_seed = mix(n * np.uint64(seed) + np.uint64(index))
        for trial in range(TRIALS):
            for j in range(PROGRAM_SIZE):
                counter = np.uint64((trial + 1) * PROGRAM_SIZE + j)
                noise[j] = mix(local_seed ^ mix(counter)) & _BYTE
                tape[j] = programs[index, j]
            for gen in range(GENERATIONS):
                for j in range(PROGRAM_SIZE):
                    if gen > 0:
                        tape[j] = tape[PROGRAM_SIZE + j]
                    tape[PROGRAM_SIZE + j] = noise[j]
                evaluate(tape, max_steps, scratch)
            for j in range(TAPE_SIZE):
                finals[trial * TAPE_SIZE + j] = tape[j]
        replicated_left = 0
        replicated_right = 0
        for i in range(TAPE_SIZE):
            for a in range(TRIALS):
                value = finals[a * TAPE_SIZE + i]
                if i < PROGRAM_SIZE and value != programs[index, i]:
                    continue
                agree = 1
                for b in range(a + 1, TRIALS):
                    if finals[b * TAPE_SIZE + i] == value:
                        agree += 1
                if agree >= AGREEMENT:
                    if i < PROGRAM_SIZE:
                        replicated_left += 1
                    else:
                        replicated_right += 1
                    break
        return min(replicated_left, replicated_right)

    return score


def _build_cpu(language: Language):
    score = build_score(language, "cpu")

    @numba.njit(parallel=True)
    def scores_kernel(programs, seed, max_steps, out):
        n = programs.shape[0]
        for block in numba.prange((n + _CPU_BLOCK - 1) // _CPU_BLOCK):
            finals = np.empty(TRIALS * TAPE_SIZE, dtype=np.uint8)
            tape = np.empty(TAPE_SIZE, dtype=np.uint8)
            noise = np.empty(PROGRAM_SIZE, dtype=np.uint8)
            scratch = np.empty(SCRATCH_SIZE, dtype=np.int32)
            for i in range(block * _CPU_BLOCK, min(n, (block + 1) * _CPU_BLOCK)):
                out[i] = score(programs, i, seed, max_steps, finals, tape, noise, scratch)

    def scores(programs, seed, max_steps):
        out = np.zeros(programs.shape[0], dtype=np.int64)
        scores_kernel(programs, np.uint64(seed), np.int64(max_steps), out)
        return out

    return scores


def _scores_for(language: Language, backend: str):
    key = (language.name, backend)
    if key not in _cache:
        if backend == "cpu":
            _cache[key] = _build_cpu(language)
        else:
            from alife.substrates.programs.kernels_cuda import build_selfrep_cuda

            _cache[key] = build_selfrep_cuda(build_score(language, "cuda"))
    return _cache[key]


def selfrep_scores(
    language: str | Language,
    programs: DeviceArray,
    seed: int,
    *,
    max_steps: int = DEFAULT_MAX_STEPS,
    backend: str = "cpu",
) -> DeviceArray:
    """cubff's self-replication score of every program.

    Parameters
    ----------
    language: a registered language name or a :class:`Language`.
    programs: C-contiguous (n, 64) uint8 array (numpy on "cpu", CuPy on "cuda"); not
        modified.
    seed: uint64 seed of the batch (for a soup, the seed of the epoch just run).
    max_steps: interpreter iterations per run (cubff: 8192).
    backend: "cpu", "cuda" or "auto".

    Returns
    -------
    (n,) int64 scores in [0, 64], on the device of ``programs``; a program is a
    replicator when its score is >= :data:`REPLICATOR_THRESHOLD`.
    """
    if isinstance(language, str):
        language = get_language(language)
    backend = resolve_backend(backend)
    shape, dtype = getattr(programs, "shape", None), getattr(programs, "dtype", None)
    if shape is None or len(shape) != 2 or shape[1] != PROGRAM_SIZE or dtype != np.uint8:
        raise AlifeInputError(
            f"programs must be an (n, {PROGRAM_SIZE}) uint8 array, got shape {shape} dtype {dtype}"
        )
    check_seed("seed", seed)
    if max_steps < 0:
        raise AlifeInputError(f"max_steps must be >= 0, got {max_steps}")
    if isinstance(programs, np.ndarray):
        programs = np.ascontiguousarray(programs)
    return _scores_for(language, backend)(programs, seed, max_steps)
