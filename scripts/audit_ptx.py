"""Compile every CUDA kernel in alife to PTX, as a GPU would, and check that the float
kernels round every operation as the CPU does: no fused multiply-add, and no plain
floating-point product (one that ptxas may still fuse with an add), only products
rounded on their own (``mul.rn``).

    python scripts/audit_ptx.py [--cc 9.0]

Needs numba-cuda and NVIDIA's libNVVM (``pip install "numba-cuda[cu13]"`` brings both),
not a GPU. numba's CUDA simulator runs kernels as Python, so it shows neither a kernel
that the CUDA compiler rejects nor what the compiler does to the arithmetic; this audit
shows both. See :mod:`alife.engine.exact_math` for the arithmetic it checks.

How: the public CUDA paths (``backend="cuda"``) of every substrate are called on small
numpy inputs, as under the simulator, but with numba-cuda's real kernels. A launch
``kernel[grid, block](*args)`` compiles the kernel for the numba types of ``args``, the
types a GPU launch would compile it for, and runs nothing. numba compiles device
functions for "the current device", so this script stands in a device of compute
capability ``--cc``. Prints a line per compiled kernel; exits 1 if any kernel has a
fused or fusable product (a compile error ends it with a traceback).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from dataclasses import asdict
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


class Compiler:
    """Stands in for kernel launches: compiles each (kernel, argument types) once to
    PTX and keeps one row per compiled kernel under the label of the path that
    launched it."""

    def __init__(self, cc: tuple[int, int]):
        self.cc, self.label, self.rows, self._seen = cc, "", [], set()

    def launch(self, kernel: Callable, _config: object) -> Callable[..., None]:
        def compile_instead(*args):
            types = tuple(numba.typeof(arg) for arg in args)
            if (kernel.py_func, types) in self._seen:
                return
            self._seen.add((kernel.py_func, types))
            from numba import cuda

            ptx, _ = cuda.compile_ptx(kernel.py_func, types, cc=self.cc)
            name = f"{self.label}: {kernel.py_func.__name__}"
            counts = (len(FUSED.findall(ptx)), len(fusable(ptx)), len(ROUNDED.findall(ptx)))
            self.rows.append((name, *counts))
            print(f"{name:<52} {counts[0]:>6} {counts[1]:>8} {counts[2]:>7}", flush=True)

        return compile_instead


def stand_in_for_a_gpu(compiler: Compiler) -> None:
    """Make ``backend="cuda"`` run on numpy arrays and turn launches into compiles.
    Must run before alife's substrates are imported: they import ``array_module`` by
    name."""
    from numba.cuda import dispatcher

    import alife.engine.backend as backend

    dispatcher.get_current_device = lambda: SimpleNamespace(compute_capability=compiler.cc)
    dispatcher.CUDADispatcher.__getitem__ = lambda kernel, config: compiler.launch(kernel, config)
    backend.cuda_available = lambda: True
    backend.array_module = lambda name: np

    import alife.substrates.programs.kernels as program_kernels

    program_kernels.cuda_simulated = lambda: True  # lets tapes on "cuda" be numpy


def program_paths(compiler: Compiler) -> None:
    from alife.bench import PALINDROME
    from alife.substrates.programs import get_language, language_names
    from alife.substrates.programs.selfrep import selfrep_scores
    from alife.substrates.programs.soup import Soup, SoupConfig

    for name in language_names():
        language = get_language(name)
        compiler.label = f"programs {name}"
        language.run(np.zeros((4, 128), np.uint8), max_steps=64, backend="cuda")
        selfrep_scores(language, np.zeros((2, 64), np.uint8), 1, max_steps=64, backend="cuda")
        Soup(SoupConfig(language=name, programs=8, seed=1, mutation=0.1), "cuda").step()
        if language.build_traced is not None:
            compiler.label = f"programs {name} traced"
            config = SoupConfig(language=name, programs=8, seed=1, mutation=0.1, trace=True)
            Soup(config, "cuda").step()
    compiler.label = "programs grid soup"
    grid = SoupConfig(language="bff_noheads", programs=24, seed=1, grid=(6, 4))
    Soup(grid, "cuda").step()
    compiler.label = "programs palindrome"
    Soup(SoupConfig(programs=8, initial_program=PALINDROME * 4), "cuda").step()


def ca_paths(compiler: Compiler) -> None:
    from alife.substrates.ca.flow_lenia import FlowLeniaWorld
    from alife.substrates.ca.flow_lenia_sim import FlowLeniaConfig
    from alife.substrates.ca.lenia import LeniaParams, LeniaWorlds
    from alife.substrates.ca.life import simulate
    from alife.substrates.ca.loops import simulate_table
    from alife.substrates.ca.table import load_table

    for rule in ("B3/S23", "B36/S23", "B2/S"):
        compiler.label = f"life {rule}"
        for torus in (True, False):
            simulate(np.zeros((9, 70), bool), rule, steps=1, torus=torus, backend="cuda")
    for rule in ("langton", "evoloop"):
        compiler.label = f"loops {rule}"
        simulate_table(np.zeros((9, 13), np.int64), load_table(rule), 1, backend="cuda")
    fields = np.random.default_rng(0).random((2, 24, 24))
    for dtype in ("float32", "float64"):
        compiler.label = f"lenia {dtype}"
        rules = [LeniaParams(R=5), LeniaParams(R=4, gn=2)]
        LeniaWorlds(fields, rules, backend="cuda", dtype=dtype).step()
    compiler.label = "flow-lenia"
    config = FlowLeniaConfig(width=20, height=16, channels=2, kernels=4, patch=10, reach=3)
    rule, mass = config.rule_and_start()
    FlowLeniaWorld(mass, rule, config.flow(), "cuda").step()


def gard_paths(compiler: Compiler) -> None:
    from alife.substrates.gard.ensemble import Ensemble
    from alife.substrates.gard.model import GardConfig
    from alife.substrates.gard.population import PopulationConfig, Populations

    compiler.label = "gard lineages"
    Ensemble(GardConfig(species=10, nmax=16, seed=4, replicas=3), "cuda").run(1)
    selection = GardConfig(species=6, nmax=10, seed=4, bias=1.1, target=(1, 1, 0, 0, 0, 2))
    Ensemble(selection, "cuda").run(1)
    compiler.label = "gard populations"
    Populations(PopulationConfig(**asdict(selection), size=4, populations=2), "cuda").run(1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cc", default="9.0", help="compute capability, MAJOR.MINOR")
    args = parser.parse_args()
    compiler = Compiler(tuple(int(part) for part in args.cc.split(".")))
    stand_in_for_a_gpu(compiler)
    cc = "".join(map(str, compiler.cc))
    print(f"{'path: kernel':<52} {'fused':>6} {'fusable':>8} {'mul.rn':>7}   (PTX for sm_{cc})")
    for paths in (program_paths, ca_paths, gard_paths):
        paths(compiler)
    failed = [row[0] for row in compiler.rows if row[1] + row[2] > 0]
    print(f"{len(compiler.rows)} kernels compiled;", end=" ")
    print(f"FAILED, may round differently from the CPU: {failed}" if failed else "all exact")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
