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
    assert "all comparisons passed" in result.stdout and "FAILED" not in result.stdout


def test_every_comparison_runs_and_each_failure_is_named(monkeypatch, capsys):
    """One GPU session must see every kernel that differs, not only the first."""
    monkeypatch.syspath_prepend(HERE)
    import cudasim_compare

    ran = []

    def differs():
        ran.append("differs")
        raise AssertionError("arrays differ at [3]")

    def breaks():
        ran.append("breaks")
        raise TypeError("no matching definition")

    def agrees():
        ran.append("agrees")

    monkeypatch.setattr(cudasim_compare, "cuda_available", lambda: True)
    monkeypatch.setattr(cudasim_compare, "COMPARISONS", (differs, breaks, agrees))
    assert cudasim_compare.main() == 1
    assert ran == ["differs", "breaks", "agrees"]
    out = capsys.readouterr().out
    assert "FAILED differs: AssertionError: arrays differ at [3]" in out
    assert "FAILED breaks: TypeError: no matching definition" in out
    assert "2 differ: differs, breaks" in out
    monkeypatch.setattr(cudasim_compare, "COMPARISONS", (agrees,))
    assert cudasim_compare.main() == 0
    assert "all comparisons passed" in capsys.readouterr().out
