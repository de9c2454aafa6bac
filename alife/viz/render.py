"""Headless frames of a run file: PNG pictures (and a video) without a display.

``alife render RUN.h5 --out frames/`` writes ``frames/UNIT_<epoch>.png`` (UNIT the run's
word for an epoch: ``generation_000000120.png`` for a Life run) for every
``every``-th snapshot (and always the last): the painter's picture scaled ``scale``
times with nearest neighbour, or with ``window=True`` the whole viewer window (picture
and side panel) as ``alife view`` draws it, on SDL's dummy driver. ``video`` also
encodes the frames into an MP4 file through imageio-ffmpeg when that is installed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from alife.engine.session import substrate_unit
from alife.engine.store import check_output_path
from alife.errors import AlifeInputError
from alife.viz.screen import import_pygame
from alife.viz.sources import RunFrames

if TYPE_CHECKING:
    import pygame

VIDEO_FPS = 15
"""Frames per second of a rendered video."""

VIDEO_SUFFIXES = (".mp4", ".mkv", ".mov")
"""The containers ffmpeg writes H.264 into, chosen by the video file's suffix."""


@dataclass(frozen=True)
class Rendered:
    """What :func:`render_run` wrote: the PNG paths, the video path (or None) and the
    frame size (width, height) in pixels."""

    pngs: list[str]
    video: str | None
    size: tuple[int, int]


def frame_path(out: str, unit: str, epoch: int) -> str:
    """Where the frame of ``epoch`` goes in folder ``out``: ``UNIT_<9 digits>.png``,
    ``unit`` what the run's epochs are called ("generation", "step", "epoch")."""
    return os.path.join(out, f"{unit}_{epoch:09d}.png")


def _positions(count: int, every: int) -> list[int]:
    """Every ``every``-th of ``count`` snapshots, and the last."""
    return sorted({*range(0, count, every), count - 1})


def _check_outputs(out: str, pngs: list[str], video: str | None, overwrite: bool) -> None:
    if not out:
        raise AlifeInputError("the output folder is empty; give a folder for the frames")
    if os.path.exists(out) and not os.path.isdir(out):
        raise AlifeInputError(f"output folder {out!r} is a file; give a folder for the frames")
    taken = [p for p in pngs if os.path.exists(p)]
    if taken and not overwrite:
        raise AlifeInputError(
            f"{taken[0]!r} already exists ({len(taken)} of the frames do); pass --overwrite "
            f"to replace them or give another --out folder"
        )
    if video is not None:
        if os.path.splitext(video)[1].lower() not in VIDEO_SUFFIXES:
            raise AlifeInputError(
                f"video file {video!r} must end in {', '.join(VIDEO_SUFFIXES)} (H.264 video)"
            )
        check_output_path(video, overwrite, run_file=False)
        _video_writer_module()


def _video_writer_module():
    try:
        import imageio_ffmpeg
    except ImportError:
        raise AlifeInputError(
            "--video needs imageio-ffmpeg, which is not installed; install it with "
            "pip install imageio-ffmpeg"
        ) from None
    return imageio_ffmpeg


def render_run(
    path: str,
    out: str,
    *,
    every: int = 1,
    scale: int = 1,
    window: bool = False,
    video: str | None = None,
    overwrite: bool = False,
) -> Rendered:
    """Write frames of run file ``path`` into folder ``out`` (see the module docstring).

    Every input is checked, and no file written, before the first frame is drawn.
    """
    if every < 1:
        raise AlifeInputError(f"--every must be >= 1, got {every}")
    if scale < 1:
        raise AlifeInputError(f"--scale must be >= 1, got {scale}")
    frames = RunFrames(path)
    viewer = None
    try:
        if not len(frames):
            raise AlifeInputError(f"{path!r} holds no snapshots yet")
        positions = _positions(len(frames), every)
        unit = substrate_unit(frames.substrate)
        pngs = [frame_path(out, unit, frames.epoch(i)) for i in positions]
        _check_outputs(out, pngs, video, overwrite)
        if window:
            from alife.viz.viewer import Viewer

            viewer = Viewer(frames, os.path.basename(path), headless=True)
        encoder = None
        for i, png in zip(positions, pngs, strict=True):
            surface = _window_surface(viewer, i) if viewer else _picture_surface(frames, i, scale)
            os.makedirs(out, exist_ok=True)  # once a frame is drawn: a refused one leaves none
            import_pygame().image.save(surface, png)
            if video is not None:
                encoder = encoder or _VideoEncoder(video, surface.get_size())
                encoder.add(surface)
        if encoder is not None:
            encoder.close()
        size = surface.get_size()
    finally:
        if viewer is not None:
            viewer.close()
        frames.close()
    return Rendered(pngs, video, size)


def _picture_surface(frames: RunFrames, i: int, scale: int):
    """The painter's picture of snapshot ``i`` as a surface, ``scale`` times larger."""
    picture = frames.painter.image(frames.window(i))
    picture = np.repeat(np.repeat(picture, scale, 0), scale, 1)
    return import_pygame().surfarray.make_surface(picture.swapaxes(0, 1))


def _window_surface(viewer, i: int):
    """The viewer window drawn at snapshot ``i`` (SDL's dummy driver)."""
    viewer.go(i)
    viewer.draw()
    return viewer.screen


class _VideoEncoder:
    """H.264 MP4 at :data:`VIDEO_FPS` through imageio-ffmpeg, fed one surface at a time
    (frames padded with black to even sides, which the encoder needs)."""

    def __init__(self, path: str, size: tuple[int, int]):
        self.size = size
        self.even = (size[0] + size[0] % 2, size[1] + size[1] % 2)
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        self._writer = _video_writer_module().write_frames(
            path, self.even, fps=VIDEO_FPS, macro_block_size=1
        )
        self._writer.send(None)

    def add(self, surface: pygame.Surface) -> None:
        width, height = self.size
        padded = np.zeros((self.even[1], self.even[0], 3), dtype=np.uint8)
        padded[:height, :width] = import_pygame().surfarray.array3d(surface).swapaxes(0, 1)
        self._writer.send(padded)

    def close(self) -> None:
        self._writer.close()
