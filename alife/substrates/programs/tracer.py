"""Tracer tokens: where every byte of a soup came from (the paper's tracer experiments).

In a traced soup each byte carries a uint64 *origin token* packing the epoch it was
created (30 bits; 0 for the initial soup, e + 1 for a mutation during epoch e, or the
epoch of a reset), the program it was created in (28 bits) and its position there
(6 bits). A copy instruction (BFF's ``.`` and ``,``) copies the token with the byte;
``+`` and ``-`` change a byte in place and keep its token; a mutation gives the byte a
new token. So the tokens of a late soup say which original bytes survive, how many
origins each program is assembled from, and which programs of an earlier epoch a
program descends from (:mod:`alife.analysis.lineage`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from alife.substrates.programs.language import PROGRAM_SIZE

TOKEN_EPOCH_SHIFT = 34
TOKEN_PROGRAM_SHIFT = 6
MAX_TRACED_PROGRAMS = 1 << (TOKEN_EPOCH_SHIFT - TOKEN_PROGRAM_SHIFT)
"""Programs a traced soup may hold (2**28: the program field of a token)."""
MAX_TRACED_EPOCH = (1 << (64 - TOKEN_EPOCH_SHIFT)) - 1
"""Last epoch a token can name (2**30 - 1)."""

TRACE_METRICS = {"distinct_tokens": "f8", "original_fraction": "f8", "mean_origins": "f8"}
"""Metrics of a traced soup (NaN in untraced runs): distinct tokens in the soup, the
share of bytes still carrying a token of the initial soup, and the mean over programs
of the number of distinct origin programs (creation epoch and program) of their bytes."""


def make_token(epoch: ArrayLike, program: ArrayLike, position: ArrayLike) -> np.uint64 | np.ndarray:
    """The origin token (uint64) of a byte created at ``epoch`` at ``position`` (0-63) of
    ``program``; plain arithmetic, so it works on numpy scalars and arrays and compiles
    for the CPU and CUDA kernels."""
    return (
        (np.uint64(epoch) << np.uint64(TOKEN_EPOCH_SHIFT))
        | (np.uint64(program) << np.uint64(TOKEN_PROGRAM_SHIFT))
        | np.uint64(position)
    )


def fresh_tokens(programs: int, epoch: int = 0) -> np.ndarray:
    """(programs, 64) uint64 tokens of a soup whose every byte was created at ``epoch``."""
    p = np.arange(programs, dtype=np.uint64)[:, None]
    j = np.arange(PROGRAM_SIZE, dtype=np.uint64)[None, :]
    return make_token(epoch, p, j)


def token_epoch(tokens: ArrayLike) -> np.ndarray:
    """Creation epochs (int64) of an array of tokens."""
    return (np.asarray(tokens, dtype=np.uint64) >> np.uint64(TOKEN_EPOCH_SHIFT)).astype(np.int64)


def token_program(tokens: ArrayLike) -> np.ndarray:
    """Programs (int64) the tokens' bytes were created in."""
    mask = np.uint64(MAX_TRACED_PROGRAMS - 1)
    shifted = np.asarray(tokens, dtype=np.uint64) >> np.uint64(TOKEN_PROGRAM_SHIFT)
    return (shifted & mask).astype(np.int64)


def token_position(tokens: ArrayLike) -> np.ndarray:
    """Positions (int64, 0-63) the tokens' bytes were created at."""
    return (np.asarray(tokens, dtype=np.uint64) & np.uint64(PROGRAM_SIZE - 1)).astype(np.int64)


def origins(tokens: ArrayLike) -> np.ndarray:
    """Origin of each token without its position: (creation epoch, program) packed into
    one uint64 (the token shifted right by 6)."""
    return np.asarray(tokens, dtype=np.uint64) >> np.uint64(TOKEN_PROGRAM_SHIFT)


def origins_per_program(tokens: np.ndarray) -> np.ndarray:
    """(n,) int64: distinct origins (creation epoch and program) among each program's 64
    bytes, for (n, 64) uint64 tokens."""
    ordered = np.sort(origins(tokens), axis=1)
    return 1 + (ordered[:, 1:] != ordered[:, :-1]).sum(axis=1)


def distinct_tokens(tokens: np.ndarray) -> int:
    """How many distinct values an array of tokens holds (by one sort: numpy's hashing
    ``np.unique`` took 8 s for 2^23 distinct tokens, the sort 0.2 s)."""
    ordered = np.sort(tokens, axis=None)
    return int(ordered.size and 1 + np.count_nonzero(ordered[1:] != ordered[:-1]))


def trace_metrics(tokens: np.ndarray) -> dict[str, float]:
    """:data:`TRACE_METRICS` of an (n, 64) uint64 host array of tokens."""
    flat = tokens.reshape(-1)
    return {
        "distinct_tokens": float(distinct_tokens(flat)),
        "original_fraction": float((token_epoch(flat) == 0).mean()),
        "mean_origins": float(origins_per_program(tokens).mean()),
    }
