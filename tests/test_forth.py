"""The Forth interpreters against the plain reference, opcode by opcode and on many tapes."""

import numpy as np
import pytest
import reference

from alife.bench import REPLICATORS
from alife.substrates.programs import get_language

FORTHS = sorted(reference.FORTH_VARIANTS)
FILLER = 0x20  # a no-op byte in every Forth variant


def forth_tapes(count: int, seed: int, share: float) -> np.ndarray:
    """Random tapes where ``share`` of the bytes are commands (0x00-0x0D), small constants
    or short jumps, which makes long loops, deep stacks and overflows common."""
    special = np.concatenate([np.arange(14), np.arange(0x40, 0x48), [0x80, 0x81, 0xC0, 0xC3]])
    rng = np.random.default_rng(seed)
    tapes = rng.integers(0, 256, (count, 128), dtype=np.uint8)
    pick = rng.random((count, 128)) < share
    tapes[pick] = rng.choice(special.astype(np.uint8), size=int(pick.sum()))
    return tapes


@pytest.mark.parametrize("name", FORTHS)
@pytest.mark.parametrize(
    "share,count,max_steps", [(0.0, 1500, 8192), (0.6, 600, 8192), (0.9, 600, 1000), (0.8, 300, 5)]
)
def test_kernel_matches_reference(name, share, count, max_steps):
    tapes = forth_tapes(count, seed=count + int(share * 10), share=share)
    expected, expected_ops = reference.run_tapes(tapes, name, max_steps)
    got = tapes.copy()
    ops = get_language(name).run(got, max_steps=max_steps)
    np.testing.assert_array_equal(ops, expected_ops)
    np.testing.assert_array_equal(got, expected)


def run_hex(
    name: str, program: str, at_end=False, max_steps=8192, **presets
) -> tuple[np.ndarray, int]:
    """Run ``program`` (hex) in a tape of no-ops, at its start (or its end); ``presets``
    maps "at<i>" to a byte placed at position i. Returns the tape after the run and the
    op count."""
    tapes = np.full((1, 128), FILLER, dtype=np.uint8)
    code = get_language(name).parse(program)
    start = 128 - len(code) if at_end else 0
    tapes[0, start : start + len(code)] = code
    for key, value in presets.items():
        tapes[0, int(key[2:])] = value
    ops = get_language(name).run(tapes, max_steps=max_steps)
    return tapes[0], int(ops[0])


# (program, expected ops, {position: byte after the run}); "a" is the first value popped.
# Written values are no-op bytes (0x0E-0x3F) where the PC later passes over them.
FORTH_CASES = [
    ("457F02", 3, {5: 63}),  # const 5, const 63, write0: byte b=5 of program 0 = a=63
    ("457F03", 3, {64 + 5: 63}),  # write1
    ("4A43002A03", 4, {64 + 10: 0x2A}),  # read0 of byte 3 (a no-op 0x2A), write1 it to 10
    ("090902", 3, {0: 254}),  # dec on an empty stack pushes 255, again 254; write0 to 0
    ("500403", 3, {64 + 16: 16}),  # dup: write1 pops value 16 and address 16
    ("4A7F460503", 5, {64 + 10: 63}),  # drop the 6
    ("5F7F0603", 4, {127: 31}),  # swap: 31 becomes the value, 63 the address
    ("4A417F0B03", 5, {64 + 10: 62}),  # sub: a - b = 63 - 1
    ("4A415F0A03", 5, {64 + 10: 32}),  # add: 31 + 1
    ("4A5F0803", 4, {64 + 10: 32}),  # inc
    ("4A5F0903", 4, {64 + 10: 30}),  # dec
    ("4107485F03", 4, {64 + 1: 31}),  # if0 on 1 skips the const 8; stack [1, 31]
    ("4007485F03", 5, {64 + 8: 31}),  # if0 on 0 runs it; stack [0, 8, 31]
    ("81485F03", 3, {64: 31}),  # jump +2 skips the const 8; address pops empty as 0
    ("40C0", 257, {}),  # const 0 / jump -1 until the 129th push overflows the stack
]


@pytest.mark.parametrize("program,ops,expect", FORTH_CASES)
def test_each_forth_opcode(program, ops, expect):
    tape, got_ops = run_hex("forth", program)
    assert got_ops == ops
    for pos, value in expect.items():
        assert tape[pos] == value, (program, pos)


def test_forth_read1_and_backward_jump_off_the_tape():
    tape, ops = run_hex("forth", "4A430103", at67=0x2F)  # read1 of byte 3 of program 1
    assert ops == 4 and tape[64 + 10] == 0x2F
    assert run_hex("forth", "C1")[1] == 1  # jump -2 from 0 leaves the tape: halt


FORTHCOPY_CASES = [
    ("7F7F0A7F01", 5, {126: 63}),  # write: 63 + 63 = 126 is a whole-tape address
    ("7F7F0A08450301", 7 + 1, {127: 5 ^ 64}),  # xor 64 into byte 127, then run as a const
    ("7F7F0A4A02", 5, {10: 0x2F}),  # copy: to = a = 10, from = b = 126
    ("7F7F0A004A0601", 7, {10: 0x2F}),  # read byte 126, swap under the address, write
]


@pytest.mark.parametrize("program,ops,expect", FORTHCOPY_CASES)
def test_each_forthcopy_opcode(program, ops, expect):
    tape, got_ops = run_hex("forthcopy", program, at126=0x2F)
    assert got_ops == ops
    for pos, value in expect.items():
        assert tape[pos] == value, (program, pos)


def test_forthtrivial_copies_between_programs():
    tape, ops = run_hex("forthtrivial", "450C", at5=0x33)
    assert ops == 2 and tape[64 + 5] == 0x33  # copy0: program 0 -> program 1
    tape, ops = run_hex("forthtrivial", "450D", at69=0x33)
    assert ops == 2 and tape[5] == 0x33  # copy1: program 1 -> program 0


@pytest.mark.parametrize("program", ["454A03", "450C"])
def test_forthtrivial_reset_trap_refills_program_zero(program):
    # The program ends the tape, so the PC of the trapping write1/copy0 is 127 and the
    # run stops right after it.
    tape, _ = run_hex("forthtrivial_reset", program, at_end=True, at69=0x13)
    before = np.full(128, FILLER, dtype=np.uint8)
    code = get_language("forthtrivial_reset").parse(program)
    before[128 - len(code) :] = code
    before[69] = 0x13
    expected = before.tolist()
    reference.forth_reset(expected, 127)
    assert tape[69] == 0x13  # the write did not happen
    np.testing.assert_array_equal(tape, expected)
    # without the marker the same program writes as forthtrivial does
    tape, _ = run_hex("forthtrivial_reset", program, at_end=True, at5=0x33)
    assert tape[69] == (10 if program == "454A03" else 0x33) and tape[5] == 0x33


@pytest.mark.parametrize("name", [*FORTHS, "subleq", "rsubleq4"])
def test_hex_printable_form_round_trips(name):
    language = get_language(name)
    every = np.arange(256, dtype=np.uint8)
    text = language.disassemble(every)
    assert text[:6] == "000102" and text[-2:] == "FF"
    np.testing.assert_array_equal(language.parse(text), every)
    np.testing.assert_array_equal(language.parse("ff0a"), [255, 10])


@pytest.mark.parametrize("max_steps", [1000, 1001, 8192])
def test_loops_that_change_nothing_count_their_no_ops(max_steps):
    # const 0, a no-op, drop, jump back 3: a period-4 loop with one no-op per period,
    # at steps 2, 6, 10, ...
    tape, ops = run_hex("forth", "402005C2", max_steps=max_steps)
    no_ops = (max_steps + 2) // 4
    assert ops == max_steps - no_ops
    expected = np.full(128, FILLER, dtype=np.uint8)
    expected[:4] = [0x40, 0x20, 0x05, 0xC2]
    reference_tape = expected.tolist()
    assert reference.run_program(reference_tape, "forth", max_steps) == ops
    np.testing.assert_array_equal(tape, reference_tape)


@pytest.mark.parametrize("max_steps", [700, 5000, 8192])
def test_loops_whose_stack_counts_through_a_byte_repeat_exactly(max_steps):
    # const 0, then inc, if0, a no-op, jump back 3: a counter that passes 0 once in 256
    # turns, when if0 lets the no-op run. The state repeats only after all 256 turns
    # (769 steps), so a skip that took a shorter period would miscount the no-ops.
    tape, ops = run_hex("forth", "40080720C2", max_steps=max_steps)
    reference_tape = tape.tolist()
    assert reference.run_program(reference_tape, "forth", max_steps) == ops
    np.testing.assert_array_equal(tape, reference_tape)
    assert ops == max_steps - max_steps // 769  # the no-op runs at steps 769, 1538, ...


def test_forthtrivial_replicator_runs_as_the_reference_runs():
    replicator = get_language("forthtrivial").parse(REPLICATORS["forthtrivial"])
    partners = np.random.default_rng(5).integers(0, 256, (8, 64), dtype=np.uint8)
    partners[0] = replicator
    tapes = np.concatenate([np.broadcast_to(replicator, (8, 64)), partners], axis=1)
    expected, expected_ops = reference.run_tapes(tapes, "forthtrivial", 8192)
    got = tapes.copy()
    ops = get_language("forthtrivial").run(got)
    np.testing.assert_array_equal(ops, expected_ops)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(got[:, 64:], tapes[:, :64])  # it copied itself
