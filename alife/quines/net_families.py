"""What every family of self-replicating networks shares (Gabor, Illium et al. 2019, 2022).

A *family* (a :class:`NetFamily`: :class:`~alife.quines.weightwise.WeightwiseNets`,
:class:`~alife.quines.aggregating.AggregatingNets`,
:class:`~alife.quines.recurrent.RecurrentNets`) knows its ``n_weights``, draws
``initial`` weights, and ``rewrite(writer, target)``: the weights network ``writer[i]``
writes for network ``target[i]``, for N networks at once (``theta`` tensors are
(N, n_weights)). Self-application is ``rewrite(theta, theta)``; an attack rewrites
another. On top of that, for any family:

- :func:`replication_error`, :func:`sgd_steps`: learning to replicate (oneself or another);
- :func:`classify`: the census of :data:`FIXPOINT_CLASSES`.

Layers are stored as torch's ``Linear`` weights, (out, in), flat and row-major, layer
after layer; weights are drawn as torch draws a ``Linear``'s (uniform in
+-1/sqrt(fan_in)). Nothing loops over networks: every call is one batched tensor program.
"""

from __future__ import annotations

import math

import torch

ACTIVATIONS = ("linear", "sigmoid")

FIXPOINT_CLASSES = ("divergent", "fix_zero", "fix_other", "fix_sec", "other")
"""The census of Gabor et al.: non-finite weights; a fixpoint of self-application that is
(nearly) zero or not; a second-order fixpoint (self-application twice returns the
weights); anything else."""


def activate(x: torch.Tensor, activation: str) -> torch.Tensor:
    """``x`` through ``activation`` (linear: unchanged)."""
    return torch.sigmoid(x) if activation == "sigmoid" else x


def split_layers(theta: torch.Tensor, shapes: list[tuple[int, int]]) -> list[torch.Tensor]:
    """The (N, out, in) matrices of flat weights ``theta`` (N, n_weights), layers
    ``shapes`` after one another, each row-major."""
    out, start = [], 0
    for rows, columns in shapes:
        out.append(theta[:, start : start + rows * columns].reshape(-1, rows, columns))
        start += rows * columns
    return out


class NetFamily:
    """Base of the families: networks whose weights are the bias-free matrices
    ``shapes`` ((out, in) each), flat as in the module docstring. A family sets
    ``shapes`` and defines :meth:`rewrite`."""

    shapes: list[tuple[int, int]]

    @property
    def n_weights(self) -> int:
        return sum(out * inp for out, inp in self.shapes)

    def initial(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """(n, n_weights) float32, each matrix uniform in +-1/sqrt(in), from
        ``generator`` (on the CPU)."""
        parts = []
        for out, inp in self.shapes:
            bound = 1.0 / math.sqrt(inp)
            parts.append((torch.rand(n, out * inp, generator=generator) * 2 - 1) * bound)
        return torch.cat(parts, dim=1)

    def rewrite(self, writer: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """(N, n_weights): the weights network ``writer[i]`` writes for ``target[i]``."""
        raise NotImplementedError


def mlp(
    theta: torch.Tensor, inputs: torch.Tensor, shapes: list[tuple[int, int]], activation: str
) -> torch.Tensor:
    """(N, k, out): bias-free layers ``shapes`` of network i of ``theta`` (flat, as in
    the module docstring) applied to its k input rows ``inputs`` (N, k, in), the
    activation between layers."""
    out = inputs
    for i, weights in enumerate(split_layers(theta, shapes)):
        out = torch.bmm(out, weights.transpose(1, 2))  # bmm: 2.7x einsum's speed here
        if i < len(shapes) - 1:
            out = activate(out, activation)
    return out


def replication_error(family: NetFamily, theta: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """(N,): mean over weights of (what ``theta[i]`` writes for ``target[i]`` - the
    target's weights)^2; the self-replication error when ``target`` is ``theta``."""
    return ((family.rewrite(theta, target) - target) ** 2).mean(dim=1)


def sgd_steps(
    family: NetFamily,
    theta: torch.Tensor,
    target: torch.Tensor | None,
    steps: int,
    lr: float,
    mask: torch.Tensor | None = None,
) -> torch.Tensor:
    """``steps`` full-batch gradient steps on each network's replication error, the
    target held constant: ``target`` None trains each network to replicate itself (its
    current weights, re-read at every step), else to write ``target[i]``. Only networks
    where ``mask`` (N,) bool is true move."""
    theta = theta.detach()
    for _ in range(steps):
        goal = theta if target is None else target
        with torch.enable_grad():
            weights = theta.clone().requires_grad_(True)
            loss = replication_error(family, weights, goal.detach()).sum()
            (gradient,) = torch.autograd.grad(loss, weights)
        step = lr * gradient
        if mask is not None:
            step = step * mask.unsqueeze(1)
        theta = theta - step
    return theta


@torch.no_grad()
def classify(family: NetFamily, theta: torch.Tensor, epsilon: float) -> torch.Tensor:
    """(N,) int64 index into :data:`FIXPOINT_CLASSES` of each network, comparing with
    tolerance ``epsilon`` (largest absolute difference)."""
    finite = torch.isfinite(theta).all(dim=1)
    safe = torch.where(finite.unsqueeze(1), theta, torch.zeros_like(theta))
    once = family.rewrite(safe, safe)
    twice = family.rewrite(once, once)

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
