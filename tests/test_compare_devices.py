"""scripts/compare_torch_devices.py, the GPU session's CPU-against-CUDA check for the torch
substrates, run here CPU against CPU: it must work before a GPU is lent, and two runs
from one seed on one device must agree to the bit."""

from __future__ import annotations

import os
import re
import subprocess
import sys

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "scripts", "compare_torch_devices.py")


def test_same_seed_same_device_agrees_to_the_bit():
    args = ["--backends", "cpu,cpu", "--epochs", "2", "--generations", "3"]
    result = subprocess.run(
        [sys.executable, SCRIPT, *args], capture_output=True, text=True, check=True
    )
    differences = re.findall(r"weights differ by (\S+);", result.stdout)
    assert len(differences) == 6  # three substrates, after the first step and the last
    assert all(float(d) == 0.0 for d in differences)
    assert "offspring_accuracy" in result.stdout and "fix_zero" in result.stdout
