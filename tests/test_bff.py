"""The BFF interpreter against the plain reference, opcode by opcode and on many tapes."""

import numpy as np
import pytest
import reference

from alife.errors import AlifeInputError
from alife.substrates.programs import get_language

COMMANDS = np.frombuffer(b"[]+-.,<>{}", dtype=np.uint8)
PALINDROME = "[[{.>]-]" + "0" * 48 + "]-]>.{[["


def tapes_of(*texts: bytes) -> np.ndarray:
    out = np.zeros((len(texts), 128), dtype=np.uint8)
    for i, t in enumerate(texts):
        out[i, : len(t)] = np.frombuffer(t, dtype=np.uint8)
    return out


def random_tapes(n: int, seed: int, command_share: float) -> np.ndarray:
    """Random tapes; ``command_share`` of the bytes are BFF commands or the zero byte,
    which makes deep and unmatched brackets, head wrap-around and long loops common."""
    rng = np.random.default_rng(seed)
    tapes = rng.integers(0, 256, (n, 128), dtype=np.uint8)
    pick = rng.random((n, 128)) < command_share
    choices = np.concatenate([COMMANDS, [0, 0]])
    tapes[pick] = rng.choice(choices, size=int(pick.sum()))
    return tapes


def variant_tapes(name: str, count: int, seed: int, share: float) -> np.ndarray:
    """Random tapes where ``share`` of the bytes are the variant's command or zero bytes."""
    spec = reference.VARIANTS[name]
    special = sorted(spec["commands"]) + [b for b in range(256) if spec["zero"](b)][:2]
    rng = np.random.default_rng(seed)
    tapes = rng.integers(0, 256, (count, 128), dtype=np.uint8)
    pick = rng.random((count, 128)) < share
    tapes[pick] = rng.choice(np.array(special, dtype=np.uint8), size=int(pick.sum()))
    return tapes


@pytest.mark.parametrize("name", sorted(reference.VARIANTS))
@pytest.mark.parametrize(
    "share,count,max_steps",
    [(0.0, 2000, 8192), (0.5, 600, 8192), (0.9, 400, 1000), (0.7, 300, 7)],
)
def test_kernel_matches_reference(name, share, count, max_steps):
    tapes = variant_tapes(name, count, seed=count + int(share * 10), share=share)
    expected, expected_ops = reference.run_tapes(tapes, name, max_steps)
    got = tapes.copy()
    ops = get_language(name).run(got, max_steps=max_steps)
    np.testing.assert_array_equal(ops, expected_ops)
    np.testing.assert_array_equal(got, expected)


# Each case: program text, expected op count, {position: expected byte} after the run.
NOHEADS_CASES = [
    (b"+", 1, {0: ord("+") + 1}),  # head0 = 0: increments its own byte
    (b"-", 1, {0: ord("-") - 1}),
    (b">+", 2, {0: ord(">"), 1: ord("+") + 1}),
    (b"<+", 2, {127: 1}),  # head0 wraps from 0 to 127
    # head1 wraps to 127; '.' writes '{' there, and the pc later runs that '{' too
    (b"{.", 3, {127: ord("{")}),
    (b"},", 2, {0: ord(",")}),  # ',' copies tape[head1] (= tape[1], the ',') into tape[0]
    (b"]", 1, {0: ord("]")}),  # ']' on non-zero with no '[' before it: halt
    (b"\x00\x00[", 1, {}),  # zeros are no-ops; '[' reads tape[0] = 0, finds no ']': halt
    (b"[]", 8192, {}),  # '[' passes (tape[0] != 0), ']' loops back forever: step limit
]


@pytest.mark.parametrize("text,ops,expect", NOHEADS_CASES)
def test_each_opcode_noheads(text, ops, expect):
    tapes = tapes_of(text)
    got_ops = get_language("bff_noheads").run(tapes)
    assert got_ops[0] == ops
    for pos, value in expect.items():
        assert tapes[0, pos] == value, (text, pos)


def test_comma_copies_head1_into_head0():
    tapes = tapes_of(b"}}\x07,")  # head1 -> 2 (byte 7 there), ',' writes 7 into tape[0]
    assert get_language("bff_noheads").run(tapes)[0] == 3
    assert tapes[0, 0] == 7


def test_open_bracket_on_zero_jumps_past_its_match():
    # tape[0] is 0 (a no-op) so head0 reads 0: '[' skips to after its ']', '+' runs.
    tapes = tapes_of(b"\x00[+]+")
    ops = get_language("bff_noheads").run(tapes)
    assert ops[0] == 2  # '[' and the last '+'
    assert tapes[0, 0] == 1 and tapes[0, 2] == ord("+")


def test_unmatched_open_bracket_on_zero_halts():
    tapes = tapes_of(b"\x00[++")
    assert get_language("bff_noheads").run(tapes)[0] == 1
    assert tapes[0, 0] == 0


def test_bff_reads_heads_from_the_first_two_bytes():
    tapes = tapes_of(bytes([5, 130]) + b"+.")  # head0 = 5, head1 = 130 % 128 = 2
    assert get_language("bff").run(tapes)[0] == 2
    assert tapes[0, 5] == 1  # '+' at head0
    assert tapes[0, 2] == 1  # '.' copied tape[5] over the '+' at position 2


def test_palindrome_replicator_copies_itself_into_a_blank_partner():
    language = get_language("bff_noheads")
    program = language.parse(PALINDROME)
    tapes = np.zeros((1, 128), dtype=np.uint8)
    tapes[0, :64] = program
    language.run(tapes)
    first, second = tapes[0, :64], tapes[0, 64:]
    np.testing.assert_array_equal(second, first)  # the blank half now holds a copy
    # the copy keeps the program's commands; its zero bytes were decremented to 255
    commands = program != 0
    np.testing.assert_array_equal(first[commands], program[commands])
    assert set(first[~commands].tolist()) == {255}


def test_parse_and_disassemble_round_trip_every_byte():
    language = get_language("bff")
    every = np.arange(256, dtype=np.uint8)
    text = language.disassemble(every)
    assert len(text) == 256
    np.testing.assert_array_equal(language.parse(text), every)
    assert language.disassemble(language.parse(PALINDROME)) == PALINDROME
    # cubff's letters for bytes 196-204 and 241-243
    assert language.disassemble(np.array([196, 204, 241, 243], dtype=np.uint8)) == "AIJL"


def test_parse_rejects_unknown_characters():
    with pytest.raises(AlifeInputError, match="not a bff_noheads symbol"):
        get_language("bff_noheads").parse("[[x]]")


def test_run_rejects_wrong_shapes():
    with pytest.raises(AlifeInputError, match="uint8"):
        get_language("bff").run(np.zeros((2, 64), dtype=np.uint8))
    with pytest.raises(AlifeInputError, match="C-contiguous"):
        get_language("bff").run(np.zeros((128, 4), dtype=np.uint8).T)


def test_unknown_language_lists_valid_ones():
    with pytest.raises(AlifeInputError, match="valid languages are bff, bff8, bff8_noheads"):
        get_language("brainfuck")


@pytest.mark.parametrize("name", sorted(reference.VARIANTS))
def test_printable_form_round_trips_printed_text(name):
    language = get_language(name)
    text = language.disassemble(np.arange(256, dtype=np.uint8))
    assert language.disassemble(language.parse(text)) == text


def test_selfmove_parses_missing_commands_to_byte_zero_as_cubff():
    # bff_selfmove has no '.', '{', '}' or zero kind; cubff parses them to byte 0 (its '>').
    np.testing.assert_array_equal(get_language("bff_selfmove").parse(".{}0>"), [0] * 5)


def test_4bit_prints_every_byte_of_a_kind_alike_and_parses_to_the_highest():
    language = get_language("bff_noheads_4bit")
    assert language.disassemble(np.array([6, 22, 246, 16, 0], dtype=np.uint8)) == "[[[00"
    np.testing.assert_array_equal(language.parse("[0"), [246, 240])


def test_jump_by_8():
    # bff8_noheads: '[' on zero jumps 8 ahead, ']' on non-zero 8 back.
    tapes = tapes_of(b"\x00[" + b"+" * 12)  # '+' at 2..13; '[' (pc 1) lands on 9, runs 10..13
    ops = get_language("bff8_noheads").run(tapes)
    assert tapes[0, 0] == 4
    assert ops[0] == 5
    back = tapes_of(b"]")  # ']' at 0 on non-zero jumps to -8: halt
    assert get_language("bff8_noheads").run(back)[0] == 1


def test_selfmove_copy_advances_head1():
    # bff_selfmove: heads from tape[0] = 10, tape[1] = 20; byte 4 is ',' (copy head1 to
    # head0, then head1 += 1); byte 0 is '>'.
    tape = bytes([10, 20, 4, 0, 4]) + bytes(15) + bytes([77, 88])
    tapes = tapes_of(tape)
    get_language("bff_selfmove").run(tapes, max_steps=3)
    assert tapes[0, 10] == 77 and tapes[0, 11] == 88


@pytest.mark.parametrize("name", ["bff_noheads", "bff8_noheads"])
@pytest.mark.parametrize("max_steps", [1000, 1001, 8192])
def test_loops_that_change_nothing_run_to_the_step_limit(name, max_steps):
    # '[' passes on the non-zero '[', then '<' '>' and ']' (jumping back: by 8 bytes, or
    # to its match) forever; a no-op inside the loop of bff8 is not counted.
    text = b"[<>]" if name == "bff_noheads" else b"[<>" + b"\x01" * 4 + b"]"
    tapes = tapes_of(text)
    expected = tapes[0].tolist()
    expected_ops = reference.run_variant(expected, name, max_steps)
    ops = get_language(name).run(tapes, max_steps=max_steps)
    assert ops[0] == expected_ops
    np.testing.assert_array_equal(tapes[0], expected)
    if name == "bff_noheads":
        assert ops[0] == max_steps


@pytest.mark.parametrize("max_steps", [1000, 5000, 8192])
def test_a_loop_whose_head_walks_round_the_tape_repeats_exactly(max_steps):
    # '[' passes on itself, then '}', a no-op and ']' forever: head1 walks round the
    # tape, so the state repeats every 128 turns (384 steps). The mark at turn 64 sees
    # that repeat at turn 192; the mark at turn 128 would see it only at turn 256.
    tapes = tapes_of(b"[}\x01]")
    expected = tapes[0].tolist()
    ops = get_language("bff_noheads").run(tapes, max_steps=max_steps)
    assert ops[0] == reference.run_variant(expected, "bff_noheads", max_steps)
    assert ops[0] == max_steps - max_steps // 3  # the no-op is steps 3, 6, 9, ...
    np.testing.assert_array_equal(tapes[0], expected)


def test_max_steps_beyond_the_interpreters_limit_is_refused():
    with pytest.raises(AlifeInputError, match=r"max_steps must be in \[0, 8388608\]"):
        get_language("bff").run(tapes_of(b"[]"), max_steps=2**23 + 1)
