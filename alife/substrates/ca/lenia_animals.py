"""Lenia creatures: the ones shipped with alife and animals.json files of one's own.

An animal is an entry of Chakazul/Lenia's ``animals.json``: ``params`` (``R``, ``T``,
``b``, ``m``, ``s``, ``kn``, ``gn``) and ``cells``, a run-length body in Golly's
multistate letters (states 0-255, scaled to [0, 1]).
"""

from __future__ import annotations

import json
import os
from importlib import resources

import numpy as np

from alife.errors import AlifeInputError
from alife.substrates.ca import rle
from alife.substrates.ca.lenia import LeniaParams
from alife.textfiles import read_user_text


def _shipped() -> list[dict]:
    path = resources.files("alife.substrates.ca") / "lenia_patterns" / "animals.json"
    return json.loads(path.read_text())["animals"]


def animal_names() -> tuple[str, ...]:
    """Keys of the shipped animals (``orbium``, ...)."""
    return tuple(animal["key"] for animal in _shipped())


def animal_from_entry(entry: dict) -> tuple[np.ndarray, LeniaParams]:
    """((h, w) float64 cells in [0, 1], rule) of one animals.json entry."""
    if not isinstance(entry, dict) or "params" not in entry or "cells" not in entry:
        raise AlifeInputError("a Lenia animal needs 'params' and 'cells' entries")
    if not isinstance(entry["cells"], str):
        raise AlifeInputError(f"a Lenia animal's cells must be RLE text, not {entry['cells']!r}")
    return rle.decode(entry["cells"]) / 255.0, LeniaParams.from_animal(entry["params"])


def load_animal(spec: str) -> tuple[np.ndarray, LeniaParams]:
    """A shipped animal by key, or ``FILE.json`` (one entry, or a list: the first with
    cells) or ``FILE.json:NAME`` (the entry whose code or name is NAME)."""
    for animal in _shipped():
        if animal["key"] == spec:
            return animal_from_entry(animal)
    path, _, name = spec.partition(".json:")
    path = path + ".json" if name else spec
    if not os.path.isfile(path):
        raise AlifeInputError(
            f"Lenia pattern {spec!r} is neither a shipped animal ({', '.join(animal_names())}) "
            f"nor an animals.json file (FILE.json or FILE.json:NAME)"
        )
    text = read_user_text(path, "Lenia pattern file", "JSON: an animals.json entry or a list")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise AlifeInputError(f"{path!r} is not valid JSON: {error}") from None
    entries = data if isinstance(data, list) else [data]
    for entry in entries:
        if not isinstance(entry, dict) or "cells" not in entry:
            continue
        if not name or name in (entry.get("code"), entry.get("name")):
            return animal_from_entry(entry)
    wanted = f" named {name!r}" if name else ""
    raise AlifeInputError(f"{path!r} has no Lenia animal{wanted} with cells")
