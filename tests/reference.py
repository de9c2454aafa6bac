"""Slow, obviously correct reference implementations of the soup, written from the spec.

Nothing here imports alife: these are independent transliterations of the rules in the
issues and of cubff's protocol (its interpreters, pairing and 2-D pattern script), in
plain Python integers and lists.
"""

from __future__ import annotations

import numpy as np

MASK64 = (1 << 64) - 1


def splitmix64(x: int) -> int:
    """SplitMix64 of x (mod 2**64): z = x + golden gamma, then Stafford's mix13."""
    z = (x + 0x9E3779B97F4A7C15) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def cubff_seed(seed: int, x: int) -> int:
    """cubff's derived seed: SplitMix64(SplitMix64(seed) ^ SplitMix64(x))."""
    return splitmix64(splitmix64(seed) ^ splitmix64(x))


# Each BFF variant as cubff defines it: the command character of each byte, which bytes
# the brackets treat as zero, heads read from the tape or not, 8-byte jumps, and
# bff_selfmove's ',' that also advances head1.
ASCII = {ord(c): c for c in "[]+-.,<>{}"}
VARIANTS = {
    "bff_noheads": dict(commands=ASCII, zero=lambda b: b == 0, heads=False),
    "bff": dict(commands=ASCII, zero=lambda b: b == 0, heads=True),
    "bff8": dict(commands=ASCII, zero=lambda b: b == 0, heads=True, jump8=True),
    "bff8_noheads": dict(commands=ASCII, zero=lambda b: b == 0, heads=False, jump8=True),
    "bff_noheads_4bit": dict(
        commands={b: "[]+-.,<>{}"[b % 16 - 6] for b in range(256) if b % 16 >= 6},
        zero=lambda b: b % 16 == 0,
        heads=False,
    ),
    "bff_perm": dict(
        commands={9: "[", 10: "]", 5: "+", 6: "-", 7: ".", 8: ",", 1: "<", 2: ">", 3: "{", 4: "}"},
        zero=lambda b: b == 0,
        heads=True,
    ),
    "bff_selfmove": dict(
        commands={0: ">", 1: "<", 2: "+", 3: "-", 4: ",", 5: "[", 6: "]"},
        zero=lambda b: b == 0,
        heads=True,
        selfmove=True,
    ),
}


def run_variant(tape: list[int], language: str, max_steps: int = 8192) -> int:
    """Run a 128-byte tape (list of ints, modified in place) of a BFF variant; return ops.

    Each loop iteration: wrap the heads mod 128, execute the byte at pc, count it if it is
    a command, move on; the pc never wraps; brackets are matched by scanning (or jump 8).
    """
    spec = VARIANTS[language]
    commands, zero = spec["commands"], spec["zero"]
    n = len(tape)
    if spec["heads"]:
        h0, h1, pc = tape[0] % n, tape[1] % n, 2
    else:
        h0, h1, pc = 0, 0, 0

    def op_at(p):
        return commands.get(tape[p], "")

    iterations = 0
    noops = 0
    while iterations < max_steps:
        h0 %= n
        h1 %= n
        op = op_at(pc)
        iterations += 1
        if op == "<":
            h0 -= 1
        elif op == ">":
            h0 += 1
        elif op == "{":
            h1 -= 1
        elif op == "}":
            h1 += 1
        elif op == "+":
            tape[h0] = (tape[h0] + 1) % 256
        elif op == "-":
            tape[h0] = (tape[h0] - 1) % 256
        elif op == ".":
            tape[h1] = tape[h0]
        elif op == ",":
            tape[h0] = tape[h1]
            if spec.get("selfmove"):
                h1 += 1
        elif op == "[":
            if zero(tape[h0]):
                if spec.get("jump8"):
                    pc += 8
                else:
                    depth, q = 0, pc
                    while q < n:
                        depth += {"[": 1, "]": -1}.get(op_at(q), 0)
                        if depth == 0:
                            break
                        q += 1
                    if q == n:  # no matching ']': halt
                        break
                    pc = q
        elif op == "]":
            if not zero(tape[h0]):
                if spec.get("jump8"):
                    pc -= 8
                    if pc < 0:
                        break
                else:
                    depth, q = 0, pc
                    while q >= 0:
                        depth += {"]": 1, "[": -1}.get(op_at(q), 0)
                        if depth == 0:
                            break
                        q -= 1
                    if q < 0:  # no matching '[': halt
                        break
                    pc = q
        else:
            noops += 1
        pc += 1
        if pc >= n:
            break
    return iterations - noops


FORTH_SHARED = {4: "dup", 5: "drop", 6: "swap", 7: "if0", 8: "inc", 9: "dec", 10: "add", 11: "sub"}
FORTH_HALVES = {0: "read0", 1: "read1", 2: "write0", 3: "write1"}
FORTH_VARIANTS = {
    "forth": {**FORTH_HALVES, **FORTH_SHARED},
    "forthcopy": {0: "read", 1: "write", 2: "copy", 3: "xor", **FORTH_SHARED},
    "forthtrivial": {**FORTH_HALVES, **FORTH_SHARED, 12: "copy0", 13: "copy1"},
    "forthtrivial_reset": {**FORTH_HALVES, **FORTH_SHARED, 12: "copy0", 13: "copy1"},
}


def forth_reset(tape: list[int], pc: int) -> None:
    """forthtrivial_reset's trap: program 0 becomes SplitMix64(4096*h + 64*pc + i) % 256,
    h folding SplitMix64 over the tape's bytes (h = SplitMix64(h ^ byte), from 0)."""
    h = 0
    for byte in tape:
        h = splitmix64(h ^ byte)
    for i in range(64):
        tape[i] = splitmix64((4096 * h + 64 * pc + i) & MASK64) % 256


def run_forth(tape: list[int], language: str, max_steps: int = 8192) -> int:
    """Run a 128-byte tape of a Forth variant in place; return steps minus no-op steps.

    A stack of at most 128 bytes; popping it empty gives 0; a push onto a full stack ends
    the run after that step, as does the pc leaving the tape.
    """
    commands = FORTH_VARIANTS[language]
    trap = language == "forthtrivial_reset"
    stack: list[int] = []
    full = False

    def pop() -> int:
        return stack.pop() if stack else 0

    def push(v: int) -> None:
        nonlocal full
        if len(stack) == 128:
            full = True
        else:
            stack.append(v % 256)

    pc = steps = noops = 0
    while steps < max_steps:
        byte = tape[pc]
        steps += 1
        op = commands.get(byte) or ("const" if 64 <= byte < 128 else "jump" if byte >= 128 else "")
        if op == "const":
            push(byte % 64)
        elif op == "jump":
            pc += -(byte % 64 + 1) if byte & 64 else byte % 64 + 1
            pc -= 1
        elif op in ("read0", "read1"):
            push(tape[pop() % 64 + (64 if op == "read1" else 0)])
        elif op == "read":
            push(tape[pop() % 128])
        elif op in ("write0", "write1", "write"):
            value, address = pop(), pop()
            if op == "write":
                tape[address % 128] = value
            elif op == "write0":
                tape[address % 64] = value
            elif trap and tape[64 + address % 64] == 0x13:
                forth_reset(tape, pc)
            else:
                tape[64 + address % 64] = value
        elif op == "copy0":
            address = pop() % 64
            if trap and tape[64 + address] == 0x13:
                forth_reset(tape, pc)
            else:
                tape[64 + address] = tape[address]
        elif op == "copy1":
            address = pop() % 64
            tape[address] = tape[64 + address]
        elif op == "copy":
            to, source = pop() % 128, pop() % 128
            tape[to] = tape[source]
        elif op == "dup":
            v = pop()
            push(v)
            push(v)
        elif op == "drop":
            pop()
        elif op == "swap":
            a, b = pop(), pop()
            push(a)
            push(b)
        elif op == "if0":
            v = pop()
            if v:
                pc += 1
            push(v)
        elif op in ("inc", "dec", "xor"):
            v = pop()
            push(v + 1 if op == "inc" else v - 1 if op == "dec" else v ^ 64)
        elif op in ("add", "sub"):
            a, b = pop(), pop()
            push(a + b if op == "add" else a - b)
        else:
            noops += 1
        pc += 1
        if not 0 <= pc < 128 or full:
            break
    return steps - noops


def run_subleq(tape: list[int], language: str, max_steps: int = 8192) -> int:
    """Run a 128-byte tape of subleq or rsubleq4 in place; return the steps taken.

    subleq: A B C; tape[A%128] -= tape[B%128]; to C if the byte is 0 or >= 128, else on 3.
    rsubleq4: A B C D relative to pc; tape[pc+A] = tape[pc+B] - tape[pc+C] (indices
    mod 128); on by D as a signed byte if the result is 0 or >= 128, else on 4.
    """
    width = 3 if language == "subleq" else 4
    pc = steps = 0
    while steps < max_steps:
        steps += 1
        if language == "subleq":
            a, b = tape[pc] % 128, tape[pc + 1] % 128
            tape[a] = (tape[a] - tape[b]) % 256
            low = tape[a] == 0 or tape[a] >= 128
            pc = tape[pc + 2] if low else pc + 3
        else:
            a, b, c = ((pc + tape[pc + k]) % 128 for k in range(3))
            tape[a] = (tape[b] - tape[c]) % 256
            low = tape[a] == 0 or tape[a] >= 128
            d = tape[pc + 3]
            pc += (d - 256 if d >= 128 else d) if low else 4
        if pc + width > 128 or pc < 0:
            break
    return steps


def run_program(tape: list[int], language: str, max_steps: int = 8192) -> int:
    """Run a tape of any language in place with its reference interpreter; return ops."""
    if language in FORTH_VARIANTS:
        return run_forth(tape, language, max_steps)
    if language in ("subleq", "rsubleq4"):
        return run_subleq(tape, language, max_steps)
    return run_variant(tape, language, max_steps)


def run_tapes(tapes: np.ndarray, language: str, max_steps: int = 8192):
    """Each (128,) row of ``tapes`` run by :func:`run_program` on a copy: returns (the
    tapes after the runs, (n,) int64 ops)."""
    out = tapes.copy()
    ops = np.zeros(len(tapes), dtype=np.int64)
    for i in range(len(tapes)):
        tape = out[i].tolist()
        ops[i] = run_program(tape, language, max_steps)
        out[i] = tape
    return out, ops


def initial_soup(seed: int, n: int) -> list[list[int]]:
    """cubff's initial soup: byte i of program p is SplitMix64(64*n*s + 64*p + i) % 256,
    s = cubff_seed(seed, 0), all in 64-bit wrapping arithmetic."""
    s = cubff_seed(seed, 0)
    return [
        [splitmix64((64 * n * s + 64 * p + i) & MASK64) % 256 for i in range(64)] for p in range(n)
    ]


def permutation(seed: int, epoch: int, n: int) -> list[int]:
    """cubff's epoch shuffle: Fisher-Yates from the last index down, partner of i is
    SplitMix64(cubff_seed(seed, epoch * n + i)) % (i + 1)."""
    perm = list(range(n))
    for i in reversed(range(n)):
        j = splitmix64(cubff_seed(seed, (epoch * n + i) & MASK64)) % (i + 1)
        perm[i], perm[j] = perm[j], perm[i]
    return perm


def grid_neighbours(width: int, height: int) -> list[list[int]]:
    """cubff's make_2d_pattern.py: for the program at row i, column j (index i*width+j),
    every other cell within 2 rows and 2 columns, scanned row by row."""
    out = []
    for i in range(height):
        for j in range(width):
            out.append(
                [
                    y * width + x
                    for y in range(i - 2, i + 3)
                    for x in range(j - 2, j + 3)
                    if 0 <= y < height and 0 <= x < width and (y, x) != (i, j)
                ]
            )
    return out


def greedy_pairs(seed: int, epoch: int, neighbours: list[list[int]]) -> tuple[list[int], int]:
    """cubff's pairing over allowed interactions: visit programs in the epoch's shuffled
    order; program i (with partners) proposes partner number
    cubff_seed(seed, cubff_seed(seed, epoch) ^ cubff_seed(seed, i)) % len(partners); the
    pair forms when neither is taken. Returns (pairs flattened + the untaken programs in
    index order, number of pairs)."""
    n = len(neighbours)
    taken = [False] * n
    pairs: list[int] = []
    for i in permutation(seed, epoch, n):
        if not neighbours[i]:
            continue
        pick = cubff_seed(seed, cubff_seed(seed, epoch) ^ cubff_seed(seed, i))
        j = neighbours[i][pick % len(neighbours[i])]
        if not (taken[i] or taken[j]):
            taken[i] = taken[j] = True
            pairs += [i, j]
    return pairs + [i for i in range(n) if not taken[i]], len(pairs) // 2


class Traced(int):
    """A byte value that carries an origin token. Moving it (a copy) moves the token;
    arithmetic on it (+ and - in the interpreter, then % 256) keeps the token. So the
    unchanged reference interpreters trace tokens exactly as the tracer is specified."""

    def __new__(cls, value: int, token: int):
        obj = super().__new__(cls, value)
        obj.token = token
        return obj

    def __add__(self, other):
        return Traced(int(self) + int(other), self.token)

    def __sub__(self, other):
        return Traced(int(self) - int(other), self.token)

    def __mod__(self, other):
        return Traced(int(self) % int(other), self.token)


def token(epoch: int, program: int, position: int) -> int:
    """The tracer's token: creation epoch (30 bits), program (28 bits), position (6 bits)."""
    return (epoch << 34) | (program << 6) | position


def soup_epoch(
    soup: list[list[int]],
    seed: int,
    epoch: int,
    mutation: float,
    language: str,
    max_steps: int = 8192,
    neighbours: list[list[int]] | None = None,
    traced: bool = False,
) -> int:
    """One cubff epoch on ``soup`` (modified in place); returns the epoch's total ops.

    Pair k = (order[2k], order[2k+1]) of the shuffled order, or of :func:`greedy_pairs`
    with ``neighbours`` (then only the matched pairs run). Its 128-byte tape byte i gets
    the random byte r & 255 when (r >> 8) mod 2**30 < round(mutation * 2**30), with
    r = SplitMix64(((n * cubff_seed(seed, epoch) + k) * 128 + i) mod 2**64); with
    ``traced`` (a soup of :class:`Traced` bytes) that byte is
    Traced(r & 255, token(epoch + 1, its program, i mod 64)).
    """
    n = len(soup)
    if neighbours is None:
        order, running = permutation(seed, epoch, n), n // 2
    else:
        order, running = greedy_pairs(seed, epoch, neighbours)
    threshold = round(mutation * 2**30)
    epoch_seed = cubff_seed(seed, epoch)
    total = 0
    for k in range(n // 2):
        a, b = order[2 * k], order[2 * k + 1]
        tape = soup[a] + soup[b]
        for i in range(128):
            r = splitmix64(((n * epoch_seed + k) * 128 + i) & MASK64)
            if (r >> 8) % 2**30 < threshold:
                tape[i] = r & 255
                if traced:
                    tape[i] = Traced(r & 255, token(epoch + 1, a if i < 64 else b, i % 64))
        if k < running:
            total += run_program(tape, language, max_steps)
        soup[a], soup[b] = tape[:64], tape[64:]
    return total


def selfrep_score(
    programs: np.ndarray, index: int, seed: int, language: str, max_steps: int = 8192
) -> int:
    """cubff's CheckSelfRep score of row ``index`` of ``programs`` ((n, 64) uint8),
    transliterated: 13 trials of program + noise run 5 times (offspring moved left, the
    same noise put right each time), then positions where >= 4 trials agree, counted per
    half (left-half bytes must equal the program's), and the smaller count returned."""
    n = len(programs)
    program = [int(b) for b in programs[index]]
    local_seed = splitmix64((n * seed + index) & MASK64)
    finals = []
    for trial in range(13):
        noise = [splitmix64(local_seed ^ splitmix64((trial + 1) * 64 + j)) % 256 for j in range(64)]
        tape = program + noise
        run_program(tape, language, max_steps)
        for _ in range(4):
            tape = tape[64:] + noise
            run_program(tape, language, max_steps)
        finals.append(tape)
    replicated = [0, 0]
    for i in range(128):
        for a in range(13):
            if i < 64 and finals[a][i] != program[i]:
                continue
            if 1 + sum(finals[b][i] == finals[a][i] for b in range(a + 1, 13)) > 13 // 4:
                replicated[i // 64] += 1
                break
    return min(replicated)
