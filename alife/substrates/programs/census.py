"""Which programs a soup holds, and how many of them replicate, for summaries of runs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from alife.analysis.soup_price import motif_trait
from alife.engine.backend import DeviceArray, to_backend, to_host
from alife.engine.rng import derive_host
from alife.substrates.programs.language import Language
from alife.substrates.programs.selfrep import REPLICATOR_THRESHOLD, selfrep_scores


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


def census_scores(
    language: str | Language,
    soup: DeviceArray,
    run_seed: int,
    epoch: int,
    *,
    max_steps: int,
    backend: str,
) -> DeviceArray:
    """Replicator scores ((n,) int64, on the soup's device) of a run's soup after
    ``epoch`` completed epochs, as a census during the run draws them: with
    :func:`census_seed` and the run's step limit."""
    seed = census_seed(run_seed, epoch)
    return selfrep_scores(language, soup, seed, max_steps=max_steps, backend=backend)


def snapshot_scores(config: dict, soup: np.ndarray, epoch: int, backend: str) -> np.ndarray:
    """Replicator scores ((n,) int64, on the host) of a run's (n, 64) uint8 host snapshot
    after ``epoch`` completed epochs, scored on ``backend`` (cpu or cuda) with the run
    ``config``'s language, seed and step limit, as the run's own census would be."""
    scores = census_scores(
        config["language"],
        to_backend(soup, backend),
        config["seed"],
        epoch,
        max_steps=config["max_steps"],
        backend=backend,
    )
    return to_host(scores)


def replicators_by_motifs(
    soup: np.ndarray, scores: np.ndarray, motifs: Sequence[np.ndarray]
) -> np.ndarray:
    """(len(motifs) + 1, 2) int64: per number k of ``motifs`` (1-D uint8 byte patterns)
    a program of the (n, 64) uint8 ``soup`` holds, [k] = (programs holding exactly k,
    those of them scoring at least REPLICATOR_THRESHOLD in the (n,) ``scores``); e.g.
    whether programs that kept one half of a copy loop still replicate."""
    held = np.sum([motif_trait(soup, motif) > 0 for motif in motifs], axis=0, dtype=np.int64)
    replicates = np.asarray(scores) >= REPLICATOR_THRESHOLD
    length = len(motifs) + 1
    programs = np.bincount(held, minlength=length)
    return np.stack([programs, np.bincount(held[replicates], minlength=length)], axis=1)


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
class ReplicatorFamily:
    """Replicators with one code skeleton: ``skeleton`` (1-D uint8, the program without
    its no-op bytes, or its mirror image, whichever sorts first), how many programs and
    how many distinct exact programs share it."""

    skeleton: np.ndarray
    copies: int
    kinds: int


@dataclass(frozen=True)
class Census:
    """Self-replicators of one soup.

    ``programs``: soup size; ``replicators``: programs scoring >= REPLICATOR_THRESHOLD;
    ``kinds``: distinct exact programs among them; ``top``: the most abundant of those
    kinds, most copies first; ``families``: distinct code skeletons among them (see
    :func:`skeleton`); ``top_families``: the largest families.
    """

    programs: int
    replicators: int
    kinds: int
    top: list[ReplicatorKind]
    families: int = 0
    top_families: list[ReplicatorFamily] = field(default_factory=list)

    @property
    def fraction(self) -> float:
        """Replicators per program of the soup."""
        return self.replicators / self.programs

    def metrics(self) -> dict[str, float]:
        """The census as run-file metrics: ``replicators``, ``replicator_fraction``,
        ``replicator_kinds`` and ``replicator_families``."""
        return {
            "replicators": float(self.replicators),
            "replicator_fraction": self.fraction,
            "replicator_kinds": float(self.kinds),
            "replicator_families": float(self.families),
        }


def skeleton(program: np.ndarray, noop_bytes: np.ndarray | None) -> bytes:
    """A program's family key: its bytes without the no-op bytes (``noop_bytes``, (256,)
    bool; None keeps every byte), or that sequence reversed, whichever is smaller. BFF
    replicators copy themselves backwards, so a program and its mirror are one family,
    and mutations of data (no-op) bytes stay in the family."""
    code = program if noop_bytes is None else program[~noop_bytes[program]]
    forward, backward = code.tobytes(), code[::-1].tobytes()
    return min(forward, backward)


def _families(programs, copies, noop_bytes, top) -> tuple[int, list[ReplicatorFamily]]:
    """Group distinct replicator programs ((k, 64) with their copy counts) by skeleton."""
    groups: dict[bytes, list[int]] = {}
    for program, count in zip(programs, copies.tolist(), strict=True):
        key = skeleton(program, noop_bytes)
        entry = groups.setdefault(key, [0, 0])
        entry[0] += count
        entry[1] += 1
    ranked = sorted(groups.items(), key=lambda item: (-item[1][0], item[0]))[:top]
    return len(groups), [
        ReplicatorFamily(np.frombuffer(key, dtype=np.uint8), copies_, kinds)
        for key, (copies_, kinds) in ranked
    ]


def replicator_census(
    soup: np.ndarray,
    scores: np.ndarray,
    top: int = 10,
    noop_bytes: np.ndarray | None = None,
) -> Census:
    """The census of an (n, 64) uint8 host soup given its (n,) int scores; families are
    keyed by :func:`skeleton` with the language's ``noop_bytes``."""
    replicating = np.flatnonzero(scores >= REPLICATOR_THRESHOLD)
    kinds: list[ReplicatorKind] = []
    n_kinds = n_families = 0
    families: list[ReplicatorFamily] = []
    if replicating.size:
        programs, inverse, copies = np.unique(
            soup[replicating], axis=0, return_inverse=True, return_counts=True
        )
        n_families, families = _families(programs, copies, noop_bytes, top)
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
    return Census(len(soup), int(replicating.size), n_kinds, kinds, n_families, families)
