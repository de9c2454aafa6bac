"""Check that the CUDA float kernels round every operation as the CPU does: compiled to
PTX, they must hold no fused multiply-add and no plain floating-point product (one that
ptxas may still fuse with an add), only products rounded on their own (``mul.rn``).

    python scripts/audit_ptx.py [--cc 9.0]

Needs numba-cuda and NVIDIA's libNVVM (``pip install "numba-cuda[cu13]"`` brings both),
not a GPU. numba compiles a kernel's device functions for "the current device", so
without one this script stands in a device of compute capability ``--cc``. numba's CUDA
simulator cannot show contraction (it runs kernels as Python), which is why this audit
exists; see :mod:`alife.engine.exact_math` for the arithmetic it checks.

Each kernel is compiled for the argument types its CPU twin is called with in a small
run (GARD lineages and populations, the Lenia update in float32 and float64, the
Flow-Lenia growth sum and reintegration). Prints a line per kernel; exits 1 if any
kernel has a fused or fusable product.
"""

from __future__ import annotations

import argparse
import re
import sys
from types import SimpleNamespace

import numba
import numpy as np

FUSED = re.compile(r"\b(fma|mad)\.[a-z.]*f(16|32|64)\b")
PLAIN_MUL = re.compile(r"\bmul\.(ftz\.)?f(16|32|64)\b[^;]*;")  # no rounding modifier
ROUNDED = re.compile(r"\bmul\.rn\.(ftz\.)?f(32|64)\b")
DOUBLE = re.compile(r"0d([0-9A-Fa-f]{16})")


def fusable(ptx: str) -> list[str]:
    """The plain products in ``ptx`` that a fused multiply-add could round differently:
    all but products by an immediate power of two (exact, so fused or not the same; as
    in libdevice's frexp, which scales subnormals by 2^54)."""
    found = []
    for match in PLAIN_MUL.finditer(ptx):
        immediate = DOUBLE.search(match.group(0))
        if immediate is None or int(immediate.group(1), 16) & ((1 << 52) - 1):
            found.append(match.group(0))
    return found


class Recorder:
    """Calls ``function`` and keeps the numba types of the arguments of its last call."""

    def __init__(self, function):
        self.function, self.types = function, None

    def __call__(self, *args):
        self.types = tuple(numba.typeof(a) for a in args)
        return self.function(*args)


def gard_kernels():
    from alife.substrates.gard.ensemble import Ensemble
    from alife.substrates.gard.kernels_cuda import cuda_kernels
    from alife.substrates.gard.model import GardConfig
    from alife.substrates.gard.population import PopulationConfig, Populations

    selection = dict(species=6, nmax=10, seed=4, bias=1.1, target=(1, 1, 0, 0, 0, 2))
    lineages = Ensemble(GardConfig(**selection, replicas=2))
    lineages._kernel = Recorder(lineages._kernel)
    lineages.run(1)
    populations = Populations(PopulationConfig(**selection, size=4, populations=2))
    populations._kernel = Recorder(populations._kernel)
    populations.run(1)
    gpu = cuda_kernels()
    yield "gard lineages", gpu.lineages.kernel, lineages._kernel.types
    yield "gard populations", gpu.populations.kernel, populations._kernel.types


def lenia_kernels():
    from alife.substrates.ca.lenia import LeniaParams, LeniaWorlds
    from alife.substrates.ca.lenia_cuda import cuda_update

    fields = np.random.default_rng(0).random((2, 24, 24))
    for dtype in ("float32", "float64"):
        worlds = LeniaWorlds(fields, [LeniaParams(R=5), LeniaParams(R=4, gn=2)], dtype=dtype)
        worlds._update = Recorder(worlds._update)
        worlds.step()
        yield f"lenia update {dtype}", cuda_update().kernel, worlds._update.types


def flow_lenia_kernels():
    from alife.substrates.ca.flow_lenia import FlowLeniaWorld
    from alife.substrates.ca.flow_lenia_cuda import cuda_kernels
    from alife.substrates.ca.flow_lenia_sim import FlowLeniaConfig

    config = FlowLeniaConfig(width=20, height=16, channels=2, kernels=4, patch=10, reach=3)
    rule, mass = config.rule_and_start()
    world = FlowLeniaWorld(mass, rule, config.flow())
    world._growth_sum = Recorder(world._growth_sum)
    world._reintegrate = Recorder(world._reintegrate)
    world.step()
    growth_sum, reintegrate = cuda_kernels()
    field = numba.types.float64[:, :, ::1]
    yield "flow-lenia growth", growth_sum.kernel, (*world._growth_sum.types[:5], field)
    yield "flow-lenia landing", reintegrate.kernel, (*world._reintegrate.types, field)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cc", default="9.0", help="compute capability, MAJOR.MINOR")
    args = parser.parse_args()
    cc = tuple(int(part) for part in args.cc.split("."))

    from numba import cuda
    from numba.cuda import dispatcher

    dispatcher.get_current_device = lambda: SimpleNamespace(compute_capability=cc)
    failed = False
    print(f"{'kernel':<24} {'fused':>6} {'fusable':>8} {'mul.rn':>7}   (PTX for sm_{cc[0]}{cc[1]})")
    for source in (gard_kernels, lenia_kernels, flow_lenia_kernels):
        for name, kernel, types in source():
            ptx, _ = cuda.compile_ptx(kernel.py_func, types, cc=cc)
            fused, plain = len(FUSED.findall(ptx)), len(fusable(ptx))
            print(f"{name:<24} {fused:>6} {plain:>8} {len(ROUNDED.findall(ptx)):>7}")
            failed |= fused + plain > 0
    print("FAILED: a kernel may round differently from the CPU" if failed else "all exact")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
