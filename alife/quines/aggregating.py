"""Aggregating self-replicating networks (Gabor, Illium et al. 2019).

An aggregating network sees a network through ``aggregates`` numbers: its weights, in
order, are cut into that many contiguous groups of (nearly) equal size, and each group is
averaged. Bias-free layers aggregates -> width (depth times) -> aggregates map the
averages to new values, and every weight of a group takes its group's new value (the
papers' "deaggregation"). With 4 aggregates, width 2 and depth 2 the layers are
(2, 4), (2, 2), (4, 2): 20 weights in groups of 5.
"""

from __future__ import annotations

import torch

from alife.quines.net_families import NetFamily, mlp


class AggregatingNets(NetFamily):
    """The aggregating family (:mod:`alife.quines.net_families`)."""

    def __init__(
        self,
        aggregates: int = 4,
        width: int = 2,
        depth: int = 2,
        activation: str = "linear",
        device="cpu",
    ):
        self.shapes = [(width, aggregates)] + [(width, width)] * (depth - 1) + [(aggregates, width)]
        self.activation = activation
        self.groups = torch.arange(self.n_weights, device=device) * aggregates // self.n_weights
        one_hot = torch.nn.functional.one_hot(self.groups, aggregates).float()
        self.averaging = one_hot / one_hot.sum(dim=0)  # (n_weights, aggregates)

    def rewrite(self, writer: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        means = target @ self.averaging.to(target.dtype)  # (N, aggregates)
        written = mlp(writer, means.unsqueeze(1), self.shapes, self.activation)[:, 0]
        return written[:, self.groups]
