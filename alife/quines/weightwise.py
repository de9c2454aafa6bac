"""Weight-wise self-replicating networks (Gabor, Illium et al. 2019, 2022), batched.

A weight-wise network reads one weight at a time: its features are the weight's value
and its position (layer, row, column, each divided by its largest value in the network,
so in [0, 1]; an index whose largest value is 0 is 0). Bias-free linear layers of
widths 4 -> width (depth times) -> 1 map them to one number, with an activation between
layers (``linear``, the papers' soups, or ``sigmoid``). Applied to the features of
every weight of a network (its own or another's), it writes a new value for each: that
is self-application, or an attack on the other network.

Layers are stored as torch's ``Linear`` weights, (out, in), and a network's weights are
flat, layer after layer, each row-major: with the papers' width 2 and depth 2 the
layers are (2, 4), (2, 2), (1, 2), 14 weights. Everything here takes N networks at once:
``theta`` is (N, n_weights), and one call is one batched tensor program (no Python loop
over networks), on the CPU or a CUDA device.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

ACTIVATIONS = ("linear", "sigmoid")


@dataclass(frozen=True)
class WeightwiseShape:
    """Layer shapes of a weight-wise network: ``depth`` hidden layers of ``width``."""

    width: int = 2
    depth: int = 2

    @property
    def layers(self) -> list[tuple[int, int]]:
        """(out, in) of each layer."""
        return [(self.width, 4)] + [(self.width, self.width)] * (self.depth - 1) + [(1, self.width)]

    @property
    def n_weights(self) -> int:
        return sum(out * inp for out, inp in self.layers)

    def positions(self, device: torch.device | str = "cpu") -> torch.Tensor:
        """(n_weights, 3) float32: (layer, row, column) of every weight, each divided by
        its largest value (0 where that is 0)."""
        rows = []
        last_layer = len(self.layers) - 1
        for layer, (out, inp) in enumerate(self.layers):
            for row in range(out):
                for column in range(inp):
                    rows.append(
                        (
                            layer / max(last_layer, 1),
                            row / max(out - 1, 1),
                            column / max(inp - 1, 1),
                        )
                    )
        return torch.tensor(rows, dtype=torch.float32, device=device)

    def initial(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """(n, n_weights) float32 weights drawn as torch draws a ``Linear``'s:
        uniform in +-1/sqrt(fan_in), from ``generator`` (on the CPU)."""
        parts = []
        for out, inp in self.layers:
            bound = 1.0 / math.sqrt(inp)
            parts.append((torch.rand(n, out * inp, generator=generator) * 2 - 1) * bound)
        return torch.cat(parts, dim=1)


def features(theta: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
    """(N, n_weights, 4): each weight's value beside its position (``positions``
    from :meth:`WeightwiseShape.positions`)."""
    n, size = theta.shape
    return torch.cat([theta.unsqueeze(-1), positions.expand(n, size, 3)], dim=-1)


def apply(
    theta: torch.Tensor, inputs: torch.Tensor, shape: WeightwiseShape, activation: str
) -> torch.Tensor:
    """(N, k): network i of ``theta`` (N, n_weights) applied to each of its k input rows
    ``inputs`` (N, k, 4)."""
    out, start = inputs, 0
    layers = shape.layers
    for i, (rows, columns) in enumerate(layers):
        weights = theta[:, start : start + rows * columns].reshape(-1, rows, columns)
        start += rows * columns
        out = torch.bmm(out, weights.transpose(1, 2))  # bmm: 2.7x einsum's speed here
        if activation == "sigmoid" and i < len(layers) - 1:
            out = torch.sigmoid(out)
    return out.squeeze(-1)


def rewrite(
    writer: torch.Tensor,
    target: torch.Tensor,
    positions: torch.Tensor,
    shape: WeightwiseShape,
    activation: str,
) -> torch.Tensor:
    """(N, n_weights): the weights network ``writer[i]`` writes for network
    ``target[i]`` (self-application when they are the same, else an attack)."""
    return apply(writer, features(target, positions), shape, activation)


def replication_error(
    theta: torch.Tensor,
    target: torch.Tensor,
    positions: torch.Tensor,
    shape: WeightwiseShape,
    activation: str,
) -> torch.Tensor:
    """(N,): mean over weights of (what ``theta[i]`` writes for ``target[i]`` - the
    target's weights)^2; the self-replication error when ``target`` is ``theta``."""
    written = rewrite(theta, target, positions, shape, activation)
    return ((written - target) ** 2).mean(dim=1)


def sgd_steps(
    theta: torch.Tensor,
    target: torch.Tensor | None,
    steps: int,
    lr: float,
    positions: torch.Tensor,
    shape: WeightwiseShape,
    activation: str,
    mask: torch.Tensor | None = None,
) -> torch.Tensor:
    """``steps`` full-batch gradient steps on each network's replication error, the
    target held constant: ``target`` None trains each network to replicate itself (its
    current weights, re-read at every step), else to write ``target[i]`` from its
    features. Only networks where ``mask`` (N,) bool is true move."""
    theta = theta.detach()
    for _ in range(steps):
        goal = theta if target is None else target
        with torch.enable_grad():
            weights = theta.clone().requires_grad_(True)
            loss = replication_error(weights, goal.detach(), positions, shape, activation).sum()
            (gradient,) = torch.autograd.grad(loss, weights)
        step = lr * gradient
        if mask is not None:
            step = step * mask.unsqueeze(1)
        theta = theta - step
    return theta


FIXPOINT_CLASSES = ("divergent", "fix_zero", "fix_other", "fix_sec", "other")
"""The census of Gabor et al.: non-finite weights; a fixpoint of self-application that is
(nearly) zero or not; a second-order fixpoint (self-application twice returns the
weights); anything else."""


@torch.no_grad()
def classify(
    theta: torch.Tensor,
    positions: torch.Tensor,
    shape: WeightwiseShape,
    activation: str,
    epsilon: float,
) -> torch.Tensor:
    """(N,) int64 index into :data:`FIXPOINT_CLASSES` of each network, comparing with
    tolerance ``epsilon`` (largest absolute difference)."""
    finite = torch.isfinite(theta).all(dim=1)
    safe = torch.where(finite.unsqueeze(1), theta, torch.zeros_like(theta))
    once = rewrite(safe, safe, positions, shape, activation)
    twice = rewrite(once, once, positions, shape, activation)

    def close(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return ((a - b).abs().amax(dim=1) < epsilon) & torch.isfinite(a).all(dim=1)

    fixpoint = close(once, safe)
    zero = safe.abs().amax(dim=1) < epsilon
    classes = torch.full_like(finite, FIXPOINT_CLASSES.index("other"), dtype=torch.int64)
    classes[close(twice, safe)] = FIXPOINT_CLASSES.index("fix_sec")
    classes[fixpoint & ~zero] = FIXPOINT_CLASSES.index("fix_other")
    classes[fixpoint & zero] = FIXPOINT_CLASSES.index("fix_zero")
    classes[~finite] = FIXPOINT_CLASSES.index("divergent")
    return classes
