"""``alife soup mutants``: which bytes of a replicator its replication needs, readably."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from alife.printing import print_uncut
from alife.substrates.programs.language import PROGRAM_SIZE
from alife.substrates.programs.mutants import VALUES, MutantScan, scan_mutants
from alife.substrates.programs.registry import get_language
from alife.substrates.programs.selfrep import REPLICATOR_THRESHOLD

COLUMNS = 8
"""Bytes per row of the printed map."""


def _summary(scan: MutantScan, at_least: int, what: str) -> str:
    tolerated = scan.tolerated(at_least)
    bits = float(scan.specified_bits(at_least).sum())
    return (
        f"{what} (score >= {at_least}): {bits:.0f} bits specified ({bits / 8:.1f} bytes' "
        f"worth); {int((tolerated == 1).sum())} bytes take no other value, "
        f"{int((tolerated == VALUES).sum())} take any"
    )


def print_mutant_scan(
    language_name: str,
    text: str,
    *,
    seed: int = 0,
    max_steps: int,
    at_least: int | None = None,
    backend: str = "cpu",
    console: Console | None = None,
) -> MutantScan:
    """Scan the program ``text`` (cubff's printable form, 64 bytes) of ``language_name``
    (:func:`alife.substrates.programs.mutants.scan_mutants`) and print, per byte, how
    many of the 256 values keep its mutant scoring at least ``at_least`` (default: the
    program's own score), then the bits that specifies, also for staying a replicator
    at all. Returns the scan."""
    console = console or Console()
    language = get_language(language_name)
    scan = scan_mutants(
        language, language.parse(text), seed=seed, max_steps=max_steps, backend=backend
    )
    kept = scan.score if at_least is None else at_least
    tolerated = scan.tolerated(kept)
    console.print(
        f"{language.name} program scoring {scan.score} (seed {seed}); each cell: the byte, "
        f"then how many of its {VALUES} values keep the one-byte mutant scoring >= {kept}"
    )
    table = Table()
    table.add_column("bytes", justify="right", no_wrap=True)
    for column in range(COLUMNS):
        table.add_column(f"+{column}", justify="right", no_wrap=True)
    for start in range(0, PROGRAM_SIZE, COLUMNS):
        cells = [
            f"{language.disassemble(scan.program[j : j + 1])} {tolerated[j]}"
            for j in range(start, start + COLUMNS)
        ]
        table.add_row(f"{start}-{start + COLUMNS - 1}", *cells)
    print_uncut(console, table)
    console.print(_summary(scan, kept, "keeping the score" if at_least is None else "kept"))
    if kept != REPLICATOR_THRESHOLD:
        console.print(_summary(scan, REPLICATOR_THRESHOLD, "staying a replicator"))
    return scan
