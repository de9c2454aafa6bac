"""cubff .dat checkpoints: read, write, and runs moved between the tools.

(Checked by hand against cubff's own binary when this was written: a run exported at
epoch 33 and continued by ``cubff --load`` equals our resumed run at epoch 65, and
cubff's own epoch-65 file imported here and resumed equals cubff's epoch-129 file.)
"""

import struct

import numpy as np
import pytest
from click.testing import CliRunner

from alife.cli import main
from alife.engine.store import open_run
from alife.errors import AlifeInputError
from alife.substrates.programs.cubff_io import read_dat
from alife.substrates.programs.soup import Soup, SoupConfig


def invoke(*args):
    return CliRunner().invoke(main, list(args))


def test_reads_cubffs_layout(tmp_path):
    soup = np.arange(4 * 64, dtype=np.uint8).reshape(4, 64)
    path = tmp_path / "c.dat"
    path.write_bytes(struct.pack("<3Q", 3, 4, 17) + soup.tobytes())
    sim = Soup.from_cubff(read_dat(str(path)), SoupConfig(programs=4))
    assert sim.epoch == 17 and sim.counters["reset_index"] == 3
    np.testing.assert_array_equal(sim.soup, soup)


def test_writes_cubffs_layout(tmp_path):
    sim = Soup(SoupConfig(programs=4, seed=2)).run(5)
    sim.to_cubff(str(tmp_path / "o.dat"))
    raw = (tmp_path / "o.dat").read_bytes()
    assert struct.unpack("<3Q", raw[:24]) == (1, 4, 5)
    assert raw[24:] == sim.soup.tobytes()


def test_export_import_resume_equals_an_uninterrupted_run(tmp_path):
    whole, part = str(tmp_path / "whole.h5"), str(tmp_path / "part.h5")
    args = ["--programs", "128", "--seed", "5", "--no-progress"]
    assert invoke("soup", "run", *args, "--epochs", "20", "--out", whole).exit_code == 0
    assert invoke("soup", "run", *args, "--epochs", "12", "--out", part).exit_code == 0
    dat, back = str(tmp_path / "part.dat"), str(tmp_path / "back.h5")
    assert invoke("soup", "export", part, "--out", dat).exit_code == 0
    result = invoke("soup", "import", dat, "--seed", "5", "--out", back)
    assert result.exit_code == 0, result.output
    assert invoke("soup", "resume", back, "--epochs", "8", "--no-progress").exit_code == 0
    with open_run(whole) as a, open_run(back) as b:
        np.testing.assert_array_equal(a.snapshot(20), b.snapshot(20))


def test_bad_dat_files(tmp_path):
    run = tmp_path / "run.h5"
    assert (
        invoke("soup", "run", "--programs", "8", "--epochs", "1", "--out", str(run)).exit_code == 0
    )
    (tmp_path / "folder.dat").mkdir()
    files = {
        "short.dat": b"abc",
        "wrong.dat": struct.pack("<3Q", 1, 4, 0) + bytes(100),
        "odd.dat": struct.pack("<3Q", 1, 3, 0) + bytes(3 * 64),
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    expected = {
        "short.dat": "is too short to be a cubff checkpoint",
        "wrong.dat": "is not a cubff checkpoint: its header says 4 programs, so it should "
        "hold 280 bytes, but it holds 124",
        "odd.dat": "holds 3 programs; a soup pairs its programs, so it needs an even number",
        "run.h5": "is an HDF5 file, not a cubff checkpoint",
        "folder.dat": "is a directory",
    }
    for name, message in expected.items():
        result = invoke("soup", "import", str(tmp_path / name), "--out", str(tmp_path / "x.h5"))
        assert result.exit_code == 2 and message in result.stderr, (name, result.output)
        assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.h5").exists()
    for name, content in files.items():
        assert (tmp_path / name).read_bytes() == content
    with pytest.raises(AlifeInputError, match=r"folder\.dat' is a folder; give a \.dat file"):
        read_dat(str(tmp_path / "folder.dat"))
