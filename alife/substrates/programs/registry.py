"""The registry of program languages: name -> (module, attribute), imported on first use.

Adding a language means adding one module that defines a
:class:`~alife.substrates.programs.language.Language` and one entry here.
"""

from __future__ import annotations

import importlib

from alife.errors import AlifeInputError
from alife.substrates.programs.language import Language

_ENTRIES: dict[str, tuple[str, str]] = {
    "bff": ("alife.substrates.programs.bff", "BFF"),
    "bff_noheads": ("alife.substrates.programs.bff", "BFF_NOHEADS"),
    "bff8": ("alife.substrates.programs.bff", "BFF8"),
    "bff8_noheads": ("alife.substrates.programs.bff", "BFF8_NOHEADS"),
    "bff_noheads_4bit": ("alife.substrates.programs.bff", "BFF_NOHEADS_4BIT"),
    "bff_perm": ("alife.substrates.programs.bff", "BFF_PERM"),
    "bff_selfmove": ("alife.substrates.programs.bff", "BFF_SELFMOVE"),
    "forth": ("alife.substrates.programs.forth", "FORTH"),
    "forthcopy": ("alife.substrates.programs.forth", "FORTHCOPY"),
    "forthtrivial": ("alife.substrates.programs.forth", "FORTHTRIVIAL"),
    "forthtrivial_reset": ("alife.substrates.programs.forth", "FORTHTRIVIAL_RESET"),
    "subleq": ("alife.substrates.programs.subleq", "SUBLEQ"),
    "rsubleq4": ("alife.substrates.programs.subleq", "RSUBLEQ4"),
}


def language_names() -> tuple[str, ...]:
    """Registered language names, sorted."""
    return tuple(sorted(_ENTRIES))


def get_language(name: str) -> Language:
    """The language registered as ``name``; raises AlifeInputError listing valid names."""
    entry = _ENTRIES.get(name)
    if entry is None:
        raise AlifeInputError(
            f"unknown language {name!r}; valid languages are {', '.join(language_names())}"
        )
    module, attribute = entry
    return getattr(importlib.import_module(module), attribute)
