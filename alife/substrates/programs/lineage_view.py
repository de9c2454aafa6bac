"""``alife soup lineage``: where the bytes of a traced soup run came from, readably."""

from __future__ import annotations

import numpy as np
from rich.console import Console
from rich.table import Table
from rich.tree import Tree

from alife.analysis.lineage import (
    FamilyNode,
    check_program,
    family_tree,
    original_survivors,
    program_origins,
)
from alife.engine.session import wrong_substrate_error
from alife.engine.store import open_run
from alife.errors import AlifeInputError
from alife.printing import print_uncut
from alife.substrates.programs.census import most_frequent_programs
from alife.substrates.programs.registry import get_language
from alife.substrates.programs.summary import snapshot_census
from alife.substrates.programs.tracer import distinct_tokens


def _first_index(soup: np.ndarray, program: np.ndarray) -> int:
    return int(np.flatnonzero((soup == program).all(axis=1))[0])


def first_replicator(path: str, backend: str = "cpu") -> tuple[int, int] | None:
    """(snapshot epoch, program index) of the most abundant replicator of the first
    snapshot that holds any, or None. Snapshots taken at a census that found none are
    skipped without scoring them again."""
    with open_run(path) as run:
        epochs = [int(e) for e in run.snapshot_epochs]
        counts = run.metrics.get("replicators")
        none_found = set() if counts is None else set(run.metrics["epoch"][counts == 0].tolist())
    for epoch in (e for e in epochs if e not in none_found):
        _, census = snapshot_census(path, epoch=epoch, top=1, backend=backend)
        if census.top:
            with open_run(path) as run:
                soup = run.snapshot(epoch)
            return epoch, _first_index(soup, census.top[0].program)
    return None


def print_lineage(
    path: str,
    *,
    epoch: int | None = None,
    program: int | None = None,
    first: bool = False,
    top: int = 10,
    backend: str = "cpu",
    console: Console | None = None,
) -> None:
    """Print, for a traced run: which original programs survive at ``epoch`` (default:
    the last snapshot), then the origins and family tree of one program: ``program``,
    the first replicator (``first``), or by default the most frequent program."""
    console = console or Console()
    with open_run(path) as run:
        if run.substrate != "soup":
            raise wrong_substrate_error(path, run.substrate, "'alife soup lineage'", ["soup"])
        if "tokens" not in run.snapshot_keys:
            raise AlifeInputError(f"{path!r} is not a traced run (start it with --trace)")
        language = get_language(run.config["language"])
        if first:
            found = first_replicator(path, backend)
            if found is None:
                console.print("no snapshot of this run holds a replicator")
                return
            epoch, program = found
        epoch = int(run.snapshot_epochs[-1]) if epoch is None else epoch
        soup, tokens = run.snapshot(epoch), run.snapshot(epoch, "tokens")
    if program is not None:
        check_program(program, len(soup))
    if program is None:
        program = _first_index(soup, most_frequent_programs(soup, 1)[0][0])

    survivors, copies = original_survivors(tokens)
    console.print(
        f"epoch {epoch}: {copies.sum():,} of {tokens.size:,} bytes descend unmutated from "
        f"the initial soup, from {len(survivors):,} of its programs; "
        f"{distinct_tokens(tokens):,} distinct tokens"
    )
    table = Table(title=f"initial programs with the most bytes at epoch {epoch}")
    table.add_column("initial program", justify="right")
    table.add_column("bytes at this epoch", justify="right")
    for p, c in zip(survivors[:top].tolist(), copies[:top].tolist(), strict=True):
        table.add_row(str(p), f"{c:,}")
    console.print(table)

    origins = program_origins(tokens[program])
    print_uncut(
        console,
        f"\nprogram {program} at epoch {epoch}: {language.disassemble(soup[program])}\n"
        f"its 64 bytes come from {len(origins)} births (creation epoch, program):",
    )
    births = Table()
    births.add_column("born at epoch", justify="right")
    births.add_column("in program", justify="right")
    births.add_column("bytes", justify="right")
    births.add_column("at positions")
    for o in origins[:top]:
        births.add_row(str(o.epoch), str(o.program), str(o.bytes), _ranges(o.positions))
    print_uncut(console, births)

    root = family_tree(path, epoch, program)
    tree = Tree(_node_label(root, language), guide_style="dim")
    _add_parents(tree, root, language)
    console.print("\nfamily tree through earlier snapshots (tokens each ancestor gives):")
    print_uncut(console, tree)


def _node_label(node: FamilyNode, language) -> str:
    gives = f", gives {node.gives} tokens" if node.gives else ""
    seen = " (its ancestors are shown above)" if node.seen else ""
    code = language.disassemble(node.soup_bytes)
    return f"epoch {node.epoch}, program {node.program}{gives}{seen}: {code}"


def _add_parents(branch: Tree, node: FamilyNode, language) -> None:
    for parent in node.parents:
        _add_parents(branch.add(_node_label(parent, language)), parent, language)


def _ranges(positions: list[int]) -> str:
    """'0-7, 9, 12-13' for sorted positions."""
    parts, start = [], None
    for i, p in enumerate(positions):
        if start is None:
            start = p
        if i + 1 == len(positions) or positions[i + 1] != p + 1:
            parts.append(str(start) if start == p else f"{start}-{p}")
            start = None
    return ", ".join(parts)
