"""The SUBLEQ family: one-instruction languages of "Computational Life" (cubff's subleq,
rsubleq4), where self-replicators are possible but have not been seen to arise.

Semantics follow cubff's ``subleq.cu`` and ``rsubleq4.cu`` exactly. The tape is the two
64-byte programs side by side (128 bytes); the PC starts at 0; every step is one
instruction and counts as one op; bytes are unsigned and arithmetic wraps mod 256. A
result is "less than or equal to zero" when it is 0 or has its top bit set.

``subleq`` (3 bytes ``A B C`` at the PC)
    ``tape[A % 128] -= tape[B % 128]``; if the result is <= 0 the PC becomes ``C`` (read
    after the write), else it moves on by 3. Execution stops when PC + 3 > 128.

``rsubleq4`` (4 bytes ``A B C D``, addresses relative to the PC)
    ``tape[(PC+A) % 128] = tape[(PC+B) % 128] - tape[(PC+C) % 128]``; if the result is
    <= 0 the PC moves by ``D`` read as a signed byte (after the write), else by 4.
    Execution stops when PC + 4 > 128 or PC < 0.
"""

from __future__ import annotations

import numpy as np

from alife.engine.targets import device_jit
from alife.substrates.programs.language import (
    TAPE_SIZE,
    Language,
    gradient_byte_colors,
    hex_printable,
)


def build_subleq(target):
    """``evaluate(tape, max_steps, scratch) -> ops`` for subleq (``scratch`` unused)."""
    jit = device_jit(target)

    @jit
    def evaluate(tape, max_steps, scratch):
        pos = 0
        steps = 0
        while steps < max_steps:
            a = tape[pos] & 127
            b = tape[pos + 1] & 127
            result = (tape[a] - np.int64(tape[b])) & 255
            tape[a] = result
            steps += 1
            if result >= 128 or result == 0:
                pos = np.int64(tape[pos + 2])
            else:
                pos += 3
            if pos + 3 > TAPE_SIZE:
                break
        return steps

    return evaluate


def build_rsubleq4(target):
    """``evaluate(tape, max_steps, scratch) -> ops`` for rsubleq4 (``scratch`` unused)."""
    jit = device_jit(target)

    @jit
    def evaluate(tape, max_steps, scratch):
        pos = 0
        steps = 0
        while steps < max_steps:
            a = (pos + tape[pos]) & 127
            b = (pos + tape[pos + 1]) & 127
            c = (pos + tape[pos + 2]) & 127
            result = (np.int64(tape[b]) - tape[c]) & 255
            tape[a] = result
            steps += 1
            if result >= 128 or result == 0:
                jump = np.int64(tape[pos + 3])
                pos += jump - 256 if jump >= 128 else jump
            else:
                pos += 4
            if pos + 4 > TAPE_SIZE or pos < 0:
                break
        return steps

    return evaluate


SUBLEQ = Language(
    name="subleq",
    description="one instruction A B C: tape[A] -= tape[B], jump to C if the result "
    "is <= 0 (bytes as hex)",
    build_evaluate=build_subleq,
    printable=hex_printable(),
    byte_colors=gradient_byte_colors(),
)
RSUBLEQ4 = Language(
    name="rsubleq4",
    description="subleq with PC-relative operands: tape[A] = tape[B] - tape[C], "
    "relative jump by D if <= 0 (bytes as hex)",
    build_evaluate=build_rsubleq4,
    printable=hex_printable(),
    byte_colors=gradient_byte_colors(),
)
