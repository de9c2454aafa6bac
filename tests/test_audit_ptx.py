"""Every CUDA kernel compiles for a real GPU, and the float kernels with no fused or
fusable product (needs numba-cuda and libNVVM, not a GPU; skipped where they are
missing, as in CI). The CUDA simulator shows neither: it runs kernels as Python."""

import importlib.util
import os
import subprocess
import sys

import pytest

from alife.substrates.programs import get_language, language_names

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "scripts", "audit_ptx.py")
OTHER_KERNELS = (
    "life B3/S23: kernel",
    "life B36/S23: kernel",
    "life B2/S: kernel",
    "loops langton: kernel",
    "lenia float32: kernel",
    "lenia float64: kernel",
    "flow-lenia: growth_kernel",
    "flow-lenia: landing_kernel",
    "gard lineages: lineages_kernel",
    "gard populations: populations_kernel",
)


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("numba_cuda") is None, reason="numba-cuda is not installed"
)
def test_every_kernel_compiles_and_float_kernels_round_as_the_cpu_does():
    result = subprocess.run([sys.executable, SCRIPT], capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = {line.split("  ")[0] for line in result.stdout.splitlines()[1:-1]}
    expected = set(OTHER_KERNELS)
    for name in language_names():
        expected |= {f"programs {name}: {k}" for k in ("run_tapes_kernel", "soup_epoch_kernel")}
        expected.add(f"programs {name}: scores_kernel")
        if get_language(name).build_traced is not None:
            expected.add(f"programs {name} traced: soup_epoch_kernel")
    assert rows == expected
    assert result.stdout.rstrip().endswith(f"{len(expected)} kernels compiled; all exact")
