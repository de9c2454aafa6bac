"""Who meets whom each epoch: cubff's random permutation pairing.

Each epoch the program indices are shuffled by a Fisher-Yates pass from the last index
down, where the swap partner of position ``i`` is
``SplitMix64(seed(epoch * n + i)) % (i + 1)`` and ``seed(x)`` is cubff's derived seed;
programs ``perm[2k]`` and ``perm[2k + 1]`` then form pair ``k``. The swap partners are
drawn in parallel (they are counter-based); only the swaps are sequential.
"""

from __future__ import annotations

import numba
import numpy as np

from alife.engine.rng import rng_functions

_rng = rng_functions("cpu")
_mix, _derive = _rng.splitmix64, _rng.derive


@numba.njit(parallel=True, cache=True)
def _swap_partners(seed_hash, epoch, n, out):
    base = np.uint64(epoch) * np.uint64(n)
    for i in numba.prange(n):
        out[i] = _mix(_derive(seed_hash, base + np.uint64(i))) % np.uint64(i + 1)


@numba.njit(cache=True)
def _apply_swaps(partners, perm):
    for i in range(perm.shape[0]):
        perm[i] = i
    for i in range(perm.shape[0] - 1, -1, -1):
        j = partners[i]
        perm[i], perm[j] = perm[j], perm[i]


def cubff_permutation(seed_hash: int, epoch: int, n: int) -> np.ndarray:
    """cubff's shuffled order of ``n`` programs at ``epoch``: (n,) uint32.

    ``seed_hash`` is ``SplitMix64(seed)`` of the run's seed.
    """
    partners = np.empty(n, dtype=np.uint64)
    _swap_partners(np.uint64(seed_hash), epoch, n, partners)
    perm = np.empty(n, dtype=np.uint32)
    _apply_swaps(partners, perm)
    return perm
