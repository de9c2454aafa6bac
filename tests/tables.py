"""Reading the rows of the rich tables that ``show`` commands print."""

from __future__ import annotations


def table_row(output: str, first: str) -> list[str]:
    """The cells (stripped) of the table row in ``output`` whose first cell is ``first``;
    an AssertionError when there is not exactly one."""
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in output.splitlines()]
    found = [row for row in rows if row and row[0] == first]
    assert len(found) == 1, f"{len(found)} rows start with {first!r} in:\n{output}"
    return found[0]
