"""What a program language is: an interpreter built for both targets and a printable form.

A :class:`Language` bundles

* ``build_evaluate(target)``: a builder that, given a compile target (``"cpu"`` or
  ``"cuda"``, see :mod:`alife.engine.targets`), returns
  ``evaluate(tape, max_steps, scratch) -> ops``, a device function that runs one (128,)
  uint8 tape in place and returns the number of executed non-no-op instructions (int);
  ``scratch`` is a (SCRATCH_SIZE,) int32 work array the interpreter may use freely;
* a :class:`Printable` form: cubff's text for programs (a fixed-width symbol per byte);
* byte colours (cubff's palette) for images of soups.

The batch entry point :meth:`Language.run` runs many tapes in parallel on the CPU or on a
CUDA GPU through :mod:`alife.substrates.programs.kernels`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from alife.engine.backend import DeviceArray
from alife.errors import AlifeInputError

TAPE_SIZE = 128
"""Bytes in one interaction tape: two 64-byte programs side by side."""

SCRATCH_SIZE = 258
"""int32 entries of the per-thread work array an interpreter gets beside its tape (BFF's
bracket memo uses 128, then 6 for its earlier loop mark; Forth's stack 130, a zero below
the 128 entries and one above, then 128 for a copy of the stack)."""

PROGRAM_SIZE = 64
"""Bytes in one program of a soup."""

DEFAULT_MAX_STEPS = 8192
"""cubff's limit on interpreter loop iterations per interaction."""

MAX_STEPS_LIMIT = 2**23
"""The largest ``max_steps`` the interpreters take: their int32 memos in ``scratch``
count up to one event per step, times 256."""


def check_max_steps(max_steps: int) -> None:
    """Raise AlifeInputError unless ``max_steps`` is in [0, MAX_STEPS_LIMIT]."""
    if not 0 <= max_steps <= MAX_STEPS_LIMIT:
        raise AlifeInputError(
            f"max_steps must be in [0, {MAX_STEPS_LIMIT}] (2**23), got {max_steps}"
        )


@dataclass(frozen=True)
class Printable:
    """cubff's printable form of a language: a fixed-width symbol per byte, and back.

    ``symbols[b]`` is the text printed for byte ``b``, every symbol the same number of
    characters (one for the BFF family, two hex digits for Forth and SUBLEQ); several bytes
    may print alike (bff_noheads_4bit prints every byte of a kind as that kind's command).
    ``parse_map`` maps every accepted symbol to the byte it parses to; parsing is the
    inverse of printing on printed text, and on bytes wherever printing is one-to-one.
    ``valid`` says in words what symbols are accepted, for error messages.
    """

    symbols: tuple[str, ...]
    parse_map: dict[str, int] = field(repr=False)
    valid: str = field(repr=False)

    def __post_init__(self) -> None:
        widths = {len(s) for s in self.symbols}
        if len(self.symbols) != 256 or len(widths) != 1 or 0 in widths:
            raise ValueError("a printable form needs one symbol per byte, all of one width")

    @property
    def width(self) -> int:
        """Characters per byte."""
        return len(self.symbols[0])

    def disassemble(self, program: np.ndarray) -> str:
        """Text for a 1-D uint8 array of bytes."""
        return "".join(self.symbols[b] for b in np.asarray(program, dtype=np.uint8).tolist())

    def parse(self, text: str, language: str) -> np.ndarray:
        """Bytes (1-D uint8 array) for ``text``; raises AlifeInputError on unknown symbols."""
        width = self.width
        if len(text) % width:
            raise AlifeInputError(
                f"{text!r} has {len(text)} characters, not a multiple of {width}; "
                f"{language} programs are written as {self.valid}"
            )
        out = np.empty(len(text) // width, dtype=np.uint8)
        for i in range(len(out)):
            symbol = text[i * width : (i + 1) * width]
            b = self.parse_map.get(symbol)
            if b is None:
                raise AlifeInputError(
                    f"{symbol!r} at position {i * width} of {text!r} is not a {language} "
                    f"symbol; valid symbols are {self.valid}"
                )
            out[i] = b
        return out


def hex_printable() -> Printable:
    """cubff's printable form for Forth and SUBLEQ: each byte as two hex digits, printed
    upper case and parsed in either case."""
    symbols = tuple(f"{b:02X}" for b in range(256))
    parse_map = {s: b for b, s in enumerate(symbols)}
    for s, b in list(parse_map.items()):
        for variant in (s.lower(), s[0] + s[1].lower(), s[0].lower() + s[1]):
            parse_map[variant] = b
    return Printable(symbols, parse_map, "two hex digits per byte (00-FF)")


@dataclass(frozen=True)
class Language:
    """A program language: name, interpreter builder, printable form and byte colours.

    Attributes
    ----------
    name, description:
        Registry name (as cubff's ``--lang``) and a one-line description.
    build_evaluate:
        ``build_evaluate(target) -> evaluate`` where ``evaluate(tape, max_steps, scratch)``
        runs a (128,) uint8 tape in place, using the (SCRATCH_SIZE,) int32 ``scratch``
        as work space, and returns the op count (int).
    build_traced:
        For languages with a tracer (the BFF family), ``build_traced(target) ->
        evaluate(tape, max_steps, scratch, tokens)``: the same interpreter carrying a
        (128,) uint64 origin token per byte along with copied bytes; None elsewhere.
    noop_bytes:
        (256,) bool, the bytes that do nothing when executed (None: every byte acts);
        a program without them is its code skeleton (replicator families).
    printable:
        cubff's printable form of bytes.
    byte_colors:
        (256, 3) uint8 RGB colour of each byte value, cubff's palette.
    """

    name: str
    description: str
    build_evaluate: Callable[[str], Callable] = field(repr=False)
    printable: Printable = field(repr=False)
    byte_colors: np.ndarray = field(repr=False)
    build_traced: Callable[[str], Callable] | None = field(default=None, repr=False)
    noop_bytes: np.ndarray | None = field(default=None, repr=False)

    def run(
        self, tapes: DeviceArray, *, max_steps: int = DEFAULT_MAX_STEPS, backend: str = "cpu"
    ) -> np.ndarray:
        """Run every tape of ``tapes`` in place; return the ops executed per tape.

        Parameters
        ----------
        tapes:
            C-contiguous (n, 128) uint8 array: numpy for ``backend="cpu"``, CuPy (or a
            numba device array) for ``backend="cuda"``. Modified in place.
        max_steps:
            Interpreter loop iterations allowed per tape (cubff: 8192).
        backend:
            ``"cpu"`` or ``"cuda"``.

        Returns
        -------
        (n,) int64 array (on the same device as ``tapes``): executed instructions per tape,
        not counting no-ops.
        """
        from alife.engine.backend import resolve_backend
        from alife.substrates.programs.kernels import check_tapes, kernels_for

        backend = resolve_backend(backend)
        check_tapes(tapes, backend)
        check_max_steps(max_steps)
        return kernels_for(self, backend).run_tapes(tapes, max_steps)

    def disassemble(self, program: np.ndarray) -> str:
        """cubff's printable text of a 1-D uint8 array (a program or a tape)."""
        return self.printable.disassemble(program)

    def parse(self, text: str) -> np.ndarray:
        """Bytes of cubff's printable ``text`` as a 1-D uint8 array (inverse of disassemble)."""
        return self.printable.parse(text, self.name)

    def parse_motif(self, text: str) -> np.ndarray:
        """Bytes (1-D uint8, 1 to PROGRAM_SIZE of them) of a motif, a byte pattern a
        program may contain, in cubff's printable ``text``."""
        motif = self.parse(text)
        if not 0 < motif.size <= PROGRAM_SIZE:
            raise AlifeInputError(
                f"motif {text!r} has {motif.size} bytes; a motif has 1 to {PROGRAM_SIZE}"
            )
        return motif


def gradient_byte_colors() -> np.ndarray:
    """(256, 3) uint8 cubff's palette for hex-printed languages: red rises and blue falls
    with the byte value."""
    colors = np.zeros((256, 3), dtype=np.uint8)
    colors[:, 0] = np.arange(256)
    colors[:, 2] = 255 - np.arange(256)
    return colors
