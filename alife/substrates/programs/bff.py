"""The BFF family: the Brainfuck-like languages of "Computational Life" (cubff's bff*).

Semantics follow cubff's ``bff.inc.h`` and its variants exactly. The tape is 128 bytes;
``head0`` and ``head1`` wrap modulo 128; the program counter does not wrap: execution
stops when it leaves [0, 128) or after ``max_steps`` loop iterations (a bracket scan is
part of one iteration). The commands, by kind:

====  =====================================  ====  =====================================
``<`` head0 -= 1                             ``>`` head0 += 1
``{`` head1 -= 1                             ``}`` head1 += 1
``+`` tape[head0] += 1 (mod 256)             ``-`` tape[head0] -= 1 (mod 256)
``.`` tape[head1] = tape[head0]              ``,`` tape[head0] = tape[head1]
``[`` if tape[head0] is "zero": jump past    ``]`` if tape[head0] is not "zero": jump
      the matching ``]`` (none: halt)              back after the matching ``[`` (none: halt)
====  =====================================  ====  =====================================

Every other byte is a no-op; the op count is loop iterations minus no-op iterations.
The variants differ only in:

* which byte is which command (``kinds``: ASCII for ``bff``; the low nibble for
  ``bff_noheads_4bit``; bytes 1-10 for ``bff_perm``; bytes 0-6 for ``bff_selfmove``);
* which bytes count as "zero" for the brackets (byte 0, or every byte of the null kind);
* whether the heads start at 0 with the PC at 0 (``*_noheads``) or are read from
  tape[0] and tape[1] with the PC at 2;
* brackets that jump by exactly 8 bytes instead of to their match (``bff8*``);
* ``bff_selfmove``'s ``,`` that also moves head1 forward.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

from alife.engine.targets import device_jit
from alife.substrates.programs.language import Language, Printable

EARLIER_MARK = 128
"""Offset in ``scratch`` of the loop mark before the last (the bracket memo takes
0..127)."""

COMMANDS = "[]+-.,<>{}"
"""cubff's printable command characters, in the order of its op kinds."""

NOOP, K_DEC0, K_INC0, K_DEC1, K_INC1 = 0, 1, 2, 3, 4
K_PLUS, K_MINUS, K_COPY01, K_COPY10, K_LOOP_START, K_LOOP_END = 5, 6, 7, 8, 9, 10
_KIND_OF_COMMAND = dict(
    zip(
        COMMANDS,
        (
            K_LOOP_START,
            K_LOOP_END,
            K_PLUS,
            K_MINUS,
            K_COPY01,
            K_COPY10,
            K_DEC0,
            K_INC0,
            K_DEC1,
            K_INC1,
        ),
        strict=True,
    )
)


def kinds_from_commands(command_bytes: dict[str, list[int]]) -> np.ndarray:
    """(256,) int64 kind of each byte, given the bytes of each command character."""
    kinds = np.full(256, NOOP, dtype=np.int64)
    for ch, values in command_bytes.items():
        kinds[values] = _KIND_OF_COMMAND[ch]
    return kinds


def make_builder(
    kinds: np.ndarray,
    zero: np.ndarray,
    *,
    heads: bool,
    jump_by_8: bool = False,
    copy10_moves_head1: bool = False,
) -> Callable[[str], Callable]:
    """Return ``build_evaluate(target)`` for one BFF variant.

    ``kinds``: (256,) int64 kind per byte (0 = no-op); ``zero``: (256,) bool, the bytes
    the brackets treat as zero. The interpreter memoises bracket matches: the first jump
    from a bracket scans for its partner (as cubff does on every jump) and stores it in
    ``scratch``; later jumps reuse it. Any write that puts or removes a bracket byte
    starts a new generation, invalidating every stored match at once, so results are
    exactly those of scanning each time.

    Loops that no longer change anything are jumped over: at the 1st, 2nd, 4th, 8th, ...
    backward jump the interpreter marks PC and heads; at a later backward jump to the
    same place with the same heads and no byte changed since, the state repeats exactly,
    so it skips as many whole periods as the step limit allows (counting their ops) and
    runs the rest. Results are those of running every step. The mark before the last
    is kept too (in ``scratch[EARLIER_MARK:]``) and checked as well: a copy loop whose
    heads walk round the tape repeats only every 128 turns, and once the last mark lies
    less than a period past the copy's end, only the earlier mark sees the repeat.
    Writes that leave a byte as it was neither count as a change nor invalidate the
    bracket memo.

    ``build_evaluate(target, traced=True)`` builds the tracer's interpreter instead,
    ``evaluate(tape, max_steps, scratch, tokens)``: ``tokens`` is a (128,) uint64 array
    of origin tokens beside the tape; a copy (``.`` or ``,``) copies the source byte's
    token with it, while ``+`` and ``-`` change a byte in place and keep its token.
    """
    is_bracket = (kinds == K_LOOP_START) | (kinds == K_LOOP_END)

    def build_evaluate(target, traced=False):
        jit = device_jit(target)

        @jit
        def find_match(tape, pc):
            """Position of the bracket matching tape[pc] ('[' scans right, ']' left), or -1."""
            depth = 1
            if kinds[tape[pc]] == K_LOOP_START:
                t = pc + 1
                while t < 128:
                    k = kinds[tape[t]]
                    if k == K_LOOP_END:
                        depth -= 1
                        if depth == 0:
                            return t
                    elif k == K_LOOP_START:
                        depth += 1
                    t += 1
            else:
                t = pc - 1
                while t >= 0:
                    k = kinds[tape[t]]
                    if k == K_LOOP_START:
                        depth -= 1
                        if depth == 0:
                            return t
                    elif k == K_LOOP_END:
                        depth += 1
                    t -= 1
            return -1

        @jit
        def run(tape, max_steps, scratch, tokens):
            for j in range(128):
                scratch[j] = 0  # scratch[p] = generation * 256 + match + 1 (0: unknown)
            if heads:
                head0 = np.int64(tape[0])
                head1 = np.int64(tape[1])
                pc = 2
            else:
                head0 = 0
                head1 = 0
                pc = 0
            generation = 1
            ops = 0
            i = 0
            jumps = 0  # backward jumps taken
            changes = 0  # writes that changed a byte
            mark_pc = -1  # state at the last mark (see make_builder)
            mark_h0 = mark_h1 = mark_i = mark_ops = mark_changes = 0
            scratch[EARLIER_MARK] = -1  # the mark before it: pc, h0, h1, changes, i, ops
            next_mark = 1
            # Heads are kept unwrapped and reduced mod 128 (& 127) where they index, which
            # equals wrapping them before every step and lets the compiler drop checks.
            while i < max_steps:
                kind = kinds[tape[pc & 127]]
                i += 1
                if kind != NOOP:
                    ops += 1
                    if kind == K_DEC0:
                        head0 -= 1
                    elif kind == K_INC0:
                        head0 += 1
                    elif kind == K_DEC1:
                        head1 -= 1
                    elif kind == K_INC1:
                        head1 += 1
                    elif kind <= K_COPY10:  # the four writes
                        if kind == K_PLUS:
                            at = src = head0 & 127
                            new = (tape[at] + 1) & 255
                        elif kind == K_MINUS:
                            at = src = head0 & 127
                            new = (tape[at] + 255) & 255
                        elif kind == K_COPY01:
                            at = head1 & 127
                            src = head0 & 127
                            new = tape[src]
                        else:
                            at = head0 & 127
                            src = head1 & 127
                            new = tape[src]
                            if copy10_moves_head1:
                                head1 += 1
                        old = tape[at]
                        tape[at] = new
                        if traced:
                            tokens[at] = tokens[src]  # +/- have src == at: token kept
                        generation += (old != new) & (is_bracket[old] | is_bracket[new])
                        changes += old != new
                    elif zero[tape[head0 & 127]] == (kind == K_LOOP_START):
                        # '[' on zero or ']' on non-zero: jump
                        if jump_by_8:
                            pc += 8 if kind == K_LOOP_START else -8
                            if pc < 0:
                                break
                        else:
                            entry = scratch[pc & 127]
                            if (entry >> 8) == generation:
                                target = (entry & 255) - 1
                            else:
                                target = find_match(tape, pc)
                                scratch[pc & 127] = generation * 256 + target + 1
                            if target < 0:  # unmatched: halt
                                break
                            pc = target
                        if kind == K_LOOP_END:  # a loop closes: is the state a repeat?
                            h0, h1 = head0 & 127, head1 & 127
                            if (
                                pc == mark_pc
                                and h0 == mark_h0
                                and h1 == mark_h1
                                and changes == mark_changes
                            ):
                                skip = (max_steps - i) // (i - mark_i)
                                ops += skip * (ops - mark_ops)
                                i += skip * (i - mark_i)
                            elif (
                                pc == scratch[EARLIER_MARK]
                                and h0 == scratch[EARLIER_MARK + 1]
                                and h1 == scratch[EARLIER_MARK + 2]
                                and changes == scratch[EARLIER_MARK + 3]
                            ):
                                period = i - scratch[EARLIER_MARK + 4]
                                skip = (max_steps - i) // period
                                ops += skip * (ops - scratch[EARLIER_MARK + 5])
                                i += skip * period
                            jumps += 1
                            if jumps == next_mark:
                                scratch[EARLIER_MARK] = mark_pc
                                scratch[EARLIER_MARK + 1] = mark_h0
                                scratch[EARLIER_MARK + 2] = mark_h1
                                scratch[EARLIER_MARK + 3] = mark_changes
                                scratch[EARLIER_MARK + 4] = mark_i
                                scratch[EARLIER_MARK + 5] = mark_ops
                                mark_pc, mark_h0, mark_h1 = pc, h0, h1
                                mark_i, mark_ops, mark_changes = i, ops, changes
                                next_mark *= 2
                pc += 1
                if pc >= 128:
                    break
            return ops

        if traced:
            return run

        @jit
        def evaluate(tape, max_steps, scratch):
            return run(tape, max_steps, scratch, scratch)  # tokens unused untraced

        return evaluate

    return build_evaluate


def cubff_printable(kinds: np.ndarray, null: np.ndarray) -> Printable:
    """cubff's printable form for a BFF variant (its ``MapChar`` and ``Parse``).

    A command byte prints as its command character, a byte of the null kind as ``0``,
    any other byte ``b`` as U+0100 + b, except that cubff writes ``A``-``I`` for bytes
    196-204 and ``J``-``L`` for 241-243 (where U+01C4.. and U+01F1.. are ligatures).
    Parsing maps a command character to the highest byte of its kind and ``0`` to the
    highest null byte, each to byte 0 where the language has no such byte (as cubff does),
    and the other characters back to their byte.
    """
    other = [chr(0x100 + b) for b in range(256)]
    other[196:205] = "ABCDEFGHI"
    other[241:244] = "JKL"
    parse_map = {ch: b for b, ch in enumerate(other)}
    symbols = list(other)
    for ch, kind in _KIND_OF_COMMAND.items():
        of_kind = np.flatnonzero(kinds == kind)
        for b in of_kind:
            symbols[b] = ch
        parse_map[ch] = int(of_kind[-1]) if of_kind.size else 0
    for b in np.flatnonzero(null):
        symbols[b] = "0"
    null_bytes = np.flatnonzero(null)
    parse_map["0"] = int(null_bytes[-1]) if null_bytes.size else 0
    return Printable(
        tuple(symbols),
        parse_map,
        "the language's commands, '0' for the zero byte, and cubff's printable "
        "characters for other bytes",
    )


def bff_byte_colors(kinds: np.ndarray, null: np.ndarray) -> np.ndarray:
    """(256, 3) uint8 cubff palette: brackets green, arithmetic/copy magenta, head moves
    lilac, null red, every other byte a grey that brightens with its value."""
    colors = np.empty((256, 3), dtype=np.uint8)
    for b in range(256):
        v = 192 + b // 4
        colors[b] = (v, v, v)
    colors[(kinds == K_LOOP_START) | (kinds == K_LOOP_END)] = (0, 192, 0)
    colors[(kinds >= K_PLUS) & (kinds <= K_COPY10)] = (200, 0, 200)
    colors[(kinds >= K_DEC0) & (kinds <= K_INC1)] = (200, 128, 220)
    colors[null] = (255, 0, 0)
    return colors


def bff_language(
    name: str,
    description: str,
    kinds: np.ndarray,
    null: np.ndarray,
    *,
    zero: np.ndarray | None = None,
    **variant,
) -> Language:
    """A BFF-family :class:`Language`; ``zero`` defaults to the null bytes."""
    zero = null if zero is None else zero
    build_evaluate = make_builder(kinds, zero, **variant)
    return Language(
        name=name,
        description=description,
        build_evaluate=build_evaluate,
        build_traced=functools.partial(build_evaluate, traced=True),
        noop_bytes=kinds == NOOP,
        printable=cubff_printable(kinds, null),
        byte_colors=bff_byte_colors(kinds, null),
    )


_ASCII = kinds_from_commands({ch: [ord(ch)] for ch in COMMANDS})
_BYTE_ZERO = np.arange(256) == 0
_NIBBLE = np.arange(256) % 16
_NIBBLE_KINDS = kinds_from_commands(
    {ch: np.flatnonzero(_NIBBLE - k == 6).tolist() for k, ch in enumerate(COMMANDS)}
)
_PERM_KINDS = kinds_from_commands(
    {
        "[": [9],
        "]": [10],
        "+": [5],
        "-": [6],
        ".": [7],
        ",": [8],
        "<": [1],
        ">": [2],
        "{": [3],
        "}": [4],
    }
)
_SELFMOVE_KINDS = kinds_from_commands(
    {">": [0], "<": [1], "+": [2], "-": [3], ",": [4], "[": [5], "]": [6]}
)
_NO_NULL = np.zeros(256, dtype=np.bool_)

BFF_NOHEADS = bff_language(
    "bff_noheads",
    "BFF with both heads and the PC starting at 0 (the paper's main language)",
    _ASCII,
    _BYTE_ZERO,
    heads=False,
)
BFF = bff_language(
    "bff",
    "BFF with head0 = tape[0], head1 = tape[1] (mod 128) and the PC starting at 2",
    _ASCII,
    _BYTE_ZERO,
    heads=True,
)
BFF8 = bff_language(
    "bff8",
    "bff whose brackets jump exactly 8 bytes forward or back instead of to a match",
    _ASCII,
    _BYTE_ZERO,
    heads=True,
    jump_by_8=True,
)
BFF8_NOHEADS = bff_language(
    "bff8_noheads",
    "bff_noheads whose brackets jump exactly 8 bytes instead of to a match",
    _ASCII,
    _BYTE_ZERO,
    heads=False,
    jump_by_8=True,
)
BFF_NOHEADS_4BIT = bff_language(
    "bff_noheads_4bit",
    "bff_noheads where a byte's low nibble is its command (0: zero, "
    "6-15: [ ] + - . , < > { }), so 10/16 of bytes are commands",
    _NIBBLE_KINDS,
    _NIBBLE == 0,
    heads=False,
)
BFF_PERM = bff_language(
    "bff_perm",
    "bff with the commands on bytes 1-10 instead of their ASCII codes",
    _PERM_KINDS,
    _BYTE_ZERO,
    heads=True,
)
BFF_SELFMOVE = bff_language(
    "bff_selfmove",
    "bff with commands on bytes 0-6 (> < + - , [ ]), no head1 moves, and "
    "',' advancing head1 after copying",
    _SELFMOVE_KINDS,
    _NO_NULL,
    zero=_BYTE_ZERO,
    heads=True,
    copy10_moves_head1=True,
)
