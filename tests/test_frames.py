"""Soups drawn as rows of bytes equal cubff's --draw_to frames, and the layout by hand."""

import hashlib

import numpy as np
import pytest

from alife.errors import AlifeInputError
from alife.substrates.programs import get_language
from alife.substrates.programs.frames import soup_rows_image, write_ppm
from alife.substrates.programs.soup import Soup, SoupConfig

# SHA-256 (first 32 hex digits) of cubff's frame files, made with its CPU build:
#   main --lang L --num N --seed 3 --max_epochs 65 --draw_to DIR   (frame 0000000000E.ppm)
CUBFF_ROW_FRAMES = {
    ("bff_noheads", 1002, 65): "8511d5ff081e6b5769a2f4841936ac3e",  # 5 columns, last: 2 rows
    ("bff_noheads", 1000, 65): "593a6e92ab7bc317035461e873acc943",
    ("forthtrivial", 4096, 1): "dc2cdc76a3d0a0a3a81101697701a039",
}


@pytest.mark.parametrize("key", list(CUBFF_ROW_FRAMES), ids=str)
def test_row_frames_equal_cubffs(key, tmp_path):
    language, programs, epoch = key
    soup = Soup(SoupConfig(language=language, programs=programs, seed=3)).run(epoch)
    write_ppm(
        str(tmp_path / "f.ppm"), soup_rows_image(soup.soup, get_language(language).byte_colors)
    )
    digest = hashlib.sha256((tmp_path / "f.ppm").read_bytes()).hexdigest()[:32]
    assert digest == CUBFF_ROW_FRAMES[key]


def test_row_layout_by_hand():
    colors = np.zeros((256, 3), dtype=np.uint8)
    colors[:, 0] = np.arange(256)
    soup = np.repeat(np.arange(140, dtype=np.uint8)[:, None], 64, axis=1)  # program p: bytes p
    image = soup_rows_image(soup, colors)
    # 140 // 68 = 2 -> ceil(sqrt(2)) = 2 columns of 70 rows, 2 * 68 - 4 pixels wide
    assert image.shape == (70, 132, 3)
    assert (image[5, :64, 0] == 5).all() and (image[5, 68:, 0] == 75).all()
    assert (image[:, 64:68] == 0).all()  # the gap between columns is black


def test_bad_soup_shape_is_refused():
    with pytest.raises(AlifeInputError, match=r"\(n, 64\)"):
        soup_rows_image(np.zeros((3, 60), dtype=np.uint8), np.zeros((256, 3), np.uint8))
