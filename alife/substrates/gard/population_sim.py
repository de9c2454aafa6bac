"""Population GARD as a simulation of the engine: ``alife gard population``.

An epoch is ``size`` fissions in every population (each assembly splits once on
average). Snapshots hold ``counts`` (B, P, N_G) int32, every assembly's molecules.
Metrics per record, averaged over the populations: ``events`` and ``duration`` (model
time) of the epoch, ``coherence`` (mean H between the assemblies of a population: 1
when they all share one composition), and with a selection target ``target_h`` (mean H
of the assemblies to the target) and ``target_share`` (share of assemblies with H to
the target above 0.9), and ``price_between``, ``price_transmission`` and
``price_change``: the multilevel Price terms of the epoch for the trait ``z_i =
target_i / max(target)`` (:mod:`alife.substrates.gard.price`; NaN without a target).
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np

from alife.engine.run import simulation_repr
from alife.substrates.gard.compotypes import unit_rows
from alife.substrates.gard.population import PopulationConfig, Populations
from alife.substrates.gard.price import population_price


class PopulationSim:
    """``config.populations`` Moran populations on the CPU (numba) or a CUDA GPU."""

    substrate = "gard_population"
    config_class = PopulationConfig
    __repr__ = simulation_repr
    METRICS: ClassVar[dict[str, str]] = {
        "epoch": "i8",
        "events": "f8",
        "duration": "f8",
        "coherence": "f8",
        "target_h": "f8",
        "target_share": "f8",
        "price_between": "f8",
        "price_transmission": "f8",
        "price_change": "f8",
    }
    PROGRESS_KEYS = ("coherence", "target_share")

    def __init__(self, config: PopulationConfig, backend: str = "cpu", state: dict | None = None):
        self.config = config
        self.populations = Populations(config, backend, state)
        self.backend = self.populations.backend
        self._epoch = 0 if state is None else int(state["epoch"][0])
        self._last = {
            "events": np.zeros(config.populations),
            "elapsed": np.zeros(config.populations),
        }
        self._price = (math.nan, math.nan, math.nan)  # the Price terms need a target

    @property
    def epoch(self) -> int:
        """Completed epochs (``size`` fissions each)."""
        return self._epoch

    def step(self) -> None:
        """``size`` more fissions in every population."""
        target = self.config.target_vector()
        before = self.populations.host_counts() if target.any() else None
        self._last = self.populations.run(self.config.size)
        self._epoch += 1
        if before is not None:
            after, trait = self.populations.host_counts(), target / target.max()
            terms = [
                population_price(before[b], after[b], self._last["origin"][b], trait)
                for b in range(self.config.populations)
            ]
            self._price = tuple(
                float(np.mean([getattr(t, name) for t in terms]))
                for name in ("between", "transmission", "total")
            )

    def metrics(self) -> dict[str, float | int]:
        """Events, duration, coherence and closeness to the target (see the module)."""
        unit = unit_rows(self.populations.host_counts())  # (B, P, N_G)
        places = unit.shape[1]
        pairs = np.einsum("bpi,bqi->bpq", unit, unit)
        coherence = (pairs.sum(axis=(1, 2)) - places) / (places * (places - 1))
        target = self.config.target_vector()
        h = unit @ unit_rows(target) if target.any() else np.zeros(unit.shape[:2])
        return {
            "epoch": self._epoch,
            "events": float(np.mean(self._last["events"])),
            "duration": float(np.mean(self._last["elapsed"])),
            "coherence": float(coherence.mean()),
            "target_h": float(h.mean()),
            "target_share": float((h > 0.9).mean()),
            "price_between": self._price[0],
            "price_transmission": self._price[1],
            "price_change": self._price[2],
        }

    def snapshot(self) -> dict[str, np.ndarray]:
        """``{"counts": (B, P, N_G) int32}``."""
        return {"counts": self.populations.host_counts()}

    def checkpoint_state(self) -> dict[str, np.ndarray]:
        """Counts, counters, selection weights and the epoch count."""
        return {**self.populations.state(), "epoch": np.array([self._epoch], np.int64)}
