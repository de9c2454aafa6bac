"""Training a vanilla quine as a simulation of the engine: ``alife quine train``.

An epoch is one of Chang & Lipson's three regimes:

- a gradient method (``adamax``, the paper's best, ``adam`` or ``sgd``): one pass over
  all coordinates in shuffled minibatches, each step on the mean squared replication
  error of the batch (targets held constant);
- ``regen``: one regeneration, every weight replaced by the network's prediction of it;
- ``alternate``: the two in turn: epochs 1 + regen_every, 1 + 2 regen_every, ... start
  with a regeneration, and every epoch is a gradient pass (with ``regen_every`` = 1,
  the paper's regime, every epoch after the first starts with one). Every epoch ends
  on a gradient pass, so its metrics are those of a fitted network.

``keep_norm`` rescales each regeneration's prediction to the weight norm it replaces.
A SELU network's output grows faster than its weights (about as their scale cubed with
two hidden layers), so plain regeneration multiplies or shrinks the weights; keeping the
norm and regenerating every 10 epochs is what replicates every layer
(docs/reproductions.md).

Epoch e shuffles with a torch generator seeded ``derive(seed, e + 1)``, so a resumed run
(weights and optimizer state come from the checkpoint) continues exactly. Metrics per
epoch: :func:`alife.quines.metrics.quine_metrics` (``r2_worst_layer``: the lowest
per-layer R^2), ``nontrivial`` (1 when R^2 >= 0.9
and the weight norm is at least half its initial norm) and the epoch's wall time.
Snapshots hold ``weights`` (n,) float32. ``alife quine classify RUN`` (or
:func:`alife.quines.metrics.classify_fixed_point`) tells where regeneration leads.

``kind="auxiliary"`` trains the auxiliary quine (:mod:`alife.quines.vanilla`) on
``data`` (:mod:`alife.quines.datasets`): each minibatch of coordinates comes with a
minibatch of training images (cycling through them in an order shuffled each epoch by
the same generator), and the loss is ``lam`` times the mean squared replication error
plus the cross-entropy of the images' labels; ``lam`` = 0 trains a plain classifier.
Such runs also record the test ``accuracy``, ``task_loss`` and ``offspring_accuracy`` (the
accuracy of the network's own copy; NaN for vanilla runs).
"""

from __future__ import annotations

import copy
import time
from dataclasses import asdict, dataclass
from typing import ClassVar

import numpy as np
import torch
from torch.nn.functional import cross_entropy

from alife.engine.rng import derive_host
from alife.engine.run import simulation_repr
from alife.errors import (
    AlifeInputError,
    check_count,
    check_finite,
    check_fits_memory,
    check_seed,
)
from alife.quines.metrics import is_nontrivial, quine_metrics
from alife.quines.vanilla import ACTIVATIONS, VanillaQuine, replication_loss, weight_count

METHODS = ("adamax", "adam", "sgd", "regen", "alternate")
KINDS = ("vanilla", "auxiliary")
_OPTIMIZERS = {"adamax": torch.optim.Adamax, "adam": torch.optim.Adam, "sgd": torch.optim.SGD}
_STATE_KEYS = {"adamax": ("exp_avg", "exp_inf"), "adam": ("exp_avg", "exp_avg_sq"), "sgd": ()}


@dataclass(frozen=True)
class QuineConfig:
    """Parameters of a quine training run.

    Attributes
    ----------
    hidden: hidden widths (the paper: 100, 100).
    method: adamax, adam, sgd, regen or alternate.
    lr: learning rate of the gradient method.
    batch: coordinates (and, auxiliary, images) per minibatch.
    seed: seed of the weights, the projection and the shuffles.
    kind: vanilla, or auxiliary (also classifies images).
    lam: auxiliary: the weight of the replication loss beside the task's (>= 0).
    data: auxiliary: "digits" or an MNIST path (:mod:`alife.quines.datasets`).
    regen_every: alternate: regenerate before every this many epochs.
    keep_norm: regenerations keep the weight norm (regen and alternate).
    activation: selu (the paper's), tanh, sin or leaky_relu
        (:data:`alife.quines.vanilla.ACTIVATIONS`).
    """

    hidden: tuple[int, ...] = (100, 100)
    method: str = "adamax"
    lr: float = 1e-3
    batch: int = 256
    seed: int = 0
    kind: str = "vanilla"
    lam: float = 1.0
    data: str = "digits"
    regen_every: int = 1
    keep_norm: bool = False
    activation: str = "selu"

    def __post_init__(self) -> None:
        object.__setattr__(self, "hidden", tuple(int(w) for w in self.hidden))
        if not self.hidden:
            raise AlifeInputError("hidden needs at least one width")
        for width in self.hidden:
            check_count("hidden width", width)
        if self.method not in METHODS:
            raise AlifeInputError(
                f"unknown method {self.method!r}; valid methods are {', '.join(METHODS)}"
            )
        check_finite("lr, lam", self.lr, self.lam)
        if not self.lr > 0:
            raise AlifeInputError(f"lr must be > 0, got {self.lr!r}")
        check_count("batch", self.batch)
        check_seed("seed", self.seed)
        if self.kind not in KINDS:
            raise AlifeInputError(f"unknown kind {self.kind!r}; valid kinds are {', '.join(KINDS)}")
        if self.activation not in ACTIVATIONS:
            raise AlifeInputError(
                f"unknown activation {self.activation!r}; valid activations are "
                f"{', '.join(ACTIVATIONS)}"
            )
        if not self.lam >= 0:
            raise AlifeInputError(f"lam must be >= 0, got {self.lam!r}")
        check_count("regen_every", self.regen_every)
        if self.regen_every != 1 and self.method != "alternate":
            raise AlifeInputError(
                f"regen_every {self.regen_every} applies to method 'alternate' only, not "
                f"{self.method!r}"
            )

    def to_dict(self) -> dict:
        return asdict(self)


def task_images(config: QuineConfig, device: torch.device | str = "cpu") -> tuple | None:
    """(x_train, y_train, x_test, y_test) tensors of an auxiliary quine's data on
    ``device``; None for vanilla quines."""
    if config.kind != "auxiliary":
        return None
    from alife.quines.datasets import load_images

    return tuple(torch.as_tensor(a, device=device) for a in load_images(config.data))


def quine_model(config: QuineConfig, images: tuple | None) -> VanillaQuine:
    """The network of ``config`` (auxiliary: sized for ``images``, 10 classes), on the
    CPU, as initialised from its seed."""
    inputs, classes = (0, 0) if images is None else (images[0].shape[1], 10)
    weights = weight_count(config.hidden, inputs, classes)
    check_fits_memory(
        f"a quine of hidden widths {config.hidden} ({weights:.3g} float32 weights, each "
        f"with a projection row of {config.hidden[0]})",
        4 * weights * (1 + config.hidden[0]),
    )
    return VanillaQuine(
        config.hidden,
        seed=config.seed,
        data_inputs=inputs,
        classes=classes,
        activation=config.activation,
    )


class QuineSim:
    """A vanilla quine in training (torch on the CPU, or CUDA with backend "cuda")."""

    substrate = "quine"
    config_class = QuineConfig
    __repr__ = simulation_repr
    METRICS: ClassVar[dict[str, str]] = {
        "epoch": "i8",
        "l_sr": "f8",
        "rho": "f8",
        "r2": "f8",
        "weight_norm": "f8",
        "r2_worst_layer": "f8",
        "nontrivial": "i8",
        "accuracy": "f8",
        "task_loss": "f8",
        "offspring_accuracy": "f8",
        "epoch_seconds": "f8",
    }
    PROGRESS_KEYS = ("r2", "weight_norm")

    def __init__(self, config: QuineConfig, backend: str = "cpu", state: dict | None = None):
        from alife.engine.backend import resolve_backend

        self.config = config
        self.backend = resolve_backend(backend)
        self.device = torch.device("cuda" if self.backend == "cuda" else "cpu")
        self.images = task_images(config, self.device)
        self.model = quine_model(config, self.images).to(self.device)
        self.initial_norm = float(self.model.weights().detach().norm())
        self._optimizer_name = "adamax" if config.method == "alternate" else config.method
        optimizer = _OPTIMIZERS.get(self._optimizer_name)
        self.optimizer = optimizer(self.model.parameters(), lr=config.lr) if optimizer else None
        self._epoch, self._seconds = 0, 0.0
        if state is not None:
            self._restore(state)

    @property
    def epoch(self) -> int:
        """Completed training epochs."""
        return self._epoch

    def _gradient_pass(self) -> None:
        generator = torch.Generator().manual_seed(
            derive_host(self.config.seed, self._epoch + 1) % 2**63
        )
        order = torch.randperm(self.model.size, generator=generator).to(self.device)
        if self.images is not None:
            x_train, y_train = self.images[:2]
            pictures = torch.randperm(len(y_train), generator=generator).to(self.device)
        for k, batch in enumerate(order.split(self.config.batch)):
            self.optimizer.zero_grad()
            loss = replication_loss(self.model, batch) / len(batch)
            if self.images is not None:
                at = torch.arange(k * self.config.batch, k * self.config.batch + len(batch))
                chosen = pictures[at.to(self.device) % len(pictures)]
                task = cross_entropy(self.model.classify(x_train[chosen]), y_train[chosen])
                loss = self.config.lam * loss + task
            loss.backward()
            self.optimizer.step()

    def _regenerates(self, epoch: int) -> bool:
        """Whether training epoch ``epoch`` (1-based) regenerates (before its gradient
        pass, if it has one)."""
        if self.config.method == "regen":
            return True
        every = self.config.regen_every
        return self.config.method == "alternate" and epoch > 1 and (epoch - 1) % every == 0

    def step(self) -> None:
        """One training epoch of the configured regime."""
        start = time.perf_counter()
        if self._regenerates(self._epoch + 1):
            self.model.regenerate(keep_norm=self.config.keep_norm)
        if self.config.method != "regen":
            self._gradient_pass()
        self._seconds = time.perf_counter() - start
        self._epoch += 1

    def metrics(self) -> dict[str, float | int]:
        """Replication metrics of the current weights (see :mod:`alife.quines.metrics`)."""
        values = quine_metrics(self.model)
        return {
            "epoch": self._epoch,
            **{k: values[k] for k in ("l_sr", "rho", "r2", "weight_norm")},
            "r2_worst_layer": min(v for k, v in values.items() if k.startswith("r2_layer")),
            "nontrivial": int(is_nontrivial(values, self.initial_norm)),
            **self.task_metrics(),
            "epoch_seconds": self._seconds,
        }

    @torch.no_grad()
    def task_metrics(self) -> dict[str, float]:
        """Auxiliary quines: test ``accuracy``, ``task_loss`` (mean cross-entropy) and
        ``offspring_accuracy``, the test accuracy of the network's copy (every weight
        replaced by its prediction, one plain regeneration): how well replication passes
        the task on. NaN for vanilla quines."""
        if self.images is None:
            return dict.fromkeys(("accuracy", "task_loss", "offspring_accuracy"), float("nan"))
        x_test, y_test = self.images[2:]
        logits = self.model.classify(x_test)
        offspring = copy.deepcopy(self.model)
        offspring.regenerate()
        return {
            "accuracy": float((logits.argmax(dim=1) == y_test).float().mean()),
            "task_loss": float(cross_entropy(logits, y_test)),
            "offspring_accuracy": float(
                (offspring.classify(x_test).argmax(dim=1) == y_test).float().mean()
            ),
        }

    def snapshot(self) -> dict[str, np.ndarray]:
        """``{"weights": (n,) float32}``."""
        return {"weights": self.model.weights().detach().cpu().numpy().astype(np.float32)}

    def checkpoint_state(self) -> dict[str, np.ndarray]:
        """Weights, the optimizer's state per layer (zeros and step 0 before the first
        step) and the epoch."""
        state = {
            "weights": self.model.weights().detach().cpu().numpy(),
            "counters": np.array([self._epoch], np.int64),
        }
        if self.optimizer is None:
            return state
        for i, param in enumerate(self.model.parameters()):
            held = self.optimizer.state.get(param, {})
            state[f"optimizer_{i}_step"] = np.array(float(held.get("step", 0.0)), np.float32)
            for key in _STATE_KEYS[self._optimizer_name]:
                value = held.get(key, torch.zeros_like(param))
                state[f"optimizer_{i}_{key}"] = value.detach().cpu().numpy()
        return state

    def _restore(self, state: dict) -> None:
        self.model.set_weights(torch.as_tensor(state["weights"], device=self.device))
        self._epoch = int(state["counters"][0])
        if self.optimizer is None:
            return
        for i, param in enumerate(self.model.parameters()):
            step = float(state[f"optimizer_{i}_step"])
            if step == 0.0:
                continue  # no step taken yet: the optimizer starts fresh
            held = {"step": torch.tensor(step, dtype=torch.float32)}
            for key in _STATE_KEYS[self._optimizer_name]:
                held[key] = torch.as_tensor(state[f"optimizer_{i}_{key}"], device=self.device)
            self.optimizer.state[param] = held
