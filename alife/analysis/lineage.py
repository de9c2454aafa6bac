"""Lineage from tracer tokens: where a traced soup's bytes came from, and who descends
from whom between snapshots (see :mod:`alife.substrates.programs.tracer`).

* :func:`program_origins`: the births (creation epoch and program) of one program's
  bytes, with how many bytes each gave;
* :func:`original_survivors`: which programs of the initial soup still have bytes in a
  later soup, and how many copies;
* :func:`ancestors`: the programs of an earlier soup a given program's bytes come from
  (a greedy cover of its tokens, the largest giver first); :func:`family_tree` follows
  those links back through a run's snapshots, e.g. for the first replicator.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from alife.engine.store import open_run
from alife.errors import AlifeInputError
from alife.substrates.programs.tracer import (
    TOKEN_PROGRAM_SHIFT,
    origins,
    token_epoch,
    token_program,
)


@dataclass(frozen=True)
class Origin:
    """A birth of bytes: created at ``epoch`` (0: the initial soup) in ``program``;
    ``positions`` (list of ints) are where those bytes sit in the program examined."""

    epoch: int
    program: int
    positions: list[int]

    @property
    def bytes(self) -> int:
        """How many of the examined program's bytes come from this birth."""
        return len(self.positions)


def program_origins(tokens: np.ndarray) -> list[Origin]:
    """The births of the bytes of one program, given its (64,) uint64 tokens: most bytes
    first, then earliest."""
    born = origins(tokens)
    kinds, inverse = np.unique(born, return_inverse=True)
    inverse = inverse.reshape(-1)
    out = [
        Origin(
            int(token_epoch(k << np.uint64(TOKEN_PROGRAM_SHIFT))),
            int(token_program(k << np.uint64(TOKEN_PROGRAM_SHIFT))),
            np.flatnonzero(inverse == i).tolist(),
        )
        for i, k in enumerate(kinds)
    ]
    return sorted(out, key=lambda o: (-o.bytes, o.epoch, o.program))


def original_survivors(tokens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Programs of the initial soup with bytes left in an (n, 64) uint64 token soup, and
    how many bytes (copies included) each has there: two (k,) int64 arrays, most bytes
    first."""
    flat = tokens.reshape(-1)
    original = flat[token_epoch(flat) == 0]
    programs, counts = np.unique(token_program(original), return_counts=True)
    order = np.lexsort((programs, -counts))
    return programs[order], counts[order].astype(np.int64)


def ancestors(
    earlier: np.ndarray, tokens: np.ndarray, *, min_shared: int = 1, most: int | None = None
) -> list[tuple[int, int]]:
    """The programs of an earlier soup ((n, 64) uint64 tokens) that one program's bytes
    ((64,) uint64 tokens) come from, as ``[(program, tokens it gives), ...]``: first the
    program sharing the most distinct tokens (ties: lowest index), then the one holding
    most of the tokens not yet accounted for, and so on (a greedy cover), while a program
    gives at least ``min_shared`` tokens, at most ``most`` programs."""
    ordered = np.sort(earlier, axis=1)
    first = np.ones(ordered.shape, dtype=bool)
    first[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    wanted = np.unique(tokens)
    found: list[tuple[int, int]] = []
    while wanted.size and (most is None or len(found) < most):
        shared = (np.isin(ordered, wanted) & first).sum(axis=1)
        best = int(np.argmax(shared))
        if shared[best] < max(min_shared, 1):
            break
        found.append((best, int(shared[best])))
        wanted = wanted[~np.isin(wanted, earlier[best])]
    return found


@dataclass
class FamilyNode:
    """A program in a family tree: at snapshot ``epoch``, its index, bytes and tokens,
    how many of its descendant's tokens it gives (0 for the root), and its own
    ``parents`` at the snapshot before (``ancestors``), or ``seen`` when its subtree is
    already shown elsewhere in the tree."""

    epoch: int
    program: int
    soup_bytes: np.ndarray
    tokens: np.ndarray
    gives: int = 0
    parents: list[FamilyNode] = field(default_factory=list)
    seen: bool = False


def check_program(program: int, programs: int) -> None:
    """AlifeInputError unless ``program`` indexes a soup of ``programs`` programs."""
    if not 0 <= program < programs:
        raise AlifeInputError(
            f"program {program} is not in the soup; valid programs are 0 to {programs - 1}"
        )


def family_tree(
    path: str, epoch: int, program: int, *, min_shared: int = 4, max_nodes: int = 64
) -> FamilyNode:
    """The family tree of ``program`` at snapshot ``epoch`` of a traced run: its
    :func:`ancestors` (each giving >= ``min_shared`` tokens) at the snapshot before,
    theirs at the one before that, and so on back to the first snapshot, a program met
    twice at one snapshot shown once; at most ``max_nodes`` nodes."""
    with open_run(path) as run:
        if "tokens" not in run.snapshot_keys:
            raise AlifeInputError(f"{path!r} is not a traced run (start it with --trace)")
        epochs = [int(e) for e in run.snapshot_epochs if e <= epoch]
        if epoch not in epochs:
            run.snapshot(epoch)  # raises, naming the snapshots there are
        soup, tokens = run.snapshot(epoch), run.snapshot(epoch, "tokens")
        check_program(program, len(soup))
        root = FamilyNode(epoch, program, soup[program], tokens[program])
        level, count = [root], 1
        for earlier_epoch in reversed(epochs[:-1]):
            earlier, earlier_soup = (
                run.snapshot(earlier_epoch, "tokens"),
                run.snapshot(earlier_epoch),
            )
            placed: dict[int, FamilyNode] = {}
            for node in level:
                for parent, gives in ancestors(earlier, node.tokens, min_shared=min_shared):
                    if count >= max_nodes:
                        break
                    known = parent in placed
                    node.parents.append(
                        FamilyNode(
                            earlier_epoch,
                            parent,
                            earlier_soup[parent],
                            earlier[parent],
                            gives,
                            seen=known,
                        )
                    )
                    placed.setdefault(parent, node.parents[-1])
                    count += 1
            level = list(placed.values())
            if not level:
                break
    return root
