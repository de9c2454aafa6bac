"""Processes for tests of killed runs."""

from __future__ import annotations

import socket
import subprocess
import sys


def dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(child.stdout)


def dead_writer() -> str:
    """A run file's ``writer`` attribute as a writer on this host that was killed
    leaves it."""
    return f"{socket.gethostname()}:{dead_pid()}"
