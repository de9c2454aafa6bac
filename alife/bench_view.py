"""``alife bench view``: how fast the viewer starts, and draws a 2^17-program soup.

What is timed, on a run file holding one random soup of ``programs`` programs (BFF,
64 bytes each, zstd-compressed snapshot):

* start-up: wall seconds of a fresh Python process that imports the viewer, opens the
  run file, opens the window (SDL's dummy driver) and draws the first frame, then exits;
  an ``alife view`` window shows its first frame after the same work (plus what a real
  display's window creation costs);
* per frame, median over ``repeats`` frames: reading the snapshot from the file, the
  painter's picture (byte colours by lookup table: 2978 x 3056 pixels at 2^17 programs),
  the upload into the reused surface, and drawing the window (nearest-neighbour scaling
  into 940 x 800 pixels, the side panel with its plot, the flip).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

import numpy as np

from alife.bench import print_bench_table

_STARTUP_SCRIPT = """
import os, sys
os.environ["SDL_VIDEODRIVER"] = "dummy"
from alife.viz.sources import RunFrames
from alife.viz.viewer import Viewer
frames = RunFrames(sys.argv[1])
viewer = Viewer(frames, "bench", headless=True)
viewer.draw()
viewer.close()
"""


@dataclass(frozen=True)
class ViewBenchRow:
    """One measurement: what was timed and its median seconds."""

    what: str
    seconds: float


def _soup_run(path: str, programs: int) -> None:
    """Write a run file holding one random soup of ``programs`` programs."""
    from alife.engine.session import save_simulation
    from alife.substrates.programs.soup import Soup, SoupConfig

    save_simulation(Soup(SoupConfig(programs=programs, seed=1)), path)


def _median_seconds(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def bench_view(programs: int = 2**17, repeats: int = 10) -> list[ViewBenchRow]:
    """Time the viewer's start-up and its frame for a soup of ``programs`` programs."""
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    from alife.viz.sources import RunFrames
    from alife.viz.viewer import Viewer

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "soup.h5")
        _soup_run(path, programs)
        startup = _median_seconds(
            lambda: subprocess.run([sys.executable, "-c", _STARTUP_SCRIPT, path], check=True),
            max(1, repeats // 3),
        )
        frames = RunFrames(path)
        viewer = Viewer(frames, "bench", headless=True)
        try:
            viewer.draw()
            window = frames.window(0)
            painter = frames.painter
            picture = painter.image(window)

            def upload():
                viewer.invalidate()
                viewer.picture_size()

            def whole_frame():
                viewer.invalidate()
                viewer.draw()

            rows = [
                ViewBenchRow("start-up to first frame (fresh process)", startup),
                ViewBenchRow(
                    "read snapshot from file", _median_seconds(lambda: frames.window(0), repeats)
                ),
                ViewBenchRow(
                    f"picture {picture.shape[1]}x{picture.shape[0]} (byte colours)",
                    _median_seconds(lambda: painter.image(window), repeats),
                ),
                ViewBenchRow(
                    "read + picture + upload to surface", _median_seconds(upload, repeats)
                ),
                ViewBenchRow(
                    "draw window (scale, panel, flip)", _median_seconds(viewer.draw, repeats)
                ),
                ViewBenchRow(
                    "whole frame (all of the above)", _median_seconds(whole_frame, repeats)
                ),
            ]
        finally:
            viewer.close()
            frames.close()
    return rows


def print_view_table(rows: list[ViewBenchRow], programs: int) -> None:
    """Print the rows with the machine and date."""
    cells = [(r.what, f"{r.seconds * 1000:.1f}") for r in rows]
    print_bench_table(f"viewer, soup of {programs} programs", ("what", "ms (median)"), cells)
