"""RLE read and write: Golly's conventions, round trips, and clear errors."""

import numpy as np
import pytest

from alife.errors import AlifeInputError
from alife.substrates.ca.rle import read, write


def test_glider_with_comments_and_line_breaks():
    text = "#N Glider\n#C a comment\nx = 3, y = 3, rule = B3/S23\nbo$2b\no$3o!\n"
    cells, rule = read(text)
    assert rule == "B3/S23" and cells.dtype == bool
    assert cells.astype(int).tolist() == [[0, 1, 0], [0, 0, 1], [1, 1, 1]]
    assert write(cells) == "x = 3, y = 3, rule = B3/S23\nbo$2bo$3o!\n"


def test_a_count_on_a_row_end_skips_blank_rows():
    cells, rule = read("x = 2, y = 4\no3$bo!")
    assert rule == "B3/S23"  # Golly's default
    assert cells.astype(int).tolist() == [[1, 0], [0, 0], [0, 0], [0, 1]]
    assert write(cells).splitlines()[1] == "o3$bo!"


def test_multistate_letters():
    cells, _ = read("x = 4, y = 1, rule = Langtons-Loops\n.ABpA!")
    assert cells.dtype == np.uint8 and cells.tolist() == [[0, 1, 2, 25]]
    assert write(cells, "Langtons-Loops").splitlines()[1] == ".ABpA!"


@pytest.mark.parametrize("shape", [(1, 1), (5, 9), (40, 170)])
def test_round_trips(shape):
    rng = np.random.default_rng(shape[1])
    cells = rng.random(shape) < 0.3
    text = write(cells)
    assert max(len(line) for line in text.splitlines()[1:]) <= 70
    back, _ = read(text)
    np.testing.assert_array_equal(back, cells)
    states = rng.integers(0, 200, shape).astype(np.uint8)
    np.testing.assert_array_equal(read(write(states, "X"))[0], states)


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "no header line"),
        ("x = 3 y = 3\nbo!", "is not of the form"),
        ("x = 3, y = 3\nbqo!", "'q' at character 1"),
        ("x = 2, y = 1\n3o!", "outside the header's 2x1"),
        ("x = 2, y = 2\nbo$ob", "does not end with '!'"),
    ],
)
def test_malformed_rle_is_one_clear_error(text, message):
    with pytest.raises(AlifeInputError, match=message):
        read(text)
