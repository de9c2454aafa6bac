"""BFF: the Brainfuck-like language of "Computational Life" (two heads, self-modifying tape).

Semantics follow cubff's ``bff.inc.h`` exactly. The tape is 128 bytes; ``head0`` and
``head1`` wrap modulo 128 before every step; the program counter does not wrap: execution
stops when it leaves [0, 128) or after ``max_steps`` loop iterations (a bracket scan is part
of one iteration). Opcodes (ASCII bytes):

====  =====================================  ====  =====================================
``<`` head0 -= 1                             ``>`` head0 += 1
``{`` head1 -= 1                             ``}`` head1 += 1
``+`` tape[head0] += 1 (mod 256)             ``-`` tape[head0] -= 1 (mod 256)
``.`` tape[head1] = tape[head0]              ``,`` tape[head0] = tape[head1]
``[`` if tape[head0] == 0: jump past the     ``]`` if tape[head0] != 0: jump back to just
      matching ``]`` (none: halt)                  after the matching ``[`` (none: halt)
====  =====================================  ====  =====================================

Every other byte (including 0, the "zero") is a no-op. The op count is loop iterations
minus no-op iterations. ``bff_noheads`` starts with both heads and the PC at 0; ``bff``
reads the heads from tape[0] and tape[1] (mod 128) and starts the PC at 2.
"""

from __future__ import annotations

import numpy as np

from alife.substrates.programs.language import Language, Printable

LOOP_START, LOOP_END = ord("["), ord("]")
PLUS, MINUS = ord("+"), ord("-")
COPY01, COPY10 = ord("."), ord(",")
DEC0, INC0, DEC1, INC1 = ord("<"), ord(">"), ord("{"), ord("}")
COMMANDS = "[]+-.,<>{}"
NOOP, K_DEC0, K_INC0, K_DEC1, K_INC1 = 0, 1, 2, 3, 4
K_PLUS, K_MINUS, K_COPY01, K_COPY10, K_LOOP_START, K_LOOP_END = 5, 6, 7, 8, 9, 10
KIND = np.zeros(256, dtype=np.int64)
"""(256,) int64: the kind of each byte, 0 for no-ops; dense so dispatch is one table."""
for _kind, _byte in enumerate(
    (DEC0, INC0, DEC1, INC1, PLUS, MINUS, COPY01, COPY10, LOOP_START, LOOP_END), start=1
):
    KIND[_byte] = _kind
IS_BRACKET = np.array([chr(b) in "[]" for b in range(256)], dtype=np.bool_)
"""(256,) bool: True for ``[`` and ``]``."""


def make_builder(heads: bool):
    """Return ``build_evaluate(jit)`` for BFF with (``bff``) or without (``bff_noheads``) heads.

    The interpreter memoises bracket matches: the first jump from a bracket scans for its
    partner (as cubff does on every jump) and stores the answer in ``scratch``; later jumps
    from the same bracket reuse it. Any write that puts or removes a bracket byte starts a
    new generation, which invalidates every stored match at once, so results are exactly
    those of scanning each time. Ops are counted directly: loop iterations minus no-ops,
    as cubff reports them.
    """

    def build_evaluate(jit):
        @jit
        def find_match(tape, pc):
            """Position of the bracket matching tape[pc] ('[' scans right, ']' left), or -1."""
            depth = 1
            if tape[pc] == LOOP_START:
                t = pc + 1
                while t < 128:
                    b = tape[t]
                    if b == LOOP_END:
                        depth -= 1
                        if depth == 0:
                            return t
                    elif b == LOOP_START:
                        depth += 1
                    t += 1
            else:
                t = pc - 1
                while t >= 0:
                    b = tape[t]
                    if b == LOOP_START:
                        depth -= 1
                        if depth == 0:
                            return t
                    elif b == LOOP_END:
                        depth += 1
                    t -= 1
            return -1

        @jit
        def evaluate(tape, max_steps, scratch):
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
            # Heads are kept unwrapped and reduced mod 128 (& 127) where they index, which
            # equals wrapping them before every step and lets the compiler drop checks.
            while i < max_steps:
                kind = KIND[tape[pc & 127]]
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
                            at = head0 & 127
                            new = (tape[at] + 1) & 255
                        elif kind == K_MINUS:
                            at = head0 & 127
                            new = (tape[at] + 255) & 255
                        elif kind == K_COPY01:
                            at = head1 & 127
                            new = tape[head0 & 127]
                        else:
                            at = head0 & 127
                            new = tape[head1 & 127]
                        old = tape[at]
                        tape[at] = new
                        generation += IS_BRACKET[old] | IS_BRACKET[new]
                    elif (tape[head0 & 127] == 0) == (kind == K_LOOP_START):
                        # '[' on zero or ']' on non-zero: jump to the matching bracket
                        entry = scratch[pc & 127]
                        if (entry >> 8) == generation:
                            target = (entry & 255) - 1
                        else:
                            target = find_match(tape, pc)
                            scratch[pc & 127] = generation * 256 + target + 1
                        if target < 0:  # unmatched: halt
                            break
                        pc = target
                pc += 1
                if pc >= 128:
                    break
            return ops

        return evaluate

    return build_evaluate


def cubff_symbols(commands: str, command_bytes: bytes) -> tuple[str, ...]:
    """cubff's printable form for a language whose commands are ``command_bytes``.

    Commands print as themselves, byte 0 as ``0``; every other byte ``b`` prints as the
    code point U+0100 + b, except that cubff writes ``A``-``I`` for bytes 196-204 and
    ``J``-``L`` for 241-243 (where U+01C4.. and U+01F1.. are ligature letters).
    """
    symbols = [chr(0x100 + b) for b in range(256)]
    for k, b in enumerate(range(196, 205)):
        symbols[b] = "ABCDEFGHI"[k]
    for k, b in enumerate(range(241, 244)):
        symbols[b] = "JKL"[k]
    for ch, b in zip(commands, command_bytes, strict=True):
        symbols[b] = ch
    symbols[0] = "0"
    return tuple(symbols)


def bff_byte_colors() -> np.ndarray:
    """(256, 3) uint8 cubff palette: brackets green, arithmetic/copy magenta, head moves
    lilac, zero red, every other byte a grey that brightens with its value."""
    colors = np.empty((256, 3), dtype=np.uint8)
    for b in range(256):
        v = 192 + b // 4
        colors[b] = (v, v, v)
    colors[[LOOP_START, LOOP_END]] = (0, 192, 0)
    colors[[PLUS, MINUS, COPY01, COPY10]] = (200, 0, 200)
    colors[[DEC0, INC0, DEC1, INC1]] = (200, 128, 220)
    colors[0] = (255, 0, 0)
    return colors


_PRINTABLE = Printable(cubff_symbols(COMMANDS, COMMANDS.encode("ascii")))

BFF_NOHEADS = Language(
    name="bff_noheads",
    description="BFF with both heads and the PC starting at 0 (the paper's main language)",
    build_evaluate=make_builder(heads=False),
    printable=_PRINTABLE,
    byte_colors=bff_byte_colors(),
)

BFF = Language(
    name="bff",
    description="BFF with head0 = tape[0], head1 = tape[1] (mod 128) and the PC starting at 2",
    build_evaluate=make_builder(heads=True),
    printable=_PRINTABLE,
    byte_colors=bff_byte_colors(),
)
