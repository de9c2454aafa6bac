"""Stop rules: ``"higher_entropy>3"`` ends a run at the first metrics record that meets it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from alife.errors import AlifeInputError

_RULE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*([<>])\s*([-+0-9.eE]+|nan|inf)\s*$")


@dataclass(frozen=True)
class StopRule:
    """``metric op threshold`` with op ``>`` or ``<``."""

    metric: str
    op: str
    threshold: float

    def met(self, row: Mapping[str, float]) -> bool:
        value = row[self.metric]
        return value > self.threshold if self.op == ">" else value < self.threshold

    def __str__(self) -> str:
        return f"{self.metric}{self.op}{self.threshold:g}"


def parse_stop_rule(text: str, metrics: Iterable[str]) -> StopRule:
    """Parse ``"name>value"`` or ``"name<value"`` naming one of ``metrics``."""
    names = sorted(metrics)
    match = _RULE.match(text)
    if not match:
        raise AlifeInputError(
            f"stop rule {text!r} is not of the form METRIC>NUMBER or METRIC<NUMBER "
            f"(e.g. 'higher_entropy>3')"
        )
    metric, op, value = match.groups()
    if metric not in names:
        raise AlifeInputError(
            f"stop rule {text!r} names unknown metric {metric!r}; valid metrics are "
            f"{', '.join(names)}"
        )
    try:
        threshold = float(value)
    except ValueError:
        raise AlifeInputError(f"stop rule {text!r} has a threshold that is not a number") from None
    return StopRule(metric, op, threshold)
