"""Fit a quine's direction, not its weights: Adam on 1 - cos(f(theta), theta).

    python scripts/fit_quine_direction.py [--seed 0] [--hidden 100,100]
        [--activation leaky_relu] [--lr 0.01] [--steps 800] [--penalty 1.0]
        [--free-lr 0.001] [--free-steps 1500]

Every step sees all coordinates and ends by rescaling the weights to their initial
norm, so what is fitted is a quine up to scale, f(theta) = c theta. With a bias-free
network of a positively homogeneous activation (``leaky_relu``) the prediction at
s theta is s^3 f(theta), so dividing the weights by c^(1/2) at the end makes the fit
exact in scale: the script prints the metrics of that rescaled network. For other
activations it prints them unrescaled.

``--penalty`` weighs, for the first ``--steps`` steps, the sum over the hidden layers of
(top singular value)^2 / (sum of squares): without it, a large step runs to a
degenerate, nearly rank-1 quine with every weight of one sign. ``--free-steps`` steps
at ``--free-lr`` follow without the penalty. Prints 1 - cos as it goes; at the end the
scale c, R^2 (all and each layer), the weight norm against the initial one, the top
singular values of each layer, the fraction of negative weights, the spectral radii of
regeneration's Jacobian (plain, and P J P orthogonal to the weights), what norm-keeping
regeneration reaches, after 300 of them the ratio f / theta and the first layer's top
singular values, and the seconds of fitting. Runs in float64 on the CPU.
"""

from __future__ import annotations

import argparse
import time

import torch
from torch.nn.functional import cosine_similarity

from alife.quines.metrics import (
    classify_fixed_point,
    quine_metrics,
    regeneration_map,
    regeneration_radii,
)
from alife.quines.vanilla import ACTIVATIONS, VanillaQuine

HOMOGENEOUS = {"leaky_relu"}
"""Activations whose bias-free networks predict s^3 f(theta) at weights s theta."""


def rank_one_share(theta: torch.Tensor, model: VanillaQuine) -> torch.Tensor:
    """Sum over the hidden layers of (top singular value)^2 / (sum of squares) of the
    layers held in the (size,) weights ``theta``: 1 per layer of rank 1, about
    4 / width for a random square layer."""
    share = theta.new_zeros(())
    for part, layer in zip(model.layer_slices()[:-1], model.layers[:-1], strict=True):
        weights = theta[part].view(layer.shape)
        share = share + torch.linalg.matrix_norm(weights, 2) ** 2 / (weights**2).sum()
    return share


@torch.no_grad()
def prediction_ratio(model: VanillaQuine) -> float:
    """c = f(theta) . theta / theta . theta for ``model``'s weights theta: the factor of a
    quine up to scale, f(theta) = c theta (1 for an exact quine)."""
    theta = model.weights()
    return float(model.predict_all() @ theta / (theta @ theta))


def fit(
    model: VanillaQuine, theta: torch.Tensor, steps: int, lr: float, penalty: float, label: str
) -> None:
    """``steps`` Adam steps on 1 - cos(f(theta), theta) + penalty * rank_one_share,
    theta rescaled to its starting norm after each; prints progress ten times."""
    regenerate, norm = regeneration_map(model), float(theta.norm())
    optimizer = torch.optim.Adam([theta], lr=lr)
    for step in range(steps):
        misfit = 1 - cosine_similarity(regenerate(theta), theta, dim=0)
        loss = misfit + penalty * rank_one_share(theta, model) if penalty else misfit
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            theta.mul_(norm / theta.norm())
        if step % max(1, steps // 10) == 0 or step == steps - 1:
            print(f"{label} step {step:5d}  1 - cos {misfit.item():.3e}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--hidden", default="100,100")
    parser.add_argument("--activation", default="leaky_relu", choices=sorted(ACTIVATIONS))
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--steps", type=int, default=800)
    parser.add_argument("--penalty", type=float, default=1.0)
    parser.add_argument("--free-lr", type=float, default=0.001)
    parser.add_argument("--free-steps", type=int, default=1500)
    args = parser.parse_args()
    hidden = tuple(int(w) for w in args.hidden.split(","))
    model = VanillaQuine(hidden, seed=args.seed, dtype=torch.float64, activation=args.activation)
    start = time.perf_counter()
    theta = model.weights().detach().clone().requires_grad_(True)
    initial_norm = float(theta.norm())
    fit(model, theta, args.steps, args.lr, args.penalty, "penalised")
    fit(model, theta, args.free_steps, args.free_lr, 0.0, "free     ")
    seconds = time.perf_counter() - start
    model.set_weights(theta.detach())
    c = prediction_ratio(model)
    exact = args.activation in HOMOGENEOUS and c > 0
    if exact:
        model.set_weights(model.weights().detach() / c**0.5)
    values = quine_metrics(model)
    print(f"c = {c:.6g} at norm {initial_norm:.4g}; {'rescaled by c^-1/2' if exact else 'as is'}")
    layers = " ".join(f"{v:.4f}" for k, v in values.items() if k.startswith("r2_layer"))
    print(f"R^2 {values['r2']:.4f} (layers {layers}), rho {values['rho']:.3g}")
    print(f"norm {values['weight_norm']:.4g} / initial {initial_norm:.4g}")
    for layer in model.layers:
        top = torch.linalg.svdvals(layer.detach())[:3].tolist()
        negative = float((layer < 0).double().mean())
        print(
            f"layer {tuple(layer.shape)}: top singular values "
            f"{', '.join(f'{s:.3g}' for s in top)}; negative {negative:.2f}"
        )
    radii = regeneration_radii(model)
    print(f"radius of J {radii['plain']:.3g}, of P J P {radii['norm_kept']:.3g}")
    reached = classify_fixed_point(model, keep_norm=True)
    for _ in range(300):
        model.regenerate(keep_norm=True)
    top = torch.linalg.svdvals(model.layers[0].detach())[:2].tolist()
    print(
        f"norm-keeping regeneration reaches {reached}; after 300 of them f = "
        f"{prediction_ratio(model):.4g} "
        f"theta, first layer's top singular values {top[0]:.3g}, {top[1]:.3g}"
    )
    print(f"{seconds:.0f} s of fitting")


if __name__ == "__main__":
    main()
