"""CUDA kernels equal the CPU path bit for bit, under numba's CUDA simulator."""

import os
import subprocess
import sys

HERE = os.path.dirname(__file__)


def test_cuda_kernels_match_cpu_under_the_simulator():
    env = {**os.environ, "NUMBA_ENABLE_CUDASIM": "1"}
    result = subprocess.run(
        [sys.executable, os.path.join(HERE, "cudasim_compare.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "whole runs identical" in result.stdout
    assert "life generations identical" in result.stdout
    assert "rule tables identical" in result.stdout
    assert "lenia steps agree" in result.stdout
    assert "flow-lenia steps agree, kernels identical" in result.stdout
    assert "exact exp and log identical" in result.stdout
    assert "gard generations identical" in result.stdout
