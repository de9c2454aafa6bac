"""The self-referential weight matrix: its equations by hand, its gradient, and what
self-modification buys on associative recall."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from alife.quines.srwm import SelfReferentialWeightMatrix, train_recall


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum()


def _by_hand(w0: np.ndarray, xs: np.ndarray, d_in: int, d_out: int) -> np.ndarray:
    """One sequence, float64, the paper's update step by step."""
    w, ys = w0.copy(), []
    for x in xs:
        out = w @ x
        y, k, q, b = out[:d_out], out[d_out : d_out + d_in], out[d_out + d_in : -1], out[-1]
        ys.append(y)
        key, query = _softmax(k), _softmax(q)
        w = w + (1 / (1 + np.exp(-b))) * np.outer(w @ query - w @ key, key)
    return np.array(ys)


def test_the_layer_follows_the_equations_and_freezes_to_a_linear_map():
    layer = SelfReferentialWeightMatrix(5, 3, seed=4)
    x = torch.randn(2, 7, 5, generator=torch.Generator().manual_seed(1))
    got = layer(x).detach().numpy()
    w0 = layer.w0.detach().numpy().astype(np.float64)
    for i in range(2):
        expected = _by_hand(w0, x[i].numpy().astype(np.float64), 5, 3)
        np.testing.assert_allclose(got[i], expected, rtol=1e-5, atol=1e-6)
    frozen = SelfReferentialWeightMatrix(5, 3, self_modify=False, seed=4)
    np.testing.assert_allclose(
        frozen(x).detach().numpy(), x.numpy() @ w0[:3].T, rtol=1e-5, atol=1e-6
    )
    assert not np.allclose(got, x.numpy() @ w0[:3].T, atol=1e-3)  # it did rewrite itself


def test_the_gradient_through_the_self_modifications_is_right():
    layer = SelfReferentialWeightMatrix(3, 2, seed=0).double()
    x = torch.randn(1, 4, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    assert torch.autograd.gradcheck(
        lambda w: torch.func.functional_call(layer, {"w0": w}, (x,)),
        (layer.w0.detach().clone().requires_grad_(True),),
    )


@pytest.mark.slow
def test_self_modification_learns_associative_recall_where_a_fixed_matrix_cannot():
    learned = train_recall(True, steps=400, pairs=3, symbols=6, batch=32)
    frozen = train_recall(False, steps=400, pairs=3, symbols=6, batch=32)
    assert learned > 0.5 and frozen < 0.25  # chance: 1/6
