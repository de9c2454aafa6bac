"""2-D and graph soups: neighbourhoods, cubff's matching, soups and frames equal cubff's."""

import hashlib

import numpy as np
import pytest
import reference
from click.testing import CliRunner

from alife.cli import main
from alife.engine.rng import splitmix64_host
from alife.engine.store import open_run
from alife.errors import AlifeInputError
from alife.substrates.programs import get_language
from alife.substrates.programs.frames import soup_frame, write_ppm
from alife.substrates.programs.interactions import (
    greedy_matching,
    grid_graph,
    read_interactions,
)
from alife.substrates.programs.soup import Soup, SoupConfig


def partners(graph):
    """Each program's partner list, as Python lists."""
    offsets = graph.offsets
    return [graph.targets[offsets[a] : offsets[a + 1]].tolist() for a in range(graph.programs)]


def graph_file(path, n):
    """A fixed irregular graph: program a lists (7a + 13k + 1) % n for k < a % 5, minus
    itself; a fifth of the programs have no partners of their own."""
    with open(path, "w") as f:
        for a in range(n):
            for k in range(a % 5):
                b = (a * 7 + k * 13 + 1) % n
                if b != a:
                    f.write(f"{a} {b}\n")
    return str(path)


def digest(soup):
    return hashlib.sha256(np.ascontiguousarray(soup).tobytes()).hexdigest()[:32]


@pytest.mark.parametrize("width,height", [(1, 1), (2, 1), (3, 7), (7, 3), (6, 6)])
def test_grid_neighbourhoods_are_cubffs_pattern(width, height):
    assert partners(grid_graph(width, height)) == reference.grid_neighbours(width, height)


def test_corner_edge_and_inner_cells_have_8_14_and_24_partners():
    counts = np.diff(grid_graph(10, 10).offsets).reshape(10, 10)
    assert counts[0, 0] == 8 and counts[0, 5] == 14 and counts[5, 5] == 24
    assert counts[1, 1] == 15  # 4x4 square minus itself


@pytest.mark.parametrize("epoch", [0, 1, 7, 1000])
def test_greedy_matching_equals_reference(tmp_path, epoch):
    for neighbours, graph in (
        (reference.grid_neighbours(9, 6), grid_graph(9, 6)),
        (None, read_interactions(graph_file(tmp_path / "g.txt", 60), 60)),
    ):
        neighbours = neighbours or partners(graph)
        order, matched = greedy_matching(graph, splitmix64_host(11), epoch)
        assert (order.tolist(), matched) == reference.greedy_pairs(11, epoch, neighbours)
        assert sorted(order.tolist()) == list(range(len(neighbours)))


def test_grid_soup_epochs_equal_reference():
    config = SoupConfig(programs=24, seed=4, mutation=0.02, max_steps=512, grid=(6, 4))
    sim = Soup(config)
    expected = [row.tolist() for row in sim.soup]
    neighbours = reference.grid_neighbours(6, 4)
    for epoch in range(4):
        ops = reference.soup_epoch(expected, 4, epoch, 0.02, "bff_noheads", 512, neighbours)
        sim.step()
        np.testing.assert_array_equal(sim.soup, np.array(expected, dtype=np.uint8))
        assert sim.counters["epoch_ops"] == ops
        assert sim.counters["epoch_interactions"] == reference.greedy_pairs(4, epoch, neighbours)[1]
    assert sim.counters["epoch_interactions"] < 12  # unmatched programs did not run


# SHA-256 (first 128 bits) of the soups cubff (CPU build, commit f212e84) saved with
# --interaction_pattern (the file of make_2d_pattern.py, or graph_file), seed 5.
CUBFF_SPATIAL = [
    (
        "bff_noheads",
        (32, 32),
        {65: "fc85a7595a983731fc80f9622796fab1", 129: "b14bc07178e76c4180cce0df8628fbb3"},
    ),
    ("forthtrivial", (24, 10), {129: "b5e17d9f134a6298c14ec2d475996194"}),
    (
        "bff_noheads",
        200,
        {65: "ba1c019db52d211c118c205893a5aaef", 129: "a96e2ae5073d56a8b70bfa5b0d6e2027"},
    ),
]


@pytest.mark.parametrize("language,layout,digests", CUBFF_SPATIAL)
def test_spatial_soups_equal_cubffs(tmp_path, language, layout, digests):
    if isinstance(layout, tuple):
        config = SoupConfig(language=language, programs=layout[0] * layout[1], seed=5, grid=layout)
    else:
        path = graph_file(tmp_path / "graph.txt", layout)
        config = SoupConfig(language=language, programs=layout, seed=5, interactions=path)
    sim = Soup(config)
    for epoch, expected in sorted(digests.items()):
        sim.run(epoch - sim.epoch)
        assert digest(sim.soup) == expected, epoch


# SHA-256 (first 128 bits) of cubff's --draw_to_2d frame 65 (--num 128 --seed 3
# --grid_width_2d 16): a well-mixed soup drawn on a 16x8 grid, PPM header included.
CUBFF_FRAMES = {
    "bff_noheads": "f68422d5f20ccee69e8f5449b5656a8b",
    "forthtrivial": "83f1620e99352da5b6760a75a2acaca2",
}


@pytest.mark.parametrize("language", sorted(CUBFF_FRAMES))
def test_frames_equal_cubffs(tmp_path, language):
    sim = Soup(SoupConfig(language=language, programs=128, seed=3)).run(65)
    image = soup_frame(sim.soup, (16, 8), get_language(language).byte_colors)
    assert image.shape == (64, 128, 3)
    write_ppm(tmp_path / "f.ppm", image)
    assert (
        hashlib.sha256((tmp_path / "f.ppm").read_bytes()).hexdigest()[:32] == CUBFF_FRAMES[language]
    )


def test_frame_tile_layout():
    soup = np.zeros((6, 64), dtype=np.uint8)
    soup[4, 9] = 1  # program 4 = row 1, column 1 of a 3x2 grid; byte 9 = tile (1, 1)
    colors = np.zeros((256, 3), dtype=np.uint8)
    colors[0] = (100, 100, 100)
    colors[1] = (200, 10, 0)
    image = soup_frame(soup, (3, 2), colors)
    assert image.shape == (16, 24, 3)
    assert image[9, 9].tolist() == [200, 10, 0]
    assert image[8, 9].tolist() == [68, 68, 68]  # a tile's first row is darkened by 32
    assert image[10, 10].tolist() == [100, 100, 100]


def test_interactions_file_run_resumes_without_the_file(tmp_path):
    path = graph_file(tmp_path / "graph.txt", 40)
    out = str(tmp_path / "run.h5")
    args = ["soup", "run", "--programs", "40", "--interactions", path, "--seed", "2"]
    result = CliRunner().invoke(main, [*args, "--epochs", "6", "--out", out])
    assert result.exit_code == 0, result.output
    (tmp_path / "graph.txt").unlink()
    assert CliRunner().invoke(main, ["soup", "resume", out, "--epochs", "4"]).exit_code == 0
    straight = Soup(
        SoupConfig(programs=40, seed=2, interactions=graph_file(tmp_path / "again.txt", 40))
    ).run(10)
    assert Soup.load(out).epoch == 10
    np.testing.assert_array_equal(Soup.load(out).soup, straight.soup)


def test_grid_run_records_its_shape_and_draws_a_frame(tmp_path):
    out, image = str(tmp_path / "grid.h5"), str(tmp_path / "frame.ppm")
    result = CliRunner().invoke(
        main, ["soup", "run", "--grid", "12x5", "--epochs", "3", "--out", out]
    )
    assert result.exit_code == 0, result.output
    with open_run(out) as run:
        assert run.config["grid"] == [12, 5] and run.config["programs"] == 60
    result = CliRunner().invoke(main, ["soup", "frame", out, "--out", image])
    assert result.exit_code == 0, result.output
    with open(image, "rb") as f:
        assert f.read().startswith(b"P6\n96 40\n255\n")


def bad_graph(tmp_path, text):
    path = tmp_path / "bad.txt"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize(
    "text,message",
    [
        ("0 1\n2\n", "line 2 of .* is '2'; every line must be 'a b'"),
        ("0 1\n1 x\n", "line 2 .* is '1 x'"),
        ("0 1\n3 10\n", "line 2 .* names program 10, outside \\[0, 10\\)"),
        ("-1 3\n", "names program -1"),
        ("4 4\n", "pairs program 4 with itself"),
        ("# nothing\n\n", "lists no interactions"),
    ],
)
def test_malformed_interaction_files_are_refused(tmp_path, text, message):
    with pytest.raises(AlifeInputError, match=message):
        read_interactions(bad_graph(tmp_path, text), 10)


def test_comments_and_blank_lines_are_allowed(tmp_path):
    graph = read_interactions(bad_graph(tmp_path, "# a\n\n0 1  # first\n1 0\n"), 4)
    assert partners(graph) == [[1], [0], [], []]


@pytest.mark.parametrize(
    "args,message",
    [
        (["--grid", "10x10", "--programs", "64"], "grid 10x10 has 100 cells but the soup has 64"),
        (["--grid", "10by10"], "grid '10by10' is not WIDTHxHEIGHT"),
        (["--grid", "0x4"], "grid '0x4' is not WIDTHxHEIGHT"),
        (["--grid", "3x3"], "programs must be a positive even number"),
        (["--grid", "4x4", "--no-permute"], "cannot be combined with no-permute"),
        (["--grid", "4x4", "--interactions", "x.txt"], "exclude each other"),
        (["--programs", "8", "--interactions", "missing.txt"], "cannot read interactions file"),
    ],
)
def test_bad_spatial_options_exit_2_without_a_file(tmp_path, args, message):
    out = tmp_path / "r.h5"
    result = CliRunner().invoke(main, ["soup", "run", *args, "--epochs", "1", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not out.exists()
