"""The Forth family: stack-machine languages of "Computational Life" (cubff's forth*).

Semantics follow cubff's ``forth.inc.h`` and its variants exactly. The tape is the two
64-byte programs side by side (128 bytes); the PC starts at 0 and execution stops when it
leaves [0, 128), when a push finds the 128-entry stack full, or after ``max_steps``
instructions. Stack entries are bytes; popping an empty stack gives 0. Every language
reads bytes 0x40-0x7F as "push the constant ``b & 63``" and bytes 0x80-0xFF as a jump of
``(b & 63) + 1`` bytes, backwards when bit 6 is set. Bytes 0x00-0x0D are the commands
below (which byte is which depends on the language); every other byte is a no-op. The op
count is instructions executed minus no-ops. In the table ``a`` is the first value
popped, ``b`` the second; "program 0/1" is the first/second 64 bytes of the tape.

=========  ==================================================================
read0/1    push byte ``a % 64`` of program 0/1
read       push byte ``a % 128`` of the tape
write0/1   byte ``b % 64`` of program 0/1 = ``a``
write      byte ``b % 128`` of the tape = ``a``
copy0      byte ``a % 64`` of program 1 = the same byte of program 0
copy1      byte ``a % 64`` of program 0 = the same byte of program 1
copy       byte ``a % 128`` of the tape = byte ``b % 128``
dup        push ``a`` twice;  drop: pop;  swap: push ``a`` then ``b``
if0        push ``a`` back; if ``a`` is not 0, skip the next byte
inc, dec   push ``a + 1``, ``a - 1`` (mod 256)
add, sub   push ``a + b``, ``a - b`` (mod 256)
xor        push ``a ^ 64``
=========  ==================================================================

``forthtrivial_reset`` adds a trap: a write1 or copy0 aimed at a byte of program 1 that
holds 0x13 writes nothing and instead refills program 0 with bytes drawn from a hash of
the whole tape and the PC (cubff's ``Reset``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from alife.engine.rng import rng_functions
from alife.engine.targets import device_jit
from alife.substrates.programs.language import (
    PROGRAM_SIZE,
    Language,
    gradient_byte_colors,
    hex_printable,
)

# Kinds 1-9 pop an address from the stack and touch the tape; 10-18 work on the stack.
(NOOP, READ0, READ1, READ, COPY0, COPY1, WRITE0, WRITE1, WRITE, COPY) = range(10)
(DUP, DROP, IF0, INC, DEC, XOR, SWAP, ADD, SUB, CONST, JMP) = range(10, 21)

STACK_SIZE = 128
"""Entries of cubff's Forth stack."""

STACK_COPY = STACK_SIZE + 1
"""Offset in ``scratch`` of the stack's copy at the last loop mark (entries 1..depth)."""

RESET_MARKER = 0x13
"""The program-1 byte that makes forthtrivial_reset's write1/copy0 reset program 0."""

_SHARED_COMMANDS = {0x4: DUP, 0x5: DROP, 0x6: SWAP, 0x7: IF0}
_SHARED_COMMANDS |= {0x8: INC, 0x9: DEC, 0xA: ADD, 0xB: SUB}
_HALF_TAPE_COMMANDS = {0x0: READ0, 0x1: READ1, 0x2: WRITE0, 0x3: WRITE1}


def forth_kinds(commands: dict[int, int]) -> np.ndarray:
    """(256,) int64 op kind per byte: ``commands`` for bytes below 0x40, constants for
    0x40-0x7F, jumps for 0x80-0xFF, no-op elsewhere."""
    kinds = np.full(256, NOOP, dtype=np.int64)
    kinds[64:128] = CONST
    kinds[128:] = JMP
    for byte, kind in commands.items():
        kinds[byte] = kind
    return kinds


def make_builder(kinds: np.ndarray, *, reset_trap: bool) -> Callable[[str], Callable]:
    """Return ``build_evaluate(target)`` for one Forth variant.

    ``kinds``: (256,) int64 op kind per byte; ``reset_trap``: forthtrivial_reset's 0x13
    trap on write1 and copy0. The stack lives in the int32 ``scratch`` array: entries at
    ``scratch[1..depth]``, top at ``scratch[depth]``, and ``scratch[0]`` a constant 0, so
    that popping an empty stack reads 0 with no test. A push onto a full stack writes
    ``scratch[129]`` and leaves depth 129, which ends the run after that step.

    Much of a tape's work is loops that come back to a state they were in before. The
    state is the PC, the tape, the depth and ``scratch[1..depth]``: entries above the top
    are always written before they are read. As BFF does
    (:func:`alife.substrates.programs.bff.make_builder`), the interpreter marks the state
    at the 1st, 2nd, 4th, ... backward jump, copying the stack to
    ``scratch[STACK_COPY + 1 ..]``. At a backward jump back to the marked PC and depth,
    with no tape byte changed since the mark, the state is a repeat if no stack entry
    changed either, or if the stack equals its copy (a loop counting through all 256
    values of a byte, as forthtrivial's replicator does, repeats only that way). It
    then jumps over whole periods, counting their no-ops.
    """
    half = PROGRAM_SIZE

    def build_evaluate(target):
        jit = device_jit(target)
        mix = rng_functions(target).splitmix64

        @jit
        def reset(tape, pos):
            """cubff's Reset: program 0 = hash-seeded bytes of the tape and the PC."""
            seed = np.uint64(0)
            for j in range(2 * half):
                seed = mix(seed ^ np.uint64(tape[j]))
            base = seed * np.uint64(half * half) + np.uint64(pos) * np.uint64(half)
            for j in range(half):
                tape[j] = mix(base + np.uint64(j)) & np.uint64(255)

        @jit
        def evaluate(tape, max_steps, stack):
            stack[0] = 0
            depth = 0
            pos = 0
            steps = 0
            nops = 0
            jumps = 0  # backward jumps taken
            mark_pos = -1  # PC, depth, steps and no-ops at the last mark
            mark_depth = mark_steps = mark_nops = 0
            next_mark = 1
            tape_changed = False  # did a write change a tape byte since the mark?
            changed = False  # ... or a stack entry?
            while steps < max_steps:
                command = tape[pos]
                kind = kinds[command]
                steps += 1
                push = -1  # a value to push after the op, if >= 0
                if kind == NOOP:
                    nops += 1
                elif kind == CONST:
                    push = command & 63
                elif kind == JMP:
                    distance = np.int64(command & 63) + 1
                    if command & 64:  # backward: a loop closes; is the state a repeat?
                        pos -= distance + 1
                        if pos == mark_pos and depth == mark_depth and not tape_changed:
                            repeat = True
                            if changed:  # compare the stack with its copy, top first
                                for j in range(depth, 0, -1):
                                    if stack[j] != stack[STACK_COPY + j]:
                                        repeat = False
                                        break
                            if repeat:
                                skip = (max_steps - steps) // (steps - mark_steps)
                                nops += skip * (nops - mark_nops)
                                steps += skip * (steps - mark_steps)
                        jumps += 1
                        if jumps == next_mark:
                            mark_pos, mark_depth, mark_steps, mark_nops = pos, depth, steps, nops
                            for j in range(1, depth + 1):
                                stack[STACK_COPY + j] = stack[j]
                            tape_changed = changed = False
                            next_mark *= 2
                    else:
                        pos += distance - 1
                elif kind <= COPY:  # tape access: pop an address
                    a = stack[depth]
                    depth = max(depth - 1, 0)
                    target = -1  # a tape byte to write, if >= 0
                    if kind == READ0:
                        push = tape[a & 63]
                    elif kind == READ1:
                        push = tape[half + (a & 63)]
                    elif kind == READ:
                        push = tape[a & 127]
                    elif kind == COPY0:
                        target, value = half + (a & 63), tape[a & 63]
                    elif kind == COPY1:
                        target, value = a & 63, tape[half + (a & 63)]
                    else:  # the writes and copy pop a second value: b
                        b = stack[depth]
                        depth = max(depth - 1, 0)
                        if kind == WRITE0:
                            target, value = b & 63, a
                        elif kind == WRITE1:
                            target, value = half + (b & 63), a
                        elif kind == WRITE:
                            target, value = b & 127, a
                        else:  # COPY: a is the destination, b the source
                            target, value = a & 127, tape[b & 127]
                    if target >= 0:
                        trap = kind in (COPY0, WRITE1)
                        if reset_trap and trap and tape[target] == RESET_MARKER:
                            reset(tape, pos)
                            tape_changed = True
                        else:
                            tape_changed |= tape[target] != value
                            tape[target] = value
                else:  # stack ops: pop a
                    a = stack[depth]
                    depth = max(depth - 1, 0)
                    if kind in (DUP, SWAP):
                        b = a
                        if kind == SWAP:
                            b = stack[depth]
                            depth = max(depth - 1, 0)
                        changed |= stack[depth + 1] != a or stack[depth + 2] != b
                        stack[depth + 1] = a
                        stack[depth + 2] = b
                        depth += 2
                    elif kind == IF0:
                        if a != 0:
                            pos += 1
                        push = a
                    elif kind == INC:
                        push = (a + 1) & 255
                    elif kind == DEC:
                        push = (a - 1) & 255
                    elif kind == XOR:
                        push = a ^ 64
                    elif kind != DROP:  # ADD, SUB pop b too
                        b = stack[depth]
                        depth = max(depth - 1, 0)
                        push = (a + b) & 255 if kind == ADD else (a - b) & 255
                if push >= 0:
                    depth += 1
                    changed |= stack[depth] != push
                    stack[depth] = push
                pos += 1
                if pos >= 2 * half or pos < 0 or depth > STACK_SIZE:
                    break
            return steps - nops

        return evaluate

    return build_evaluate


def _scaled(rgb: tuple[int, int, int], offset: int, count: int) -> tuple[int, ...]:
    """cubff's ``scale_color``: darken by up to 20% along a run of ``count`` bytes, in
    float32 as cubff computes it."""
    multiplier = np.float32(1.0) - np.float32(offset) * np.float32(0.2) / np.float32(count - 1)
    return tuple(int(np.round(min(np.float32(255), multiplier * np.float32(c)))) for c in rgb)


def _gradient_colors() -> np.ndarray:
    """cubff's forth/forthcopy palette: red rising and blue falling with the byte value,
    green 128 on the command bytes 0x00-0x0B."""
    colors = gradient_byte_colors()
    colors[:0xC, 1] = 128
    return colors


def _trivial_colors() -> np.ndarray:
    """cubff's forthtrivial palette: purple I/O, brown stack ops, black if0, blue forward
    and red backward jumps, white constants, green comments, each run darkening."""
    colors = np.zeros((256, 3), dtype=np.uint8)
    colors[[0x0, 0x1, 0x2, 0x3, 0xC, 0xD]] = (0x73, 0x01, 0xCE)
    colors[[0x4, 0x5, 0x6, 0x8, 0x9, 0xA, 0xB]] = (0x4E, 0x10, 0x01)
    for start, stop, rgb, count in (
        (0x80, 0xC0, (0x94, 0xD9, 0xFF), 64),
        (0xC0, 0x100, (0xFF, 0x77, 0x7D), 64),
        (0x40, 0x80, (0xFF, 0xFF, 0xFF), 64),
        (0x0E, 0x40, (0x02, 0x8A, 0x37), 50),
    ):
        for b in range(start, stop):
            colors[b] = _scaled(rgb, b - start, count)
    return colors


def forth_language(
    name: str,
    description: str,
    commands: dict[int, int],
    colors: np.ndarray,
    *,
    reset_trap: bool = False,
) -> Language:
    """A Forth-family :class:`Language` printed as hex bytes, as cubff does."""
    kinds = forth_kinds(commands)
    return Language(
        name=name,
        description=description,
        build_evaluate=make_builder(kinds, reset_trap=reset_trap),
        printable=hex_printable(),
        byte_colors=colors,
        noop_bytes=kinds == NOOP,
    )


_TRIVIAL_COMMANDS = {**_HALF_TAPE_COMMANDS, **_SHARED_COMMANDS, 0xC: COPY0, 0xD: COPY1}

FORTH = forth_language(
    "forth",
    "stack machine: per-program reads and writes, stack and arithmetic ops, "
    "6-bit constants and relative jumps (bytes as hex)",
    {**_HALF_TAPE_COMMANDS, **_SHARED_COMMANDS},
    _gradient_colors(),
)
FORTHCOPY = forth_language(
    "forthcopy",
    "forth with whole-tape read, write and copy ops and a xor-64 op in place of "
    "the per-program reads and writes",
    {0x0: READ, 0x1: WRITE, 0x2: COPY, 0x3: XOR, **_SHARED_COMMANDS},
    _gradient_colors(),
)
FORTHTRIVIAL = forth_language(
    "forthtrivial",
    "forth plus copy0/copy1 (0x0C, 0x0D), which copy a byte between the programs",
    _TRIVIAL_COMMANDS,
    _trivial_colors(),
)
FORTHTRIVIAL_RESET = forth_language(
    "forthtrivial_reset",
    "forthtrivial where write1/copy0 onto a 0x13 byte of program 1 instead "
    "refills program 0 with hash-seeded random bytes",
    _TRIVIAL_COMMANDS,
    _trivial_colors(),
    reset_trap=True,
)
