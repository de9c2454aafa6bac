"""Slow, obviously correct reference implementations of the soup, written from the spec.

Nothing here imports alife: these are independent transliterations of the rules in the
foundation issue (and cubff's documented protocol), in plain Python integers and lists.
"""

from __future__ import annotations

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


def soup_epoch(
    soup: list[list[int]],
    seed: int,
    epoch: int,
    mutation: float,
    language: str,
    max_steps: int = 8192,
) -> int:
    """One cubff epoch on ``soup`` (modified in place); returns the epoch's total ops.

    Pair k = (perm[2k], perm[2k+1]); its 128-byte tape byte i gets the random byte
    r & 255 when (r >> 8) mod 2**30 < round(mutation * 2**30), with
    r = SplitMix64(((n * cubff_seed(seed, epoch) + k) * 128 + i) mod 2**64).
    """
    n = len(soup)
    perm = permutation(seed, epoch, n)
    threshold = round(mutation * 2**30)
    epoch_seed = cubff_seed(seed, epoch)
    total = 0
    for k in range(n // 2):
        a, b = perm[2 * k], perm[2 * k + 1]
        tape = soup[a] + soup[b]
        for i in range(128):
            r = splitmix64(((n * epoch_seed + k) * 128 + i) & MASK64)
            if (r >> 8) % 2**30 < threshold:
                tape[i] = r & 255
        total += run_variant(tape, language, max_steps)
        soup[a], soup[b] = tape[:64], tape[64:]
    return total
