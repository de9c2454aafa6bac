"""The soup protocol (initial soup, pairing, mutation, execution) against the reference."""

import numpy as np
import pytest
import reference

from alife.engine.rng import splitmix64_host
from alife.errors import AlifeInputError
from alife.substrates.programs.pairing import cubff_permutation
from alife.substrates.programs.soup import Soup, SoupConfig, initial_soup


def test_initial_soup_matches_reference():
    got = initial_soup(SoupConfig(programs=10, seed=77))
    np.testing.assert_array_equal(got, np.array(reference.initial_soup(77, 10), np.uint8))


@pytest.mark.parametrize("n,epoch", [(2, 0), (100, 0), (100, 3), (1000, 12345)])
def test_permutation_matches_reference(n, epoch):
    got = cubff_permutation(splitmix64_host(5), epoch, n)
    assert got.tolist() == reference.permutation(5, epoch, n)


@pytest.mark.parametrize("language", sorted(reference.VARIANTS))
@pytest.mark.parametrize("mutation", [0.0, 0.05])
def test_epochs_match_reference(language, mutation):
    config = SoupConfig(language=language, programs=24, seed=3, mutation=mutation, max_steps=512)
    sim = Soup(config)
    ref = reference.initial_soup(3, 24)
    for epoch in range(4):
        ops = reference.soup_epoch(ref, 3, epoch, mutation, language, max_steps=512)
        sim.step()
        np.testing.assert_array_equal(sim.soup, np.array(ref, dtype=np.uint8))
        assert sim.counters["epoch_ops"] == ops
    assert sim.epoch == 4


def test_metrics_of_a_known_soup():
    config = SoupConfig(programs=4, seed=0)
    sim = Soup(config)
    m = sim.metrics()
    soup = sim.soup.reshape(-1)
    counts = np.bincount(soup, minlength=256)
    p = counts[counts > 0] / soup.size
    assert m["h0"] == pytest.approx(-(p * np.log2(p)).sum(), abs=1e-12)
    assert m["higher_entropy"] == pytest.approx(m["h0"] - m["brotli_bpb"])
    assert m["brotli_bpb"] == pytest.approx(m["brotli_size"] * 8 / soup.size)
    assert counts[m["most_frequent_byte"]] == counts.max()


def test_uniform_soup_has_zero_byte_entropy_and_tiny_brotli():
    config = SoupConfig(programs=1024, seed=0)
    state = Soup(config).checkpoint_state()
    state["soup"][:] = 7
    m = Soup(config, state=state).metrics()
    assert m["h0"] == 0.0
    assert m["brotli_size"] < 100
    assert m["most_frequent_byte"] == 7 and m["most_frequent_fraction"] == 1.0


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"programs": 0}, "positive even"),
        ({"programs": 7}, "positive even"),
        ({"mutation": -0.1}, r"\[0, 1\]"),
        ({"mutation": 1.5}, r"\[0, 1\]"),
        ({"language": "cobol"}, "valid languages"),
        ({"seed": -1}, "seed"),
    ],
)
def test_bad_configs_are_refused(kwargs, message):
    with pytest.raises(AlifeInputError, match=message):
        SoupConfig(**kwargs)
