"""Backend selection: ``"cpu"`` (numpy + numba) or ``"cuda"`` (CuPy + numba.cuda).

``"auto"`` picks ``"cuda"`` when a CUDA GPU is usable and ``"cpu"`` otherwise. Under the
numba CUDA simulator (``NUMBA_ENABLE_CUDASIM=1``) ``"cuda"`` is available and its arrays
are numpy arrays, so CUDA kernels can be tested on machines without a GPU.
"""

from __future__ import annotations

import functools
import os
from types import ModuleType
from typing import Any

import numpy as np

from alife.errors import AlifeInputError

BACKENDS = ("cpu", "cuda", "auto")

DeviceArray = Any
"""A numpy array on the "cpu" backend (and under the CUDA simulator), a CuPy array on a
real "cuda" GPU: the same interface, so annotations name this alias."""


def cuda_simulated() -> bool:
    """True when numba's CUDA simulator is switched on (``NUMBA_ENABLE_CUDASIM=1``)."""
    return os.environ.get("NUMBA_ENABLE_CUDASIM", "0") not in ("", "0")


@functools.cache
def cuda_available() -> bool:
    """True when CUDA kernels can run: a real GPU with CuPy, or the numba simulator."""
    if cuda_simulated():
        return True
    try:
        import cupy  # noqa: F401
        from numba import cuda

        return bool(cuda.is_available())
    except Exception:  # no CuPy, no driver, no numba-cuda: all mean "no GPU here"
        return False


def resolve_backend(name: str) -> str:
    """Map a user's backend name to ``"cpu"`` or ``"cuda"``, or raise AlifeInputError."""
    if name not in BACKENDS:
        raise AlifeInputError(f"unknown backend {name!r}; valid backends are {', '.join(BACKENDS)}")
    if name == "auto":
        return "cuda" if cuda_available() else "cpu"
    if name == "cuda" and not cuda_available():
        raise AlifeInputError(
            "backend 'cuda' was requested but no CUDA GPU is usable here (needs an NVIDIA "
            "driver and the gpu12 or gpu13 extra); use --backend cpu or --backend auto"
        )
    return name


def array_module(backend: str) -> ModuleType:
    """numpy for ``"cpu"`` (and for simulated CUDA), CuPy for a real ``"cuda"`` GPU."""
    if backend == "cuda" and not cuda_simulated():
        import cupy

        return cupy
    return np


def to_host(array: DeviceArray) -> np.ndarray:
    """A numpy copy (or the array itself if already numpy) of a numpy/CuPy/numba array."""
    if isinstance(array, np.ndarray):
        return array
    if hasattr(array, "get"):
        return array.get()
    if hasattr(array, "copy_to_host"):
        return array.copy_to_host()
    return np.asarray(array)


def to_backend(array: np.ndarray, backend: str) -> DeviceArray:
    """Put a numpy array on ``backend`` (a device copy for real CUDA, else unchanged)."""
    return array_module(backend).asarray(array)
