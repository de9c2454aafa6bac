"""Lineage from tracer tokens: where a traced soup's bytes came from, and who descends
from whom between snapshots (see :mod:`alife.substrates.programs.tracer`).

* :func:`program_origins`: the births (creation epoch and program) of one program's
  bytes, with how many bytes each gave;
* :func:`original_survivors`: which programs of the initial soup still have bytes in a
  later soup, and how many copies;
* :func:`best_ancestor`: the program of an earlier soup sharing the most distinct tokens
  with a given program; :func:`ancestry` follows that link back through a run's snapshots,
  giving the line of descent of one program (e.g. the first replicator).
"""

from __future__ import annotations

from dataclasses import dataclass

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


def best_ancestor(earlier: np.ndarray, tokens: np.ndarray) -> tuple[int, int]:
    """The program of the (n, 64) uint64 ``earlier`` tokens sharing the most distinct
    tokens with one program's (64,) ``tokens``, and how many it shares (ties go to the
    lowest index); (-1, 0) when none shares any. Vectorised over the whole soup: one
    sort of its tokens per call."""
    ordered = np.sort(earlier, axis=1)
    first = np.ones(ordered.shape, dtype=bool)
    first[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    shared = (np.isin(ordered, tokens) & first).sum(axis=1)
    best = int(np.argmax(shared))
    return (best, int(shared[best])) if shared[best] else (-1, 0)


@dataclass(frozen=True)
class AncestryStep:
    """One link of a line of descent: ``program`` at snapshot ``epoch`` (its bytes and
    tokens), and how many distinct tokens it shares with the next (later) step."""

    epoch: int
    program: int
    soup_bytes: np.ndarray
    tokens: np.ndarray
    shared_with_descendant: int


def ancestry(path: str, epoch: int, program: int) -> list[AncestryStep]:
    """The line of descent of ``program`` at snapshot ``epoch`` of a traced run, through
    every earlier snapshot: latest first, each step the :func:`best_ancestor` of the one
    after it; it ends at the first snapshot or where no earlier program shares a token."""
    with open_run(path) as run:
        if "tokens" not in run.snapshot_keys:
            raise AlifeInputError(f"{path!r} is not a traced run (start it with --trace)")
        epochs = [int(e) for e in run.snapshot_epochs if e <= epoch]
        if epoch not in epochs:
            run.snapshot(epoch)  # raises, naming the snapshots there are
        soup, tokens = run.snapshot(epoch), run.snapshot(epoch, "tokens")
        if not 0 <= program < len(soup):
            raise AlifeInputError(
                f"program {program} is not in the soup; valid programs are 0 to {len(soup) - 1}"
            )
        steps = [AncestryStep(epoch, program, soup[program], tokens[program], 0)]
        for earlier_epoch in reversed(epochs[:-1]):
            earlier = run.snapshot(earlier_epoch, "tokens")
            parent, shared = best_ancestor(earlier, steps[-1].tokens)
            if parent < 0:
                break
            parent_soup = run.snapshot(earlier_epoch)
            steps.append(
                AncestryStep(earlier_epoch, parent, parent_soup[parent], earlier[parent], shared)
            )
    return steps
