"""The multilevel Price equation in GARD populations: molecules are the individuals,
assemblies the groups (Markovitch, Witkowski & Virgo, "Chemical heredity as group
selection at the molecular level").

Over one stretch of a population (from ``before`` to ``after``), every molecule of the
assembly at place k at the start belongs to group k. Its offspring are the molecules
of all assemblies descended from k at the end (``origin == k``), shared equally among
k's molecules: fitness ``W_k`` = descendant molecules / molecules of k, offspring trait
``Z'_k`` = the mean trait of the descendants. A molecule's trait is that of its species,
``z_i``. Then (:func:`alife.analysis.price.multilevel_price`)

    Δz̄ = Cov_k(W_k, Z_k) / w̄  +  E_k[W_k (Z'_k - Z_k)] / w̄

``between``: assemblies richer in the trait leave more descendants (selection among
groups); ``transmission``: the trait's share changes inside lineages, by catalysed growth
and by sampling at fission (the within-assembly process, which favours molecules that
are catalysed more than they catalyse). ``within`` (selection among the molecules of an
assembly) is 0 in this accounting, all of it being in ``transmission``. The terms add up
to the measured change of the mean trait over all molecules.
"""

from __future__ import annotations

import numpy as np

from alife.analysis.price import MultilevelPriceTerms, multilevel_price


def population_price(
    before: np.ndarray, after: np.ndarray, origin: np.ndarray, trait: np.ndarray
) -> MultilevelPriceTerms:
    """Price terms of one population: ``before``/``after`` (P, N_G) counts, ``origin``
    (P,) the starting place each final assembly descends from, ``trait`` (N_G,) z per
    species."""
    before, after = np.asarray(before, dtype=np.int64), np.asarray(after, dtype=np.int64)
    places = before.shape[0]
    descendants = np.zeros_like(before)
    np.add.at(descendants, np.asarray(origin), after)  # (P, N_G) molecules per group
    sizes = before.sum(axis=1)
    group_w = descendants.sum(axis=1) / sizes
    offspring_z = np.divide(
        descendants @ trait,
        descendants.sum(axis=1),
        out=np.zeros(places),
        where=descendants.sum(axis=1) > 0,
    )
    species = before.shape[1]
    flat = before.ravel()  # one individual per molecule: (place, species) repeated
    groups = np.repeat(np.repeat(np.arange(places), species), flat)
    z = np.repeat(np.tile(np.asarray(trait, dtype=np.float64), places), flat)
    return multilevel_price(z, group_w[groups], offspring_z[groups], groups)
