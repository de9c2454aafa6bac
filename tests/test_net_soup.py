"""Soups of weight-wise self-replicating networks (Gabor et al.): the batched tensor
program against plain per-network references, known fixpoints, the CLI."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
from click.testing import CliRunner
from tables import table_row
from torch.utils import _pytree as pytree
from torch.utils._python_dispatch import TorchDispatchMode

from alife.cli import main
from alife.engine.session import resume_run, start_run
from alife.engine.store import open_run
from alife.quines.aggregating import AggregatingNets
from alife.quines.net_families import (
    FIXPOINT_CLASSES,
    classify,
    replication_error,
    sgd_steps,
)
from alife.quines.net_soup import KINDS, NetSoupConfig, NetSoupSim
from alife.quines.recurrent import RecurrentNets
from alife.quines.weightwise import WeightwiseNets, positions

NETS = WeightwiseNets(2, 2)


def _act(x: np.ndarray, activation: str) -> np.ndarray:
    return 1 / (1 + np.exp(-x)) if activation == "sigmoid" else x


def _layers(theta: np.ndarray, shapes) -> list[np.ndarray]:
    out, start = [], 0
    for rows, columns in shapes:
        out.append(theta[start : start + rows * columns].reshape(rows, columns))
        start += rows * columns
    return out


def _numpy_mlp(theta: np.ndarray, inputs: np.ndarray, shapes, activation: str) -> np.ndarray:
    """One network, float64, layer by layer as written in the papers."""
    out = inputs
    layers = _layers(theta, shapes)
    for i, weights in enumerate(layers):
        out = out @ weights.T
        if i < len(layers) - 1:
            out = _act(out, activation)
    return out


def _weightwise_alone(writer, target, width, depth, activation):
    """What one weight-wise network writes, each weight's features built by hand."""
    shapes = [(width, 4)] + [(width, width)] * (depth - 1) + [(1, width)]
    rows = []
    for layer, (out, inp) in enumerate(shapes):
        for r in range(out):
            for c in range(inp):
                rows.append((layer / (len(shapes) - 1), r / max(out - 1, 1), c / max(inp - 1, 1)))
    inputs = np.column_stack([target, np.array(rows)])
    return _numpy_mlp(writer, inputs, shapes, activation)[:, 0]


def _aggregating_alone(writer, target, aggregates, width, depth, activation):
    shapes = [(width, aggregates)] + [(width, width)] * (depth - 1) + [(aggregates, width)]
    n = len(target)
    groups = [[j for j in range(n) if j * aggregates // n == g] for g in range(aggregates)]
    means = np.array([target[g].mean() for g in groups])
    new = _numpy_mlp(writer, means[None], shapes, activation)[0]
    return np.array([new[j * aggregates // n] for j in range(n)])


def _recurrent_alone(writer, target, width, depth, activation):
    shapes = []
    for layer in range(depth):
        shapes += [(width, 1 if layer == 0 else width), (width, width)]
    layers = _layers(writer, [*shapes, (1, width)])
    states = [np.zeros(width) for _ in range(depth)]
    written = []
    for value in target:
        x = np.array([value])
        for layer in range(depth):
            w_in, w_h = layers[2 * layer], layers[2 * layer + 1]
            states[layer] = _act(w_in @ x + w_h @ states[layer], activation)
            x = states[layer]
        written.append(float((layers[-1] @ x)[0]))
    return np.array(written)


def test_the_papers_networks_have_14_20_and_16_weights_at_these_positions():
    assert NETS.shapes == [(2, 4), (2, 2), (1, 2)] and NETS.n_weights == 14
    expected = [(0, r, c / 3) for r in (0, 1) for c in range(4)]
    expected += [(0.5, r, c) for r in (0, 1) for c in (0, 1)]
    expected += [(1, 0, c) for c in (0, 1)]
    assert np.allclose(NETS.positions.numpy(), np.array(expected))
    assert AggregatingNets(4, 2, 2).n_weights == 8 + 4 + 8
    assert AggregatingNets(4, 2, 2).groups.tolist() == [j * 4 // 20 for j in range(20)]
    assert RecurrentNets(2, 2).n_weights == 2 + 4 + 4 + 4 + 2


@pytest.mark.parametrize("shapes", [[(3, 4), (3, 3), (3, 3), (1, 3)], [(1, 4), (1, 1)], [(5, 1)]])
def test_positions_are_layer_row_and_column_over_their_largest(shapes):
    last = max(len(shapes) - 1, 1)
    expected = [
        (layer / last, row / max(out - 1, 1), column / max(inp - 1, 1))
        for layer, (out, inp) in enumerate(shapes)
        for row in range(out)
        for column in range(inp)
    ]
    assert torch.equal(positions(shapes), torch.tensor(expected, dtype=torch.float32))


@pytest.mark.parametrize("kind", KINDS)
def test_a_configs_weight_count_is_its_familys(kind):
    """The count the memory check uses, from the sizes alone, against the layers built."""
    for width, depth, aggregates in itertools.product((1, 2, 5), (1, 2, 4), (1, 4, 7)):
        config = NetSoupConfig(size=2, kind=kind, width=width, depth=depth, aggregates=aggregates)
        assert config.n_weights == config.family().n_weights


def _storages(tensors) -> dict[int, int]:
    """{storage address: bytes} of the tensors among ``tensors`` (views share one)."""
    return {
        t.untyped_storage().data_ptr(): t.untyped_storage().nbytes()
        for t in tensors
        if isinstance(t, torch.Tensor)
    }


class _WidestOp(TorchDispatchMode):
    """Records the most bytes one torch operation read and wrote at once (its inputs and
    outputs, each storage once), leaving out the storages in ``ignore``."""

    def __init__(self, ignore: set[int]):
        super().__init__()
        self.ignore, self.widest = ignore, 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        leaves = pytree.tree_leaves((args, kwargs, out))
        held = {k: v for k, v in _storages(leaves).items() if k not in self.ignore}
        self.widest = max(self.widest, sum(held.values()))
        return out


def _generation_peak_bytes(config: NetSoupConfig) -> int:
    """At least the bytes a generation of ``config``'s soup holds at once, measured on
    the tensors: the soup, the family's constant tables, and either the widest
    operation of a rewrite of every network (no learning) or everything autograd keeps
    for a gradient step of every network's replication error."""
    family = config.family()
    theta = family.initial(config.size, torch.Generator().manual_seed(0))
    constants = _storages(vars(family).values())
    soup = _storages([theta])
    if config.learn_rate == 0 and config.train == 0:
        with torch.no_grad(), _WidestOp(set(soup) | set(constants)) as mode:
            family.rewrite(theta, theta)
        held = mode.widest
    else:
        saved = []
        with torch.autograd.graph.saved_tensors_hooks(lambda t: saved.append(t) or t, lambda t: t):
            weights = theta.clone().requires_grad_(True)
            replication_error(family, weights, theta).sum()
        held = sum(v for k, v in _storages(saved).items() if k not in constants)
    return sum(soup.values()) + sum(constants.values()) + held


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("learns", [False, True])
def test_the_memory_checks_peak_is_a_close_lower_bound_of_the_tensors(kind, learns):
    """The count the memory check weighs, from the sizes alone, never exceeds what the
    tensors of a generation hold (so no size that fits is refused) and is at least half
    of it (so a size that cannot fit is refused, not run into the out-of-memory killer)."""
    rates = {"learn_rate": 0.1 if learns else 0.0, "train": 0}
    for width, depth, aggregates in itertools.product((1, 2, 5), (1, 3), (1, 6)):
        config = NetSoupConfig(
            size=3, kind=kind, width=width, depth=depth, aggregates=aggregates, **rates
        )
        measured = _generation_peak_bytes(config)
        assert measured / 2 <= 4 * config.peak_floats <= measured, (width, depth, aggregates)


FAMILIES = [
    (lambda a: WeightwiseNets(2, 2, a), lambda w, t, a: _weightwise_alone(w, t, 2, 2, a)),
    (lambda a: WeightwiseNets(3, 1, a), lambda w, t, a: _weightwise_alone(w, t, 3, 1, a)),
    (lambda a: WeightwiseNets(2, 3, a), lambda w, t, a: _weightwise_alone(w, t, 2, 3, a)),
    (lambda a: AggregatingNets(4, 2, 2, a), lambda w, t, a: _aggregating_alone(w, t, 4, 2, 2, a)),
    (lambda a: AggregatingNets(3, 2, 1, a), lambda w, t, a: _aggregating_alone(w, t, 3, 2, 1, a)),
    (lambda a: RecurrentNets(2, 2, a), lambda w, t, a: _recurrent_alone(w, t, 2, 2, a)),
    (lambda a: RecurrentNets(3, 1, a), lambda w, t, a: _recurrent_alone(w, t, 3, 1, a)),
]


@pytest.mark.parametrize("activation", ["linear", "sigmoid"])
@pytest.mark.parametrize(("family", "alone"), FAMILIES)
def test_batched_rewriting_equals_each_network_on_its_own(family, alone, activation):
    nets = family(activation)
    rng = np.random.default_rng(3)
    writers = rng.normal(scale=0.7, size=(5, nets.n_weights)).astype(np.float32)
    targets = rng.normal(scale=0.7, size=(5, nets.n_weights)).astype(np.float32)
    batched = nets.rewrite(torch.tensor(writers), torch.tensor(targets)).numpy()
    for i in range(5):
        expected = alone(writers[i].astype(np.float64), targets[i].astype(np.float64), activation)
        assert batched[i] == pytest.approx(expected, rel=1e-4, abs=1e-5)


def _network(*layers) -> torch.Tensor:
    flat = np.concatenate([np.ravel(w) for w in layers])
    return torch.tensor(flat[None], dtype=torch.float32)


def _classes(theta: torch.Tensor, nets=NETS) -> list[str]:
    return [FIXPOINT_CLASSES[int(c)] for c in classify(nets, theta, 1e-4)]


def test_known_networks_fall_in_their_classes():
    # writes every weight's value unchanged: a non-trivial fixpoint (an identity function)
    identity = _network([[1, 0, 0, 0], [0, 0, 0, 0]], [[1, 0], [0, 0]], [[1, 0]])
    assert _classes(identity) == ["fix_other"]
    assert torch.equal(NETS.rewrite(identity, identity), identity)
    assert _classes(torch.zeros(1, 14)) == ["fix_zero"]
    broken = identity.clone()
    broken[0, 5] = float("nan")
    assert _classes(broken) == ["divergent"]
    assert _classes(identity * 2) == ["other"]  # writes 8x its weights
    # one hidden layer: theta writes -theta, and -theta (the same bilinear map) writes theta
    flat = WeightwiseNets(2, 1)
    negator = _network([[1, 0, 0, 0], [0, 0, 0, 0]], [[-1, 0]])
    assert torch.equal(flat.rewrite(negator, negator), -negator)
    assert _classes(negator, flat) == ["fix_sec"]


def test_batched_gradient_steps_equal_each_network_trained_alone_and_finite_differences():
    rng = np.random.default_rng(5)
    theta = torch.tensor(rng.normal(scale=0.5, size=(4, 14)), dtype=torch.float64)
    target = torch.tensor(rng.normal(scale=0.5, size=(4, 14)), dtype=torch.float64)
    mask = torch.tensor([True, False, True, True])
    batched = sgd_steps(NETS, theta, target, 3, 0.05, mask=mask)
    selfish = sgd_steps(NETS, theta, None, 2, 0.05)

    def loss(w, goal):
        written = _weightwise_alone(w.numpy(), goal.numpy(), 2, 2, "linear")
        return float(((written - goal.numpy()) ** 2).mean())

    for i in range(4):
        w = theta[i].clone()
        for _ in range(3 if mask[i] else 0):
            gradient = np.zeros(14)
            for k in range(14):  # central finite differences, float64
                step = torch.zeros(14, dtype=torch.float64)
                step[k] = 1e-6
                gradient[k] = (loss(w + step, target[i]) - loss(w - step, target[i])) / 2e-6
            w = w - 0.05 * torch.tensor(gradient)
        assert batched[i].numpy() == pytest.approx(w.numpy(), abs=1e-7)
        w = theta[i].clone()
        for _ in range(2):  # self-training: the target is the current weights
            goal = w.clone()
            gradient = np.zeros(14)
            for k in range(14):
                step = torch.zeros(14, dtype=torch.float64)
                step[k] = 1e-6
                gradient[k] = (loss(w + step, goal) - loss(w - step, goal)) / 2e-6
            w = w - 0.05 * torch.tensor(gradient)
        assert selfish[i].numpy() == pytest.approx(w.numpy(), abs=1e-7)


def test_a_generation_of_attacks_equals_the_synchronous_rule_network_by_network():
    config = NetSoupConfig(size=12, attack_rate=0.6, learn_rate=0.0, seed=4)
    sim = NetSoupSim(config)
    before = sim.theta.numpy().astype(np.float64)
    draws = sim.draws()
    sim.step()
    expected = before.copy()
    attack, victim = draws["attack"].numpy(), draws["victim"].numpy()
    assert attack.sum() > 2 and len(set(victim[attack])) < attack.sum()  # a double attack
    for v in range(12):
        attackers = [a for a in range(12) if attack[a] and victim[a] == v]
        if attackers:  # the last attacker in index order writes, on the old weights
            expected[v] = _weightwise_alone(before[max(attackers)], before[v], 2, 2, "linear")
    assert sim.theta.numpy() == pytest.approx(expected, rel=1e-5, abs=1e-6)
    assert sim.metrics()["attacks"] == int(attack.sum())


def test_self_training_reaches_non_trivial_fixpoints_and_removal_replaces_zeros():
    sim = NetSoupSim(NetSoupConfig(size=20, attack_rate=0, learn_rate=0, train=100, lr=0.04))
    for _ in range(30):
        sim.step()
    metrics = sim.metrics()
    assert metrics["fix_other"] >= 18 and metrics["mean_norm"] > 1.0
    zeroing = NetSoupSim(NetSoupConfig(size=10, attack_rate=1.0, learn_rate=0, remove_zero=True))
    zeroing.theta[:3] = 0.0  # zero networks attack others into zero, then are replaced
    zeroing.step()
    assert zeroing.metrics()["fix_zero"] == 0


def test_a_resumed_soup_equals_an_uninterrupted_one(tmp_path):
    config = NetSoupConfig(size=16, train=2, learn_rate=0.3, attack_rate=0.2, seed=9)
    whole, split = str(tmp_path / "whole.h5"), str(tmp_path / "split.h5")
    start_run(NetSoupSim, config, whole, epochs=6, progress=False)
    start_run(NetSoupSim, config, split, epochs=3, progress=False)
    resume_run(split, epochs=3, progress=False)
    with open_run(whole) as a, open_run(split) as b:
        assert np.array_equal(a.snapshot(6, "weights"), b.snapshot(6, "weights"))
        assert a.metrics["epoch"][-1] == b.metrics["epoch"][-1] == 6
        assert a.metrics["mean_error"][-1] == b.metrics["mean_error"][-1]


def test_cli_runs_a_soup_analyzes_it_and_refuses_bad_rates(tmp_path):
    runner = CliRunner()
    out = str(tmp_path / "s.h5")
    args = ["quine", "soup", "--size", "8", "--generations", "5", "--train", "3"]
    result = runner.invoke(main, [*args, "--out", out, "--no-progress"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["analyze", out, "--out", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    assert {"census.png", "summary.md"} <= {p.name for p in (tmp_path / "r").iterdir()}
    with open_run(out) as run:
        last = {name: int(run.metrics[name][-1]) for name in FIXPOINT_CLASSES}
        errors = run.metrics["mean_error"]
    census = ", ".join(f"{count} {name}" for name, count in last.items())
    summary = (tmp_path / "r" / "summary.md").read_text()
    assert "## Records (5 records, generations 1 to 5)" in summary and "| size | 8 |" in summary
    assert f"after generation 5, of 8 networks: {census}" in summary
    shown = runner.invoke(main, ["quine", "show", out])
    assert shown.exit_code == 0 and f"after generation 5, of 8 networks: {census}" in shown.output
    assert table_row(shown.output, "progress") == ["progress", "5 of 5 generations, completed"]
    assert "5 records, generations 1 to 5" in shown.output
    values = [errors[0], errors[-1], errors.min(), errors.max()]
    assert table_row(shown.output, "mean_error")[1:] == [f"{v:.6g}" for v in values]
    wrong = runner.invoke(main, ["quine", "resume", out, "--epochs", "2"])
    assert wrong.exit_code == 2 and "counted in generations: pass --generations N" in wrong.stderr
    both = runner.invoke(main, ["quine", "resume", out, "--epochs", "2", "--generations", "2"])
    assert both.exit_code == 2 and "not --epochs and --generations" in both.stderr
    with open_run(out) as run:
        assert run.checkpoint_epoch() == 5
    resumed = runner.invoke(main, ["quine", "resume", out, "--generations", "2"])
    assert resumed.exit_code == 0 and "completed at generation 7" in resumed.stderr
    bad = runner.invoke(main, [*args, "--attack-rate", "1.5", "--out", str(tmp_path / "x.h5")])
    assert bad.exit_code == 2 and "attack_rate must be a probability in [0, 1]" in bad.stderr
    bad = runner.invoke(main, [*args[:2], "--size", "1", "--out", str(tmp_path / "x.h5")])
    assert bad.exit_code == 2 and "size must be an integer >= 2" in bad.stderr
    assert not (tmp_path / "x.h5").exists()
