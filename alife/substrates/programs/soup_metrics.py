"""Soup-wide complexity metrics, exactly as cubff computes them.

* ``brotli_size``: bytes of the whole soup compressed by brotli at quality 2, window 24
  (cubff's settings);
* ``brotli_bpb``: compressed bits per byte of soup;
* ``h0``: Shannon entropy (bits) of the byte histogram;
* ``higher_entropy``: ``h0 - brotli_bpb``, the paper's "high-order entropy": near 0 for
  noise, several bits once replicators take over.
"""

from __future__ import annotations

import math

import brotli
import numba
import numpy as np

BROTLI_QUALITY = 2
BROTLI_WINDOW = 24


@numba.njit(parallel=True, cache=True)
def byte_histogram(data: np.ndarray) -> np.ndarray:
    """Counts (256,) int64 of each byte value in a 1-D uint8 array (parallel over chunks)."""
    n = data.shape[0]
    n_chunks = max(1, min(64, n // 65536))
    partial = np.zeros((n_chunks, 256), dtype=np.int64)
    for c in numba.prange(n_chunks):
        lo = n * c // n_chunks
        hi = n * (c + 1) // n_chunks
        for i in range(lo, hi):
            partial[c, data[i]] += 1
    return partial.sum(axis=0)


def soup_metrics(soup: np.ndarray, counts: np.ndarray | None = None) -> dict[str, float | int]:
    """Complexity metrics of a host soup (any shape, uint8).

    ``counts`` may pass a precomputed (256,) byte histogram (e.g. from the GPU). Returns
    ``brotli_size`` (bytes), ``brotli_bpb``, ``h0``, ``higher_entropy`` (bits per byte),
    and the most and least frequent byte values with their fractions (ties broken towards
    the larger byte value, as cubff sorts).
    """
    flat = np.ascontiguousarray(soup).reshape(-1)
    if counts is None:
        counts = byte_histogram(flat)
    size = flat.size
    compressed = len(brotli.compress(flat.tobytes(), quality=BROTLI_QUALITY, lgwin=BROTLI_WINDOW))
    h0 = 0.0
    for c in counts.tolist():  # sequential sum in byte order, as cubff
        if c:
            frac = c / size
            h0 -= frac * math.log2(frac)
    bpb = compressed * 8.0 / size
    order = sorted(range(256), key=lambda b: (int(counts[b]), b), reverse=True)
    most, least = order[0], order[-1]
    return {
        "brotli_size": compressed,
        "brotli_bpb": bpb,
        "h0": h0,
        "higher_entropy": h0 - bpb,
        "most_frequent_byte": most,
        "most_frequent_fraction": int(counts[most]) / size,
        "least_frequent_byte": least,
        "least_frequent_fraction": int(counts[least]) / size,
    }
