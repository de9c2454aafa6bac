"""Price terms of a traced soup: offspring by tokens by hand and by brute force, and
the terms a census records."""

import numpy as np
import pytest
from reference import token

from alife.analysis.price import price_equation
from alife.analysis.soup_price import copy_offspring, grid_blocks, motif_trait, token_offspring
from alife.bench import PALINDROME
from alife.engine.run import Schedule
from alife.engine.session import start_run
from alife.engine.store import open_run
from alife.errors import AlifeInputError
from alife.substrates.programs import get_language
from alife.substrates.programs.soup import Soup, SoupConfig


def test_offspring_by_hand():
    a = [token(0, 0, j) for j in range(64)]
    b = [token(0, 1, j) for j in range(64)]
    parents = np.array([a, b], dtype=np.uint64)
    # both children are copies of parent 0; child 1's byte 0 was mutated (a new token)
    children = np.array([a, [token(1, 1, 0), *a[1:]]], dtype=np.uint64)
    w, z_offspring = token_offspring(parents, children, np.array([1.0, 0.0]))
    # parent 0: byte 0 has 1 copy, bytes 1-63 two each: 127 bytes' credit; trait credit
    # 1 per byte (the copies in child 0) = 64
    assert w[0] == 127 / 64 and z_offspring[0] == 64 / 127
    assert w[1] == 0 and np.isnan(z_offspring[1])


def test_a_token_held_twice_shares_its_credit():
    a = [token(0, 0, j) for j in range(64)]
    parents = np.array([a, a], dtype=np.uint64)  # two identical holders
    children = np.array([a, a, a], dtype=np.uint64)
    w, _ = token_offspring(parents, children, np.zeros(3))
    assert w.tolist() == [1.5, 1.5]


def brute_offspring(parents, children, child_trait):
    holders = {}
    for row in parents:
        for t in row.tolist():
            holders[t] = holders.get(t, 0) + 1
    w, trait = np.zeros(len(parents)), np.zeros(len(parents))
    for i, row in enumerate(parents):
        for t in row.tolist():
            for c, child in enumerate(children):
                k = child.tolist().count(t)
                w[i] += k / holders[t]
                trait[i] += k * child_trait[c] / holders[t]
    with np.errstate(invalid="ignore"):
        return w / 64, np.where(w > 0, trait / w, np.nan)


@pytest.fixture(scope="module")
def traced():
    config = SoupConfig(
        programs=48, seed=5, mutation=0.01, initial_program=PALINDROME * 6, trace=True
    )
    soup = Soup(config).run(6)
    before = (soup.soup.copy(), soup.tokens.copy())
    soup.step()
    return config, before, (soup.soup.copy(), soup.tokens.copy())


def test_offspring_equal_brute_force(traced):
    _, (_, parents), (child_soup, children) = traced
    motif = get_language("bff_noheads").parse("[{.>]")
    trait = motif_trait(child_soup, motif)
    w, z_offspring = token_offspring(parents, children, trait)
    expected_w, expected_z = brute_offspring(parents, children, trait)
    np.testing.assert_allclose(w, expected_w, rtol=1e-12)
    np.testing.assert_allclose(z_offspring, expected_z, rtol=1e-12)
    assert trait.sum() > 0 and (w > 1).any()


def test_census_records_the_price_terms_of_the_epoch_before_it(traced, tmp_path):
    config, (parent_soup, parents), (child_soup, children) = traced
    config = SoupConfig(**{**config.to_dict(), "price_motif": "[{.>]"})
    path = str(tmp_path / "run.h5")
    start_run(Soup, config, path, epochs=7, schedule=Schedule(census_every=6), progress=False)
    with open_run(path) as run:
        row = {k: v[run.metrics["epoch"] == 7][0] for k, v in run.metrics.items()}
    motif = config.price_motif_bytes
    w, z_offspring = brute_offspring(parents, children, motif_trait(child_soup, motif))
    z = motif_trait(parent_soup, motif)
    expected = price_equation(z, w, np.where(w > 0, z_offspring, z))
    assert row["price_selection"] == pytest.approx(expected.selection, abs=1e-12)
    assert row["price_transmission"] == pytest.approx(expected.transmission, abs=1e-12)
    assert row["price_change"] == pytest.approx(expected.total, abs=1e-12)
    assert np.isnan(row["price_between"])  # not a grid soup


@pytest.mark.parametrize("size", [1, 2, 3, 5, 64])
def test_motif_trait_equals_a_substring_search(size):
    rng = np.random.default_rng(size)
    tapes = rng.integers(0, 3, (500, 128), dtype=np.uint8)  # three bytes: many partial matches
    motif = rng.integers(0, 3, size, dtype=np.uint8)
    tapes[7, 64 - size : 64] = motif  # at the end of a row
    tapes[8, 64 - size + 1 : 64 + 1] = motif  # across the halves: not in the first
    first = tapes[:, :64]  # a view with strides of a (500, 128) array
    expected = [float(motif.tobytes() in row.tobytes()) for row in first]
    assert motif_trait(first, motif).tolist() == expected
    assert expected[7] == 1.0 and (size < 3 or sum(expected) < 500)


def test_motif_and_blocks_by_hand():
    soup = np.zeros((2, 64), dtype=np.uint8)
    soup[1, 62:] = [7, 9]
    assert motif_trait(soup, np.array([7, 9], np.uint8)).tolist() == [0.0, 1.0]
    assert grid_blocks(4, 2, 2).tolist() == [0, 0, 1, 1, 0, 0, 1, 1]
    with pytest.raises(AlifeInputError, match="one trait"):
        SoupConfig(price_motif="[", price_replicators=True)
    with pytest.raises(AlifeInputError, match=r"motif '' has 0 bytes; a motif has 1 to 64"):
        SoupConfig(price_motif="")


def test_exact_copy_offspring_by_hand():
    a, b, c = (np.full(64, v, dtype=np.uint8) for v in (1, 2, 3))
    parents = np.stack([a, a, b])
    children = np.stack([a, a, a, c])  # three copies of a (two parents), b gone, c new
    w, z_offspring = copy_offspring(parents, children, np.array([1.0, 0.0, 1.0, 1.0]))
    assert w.tolist() == [1.5, 1.5, 0.0]
    assert z_offspring[:2].tolist() == [2 / 3, 2 / 3] and np.isnan(z_offspring[2])


def test_census_price_of_replicators_by_exact_copies(tmp_path):
    config = SoupConfig(programs=32, seed=3, initial_program=PALINDROME * 4, price_replicators=True)
    path = str(tmp_path / "run.h5")
    start_run(Soup, config, path, epochs=5, schedule=Schedule(census_every=4), progress=False)
    with open_run(path) as run:
        row = {k: v[run.metrics["epoch"] == 5][0] for k, v in run.metrics.items()}
    soup = Soup(config).run(4)
    parents, z = soup.soup.copy(), (soup.replicator_scores() >= 5).astype(float)
    soup.step()
    child_trait = (soup.replicator_scores() >= 5).astype(float)
    # brute force: a parent's copies are the children equal to it, shared among its twins
    w, z_offspring = np.zeros(len(parents)), z.copy()
    for i, p in enumerate(parents):
        twins = sum((q == p).all() for q in parents)
        copies = [t for c, t in zip(soup.soup, child_trait, strict=True) if (c == p).all()]
        w[i] = len(copies) / twins
        if copies:
            z_offspring[i] = np.mean(copies)
    expected = price_equation(z, w, z_offspring)
    assert row["price_selection"] == pytest.approx(expected.selection, abs=1e-12)
    assert row["price_change"] == pytest.approx(expected.total, abs=1e-12)
    assert row["replicators"] == child_trait.sum()


def test_grid_soups_record_between_and_within_squares(tmp_path):
    config = SoupConfig(
        programs=256,
        grid=(16, 16),
        seed=2,
        initial_program=PALINDROME * 40,
        trace=True,
        price_motif="[{.>]",
    )
    path = str(tmp_path / "grid.h5")
    start_run(Soup, config, path, epochs=5, schedule=Schedule(census_every=4), progress=False)
    with open_run(path) as run:
        m = {k: v[run.metrics["epoch"] == 5][0] for k, v in run.metrics.items()}
    assert m["price_between"] + m["price_within"] == pytest.approx(m["price_selection"])
