"""Compositional information in GARD lineages: similarity, carpets, compotypes.

A lineage's *trace* is its compositions at N_max, one per generation: (G, N_G) counts.

- ``similarity``: H, the cosine of two count vectors (1 = same proportions).
- ``carpet``: the (G, G) matrix of H between all generations (Markovitch & Lancet's
  "carpet" plot).
- ``nondrift``: generations whose mean H to the previous and the next generation exceeds
  ``threshold`` (0.9), as the reference code's ``tgs_nondrift`` (technique 1); the first
  and last generation use their one neighbour twice. Dead generations (all zero) are
  drift.
- ``compotypes``: the non-drift generations clustered as the reference code's
  ``tgs_acluster`` does: k-means for k = 1, 2, ... 10 (at most one per point; 10
  seeded restarts each, the lowest sum of squared distances kept) on the unit vectors,
  scored by the mean cosine silhouette (k = 1: by the mean H over all pairs), stopping
  after 4 values of k without improvement; the best-scoring k wins. k-means here is
  scipy's (Euclidean on unit vectors, i.e. on 2 - 2 H), where MATLAB's uses cosine
  distance with normalised centroids.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NONDRIFT_H = 0.9
"""The H to its neighbours above which a generation is non-drift (the reference code's)."""


def unit_rows(trace: np.ndarray) -> np.ndarray:
    """Count vectors (last axis) scaled to length 1 (all-zero rows stay zero)."""
    trace = np.asarray(trace, dtype=np.float64)
    norms = np.linalg.norm(trace, axis=-1, keepdims=True)
    return np.divide(trace, norms, out=np.zeros_like(trace), where=norms > 0)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """H, the cosine of count vectors ``a`` and ``b`` (0 when either is empty)."""
    return float(unit_rows(a) @ unit_rows(b))


def carpet(trace: np.ndarray) -> np.ndarray:
    """(G, G) float64 H between every pair of generations of a (G, N_G) trace."""
    unit = unit_rows(trace)
    return unit @ unit.T


def neighbour_similarity(trace: np.ndarray) -> np.ndarray:
    """(G,) mean H of each generation to the previous and the next (one neighbour at
    the ends)."""
    unit = unit_rows(trace)
    if len(unit) < 2:
        return np.zeros(len(unit))
    steps = np.einsum("ij,ij->i", unit[:-1], unit[1:])
    before = np.concatenate([steps[:1], steps])
    after = np.concatenate([steps, steps[-1:]])
    return (before + after) / 2


def nondrift(trace: np.ndarray, threshold: float = NONDRIFT_H) -> np.ndarray:
    """(G,) bool: generations whose mean H to their neighbours exceeds ``threshold``."""
    alive = np.asarray(trace).sum(axis=-1) > 0
    return (neighbour_similarity(trace) > threshold) & alive


@dataclass(frozen=True)
class Compotypes:
    """Compotypes of a trace.

    Attributes
    ----------
    labels: (G,) int64, the compotype of each generation, -1 for drift.
    centres: (K, N_G) float64 unit vectors, the mean composition of each compotype,
        most frequent first.
    """

    labels: np.ndarray
    centres: np.ndarray

    @property
    def count(self) -> int:
        return len(self.centres)

    def frequencies(self) -> np.ndarray:
        """(K,) share of generations in each compotype."""
        return np.bincount(self.labels[self.labels >= 0], minlength=self.count) / len(self.labels)

    def fidelity(self) -> np.ndarray:
        """(K,) for each compotype, the share of its generations (but the last of the
        trace) followed by a generation of the same compotype: how faithfully it is
        passed on at fission."""
        here, after = self.labels[:-1], self.labels[1:]
        kept = np.bincount(here[(here >= 0) & (after == here)], minlength=self.count)
        total = np.bincount(here[here >= 0], minlength=self.count)
        return np.divide(kept, total, out=np.zeros(self.count), where=total > 0)

    def lifetimes(self) -> list[list[int]]:
        """For each compotype, the lengths of its runs of consecutive generations."""
        runs: list[list[int]] = [[] for _ in range(self.count)]
        start = 0
        for g in range(1, len(self.labels) + 1):
            if g == len(self.labels) or self.labels[g] != self.labels[start]:
                if self.labels[start] >= 0:
                    runs[self.labels[start]].append(g - start)
                start = g
        return runs


def mean_silhouette(unit: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette of unit vectors (n, d) in clusters ``labels`` (n,), with cosine
    distance 1 - H; a point alone in its cluster scores 0."""
    distance = 1.0 - unit @ unit.T
    clusters = np.unique(labels)
    member = labels[:, None] == clusters[None, :]  # (n, k)
    sizes = member.sum(axis=0)
    totals = distance @ member  # (n, k): summed distance to each cluster
    own = member.argmax(axis=1)
    rows = np.arange(len(unit))
    alone = sizes[own] == 1
    a = totals[rows, own] / np.maximum(sizes[own] - 1, 1)
    others = totals / sizes
    others[rows, own] = np.inf
    b = others.min(axis=1)
    score = np.where(alone, 0.0, (b - a) / np.maximum(np.maximum(a, b), 1e-300))
    return float(score.mean())


def compotypes(
    trace: np.ndarray,
    threshold: float = NONDRIFT_H,
    max_k: int = 10,
    restarts: int = 10,
    patience: int = 4,
    seed: int = 0,
) -> Compotypes:
    """The compotypes of a (G, N_G) trace (see the module docstring)."""
    from scipy.cluster.vq import kmeans2

    trace = np.asarray(trace)
    marked = np.flatnonzero(nondrift(trace, threshold))
    labels = np.full(len(trace), -1, dtype=np.int64)
    if len(marked) == 0:
        return Compotypes(labels, np.zeros((0, trace.shape[-1])))
    unit = unit_rows(trace[marked])
    rng = np.random.default_rng(seed)
    best_score, best = float(np.mean(unit @ unit.T)), np.zeros(len(marked), np.int64)
    streak = 0
    for k in range(2, min(max_k, len(marked)) + 1):
        fits = []
        for _ in range(restarts):
            centres, groups = kmeans2(unit, k, minit="++", seed=rng)
            fits.append((float(((unit - centres[groups]) ** 2).sum()), groups))
        groups = min(fits, key=lambda fit: fit[0])[1]
        score = mean_silhouette(unit, groups) if len(np.unique(groups)) > 1 else -1.0
        streak += 1
        if score >= best_score:
            best_score, best, streak = score, groups, 0
        if streak >= patience:
            break
    sizes = np.bincount(best)
    order = np.argsort(-sizes, kind="stable")
    order = order[sizes[order] > 0]
    rank = np.empty(len(sizes), dtype=np.int64)
    rank[order] = np.arange(len(order))
    labels[marked] = rank[best]
    centres = np.stack([unit_rows(unit[rank[best] == c].mean(axis=0)) for c in range(len(order))])
    return Compotypes(labels, centres)
