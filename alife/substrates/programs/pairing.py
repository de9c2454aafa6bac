"""Who meets whom each epoch: cubff's pairings of a well-mixed soup.

Each epoch yields an order ``perm`` of the n programs; ``perm[2k]`` and ``perm[2k + 1]``
form pair ``k``. Three orders, as cubff:

* random (default): a Fisher-Yates pass from the last index down, where the swap partner
  of position ``i`` is ``SplitMix64(seed(epoch * n + i)) % (i + 1)`` and ``seed(x)`` is
  cubff's derived seed. The partners are drawn in parallel (they are counter-based);
  only the swaps are sequential;
* fixed shuffle: ``perm[i] = (i * (2**(epoch % log2(n) + 1) - 1) % n) ^ (epoch & 1)``;
* no permutation: ``perm[i] = i`` on odd epochs and ``i - 1`` (``n - 1`` for 0) on even
  ones, so each program alternately meets its two neighbours.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numba
import numpy as np

from alife.engine.rng import rng_functions

if TYPE_CHECKING:
    from alife.substrates.programs.soup import SoupConfig

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


def fixed_shuffle(epoch: int, n: int) -> np.ndarray:
    """cubff's deterministic ``--fixed_shuffle`` order (n a power of two): (n,) uint32."""
    offset = (1 << (epoch % (n.bit_length() - 1) + 1)) - 1
    i = np.arange(n, dtype=np.uint64)
    return ((i * np.uint64(offset)) % np.uint64(n) ^ np.uint64(epoch & 1)).astype(np.uint32)


def alternating(epoch: int, n: int) -> np.ndarray:
    """cubff's order without permutation: identity on odd epochs, shifted by one on even
    ones. (n,) uint32."""
    i = np.arange(n, dtype=np.uint32)
    return i if epoch % 2 == 1 else np.roll(i, 1)


def pairing(config: SoupConfig, seed_hash: int, epoch: int) -> np.ndarray:
    """The order of ``config.programs`` programs at ``epoch`` under the config's pairing."""
    n = config.programs
    if not config.permute:
        return alternating(epoch, n)
    if config.fixed_shuffle:
        return fixed_shuffle(epoch, n)
    return cubff_permutation(seed_hash, epoch, n)
