"""The SUBLEQ interpreters against the plain reference and hand-worked programs."""

import numpy as np
import pytest
import reference

from alife.bench import RSUBLEQ4_REPLICATOR, SUBLEQ_REPLICATOR
from alife.errors import AlifeInputError
from alife.substrates.programs import get_language


@pytest.mark.parametrize("name", ["subleq", "rsubleq4"])
@pytest.mark.parametrize(
    "small,count,max_steps", [(0.0, 2000, 8192), (0.7, 800, 8192), (0.7, 300, 3)]
)
def test_kernel_matches_reference(name, small, count, max_steps):
    """``small`` of the bytes are below 8 or above 248: addresses and jumps that stay near
    the PC, so runs are long and loop."""
    rng = np.random.default_rng(count + int(small * 10))
    tapes = rng.integers(0, 256, (count, 128), dtype=np.uint8)
    pick = rng.random((count, 128)) < small
    tapes[pick] = rng.integers(-8, 8, int(pick.sum())).astype(np.uint8)
    expected, expected_ops = reference.run_tapes(tapes, name, max_steps)
    got = tapes.copy()
    ops = get_language(name).run(got, max_steps=max_steps)
    np.testing.assert_array_equal(ops, expected_ops)
    np.testing.assert_array_equal(got, expected)


def run_bytes(name: str, presets: dict[int, int]) -> tuple[np.ndarray, int]:
    tapes = np.zeros((1, 128), dtype=np.uint8)
    for pos, value in presets.items():
        tapes[0, pos] = value
    ops = get_language(name).run(tapes)
    return tapes[0], int(ops[0])


def test_subleq_positive_result_falls_through_then_zero_jumps_off():
    # 10 11 50: tape[10] = 5 - 3 = 2 > 0, on to 3; 12 12 126: tape[12] = 0, jump to 126,
    # where no whole instruction fits: halt.
    tape, ops = run_bytes(
        "subleq", {0: 10, 1: 11, 2: 50, 3: 12, 4: 12, 5: 126, 10: 5, 11: 3, 12: 9}
    )
    assert ops == 2 and tape[10] == 2 and tape[12] == 0


def test_subleq_negative_result_jumps_and_addresses_wrap():
    tape, ops = run_bytes("subleq", {0: 138, 1: 11, 2: 126, 10: 3, 11: 5})  # 138 % 128 = 10
    assert ops == 1 and tape[10] == 254


def test_rsubleq4_relative_operands_and_signed_jump():
    # at 0: tape[20] = tape[21] - tape[22] = 5 > 0, on to 4; at 4: operands 0 0 0 and a
    # relative 200 (% 128 = 76 from 4): tape[4] = 0 - 0, jump by tape[7] = 0x80 = -128.
    tape, ops = run_bytes("rsubleq4", {0: 20, 1: 21, 2: 22, 3: 100, 21: 7, 22: 2, 7: 0x80})
    assert ops == 2 and tape[20] == 5 and tape[4] == 0
    tape, ops = run_bytes("rsubleq4", {0: 20, 1: 21, 2: 22, 3: 125, 21: 2, 22: 7})
    assert ops == 1 and tape[20] == 251  # -5: jump by +125, where no instruction fits
    # operand 200 addresses (0 + 200) % 128 = 72: tape[72] = tape[1] - tape[2] = 1 - 2
    tape, ops = run_bytes("rsubleq4", {0: 200, 1: 1, 2: 2, 3: 127})
    assert ops == 1 and tape[72] == 255


def test_hex_parse_rejects_odd_length_and_non_hex():
    with pytest.raises(AlifeInputError, match="not a multiple of 2"):
        get_language("subleq").parse("ABC")
    with pytest.raises(AlifeInputError, match=r"'G0' at position 2 .* two hex digits"):
        get_language("forth").parse("00G0")


@pytest.mark.parametrize("max_steps", [1000, 1001, 8192])
def test_loops_that_change_nothing_run_to_the_step_limit(max_steps):
    # at 0: tape[20] -= tape[21] = 0 leaves 5 (> 0), on to 3; at 3: tape[22] -= itself
    # is 0, jump to 0. After the first pass nothing changes: a period-2 loop.
    tapes = np.zeros((1, 128), dtype=np.uint8)
    for pos, value in {0: 20, 1: 21, 2: 3, 3: 22, 4: 22, 5: 0, 20: 5, 22: 7}.items():
        tapes[0, pos] = value
    expected = tapes[0].tolist()
    assert reference.run_program(expected, "subleq", max_steps) == max_steps
    ops = get_language("subleq").run(tapes, max_steps=max_steps)
    assert ops[0] == max_steps
    np.testing.assert_array_equal(tapes[0], expected)


@pytest.mark.parametrize(
    "name,text,steps",
    [
        # 64 turns of the five-instruction loop, the last leaving after its fourth, then
        # five instructions that put the counters back and one that jumps off the tape
        ("rsubleq4", RSUBLEQ4_REPLICATOR, 64 * 5 - 1 + 6),
        # 64 turns of the eight-instruction loop, the last leaving after its seventh,
        # then seven instructions that put the pointers back and one that jumps off
        ("subleq", SUBLEQ_REPLICATOR, 64 * 8 - 1 + 8),
    ],
)
def test_subleq_replicators_copy_themselves_exactly_over_any_partner(name, text, steps):
    """Hand-counted steps, whatever the partner holds; the tape ends as two copies."""
    language = get_language(name)
    program = language.parse(text)
    rng = np.random.default_rng(4)
    partners = rng.integers(0, 256, (300, 64), dtype=np.uint8)
    partners[:3] = [np.zeros(64), np.full(64, 255), program]
    tapes = np.concatenate([np.tile(program, (300, 1)), partners], axis=1)
    for tape in tapes[:12]:  # the plain interpreter agrees
        plain = tape.tolist()
        assert reference.run_program(plain, name) == steps
        assert plain == program.tolist() * 2
    ops = language.run(tapes)
    assert (ops == steps).all()
    np.testing.assert_array_equal(tapes, np.tile(program, (300, 2)))
