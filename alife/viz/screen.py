"""pygame set-up shared by the viewer and the headless renderer.

pygame is the ``viz`` extra. Importing it through :func:`import_pygame` hides its
greeting and turns its absence into one clear sentence; :func:`open_display` starts only
the display and font modules (no audio), on SDL's dummy driver when ``headless``.
"""

from __future__ import annotations

import os

from alife.errors import AlifeInputError


def import_pygame():
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


def open_display(size: tuple[int, int], title: str, headless: bool = False):
    """Start pygame's display (SDL's dummy driver when ``headless``) and open a
    ``size`` = (width, height) pixel window; returns its surface."""
    if headless:
        os.environ["SDL_VIDEODRIVER"] = "dummy"
    pygame = import_pygame()
    try:
        pygame.display.init()
        surface = pygame.display.set_mode(size, pygame.RESIZABLE)
    except pygame.error as err:
        pygame.display.quit()
        raise AlifeInputError(
            f"cannot open a window ({err}); on a machine without a display use "
            f"'alife render' for headless frames"
        ) from None
    pygame.font.init()
    pygame.display.set_caption(title)
    return surface
