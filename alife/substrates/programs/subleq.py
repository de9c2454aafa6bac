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

from collections.abc import Callable

import numpy as np

from alife.engine.targets import device_jit
from alife.substrates.programs.language import (
    TAPE_SIZE,
    Language,
    gradient_byte_colors,
    hex_printable,
)


def make_builder(*, relative: bool) -> Callable[[str], Callable]:
    """Return ``build_evaluate(target)`` for subleq (``relative=False``) or rsubleq4.

    Most of a random soup's SUBLEQ work is tapes caught in a loop that no longer changes
    anything (for rsubleq4, 98% of the ops of a random soup). The interpreter marks its
    state at steps 1, 2, 4, 8, ... (Brent's cycle search); when the PC is back where it
    was at the last mark and no write since then changed a byte, the state repeats
    exactly, so it jumps over as many whole periods as the step limit allows and runs
    the rest. Results are those of running every step. ``scratch`` is unused.
    """
    width = 4 if relative else 3

    def build_evaluate(target):
        jit = device_jit(target)

        @jit
        def evaluate(tape, max_steps, scratch):
            pos = 0
            steps = 0
            mark_pos = -1  # the PC at the last mark
            mark_steps = 0
            next_mark = 1
            changed = False  # did a write change a byte since the last mark?
            while steps < max_steps:
                if relative:
                    a = (pos + tape[pos]) & 127
                    result = (
                        np.int64(tape[(pos + tape[pos + 1]) & 127])
                        - tape[(pos + tape[pos + 2]) & 127]
                    ) & 255
                else:
                    a = tape[pos] & 127
                    result = (tape[a] - np.int64(tape[tape[pos + 1] & 127])) & 255
                changed |= tape[a] != result
                tape[a] = result
                steps += 1
                if result >= 128 or result == 0:
                    if relative:
                        jump = np.int64(tape[pos + 3])
                        pos += jump - 256 if jump >= 128 else jump
                    else:
                        pos = np.int64(tape[pos + 2])
                else:
                    pos += width
                if pos + width > TAPE_SIZE or pos < 0:
                    break
                if pos == mark_pos and not changed:
                    period = steps - mark_steps
                    steps += (max_steps - steps) // period * period
                if steps == next_mark:
                    mark_pos, mark_steps, changed = pos, steps, False
                    next_mark *= 2
            return steps

        return evaluate

    return build_evaluate


SUBLEQ = Language(
    name="subleq",
    description="one instruction A B C: tape[A] -= tape[B], jump to C if the result "
    "is <= 0 (bytes as hex)",
    build_evaluate=make_builder(relative=False),
    printable=hex_printable(),
    byte_colors=gradient_byte_colors(),
)
RSUBLEQ4 = Language(
    name="rsubleq4",
    description="subleq with PC-relative operands: tape[A] = tape[B] - tape[C], "
    "relative jump by D if <= 0 (bytes as hex)",
    build_evaluate=make_builder(relative=True),
    printable=hex_printable(),
    byte_colors=gradient_byte_colors(),
)
