"""Spatial soups: which programs may meet, as a graph, and cubff's matching over it.

An :class:`InteractionGraph` lists, for each program ``a``, the programs ``b`` it may be
paired with, in order (cubff's ``allowed_interactions``). Each epoch cubff pairs programs
greedily (:func:`greedy_matching`): it visits the programs in the order of its epoch
permutation; program ``i`` with a non-empty list picks entry
``seed(seed(epoch) ^ seed(i)) % len`` of its list, and the two are paired unless either
is already taken. Unpaired programs do not run that epoch (they are still mutated, as in
cubff, where they fill the pairs after the matched ones).

Two sources of graphs, as cubff:

* a 2-D grid (:func:`grid_graph`, cubff's ``make_2d_pattern.py``): program ``r * width
  + c`` sits at row ``r``, column ``c`` and may meet every program within Chebyshev
  distance 2 (a 5x5 square minus itself, cut at the edges, not toroidal), listed in
  row-major order;
* a text file of ``a b`` lines (:func:`read_interactions`, cubff's
  ``--interaction_pattern``): ``b`` is appended to ``a``'s list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numba
import numpy as np

from alife.engine.rng import rng_functions
from alife.errors import AlifeInputError
from alife.substrates.programs.pairing import cubff_permutation
from alife.textfiles import read_user_text

GRID_REACH = 2
"""Chebyshev radius of a grid program's neighbourhood (cubff's RANGE)."""

_derive = rng_functions("cpu").derive


@dataclass(frozen=True)
class InteractionGraph:
    """Allowed partners of each program in compressed rows.

    ``offsets``: (n + 1,) int64; the partners of program ``a`` are
    ``targets[offsets[a]:offsets[a + 1]]``, a (m,) uint32 array, in cubff's order.
    """

    offsets: np.ndarray
    targets: np.ndarray

    @property
    def programs(self) -> int:
        """Number of programs (nodes)."""
        return len(self.offsets) - 1

    @classmethod
    def from_edges(
        cls, sources: np.ndarray, targets: np.ndarray, programs: int
    ) -> InteractionGraph:
        """Graph of the edges ``sources[k] -> targets[k]``, each program's partners kept in
        the order they appear."""
        order = np.argsort(sources, kind="stable")
        counts = np.bincount(sources, minlength=programs)
        offsets = np.zeros(programs + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        return cls(offsets, np.ascontiguousarray(targets[order], dtype=np.uint32))

    def state(self) -> dict[str, np.ndarray]:
        """The graph as arrays for a checkpoint."""
        return {"interaction_offsets": self.offsets, "interaction_targets": self.targets}

    @classmethod
    def from_state(cls, state: dict[str, np.ndarray]) -> InteractionGraph:
        """The graph saved by :meth:`state`."""
        return cls(
            np.asarray(state["interaction_offsets"], dtype=np.int64),
            np.asarray(state["interaction_targets"], dtype=np.uint32),
        )


def parse_grid(text: str) -> tuple[int, int]:
    """``"WxH"`` -> (width, height); raises AlifeInputError naming the bad text."""
    match = re.fullmatch(r"\s*(\d+)\s*[xX]\s*(\d+)\s*", text)
    if not match or 0 in (int(match[1]), int(match[2])):
        raise AlifeInputError(
            f"grid {text!r} is not WIDTHxHEIGHT with two positive integers, e.g. 240x135"
        )
    return int(match[1]), int(match[2])


def grid_graph(width: int, height: int) -> InteractionGraph:
    """The 2-D grid of ``width * height`` programs (see the module docstring)."""
    sources, targets = [], []
    rows, cols = np.divmod(np.arange(width * height), width)
    for dr in range(-GRID_REACH, GRID_REACH + 1):
        for dc in range(-GRID_REACH, GRID_REACH + 1):
            if dr == dc == 0:
                continue
            r, c = rows + dr, cols + dc
            inside = (r >= 0) & (r < height) & (c >= 0) & (c < width)
            sources.append(np.flatnonzero(inside))
            targets.append(r[inside] * width + c[inside])
    # One pass per offset gives each program's partners in row-major order once sorted
    # stably by source: the offsets were visited in row-major order.
    return InteractionGraph.from_edges(
        np.concatenate(sources), np.concatenate(targets), width * height
    )


def read_interactions(path: str, programs: int) -> InteractionGraph:
    """The graph in the text file ``path`` (``a b`` per line; blank lines and ``#``
    comments allowed) over ``programs`` programs; raises AlifeInputError on the first
    malformed line, index outside [0, programs) or self-interaction (which cubff would
    pair and then run past its order array)."""
    lines = read_user_text(path, "interactions file", "lines 'a b' of program indices").splitlines()
    edges = []
    for number, line in enumerate(lines, 1):
        fields = line.split("#", 1)[0].split()
        if not fields:
            continue
        if len(fields) != 2 or not all(re.fullmatch(r"-?\d+", x) for x in fields):
            raise AlifeInputError(
                f"line {number} of {path!r} is {line.strip()!r}; every line must be "
                f"'a b', two program indices"
            )
        a, b = int(fields[0]), int(fields[1])
        for index in (a, b):
            if not 0 <= index < programs:
                raise AlifeInputError(
                    f"line {number} of {path!r} names program {index}, outside [0, "
                    f"{programs}) for a soup of {programs} programs"
                )
        if a == b:
            raise AlifeInputError(
                f"line {number} of {path!r} pairs program {a} with itself; a program "
                f"interacts with another one"
            )
        edges.append((a, b))
    if not edges:
        raise AlifeInputError(f"interactions file {path!r} lists no interactions")
    pairs = np.array(edges, dtype=np.int64)
    return InteractionGraph.from_edges(pairs[:, 0], pairs[:, 1], programs)


@numba.njit(cache=True)
def _match(order, offsets, targets, seed_hash, epoch_hash, used, out):
    n = order.shape[0]
    for i in range(n):
        used[i] = False
    pairs = 0
    for k in range(n):
        i = order[k]
        degree = offsets[i + 1] - offsets[i]
        if degree == 0:
            continue
        pick = _derive(seed_hash, epoch_hash ^ _derive(seed_hash, np.uint64(i)))
        partner = targets[offsets[i] + np.int64(pick % np.uint64(degree))]
        if used[i] or used[partner]:
            continue
        used[i] = True
        used[partner] = True
        out[2 * pairs] = i
        out[2 * pairs + 1] = partner
        pairs += 1
    filled = 2 * pairs
    for i in range(n):
        if not used[i]:
            out[filled] = i
            filled += 1
    return pairs


def greedy_matching(graph: InteractionGraph, seed_hash: int, epoch: int) -> tuple[np.ndarray, int]:
    """cubff's pairing over ``graph`` at ``epoch``: ((n,) uint32 order, matched pairs).

    Pairs ``k < matched`` are ``order[2k], order[2k + 1]``; the unmatched programs follow
    in index order. ``seed_hash`` is ``SplitMix64(seed)`` of the run's seed.
    """
    n = graph.programs
    order = cubff_permutation(seed_hash, epoch, n)
    epoch_hash = np.uint64(_derive(np.uint64(seed_hash), np.uint64(epoch)))
    out = np.empty(n, dtype=np.uint32)
    used = np.empty(n, dtype=np.bool_)
    matched = _match(
        order, graph.offsets, graph.targets, np.uint64(seed_hash), epoch_hash, used, out
    )
    return out, int(matched)
