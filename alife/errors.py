"""The one exception type for bad user input.

Every check of user input (configs, options, files) raises :class:`AlifeInputError` with one
sentence that names the bad value and what would be valid. It subclasses ``ValueError`` so a
notebook user can catch it as such; the CLI prints it on stderr and exits with code 2.
"""

import argparse
import math
import numbers
import os
from collections.abc import Callable

import numpy as np


class AlifeInputError(ValueError):
    """Bad input from the user: one sentence naming the bad value and what is valid."""


def run_script(
    parser: argparse.ArgumentParser, study: Callable[[argparse.Namespace], None]
) -> None:
    """Parse a script's arguments with ``parser`` and call ``study`` with them; bad input
    (an AlifeInputError, or an OSError from a file) ends the script as the CLI does: one
    'Error:' line on stderr, exit code 2, no traceback."""
    args = parser.parse_args()
    try:
        study(args)
    except (AlifeInputError, OSError) as error:
        parser.exit(2, f"Error: {error}\n")


def _integer(value: object) -> bool:
    """True for Python and numpy integers, False for bools and everything else."""
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


INT64_LIMIT = 2**63
"""Counts and integer options stay below this (and above its negative): the integers
numpy's int64 and a run file's attributes hold."""


def check_count(name: str, value: object, low: int = 1) -> None:
    """AlifeInputError unless ``value`` is an integer (not a bool) >= ``low`` and below
    2**63, so that numpy and a run file can hold it."""
    if not _integer(value) or value < low:
        raise AlifeInputError(f"{name} must be an integer >= {low}, got {value!r}")
    if value >= INT64_LIMIT:
        raise AlifeInputError(f"{name} must be below 2**63, got {value!r}")


def check_seed(name: str, value: object) -> None:
    """AlifeInputError unless ``value`` is a seed in [0, 2**64)."""
    if not _integer(value) or not 0 <= value < 2**64:
        raise AlifeInputError(f"{name} must be an integer in [0, 2**64), got {value!r}")


def check_finite(names: str, *values: float) -> None:
    """AlifeInputError unless every one of ``values`` is a finite number; ``names`` are
    their names, comma-separated in the same order (e.g. ``"kf, kb"``)."""
    for name, value in zip(names.split(", "), values, strict=True):
        if not math.isfinite(value):
            raise AlifeInputError(f"{name} must be a finite number, got {value!r}")


def check_share(name: str, value: float) -> None:
    """AlifeInputError unless ``value`` is a number in [0, 1]."""
    if not 0.0 <= value <= 1.0:
        raise AlifeInputError(f"{name} must be in [0, 1], got {value}")


def physical_memory() -> int | None:
    """Bytes of this machine's physical memory, or None where the system does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, OSError, ValueError):  # no sysconf (Windows) or no such name
        return None


def check_fits_memory(what: str, nbytes: int) -> None:
    """AlifeInputError when ``nbytes`` (bytes) exceed this machine's physical memory:
    a size that cannot fit is refused before anything is allocated, rather than after
    minutes of swapping or by the kernel's out-of-memory killer."""
    total = physical_memory()
    if total is not None and nbytes > total:
        raise AlifeInputError(
            f"{what} would take {nbytes:.3g} bytes, more than this machine's "
            f"{total / 2**30:.0f} GiB of memory; choose smaller sizes"
        )
