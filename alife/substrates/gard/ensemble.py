"""Batched GARD: many independent assemblies (lineages) stepped together, one call per
batch of generations, on the CPU or a CUDA GPU."""

from __future__ import annotations

import numpy as np

from alife.engine.backend import array_module, resolve_backend, to_backend, to_host
from alife.substrates.gard.kernels import kernels
from alife.substrates.gard.model import GardConfig, chemistry_arguments, species_counts, uniforms


class Ensemble:
    """``config.replicas`` assemblies on ``backend``. ``state`` (from
    :meth:`state`) continues where it was taken.

    Attributes: ``counts`` (B, N_G) int32 at the start of a generation (N_max // 2
    molecules, all zero when dead); ``alive`` (B,) bool; ``counters`` (B,) uint64, the
    draws each assembly's stream has used; ``betas`` (M, N_G, N_G) the catalysis
    matrices and ``beta_index`` (B,) which one each assembly uses; under selection
    ``masks`` (B, N_G) bool, the species present after the last split, and ``factors``
    (B,) float64, the weight of catalysis among them (1.0 without selection).
    """

    def __init__(self, config: GardConfig, backend: str = "cpu", state: dict | None = None):
        self.config = config
        self.backend = resolve_backend(backend)
        xp = array_module(self.backend)
        keys = config.keys()
        if state is None:
            counts = species_counts(uniforms(keys, 0, config.nmin), config.species)
            counters = np.full(config.replicas, config.nmin, dtype=np.uint64)
            alive = np.ones(config.replicas, dtype=bool)
            masks = np.zeros((config.replicas, config.species), dtype=bool)
            factors = np.ones(config.replicas)
        else:
            counts, counters, alive = state["counts"], state["counters"], state["alive"]
            masks, factors = state["masks"], state["factors"]
        self.betas, self.beta_index = config.betas(), config.beta_index()
        self.counts = to_backend(np.ascontiguousarray(counts, dtype=np.int32), self.backend)
        self.counters = to_backend(np.asarray(counters, dtype=np.uint64), self.backend)
        self.alive = to_backend(np.asarray(alive, dtype=bool), self.backend)
        self._keys = to_backend(keys, self.backend)
        self._chemistry = chemistry_arguments(config, self.betas, self.backend)
        self._scratch = xp.zeros((config.replicas, 3 * config.species), dtype=np.float64)
        self._daughters = xp.zeros((config.replicas, config.species), dtype=np.int32)
        self.masks = to_backend(np.asarray(masks, dtype=bool), self.backend)
        self.factors = to_backend(np.asarray(factors, dtype=np.float64), self.backend)
        self._kernel = kernels(self.backend).lineages

    def run(self, generations: int = 1) -> dict[str, np.ndarray]:
        """Run ``generations`` generations of every assembly; returns numpy ``trace``
        (B, G, N_G) int32 compositions at N_max, ``times`` (B, G) float64 durations
        and ``events`` (B, G) int64 (zeros once an assembly is dead)."""
        xp = array_module(self.backend)
        b, species = self.counts.shape
        trace = xp.zeros((b, generations, species), dtype=np.int32)
        times = xp.zeros((b, generations), dtype=np.float64)
        events = xp.zeros((b, generations), dtype=np.int64)
        self._kernel(
            self.counts,
            *self._chemistry,
            self._keys,
            self.counters,
            self.alive,
            self.masks,
            self.factors,
            trace,
            times,
            events,
            self._scratch,
            self._daughters,
        )
        return {"trace": to_host(trace), "times": to_host(times), "events": to_host(events)}

    def state(self) -> dict[str, np.ndarray]:
        """Counts, counters, alive flags and selection weights as numpy arrays."""
        return {
            name: to_host(getattr(self, name)).copy()
            for name in ("counts", "counters", "alive", "masks", "factors")
        }
