"""``alife view`` and ``alife render``: run files as pictures."""

from __future__ import annotations

import os

import click

from alife.cli.app import Command
from alife.cli.options import POSITIVE, overwrite_option
from alife.errors import AlifeInputError


@click.command("view", cls=Command)
@click.argument("path", type=click.Path(dir_okay=False))
@click.option(
    "--follow", is_flag=True, help="Attach to a run still being written; show new snapshots."
)
@click.option("--epoch", type=int, default=None, help="Start at this epoch's snapshot.")
def view(path, follow, epoch) -> None:
    """Replay a run file in a window: space play/pause, arrows step, +/- speed,
    digits+Enter jump to an epoch, wheel zoom, drag pan, q quit."""
    from alife.viz.sources import RunFrames
    from alife.viz.viewer import Viewer

    frames = RunFrames(path, follow=follow)
    try:
        if not len(frames):
            raise AlifeInputError(f"{path!r} holds no snapshots yet")
        viewer = Viewer(frames, os.path.basename(path), following=follow)
        if epoch is not None:
            viewer.go(frames.position(epoch))
        try:
            viewer.replay()
        finally:
            viewer.close()
    finally:
        frames.close()


@click.command("render", cls=Command)
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Folder for PNGs.")
@click.option("--every", type=POSITIVE, default=1, show_default=True, help="Every K-th snapshot.")
@click.option(
    "--scale", type=POSITIVE, default=1, show_default=True, help="Pixels per picture pixel."
)
@click.option("--window", is_flag=True, help="Draw the whole viewer window, side panel too.")
@click.option(
    "--video",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also encode the frames as this video file, .mp4, .mkv or .mov (needs imageio-ffmpeg).",
)
@overwrite_option
def render(path, out, every, scale, window, video, overwrite) -> None:
    """Write a run's snapshots as PNG frames without a display (SDL's dummy driver)."""
    from alife.viz.render import render_run

    done = render_run(
        path, out, every=every, scale=scale, window=window, video=video, overwrite=overwrite
    )
    width, height = done.size
    click.echo(f"{len(done.pngs)} frames of {width}x{height} pixels in {out}", err=True)
    if done.video:
        click.echo(f"video: {done.video}", err=True)
