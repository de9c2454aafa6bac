"""Soups of self-replicating networks (Gabor, Illium et al. 2019, 2022): ``alife quine soup``.

``size`` networks of one family live together: weight-wise
(:mod:`alife.quines.weightwise`, the default), aggregating
(:mod:`alife.quines.aggregating`) or recurrent (:mod:`alife.quines.recurrent`). In each
generation, every network at once (one batched tensor program):

1. *attacks* with probability ``attack_rate``: it picks a network uniformly at random
   (itself included, as in the papers' soup) and rewrites that network's weights with
   its own output on them;
2. *learns from* another with probability ``learn_rate``: ``learn_severity`` gradient
   steps toward writing a uniformly drawn network's weights from their features;
3. *trains* itself: ``train`` gradient steps toward replicating its own weights
   (learning rate ``lr`` for both);
4. with ``remove_divergent`` / ``remove_zero``, a network with non-finite weights /
   at the zero fixpoint is replaced by a fresh random one.

The papers run these network by network, each seeing the changes of those before it.
Here a generation is synchronous: every attack reads the weights as the generation
began, and when several networks attack the same one, the attacker with the highest
index writes (the last one in the papers' order); every learner reads its teacher after
the attacks. Gradient steps are full-batch (all weights of a network at once), where
the papers' Keras version fits one weight at a time.

Generation g draws its randomness from a torch generator seeded ``derive(seed, g + 1)``
(the initial soup from ``derive(seed, 0)``), so a resumed run is bit-identical. Metrics
per generation: the census of :data:`~alife.quines.weightwise.FIXPOINT_CLASSES` (counts),
the attacks, lessons and replacements, and the mean self-replication error and weight
norm of the finite networks. Snapshots hold ``weights`` (size, n_weights) float32.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import ClassVar

import numpy as np
import torch

from alife.engine.rng import derive_host
from alife.engine.run import simulation_repr
from alife.errors import (
    AlifeInputError,
    check_count,
    check_finite,
    check_fits_memory,
    check_seed,
)
from alife.quines.aggregating import AggregatingNets
from alife.quines.net_families import (
    ACTIVATIONS,
    FIXPOINT_CLASSES,
    NetFamily,
    classify,
    replication_error,
    sgd_steps,
)
from alife.quines.recurrent import RecurrentNets
from alife.quines.weightwise import WeightwiseNets

KINDS = ("weightwise", "aggregating", "recurrent")


def _check_probability(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise AlifeInputError(f"{name} must be a probability in [0, 1], got {value!r}")


@dataclass(frozen=True)
class NetSoupConfig:
    """Parameters of a soup of weight-wise networks (see the module docstring).

    Attributes
    ----------
    size: networks in the soup (>= 2).
    kind: weightwise, aggregating or recurrent.
    width, depth: hidden width and number of hidden layers (the papers: 2, 2).
    aggregates: aggregating networks: the groups their inputs average (the papers: 4).
    activation: linear (the papers' soups) or sigmoid.
    attack_rate, learn_rate: per network and generation, in [0, 1].
    learn_severity: gradient steps per lesson.
    train: self-training gradient steps per generation.
    lr: learning rate of every gradient step.
    epsilon: tolerance of the fixpoint census (largest absolute difference).
    remove_divergent, remove_zero: replace such networks by fresh ones.
    seed: seed of the initial soup and of every generation's draws.
    """

    size: int = 100
    kind: str = "weightwise"
    width: int = 2
    depth: int = 2
    aggregates: int = 4
    activation: str = "linear"
    attack_rate: float = 0.1
    learn_rate: float = 0.1
    learn_severity: int = 1
    train: int = 0
    lr: float = 0.01
    epsilon: float = 1e-4
    remove_divergent: bool = False
    remove_zero: bool = False
    seed: int = 0

    def __post_init__(self) -> None:
        check_count("size", self.size, low=2)
        if self.kind not in KINDS:
            raise AlifeInputError(f"unknown kind {self.kind!r}; valid kinds are {', '.join(KINDS)}")
        check_count("width", self.width)
        check_count("depth", self.depth)
        check_count("aggregates", self.aggregates)
        if self.activation not in ACTIVATIONS:
            raise AlifeInputError(
                f"unknown activation {self.activation!r}; valid activations are "
                f"{', '.join(ACTIVATIONS)}"
            )
        _check_probability("attack_rate", self.attack_rate)
        _check_probability("learn_rate", self.learn_rate)
        check_count("learn_severity", self.learn_severity, low=0)
        check_count("train", self.train, low=0)
        check_finite("lr, epsilon", self.lr, self.epsilon)
        if not self.lr > 0:
            raise AlifeInputError(f"lr must be > 0, got {self.lr!r}")
        if not self.epsilon > 0:
            raise AlifeInputError(f"epsilon must be > 0, got {self.epsilon!r}")
        check_seed("seed", self.seed)

    @property
    def n_weights(self) -> int:
        """Weights of one network, counted from the layer sizes without building any
        (the family's ``n_weights``; see each family's module docstring)."""
        width, hidden = self.width, (self.depth - 1) * self.width**2
        if self.kind == "aggregating":
            return 2 * self.aggregates * width + hidden
        if self.kind == "recurrent":
            return 2 * width + width**2 + 2 * hidden
        return 5 * width + hidden

    @property
    def peak_floats(self) -> int:
        """A lower bound of the float32 values a generation holds at once, counted from
        the sizes without building anything (what the memory check weighs): the soup's
        weights and, for each of them, what a rewrite of every network computes. That is
        the input features and the first hidden layer of a weight-wise network, or the
        written and stacked outputs of the others; when networks learn or train, a
        gradient step keeps every layer's values (weight-wise: 4 features and width * depth + 1
        outputs; recurrent: width * depth states and the output). Aggregating networks
        add their (n_weights, aggregates) averaging table."""
        learns = (self.learn_rate > 0 and self.learn_severity > 0) or self.train > 0
        layers = self.width * self.depth
        if self.kind == "weightwise":
            per_weight = 4 + layers + 2 if learns else 4 + self.width
        elif self.kind == "recurrent":
            per_weight = layers + 3 if learns else 2
        else:
            per_weight = 2 if learns else 1
        table = self.n_weights * self.aggregates if self.kind == "aggregating" else 0
        return self.size * self.n_weights * (1 + per_weight) + table

    def to_dict(self) -> dict:
        return asdict(self)

    def family(self, device: torch.device | str = "cpu") -> NetFamily:
        """The networks' family, its constants on ``device``."""
        shape = {"width": self.width, "depth": self.depth, "activation": self.activation}
        if self.kind == "aggregating":
            return AggregatingNets(self.aggregates, **shape, device=device)
        if self.kind == "recurrent":
            return RecurrentNets(**shape, device=device)
        return WeightwiseNets(**shape, device=device)


def _generator(seed: int, counter: int) -> torch.Generator:
    return torch.Generator().manual_seed(derive_host(seed, counter) % 2**63)


class NetSoupSim:
    """A soup of weight-wise networks (torch on the CPU, or CUDA with backend "cuda")."""

    substrate = "quine_soup"
    unit = "generation"
    config_class = NetSoupConfig
    __repr__ = simulation_repr
    METRICS: ClassVar[dict[str, str]] = {
        "epoch": "i8",
        **dict.fromkeys(FIXPOINT_CLASSES, "i8"),
        "attacks": "i8",
        "lessons": "i8",
        "replaced": "i8",
        "mean_error": "f8",
        "mean_norm": "f8",
    }
    PROGRESS_KEYS = ("fix_other", "divergent")

    def __init__(self, config: NetSoupConfig, backend: str = "cpu", state: dict | None = None):
        from alife.engine.backend import resolve_backend

        check_fits_memory(
            f"a soup of {config.size:.3g} networks of {config.n_weights:.3g} float32 weights, "
            "with the values a generation computes from them,",
            4 * config.peak_floats,
        )
        self.config = config
        self.backend = resolve_backend(backend)
        self.device = torch.device("cuda" if self.backend == "cuda" else "cpu")
        self.family = config.family(self.device)
        if state is None:
            theta = self.family.initial(config.size, _generator(config.seed, 0))
            self._epoch = 0
        else:
            theta = torch.as_tensor(state["weights"])
            self._epoch = int(state["counters"][0])
        self.theta = theta.to(self.device)
        self._events = {"attacks": 0, "lessons": 0, "replaced": 0}

    @property
    def epoch(self) -> int:
        """Completed generations."""
        return self._epoch

    def draws(self) -> dict[str, torch.Tensor]:
        """The next generation's random numbers, on the device: ``attack``, ``learn``
        (N,) bool, ``victim``, ``teacher`` (N,) int64, ``fresh`` (N, n_weights) weights
        for replacements. The same on every call until :meth:`step`."""
        cfg, n = self.config, self.config.size
        generator = _generator(cfg.seed, self._epoch + 1)
        draws = {
            "attack": torch.rand(n, generator=generator) < cfg.attack_rate,
            "victim": torch.randint(n, (n,), generator=generator),
            "learn": torch.rand(n, generator=generator) < cfg.learn_rate,
            "teacher": torch.randint(n, (n,), generator=generator),
            "fresh": self.family.initial(n, generator),
        }
        return {key: value.to(self.device) for key, value in draws.items()}

    def _attacks(self, theta: torch.Tensor, attack: torch.Tensor, victim: torch.Tensor):
        """Every attack of the generation on the weights as it began; the attacker with
        the highest index writes a victim attacked more than once."""
        n = self.config.size
        attackers = torch.arange(n, device=theta.device)
        winner = torch.full((n,), -1, dtype=torch.int64, device=theta.device)
        winner = winner.scatter_reduce(0, victim[attack], attackers[attack], reduce="amax")
        hit = winner >= 0
        written = self.family.rewrite(theta[winner.clamp(min=0)], theta)
        return torch.where(hit.unsqueeze(1), written, theta)

    @torch.no_grad()
    def step(self) -> None:
        """One generation: attacks, lessons, self-training, replacements."""
        cfg = self.config
        draws = self.draws()
        theta = self._attacks(self.theta, draws["attack"], draws["victim"])
        if cfg.learn_severity and bool(draws["learn"].any()):
            teachers = theta[draws["teacher"]]
            theta = sgd_steps(
                self.family, theta, teachers, cfg.learn_severity, cfg.lr, mask=draws["learn"]
            )
        if cfg.train:
            theta = sgd_steps(self.family, theta, None, cfg.train, cfg.lr)
        replace = torch.zeros(cfg.size, dtype=torch.bool, device=theta.device)
        if cfg.remove_divergent:
            replace |= ~torch.isfinite(theta).all(dim=1)
        if cfg.remove_zero:
            classes = classify(self.family, theta, cfg.epsilon)
            replace |= classes == FIXPOINT_CLASSES.index("fix_zero")
        self.theta = torch.where(replace.unsqueeze(1), draws["fresh"], theta)
        self._events = {
            "attacks": int(draws["attack"].sum()),
            "lessons": int(draws["learn"].sum()) if cfg.learn_severity else 0,
            "replaced": int(replace.sum()),
        }
        self._epoch += 1

    @torch.no_grad()
    def fixpoint_counts(self) -> dict[str, int]:
        """How many networks are in each class of :data:`FIXPOINT_CLASSES`."""
        classes = classify(self.family, self.theta, self.config.epsilon)
        counts = torch.bincount(classes, minlength=len(FIXPOINT_CLASSES)).tolist()
        return dict(zip(FIXPOINT_CLASSES, counts, strict=True))

    @torch.no_grad()
    def metrics(self) -> dict[str, float | int]:
        """The census, the generation's events, and the mean self-replication error and
        weight norm of the finite networks (NaN when none is)."""
        finite = torch.isfinite(self.theta).all(dim=1)
        theta = self.theta[finite]
        if len(theta):
            error = replication_error(self.family, theta, theta)
            mean_error, mean_norm = float(error.mean()), float(theta.norm(dim=1).mean())
        else:
            mean_error = mean_norm = math.nan
        return {
            "epoch": self._epoch,
            **self.fixpoint_counts(),
            **self._events,
            "mean_error": mean_error,
            "mean_norm": mean_norm,
        }

    def snapshot(self) -> dict[str, np.ndarray]:
        """``{"weights": (size, n_weights) float32}``."""
        return {"weights": self.theta.cpu().numpy().copy()}

    def checkpoint_state(self) -> dict[str, np.ndarray]:
        """The weights and the generation count."""
        return {**self.snapshot(), "counters": np.array([self._epoch], np.int64)}
