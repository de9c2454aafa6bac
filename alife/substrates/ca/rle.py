"""Golly's RLE pattern format, read and written.

A file is ``#`` comment lines, a header ``x = W, y = H[, rule = R]`` and a body of run
items ``[count]tag`` ended by ``!``: ``b``/``.`` a dead cell, ``o`` a live one (``A``-``X``
states 1-24 and ``pA``-``yO`` states 25-255 in multistate files), ``$`` the end of a row
(a count skips that many rows). Whitespace and line breaks inside the body are ignored.
"""

from __future__ import annotations

import re

import numpy as np

from alife.errors import AlifeInputError

_HEADER = re.compile(
    r"^\s*x\s*=\s*(\d+)\s*,\s*y\s*=\s*(\d+)\s*(?:,\s*rule\s*=\s*([^\s,]+))?\s*$", re.IGNORECASE
)
_ITEM = re.compile(r"(\d*)([bo.$!]|[A-X]|[p-y][A-X])")
DEFAULT_RULE = "B3/S23"
LINE_LENGTH = 70


def _state(tag: str) -> int:
    if tag in ("b", "."):
        return 0
    if tag == "o":
        return 1
    if len(tag) == 1:  # A..X
        return ord(tag) - ord("A") + 1
    return (ord(tag[0]) - ord("p") + 1) * 24 + ord(tag[1]) - ord("A") + 1


def _items(body: str):
    """(count, tag) of each run item of an RLE body, up to its ``!``."""
    body = "".join(body.split())
    pos = 0
    while pos < len(body):
        item = _ITEM.match(body, pos)
        if not item:
            raise AlifeInputError(
                f"RLE body has {body[pos]!r} at character {pos}; valid items are a count "
                f"followed by b, o, ., A-X, p-y with A-X, $ or !"
            )
        pos = item.end()
        if item.group(2) == "!":
            return
        yield int(item.group(1) or 1), item.group(2)
    raise AlifeInputError("RLE body does not end with '!'")


def decode(body: str, shape: tuple[int, int] | None = None) -> np.ndarray:
    """(H, W) uint8 states of an RLE body (the part after the header, ended by ``!``)
    in a grid of ``shape``, or of the smallest shape that holds it."""
    runs = []  # (row, first column, count, state)
    row = col = 0
    for count, tag in _items(body):
        if tag == "$":
            row, col = row + count, 0
        else:
            runs.append((row, col, count, _state(tag)))
            col += count
    if shape is None:
        shape = (
            max((r for r, _, _, _ in runs), default=-1) + 1,
            max((c + n for _, c, n, _ in runs), default=0),
        )
    height, width = shape
    cells = np.zeros((height, width), dtype=np.uint8)
    for r, c, n, state in runs:
        if r >= height or c + n > width:
            raise AlifeInputError(
                f"RLE body puts cells at row {r}, columns {c}-{c + n - 1}, outside "
                f"the header's {width}x{height}"
            )
        cells[r, c : c + n] = state
    return cells


def read(text: str) -> tuple[np.ndarray, str]:
    """(cells, rule) of an RLE pattern: an (H, W) bool array for two-state patterns
    (``b``/``o`` only), else uint8 states; the header's rule or B3/S23."""
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if not lines:
        raise AlifeInputError("the RLE text has no header line 'x = W, y = H, rule = R'")
    header = _HEADER.match(lines[0])
    if not header:
        raise AlifeInputError(
            f"RLE header {lines[0].strip()!r} is not of the form 'x = W, y = H[, rule = R]'"
        )
    width, height = int(header.group(1)), int(header.group(2))
    rule = header.group(3) or DEFAULT_RULE
    body = "".join(lines[1:])
    cells = decode(body, (height, width))
    two_state = cells.max(initial=0) <= 1 and not re.search(r"[A-X]", body.split("!")[0])
    return (cells.astype(bool) if two_state else cells), rule


def _tag(state: int, two_state: bool) -> str:
    if two_state:
        return "o" if state else "b"
    if state == 0:
        return "."
    if state <= 24:
        return chr(ord("A") + state - 1)
    prefix, rest = divmod(state - 1, 24)
    return chr(ord("p") + prefix - 1) + chr(ord("A") + rest)


def write(cells: np.ndarray, rule: str = DEFAULT_RULE) -> str:
    """RLE text of an (H, W) bool or uint8 grid, lines at most 70 characters."""
    cells = np.asarray(cells)
    if cells.ndim != 2:
        raise AlifeInputError(f"cells must be a 2-D array, got shape {cells.shape}")
    two_state = cells.dtype == bool or cells.max(initial=0) <= 1
    states = cells.astype(np.int64)
    items: list[str] = []
    row_ends = 0  # '$' owed before the next row with live cells
    for r, row in enumerate(states):
        row_ends += r > 0
        live = np.flatnonzero(row)
        if not live.size:
            continue
        if row_ends:
            items.append(f"{row_ends if row_ends > 1 else ''}$")
            row_ends = 0
        c, last = 0, live[-1] + 1  # trailing dead cells are left out
        while c < last:
            run = 1
            while c + run < last and row[c + run] == row[c]:
                run += 1
            items.append(f"{run if run > 1 else ''}{_tag(int(row[c]), two_state)}")
            c += run
    items.append("!")
    lines, line = [], ""
    for item in items:
        if len(line) + len(item) > LINE_LENGTH:
            lines.append(line)
            line = ""
        line += item
    lines.append(line)
    header = f"x = {cells.shape[1]}, y = {cells.shape[0]}, rule = {rule}"
    return "\n".join([header, *lines]) + "\n"
