"""The GARD model's parameters, catalysis matrix and random numbers.

An assembly holds counts ``n_i`` of ``N_G`` molecule species, ``N = sum n_i``. Species
``i`` joins at rate ``k_f rho_i N b_i`` and leaves at ``k_b n_i b_i``, with the
catalytic boost ``b_i = 1 + (1/N) sum_j beta_ij n_j`` (Segrè, Ben-Eli & Lancet 2000;
Markovitch & Lancet 2012; defaults of the reference MATLAB code,
ModelingOriginsofLife/GARD: N_G = 100, N_max = 100, k_f = 1e-2, k_b = 1e-4,
rho_i = 1/N_G, beta lognormal with mu = -4, sigma = 4). An assembly starts with
``N_max // 2`` molecules of uniformly drawn species, grows one event at a time
(Gillespie) until ``N = N_max``, and splits: ``N_max // 2`` molecules drawn without
replacement form the daughter the lineage follows.

Random numbers are counter-based: draw ``t`` of stream ``key`` is
``SplitMix64(key + t)``, its top 53 bits a uniform double in [0, 1). Assembly ``a`` of a
run with ``seed`` uses ``key = derive(seed, a + 1)``; the catalysis matrix uses stream
``derive(beta_seed, 0)`` (Box-Muller normals, two uniforms each).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from alife.engine.rng import derive_array, splitmix64
from alife.errors import AlifeInputError, check_count, check_finite, check_seed

_TOP53 = np.uint64(11)


def uniforms(keys: int | np.ndarray, start: int, count: int) -> np.ndarray:
    """(*keys.shape, count) float64 uniforms in [0, 1): draws ``start`` .. ``start +
    count - 1`` of each stream in ``keys`` (a uint64 key or array of keys)."""
    index = np.arange(start, start + count, dtype=np.uint64)
    return (splitmix64(np.asarray(keys, np.uint64)[..., None] + index) >> _TOP53) * 2.0**-53


def catalysis_matrix(species: int, mu: float, sigma: float, seed: int | np.ndarray) -> np.ndarray:
    """(*seed.shape, species, species) float64 beta of each seed (an int below 2**64 or a
    uint64 array): ``beta[i, j]`` is how much species j catalyses the joining and leaving
    of species i, ``exp(mu + sigma z)`` with z standard normal (Box-Muller from stream
    ``derive(seed, 0)``)."""
    u = uniforms(derive_array(seed, 0), 0, 2 * species * species)
    radius = np.sqrt(-2.0 * np.log1p(-u[..., 0::2]))
    z = radius * np.cos(2.0 * np.pi * u[..., 1::2])
    return np.exp(mu + sigma * z).reshape(*np.shape(seed), species, species)


def mutual_catalysis(beta: np.ndarray) -> float:
    """P_mc = sum_ij beta_ij / (N_G sum_i beta_ii): high when species catalyse each
    other more than themselves."""
    return float(beta.sum() / (beta.shape[0] * np.trace(beta)))


def species_counts(draws: np.ndarray, species: int) -> np.ndarray:
    """(*draws.shape[:-1], species) int32: how many of the molecules along the last axis
    of ``draws`` (float64 uniforms in [0, 1), a molecule each) are of each species, the
    molecule of draw u being species ``min(floor(u * species), species - 1)``."""
    picks = np.minimum((draws * species).astype(np.int64), species - 1).reshape(-1, draws.shape[-1])
    picks += species * np.arange(len(picks))[:, None]
    counts = np.bincount(picks.ravel(), minlength=len(picks) * species)
    return counts.reshape(*draws.shape[:-1], species).astype(np.int32)


@dataclass(frozen=True)
class GardConfig:
    """Parameters of a GARD run: ``replicas`` independent assemblies (lineages).

    Attributes
    ----------
    species: N_G, molecule species (>= 2).
    nmax: N_max, the size at which an assembly splits (>= 2); it restarts from
        N_max // 2 molecules.
    kf, kb: joining and leaving rate constants (> 0).
    mu, sigma: the lognormal catalysis matrix (sigma >= 0).
    seed: seed of the assemblies' random streams, in [0, 2**64).
    beta_seed: seed of the catalysis matrix (None: the same as ``seed``).
    replicas: independent assemblies simulated together.
    distinct_betas: give replica a its own catalysis matrix, seeded ``beta_seed + a``
        (a sweep over chemistries in one call); else all share the one of ``beta_seed``.
    bias: selection toward ``target`` (Markovitch & Lancet 2012; the reference code
        uses 1.1): after each split, catalysis among the species present is multiplied
        by ``bias * H(assembly, target)``. 0 (the default) is plain GARD.
    target: the composition selected toward, N_G non-negative numbers (proportions
        or counts); needed when ``bias`` > 0.
    """

    species: int = 100
    nmax: int = 100
    kf: float = 1e-2
    kb: float = 1e-4
    mu: float = -4.0
    sigma: float = 4.0
    seed: int = 0
    beta_seed: int | None = None
    replicas: int = 1
    distinct_betas: bool = False
    bias: float = 0.0
    target: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        if self.target is not None:
            object.__setattr__(self, "target", tuple(float(x) for x in self.target))
        if self.beta_seed is None:
            object.__setattr__(self, "beta_seed", self.seed)
        for name, low in (("species", 2), ("nmax", 2), ("replicas", 1)):
            check_count(name, getattr(self, name), low)
        if self.nmax > 2**15:
            raise AlifeInputError(f"nmax must be at most 32768, got {self.nmax}")
        check_finite("kf, kb, mu, sigma, bias", self.kf, self.kb, self.mu, self.sigma, self.bias)
        for name in ("kf", "kb"):
            if not getattr(self, name) > 0:
                raise AlifeInputError(f"{name} must be > 0, got {getattr(self, name)!r}")
        if not self.sigma >= 0:
            raise AlifeInputError(f"sigma must be >= 0, got {self.sigma!r}")
        for name in ("seed", "beta_seed"):
            check_seed(name, getattr(self, name))
        if not self.bias >= 0:
            raise AlifeInputError(f"bias must be >= 0, got {self.bias!r}")
        if self.bias > 0 and self.target is None:
            raise AlifeInputError("selection (bias > 0) needs a target composition")
        if self.target is not None and (
            len(self.target) != self.species or min(self.target) < 0 or max(self.target) <= 0
        ):
            raise AlifeInputError(
                f"the selection target must be {self.species} non-negative numbers, not all "
                f"zero (one per species); got {len(self.target)} numbers"
            )

    def kf_rho(self) -> np.ndarray:
        """(N_G,) float64 ``k_f rho_i`` with the uniform environment rho_i = 1/N_G."""
        return self.kf * np.full(self.species, 1.0 / self.species)

    def target_vector(self) -> np.ndarray:
        """(N_G,) float64 target composition (zeros when there is none)."""
        if self.target is None:
            return np.zeros(self.species)
        return np.asarray(self.target, dtype=np.float64)

    @property
    def nmin(self) -> int:
        """Molecules an assembly starts a generation with."""
        return self.nmax // 2

    def betas(self) -> np.ndarray:
        """(M, N_G, N_G) catalysis matrices: one per replica with ``distinct_betas``,
        else one."""
        count = self.replicas if self.distinct_betas else 1
        seeds = np.arange(count, dtype=np.uint64) + np.uint64(self.beta_seed)  # wraps at 2**64
        return catalysis_matrix(self.species, self.mu, self.sigma, seeds)

    def beta_index(self) -> np.ndarray:
        """(replicas,) int64: which of :meth:`betas` each replica uses."""
        if self.distinct_betas:
            return np.arange(self.replicas, dtype=np.int64)
        return np.zeros(self.replicas, dtype=np.int64)

    def keys(self) -> np.ndarray:
        """(replicas,) uint64 stream keys of the assemblies."""
        return derive_array(self.seed, np.arange(1, self.replicas + 1, dtype=np.uint64))

    def to_dict(self) -> dict:
        return asdict(self)


def chemistry_arguments(config: GardConfig, betas: np.ndarray, backend: str) -> tuple:
    """The arguments the GARD kernels take after the counts, up to the streams, on
    ``backend``: betas (M, N_G, N_G), beta_index (B,), kf_rho (N_G,), k_b, N_max, the
    target (N_G,) and the bias (see :func:`alife.substrates.gard.kernels.kernels`)."""
    from alife.engine.backend import to_backend

    return (
        to_backend(betas, backend),
        to_backend(config.beta_index(), backend),
        to_backend(config.kf_rho(), backend),
        np.float64(config.kb),
        np.int64(config.nmax),
        to_backend(config.target_vector(), backend),
        np.float64(config.bias),
    )
