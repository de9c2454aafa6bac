"""Weight-wise self-replicating networks (Gabor, Illium et al. 2019, 2022).

A weight-wise network reads one weight at a time: its features are the weight's value
and its position (layer, row, column, each divided by its largest value in the network,
so in [0, 1]; an index whose largest value is 0 is 0). Bias-free layers of widths
4 -> width (depth times) -> 1 map them to the new value of that weight. With the papers'
width 2 and depth 2 the layers are (2, 4), (2, 2), (1, 2): 14 weights.
"""

from __future__ import annotations

import torch

from alife.quines.net_families import NetFamily, mlp


def weightwise_layers(width: int, depth: int) -> list[tuple[int, int]]:
    """(out, in) of each layer of a weight-wise network."""
    return [(width, 4)] + [(width, width)] * (depth - 1) + [(1, width)]


def positions(shapes: list[tuple[int, int]], device: torch.device | str = "cpu") -> torch.Tensor:
    """(n_weights, 3) float32: (layer, row, column) of every weight of layers
    ``shapes``, each divided by its largest value (0 where that is 0)."""
    last_layer = max(len(shapes) - 1, 1)
    blocks = []
    for layer, (out, inp) in enumerate(shapes):
        rows = torch.arange(out, dtype=torch.float64, device=device) / max(out - 1, 1)
        columns = torch.arange(inp, dtype=torch.float64, device=device) / max(inp - 1, 1)
        block = torch.empty((out, inp, 3), dtype=torch.float32, device=device)
        block[..., 0] = layer / last_layer
        block[..., 1] = rows[:, None]
        block[..., 2] = columns[None, :]
        blocks.append(block.reshape(out * inp, 3))
    return torch.cat(blocks)


def features(theta: torch.Tensor, where: torch.Tensor) -> torch.Tensor:
    """(N, n_weights, 4): each weight's value beside its position ``where``
    (from :func:`positions`)."""
    n, size = theta.shape
    return torch.cat([theta.unsqueeze(-1), where.expand(n, size, 3)], dim=-1)


class WeightwiseNets(NetFamily):
    """The weight-wise family (:mod:`alife.quines.net_families`)."""

    def __init__(self, width: int = 2, depth: int = 2, activation: str = "linear", device="cpu"):
        self.shapes = weightwise_layers(width, depth)
        self.activation = activation
        self.positions = positions(self.shapes, device)

    def rewrite(self, writer: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        inputs = features(target, self.positions.to(target.dtype))
        return mlp(writer, inputs, self.shapes, self.activation).squeeze(-1)
