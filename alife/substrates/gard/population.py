"""Population GARD: independent Moran populations of P assemblies each, stepped
together on the CPU or a CUDA GPU (see :mod:`alife.substrates.gard.kernels`).

Population b draws from stream ``derive(seed, replicas + 1 + b)`` (lineage streams use
``derive(seed, a + 1)``); its starting assemblies are N_max // 2 uniform molecules each,
the stream's first draws in order (assembly 0 first). The reference code's
``population_gard_nmin`` draws N_max and splits at once; half of a uniform sample drawn
without replacement is itself a uniform sample, so the two starts are alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alife.engine.backend import array_module, resolve_backend, to_backend, to_host
from alife.engine.rng import derive_array
from alife.errors import check_count
from alife.substrates.gard.kernels import kernels
from alife.substrates.gard.model import GardConfig, chemistry_arguments, species_counts, uniforms


@dataclass(frozen=True)
class PopulationConfig(GardConfig):
    """A population run: the chemistry and selection of :class:`GardConfig`, and
    ``populations`` independent populations of ``size`` assemblies (``replicas`` is set
    to ``populations``; with ``distinct_betas`` population b uses matrix b)."""

    size: int = 100
    populations: int = 1

    def __post_init__(self) -> None:
        for name, low in (("size", 2), ("populations", 1)):
            check_count(name, getattr(self, name), low)
        object.__setattr__(self, "replicas", self.populations)
        super().__post_init__()

    def keys(self) -> np.ndarray:
        """(populations,) uint64 stream keys."""
        offset = self.replicas + 1
        return derive_array(self.seed, np.arange(self.populations, dtype=np.uint64) + offset)


def initial_populations(config: PopulationConfig, keys: np.ndarray) -> np.ndarray:
    """(B, P, N_G) int32 starting assemblies of the populations of the (B,) uint64 stream
    ``keys``: place p of population b takes draws p N_min .. (p + 1) N_min - 1 of
    stream b, so each stream's next counter is P N_min."""
    places, nmin = config.size, config.nmin
    draws = uniforms(keys, 0, places * nmin).reshape(len(keys), places, nmin)
    return species_counts(draws, config.species)


class Populations:
    """``config.populations`` populations on ``backend``; ``state`` continues one."""

    def __init__(self, config: PopulationConfig, backend: str = "cpu", state: dict | None = None):
        self.config = gard = config
        self.backend = resolve_backend(backend)
        xp = array_module(self.backend)
        keys = config.keys()
        shape = (config.populations, config.size, gard.species)
        if state is None:
            counts = initial_populations(config, keys)
            counters = np.full(config.populations, config.size * config.nmin, dtype=np.uint64)
            masks, factors = np.zeros(shape, bool), np.ones(shape[:2])
        else:
            counts, counters = state["counts"], state["counters"]
            masks, factors = state["masks"], state["factors"]
        self.betas, self.beta_index = gard.betas(), gard.beta_index()
        self.counts = to_backend(np.ascontiguousarray(counts, dtype=np.int32), self.backend)
        self.counters = to_backend(np.asarray(counters, dtype=np.uint64), self.backend)
        self.masks = to_backend(np.asarray(masks, dtype=bool), self.backend)
        self.factors = to_backend(np.asarray(factors, dtype=np.float64), self.backend)
        self._keys = to_backend(keys, self.backend)
        self._chemistry = chemistry_arguments(gard, self.betas, self.backend)
        self._catal = xp.zeros(shape, dtype=np.float64)
        self._totals = xp.zeros(shape[:2], dtype=np.float64)
        self._rates = xp.zeros((config.populations, 2 * gard.species), dtype=np.float64)
        self._daughters = xp.zeros((config.populations, gard.species), dtype=np.int32)
        self._kernel = kernels(self.backend).populations

    def run(self, splits: int) -> dict[str, np.ndarray]:
        """Run every population until ``splits`` more fissions; returns numpy
        ``splits`` (B, P) int64 fissions of each place's assembly, ``replaced`` (B, P)
        int64 times each place was overwritten by a daughter, ``origin`` (B, P) int64
        the place each assembly descends from (where it was when the call began),
        ``events`` (B,) int64 and ``elapsed`` (B,) float64 model time."""
        xp = array_module(self.backend)
        b, places = self.config.populations, self.config.size
        out = {
            "splits": xp.zeros((b, places), dtype=np.int64),
            "replaced": xp.zeros((b, places), dtype=np.int64),
            "origin": xp.zeros((b, places), dtype=np.int64),
            "events": xp.zeros(b, dtype=np.int64),
            "elapsed": xp.zeros(b, dtype=np.float64),
        }
        self._kernel(
            self.counts,
            *self._chemistry,
            self._keys,
            self.counters,
            self.masks,
            self.factors,
            self._catal,
            self._totals,
            self._rates,
            self._daughters,
            np.int64(splits),
            out["splits"],
            out["replaced"],
            out["origin"],
            out["events"],
            out["elapsed"],
        )
        return {name: to_host(value) for name, value in out.items()}

    def host_counts(self) -> np.ndarray:
        """(B, P, N_G) int32 numpy copy of every assembly's molecules."""
        return to_host(self.counts).copy()

    def state(self) -> dict[str, np.ndarray]:
        """Counts, counters and selection weights as numpy arrays."""
        return {
            name: to_host(getattr(self, name)).copy()
            for name in ("counts", "counters", "masks", "factors")
        }
