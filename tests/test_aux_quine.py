"""The auxiliary quine: image data, the two-task network, the replication/task trade-off."""

from __future__ import annotations

import gzip

import matplotlib.image
import numpy as np
import pytest
import torch
from click.testing import CliRunner

from alife.cli import main
from alife.engine.store import open_run
from alife.errors import AlifeInputError
from alife.quines.datasets import load_images
from alife.quines.metrics import quine_metrics
from alife.quines.training import QuineConfig, QuineSim
from alife.quines.vanilla import VanillaQuine


def test_digits_are_split_scaled_and_labelled():
    x_train, y_train, x_test, y_test = load_images("digits")
    assert x_train.shape == (1438, 64) and x_test.shape == (359, 64)
    assert x_train.dtype == np.float32 and x_train.min() >= 0 and x_train.max() == 1.0
    assert set(np.unique(y_train)) == set(range(10)) and y_test.dtype == np.int64


def _idx(array: np.ndarray) -> bytes:
    """An IDX file of unsigned bytes, written from the format's definition."""
    header = bytes([0, 0, 0x08, array.ndim])
    header += b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    return header + array.astype(np.uint8).tobytes()


def test_mnist_loads_from_idx_files_and_npz(tmp_path):
    rng = np.random.default_rng(2)
    images = rng.integers(0, 256, (5, 28, 28), dtype=np.uint8)
    labels = np.array([3, 1, 4, 1, 5], dtype=np.uint8)
    folder = tmp_path / "mnist"
    folder.mkdir()
    (folder / "train-images-idx3-ubyte.gz").write_bytes(gzip.compress(_idx(images)))
    (folder / "train-labels-idx1-ubyte").write_bytes(_idx(labels))
    (folder / "t10k-images-idx3-ubyte").write_bytes(_idx(images[:2]))
    (folder / "t10k-labels-idx1-ubyte").write_bytes(_idx(labels[:2]))
    x_train, y_train, x_test, y_test = load_images(str(folder))
    assert x_train.shape == (5, 784) and x_test.shape == (2, 784)
    assert np.array_equal(x_train * 255, images.reshape(5, -1).astype(np.float32))
    assert y_train.tolist() == [3, 1, 4, 1, 5] and y_test.tolist() == [3, 1]
    npz = tmp_path / "mnist.npz"
    np.savez(npz, x_train=images, y_train=labels, x_test=images[:2], y_test=labels[:2])
    assert np.array_equal(load_images(str(npz))[0], x_train)
    np.savez(tmp_path / "bad.npz", x_train=images)
    with pytest.raises(AlifeInputError, match="lacks y_train, x_test, y_test"):
        load_images(str(tmp_path / "bad.npz"))
    (folder / "t10k-labels-idx1-ubyte").unlink()
    with pytest.raises(AlifeInputError, match=r"t10k-labels-idx1-ubyte.*missing"):
        load_images(str(folder))
    with pytest.raises(AlifeInputError, match="neither 'digits' nor an MNIST"):
        load_images(str(tmp_path / "nowhere.npz"))


def _image_set(images=(4, 28, 28), labels=None, test=(2, 28, 28)) -> dict:
    """An MNIST-like .npz's arrays: zero images of these shapes, labels 0."""
    return {
        "x_train": np.zeros(images, dtype=np.uint8),
        "y_train": np.zeros(images[0], dtype=np.uint8) if labels is None else labels,
        "x_test": np.zeros(test, dtype=np.uint8),
        "y_test": np.zeros(test[0], dtype=np.uint8),
    }


@pytest.mark.parametrize(
    ("arrays", "message"),
    [
        ({**_image_set(), "x_train": np.full((4, 28, 28), np.nan)}, "pixels outside 0..255"),
        ({**_image_set(), "x_train": np.full((4, 28, 28), 300.0)}, r"outside 0..255 \(300.0"),
        (_image_set(labels=np.zeros(4)), "float64 labels; expected numbers and integer labels"),
        (_image_set(test=(2, 8, 8)), "training images have 784 pixels, test images 64"),
        ({**_image_set(), "y_test": np.array([None, None])}, "not an .npz file numpy can read"),
    ],
)
def test_a_malformed_npz_is_named(tmp_path, arrays, message):
    path = tmp_path / "images.npz"
    np.savez(path, **arrays)
    with pytest.raises(AlifeInputError, match=message):
        load_images(str(path))


def test_a_file_that_is_no_npz_is_named(tmp_path):
    path = tmp_path / "images.npz"
    path.write_bytes(b"PK\x03\x04 not a zip archive")
    out = tmp_path / "o.h5"
    args = ["quine", "train", "--kind", "auxiliary", "--mnist", str(path), "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "is not an .npz file numpy can read" in result.stderr and not out.exists()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (bytes([0, 0, 8, 200]) + b"abc", "ends inside its header of 200 sizes"),
        (bytes([0, 0, 8, 3]) + (2**31).to_bytes(4, "big") * 3, "holds 0 values, its header"),
        (bytes([0, 0, 8, 1]) + (4).to_bytes(4, "big") + b"abc", r"holds 3 values, .* says \(4,\)"),
    ],
)
def test_a_malformed_idx_file_is_named(tmp_path, raw, message):
    arrays = _image_set()
    (tmp_path / "train-images-idx3-ubyte").write_bytes(raw)
    names = ["train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
    for name, key in zip(names, ["y_train", "x_test", "y_test"], strict=True):
        (tmp_path / name).write_bytes(_idx(arrays[key]))
    with pytest.raises(AlifeInputError, match=message):
        load_images(str(tmp_path))


def test_the_auxiliary_network_reads_each_task_from_its_own_columns():
    model = VanillaQuine((6, 5), seed=1, data_inputs=4, classes=3)
    first, middle, last = (layer.detach().numpy().astype(np.float64) for layer in model.layers)
    assert first.shape == (6, 6 + 4) and last.shape == (1 + 3, 5)
    assert model.size == 6 * 10 + 5 * 6 + 4 * 5

    def selu(x):
        return 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x))

    def plain(inputs):  # the whole first layer, zeros in the other task's inputs
        return selu(selu(inputs @ first.T) @ middle.T) @ last.T

    coordinates = torch.tensor([0, 7, 93])
    embedded = selu(model.projection[coordinates].numpy().astype(np.float64))
    weights = plain(np.hstack([embedded, np.zeros((3, 4))]))[:, 0]
    assert model(coordinates).detach().numpy() == pytest.approx(weights, rel=1e-5)
    images = np.random.default_rng(0).random((2, 4))
    logits = plain(np.hstack([np.zeros((2, 6)), images]))[:, 1:]
    got = model.classify(torch.tensor(images, dtype=torch.float32)).detach().numpy()
    assert got == pytest.approx(logits, rel=1e-5, abs=1e-6)


def test_the_coordinate_path_is_what_the_weight_predictions_depend_on():
    model = VanillaQuine((6, 5), seed=1, dtype=torch.float64, data_inputs=4, classes=3)
    # by autograd: the weights whose gradient in the sum of all predictions is not zero
    model(torch.arange(model.size)).sum().backward()
    used = torch.cat([layer.grad.reshape(-1) != 0 for layer in model.layers])
    path = model.coordinate_path()
    assert torch.equal(path, used)
    assert int(path.sum()) == 6 * 6 + 5 * 6 + 5  # projection columns, middle, weight row
    values = quine_metrics(model)
    theta, prediction = model.weights().detach(), model.predict_all()

    def r2(mask):
        spread = ((theta[mask] - theta[mask].mean()) ** 2).sum()
        return float(1 - ((prediction[mask] - theta[mask]) ** 2).sum() / spread)

    assert values["r2_coordinate_path"] == pytest.approx(r2(used))
    assert values["r2_task_only"] == pytest.approx(r2(~used))
    assert "r2_task_only" not in quine_metrics(VanillaQuine((6, 5), seed=1))
    assert bool(VanillaQuine((6, 5), seed=1).coordinate_path().all())


def _train(lam: float, epochs: int) -> QuineSim:
    sim = QuineSim(QuineConfig(hidden=(32, 32), kind="auxiliary", lam=lam, lr=0.003, batch=64))
    for _ in range(epochs):
        sim.step()
    return sim


def test_a_plain_classifier_learns_digits_and_replication_costs_a_little_of_it():
    classifier, quine = _train(0.0, 6).metrics(), _train(10.0, 6).metrics()
    assert classifier["accuracy"] > 0.9  # an MLP on the 8x8 digits
    assert quine["rho"] < classifier["rho"]  # only the quine's loss asks for replication
    assert quine["accuracy"] > 0.8
    # a classifier that never learned to replicate passes little of its skill to its copy
    assert classifier["offspring_accuracy"] < 0.5 * classifier["accuracy"]


def test_offspring_accuracy_is_that_of_a_network_built_from_the_predictions():
    sim = _train(1.0, 2)
    copy = VanillaQuine((32, 32), data_inputs=64, classes=10)
    with torch.no_grad():
        for layer, part in zip(copy.layers, sim.model.layer_slices(), strict=True):
            layer.copy_(sim.model.predict_all()[part].reshape(layer.shape))
    x_test, y_test = load_images("digits")[2:]
    labels = copy.classify(torch.as_tensor(x_test)).argmax(dim=1).numpy()
    assert sim.metrics()["offspring_accuracy"] == pytest.approx((labels == y_test).mean())
    assert np.isnan(QuineSim(QuineConfig(hidden=(8, 8))).metrics()["offspring_accuracy"])


def test_auxiliary_runs_resume_exactly_and_bad_input_is_one_sentence(tmp_path):
    runner = CliRunner()
    common = ["quine", "train", "--kind", "auxiliary", "--hidden", "16,16", "--batch", "64"]
    common += ["--checkpoint-every", "2", "--no-progress"]
    whole, part = str(tmp_path / "whole.h5"), str(tmp_path / "part.h5")
    assert runner.invoke(main, [*common, "--epochs", "4", "--out", whole]).exit_code == 0
    assert runner.invoke(main, [*common, "--epochs", "2", "--out", part]).exit_code == 0
    assert runner.invoke(main, ["quine", "resume", part, "--epochs", "2"]).exit_code == 0
    with open_run(whole) as a, open_run(part) as b:
        np.testing.assert_array_equal(a.snapshot(4, "weights"), b.snapshot(4, "weights"))
        assert a.metrics["accuracy"][-1] == b.metrics["accuracy"][-1] > 0.3
    report = tmp_path / "report"
    assert runner.invoke(main, ["analyze", whole, "--out", str(report)]).exit_code == 0
    assert "r2_task_only" in (report / "summary.md").read_text()
    height, width = matplotlib.image.imread(report / "quine.png").shape[:2]
    assert height > 0.9 * width  # a third row of panels: the accuracies and the task loss
    bad = runner.invoke(main, [*common, "--mnist", "nowhere", "--out", str(tmp_path / "x.h5")])
    assert bad.exit_code == 2 and "neither 'digits' nor an MNIST" in bad.stderr
    bad = runner.invoke(main, [*common, "--lam", "-1", "--out", str(tmp_path / "x.h5")])
    assert bad.exit_code == 2 and "lam must be >= 0" in bad.stderr
    assert not (tmp_path / "x.h5").exists()
