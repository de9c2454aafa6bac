"""The superblock repair for killed writers: lookup3 checksum and flag clearing."""

import h5py
import pytest

from alife.engine.h5clear import clear_write_flags, lookup3
from alife.errors import AlifeInputError


@pytest.mark.parametrize(
    "data,initval,expected",
    [  # published with lookup3.c (driver5) by Bob Jenkins
        (b"", 0, 0xDEADBEEF),
        (b"", 0xDEADBEEF, 0xBD5B7DDE),
        (b"Four score and seven years ago", 0, 0x17770551),
        (b"Four score and seven years ago", 1, 0xCD628161),
    ],
)
def test_lookup3_published_values(data, initval, expected):
    assert lookup3(data, initval) == expected


def test_clean_file_is_left_alone(tmp_path):
    path = tmp_path / "clean.h5"
    with h5py.File(path, "w", libver="latest") as f:
        f["x"] = [1, 2, 3]
    before = path.read_bytes()
    assert clear_write_flags(str(path)) is False  # also checks the stored checksum
    assert path.read_bytes() == before


def test_set_flags_are_cleared_with_a_valid_checksum(tmp_path):
    path = tmp_path / "flagged.h5"
    with h5py.File(path, "w", libver="latest") as f:
        f["x"] = [1, 2, 3]
    raw = bytearray(path.read_bytes())
    end = 12 + 4 * raw[9]
    raw[11] = 0x05  # write access + SWMR write access, as a killed writer leaves them
    raw[end : end + 4] = lookup3(bytes(raw[:end])).to_bytes(4, "little")
    path.write_bytes(bytes(raw))
    with pytest.raises(OSError, match="already open for write"):
        h5py.File(path, "r+", locking=False)
    assert clear_write_flags(str(path)) is True
    with h5py.File(path, "r+", locking=False) as f:
        assert f["x"][()].tolist() == [1, 2, 3]


def test_non_hdf5_is_refused(tmp_path):
    path = tmp_path / "text.h5"
    path.write_bytes(b"not an hdf5 file at all" * 4)
    with pytest.raises(AlifeInputError, match="superblock"):
        clear_write_flags(str(path))
