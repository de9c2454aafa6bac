"""Which programs a soup holds, and how many of them replicate, for summaries of runs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alife.engine.rng import derive_host
from alife.substrates.programs.selfrep import REPLICATOR_THRESHOLD


def most_frequent_programs(soup: np.ndarray, top: int = 10) -> list[tuple[np.ndarray, int]]:
    """The ``top`` most frequent exact programs of an (n, 64) uint8 soup.

    Returns ``[(program, count), ...]`` sorted by count (descending), ties by the
    program's bytes; ``program`` is a (64,) uint8 array.
    """
    programs, counts = np.unique(np.ascontiguousarray(soup), axis=0, return_counts=True)
    order = np.lexsort((np.arange(len(counts)), -counts))[:top]
    return [(programs[i], int(counts[i])) for i in order]


def census_seed(run_seed: int, epoch: int) -> int:
    """The seed of a soup's replicator census after ``epoch`` completed epochs: the seed
    of the epoch just run (cubff's ``seed(epoch)`` in its 0-based count), so a census
    equals cubff's ``--eval_selfrep`` at the same epoch. Epoch 0 uses counter 2**64 - 1."""
    return derive_host(run_seed, (epoch - 1) % 2**64)


@dataclass(frozen=True)
class ReplicatorKind:
    """One exact program among a soup's replicators: its bytes ((64,) uint8), how many
    copies the soup holds, and the mean and highest score of those copies (each copy is
    scored on its own random partners)."""

    program: np.ndarray
    copies: int
    mean_score: float
    max_score: int


@dataclass(frozen=True)
class Census:
    """Self-replicators of one soup.

    ``programs``: soup size; ``replicators``: programs scoring >= REPLICATOR_THRESHOLD;
    ``kinds``: distinct exact programs among them; ``top``: the most abundant of those
    kinds, most copies first.
    """

    programs: int
    replicators: int
    kinds: int
    top: list[ReplicatorKind]

    @property
    def fraction(self) -> float:
        """Replicators per program of the soup."""
        return self.replicators / self.programs

    def metrics(self) -> dict[str, float]:
        """The census as run-file metrics: ``replicators``, ``replicator_fraction`` and
        ``replicator_kinds``."""
        return {
            "replicators": float(self.replicators),
            "replicator_fraction": self.fraction,
            "replicator_kinds": float(self.kinds),
        }


def replicator_census(soup: np.ndarray, scores: np.ndarray, top: int = 10) -> Census:
    """The census of an (n, 64) uint8 host soup given its (n,) int scores."""
    replicating = np.flatnonzero(scores >= REPLICATOR_THRESHOLD)
    kinds: list[ReplicatorKind] = []
    n_kinds = 0
    if replicating.size:
        programs, inverse, copies = np.unique(
            soup[replicating], axis=0, return_inverse=True, return_counts=True
        )
        inverse = inverse.reshape(-1)
        kind_scores = scores[replicating]
        total = np.bincount(inverse, weights=kind_scores, minlength=len(programs))
        best = np.zeros(len(programs), dtype=np.int64)
        np.maximum.at(best, inverse, kind_scores)
        n_kinds = len(programs)
        for k in np.lexsort((np.arange(n_kinds), -copies))[:top]:
            kinds.append(
                ReplicatorKind(programs[k], int(copies[k]), total[k] / copies[k], int(best[k]))
            )
    return Census(len(soup), int(replicating.size), n_kinds, kinds)
