"""Printing rich tables and text whole, however narrow the terminal or pipe.

Researchers copy programs (128 hex digits for Forth), figures and file names out of
``alife`` output. rich fits what it prints to the console's width, 80 columns when
output goes to a file or a pipe: table cells are cut and long lines wrapped. Here the
console is widened for one call to the natural width of what it prints.
"""

from __future__ import annotations

from rich.console import Console, RenderableType

_UNBOUNDED = 100_000
"""Width (columns) offered when measuring a renderable's natural width."""


def print_uncut(console: Console, *renderables: RenderableType) -> None:
    """Print ``renderables`` (tables, trees, strings) on ``console`` with no line cut or
    wrapped: as wide as the widest one wants, and no narrower than the console."""
    options = console.options.update_width(_UNBOUNDED)
    natural = max(console.measure(r, options=options).maximum for r in renderables)
    width = console.width
    console.width = max(width, natural)
    try:
        console.print(*renderables)
    finally:
        console.width = width
