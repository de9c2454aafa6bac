"""Neural-network quines: the loss and its gradient, regeneration, honest metrics."""

import math

import numpy as np
import pytest
import torch
from click.testing import CliRunner
from tables import table_row

from alife.cli import main
from alife.engine.store import open_run
from alife.errors import AlifeInputError
from alife.quines.metrics import (
    classify_fixed_point,
    is_nontrivial,
    quine_metrics,
    regeneration_radii,
)
from alife.quines.training import QuineConfig, QuineSim
from alife.quines.vanilla import VanillaQuine, replication_loss, weight_count

SELU_SCALE, SELU_ALPHA = 1.0507009873554805, 1.6732632423543772


def test_paper_sized_network_has_20100_weights():
    model = VanillaQuine((100, 100))
    assert model.size == 20100 and model.weights().shape == (20100,)
    assert [tuple(layer.shape) for layer in model.layers] == [(100, 100), (100, 100), (1, 100)]


@pytest.mark.parametrize("hidden", [(3,), (4, 5), (2, 3, 4)])
@pytest.mark.parametrize(("inputs", "classes"), [(0, 0), (64, 10)])
def test_the_weight_count_the_memory_check_uses_is_the_models(hidden, inputs, classes):
    model = VanillaQuine(hidden, data_inputs=inputs, classes=classes)
    assert weight_count(hidden, inputs, classes) == model.size == model.weights().numel()


def selu(x):
    return SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * (np.exp(x) - 1))


@pytest.mark.parametrize(
    ("name", "activation"),
    [
        ("selu", selu),
        ("tanh", np.tanh),
        ("sin", np.sin),
        ("leaky_relu", lambda x: np.where(x > 0, x, 0.1 * x)),
    ],
)
def test_forward_equals_a_plain_numpy_network(name, activation):
    model = VanillaQuine((6, 5), seed=3, dtype=torch.float64, activation=name)
    projection = model.projection.numpy()
    w = [layer.detach().numpy() for layer in model.layers]
    coords = np.arange(model.size)
    h = activation(projection[coords])
    h = activation(h @ w[0].T)
    h = activation(h @ w[1].T)
    expected = (h @ w[2].T)[:, 0]
    np.testing.assert_allclose(model.predict_all().numpy(), expected, rtol=1e-12)


def test_loss_gradient_equals_finite_differences():
    model = VanillaQuine((4, 3), seed=1, dtype=torch.float64)
    coords = torch.arange(model.size)
    for target_gradient in (False, True):
        model.zero_grad()
        replication_loss(model, coords, target_gradient).backward()
        analytic = torch.cat([layer.grad.reshape(-1) for layer in model.layers])
        theta = model.weights().detach().clone()
        numeric = torch.zeros_like(theta)
        for i in range(model.size):
            values = []
            for sign in (1, -1):
                shifted = theta.clone()
                shifted[i] += sign * 1e-6
                model.set_weights(shifted)
                shifted_theta = shifted if target_gradient else theta
                with torch.no_grad():
                    values.append(float(((model(coords) - shifted_theta) ** 2).sum()))
            numeric[i] = (values[0] - values[1]) / 2e-6
            model.set_weights(theta)
        np.testing.assert_allclose(analytic.numpy(), numeric.numpy(), rtol=1e-5, atol=1e-7)


class LinearRegeneration:
    """A stand-in with the network's interface whose regeneration is theta -> A theta."""

    def __init__(self, matrix, theta):
        self.matrix = torch.as_tensor(matrix, dtype=torch.float64)
        self.theta = torch.as_tensor(theta, dtype=torch.float64)

    def weights(self):
        return self.theta

    def regenerate(self, keep_norm=False):
        new = self.matrix @ self.theta
        self.theta = new * (self.theta.norm() / new.norm()) if keep_norm else new


@pytest.mark.parametrize(
    ("matrix", "expected"),
    [
        (np.eye(3), "fixed point"),
        (-np.eye(3), "period 2"),
        (2 * np.eye(3), "divergent"),
        (0.5 * np.eye(3), "zero"),
        ([[math.cos(1), -math.sin(1), 0], [math.sin(1), math.cos(1), 0], [0, 0, 1]], "other"),
    ],
)
def test_fixed_point_classes(matrix, expected):
    model = LinearRegeneration(np.array(matrix, dtype=float), [1.0, 2.0, 3.0])
    assert classify_fixed_point(model) == expected


def test_a_shrinking_oscillation_is_a_fixed_point_not_a_two_cycle():
    """Steps alternate in sign and shrink by 0.9: the state two steps back is within
    tolerance (after about 124 steps) before the last one is (about 145)."""
    model = LinearRegeneration(np.diag([1.0, -0.9, 0.5]), [1.0, 2.0, 3.0])
    assert classify_fixed_point(model, steps=300) == "fixed point"


@pytest.mark.parametrize(
    ("matrix", "expected"),
    [
        (2 * np.eye(3), "fixed point"),  # every state is a quine up to scale
        (np.diag([2.0, 1.0, 0.5]), "fixed point"),  # power iteration: the top eigenvector
        (np.diag([-2.0, 1.0, 0.5]), "period 2"),
        ([[math.cos(1), -math.sin(1), 0], [math.sin(1), math.cos(1), 0], [0, 0, 1]], "other"),
    ],
)
def test_fixed_point_classes_keeping_the_norm(matrix, expected):
    model = LinearRegeneration(np.array(matrix, dtype=float), [1.0, 2.0, 3.0])
    assert classify_fixed_point(model, keep_norm=True) == expected


def test_norms_of_huge_float32_weights_do_not_overflow():
    """float32 sums of squares overflow past about 1e19 per weight: a growing sequence
    whose norm overflowed once counted as collapsing to zero."""
    growing = LinearRegeneration(2 * np.eye(3), [3e19, 3e19, 3e19])
    growing.matrix, growing.theta = growing.matrix.float(), growing.theta.float()
    assert not math.isfinite(float(growing.theta.norm()))
    assert classify_fixed_point(growing) == "divergent"

    model = VanillaQuine((6, 4), seed=4)  # float32; predictions grow as the cube of scale
    model.set_weights(model.weights().detach() * 1e12)
    theta = model.weights().detach().numpy().astype(np.float64)
    assert quine_metrics(model)["weight_norm"] == pytest.approx(np.linalg.norm(theta), rel=1e-6)
    model.regenerate(keep_norm=True)  # the prediction's float32 norm would overflow
    regenerated = model.weights().detach().numpy().astype(np.float64)
    assert np.linalg.norm(regenerated) == pytest.approx(np.linalg.norm(theta), rel=1e-5)


def test_the_zero_network_is_a_trivial_exact_quine():
    model = VanillaQuine((5, 4), seed=2, dtype=torch.float64)
    initial = float(model.weights().detach().norm())
    model.set_weights(torch.zeros(model.size, dtype=torch.float64))
    values = quine_metrics(model)
    assert values["l_sr"] == 0.0 and values["weight_norm"] == 0.0
    model.regenerate()  # an exact quine: regeneration leaves it where it is
    assert float(model.weights().detach().abs().max()) == 0.0
    model.regenerate(keep_norm=True)  # a zero prediction has no norm to rescale
    assert float(model.weights().detach().abs().max()) == 0.0
    assert classify_fixed_point(model) == "zero"
    assert not is_nontrivial(values, initial)


def test_regeneration_radii_equal_those_of_a_finite_difference_jacobian():
    model = VanillaQuine((4, 3), seed=2, dtype=torch.float64)
    theta = model.weights().detach().clone()
    jacobian = np.empty((model.size, model.size))
    for d in range(model.size):  # column d: central difference of every prediction
        columns = []
        for step in (1e-6, -1e-6):
            shifted = theta.clone()
            shifted[d] += step
            model.set_weights(shifted)
            columns.append(model.predict_all().numpy())
        jacobian[:, d] = (columns[0] - columns[1]) / 2e-6
    model.set_weights(theta)
    t = theta.numpy()
    orthogonal = np.eye(model.size) - np.outer(t, t) / (t @ t)
    radii = regeneration_radii(model, tolerance=1e-10)
    assert radii["plain"] == pytest.approx(np.abs(np.linalg.eigvals(jacobian)).max(), rel=1e-6)
    expected = np.abs(np.linalg.eigvals(orthogonal @ jacobian @ orthogonal)).max()
    assert radii["norm_kept"] == pytest.approx(expected, rel=1e-6)
    assert radii["plain"] != pytest.approx(radii["norm_kept"], rel=1e-3)  # the two differ here
    model.set_weights(torch.zeros(model.size, dtype=torch.float64))
    assert regeneration_radii(model) == {"plain": 0.0, "norm_kept": 0.0}  # J = 0 at zero


def test_regeneration_keeping_the_norm_rescales_the_prediction():
    model = VanillaQuine((6, 4), seed=4, dtype=torch.float64)
    theta = model.weights().detach().numpy().copy()
    prediction = model.predict_all().numpy()
    model.regenerate(keep_norm=True)
    got = model.weights().detach().numpy()
    expected = prediction * np.sqrt((theta**2).sum() / (prediction**2).sum())
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert np.linalg.norm(got) == pytest.approx(np.linalg.norm(theta), rel=1e-12)


@torch.no_grad()
def test_leaky_relu_turns_a_quine_up_to_scale_into_an_exact_one():
    """f(s theta) = s^3 f(theta), so at a fixed point of norm-keeping regeneration,
    f(theta) = c theta, the weights theta / sqrt(c) predict themselves."""
    model = VanillaQuine((6, 5), seed=2, dtype=torch.float64, activation="leaky_relu")
    theta, prediction = model.weights().clone(), model.predict_all()
    model.set_weights(2.5 * theta)
    torch.testing.assert_close(model.predict_all(), 2.5**3 * prediction, rtol=1e-12, atol=0)
    model.set_weights(theta)
    for _ in range(500):
        before = model.weights().clone()
        model.regenerate(keep_norm=True)
        if (model.weights() - before).norm() <= 1e-12 * before.norm():
            break
    theta = model.weights().clone()
    c = float(model.predict_all() @ theta / (theta @ theta))
    model.set_weights(theta / math.sqrt(c))
    quine = model.weights().clone()
    assert float((model.predict_all() - quine).norm()) <= 1e-10 * float(quine.norm())


def test_alternating_regenerates_before_every_kth_epoch_after_the_first():
    common = dict(hidden=(8, 6), lr=0.002, batch=32, seed=3, keep_norm=True)
    scheduled = QuineSim(QuineConfig(method="alternate", regen_every=3, **common))
    by_hand = QuineSim(QuineConfig(method="adamax", **common))  # the same optimizer
    for epoch in range(1, 8):
        scheduled.step()
        if epoch in (4, 7):
            by_hand.model.regenerate(keep_norm=True)
        by_hand.step()
        np.testing.assert_array_equal(
            scheduled.model.weights().detach().numpy(), by_hand.model.weights().detach().numpy()
        )


def test_metrics_follow_their_definitions():
    model = VanillaQuine((6, 4), seed=5, dtype=torch.float64)
    theta = model.weights().detach().numpy()
    prediction = model.predict_all().numpy()
    values = quine_metrics(model)
    error = ((prediction - theta) ** 2).sum()
    assert values["l_sr"] == pytest.approx(error)
    assert values["rho"] == pytest.approx(error / (theta**2).sum())
    assert values["r2"] == pytest.approx(1 - error / ((theta - theta.mean()) ** 2).sum())
    first = slice(0, 36)
    part = ((prediction[first] - theta[first]) ** 2).sum()
    spread = ((theta[first] - theta[first].mean()) ** 2).sum()
    assert values["r2_layer0"] == pytest.approx(1 - part / spread)
    # a perfect fit of the weights with their initial norm counts as non-trivial
    perfect = dict(values, r2=1.0, weight_norm=values["weight_norm"])
    assert is_nontrivial(perfect, values["weight_norm"])


def test_training_lowers_the_loss_and_resumes_exactly(tmp_path):
    runner = CliRunner()
    common = [
        "quine",
        "train",
        "--hidden",
        "20,20",
        "--batch",
        "64",
        "--lr",
        "0.002",
        "--activation",
        "tanh",  # kept in the file's config, from which resume rebuilds the network
        "--checkpoint-every",
        "3",
        "--snapshot-every",
        "3",
        "--no-progress",
    ]
    whole, part = str(tmp_path / "whole.h5"), str(tmp_path / "part.h5")
    assert runner.invoke(main, [*common, "--epochs", "6", "--out", whole]).exit_code == 0
    assert runner.invoke(main, [*common, "--epochs", "3", "--out", part]).exit_code == 0
    result = runner.invoke(main, ["quine", "resume", part, "--epochs", "3"])
    assert result.exit_code == 0, result.output
    with open_run(whole) as a, open_run(part) as b:
        np.testing.assert_array_equal(a.snapshot(6, "weights"), b.snapshot(6, "weights"))
        losses = a.metrics["l_sr"]
        assert b.config["activation"] == "tanh"
    assert losses[-1] < losses[0]
    result = runner.invoke(main, ["quine", "classify", whole])
    assert result.exit_code == 0 and "regeneration reaches" in result.output
    assert "keeping the norm)" in result.output
    assert "spectral radius of regeneration's Jacobian" in result.output
    result = runner.invoke(main, ["analyze", whole, "--out", str(tmp_path / "report")])
    assert result.exit_code == 0, result.output
    summary = (tmp_path / "report" / "summary.md").read_text()
    assert "verdict" in summary and "| activation | tanh |" in summary
    assert "## Records (6 records, epochs 1 to 6)" in summary and "## The snapshot of epoch 6" in (
        summary
    )
    earlier = tmp_path / "earlier"
    result = runner.invoke(main, ["analyze", whole, "--epoch", "3", "--out", str(earlier)])
    assert (
        result.exit_code == 0
        and "## The snapshot of epoch 3" in (earlier / "summary.md").read_text()
    )
    shown = runner.invoke(main, ["quine", "show", whole])
    assert shown.exit_code == 0 and "the snapshot of epoch 6:" in shown.output
    assert "- initial weight norm" in shown.output and "verdict:" in shown.output
    assert table_row(shown.output, "l_sr")[1:3] == [f"{losses[0]:.6g}", f"{losses[-1]:.6g}"]
    assert "accuracy" not in shown.output  # a vanilla quine records none


def test_bad_quine_options_are_named(tmp_path):
    out = tmp_path / "never.h5"
    result = CliRunner().invoke(main, ["quine", "train", "--hidden", "10,x", "--out", str(out)])
    assert result.exit_code == 2 and "not comma-separated integers" in result.stderr
    with pytest.raises(AlifeInputError, match="unknown method 'newton'"):
        QuineConfig(method="newton")
    with pytest.raises(AlifeInputError, match="lr must be > 0"):
        QuineConfig(lr=0)
    with pytest.raises(
        AlifeInputError, match=r"unknown activation 'relu'; valid .* selu, tanh, sin, leaky_relu"
    ):
        QuineConfig(activation="relu")
    result = CliRunner().invoke(main, ["quine", "train", "--regen-every", "5", "--out", str(out)])
    assert result.exit_code == 2
    assert "regen_every 5 applies to method 'alternate' only" in result.stderr
    assert not out.exists()


def test_bench_quine_prints_seconds_per_epoch():
    result = CliRunner().invoke(main, ["bench", "quine", "--epochs", "1"])
    assert result.exit_code == 0, result.output
    assert "adamax" in result.output and "regen" in result.output
