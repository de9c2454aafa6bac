"""pygame set-up shared by the viewer and the headless renderer.

pygame is the ``viz`` extra. Importing it through :func:`import_pygame` hides its
greeting and turns its absence into one clear sentence; :func:`start_display` starts only
the display module (no audio), on SDL's dummy driver when ``headless``, and refuses a
machine without a display; :func:`open_display` opens a window on it.
"""

from __future__ import annotations

import os
from types import ModuleType
from typing import TYPE_CHECKING

from alife.errors import AlifeInputError

if TYPE_CHECKING:
    import pygame


def import_pygame() -> ModuleType:
    """The pygame module, or AlifeInputError saying how to install it."""
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    try:
        import pygame
    except ImportError:
        raise AlifeInputError(
            "the viewer needs pygame, which is not installed; install it with "
            "pip install 'alife[viz]'"
        ) from None
    return pygame


NO_WINDOW_DRIVERS = ("offscreen", "dummy")
"""SDL video drivers that draw into memory only: a window on them is never seen."""


def start_display(headless: bool = False) -> ModuleType:
    """Start pygame's display module (SDL's dummy driver when ``headless``) and return
    pygame. Without a display SDL falls back to a driver that shows nothing; unless
    ``SDL_VIDEODRIVER`` asked for it, that is an AlifeInputError, as is any driver that
    fails, rather than a viewer running unseen. Cheap to call again."""
    if headless:
        os.environ["SDL_VIDEODRIVER"] = "dummy"
    asked = os.environ.get("SDL_VIDEODRIVER")
    pygame = import_pygame()
    try:
        pygame.display.init()
        driver = pygame.display.get_driver()
        if asked is None and driver in NO_WINDOW_DRIVERS:
            raise pygame.error(f"no display; SDL fell back to its {driver!r} driver")
    except pygame.error as err:
        pygame.display.quit()
        raise _no_window(err) from None
    return pygame


def _no_window(err: Exception) -> AlifeInputError:
    return AlifeInputError(
        f"cannot open a window ({err}); on a machine without a display use "
        f"'alife render' for headless frames"
    )


def open_display(size: tuple[int, int], title: str, headless: bool = False) -> pygame.Surface:
    """Open a ``size`` = (width, height) pixel window (:func:`start_display` first);
    returns its surface."""
    pygame = start_display(headless)
    try:
        surface = pygame.display.set_mode(size, pygame.RESIZABLE)
    except pygame.error as err:
        pygame.display.quit()
        raise _no_window(err) from None
    pygame.font.init()
    pygame.display.set_caption(title)
    return surface
