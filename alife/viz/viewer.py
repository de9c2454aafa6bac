"""The pygame viewer: a run's pictures with a side panel, replayed from a file or live.

Window layout: the picture on the left, scaled with nearest neighbour (fitted to the
window until you zoom), and a :data:`PANEL_WIDTH`-pixel side panel on the right with the
epoch, play state, the latest metrics record, a plot of the painter's metric so far
(higher-order entropy for soups), what lies under the mouse, and the keys.

Keys and mouse: space play/pause, right/left one snapshot on/back, +/- double/halve the
replay speed, digits then Enter jump to the last snapshot at or before that epoch,
Home/End first/last snapshot, f fit the picture, wheel zoom about the mouse, drag pan,
q or Escape (or closing the window) quit.

:class:`Viewer` draws a :mod:`alife.viz.sources` source; :meth:`Viewer.replay` runs the
replay loop of ``alife view``; :class:`LiveView` is the epoch-loop observer behind
``--view``.
"""

from __future__ import annotations

import math
import textwrap
import time
from typing import TYPE_CHECKING

import numpy as np

from alife.engine.session import substrate_unit
from alife.viz.screen import import_pygame, open_display
from alife.viz.sources import LiveFrames

if TYPE_CHECKING:
    import pygame

PANEL_WIDTH = 340
"""Pixels of the side panel."""
DEFAULT_SIZE = (1280, 800)
"""Window size at start (width, height) in pixels; the window is resizable."""
FRAME_RATE = 30
"""Frames per second drawn while replaying, and the default cap of a live view."""

_BACKGROUND = (20, 20, 24)
_PANEL = (36, 36, 42)
_TEXT = (225, 225, 225)
_DIM = (150, 150, 160)
_PLOT = (120, 200, 255)
_FOLLOW_SECONDS = 0.5
_MARGIN = 12
_LINE = 17
_MAX_METRICS = 14
_HIDDEN_METRICS = ("epoch", "wall_time_s")
_VALUE_COLUMN = 190


class Viewer:
    """A window showing ``frames`` (a :class:`~alife.viz.sources.RunFrames` or
    :class:`~alife.viz.sources.LiveFrames`) at snapshot ``index``."""

    def __init__(
        self,
        frames,
        title: str,
        *,
        size: tuple[int, int] = DEFAULT_SIZE,
        headless: bool = False,
        following: bool = False,
    ):
        self.pg = import_pygame()
        self.frames = frames
        self.title = title
        self.unit = substrate_unit(frames.substrate)
        self.following = following
        self.screen = open_display(size, f"alife view: {title}", headless)
        self.font = self.pg.font.Font(None, 20)
        self.index = len(frames) - 1 if following else 0
        self.playing = False
        self.speed = 8.0  # snapshots per second while playing
        self.typed = ""
        self.closed = False
        self.step_requested = False
        self.scale: float | None = None  # screen pixels per picture pixel; None: fit
        self.offset = (0.0, 0.0)  # picture coordinates at the area's top-left corner
        self.mouse: tuple[int, int] | None = None
        self._drag: tuple[int, int] | None = None
        self._window = None
        self._picture_index = -1
        self._surface = None
        self._elapsed = 0.0

    # --- the picture -------------------------------------------------------------------

    def invalidate(self) -> None:
        """Forget the cached picture (the source changed under the same index)."""
        self._picture_index = -1

    def picture_size(self) -> tuple[int, int]:
        """(width, height) in pixels of the current picture."""
        self._update_picture()
        return self._surface.get_size()

    def _update_picture(self) -> None:
        if self._picture_index == self.index and self._surface is not None:
            return
        self._window = self.frames.window(self.index)
        picture = self.frames.painter.image(self._window)
        height, width = picture.shape[:2]
        if self._surface is None or self._surface.get_size() != (width, height):
            self._surface = self.pg.Surface((width, height))
        self.pg.surfarray.blit_array(self._surface, picture.swapaxes(0, 1))
        self._picture_index = self.index

    def area(self) -> pygame.Rect:
        """The screen rectangle the picture is drawn in."""
        width, height = self.screen.get_size()
        return self.pg.Rect(0, 0, max(1, width - PANEL_WIDTH), height)

    def _fit(self) -> tuple[float, tuple[float, float]]:
        area, (width, height) = self.area(), self.picture_size()
        scale = min(area.width / width, area.height / height)
        return scale, ((width - area.width / scale) / 2, (height - area.height / scale) / 2)

    def _view(self) -> tuple[float, tuple[float, float]]:
        return self._fit() if self.scale is None else (self.scale, self.offset)

    def to_picture(self, pos: tuple[int, int]) -> tuple[int, int] | None:
        """Picture pixel under screen position ``pos`` (None outside the area)."""
        area = self.area()
        if not area.collidepoint(pos):
            return None
        scale, (ox, oy) = self._view()
        return math.floor(ox + (pos[0] - area.x) / scale), math.floor(
            oy + (pos[1] - area.y) / scale
        )

    def zoom(self, factor: float, about: tuple[int, int]) -> None:
        """Multiply the scale by ``factor`` keeping the picture point under ``about``."""
        scale, (ox, oy) = self._view()
        area = self.area()
        new = min(max(scale * factor, 0.01), 64.0)
        ax, ay = about[0] - area.x, about[1] - area.y
        self.scale = new
        self.offset = (ox + ax / scale - ax / new, oy + ay / scale - ay / new)

    def pan(self, dx: int, dy: int) -> None:
        """Move the picture by (dx, dy) screen pixels."""
        scale, (ox, oy) = self._view()
        self.scale, self.offset = scale, (ox - dx / scale, oy - dy / scale)

    def _blit_picture(self) -> None:
        area = self.area()
        scale, (ox, oy) = self._view()
        width, height = self.picture_size()
        x0, y0 = max(0, math.floor(ox)), max(0, math.floor(oy))
        x1 = min(width, math.ceil(ox + area.width / scale))
        y1 = min(height, math.ceil(oy + area.height / scale))
        if x1 <= x0 or y1 <= y0:
            return
        part = self._surface.subsurface((x0, y0, x1 - x0, y1 - y0))
        size = (max(1, round((x1 - x0) * scale)), max(1, round((y1 - y0) * scale)))
        scaled = self.pg.transform.scale(part, size)  # nearest neighbour
        self.screen.set_clip(area)
        self.screen.blit(
            scaled, (area.x + round((x0 - ox) * scale), area.y + round((y0 - oy) * scale))
        )
        self.screen.set_clip(None)

    # --- navigation --------------------------------------------------------------------

    def go(self, index: int) -> None:
        """Show snapshot ``index`` (clamped to those there are)."""
        self.index = min(max(index, 0), len(self.frames) - 1)

    def handle(self, event: pygame.event.Event) -> None:
        """Apply one pygame event."""
        pg = self.pg
        if event.type == pg.QUIT:
            self.closed = True
        elif event.type == pg.KEYDOWN:
            self._key(event)
        elif event.type == pg.MOUSEWHEEL:
            self.zoom(1.25 if event.y > 0 else 0.8, pg.mouse.get_pos())
        elif event.type == pg.MOUSEBUTTONDOWN and event.button == 1:
            self._drag = event.pos
        elif event.type == pg.MOUSEBUTTONUP and event.button == 1:
            self._drag = None
        elif event.type == pg.MOUSEMOTION:
            if self._drag is not None:
                self.pan(event.pos[0] - self._drag[0], event.pos[1] - self._drag[1])
                self._drag = event.pos
            self.mouse = event.pos

    def _key(self, event) -> None:
        pg = self.pg
        key = event.key
        if event.unicode and event.unicode.isdigit():
            self.typed += event.unicode
        elif key in (pg.K_RETURN, pg.K_KP_ENTER) and self.typed:
            self.go(self.frames.position(int(self.typed)))
            self.typed = ""
        elif key == pg.K_BACKSPACE:
            self.typed = self.typed[:-1]
        elif key == pg.K_ESCAPE and self.typed:
            self.typed = ""
        elif key in (pg.K_q, pg.K_ESCAPE):
            self.closed = True
        elif key == pg.K_SPACE:
            self.playing = not self.playing
        elif key == pg.K_RIGHT:
            self.playing = False
            self.step_requested = True
            self.go(self.index + 1)
        elif key == pg.K_LEFT:
            self.playing = False
            self.go(self.index - 1)
        elif key in (pg.K_PLUS, pg.K_EQUALS, pg.K_KP_PLUS):
            self.speed = min(self.speed * 2, 240.0)
        elif key in (pg.K_MINUS, pg.K_KP_MINUS):
            self.speed = max(self.speed / 2, 0.25)
        elif key == pg.K_HOME:
            self.go(0)
        elif key == pg.K_END:
            self.go(len(self.frames) - 1)
        elif key == pg.K_f:
            self.scale = None

    def handle_events(self) -> None:
        for event in self.pg.event.get():
            self.handle(event)

    def advance(self, seconds: float) -> None:
        """Move a playing replay on by ``seconds`` of wall time at ``speed``."""
        if not self.playing:
            self._elapsed = 0.0
            return
        self._elapsed += seconds * self.speed
        steps = int(self._elapsed)
        self._elapsed -= steps
        if steps:
            self.go(self.index + steps)
        if self.index == len(self.frames) - 1 and not self.following:
            self.playing = False

    # --- drawing -----------------------------------------------------------------------

    def hover_text(self) -> str:
        """What the painter says of the picture pixel under the mouse ('' if none)."""
        if self.mouse is None:
            return ""
        spot = self.to_picture(self.mouse)
        if spot is None:
            return ""
        self._update_picture()
        return self.frames.painter.describe(self._window, *spot)

    def draw(self) -> None:
        """Draw the picture and the panel, and show them."""
        self.screen.fill(_BACKGROUND)
        self._blit_picture()
        self._draw_panel()
        self.pg.display.flip()

    def _text(self, text: str, x: int, y: int, colour=_TEXT) -> int:
        self.screen.blit(self.font.render(text, True, colour), (x, y))
        return y + _LINE

    def _draw_panel(self) -> None:
        width, height = self.screen.get_size()
        left = width - PANEL_WIDTH
        self.pg.draw.rect(self.screen, _PANEL, (left, 0, PANEL_WIDTH, height))
        x, y = left + _MARGIN, _MARGIN
        frames = self.frames
        y = self._text(f"{frames.substrate}: {self.title}", x, y)
        y = self._text(
            f"{self.unit} {frames.epoch(self.index)}   snapshot {self.index + 1}/{len(frames)}",
            x,
            y,
        )
        state = "playing" if self.playing else "paused"
        follow = ", following" if self.following else ""
        y = self._text(f"{state} at {self.speed:g} snapshots/s{follow}", x, y, _DIM)
        if self.typed:
            y = self._text(f"go to {self.unit}: {self.typed}_", x, y, _PLOT)
        y += _LINE // 2
        record = frames.record(self.index)
        shown = [k for k in record if k not in _HIDDEN_METRICS and not _is_nan(record[k])][
            :_MAX_METRICS
        ]
        if record:
            y = self._text(f"metrics at {self.unit} {int(record['epoch'])}", x, y, _DIM)
        for name in shown:
            self._text(name, x, y)
            y = self._text(_number(record[name]), x + _VALUE_COLUMN, y)
        y += _LINE // 2
        y = self._draw_plot(x, y, PANEL_WIDTH - 2 * _MARGIN, 110) + _LINE // 2
        chars = max(8, (PANEL_WIDTH - 2 * _MARGIN) // max(1, self.font.size("0")[0]))
        for line in self.hover_text().splitlines():
            for part in textwrap.wrap(line, chars, replace_whitespace=False) or [""]:
                y = self._text(part, x, y)
        keys = (
            "space play  <-/-> step  +/- speed",
            "digits+Enter jump  Home/End  f fit",
            "wheel zoom  drag pan  q quit",
        )
        for i, line in enumerate(keys):
            self._text(line, x, height - _MARGIN - (len(keys) - i) * _LINE, _DIM)

    def _draw_plot(self, x: int, y: int, width: int, height: int) -> int:
        """Plot the painter's metric up to the shown snapshot; returns the y below it."""
        name = self.frames.painter.plot_metric
        y = self._text(name, x, y, _DIM)
        box = self.pg.Rect(x, y, width, height)
        self.pg.draw.rect(self.screen, _BACKGROUND, box)
        epochs, values = self.frames.series(name, self.index)
        keep = np.isfinite(values)
        epochs, values = epochs[keep], values[keep]
        if len(values) >= 2:
            pick = np.unique(np.linspace(0, len(values) - 1, min(len(values), width)).astype(int))
            e, v = epochs[pick].astype(np.float64), values[pick]
            low, high = float(v.min()), float(v.max())
            span_e = max(float(e[-1] - e[0]), 1e-12)
            span_v = max(high - low, 1e-12)
            px = box.x + (e - e[0]) / span_e * (width - 1)
            py = box.bottom - 1 - (v - low) / span_v * (height - 1)
            self.pg.draw.lines(self.screen, _PLOT, False, np.column_stack([px, py]).tolist())
            self._text(_number(high), box.x + 3, box.y + 2, _DIM)
            self._text(_number(low), box.x + 3, box.bottom - _LINE, _DIM)
        else:
            self._text("(fewer than two records yet)", box.x + 3, box.y + 2, _DIM)
        return box.bottom

    def save(self, path: str) -> None:
        """Write what the window shows (after :meth:`draw`) as a PNG file."""
        self.pg.image.save(self.screen, path)

    # --- loops -------------------------------------------------------------------------

    def replay(self) -> None:
        """Run the window until it is closed: play, step, jump, and (when following)
        show each new snapshot of a run still being written as it lands."""
        clock = self.pg.time.Clock()
        last_refresh = time.perf_counter()
        while not self.closed:
            self.handle_events()
            if self.following and time.perf_counter() - last_refresh >= _FOLLOW_SECONDS:
                last_refresh = time.perf_counter()
                at_end = self.index == len(self.frames) - 1
                if self.frames.refresh() and at_end:
                    self.go(len(self.frames) - 1)
            self.advance(clock.get_time() / 1000)
            self.draw()
            clock.tick(FRAME_RATE)

    def close(self) -> None:
        self.pg.display.quit()


def _is_nan(value) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _number(value: float) -> str:
    return f"{value:.6g}" if isinstance(value, float) else str(value)


class LiveView:
    """Shows a simulation while the epoch loop runs it: call with ``(sim, row)`` after
    every epoch (``row``: the metrics record written after it, or None); returns True
    when the window was closed (the run should stop).

    A picture is drawn at most every ``every`` epochs and at most ``fps`` times a
    second, so a fast simulation is slowed only by the frames it shows; window events
    are handled between epochs, up to 30 times a second (a longer epoch delays them).
    Space pauses the simulation, right arrow runs it to the next picture.
    """

    def __init__(self, every: int = 1, fps: float = FRAME_RATE, headless: bool = False):
        self.every = every
        self.fps = fps
        self.headless = headless
        self.viewer: Viewer | None = None
        self.frames: LiveFrames | None = None
        self._last_draw = -math.inf
        self._last_events = -math.inf

    def _open(self, sim) -> None:
        self.frames = LiveFrames(sim.substrate, sim.config.to_dict())
        self.viewer = Viewer(self.frames, "live", headless=self.headless, following=True)
        self.viewer.playing = True

    def _show(self, sim) -> None:
        self.frames.add_snapshot(sim.epoch, sim.snapshot()[self.frames.painter.key])
        self.viewer.go(len(self.frames) - 1)
        self.viewer.invalidate()
        self.viewer.draw()
        self._last_draw = time.perf_counter()

    def __call__(self, sim, row: dict | None) -> bool:
        first = self.viewer is None
        if first:
            self._open(sim)
        viewer = self.viewer
        if row is not None:
            self.frames.add_record(row)
        now = time.perf_counter()
        stepping = viewer.step_requested
        due = sim.epoch % self.every == 0 and now - self._last_draw >= 1 / self.fps
        if first or stepping or due:  # the first call always draws: never an empty window
            viewer.step_requested = False
            self._show(sim)
        if now - self._last_events >= 1 / FRAME_RATE:
            viewer.handle_events()
            self._last_events = now
        while not viewer.playing and not viewer.closed and not viewer.step_requested:
            viewer.draw()
            time.sleep(1 / FRAME_RATE)
            viewer.handle_events()
        return viewer.closed

    def close(self) -> None:
        if self.viewer is not None:
            self.viewer.close()
