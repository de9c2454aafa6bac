"""Repair what a killed HDF5 writer leaves behind (as ``h5clear -s --increment``).

A process writing an HDF5 file (version 2/3 superblock) sets consistency flags in the
superblock and clears them on close. If it is killed, the flags stay set and HDF5
refuses to open the file for writing again; the end-of-file address stored in the
superblock may also lag behind what was written. Run files are written in SWMR mode,
whose ordered writes keep the data consistent, so :func:`clear_write_flags` sets the flag
byte back to 0, raises the stored end-of-file address to the file's real size, and
rewrites the superblock checksum (Bob Jenkins' lookup3 ``hashlittle``, the checksum HDF5
uses), after first checking that it reproduces the stored checksum.

Superblock v2/v3 layout: signature (8 bytes), version, size of offsets O, size of
lengths, flags (offset 11), four addresses of O bytes, then a 4-byte checksum.
"""

from __future__ import annotations

import struct

from alife.errors import AlifeInputError

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
_M32 = 0xFFFFFFFF


def _rot(x: int, k: int) -> int:
    return ((x << k) | (x >> (32 - k))) & _M32


def _mix(a: int, b: int, c: int) -> tuple[int, int, int]:
    """lookup3's ``mix``: six subtract-xor-rotate-add rounds over (a, b, c)."""
    for k in (4, 6, 8, 16, 19, 4):
        a = ((a - c) & _M32) ^ _rot(c, k)
        c = (c + b) & _M32
        a, b, c = b, c, a
    return a, b, c


def _final(a: int, b: int, c: int) -> int:
    """lookup3's ``final``: seven xor-subtract-rotate rounds; returns c."""
    for k in (14, 11, 25, 16, 4, 14, 24):
        c = ((c ^ b) - _rot(b, k)) & _M32
        a, b, c = b, c, a
    return b  # seven role rotations (7 = 1 mod 3) leave lookup3's c under the name b


def lookup3(data: bytes, initval: int = 0) -> int:
    """Bob Jenkins' lookup3 ``hashlittle`` of ``data`` (32-bit), as HDF5 checksums."""
    a = b = c = (0xDEADBEEF + len(data) + initval) & _M32
    n, pos = len(data), 0
    while n > 12:
        x, y, z = struct.unpack_from("<3I", data, pos)
        a, b, c = _mix((a + x) & _M32, (b + y) & _M32, (c + z) & _M32)
        pos, n = pos + 12, n - 12
    if n == 0:
        return c
    x, y, z = struct.unpack("<3I", data[pos:] + b"\x00" * (12 - n))
    return _final((a + x) & _M32, (b + y) & _M32, (c + z) & _M32)


def clear_write_flags(path: str) -> bool:
    """Reset the superblock's consistency flags of ``path``; True if they were set."""
    with open(path, "r+b") as f:
        head = f.read(64)
        if head[:8] != HDF5_SIGNATURE or head[8] not in (2, 3):
            raise AlifeInputError(
                f"{path!r} does not start with an HDF5 version 2/3 superblock, so its "
                f"write flags cannot be cleared"
            )
        end = 12 + 4 * head[9]
        (stored,) = struct.unpack_from("<I", head, end)
        if lookup3(head[:end]) != stored:
            raise AlifeInputError(f"{path!r} has a damaged HDF5 superblock (bad checksum)")
        if head[11] == 0:
            return False
        size = head[9]
        eof_at = 12 + 2 * size
        stored_eof = int.from_bytes(head[eof_at : eof_at + size], "little")
        f.seek(0, 2)
        eof = max(stored_eof, f.tell()).to_bytes(size, "little")
        fixed = head[:11] + b"\x00" + head[12:eof_at] + eof + head[eof_at + size : end]
        f.seek(0)
        f.write(fixed + struct.pack("<I", lookup3(fixed)))
    return True
