"""The Price equation, single- and two-level, on arrays of individuals.

For n individuals with trait ``z_i``, fitness ``w_i`` (number of offspring, >= 0) and
offspring trait ``z'_i`` (the mean trait of i's offspring; ignored where ``w_i = 0``),
with every moment taken over individuals with equal weight (population covariance, not
the sample one):

    w̄ Δz̄ = Cov(w, z) + E(w Δz),      Δz_i = z'_i - z_i,
    Δz̄ = Σ w_i z'_i / Σ w_i - z̄      (the offspring generation's mean minus the parents').

:func:`price_equation` returns the terms divided by w̄, so that ``selection +
transmission == total == Δz̄``. With integer group labels, :func:`multilevel_price`
splits selection by the law of total covariance, groups weighted by their size:

    Cov(w, z) = Cov_k(W_k, Z_k) + E_k[Cov_{i∈k}(w, z)]

(``between`` and ``within``; W_k, Z_k are group means). Each function also measures Δz̄
directly and refuses input on which the terms do not add up to it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import ArrayLike

from alife.errors import AlifeInputError


@dataclass(frozen=True)
class PriceTerms:
    """Δz̄ and its parts (trait units per generation)."""

    selection: float
    transmission: float
    total: float

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True)
class MultilevelPriceTerms:
    """Δz̄ split into between-group selection, within-group selection and transmission."""

    between: float
    within: float
    transmission: float
    total: float

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


def _checked(z, w, z_offspring) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """float64 copies of the inputs, with z' set to z where w = 0 (those terms vanish)."""
    z, w, zo = (np.asarray(x, dtype=np.float64) for x in (z, w, z_offspring))
    if z.ndim != 1 or z.shape != w.shape or z.shape != zo.shape or z.size == 0:
        raise AlifeInputError(
            f"z, w and z_offspring must be 1-D arrays of one non-zero length, got shapes "
            f"{z.shape}, {w.shape} and {zo.shape}"
        )
    if not (np.isfinite(z).all() and np.isfinite(w).all()):
        raise AlifeInputError("z and w must be finite numbers")
    if (w < 0).any():
        raise AlifeInputError(
            f"fitness w must be >= 0, got {w[w < 0][0]} at index {np.argmax(w < 0)}"
        )
    if w.sum() <= 0:
        raise AlifeInputError("fitness w is 0 for every individual: there is no next generation")
    breeding = w > 0
    if not np.isfinite(zo[breeding]).all():
        bad = int(np.flatnonzero(breeding & ~np.isfinite(zo))[0])
        raise AlifeInputError(
            f"z_offspring must be finite where w > 0; it is {zo[bad]} at index {bad}"
        )
    zo = np.where(breeding, zo, z)
    return z, w, zo


def _direct_change(z, w, zo) -> float:
    return float((w * zo).sum() / w.sum() - z.mean())


def _covariance(a: np.ndarray, b: np.ndarray) -> float:
    return float((a * b).mean() - a.mean() * b.mean())


def _verify(parts: float, total: float) -> None:
    if not np.isclose(parts, total, rtol=1e-9, atol=1e-12 * max(1.0, abs(total))):
        raise ArithmeticError(f"Price terms sum to {parts}, but the measured change is {total}")


def price_equation(z: ArrayLike, w: ArrayLike, z_offspring: ArrayLike) -> PriceTerms:
    """Selection ``Cov(w, z) / w̄``, transmission ``E(w Δz) / w̄`` and ``total = Δz̄`` of
    (n,) arrays ``z``, ``w`` and ``z_offspring`` (see the module docstring)."""
    z, w, zo = _checked(z, w, z_offspring)
    mean_w = float(w.mean())
    selection = _covariance(w, z) / mean_w
    transmission = float((w * (zo - z)).mean() / mean_w)
    total = _direct_change(z, w, zo)
    _verify(selection + transmission, total)
    return PriceTerms(selection, transmission, total)


def multilevel_price(
    z: ArrayLike, w: ArrayLike, z_offspring: ArrayLike, groups: ArrayLike
) -> MultilevelPriceTerms:
    """Between-group selection ``Cov_k(W_k, Z_k) / w̄``, within-group selection
    ``E_k[Cov_{i∈k}(w, z)] / w̄``, transmission and ``total = Δz̄``; ``groups`` is an (n,)
    array of integer labels, groups weighted by their sizes."""
    z, w, zo = _checked(z, w, z_offspring)
    labels = np.asarray(groups)
    if labels.shape != z.shape or not np.issubdtype(labels.dtype, np.integer):
        raise AlifeInputError(
            f"groups must be an integer label per individual, shape {z.shape}; got shape "
            f"{labels.shape} and dtype {labels.dtype}"
        )
    _, index, sizes = np.unique(labels, return_inverse=True, return_counts=True)
    share = sizes / z.size
    group_w = np.bincount(index, weights=w) / sizes
    group_z = np.bincount(index, weights=z) / sizes
    group_wz = np.bincount(index, weights=w * z) / sizes
    mean_w = float(w.mean())
    between = float((share * group_w * group_z).sum() - mean_w * z.mean()) / mean_w
    within = float((share * (group_wz - group_w * group_z)).sum()) / mean_w
    transmission = float((w * (zo - z)).mean() / mean_w)
    total = _direct_change(z, w, zo)
    _verify(between + within + transmission, total)
    return MultilevelPriceTerms(between, within, transmission, total)
