"""One source, two targets: compile a plain Python function for the CPU or for CUDA.

Kernels in alife are written once as plain Python functions on scalars and arrays. A
*builder* takes a ``jit`` decorator from :func:`device_jit` and returns the compiled
functions, wiring helpers together through closures, so the same text becomes a
``numba.njit`` function for the CPU and a ``numba.cuda.jit(device=True)`` function inside
CUDA kernels (also under the simulator, ``NUMBA_ENABLE_CUDASIM=1``).
"""

from __future__ import annotations

from collections.abc import Callable

import numba

Target = str  # "cpu" or "cuda"


def device_jit(target: Target, inline: bool = True) -> Callable[[Callable], Callable]:
    """Return the decorator that compiles a device-side helper for ``target``.

    ``"cpu"`` gives ``numba.njit(inline="always")``: helpers are inlined into their
    callers in numba's own IR, so the compiler sees a kernel whole (a helper that takes
    arrays, called per tape, otherwise costs a call and blocks vectorisation: copying the
    soup in and out of the tapes ran 8x slower as a call); ``"cuda"`` gives
    ``numba.cuda.jit(device=True)``. numba.cuda is imported only when asked for. Builders
    wire helpers through closures, which numba's disk cache cannot key reliably, so these
    are compiled once per process (a few seconds) rather than cached. ``inline=False``
    gives plain ``numba.njit`` on the CPU and leaves inlining to LLVM: right for helpers
    on scalars, which LLVM inlines just as well, and several times faster to compile.
    """
    if target == "cpu":
        return numba.njit(inline="always") if inline else numba.njit
    if target == "cuda":
        from numba import cuda

        return cuda.jit(device=True)
    raise ValueError(f"unknown compile target {target!r}; valid targets are 'cpu' and 'cuda'")
