"""Life-like automata on bit-packed grids: 64 cells per uint64 word, a bit-sliced
neighbour count written once for the CPU (numba, parallel over rows) and CUDA (one
thread per word).

Row ``r`` of an (H, W) grid is ``ceil(W / 64)`` words; bit ``j`` of word ``k`` is cell
(r, 64 k + j); bits past column W - 1 are always 0. Each word's neighbours come as three
rows (above, own, below) of three words each: the row shifted one column east, the row
itself and the row shifted west, with the bits that cross word boundaries carried over.
A full adder turns each row's three words into a 2-bit sum per cell, the three sums
(the own row without its centre) add up to a 4-bit count, and the rule's birth and
survival masks, compiled in as constants, pick the next state. On a torus rows and
columns wrap; on a finite plane every cell outside is dead.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from types import SimpleNamespace

import numba
import numpy as np

from alife.engine.backend import (
    DeviceArray,
    array_module,
    resolve_backend,
    to_backend,
    to_host,
)
from alife.engine.targets import device_jit
from alife.errors import AlifeInputError
from alife.substrates.ca.rules import LifeRule, parse_rule

WORD = 64
_ONE = np.uint64(1)
_ZERO = np.uint64(0)
_ALL = np.uint64(0xFFFFFFFFFFFFFFFF)
_S63 = np.uint64(63)


def pack(cells: np.ndarray) -> np.ndarray:
    """(..., H, ceil(W / 64)) uint64 words of an (..., H, W) bool grid (or batch)."""
    width = cells.shape[-1]
    words = -(-width // WORD)
    padded = np.zeros((*cells.shape[:-1], words * WORD), dtype=np.uint8)
    padded[..., :width] = cells
    return np.packbits(padded, axis=-1, bitorder="little").view("<u8").astype(np.uint64)


def unpack(packed: np.ndarray, width: int) -> np.ndarray:
    """The (..., H, width) bool grid (or batch) of packed words."""
    as_bytes = np.ascontiguousarray(packed).astype("<u8").view(np.uint8)
    return np.unpackbits(as_bytes, axis=-1, bitorder="little")[..., :width].astype(bool)


def tail_mask(width: int) -> np.uint64:
    """The used bits of each row's last word for a grid ``width`` cells wide."""
    tail_bits = width - WORD * (-(-width // WORD) - 1)
    return _ALL if tail_bits == WORD else np.uint64((1 << tail_bits) - 1)


def build_bodies(target: str, birth: int, survival: int) -> SimpleNamespace:
    """The per-word functions of the rule (``birth``, ``survival``: 9-bit masks),
    compiled for ``target`` ("cpu" or "cuda"). The masks are closure constants, so the
    compiler folds the rule into a few logic operations per word. The helpers work on
    scalars, so LLVM inlines them (numba-level inlining only made compiling slower)."""
    jit = device_jit(target, inline=False)

    @jit
    def next_word(uw, uc, ue, w, alive, e, dw, dc, de):
        """The next 64 cells from their neighbour words: row above (west-shifted,
        centre, east-shifted), own row (west, the cells, east), row below."""
        x = uw ^ uc
        u0 = x ^ ue
        u1 = (uw & uc) | (x & ue)
        x = dw ^ dc
        d0 = x ^ de
        d1 = (dw & dc) | (x & de)
        t0 = u0 ^ d0
        carry = u0 & d0
        x = u1 ^ d1
        t1 = x ^ carry
        t2 = (u1 & d1) | (x & carry)
        m0 = w ^ e
        m1 = w & e
        s0 = t0 ^ m0
        carry = t0 & m0
        x = t1 ^ m1
        s1 = x ^ carry
        carry = (t1 & m1) | (x & carry)
        s2 = t2 ^ carry
        s3 = t2 & carry
        born = _ZERO
        kept = _ZERO
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
        return (alive & kept) | (~alive & born)

    @jit
    def row_words(cells, base, r, block, k, tail_bits, torus):
        """(west, centre, east) neighbour words of word ``k`` of row ``r`` of the world
        whose rows start at ``base`` (``block`` rows; any ``r``: outside the world
        wrapped on a torus, else dead)."""
        last = cells.shape[1] - 1
        if r < 0 or r >= block:
            if not torus:
                return _ZERO, _ZERO, _ZERO
            r = (r + block) % block
        r += base
        centre = cells[r, k]
        if k > 0:
            before = cells[r, k - 1] >> _S63
        elif torus:  # the west neighbour of column 0 is column W - 1
            before = (cells[r, last] >> np.uint64(tail_bits - 1)) & _ONE
        else:
            before = _ZERO
        if k < last:
            after = cells[r, k + 1] << _S63
        elif torus:  # column 0 is east of column W - 1
            after = (cells[r, 0] & _ONE) << np.uint64(tail_bits - 1)
        else:
            after = _ZERO
        return (centre << _ONE) | before, centre, (centre >> _ONE) | after

    @jit
    def word_at(cells, row, block, k, tail_bits, torus, mask):
        """The next state of word ``k`` of stacked row ``row`` (worlds of ``block`` rows
        each), border rules included."""
        base = row - row % block
        r = row - base
        uw, uc, ue = row_words(cells, base, r - 1, block, k, tail_bits, torus)
        w, alive, e = row_words(cells, base, r, block, k, tail_bits, torus)
        dw, dc, de = row_words(cells, base, r + 1, block, k, tail_bits, torus)
        nxt = next_word(uw, uc, ue, w, alive, e, dw, dc, de)
        if k == cells.shape[1] - 1:
            nxt &= mask
        return nxt

    return SimpleNamespace(next_word=next_word, word_at=word_at)


def _build_cpu(birth: int, survival: int):
    """The CPU generation kernel: rows in parallel; inside a row the interior words
    take a branch-free path that the compiler vectorises, the two edge words the
    general one."""
    bodies = build_bodies("cpu", birth, survival)
    next_word, word_at = bodies.next_word, bodies.word_at

    @numba.njit(parallel=True)
    def step(cells, out, block, tail_bits, torus, mask):
        rows, words = cells.shape
        zero_row = np.zeros(words, dtype=np.uint64)
        for row_index in numba.prange(rows):
            r = np.int64(row_index)  # a signed row index: word_at looks at r - 1
            base = r - r % block
            local = r - base
            if local > 0:
                up = cells[r - 1]
            elif torus:
                up = cells[base + block - 1]
            else:
                up = zero_row
            if local < block - 1:
                down = cells[r + 1]
            elif torus:
                down = cells[base]
            else:
                down = zero_row
            row = cells[r]
            out[r, 0] = word_at(cells, r, block, 0, tail_bits, torus, mask)
            for k in range(1, words - 1):
                out[r, k] = next_word(
                    (up[k] << _ONE) | (up[k - 1] >> _S63),
                    up[k],
                    (up[k] >> _ONE) | (up[k + 1] << _S63),
                    (row[k] << _ONE) | (row[k - 1] >> _S63),
                    row[k],
                    (row[k] >> _ONE) | (row[k + 1] << _S63),
                    (down[k] << _ONE) | (down[k - 1] >> _S63),
                    down[k],
                    (down[k] >> _ONE) | (down[k + 1] << _S63),
                )
            if words > 1:
                out[r, words - 1] = word_at(cells, r, block, words - 1, tail_bits, torus, mask)

    return step


@functools.cache
def generation_kernel(birth: int, survival: int, backend: str) -> Callable:
    """``step(cells, out, block, tail_bits, torus, mask)``: one generation of the rule
    from packed ``cells`` into ``out`` (both (rows, ceil(W / 64)) uint64, numpy on
    "cpu", CuPy on "cuda"): worlds of ``block`` rows each, stacked; ``tail_bits`` = used
    bits of the last word (1..64), ``mask`` = :func:`tail_mask`. Compiled once per rule
    and backend in a process."""
    if backend == "cpu":
        return _build_cpu(birth, survival)
    from alife.substrates.ca.life_cuda import build_cuda

    return build_cuda(build_bodies("cuda", birth, survival))


class Stepper:
    """Advances packed grids of one size under one rule on one backend."""

    def __init__(self, rule: LifeRule, width: int, torus: bool, backend: str = "cpu"):
        self.backend = resolve_backend(backend)
        self._kernel = generation_kernel(rule.birth, rule.survival, self.backend)
        self._tail_bits = np.int64(width - WORD * (-(-width // WORD) - 1))
        self._torus = bool(torus)
        self._mask = tail_mask(width)

    def step(self, cells: DeviceArray, out: DeviceArray) -> None:
        """One generation from packed ``cells`` into ``out`` (same shape and backend):
        one world (H, words) or a batch (B, H, words), each world on its own."""
        block = np.int64(cells.shape[-2])
        words = cells.shape[-1]
        flat_in, flat_out = cells.reshape(-1, words), out.reshape(-1, words)
        self._kernel(flat_in, flat_out, block, self._tail_bits, self._torus, self._mask)

    def run(self, cells: DeviceArray, steps: int) -> DeviceArray:
        """``steps`` generations of packed ``cells``; returns the array holding the
        result (``cells`` itself or a new one)."""
        spare = array_module(self.backend).empty_like(cells)
        for _ in range(steps):
            self.step(cells, spare)
            cells, spare = spare, cells
        return cells


def simulate(
    cells: np.ndarray,
    rule: str = "B3/S23",
    steps: int = 1,
    torus: bool = True,
    backend: str = "cpu",
) -> np.ndarray:
    """Advance an (H, W) bool grid, or a (B, H, W) batch of them, ``steps`` generations
    under a Life-like ``rule`` on a torus (or a finite plane with a dead border) on
    ``backend`` ("cpu", "cuda", "auto"); returns the bool grid(s) as numpy."""
    cells = np.asarray(cells)
    if cells.ndim not in (2, 3) or 0 in cells.shape:
        raise AlifeInputError(
            f"cells must be a non-empty (H, W) grid or (B, H, W) batch, got shape {cells.shape}"
        )
    if steps < 0:
        raise AlifeInputError(f"steps must be >= 0, got {steps}")
    width = cells.shape[-1]
    stepper = Stepper(parse_rule(rule), width, torus, backend)
    packed = to_backend(pack(cells.astype(bool)), stepper.backend)
    return unpack(to_host(stepper.run(packed, steps)), width)
