"""Which bytes a replicator needs: every one-byte mutant of a program, scored.

A mutational scan in the manner of Adami, Ofria & Collier (2000): each of a program's 64
bytes is set to each of the 255 other values, and each mutant is given cubff's
self-replication score (:mod:`alife.substrates.programs.selfrep`). A byte whose every
mutant keeps replicating specifies nothing; a byte that tolerates ``k`` of 256 values
specifies ``log2(256 / k)`` bits. Summed over the bytes, as if each byte's tolerance did
not depend on the others, this estimates how much information the replicator holds: the
"physical complexity" of a self-replicating program, and the odds, 2 to the minus that
many bits, that random bytes spell a program of its kind.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alife.engine.backend import resolve_backend, to_backend, to_host
from alife.errors import AlifeInputError
from alife.substrates.programs.language import (
    DEFAULT_MAX_STEPS,
    PROGRAM_SIZE,
    Language,
    check_max_steps,
)
from alife.substrates.programs.registry import get_language
from alife.substrates.programs.selfrep import REPLICATOR_THRESHOLD, selfrep_scores

VALUES = 256
"""Values a byte can take."""


def point_mutants(program: np.ndarray) -> np.ndarray:
    """Every one-byte variant of a (64,) uint8 ``program``: a (64 * 256, 64) uint8 array
    whose row ``256 * j + v`` is the program with byte ``j`` set to ``v`` (the rows with
    ``v`` equal to the program's own byte are the program itself)."""
    mutants = np.tile(np.asarray(program, dtype=np.uint8), (PROGRAM_SIZE * VALUES, 1))
    rows = np.arange(PROGRAM_SIZE * VALUES)
    mutants[rows, rows // VALUES] = rows % VALUES
    return mutants


@dataclass(frozen=True)
class MutantScan:
    """The self-replication scores of a program and of its one-byte mutants.

    Attributes
    ----------
    program: (64,) uint8, the program scanned.
    score: its own score (0-64).
    scores: (64, 256) int64, ``scores[j, v]`` the score of the program with byte ``j``
        set to ``v``; the entries ``[j, program[j]]`` hold ``score``.
    """

    program: np.ndarray
    score: int
    scores: np.ndarray

    def tolerated(self, at_least: int | None = None) -> np.ndarray:
        """(64,) int64: per byte, the values (1 to 256, its own included) whose mutant
        scores at least ``at_least`` (default: the program's own score)."""
        threshold = self.score if at_least is None else at_least
        kept = self.scores >= threshold
        kept[np.arange(PROGRAM_SIZE), self.program] = True
        return kept.sum(axis=1)

    def specified_bits(self, at_least: int | None = None) -> np.ndarray:
        """(64,) float64: per byte, ``log2(256 / tolerated)`` bits (0 for a byte any value
        will do, 8 for one no other value will); see :meth:`tolerated`."""
        return np.log2(VALUES / self.tolerated(at_least))


def scan_mutants(
    language: str | Language,
    program: np.ndarray,
    *,
    seed: int = 0,
    max_steps: int = DEFAULT_MAX_STEPS,
    backend: str = "cpu",
) -> MutantScan:
    """Score a (64,) uint8 ``program`` and all 64 * 255 of its one-byte mutants with
    cubff's self-replication score, as one batch seeded with ``seed`` (each mutant meets
    its own noise); ``max_steps`` interpreter iterations per run; ``backend`` "cpu",
    "cuda" or "auto". Raises AlifeInputError unless the program is a replicator (score
    at least :data:`REPLICATOR_THRESHOLD`): a scan of anything else says nothing."""
    if isinstance(language, str):
        language = get_language(language)
    backend = resolve_backend(backend)
    check_max_steps(max_steps)
    program = np.asarray(program, dtype=np.uint8)
    if program.shape != (PROGRAM_SIZE,):
        raise AlifeInputError(
            f"a program to scan has {PROGRAM_SIZE} bytes, got {program.size}; "
            "write it in full, as 'alife soup census' prints it"
        )
    batch = np.concatenate([program[None], point_mutants(program)])
    scores = to_host(
        selfrep_scores(
            language, to_backend(batch, backend), seed, max_steps=max_steps, backend=backend
        )
    )
    score = int(scores[0])
    if score < REPLICATOR_THRESHOLD:
        raise AlifeInputError(
            f"the program scores {score}, below {REPLICATOR_THRESHOLD}: it is not a "
            f"self-replicator in {language.name}, so its mutants have nothing to keep"
        )
    scores = scores[1:].reshape(PROGRAM_SIZE, VALUES)
    scores[np.arange(PROGRAM_SIZE), program] = score
    return MutantScan(program, score, scores)
