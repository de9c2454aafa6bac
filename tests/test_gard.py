"""GARD: the batched kernel against a plain one-assembly simulation of the same stream."""

import math
from dataclasses import asdict

import numpy as np
import pytest
from tables import table_row

from alife.engine.exact_math import build_exact_math
from alife.engine.rng import derive_host, splitmix64_host
from alife.errors import AlifeInputError
from alife.substrates.gard.compotypes import carpet, compotypes, nondrift, similarity
from alife.substrates.gard.ensemble import Ensemble
from alife.substrates.gard.model import (
    GardConfig,
    catalysis_matrix,
    mutual_catalysis,
)
from alife.substrates.gard.population import PopulationConfig, Populations
from alife.substrates.gard.price import population_price

# the kernels' clock uses the log that rounds the same on CPU and GPU (checked against
# math.log in tests/test_exact_math.py)
exact_log = build_exact_math("cpu").log


class Stream:
    """Draw t of stream key: the top 53 bits of SplitMix64(key + t), as a fraction."""

    def __init__(self, key: int, start: int):
        self.key, self.t = key, start

    def __call__(self) -> float:
        value = splitmix64_host(self.key + self.t) >> 11
        self.t += 1
        return value * 2.0**-53


def reference_start(species, size, draw):
    """Counts of ``size`` molecules, each of species floor(u N_G) for the next draw u."""
    n = [0] * species
    for _ in range(size):
        n[min(int(draw() * species), species - 1)] += 1
    return n


def reference_generation(n, beta, config, draw, weights):
    """One generation written from the model's definition, in plain Python floats;
    ``weights[i][j]`` multiplies beta (selection)."""
    species = len(n)
    c = [sum(beta[i][j] * weights[i][j] * n[j] for j in range(species)) for i in range(species)]
    size, elapsed, events = sum(n), 0.0, 0
    while 0 < size < config.nmax:
        boost = [1.0 + c[i] / size for i in range(species)]
        rates = [config.kf * (1.0 / species) * size * boost[i] for i in range(species)]
        rates += [config.kb * n[i] * boost[i] for i in range(species)]
        total = 0.0
        for rate in rates:
            total += rate
        target, wait = draw() * total, draw()
        running, chosen = 0.0, None
        for k, rate in enumerate(rates):
            running += rate
            if running > target and rate > 0:
                chosen = k
                break
        if chosen is None:
            chosen = max(k for k, rate in enumerate(rates) if rate > 0)
        elapsed += -exact_log(1.0 - wait) / total
        events += 1
        species_moved = chosen % species
        step = 1 if chosen < species else -1
        n[species_moved] += step
        size += step
        for i in range(species):
            c[i] += step * (beta[i][species_moved] * weights[i][species_moved])
    grown = list(n)
    if size == 0:
        return grown, elapsed, events, False
    daughter, left = [0] * species, size
    for _ in range(config.nmax // 2):
        pick = int(draw() * left)
        i, seen = 0, n[0]
        while seen <= pick:
            i += 1
            seen += n[i]
        n[i] -= 1
        daughter[i] += 1
        left -= 1
    n[:] = daughter
    return grown, elapsed, events, True


@pytest.mark.parametrize(
    "config",
    [
        GardConfig(species=12, nmax=20, seed=3, replicas=3),
        GardConfig(species=30, nmax=40, mu=-2, sigma=2, kb=1e-2, seed=9, replicas=2),
        GardConfig(species=5, nmax=9, kf=1e-4, kb=1.0, seed=1, replicas=4),  # deaths
        GardConfig(species=8, nmax=14, seed=2, replicas=3, distinct_betas=True),
        GardConfig(
            species=10, nmax=16, seed=7, replicas=2, bias=1.1, target=(3, 0, 0, 1, 0, 0, 2, 0, 0, 0)
        ),
    ],
)
def test_ensemble_equals_the_plain_reference(config):
    ensemble = Ensemble(config)
    out = ensemble.run(6)
    betas = config.betas()
    for a in range(config.replicas):
        beta = betas[config.beta_index()[a]].tolist()
        draw = Stream(derive_host(config.seed, a + 1), 0)
        n = reference_start(config.species, config.nmin, draw)
        alive = True
        weights = [[1.0] * config.species for _ in range(config.species)]
        for g in range(6):
            if not alive:
                assert not out["trace"][a, g].any() and out["events"][a, g] == 0
                continue
            grown, elapsed, events, alive = reference_generation(n, beta, config, draw, weights)
            if config.bias and alive:  # catalysis among the species present, times bias H
                target = config.target
                h = sum(x * y for x, y in zip(n, target, strict=True)) / (
                    math.sqrt(sum(x * x for x in n)) * math.sqrt(sum(y * y for y in target))
                )
                present = [x > 0 for x in n]
                weights = [
                    [config.bias * h if present[i] and present[j] else 1.0 for j in range(len(n))]
                    for i in range(len(n))
                ]
            assert out["trace"][a, g].tolist() == grown
            assert out["times"][a, g] == elapsed and out["events"][a, g] == events
        assert ensemble.state()["counts"][a].tolist() == (n if alive else [0] * len(n))
        assert ensemble.state()["counters"][a] == draw.t


def test_splits_conserve_molecules_and_halve():
    config = GardConfig(species=50, nmax=60, seed=2, replicas=8)
    ensemble = Ensemble(config)
    out = ensemble.run(10)
    assert (out["trace"].sum(axis=2) == 60).all()  # every generation reached N_max
    counts = ensemble.state()["counts"]
    assert (counts.sum(axis=1) == 30).all() and (counts >= 0).all()
    assert (counts <= out["trace"][:, -1]).all()  # the daughter is drawn from the parent


def test_resuming_from_state_continues_the_same_streams():
    config = GardConfig(species=20, nmax=30, seed=5, replicas=3)
    whole = Ensemble(config).run(8)["trace"]
    first = Ensemble(config)
    head = first.run(3)["trace"]
    tail = Ensemble(config, state=first.state()).run(5)["trace"]
    np.testing.assert_array_equal(np.concatenate([head, tail], axis=1), whole)


def test_catalysis_matrix_is_lognormal_and_seeded():
    beta = catalysis_matrix(100, -4.0, 4.0, seed=0)
    logs = np.log(beta).ravel()
    assert abs(logs.mean() + 4) < 0.1 and abs(logs.std() - 4) < 0.1
    np.testing.assert_array_equal(beta, catalysis_matrix(100, -4.0, 4.0, seed=0))
    assert not np.array_equal(beta, catalysis_matrix(100, -4.0, 4.0, seed=1))
    eye = np.eye(3) + 0.5
    assert mutual_catalysis(eye) == pytest.approx(eye.sum() / (3 * np.trace(eye)))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"species": 0}, "species must be an integer >= 2"),
        ({"nmax": 1}, "nmax must be an integer >= 2"),
        ({"sigma": -1.0}, "sigma must be >= 0"),
        ({"kf": 0.0}, "kf must be > 0"),
        ({"replicas": 0}, "replicas must be an integer >= 1"),
    ],
)
def test_bad_parameters_are_named(kwargs, message):
    with pytest.raises(AlifeInputError, match=message):
        GardConfig(**kwargs)


def noisy_copies(prototype, count, rng):
    """Compositions of 100 molecules drawn from a prototype's proportions."""
    return rng.multinomial(100, prototype / prototype.sum(), size=count)


def test_compotypes_find_planted_compositions_between_drift():
    rng = np.random.default_rng(0)
    species = 40
    prototypes = [np.eye(species)[k] * 100 + 1 for k in (3, 17, 29)]  # one species dominant
    blocks, truth = [], []
    for block in range(9):
        k = block % 3
        blocks.append(noisy_copies(prototypes[k], 12, rng))
        truth += [-2] + [k] * 10 + [-2]  # a stay's ends border drift: either label is fine
        blocks.append(rng.multinomial(100, rng.dirichlet(np.ones(species) * 0.3), size=1))
        truth += [-1]  # one drifting generation between the stays
    trace = np.concatenate(blocks)
    found = compotypes(trace)
    assert found.count == 3
    truth = np.array(truth)
    for k in range(3):  # each planted composition is exactly one compotype
        labels = set(found.labels[truth == k])
        assert len(labels) == 1 and labels != {-1}
    dominant = sorted(int(np.argmax(c)) for c in found.centres)
    assert dominant == [3, 17, 29]
    assert (found.labels[truth == -1] == -1).all()
    assert found.frequencies().sum() == pytest.approx(np.mean(found.labels >= 0))
    for runs in found.lifetimes():  # three stays of 10-12 generations each
        assert len(runs) == 3 and all(10 <= run <= 12 for run in runs)
    # a stay of r generations hands on its compotype r - 1 times out of r
    lengths = [sum(runs) for runs in found.lifetimes()]
    expected = [(total - 3) / total for total in lengths]
    np.testing.assert_allclose(found.fidelity(), expected)


def test_carpet_and_nondrift_follow_their_definitions():
    trace = np.array([[2, 0, 0], [2, 0, 0], [0, 3, 0], [0, 3, 1], [0, 0, 0]])
    unit = [v / np.linalg.norm(v) if v.any() else v for v in trace.astype(float)]
    expected = np.array([[a @ b for b in unit] for a in unit])
    np.testing.assert_allclose(carpet(trace), expected)
    steps = [expected[g, g + 1] for g in range(4)]
    mean = [
        steps[0],
        (steps[0] + steps[1]) / 2,
        (steps[1] + steps[2]) / 2,
        (steps[2] + steps[3]) / 2,
        steps[3],
    ]
    np.testing.assert_array_equal(nondrift(trace, 0.9), np.array(mean) > 0.9)
    assert nondrift(trace, 0.9).tolist() == [True, False, False, False, False]
    assert similarity(np.array([1, 1]), np.array([2, 2])) == pytest.approx(1.0)


def test_gard_cli_runs_shows_and_resumes(tmp_path):
    from click.testing import CliRunner

    from alife.cli import main
    from alife.engine.store import open_run

    path, whole = str(tmp_path / "g.h5"), str(tmp_path / "whole.h5")
    args = ["gard", "run", "--species", "30", "--nmax", "40", "--replicas", "2", "--no-progress"]
    runner = CliRunner()
    assert runner.invoke(main, [*args, "--generations", "30", "--out", whole]).exit_code == 0
    assert runner.invoke(main, [*args, "--generations", "20", "--out", path]).exit_code == 0
    result = runner.invoke(main, ["gard", "resume", path, "--generations", "10"])
    assert result.exit_code == 0, result.output
    assert "completed at generation 30" in result.stderr
    with open_run(path) as run, open_run(whole) as reference:
        np.testing.assert_array_equal(
            run.snapshot(30, "compositions"), reference.snapshot(30, "compositions")
        )
        assert (run.metrics["alive"] == 2).all()
    result = runner.invoke(main, ["gard", "show", path, "--replica", "1"])
    assert result.exit_code == 0 and "replica 1: 30 generations, P_mc=" in result.output
    assert table_row(result.output, "progress") == ["progress", "30 of 30 generations, completed"]
    with open_run(path) as run:
        similarity = run.metrics["similarity"]
    assert table_row(result.output, "similarity")[1:3] == [
        f"{similarity[0]:.6g}",
        f"{similarity[-1]:.6g}",
    ]
    result = runner.invoke(main, ["gard", "show", path, "--replica", "2"])
    assert result.exit_code == 2 and "replicas 0..1" in result.stderr
    strict = runner.invoke(main, ["gard", "show", path, "--threshold", "0.999999"])
    assert "no compotype: in none of the 30 generations did the composition resemble" in (
        strict.output
    )
    assert "share of generations" not in strict.output  # no empty table
    bad = runner.invoke(main, ["gard", "run", "--sigma", "-1", "--out", str(tmp_path / "x.h5")])
    assert bad.exit_code == 2 and "sigma must be >= 0" in bad.stderr
    assert not (tmp_path / "x.h5").exists()


def reference_population(counts, beta, config, draw, splits_wanted):
    """A Moran population written from the model's definition in plain Python: each
    event draws the assembly (by total rate), the waiting time and the event in it."""
    gard = config
    species, places = gard.species, config.size
    kf_rho = gard.kf * (1.0 / species)
    weights = [[[1.0] * species for _ in range(species)] for _ in range(places)]

    def catalysis(p):
        n, w = counts[p], weights[p]
        return [sum(beta[i][j] * w[i][j] * n[j] for j in range(species)) for i in range(species)]

    def rates_of(p):
        n, size = counts[p], sum(counts[p])
        boost = [1.0 + c[p][i] / size for i in range(species)]
        return [kf_rho * size * boost[i] for i in range(species)] + [
            gard.kb * n[i] * boost[i] for i in range(species)
        ]

    def running_pick(values, goal):
        running = 0.0
        for k, value in enumerate(values):
            running += value
            if running > goal and value > 0:
                return k
        return max(k for k, value in enumerate(values) if value > 0)

    def total(values):
        out = 0.0
        for value in values:
            out += value
        return out

    def reset(p):
        if gard.bias:
            n, t = counts[p], gard.target
            h = sum(x * y for x, y in zip(n, t, strict=True)) / (
                math.sqrt(sum(x * x for x in n)) * math.sqrt(sum(y * y for y in t))
            )
            weights[p] = [
                [gard.bias * h if n[i] > 0 and n[j] > 0 else 1.0 for j in range(species)]
                for i in range(species)
            ]
        c[p] = catalysis(p)

    c = [None] * places
    for p in range(places):
        reset(p)
    splits, replaced, events, elapsed = [0] * places, [0] * places, 0, 0.0
    origin = list(range(places))
    done = 0
    while done < splits_wanted:
        totals = [total(rates_of(p)) for p in range(places)]
        grand = total(totals)
        goal, wait, pick = draw() * grand, draw(), draw()
        elapsed += -exact_log(1.0 - wait) / grand
        events += 1
        chosen = running_pick(totals, goal)
        rates = rates_of(chosen)
        event = running_pick(rates, pick * total(rates))
        moved, step = event % species, (1 if event < species else -1)
        counts[chosen][moved] += step
        for i in range(species):
            c[chosen][i] += step * (beta[i][moved] * weights[chosen][i][moved])
        if sum(counts[chosen]) == 0:
            for _ in range(gard.nmax):
                counts[chosen][min(int(draw() * species), species - 1)] += 1
        if sum(counts[chosen]) < gard.nmax:
            continue
        other = int(draw() * (places - 1))
        other += other >= chosen
        parent, kept, left = counts[chosen], [0] * species, gard.nmax
        for _ in range(gard.nmax // 2):
            index, i, seen = int(draw() * left), 0, parent[0]
            while seen <= index:
                i += 1
                seen += parent[i]
            parent[i] -= 1
            kept[i] += 1
            left -= 1
        counts[other], counts[chosen] = parent, kept
        splits[chosen] += 1
        replaced[other] += 1
        origin[other] = origin[chosen]
        done += 1
        reset(chosen)
        reset(other)
    return splits, replaced, events, elapsed, origin


@pytest.mark.parametrize(
    "gard",
    [
        GardConfig(species=8, nmax=12, seed=3),
        GardConfig(species=6, nmax=10, seed=4, kb=0.05, bias=1.1, target=(1, 1, 0, 0, 0, 2)),
        GardConfig(species=5, nmax=8, seed=5, kf=1e-3, kb=0.3),  # deaths and refills
    ],
)
def test_populations_equal_the_plain_reference(gard):
    config = PopulationConfig(**asdict(gard), size=5, populations=2)
    populations = Populations(config)
    out = populations.run(12)
    beta = gard.betas()[0].tolist()
    for b in range(config.populations):
        # population b draws from stream derive(seed, populations + 1 + b); place p starts
        # from its draws p N_min .. (p + 1) N_min - 1
        draw = Stream(derive_host(config.seed, config.populations + 1 + b), 0)
        counts = [reference_start(gard.species, gard.nmin, draw) for _ in range(config.size)]
        splits, replaced, events, elapsed, origin = reference_population(
            counts, beta, config, draw, 12
        )
        assert out["splits"][b].tolist() == splits and out["replaced"][b].tolist() == replaced
        assert out["origin"][b].tolist() == origin
        assert out["events"][b] == events and out["elapsed"][b] == elapsed
        assert populations.state()["counts"][b].tolist() == counts
        assert populations.state()["counters"][b] == draw.t
        assert sum(splits) == 12


def test_population_start_and_sizes():
    config = PopulationConfig(species=20, nmax=30, size=10, populations=3)
    populations = Populations(config)
    assert (populations.state()["counts"].sum(axis=2) == 15).all()
    populations.run(50)
    sizes = populations.state()["counts"].sum(axis=2)
    assert ((sizes > 0) & (sizes < 30)).all()  # between splits, below N_max
    with pytest.raises(AlifeInputError, match="size must be an integer >= 2"):
        PopulationConfig(size=1)


def test_population_cli_selects_toward_a_compotype_and_analyze_draws_gard(tmp_path):
    from click.testing import CliRunner

    from alife.cli import main
    from alife.engine.store import open_run

    runner = CliRunner()
    lineage = str(tmp_path / "g.h5")
    args = ["gard", "run", "--species", "20", "--nmax", "30", "--generations", "120"]
    assert runner.invoke(main, [*args, "--no-progress", "--out", lineage]).exit_code == 0
    result = runner.invoke(main, ["analyze", lineage, "--out", str(tmp_path / "report")])
    assert result.exit_code == 0, result.output
    assert {"carpet.png", "compotypes.png", "summary.md"} <= {
        p.name for p in (tmp_path / "report").iterdir()
    }
    population = str(tmp_path / "p.h5")
    args = [
        "gard",
        "population",
        "--species",
        "20",
        "--nmax",
        "30",
        "--size",
        "6",
        "--epochs",
        "4",
        "--bias",
        "1.1",
        "--target",
        f"{lineage}:0",
        "--no-progress",
    ]
    result = runner.invoke(main, [*args, "--out", population])
    assert result.exit_code == 0, result.output
    with open_run(population) as run:
        assert run.config["bias"] == 1.1 and len(run.config["target"]) == 20
        assert run.snapshot(4, "counts").shape == (1, 6, 20)
        assert 0 <= run.metrics["target_share"][-1] <= 1
    result = runner.invoke(main, ["analyze", population, "--out", str(tmp_path / "pop")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "pop" / "price.png").exists()
    with open_run(population) as run:
        coherence = run.metrics["coherence"]
    shown = runner.invoke(main, ["gard", "show", population])
    assert shown.exit_code == 0, shown.output
    assert table_row(shown.output, "coherence")[1:3] == [
        f"{coherence[0]:.6g}",
        f"{coherence[-1]:.6g}",
    ]
    assert f"second half of the epochs: coherence {coherence[2:].mean():.4g}," in shown.output
    assert table_row(shown.output, "target")[1].endswith(" characters)")  # 20 floats, cut
    refused = runner.invoke(main, ["gard", "show", population, "--replica", "0"])
    assert refused.exit_code == 2 and "holds a population run; --replica" in refused.stderr
    refused = runner.invoke(main, ["gard", "resume", population, "--generations", "2"])
    assert refused.exit_code == 2 and "counted in epochs: pass --epochs N" in refused.stderr
    resumed = runner.invoke(main, ["gard", "resume", population, "--epochs", "1"])
    assert resumed.exit_code == 0 and "completed at epoch 5" in resumed.stderr, resumed.output
    bad = runner.invoke(
        main,
        [*args[:-5], "--bias", "1.1", "--target", "nowhere.h5", "--out", str(tmp_path / "x.h5")],
    )
    assert bad.exit_code == 2 and "neither species indices ('3,17,29') nor an" in bad.stderr
    for target, message in [
        (f"{lineage}:999", "has compotypes 0.."),
        (f"{lineage}:0", "is a run of 20 species; this population has 25 (give --species 20)"),
    ]:
        species = ["--species", "25"] if "25" in message else []
        command = [*args[:-5], *species, "--bias", "1.1", "--target", target]
        bad = runner.invoke(main, [*command, "--out", str(tmp_path / "x.h5")])
        assert bad.exit_code == 2 and message in bad.stderr, bad.stderr
    bad = runner.invoke(main, [*args[:-5], "--bias", "1.1", "--out", str(tmp_path / "x.h5")])
    assert bad.exit_code == 2 and "needs a target composition" in bad.stderr
    assert not (tmp_path / "x.h5").exists()


def test_population_without_a_target_runs_and_records_no_price_terms(tmp_path):
    """Without a target there is no trait, so the Price terms are NaN, not an error."""
    from alife.engine.session import start_run
    from alife.engine.store import open_run
    from alife.substrates.gard.population import PopulationConfig
    from alife.substrates.gard.population_sim import PopulationSim

    out = str(tmp_path / "p.h5")
    config = PopulationConfig(species=12, nmax=20, size=5)
    assert start_run(PopulationSim, config, out, epochs=3, progress=False).epoch == 3
    with open_run(out) as run:
        metrics = run.metrics
    assert np.isnan(metrics["price_change"]).all()
    assert np.isfinite(metrics["coherence"]).all()
    from click.testing import CliRunner

    from alife.cli import main

    shown = CliRunner().invoke(main, ["gard", "show", out])
    late = metrics["coherence"][1:].mean()  # records after epochs 1, 2, 3: the last two
    assert f"epochs: coherence {late:.4g}, " in shown.output
    assert "(no Price terms: the run has no target, so no trait)" in shown.output
    assert "price_change" not in shown.output.splitlines()[-1]


def test_population_price_by_hand():
    # place 0 (2 molecules, trait 1 each) leaves both final assemblies; place 1 none.
    before, after, origin = [[2, 0], [1, 1]], [[2, 1], [1, 0]], [0, 0]
    terms = population_price(
        np.array(before), np.array(after), np.array(origin), np.array([1.0, 0.0])
    )
    # W = (2, 0), Z = (1, 1/2), Z' = (3/4, -), w-bar = 1: Cov = 1 - 3/4; E[w dz] = 4 (-1/4) / 4
    assert terms.between == pytest.approx(0.25) and terms.within == pytest.approx(0.0)
    assert terms.transmission == pytest.approx(-0.25) and terms.total == pytest.approx(0.0)


def test_bench_gard_prints_events_beside_numpy():
    from click.testing import CliRunner

    from alife.cli import main

    result = CliRunner().invoke(main, ["bench", "gard", "--generations", "2", "--batch", "4"])
    assert result.exit_code == 0, result.output
    rows = [line for line in result.output.splitlines() if " alife " in line or " numpy " in line]
    assert len(rows) == 3
