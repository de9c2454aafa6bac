"""Soups of programs (Agüera y Arcas et al. 2024, "Computational Life"), cubff-exact."""

from alife.substrates.programs.language import (
    DEFAULT_MAX_STEPS,
    PROGRAM_SIZE,
    TAPE_SIZE,
    Language,
)
from alife.substrates.programs.registry import get_language, language_names

__all__ = [
    "DEFAULT_MAX_STEPS",
    "PROGRAM_SIZE",
    "TAPE_SIZE",
    "Language",
    "get_language",
    "language_names",
]
