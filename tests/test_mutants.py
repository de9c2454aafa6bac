"""The mutational scan of a replicator, against facts worked out by hand from the SUBLEQ
replicator's listing (docs/reproductions.md) and a plain double loop."""

import numpy as np
import pytest
from click.testing import CliRunner

from alife.bench import RSUBLEQ4_REPLICATOR, SUBLEQ_REPLICATOR
from alife.cli import main
from alife.errors import AlifeInputError
from alife.substrates.programs import get_language
from alife.substrates.programs.mutants import MutantScan, point_mutants, scan_mutants


@pytest.fixture(scope="module")
def subleq_scan() -> MutantScan:
    return scan_mutants("subleq", get_language("subleq").parse(SUBLEQ_REPLICATOR), seed=3)


def test_point_mutants_are_every_one_byte_change():
    program = np.random.default_rng(0).integers(0, 256, 64, dtype=np.uint8)
    mutants = point_mutants(program)
    assert mutants.shape == (64 * 256, 64) and mutants.dtype == np.uint8
    for j in range(64):
        for v in range(256):
            expected = program.copy()
            expected[j] = v
            np.testing.assert_array_equal(mutants[256 * j + v], expected)


def test_free_bytes_take_any_value(subleq_scan):
    # the program is 50 bytes; the loop copies all 64 verbatim and nothing reads 50-63
    assert subleq_scan.score == 64
    np.testing.assert_array_equal(subleq_scan.tolerated()[50:], 256)
    assert subleq_scan.specified_bits()[50:].sum() == 0


def test_an_address_takes_its_value_and_that_value_plus_128(subleq_scan):
    # byte 0, the destination pointer (64), is an address, read mod 128: 192 works alike;
    # byte 3, the address 48 of the scratch byte, likewise
    for j, value in ((0, 0x40), (3, 0x30)):
        kept = np.flatnonzero(subleq_scan.scores[j] >= 64)
        np.testing.assert_array_equal(kept, [value, value + 128])
        assert subleq_scan.specified_bits()[j] == 7


def test_constants_take_no_other_value(subleq_scan):
    # byte 48 is the scratch byte, 0 at the start; byte 49 holds the 255 that adds one
    np.testing.assert_array_equal(subleq_scan.tolerated()[[48, 49]], 1)
    np.testing.assert_array_equal(subleq_scan.specified_bits()[[48, 49]], 8)


def test_a_jump_never_taken_takes_any_value(subleq_scan):
    # byte 17 is the jump of 'S += 1' (15: 04 31 12): S stays in 1..64, never <= 0
    assert subleq_scan.tolerated()[17] == 256


def test_a_lower_threshold_keeps_at_least_as_many(subleq_scan):
    strict, lenient = subleq_scan.tolerated(), subleq_scan.tolerated(5)
    assert (lenient >= strict).all() and (lenient > strict).any()
    assert subleq_scan.specified_bits(5).sum() < subleq_scan.specified_bits().sum()


def test_bits_from_tolerated_values():
    program = np.zeros(64, dtype=np.uint8)
    scores = np.zeros((64, 256), dtype=np.int64)
    scores[:, 0] = 20
    scores[1, :128] = 20  # byte 1 takes half of the values: 1 bit
    scores[2, :] = 20  # byte 2 takes any: 0 bits
    scores[3, 1:3] = 10  # byte 3 takes two more, but only at a threshold of 10
    scan = MutantScan(program, 20, scores)
    np.testing.assert_array_equal(scan.tolerated()[:4], [1, 128, 256, 1])
    np.testing.assert_array_equal(scan.tolerated(10)[:4], [1, 128, 256, 3])
    assert scan.specified_bits().sum() == 61 * 8 + 8 + 1 + 0
    assert scan.specified_bits(10)[3] == pytest.approx(np.log2(256 / 3))


def test_rsubleq4_free_bytes_and_scratch_byte():
    scan = scan_mutants("rsubleq4", get_language("rsubleq4").parse(RSUBLEQ4_REPLICATOR))
    assert scan.score == 64
    np.testing.assert_array_equal(scan.tolerated()[49:], 256)
    assert scan.tolerated()[44] == 1  # the scratch byte the copy subtracts, 0 at the start


@pytest.mark.parametrize(
    "program,message",
    [
        (np.zeros(64, dtype=np.uint8), "scores 0, below 5"),
        (np.zeros(50, dtype=np.uint8), "has 64 bytes, got 50"),
    ],
)
def test_a_scan_needs_a_whole_replicator(program, message):
    with pytest.raises(AlifeInputError, match=message):
        scan_mutants("subleq", program)


def test_cli_prints_the_map_and_refuses_bad_programs():
    result = CliRunner().invoke(
        main, ["soup", "mutants", SUBLEQ_REPLICATOR, "--language", "subleq"]
    )
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if "48-55" in line)
    assert "00 1" in row and "FF 1" in row and "00 256" in row
    assert "keeping the score (score >= 64)" in result.output
    assert "staying a replicator (score >= 5)" in result.output
    for args, message in (
        (["zz" * 64, "--language", "subleq"], "'zz' at position 0"),
        (["00" * 64, "--language", "subleq"], "scores 0, below 5"),
        ([SUBLEQ_REPLICATOR, "--language", "nope"], "nope"),
        ([SUBLEQ_REPLICATOR, "--language", "subleq", "--max-steps", "-1"], "max_steps"),
    ):
        result = CliRunner().invoke(main, ["soup", "mutants", *args])
        assert result.exit_code == 2, result.output
        assert message in result.output and "Traceback" not in result.output
