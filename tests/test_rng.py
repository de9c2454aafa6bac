"""The counter-based RNG is SplitMix64, the generator cubff uses."""

import numpy as np
import reference

from alife.engine.rng import derive_array, derive_host, rng_functions, splitmix64_host

GAMMA = 0x9E3779B97F4A7C15


def test_first_splitmix64_output_of_state_zero_is_the_published_value():
    # SplitMix64 seeded with 0 first outputs 0xE220A8397B1DCDAF (Steele et al.; widely
    # used as a test vector, e.g. by the xoshiro authors' seeding code).
    assert splitmix64_host(0) == 0xE220A8397B1DCDAF


def test_matches_the_reference_on_many_counters():
    rng = np.random.default_rng(1)
    xs = [0, 1, 2**63, 2**64 - 1, *rng.integers(0, 2**63, 200).tolist()]
    for x in xs:
        assert splitmix64_host(x) == reference.splitmix64(x)
        assert derive_host(12345, x) == reference.cubff_seed(12345, x)
    counters = np.array(xs, dtype=np.uint64)
    assert derive_array(12345, counters).tolist() == [reference.cubff_seed(12345, x) for x in xs]
    assert derive_array(counters, 7).tolist() == [reference.cubff_seed(x, 7) for x in xs]


def test_stream_is_successive_gamma_steps():
    # The k-th output of a SplitMix64 stream from state s is mix(s + (k + 1) * gamma).
    mix = rng_functions("cpu").splitmix64
    outputs = [int(mix(np.uint64((k * GAMMA) % 2**64))) for k in range(4)]
    assert outputs == [reference.splitmix64(k * GAMMA % 2**64) for k in range(4)]
    assert len(set(outputs)) == 4
