"""The Price equation applied to a traced soup over one epoch.

Individuals are the programs before the epoch; the trait ``z`` of a program is whether
it contains a motif (a byte pattern, 1.0 or 0.0). Offspring are followed through tracer
tokens: each byte after the epoch whose token some bytes before it held is credited in
equal shares to those holders (a token held by m bytes gives each 1/m). Then

* fitness ``w_i`` = the credit program i's bytes receive, divided by 64: how many
  programs' worth of its bytes exist after the epoch (mutated bytes credit nobody);
* offspring trait ``z'_i`` = the credit-weighted mean trait of the programs after the
  epoch that hold those bytes,

and :func:`alife.analysis.price.price_equation` splits the change of the motif's
frequency into selection (programs with the motif leave more copies of their bytes)
and transmission (copies gain or lose the motif). On a grid, programs can be grouped by
blocks of the grid for :func:`alife.analysis.price.multilevel_price`.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from alife.analysis.price import MultilevelPriceTerms, PriceTerms, multilevel_price, price_equation
from alife.errors import AlifeInputError
from alife.substrates.programs.language import PROGRAM_SIZE


def motif_trait(soup: np.ndarray, motif: np.ndarray) -> np.ndarray:
    """(n,) float64: 1.0 where the (n, 64) uint8 program contains the 1-D uint8 ``motif``
    as consecutive bytes, else 0.0."""
    motif = np.asarray(motif, dtype=np.uint8)
    if not 0 < motif.size <= PROGRAM_SIZE:
        raise AlifeInputError(f"a motif has 1 to {PROGRAM_SIZE} bytes, got {motif.size}")
    windows = sliding_window_view(soup, motif.size, axis=1)
    return (windows == motif).all(axis=2).any(axis=1).astype(np.float64)


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


def soup_price(
    parent_soup: np.ndarray,
    parent_tokens: np.ndarray,
    child_soup: np.ndarray,
    child_tokens: np.ndarray,
    motif: np.ndarray,
    groups: np.ndarray | None = None,
) -> PriceTerms | MultilevelPriceTerms:
    """Price terms of the motif's frequency over one epoch of a traced soup: the soup
    and tokens ((n, 64) uint8 and uint64) before and after it. With ``groups`` ((n,) int
    labels of the programs before the epoch) the two-level terms."""
    z = motif_trait(parent_soup, motif)
    w, z_offspring = token_offspring(parent_tokens, child_tokens, motif_trait(child_soup, motif))
    if not (w > 0).any():
        raise AlifeInputError("no byte after the epoch descends from one before it")
    z_offspring = np.where(w > 0, z_offspring, z)
    if groups is None:
        return price_equation(z, w, z_offspring)
    return multilevel_price(z, w, z_offspring, groups)


def grid_blocks(width: int, height: int, block: int) -> np.ndarray:
    """(width * height,) int64 labels of ``block`` x ``block`` squares of a grid soup
    (program r * width + c is in square (r // block, c // block))."""
    rows, cols = np.divmod(np.arange(width * height), width)
    return (rows // block) * (-(-width // block)) + cols // block
