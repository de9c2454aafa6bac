"""Name the process that writes a run file, and tell later whether it still runs.

A process is named by its pid and, where Linux's ``/proc`` tells, a token of the boot it
runs in and the moment it started. The token tells a writer that still runs from a later
process the system gave the same pid to (after the writer was killed, or after a
reboot), which a pid alone cannot.
"""

from __future__ import annotations

import os

_BOOT_ID = "/proc/sys/kernel/random/boot_id"
_START_FIELD = 19  # "starttime" (field 22 of /proc/PID/stat) counted after "(name)"


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of ``/proc/PID/stat`` after the process name (which may hold spaces),
    starting with its state letter; None where there is no such file."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rpartition(")")[2].split()
    except OSError:
        return None


def _token(fields: list[str] | None) -> str:
    if fields is None or len(fields) <= _START_FIELD:
        return ""
    try:
        with open(_BOOT_ID) as f:
            boot = f.read().strip()
    except OSError:
        return ""
    return f"{boot}@{fields[_START_FIELD]}"


def process_token(pid: int) -> str:
    """ "BOOT_ID@START_TICKS" of the running process ``pid``, "" where ``/proc`` does not
    tell (not Linux, or no such process)."""
    return _token(_stat_fields(pid))


def process_alive(pid: int, token: str = "") -> bool:
    """Whether the process ``pid`` that had ``token`` (from :func:`process_token`, ""
    when unknown) still runs on this machine. A process killed but not yet reaped by its
    parent (a zombie) does not count, nor one with that pid but another token. Without
    ``/proc`` only the pid is checked."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        pass
    fields = _stat_fields(pid)
    if fields is None:  # no /proc here, or the process ended just now
        return pid == os.getpid() or not os.path.isdir("/proc/self")
    if not fields or fields[0] == "Z":
        return False
    return not token or _token(fields) in ("", token)
