"""Life-like automata on bit-packed grids: 64 cells per uint64 word, a bit-sliced
neighbour count, one numba-parallel pass over rows per generation.

Row ``r`` of an (H, W) grid is ``ceil(W / 64)`` words; bit ``j`` of word ``k`` is cell
(r, 64 k + j); bits past column W - 1 are always 0. Each word's eight neighbour words
(the words above and below, and all three rows shifted one column west and east, with
the bits that cross word boundaries carried over) are added bit-parallel into a 4-bit
count per cell, and the rule's birth and survival masks pick the next state. On a torus
rows and columns wrap; on a finite plane every cell outside is dead.
"""

from __future__ import annotations

import numba
import numpy as np

from alife.errors import AlifeInputError
from alife.substrates.ca.rules import parse_rule

WORD = 64
_ONE = np.uint64(1)
_ALL = np.uint64(0xFFFFFFFFFFFFFFFF)
_S63 = np.uint64(63)


def pack(cells: np.ndarray) -> np.ndarray:
    """(H, ceil(W / 64)) uint64 words of an (H, W) bool grid."""
    height, width = cells.shape
    words = -(-width // WORD)
    padded = np.zeros((height, words * WORD), dtype=np.uint8)
    padded[:, :width] = cells
    return np.packbits(padded, axis=1, bitorder="little").view("<u8").astype(np.uint64)


def unpack(packed: np.ndarray, width: int) -> np.ndarray:
    """The (H, width) bool grid of packed words."""
    as_bytes = np.ascontiguousarray(packed).astype("<u8").view(np.uint8)
    return np.unpackbits(as_bytes, axis=1, bitorder="little")[:, :width].astype(bool)


@numba.njit(inline="always")
def _count_add(s0, s1, s2, s3, x):
    """Add the one-bit-per-cell word ``x`` into the 4-bit counts (s0 lowest bit)."""
    c0 = s0 & x
    s0 ^= x
    c1 = s1 & c0
    s1 ^= c0
    c2 = s2 & c1
    s2 ^= c1
    s3 |= c2
    return s0, s1, s2, s3


@numba.njit(inline="always")
def _shifted(row, k, last, tail_bits, torus):
    """(west, centre, east) neighbour words of word ``k`` of one packed row: west holds
    each cell's west neighbour, east its east neighbour."""
    centre = row[k]
    if k > 0:
        before = row[k - 1] >> _S63
    elif torus:  # the west neighbour of column 0 is column W - 1
        before = (row[last] >> np.uint64(tail_bits - 1)) & _ONE
    else:
        before = np.uint64(0)
    west = (centre << _ONE) | before
    if k < last:
        after = row[k + 1] << _S63
        east = (centre >> _ONE) | after
    else:
        wrap = row[0] & _ONE if torus else np.uint64(0)  # column 0 east of column W - 1
        east = (centre >> _ONE) | (wrap << np.uint64(tail_bits - 1))
    return west, centre, east


@numba.njit(parallel=True, cache=True)
def step_words(cells, out, birth, survival, width, torus):
    """One generation from packed ``cells`` into ``out`` (both (H, ceil(W / 64))
    uint64); ``birth``/``survival`` are a :class:`~alife.substrates.ca.rules.LifeRule`'s
    masks (int64), ``width`` the grid's W, ``torus`` wraps (else dead border)."""
    height, words = cells.shape
    last = words - 1
    tail_bits = width - WORD * last  # used bits of each row's last word, 1..64
    tail_mask = _ALL if tail_bits == WORD else (_ONE << np.uint64(tail_bits)) - _ONE
    zero_row = np.zeros(words, dtype=np.uint64)
    for r in numba.prange(height):
        if r > 0:
            up = cells[r - 1]
        elif torus:
            up = cells[height - 1]
        else:
            up = zero_row
        if r < height - 1:
            down = cells[r + 1]
        elif torus:
            down = cells[0]
        else:
            down = zero_row
        row = cells[r]
        for k in range(words):
            s0 = s1 = s2 = s3 = np.uint64(0)
            w, c, e = _shifted(up, k, last, tail_bits, torus)
            s0, s1, s2, s3 = _count_add(s0, s1, s2, s3, w)
            s0, s1, s2, s3 = _count_add(s0, s1, s2, s3, c)
            s0, s1, s2, s3 = _count_add(s0, s1, s2, s3, e)
            w, alive, e = _shifted(row, k, last, tail_bits, torus)
            s0, s1, s2, s3 = _count_add(s0, s1, s2, s3, w)
            s0, s1, s2, s3 = _count_add(s0, s1, s2, s3, e)
            w, c, e = _shifted(down, k, last, tail_bits, torus)
            s0, s1, s2, s3 = _count_add(s0, s1, s2, s3, w)
            s0, s1, s2, s3 = _count_add(s0, s1, s2, s3, c)
            s0, s1, s2, s3 = _count_add(s0, s1, s2, s3, e)
            born = np.uint64(0)
            kept = np.uint64(0)
            for count in range(9):  # cells whose neighbour count equals `count`
                hit = _ALL
                hit &= s0 if count & 1 else ~s0
                hit &= s1 if count & 2 else ~s1
                hit &= s2 if count & 4 else ~s2
                hit &= s3 if count & 8 else ~s3
                if birth >> count & 1:
                    born |= hit
                if survival >> count & 1:
                    kept |= hit
            nxt = (alive & kept) | (~alive & born)
            if k == last:
                nxt &= tail_mask
            out[r, k] = nxt


def simulate(
    cells: np.ndarray,
    rule: str = "B3/S23",
    steps: int = 1,
    torus: bool = True,
    backend: str = "cpu",
) -> np.ndarray:
    """Advance an (H, W) bool grid ``steps`` generations under a Life-like ``rule`` on a
    torus (or a finite plane with a dead border); returns the (H, W) bool grid."""
    cells = np.asarray(cells)
    if cells.ndim != 2 or 0 in cells.shape:
        raise AlifeInputError(f"cells must be a non-empty 2-D array, got shape {cells.shape}")
    if steps < 0:
        raise AlifeInputError(f"steps must be >= 0, got {steps}")
    if backend != "cpu":
        raise AlifeInputError(f"backend {backend!r} is not available for CA yet; use 'cpu'")
    parsed = parse_rule(rule)
    birth, survival = np.int64(parsed.birth), np.int64(parsed.survival)
    width = cells.shape[1]
    current = pack(cells.astype(bool))
    spare = np.empty_like(current)
    for _ in range(steps):
        step_words(current, spare, birth, survival, width, torus)
        current, spare = spare, current
    return unpack(current, width)
