"""The CUDA float kernels compile to PTX with no fused or fusable product (needs
numba-cuda and libNVVM, not a GPU; skipped where they are missing, as in CI)."""

import importlib.util
import os
import subprocess
import sys

import pytest

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "scripts", "audit_ptx.py")


@pytest.mark.skipif(
    importlib.util.find_spec("numba_cuda") is None, reason="numba-cuda is not installed"
)
def test_float_kernels_round_as_the_cpu_does():
    result = subprocess.run([sys.executable, SCRIPT], capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all exact" in result.stdout
