"""Recurrent self-replicating networks (Gabor, Illium et al. 2019).

A recurrent network reads a network's weights as a sequence, one weight a step, in
order, and writes the new value of each weight at its step. It is an Elman network
without biases: ``depth`` recurrent layers of ``width`` units, layer l computing
``h_l(t) = act(W_in_l x_l(t) + W_h_l h_l(t - 1))`` from zero states (``x_0`` the weight,
``x_l`` the layer below's state), and an output row ``W_out`` reading the top state.
Stored per layer as W_in then W_h, then W_out: with width 2 and depth 2,
(2, 1), (2, 2), (2, 2), (2, 2), (1, 2): 16 weights.
"""

from __future__ import annotations

import torch

from alife.quines.net_families import NetFamily, activate, split_layers


class RecurrentNets(NetFamily):
    """The recurrent family (:mod:`alife.quines.net_families`)."""

    def __init__(self, width: int = 2, depth: int = 2, activation: str = "linear", device="cpu"):
        self.width, self.depth, self.activation = width, depth, activation
        self.shapes = []
        for layer in range(depth):
            self.shapes += [(width, 1 if layer == 0 else width), (width, width)]
        self.shapes.append((1, width))

    def rewrite(self, writer: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        matrices = split_layers(writer, self.shapes)
        states = [target.new_zeros(len(target), self.width) for _ in range(self.depth)]
        written = []
        for t in range(target.shape[1]):
            x = target[:, t : t + 1]
            for layer in range(self.depth):
                w_in, w_h = matrices[2 * layer], matrices[2 * layer + 1]
                drive = torch.bmm(w_in, x.unsqueeze(-1)) + torch.bmm(
                    w_h, states[layer].unsqueeze(-1)
                )
                states[layer] = activate(drive.squeeze(-1), self.activation)
                x = states[layer]
            written.append(torch.bmm(matrices[-1], x.unsqueeze(-1))[:, 0, 0])
        return torch.stack(written, dim=1)
