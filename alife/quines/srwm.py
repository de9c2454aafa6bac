"""A self-referential weight matrix (Irie, Schlag, Csordás & Schmidhuber 2022).

A matrix W of shape (d_out + 2 d_in + 1, d_in) that rewrites itself at every step of a
sequence. At step t, from input x_t (d_in):

    y_t, k_t, q_t, b_t = W_{t-1} x_t                 (d_out, d_in, d_in, 1)
    v_t = W_{t-1} softmax(q_t),   v̄_t = W_{t-1} softmax(k_t)
    W_t = W_{t-1} + sigmoid(b_t) (v_t - v̄_t) ⊗ softmax(k_t)

and y_t is the output: the matrix generates its own key, query and learning rate, and
moves the value it stores at key k_t toward the one it retrieves with query q_t (the
delta rule). W_0 is the trained parameter; every sequence starts from it. The paper
gives each of y, k, q and b its own learning rate (four b's); here one b drives the
whole update. ``self_modify=False`` freezes W at W_0 (a plain linear layer) for
comparison.
"""

from __future__ import annotations

import math

import torch
from torch import nn


class SelfReferentialWeightMatrix(nn.Module):
    """Input (batch, T, d_in), output (batch, T, d_out) (see the module docstring)."""

    def __init__(self, d_in: int, d_out: int, self_modify: bool = True, seed: int = 0):
        super().__init__()
        generator = torch.Generator().manual_seed(seed)
        rows = d_out + 2 * d_in + 1
        self.d_in, self.d_out, self.self_modify = d_in, d_out, self_modify
        self.w0 = nn.Parameter(torch.randn(rows, d_in, generator=generator) / math.sqrt(d_in))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        d_in, d_out = self.d_in, self.d_out
        w = self.w0.expand(x.shape[0], *self.w0.shape)
        outputs = []
        for t in range(x.shape[1]):
            out = torch.einsum("bri,bi->br", w, x[:, t])
            y, k, q, b = out.split((d_out, d_in, d_in, 1), dim=1)
            outputs.append(y)
            if self.self_modify:
                key, query = torch.softmax(k, dim=1), torch.softmax(q, dim=1)
                change = torch.einsum("bri,bi->br", w, query) - torch.einsum("bri,bi->br", w, key)
                w = w + torch.sigmoid(b)[:, :, None] * change[:, :, None] * key[:, None, :]
        return torch.stack(outputs, dim=1)


class RecallModel(nn.Module):
    """An SRWM between an input and an output projection, for :func:`recall_batch`."""

    def __init__(self, symbols: int, width: int = 32, self_modify: bool = True, seed: int = 0):
        super().__init__()
        torch.manual_seed(seed)
        self.embed = nn.Linear(2 * symbols + 1, width)
        self.srwm = SelfReferentialWeightMatrix(width, width, self_modify, seed)
        self.head = nn.Linear(width, symbols)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(torch.relu(self.srwm(self.embed(x))))


def recall_batch(
    batch: int, pairs: int, symbols: int, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """An associative-recall batch: ``pairs`` steps each showing a key and its value
    (one-hot, distinct keys), then one step showing a key again with a query flag.
    Returns inputs (batch, pairs + 1, 2 symbols + 1) and the answers (batch,): the
    value shown with that key."""
    keys = torch.argsort(torch.rand(batch, symbols, generator=generator), dim=1)[:, :pairs]
    values = torch.randint(symbols, (batch, pairs), generator=generator)
    asked = torch.randint(pairs, (batch,), generator=generator)
    x = torch.zeros(batch, pairs + 1, 2 * symbols + 1)
    rows = torch.arange(batch)
    for p in range(pairs):
        x[rows, p, keys[:, p]] = 1.0
        x[rows, p, symbols + values[:, p]] = 1.0
    x[rows, pairs, keys[rows, asked]] = 1.0
    x[:, pairs, -1] = 1.0
    return x, values[rows, asked]


def train_recall(
    self_modify: bool,
    *,
    steps: int = 2000,
    pairs: int = 4,
    symbols: int = 8,
    batch: int = 64,
    lr: float = 3e-3,
    seed: int = 0,
) -> float:
    """Train a :class:`RecallModel` on associative recall with Adam; returns its
    accuracy on 2048 fresh sequences (chance: 1 / symbols)."""
    model = RecallModel(symbols, self_modify=self_modify, seed=seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed + 1)
    for _ in range(steps):
        x, answer = recall_batch(batch, pairs, symbols, generator)
        loss = nn.functional.cross_entropy(model(x)[:, -1], answer)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        x, answer = recall_batch(2048, pairs, symbols, torch.Generator().manual_seed(seed + 2))
        return float((model(x)[:, -1].argmax(dim=1) == answer).float().mean())
