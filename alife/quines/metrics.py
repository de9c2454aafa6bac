"""Honest quine metrics: minimising L_SR alone is solved by shrinking every weight to
zero (the trivial quine), so a run reports how well the weights are predicted relative
to their spread and size, and what repeated regeneration converges to.

- ``l_sr``: sum over all coordinates of (f(c) - theta_c)^2;
- ``rho``: L_SR / sum theta^2, the relative error;
- ``r2``: 1 - L_SR / sum (theta - mean theta)^2, over all weights and per layer;
- ``weight_norm``: ||theta||;
- ``fixed_point``: the classification of the sequence theta, f(theta), f(f(theta)) ...
  as Gabor et al. classify self-replicating networks: ``divergent``, ``zero``
  (collapses), ``fixed point``, ``period 2`` or ``other``.

A quine counts as non-trivial with R^2 >= 0.9 and a weight norm at least half its
initial norm.
"""

from __future__ import annotations

import copy

import torch

from alife.quines.vanilla import VanillaQuine

NONTRIVIAL_R2 = 0.9
NONTRIVIAL_NORM = 0.5


def _r2(prediction: torch.Tensor, theta: torch.Tensor) -> float:
    spread = ((theta - theta.mean()) ** 2).sum()
    error = ((prediction - theta) ** 2).sum()
    return float(1.0 - error / spread) if spread > 0 else float("nan")


@torch.no_grad()
def quine_metrics(model: VanillaQuine) -> dict[str, float]:
    """l_sr, rho, r2, weight_norm and r2 of each layer (r2_layer0, ...)."""
    theta, prediction = model.weights(), model.predict_all()
    l_sr = float(((prediction - theta) ** 2).sum())
    norm2 = float((theta**2).sum())
    out = {
        "l_sr": l_sr,
        "rho": l_sr / norm2 if norm2 > 0 else float("inf"),
        "r2": _r2(prediction, theta),
        "weight_norm": norm2**0.5,
    }
    for i, part in enumerate(model.layer_slices()):
        out[f"r2_layer{i}"] = _r2(prediction[part], theta[part])
    return out


@torch.no_grad()
def classify_fixed_point(model: VanillaQuine, steps: int = 100, tolerance: float = 1e-6) -> str:
    """What repeated regeneration of a copy of ``model`` reaches (see the module)."""
    clone = copy.deepcopy(model)
    start = float(clone.weights().norm())
    history = [clone.weights().clone()]
    for _ in range(steps):
        clone.regenerate()
        theta = clone.weights().clone()
        norm = float(theta.norm())
        if not torch.isfinite(theta).all() or norm > 1e6 * max(start, 1e-30):
            return "divergent"
        if norm <= 1e-6 * start or norm == 0.0:
            return "zero"
        if float((theta - history[-1]).norm()) <= tolerance * norm:
            return "fixed point"
        if len(history) >= 2 and float((theta - history[-2]).norm()) <= tolerance * norm:
            return "period 2"
        history.append(theta)
    return "other"


def is_nontrivial(metrics: dict[str, float], initial_norm: float) -> bool:
    """R^2 >= 0.9 and the weight norm at least half the initial norm."""
    return (
        metrics["r2"] >= NONTRIVIAL_R2 and metrics["weight_norm"] >= NONTRIVIAL_NORM * initial_norm
    )
