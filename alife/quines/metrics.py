"""Honest quine metrics: minimising L_SR alone is solved by shrinking every weight to
zero (the trivial quine), so a run reports how well the weights are predicted relative
to their spread and size, and what repeated regeneration converges to.

- ``l_sr``: sum over all coordinates of (f(c) - theta_c)^2;
- ``rho``: L_SR / sum theta^2, the relative error;
- ``r2``: 1 - L_SR / sum (theta - mean theta)^2, over all weights and per layer; for an
  auxiliary quine also over the weights on the coordinate path (those that act when it
  predicts a weight) and over the task-only ones, which it must predict without using;
- ``weight_norm``: ||theta||;
- ``fixed_point``: the classification of the sequence theta, f(theta), f(f(theta)) ...
  as Gabor et al. classify self-replicating networks: ``divergent``, ``zero``
  (collapses), ``fixed point``, ``period 2`` or ``other``; also of the sequence that
  keeps the norm, theta -> f(theta) ||theta|| / ||f(theta)||;
- ``regeneration_radii``: why that sequence goes where it goes. Regeneration is the map
  R(theta) = f_theta(all coordinates); near a quine, an error e becomes J e, J = dR/dtheta.
  The quine attracts plain regeneration only when the spectral radius of J is below 1,
  and norm-keeping regeneration only when that of J restricted to the directions
  orthogonal to theta (P J P) is.

A quine counts as non-trivial with R^2 >= 0.9 and a weight norm at least half its
initial norm.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable

import numpy as np
import torch
from scipy.sparse.linalg import LinearOperator, eigs

from alife.quines.vanilla import VanillaQuine

NONTRIVIAL_R2 = 0.9
NONTRIVIAL_NORM = 0.5
_STILL = 0.99  # a step this large against the one before: the sequence is not converging


def _r2(prediction: torch.Tensor, theta: torch.Tensor) -> float:
    spread = ((theta - theta.mean()) ** 2).sum()
    error = ((prediction - theta) ** 2).sum()
    return float(1.0 - error / spread) if spread > 0 else float("nan")


@torch.no_grad()
def quine_metrics(model: VanillaQuine) -> dict[str, float]:
    """l_sr, rho, r2, weight_norm, r2 of each layer (r2_layer0, ...) and, for auxiliary
    quines, r2_coordinate_path and r2_task_only; summed in float64
    (float32 sums of squares of 20,100 weights overflow past about 1e17 each)."""
    theta, prediction = model.weights().double(), model.predict_all().double()
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
    path = model.coordinate_path()
    if not bool(path.all()):
        out["r2_coordinate_path"] = _r2(prediction[path], theta[path])
        out["r2_task_only"] = _r2(prediction[~path], theta[~path])
    return out


@torch.no_grad()
def classify_fixed_point(
    model: VanillaQuine, steps: int = 300, tolerance: float = 1e-6, keep_norm: bool = False
) -> str:
    """What repeated regeneration of a copy of ``model`` reaches (see the module) within
    ``steps`` regenerations, states equal to ``tolerance`` relative to the norm. With
    ``keep_norm`` each regeneration is rescaled to the norm it replaces, so it cannot
    collapse, and its fixed points are networks whose prediction is a multiple of their
    weights (quines up to scale).

    A sequence that returns to the state two steps back counts as ``period 2`` only once
    its steps have stopped shrinking (each at least ``_STILL`` of the one before): an
    oscillation that still shrinks is on its way to a fixed point, and iterating goes on.
    """
    clone = copy.deepcopy(model)
    before, last = None, clone.weights().double()
    start, last_step = float(last.norm()), math.inf
    if not math.isfinite(start):
        return "divergent"
    for _ in range(steps):
        clone.regenerate(keep_norm=keep_norm)
        theta = clone.weights().double()
        norm = float(theta.norm())
        if not math.isfinite(norm) or norm > 1e6 * max(start, 1e-30):
            return "divergent"
        if norm <= 1e-6 * start or norm == 0.0:
            return "zero"
        step = float((theta - last).norm())
        if step <= tolerance * norm:
            return "fixed point"
        if (
            before is not None
            and float((theta - before).norm()) <= tolerance * norm
            and step >= _STILL * last_step
        ):
            return "period 2"
        before, last, last_step = last, theta, step
    return "other"


def is_nontrivial(metrics: dict[str, float], initial_norm: float) -> bool:
    """R^2 >= 0.9 and the weight norm at least half the initial norm."""
    return (
        metrics["r2"] >= NONTRIVIAL_R2 and metrics["weight_norm"] >= NONTRIVIAL_NORM * initial_norm
    )


def regeneration_map(model: VanillaQuine) -> Callable[[torch.Tensor], torch.Tensor]:
    """R(theta) -> (size,): ``model``'s prediction of every weight when its weights are
    the (size,) vector theta (a pure function of theta, for torch.func)."""
    coordinates = torch.arange(model.size, device=model.projection.device)
    layers = [
        (f"layers.{i}", part, layer.shape)
        for i, (part, layer) in enumerate(zip(model.layer_slices(), model.layers, strict=True))
    ]

    def regenerate(theta: torch.Tensor) -> torch.Tensor:
        weights = {name: theta[part].view(shape) for name, part, shape in layers}
        return torch.func.functional_call(model, weights, (coordinates,))

    return regenerate


def regeneration_radii(model: VanillaQuine, tolerance: float = 1e-3) -> dict[str, float]:
    """Spectral radii of the Jacobian J of regeneration at ``model``'s weights theta:
    ``plain`` of J, ``norm_kept`` of P J P with P the projection orthogonal to theta
    (the whole space when theta = 0). Each is the largest |eigenvalue|, found by ARPACK
    (scipy.sparse.linalg.eigs) from Jacobian-vector products, to relative ``tolerance``;
    no dense Jacobian is formed. Both are NaN for weights that are not finite."""
    regenerate = regeneration_map(model)
    theta = model.weights().detach()
    if not torch.isfinite(theta).all():
        return {"plain": float("nan"), "norm_kept": float("nan")}
    norm2 = float(theta @ theta)

    def orthogonal(v: torch.Tensor) -> torch.Tensor:
        return v - (v @ theta) / norm2 * theta if norm2 > 0 else v

    def radius(project) -> float:
        def matvec(v: np.ndarray) -> np.ndarray:
            v = project(torch.as_tensor(v.ravel(), dtype=theta.dtype, device=theta.device))
            _, jv = torch.func.jvp(regenerate, (theta,), (v,))
            return project(jv).double().cpu().numpy()

        operator = LinearOperator((theta.numel(), theta.numel()), matvec, dtype=np.float64)
        start = np.random.default_rng(0).standard_normal(theta.numel())
        if not matvec(start).any():  # J = 0 (the zero network): ARPACK cannot start
            return 0.0
        values = eigs(operator, k=1, which="LM", tol=tolerance, v0=start, return_eigenvectors=False)
        return float(np.abs(values).max())

    return {"plain": radius(lambda v: v), "norm_kept": radius(orthogonal)}
