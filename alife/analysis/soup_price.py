"""The Price equation applied to a soup over one epoch.

Individuals are the programs before the epoch; a trait is a number per program, here
whether it contains a motif (a byte pattern) or is a self-replicator (1.0 or 0.0).
Offspring are found in one of two ways:

* by tracer tokens (:func:`token_offspring`, traced soups): each byte after the epoch
  whose token some bytes before it held is credited in equal shares to those holders (a
  token held by m bytes gives each 1/m); fitness ``w_i`` is the credit program i's bytes
  receive divided by 64 (how many programs' worth of its bytes exist after the epoch;
  mutated bytes credit nobody), and the offspring trait ``z'_i`` the credit-weighted
  mean trait of the programs after the epoch holding those bytes;
* by exact copies (:func:`copy_offspring`, any soup): a program after the epoch equal
  byte for byte to programs before it is credited to them in equal shares; programs
  with no exact parent are nobody's offspring.

:func:`alife.analysis.price.price_equation` then splits the change of the trait's mean
into selection (programs with the trait leave more copies) and transmission (copies
gain or lose it). On a grid, programs can be grouped by blocks of the grid for
:func:`alife.analysis.price.multilevel_price`.
"""

from __future__ import annotations

import numba
import numpy as np

from alife.analysis.price import MultilevelPriceTerms, PriceTerms, multilevel_price, price_equation
from alife.errors import AlifeInputError
from alife.substrates.programs.language import PROGRAM_SIZE


def motif_trait(soup: np.ndarray, motif: np.ndarray) -> np.ndarray:
    """(n,) float64: 1.0 where the (n, 64) uint8 program contains the 1-D uint8 ``motif``
    as consecutive bytes, else 0.0."""
    motif = np.asarray(motif, dtype=np.uint8)
    if not 0 < motif.size <= PROGRAM_SIZE:
        raise AlifeInputError(f"a motif has 1 to {PROGRAM_SIZE} bytes, got {motif.size}")
    found = np.zeros(len(soup), dtype=np.bool_)
    _find_motif(np.asarray(soup, dtype=np.uint8), motif, found)
    return found.astype(np.float64)


@numba.njit(parallel=True, cache=True)
def _find_motif(soup: np.ndarray, motif: np.ndarray, found: np.ndarray) -> None:
    """Set ``found[i]`` where row i of the (n, width) uint8 ``soup`` holds the 1-D uint8
    ``motif`` as consecutive bytes (rows in parallel, each stopping at its first match)."""
    width, size = soup.shape[1], motif.shape[0]
    for i in numba.prange(soup.shape[0]):
        for start in range(width - size + 1):
            matched = 0
            while matched < size and soup[i, start + matched] == motif[matched]:
                matched += 1
            if matched == size:
                found[i] = True
                break


def token_offspring(
    parent_tokens: np.ndarray, child_tokens: np.ndarray, child_trait: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Fitness ``w`` and offspring trait ``z'`` ((n,) float64 each) of the programs whose
    (n, 64) uint64 tokens were ``parent_tokens``, given the tokens after the epoch
    ``child_tokens`` ((m, 64)) and the trait of each program after it ((m,)).
    ``z'`` is NaN where ``w`` is 0."""
    parents = parent_tokens.reshape(-1)
    children = child_tokens.reshape(-1)
    child_z = np.repeat(np.asarray(child_trait, dtype=np.float64), PROGRAM_SIZE)
    kinds, held = np.unique(parents, return_counts=True)
    slot = np.searchsorted(kinds, children)
    slot[slot == kinds.size] = 0
    inherited = kinds[slot] == children  # the child byte's token existed before
    copies = np.bincount(slot[inherited], minlength=kinds.size).astype(np.float64)
    trait_sum = np.bincount(slot[inherited], weights=child_z[inherited], minlength=kinds.size)
    per_byte = np.searchsorted(kinds, parents)
    credit = (copies / held)[per_byte].reshape(parent_tokens.shape).sum(axis=1)
    trait_credit = (trait_sum / held)[per_byte].reshape(parent_tokens.shape).sum(axis=1)
    w = credit / PROGRAM_SIZE
    with np.errstate(invalid="ignore", divide="ignore"):
        z_offspring = np.where(credit > 0, trait_credit / credit, np.nan)
    return w, z_offspring


def copy_offspring(
    parent_soup: np.ndarray, child_soup: np.ndarray, child_trait: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Fitness and offspring trait ((n,) float64 each; NaN trait where the fitness is 0)
    of the (n, 64) uint8 programs before an epoch from their exact copies among the
    (m, 64) programs after it, whose traits are ``child_trait`` ((m,))."""
    both = np.concatenate([parent_soup, child_soup])
    _, kind = np.unique(both, axis=0, return_inverse=True)
    kind = kind.reshape(-1)
    n = len(parent_soup)
    parents_of = np.bincount(kind[:n], minlength=kind.max() + 1).astype(np.float64)
    copies = np.bincount(kind[n:], minlength=kind.max() + 1).astype(np.float64)
    trait_sum = np.bincount(
        kind[n:], weights=np.asarray(child_trait, np.float64), minlength=kind.max() + 1
    )
    mine = kind[:n]
    w = copies[mine] / parents_of[mine]
    with np.errstate(invalid="ignore", divide="ignore"):
        z_offspring = np.where(copies[mine] > 0, trait_sum[mine] / copies[mine], np.nan)
    return w, z_offspring


def soup_price(
    z: np.ndarray,
    child_trait: np.ndarray,
    *,
    parent_soup: np.ndarray | None = None,
    child_soup: np.ndarray | None = None,
    parent_tokens: np.ndarray | None = None,
    child_tokens: np.ndarray | None = None,
    groups: np.ndarray | None = None,
) -> PriceTerms | MultilevelPriceTerms:
    """Price terms of a trait over one epoch: ``z`` ((n,)) of the programs before it,
    ``child_trait`` ((m,)) of those after. Offspring by tokens when both token arrays
    are given ((n, 64) and (m, 64) uint64), else by exact copies between the soups
    ((n, 64) and (m, 64) uint8). With ``groups`` ((n,) int labels of the programs
    before the epoch) the two-level terms."""
    if parent_tokens is not None and child_tokens is not None:
        w, z_offspring = token_offspring(parent_tokens, child_tokens, child_trait)
    elif parent_soup is not None and child_soup is not None:
        w, z_offspring = copy_offspring(parent_soup, child_soup, child_trait)
    else:
        raise AlifeInputError("soup_price needs the tokens or the soups before and after")
    if not (w > 0).any():
        raise AlifeInputError("no program after the epoch descends from one before it")
    z_offspring = np.where(w > 0, z_offspring, z)
    if groups is None:
        return price_equation(z, w, z_offspring)
    return multilevel_price(z, w, z_offspring, groups)


def grid_blocks(width: int, height: int, block: int) -> np.ndarray:
    """(width * height,) int64 labels of ``block`` x ``block`` squares of a grid soup
    (program r * width + c is in square (r // block, c // block))."""
    rows, cols = np.divmod(np.arange(width * height), width)
    return (rows // block) * (-(-width // block)) + cols // block
