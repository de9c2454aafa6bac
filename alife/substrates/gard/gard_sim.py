"""GARD as a simulation of the engine: ``alife gard run`` and its run files.

An epoch is one generation of every replica (grow to N_max, split). Snapshots hold
``compositions`` (B, N_G) int32, each replica's composition at N_max in that generation
(all zero once dead); the initial snapshot holds the starting assemblies. Metrics per
record: ``alive`` replicas, mean ``events`` and ``duration`` (model time) of the
generation over the living, and ``similarity``, the mean H between each living
replica's composition and its previous one.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from alife.engine.run import simulation_repr
from alife.substrates.gard.compotypes import unit_rows
from alife.substrates.gard.ensemble import Ensemble
from alife.substrates.gard.model import GardConfig


class GardSim:
    """``config.replicas`` GARD lineages on the CPU (numba) or a CUDA GPU."""

    substrate = "gard"
    unit = "generation"
    config_class = GardConfig
    __repr__ = simulation_repr
    METRICS: ClassVar[dict[str, str]] = {
        "epoch": "i8",
        "alive": "i8",
        "events": "f8",
        "duration": "f8",
        "similarity": "f8",
    }
    PROGRESS_KEYS = ("alive", "similarity")

    def __init__(self, config: GardConfig, backend: str = "cpu", state: dict | None = None):
        self.config = config
        self.ensemble = Ensemble(config, backend, state)
        self.backend = self.ensemble.backend
        self._epoch = 0 if state is None else int(state["epoch"][0])
        if state is None:
            self.compositions = self.ensemble.state()["counts"]
        else:
            self.compositions = state["compositions"]
        self._previous = self.compositions
        self._events = self._duration = np.zeros(config.replicas)

    @property
    def epoch(self) -> int:
        """Completed generations."""
        return self._epoch

    def step(self) -> None:
        """One generation of every replica."""
        out = self.ensemble.run(1)
        self._previous = self.compositions
        self.compositions = out["trace"][:, 0]
        self._events, self._duration = out["events"][:, 0], out["times"][:, 0]
        self._epoch += 1

    def metrics(self) -> dict[str, float | int]:
        """Living replicas, mean events, duration and similarity to the previous
        generation."""
        living = self.compositions.sum(axis=1) > 0
        h = np.einsum("ij,ij->i", unit_rows(self.compositions), unit_rows(self._previous))
        means = [
            float(x[living].mean()) if living.any() else 0.0
            for x in (self._events, self._duration, h)
        ]
        return {
            "epoch": self._epoch,
            "alive": int(living.sum()),
            "events": means[0],
            "duration": means[1],
            "similarity": means[2],
        }

    def snapshot(self) -> dict[str, np.ndarray]:
        """``{"compositions": (B, N_G) int32}``."""
        return {"compositions": self.compositions.copy()}

    def checkpoint_state(self) -> dict[str, np.ndarray]:
        """The ensemble's counts, counters and alive flags, the last compositions and
        the generation count."""
        return {
            **self.ensemble.state(),
            "compositions": self.compositions.copy(),
            "epoch": np.array([self._epoch], np.int64),
        }
