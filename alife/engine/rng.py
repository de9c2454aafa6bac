"""Counter-based random numbers: every draw is a pure function of (seed, counter).

The generator is SplitMix64 (Steele, Lea & Flood 2014), as used by cubff, so program
soups draw exactly the numbers cubff draws for the same seed. Because a draw depends only
on its counter, results do not depend on the backend, the number of threads, or whether
a run was resumed from a checkpoint.

Device code gets compiled copies from :func:`rng_functions`; host code calls
:func:`splitmix64_host` and :func:`derive_host`.
"""

from __future__ import annotations

import functools
from types import SimpleNamespace

import numpy as np

from alife.engine.targets import Target, device_jit

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)


def splitmix64(x: int | np.uint64) -> np.uint64:
    """SplitMix64 finaliser of ``x + golden gamma``: uint64 -> uint64, wrapping arithmetic."""
    z = np.uint64(x) + _GAMMA
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    return z ^ (z >> _S31)


@functools.cache
def rng_functions(target: Target) -> SimpleNamespace:
    """Compiled RNG helpers for ``target`` ("cpu" or "cuda").

    Returns a namespace with ``splitmix64(x)`` and ``derive(seed_hash, x)``; the latter is
    cubff's per-purpose seed ``SplitMix64(SplitMix64(seed) ^ SplitMix64(x))`` where the
    caller passes ``seed_hash = SplitMix64(seed)`` precomputed. All values are uint64.
    """
    jit = device_jit(target)
    mix = jit(splitmix64)

    @jit
    def derive(seed_hash, x):
        return mix(np.uint64(seed_hash) ^ mix(x))

    return SimpleNamespace(splitmix64=mix, derive=derive)


def splitmix64_host(x: int) -> int:
    """SplitMix64 of a Python int (taken modulo 2**64), computed by the CPU kernel."""
    return int(rng_functions("cpu").splitmix64(np.uint64(x % 2**64)))


def derive_host(seed: int, x: int) -> int:
    """cubff's ``seed(x) = SplitMix64(SplitMix64(seed) ^ SplitMix64(x))`` as a Python int."""
    return splitmix64_host(splitmix64_host(seed) ^ splitmix64_host(x))


def derive_array(seeds: int | np.ndarray, xs: int | np.ndarray) -> np.ndarray:
    """:func:`derive_host` of seeds and counters broadcast together (uint64 arrays or
    ints below 2**64), at once: a uint64 array computed by numpy on the host."""
    with np.errstate(over="ignore"):  # wrapping is SplitMix64's arithmetic, also on scalars
        mixed = splitmix64(np.asarray(seeds, np.uint64)) ^ splitmix64(np.asarray(xs, np.uint64))
        return splitmix64(mixed)
