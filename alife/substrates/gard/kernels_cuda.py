"""The CUDA launchers of the GARD kernels: one thread per lineage or per population.

Imported only when the CUDA backend is used; ``cuda`` is a module global because
numba's CUDA simulator swaps in its thread-aware stand-in through kernel globals.
"""

from __future__ import annotations

import functools
from types import SimpleNamespace

from numba import cuda

from alife.substrates.gard.kernels import build_bodies

_THREADS = 64


@functools.cache
def cuda_kernels() -> SimpleNamespace:
    """``lineages`` and ``populations`` on CuPy arrays (see
    :func:`alife.substrates.gard.kernels.kernels`). The arguments are spelled out, where
    the CPU kernels take ``*args``: numba-cuda does not fold a kernel's star arguments
    (the simulator does; scripts/audit_ptx.py shows the compile error)."""
    bodies = build_bodies("cuda")
    lineage, population = bodies.lineage, bodies.population

    @cuda.jit
    def lineages_kernel(
        counts,
        betas,
        beta_index,
        kf_rho,
        kb,
        nmax,
        target,
        bias,
        keys,
        counters,
        alive,
        masks,
        factors,
        trace,
        times,
        events,
        scratch,
        daughters,
    ):
        a = cuda.grid(1)
        if a < counts.shape[0]:
            lineage(
                a,
                counts,
                betas,
                beta_index,
                kf_rho,
                kb,
                nmax,
                target,
                bias,
                keys,
                counters,
                alive,
                masks,
                factors,
                trace,
                times,
                events,
                scratch,
                daughters,
            )

    @cuda.jit
    def populations_kernel(
        counts,
        betas,
        beta_index,
        kf_rho,
        kb,
        nmax,
        target,
        bias,
        keys,
        counters,
        masks,
        factors,
        catal,
        totals,
        rates,
        daughters,
        splits_wanted,
        splits,
        replaced,
        origin,
        events,
        elapsed,
    ):
        b = cuda.grid(1)
        if b < counts.shape[0]:
            population(
                b,
                counts,
                betas,
                beta_index,
                kf_rho,
                kb,
                nmax,
                target,
                bias,
                keys,
                counters,
                masks,
                factors,
                catal,
                totals,
                rates,
                daughters,
                splits_wanted,
                splits,
                replaced,
                origin,
                events,
                elapsed,
            )

    def launcher(kernel):
        def run(*args):
            kernel[max(1, -(-args[0].shape[0] // _THREADS)), _THREADS](*args)

        return run

    return SimpleNamespace(
        lineages=launcher(lineages_kernel), populations=launcher(populations_kernel)
    )
