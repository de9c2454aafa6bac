"""The viewer and the headless renderer (alife.viz) on SDL's dummy video driver.

Pictures are checked against documented palettes (cubff's byte colours, Golly's
@COLORS, matplotlib's viridis and RdBu_r end points) on inputs whose picture is known
by hand, and every hover description against the pixel it describes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import numpy as np
import pytest

os.environ["SDL_VIDEODRIVER"] = "dummy"
pygame = pytest.importorskip("pygame")

from click.testing import CliRunner  # noqa: E402

from alife.cli import main  # noqa: E402
from alife.engine.session import start_run  # noqa: E402
from alife.engine.store import open_run  # noqa: E402
from alife.viz.painters import Window, painter_for  # noqa: E402

BRACKET_GREEN = (0, 192, 0)  # cubff's colour of BFF's [ and ]
VIRIDIS_LOW, VIRIDIS_HIGH = (68, 1, 84), (253, 231, 37)


def _window(array, epoch: int = 0) -> Window:
    return Window(np.asarray(array)[None], np.array([epoch]))


def _soup_config(**extra) -> dict:
    return {"language": "bff_noheads", "grid": None, **extra}


def test_a_soup_of_brackets_is_bracket_green_in_rows_with_black_gaps():
    painter = painter_for("soup", _soup_config())
    soup = np.full((4096, 64), ord("["), dtype=np.uint8)
    picture = painter.image(_window(soup))
    rows = 4096 // 8  # cubff: n // ceil(sqrt(n // 68)) with n // 68 = 60 -> 8 columns
    assert picture.shape == (rows, 8 * 68 - 4, 3)
    columns = np.arange(picture.shape[1])
    program_columns = columns % 68 < 64
    assert (picture[:, program_columns] == BRACKET_GREEN).all()
    assert (picture[:, ~program_columns] == 0).all()


def test_a_grid_soup_is_tiles_outlined_by_32_darker():
    painter = painter_for("soup", _soup_config(grid=[3, 2]))
    soup = np.full((6, 64), ord("["), dtype=np.uint8)
    picture = painter.image(_window(soup)).astype(int)
    assert picture.shape == (16, 24, 3)
    outline = (np.arange(16)[:, None] % 8 == 0) | (np.arange(24)[None, :] % 8 == 0)
    assert (picture[~outline] == BRACKET_GREEN).all()
    assert (picture[outline] == (0, 160, 0)).all()


@pytest.mark.parametrize("grid", [None, [16, 8]])
def test_soup_hover_names_the_program_and_byte_whose_colour_the_pixel_has(grid):
    painter = painter_for("soup", _soup_config(grid=grid))
    rng = np.random.default_rng(1)
    soup = rng.integers(0, 256, (128, 64), dtype=np.uint8)
    window = _window(soup)
    picture = painter.image(window)
    colours = painter.language.byte_colors.astype(int)
    outline = np.zeros(picture.shape[:2], bool)
    if grid:
        outline[::8, :] = True
        outline[:, ::8] = True
    height, width = picture.shape[:2]
    for y, x in zip(rng.integers(0, height, 300), rng.integers(0, width, 300), strict=True):
        text = painter.describe(window, int(x), int(y))
        if not text:  # a gap between columns of programs is black
            assert not grid and (picture[y, x] == 0).all()
            continue
        program, byte = (int(w.strip(",")) for w in text.split()[1:4:2])
        expected = colours[soup[program, byte]] - (32 if outline[y, x] else 0)
        assert (picture[y, x] == np.clip(expected, 0, 255)).all()
        assert painter.language.disassemble(soup[program]) in text


def test_life_pictures_are_white_live_cells_and_hover_says_alive():
    from alife.substrates.ca.life import pack

    grid = np.zeros((10, 70), bool)
    grid[[1, 2, 3, 3, 3], [2, 3, 1, 2, 3]] = True  # a glider
    painter = painter_for("life", {"width": 70})
    window = _window(pack(grid))
    picture = painter.image(window)
    assert picture.shape == (10, 70, 3)
    assert (picture[grid] == 255).all() and (picture[~grid] == 0).all()
    assert painter.describe(window, 3, 2) == "cell (3, 2): alive"
    assert painter.describe(window, 0, 0) == "cell (0, 0): dead"
    assert painter.describe(window, 70, 0) == ""


def test_lenia_fields_span_viridis():
    painter = painter_for("lenia", {})
    field = np.zeros((4, 4))
    field[1, 2] = 1.0
    picture = painter.image(_window(field))
    assert tuple(picture[1, 2]) == VIRIDIS_HIGH and tuple(picture[0, 0]) == VIRIDIS_LOW
    assert painter.describe(_window(field), 2, 1) == "cell (2, 1): 1.0000"


def test_flow_lenia_mass_is_viridis_for_one_channel_and_rgb_for_three():
    painter = painter_for("flow_lenia", {})
    one = np.zeros((1, 2, 2))
    one[0, 0, 1] = 3.0  # above 1: as bright as 1
    picture = painter.image(_window(one))
    assert tuple(picture[0, 1]) == VIRIDIS_HIGH and tuple(picture[0, 0]) == VIRIDIS_LOW
    three = np.zeros((3, 1, 3))
    three[0, 0, 0], three[1, 0, 1], three[2, 0, 2] = 1.0, 0.5, 2.0
    assert painter.image(_window(three))[0].tolist() == [[255, 0, 0], [0, 128, 0], [0, 0, 255]]
    assert painter.describe(_window(three), 1, 0) == "cell (1, 0): 0.0000, 0.5000, 0.0000"


def test_loop_states_take_the_rule_files_colours():
    painter = painter_for("loops", {"rule": "langton"})
    cells = np.array([[0, 1, 2], [3, 4, 5]], dtype=np.uint8)
    picture = painter.image(_window(cells))
    # Golly's Langtons-Loops.rule @COLORS: 1 blue, 2 red, 3 green, 4 yellow, 5 magenta
    expected = [[0, 0, 0], [0, 0, 255], [255, 0, 0], [0, 255, 0], [255, 255, 0], [255, 0, 255]]
    assert picture.reshape(6, 3).tolist() == expected
    assert painter.describe(_window(cells), 1, 1) == "cell (1, 1): state 4"
    grey = painter_for("loops", {"rule": "/nowhere/gone.rule"})
    assert grey.image(_window(cells))[0, 2].tolist() == [2, 2, 2]


def test_gard_heat_map_rows_are_generations_scaled_by_their_largest_count():
    painter = painter_for("gard", {})
    counts = np.zeros((3, 2, 4), dtype=np.int32)  # 3 generations, 2 replicas, 4 molecules
    counts[:, 0, 1] = 10
    counts[:, 1, 3] = 7
    counts[2, 1, 0] = 7
    window = Window(counts, np.array([5, 6, 7]))
    picture = painter.image(window)
    assert picture.shape == (256, 4 + 2 + 4, 3)
    assert (picture[:253] == 0).all()  # generations before the first snapshot
    assert tuple(picture[255, 1]) == VIRIDIS_HIGH and tuple(picture[255, 0]) == VIRIDIS_LOW
    assert tuple(picture[255, 6]) == VIRIDIS_HIGH and tuple(picture[254, 6]) == VIRIDIS_LOW
    assert (picture[253:, 4:6] == 0).all()  # the gap between replicas
    assert painter.describe(window, 6, 255) == "generation 7, replica 1, molecule 0: 7"
    assert painter.describe(window, 6, 10) == "" and painter.describe(window, 5, 255) == ""


def test_population_heat_map_has_a_row_per_assembly():
    painter = painter_for("gard_population", {})
    counts = np.zeros((2, 3, 5), dtype=np.int32)
    counts[1, 2, 4] = 9
    picture = painter.image(_window(counts))
    assert picture.shape == (3, 12, 3)
    assert tuple(picture[2, 11]) == VIRIDIS_HIGH and tuple(picture[2, 10]) == VIRIDIS_LOW
    text = painter.describe(_window(counts), 11, 2)
    assert text == "population 1, assembly 2, molecule 4: 9"


def test_quine_weights_run_blue_white_red():
    painter = painter_for("quine", {})
    weights = np.array([-2.0, 0.0, 2.0, 1.0, 0.5], dtype=np.float32)
    picture = painter.image(_window(weights))
    assert picture.shape == (3, 3, 3)
    low, middle, high = picture[0, 0], picture[0, 1], picture[0, 2]
    assert low[2] > 2 * low[0] and high[0] > 2 * high[2]  # blue, then red
    assert middle.min() > 230  # near white
    assert (picture.reshape(9, 3)[5:] == 0).all()
    assert painter.describe(_window(weights), 0, 1) == "weight 3: +1.00000"


def test_network_soups_are_a_row_per_network_white_at_zero_black_when_divergent():
    painter = painter_for("quine_soup", {})
    weights = np.zeros((3, 14), dtype=np.float32)
    weights[1, 0], weights[1, 1] = 0.5, -0.5  # within +-1: scaled by 1, not by 0.5
    weights[2, 3] = np.nan
    picture = painter.image(_window(weights))
    assert picture.shape == (3, 14, 3)
    assert (picture[0] == picture[0, 0]).all() and picture[0, 0].min() > 240  # zero: white
    red, blue = picture[1, 0].astype(int), picture[1, 1].astype(int)
    assert red[0] > red[2] + 40 and blue[2] > blue[0] + 40 and red.min() > 100
    assert (picture[2, 3] == 0).all()
    assert painter.describe(_window(weights), 1, 1) == "network 1, weight 1: -0.50000"


def test_unknown_substrate_is_one_clear_error():
    with pytest.raises(ValueError, match="no picture for substrate 'nope'"):
        painter_for("nope", {})


@pytest.fixture(scope="module")
def soup_run(tmp_path_factory):
    from alife.engine.run import Schedule
    from alife.substrates.programs.soup import Soup, SoupConfig

    out = str(tmp_path_factory.mktemp("viz") / "s.h5")
    schedule = Schedule(metrics_every=4, snapshot_every=8)
    start_run(Soup, SoupConfig(programs=256), out, epochs=40, schedule=schedule, progress=False)
    return out


def _press(key: int, unicode: str = "") -> None:
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, unicode=unicode, mod=0))


def test_replay_walks_through_every_snapshot_and_jumps_to_an_epoch(soup_run):
    from alife.viz.sources import RunFrames
    from alife.viz.viewer import Viewer

    frames = RunFrames(soup_run)
    viewer = Viewer(frames, "s.h5", headless=True)
    try:
        with open_run(soup_run) as run:
            expected = run.snapshot_epochs.tolist()
        assert expected == [0, 8, 16, 24, 32, 40]
        seen = [frames.epoch(viewer.index)]
        for _ in range(len(expected)):  # one more than there are: the last step stays
            _press(pygame.K_RIGHT)
            viewer.handle_events()
            viewer.draw()
            seen.append(frames.epoch(viewer.index))
        assert seen == [*expected, 40]
        for ch in "17":
            _press(getattr(pygame, f"K_{ch}"), ch)
        _press(pygame.K_RETURN)
        viewer.handle_events()
        assert frames.epoch(viewer.index) == 16  # the last snapshot at or before 17
        _press(pygame.K_SPACE)
        viewer.handle_events()
        viewer.advance(1.0)  # 8 snapshots a second: runs to the end and stops
        assert frames.epoch(viewer.index) == 40 and not viewer.playing
        _press(pygame.K_q)
        viewer.handle_events()
        assert viewer.closed
    finally:
        viewer.close()
        frames.close()


def test_the_replay_loop_plays_and_ends_when_the_window_is_closed(soup_run):
    from alife.viz.sources import RunFrames
    from alife.viz.viewer import Viewer

    frames = RunFrames(soup_run, follow=True)
    viewer = Viewer(frames, "s.h5", headless=True, following=True)
    try:
        assert frames.epoch(viewer.index) == 40  # following starts at the newest snapshot
        _press(pygame.K_HOME)
        _press(pygame.K_SPACE)
        viewer.handle_events()
        assert viewer.index == 0 and viewer.playing
        pygame.event.post(pygame.event.Event(pygame.QUIT))
        viewer.replay()  # handles the QUIT, draws once, returns
        assert viewer.closed
    finally:
        viewer.close()
        frames.close()


def test_hover_zoom_and_pan_keep_screen_and_picture_in_step(soup_run):
    from alife.viz.sources import RunFrames
    from alife.viz.viewer import Viewer

    frames = RunFrames(soup_run)
    viewer = Viewer(frames, "s.h5", headless=True)
    try:
        viewer.draw()
        area = viewer.area()
        centre = (area.x + area.width // 4, area.centery)  # over the first column of programs
        before = viewer.to_picture(centre)
        viewer.zoom(4.0, centre)
        assert viewer.to_picture(centre) == before  # zoom keeps the point under the mouse
        viewer.pan(40, 0)
        scale = viewer.scale
        moved = viewer.to_picture(centre)
        assert abs(moved[0] - (before[0] - 40 / scale)) <= 1 and moved[1] == before[1]
        viewer.mouse = centre
        assert viewer.hover_text().startswith("program ")
        viewer.mouse = (area.right + 5, 10)  # over the panel
        assert viewer.hover_text() == ""
        viewer.draw()
    finally:
        viewer.close()
        frames.close()


def test_render_writes_pngs_of_the_pictures_and_a_video(soup_run, tmp_path):
    from alife.viz.render import render_run

    out = str(tmp_path / "frames")
    video = str(tmp_path / "s.mp4")
    done = render_run(soup_run, out, every=2, scale=2, video=video)
    names = sorted(os.listdir(out))
    assert names == [f"epoch_{e:09d}.png" for e in (0, 16, 32, 40)]
    painter = painter_for("soup", _soup_config())
    with open_run(soup_run) as run:
        soup = run.snapshot(16)
    picture = painter.image(_window(soup))
    saved = pygame.surfarray.array3d(pygame.image.load(os.path.join(out, names[1])))
    assert (saved.swapaxes(0, 1)[::2, ::2] == picture).all()
    assert done.size == (picture.shape[1] * 2, picture.shape[0] * 2)
    if done.video:
        assert os.path.getsize(video) > 1000
    windowed = render_run(soup_run, str(tmp_path / "w"), every=100, window=True)
    assert windowed.size == (1280, 800) and len(windowed.pngs) == 2


@pytest.mark.parametrize("name", ["v.gif", "v.xyz", "video"])
def test_a_video_in_a_format_ffmpeg_does_not_write_h264_to_is_refused(soup_run, tmp_path, name):
    # ffmpeg failed on these after the frames were written, and the command still
    # reported the video
    out = tmp_path / "frames"
    args = ["render", soup_run, "--out", str(out), "--video", str(tmp_path / name)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "must end in .mp4, .mkv, .mov" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_frames_are_named_by_what_the_run_counts(tmp_path):
    run = str(tmp_path / "l.h5")
    args = ["ca", "run", "--size", "16", "--steps", "4", "--snapshot-every", "2", "--out", run]
    assert CliRunner().invoke(main, [*args, "--no-progress"]).exit_code == 0
    out = tmp_path / "frames"
    result = CliRunner().invoke(main, ["render", run, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [f"generation_{g:09d}.png" for g in (0, 2, 4)]


def test_render_refuses_to_overwrite_frames_without_overwrite(soup_run, tmp_path):
    out = tmp_path / "frames"
    out.mkdir()
    (out / "epoch_000000040.png").write_bytes(b"mine")
    result = CliRunner().invoke(main, ["render", soup_run, "--out", str(out)])
    assert result.exit_code == 2
    assert "already exists" in result.stderr and "--overwrite" in result.stderr
    assert (out / "epoch_000000040.png").read_bytes() == b"mine"
    assert sorted(p.name for p in out.iterdir()) == ["epoch_000000040.png"]
    result = CliRunner().invoke(main, ["render", soup_run, "--out", str(out), "--every", "0"])
    assert result.exit_code == 2 and "0" in result.stderr


def test_view_of_a_missing_file_or_without_a_display_is_one_sentence(soup_run):
    result = CliRunner().invoke(main, ["view", "missing.h5"])
    assert result.exit_code == 2 and "does not exist" in result.stderr
    # SDL picks its video driver once per process, so this runs in a fresh one
    env = {**os.environ, "SDL_VIDEODRIVER": "no-such-driver"}
    done = subprocess.run(
        [sys.executable, "-m", "alife", "view", soup_run],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "cannot open a window" in done.stderr and "alife render" in done.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland variables")
def test_view_without_a_display_says_so_instead_of_drawing_unseen(soup_run, tmp_path):
    # with no X11 or Wayland display SDL falls back to its offscreen driver, where the
    # viewer ran on and on with no window anyone could see
    hidden = ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")
    env = {key: value for key, value in os.environ.items() if key not in hidden}
    live = str(tmp_path / "live.h5")
    live_run = ["ca", "run", "--size", "16", "--steps", "2", "--view", "--out", live]
    for args in (["view", soup_run], live_run):
        done = subprocess.run(
            [sys.executable, "-m", "alife", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert "cannot open a window (no display" in done.stderr
        assert "alife render" in done.stderr
    assert not os.path.exists(live)  # refused before the run file was created


def test_live_view_draws_while_running_and_closing_it_stops_the_run(tmp_path):
    from alife.substrates.ca.life_sim import LifeConfig, LifeSim
    from alife.viz.viewer import LiveView

    out = str(tmp_path / "l.h5")
    live = LiveView(every=5, fps=1e6, headless=True)
    shown, show = [], live._show

    def recording_show(sim):
        shown.append(sim.epoch)
        show(sim)

    live._show = recording_show
    try:
        outcome = start_run(
            LifeSim, LifeConfig(width=64, height=64), out, epochs=20, observer=live, progress=False
        )
        assert outcome.reason == "completed"
        assert live.frames.epoch(len(live.frames) - 1) == 20  # the last picture drawn
        assert shown == [1, 5, 10, 15, 20]  # the first epoch, then every 5th
        # records follow epochs 1, 17 (every 16) and the end, after the loop
        assert live.frames.record(len(live.frames) - 1)["epoch"] == 17
    finally:
        live.close()
    closing = LiveView(headless=True)

    def close_at_epoch_10(sim, row):
        if sim.epoch == 10:
            pygame.event.post(pygame.event.Event(pygame.QUIT))
        return closing(sim, row)

    try:
        out2 = str(tmp_path / "l2.h5")
        outcome = start_run(
            LifeSim,
            LifeConfig(width=64, height=64),
            out2,
            epochs=10**7,
            observer=close_at_epoch_10,
            progress=False,
        )
    finally:
        closing.close()
    assert outcome.reason == "viewer closed" and 10 <= outcome.epoch < 10**7
    with open_run(out2) as run:
        assert run.checkpoint_epoch() == outcome.epoch


def test_following_a_run_being_written_sees_new_snapshots(tmp_path):
    from alife.viz.sources import RunFrames

    out = str(tmp_path / "live.h5")
    command = ["ca", "run", "--size", "64", "--steps", "200000", "--snapshot-every", "2000"]
    writer = subprocess.Popen(
        [sys.executable, "-m", "alife", *command, "--out", out, "--no-progress"],
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                frames = RunFrames(out, follow=True)
                break
            except ValueError:  # not written far enough to open yet
                time.sleep(0.2)
        else:
            pytest.fail("the run file never became readable")
        try:
            first = len(frames)
            while time.monotonic() < deadline and not frames.refresh():
                time.sleep(0.2)
            assert len(frames) > first
            newest = frames.window(len(frames) - 1)
            assert newest.epochs[-1] == frames.epoch(len(frames) - 1) > 0
        finally:
            frames.close()
    finally:
        writer.terminate()
        writer.wait(30)
