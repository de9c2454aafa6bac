"""Golly's rule tables (``.rule`` files, ``@TABLE`` section) compiled to lookup tables.

A table lists transitions ``C,N,E,S,W,C'`` for the von Neumann neighbourhood: a cell in
state C whose north, east, south and west neighbours are N, E, S, W becomes C'. Entries
are states or variables (``var a={0,2,5}``); a variable named twice in one transition
takes the same value in both places, and C' may be a variable of the inputs. With
``symmetries:rotate4`` a transition also covers its neighbourhood rotated by 90, 180 and
270 degrees; ``rotate4reflect`` adds the mirror images, ``permute`` every ordering of
the neighbours, ``none`` nothing. Transitions are tried in order, the first match wins,
and a neighbourhood no transition covers leaves the cell as it is (Golly's default);
such cells are counted.

The compiled table is one int16 per neighbourhood, ``n_states**5`` of them, indexed by
``(((C n + N) n + E) n + S) n + W``: the next state, or -1 where no transition applies.
"""

from __future__ import annotations

import itertools
import os
import re
from dataclasses import dataclass
from importlib import resources

import numpy as np

from alife.errors import AlifeInputError
from alife.textfiles import read_user_text

SHIPPED_TABLES = {"langton": "Langtons-Loops.rule", "evoloop": "Evoloop.rule"}
_SYMMETRIES = {
    "none": [(0, 1, 2, 3)],
    "rotate4": [(0, 1, 2, 3), (3, 0, 1, 2), (2, 3, 0, 1), (1, 2, 3, 0)],
    "rotate4reflect": [
        (0, 1, 2, 3),
        (3, 0, 1, 2),
        (2, 3, 0, 1),
        (1, 2, 3, 0),
        (0, 3, 2, 1),
        (1, 0, 3, 2),
        (2, 1, 0, 3),
        (3, 2, 1, 0),
    ],
    "permute": list(itertools.permutations(range(4))),
}
_VAR = re.compile(r"^var\s+(\w+)\s*=\s*\{([^}]*)\}$")


@dataclass(frozen=True)
class RuleTable:
    """A compiled rule table.

    Attributes
    ----------
    name: the ``@RULE`` name.
    n_states: number of states (2..256).
    lut: (n_states**5,) int16 next state per neighbourhood, -1 where none is given.
    colors: (n_states, 3) uint8 RGB per state from ``@COLORS`` (state 0 black and
        unlisted states grey when the file gives none).
    """

    name: str
    n_states: int
    lut: np.ndarray
    colors: np.ndarray


def _sections(text: str) -> dict[str, list[str]]:
    """Lines (comments and blanks removed) of each ``@SECTION`` of a .rule file."""
    sections: dict[str, list[str]] = {}
    current = None
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if raw.startswith("@"):
            current = raw.split()[0][1:].upper()
            sections[current] = [raw[len(current) + 1 :].strip()]
        elif current is not None and line:
            sections[current].append(line)
    return sections


def _tokens(line: str, n_states: int) -> list[str]:
    if "," in line or " " in line:
        return [t for t in re.split(r"[,\s]+", line) if t]
    if n_states <= 10:
        return list(line)
    return [line]


def _values(token: str, variables: dict[str, list[int]], n_states: int, where: str) -> list[int]:
    if token in variables:
        return variables[token]
    if token.isdigit() and int(token) < n_states:
        return [int(token)]
    raise AlifeInputError(
        f"{where}: {token!r} is neither a state in 0..{n_states - 1} nor a defined variable"
    )


def parse_table(text: str, source: str = "rule table") -> RuleTable:
    """Compile the ``@TABLE`` section of a .rule file's ``text``; AlifeInputError names
    the line at fault."""
    sections = _sections(text)
    if "TABLE" not in sections:
        raise AlifeInputError(f"{source} has no @TABLE section")
    name = sections.get("RULE", [""])[0] or "table"
    settings = {"n_states": "", "neighborhood": "", "symmetries": "none"}
    variables: dict[str, list[int]] = {}
    transitions = []
    for line in sections["TABLE"][1:]:
        key, colon, value = line.partition(":")
        if colon and key.strip() in settings:
            settings[key.strip()] = value.strip()
            continue
        n_states = int(settings["n_states"]) if settings["n_states"].isdigit() else 0
        if not 2 <= n_states <= 256:
            raise AlifeInputError(f"{source}: n_states must be 2..256 before the transitions")
        match = _VAR.match(line)
        if match:
            values = []
            for token in match.group(2).replace(",", " ").split():
                values += _values(token, variables, n_states, f"{source}, {line!r}")
            variables[match.group(1)] = sorted(set(values))
            continue
        transitions.append(line)
    if settings["neighborhood"] != "vonNeumann":
        raise AlifeInputError(
            f"{source}: neighborhood {settings['neighborhood']!r} is not supported; "
            f"alife reads vonNeumann tables"
        )
    if settings["symmetries"] not in _SYMMETRIES:
        raise AlifeInputError(
            f"{source}: symmetries {settings['symmetries']!r} is not supported; valid: "
            f"{', '.join(_SYMMETRIES)}"
        )
    n_states = int(settings["n_states"])
    lut = np.full(n_states**5, -1, dtype=np.int16)
    for line in transitions:
        _add_transition(lut, line, n_states, variables, settings["symmetries"], source)
    return RuleTable(name, n_states, lut, _colors(sections.get("COLORS", [])[1:], n_states))


def _add_transition(lut, line, n_states, variables, symmetries, source) -> None:
    """Write the neighbourhoods ``line`` covers into ``lut`` where none is set yet."""
    where = f"{source}, transition {line!r}"
    tokens = _tokens(line, n_states)
    if len(tokens) != 6:
        raise AlifeInputError(f"{where}: needs 6 entries C,N,E,S,W,C', got {len(tokens)}")
    names = list(dict.fromkeys(t for t in tokens[:5] if t in variables))
    grids = np.meshgrid(*[np.array(variables[n]) for n in names], indexing="ij")
    bound = {n: g.ravel() for n, g in zip(names, grids, strict=True)}
    count = len(next(iter(bound.values()))) if bound else 1

    def column(token: str) -> np.ndarray:
        if token in bound:
            return bound[token]
        return np.full(count, _values(token, {}, n_states, where)[0])

    if tokens[5] in variables and tokens[5] not in bound:
        raise AlifeInputError(f"{where}: the output variable {tokens[5]!r} is not bound")
    centre, output = column(tokens[0]), column(tokens[5])
    neighbours = [column(t) for t in tokens[1:5]]
    for perm in _SYMMETRIES[symmetries]:
        index = centre.astype(np.int64)
        for k in perm:
            index = index * n_states + neighbours[k]
        free = lut[index] < 0
        lut[index[free]] = output[free]


def _colors(lines: list[str], n_states: int) -> np.ndarray:
    colors = np.full((n_states, 3), 128, dtype=np.uint8)
    colors[0] = 0
    for line in lines:
        parts = line.split()
        if len(parts) == 4 and all(p.isdigit() for p in parts) and int(parts[0]) < n_states:
            colors[int(parts[0])] = [min(int(p), 255) for p in parts[1:]]
    return colors


def load_table(spec: str) -> RuleTable:
    """A shipped table by short name (``langton``, ``evoloop``) or a .rule file."""
    if spec in SHIPPED_TABLES:
        folder = resources.files("alife.substrates.ca") / "rule_tables"
        return parse_table((folder / SHIPPED_TABLES[spec]).read_text(), SHIPPED_TABLES[spec])
    if not os.path.isfile(spec):
        raise AlifeInputError(
            f"rule {spec!r} is neither a shipped table ({', '.join(SHIPPED_TABLES)}) "
            f"nor a .rule file"
        )
    return parse_table(read_user_text(spec, "rule file", "a Golly .rule file with a @TABLE"), spec)
