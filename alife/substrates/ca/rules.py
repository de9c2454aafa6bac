"""Life-like (outer-totalistic, Moore neighbourhood) rules in Golly's notation.

``B3/S23`` is Conway's Life: a dead cell with 3 live neighbours is born, a live cell
with 2 or 3 survives. Accepted forms (case-insensitive, as Golly reads them):
``B3/S23``, ``S23/B3`` and the older ``23/3`` (survival digits, then birth digits). A
rule is kept as two 9-bit masks: bit c set when c live neighbours give birth / survival.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from alife.errors import AlifeInputError

_BS = re.compile(r"^b([0-8]*)/s([0-8]*)$")
_SB = re.compile(r"^s([0-8]*)/b([0-8]*)$")
_OLD = re.compile(r"^([0-8]*)/([0-8]*)$")


@dataclass(frozen=True)
class LifeRule:
    """Birth and survival neighbour counts as 9-bit masks (bit c: c live neighbours)."""

    birth: int
    survival: int

    def __str__(self) -> str:
        return f"B{_digits(self.birth)}/S{_digits(self.survival)}"


def _digits(mask: int) -> str:
    return "".join(str(c) for c in range(9) if mask >> c & 1)


def _mask(digits: str) -> int:
    return sum(1 << int(d) for d in set(digits))


def parse_rule(text: str) -> LifeRule:
    """The :class:`LifeRule` of a rule string; AlifeInputError names what is valid."""
    rule = text.strip().lower().replace(" ", "")
    for pattern, birth_first in ((_BS, True), (_SB, False)):
        match = pattern.match(rule)
        if match:
            born, survive = match.groups() if birth_first else match.groups()[::-1]
            return LifeRule(_mask(born), _mask(survive))
    match = _OLD.match(rule)
    if match:
        survive, born = match.groups()
        return LifeRule(_mask(born), _mask(survive))
    raise AlifeInputError(
        f"rule {text!r} is not a Life-like rule; write it as B<digits>/S<digits> with "
        f"digits 0-8 (e.g. 'B3/S23', 'B36/S23'), S<digits>/B<digits>, or <S>/<B> ('23/3')"
    )
