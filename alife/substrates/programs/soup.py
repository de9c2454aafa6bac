"""A primordial soup of programs, epoch by epoch, exactly as cubff runs it.

State: ``soup``, an (n, 64) uint8 array of programs (numpy on the CPU, CuPy on CUDA),
five counters (completed epochs, total ops, ops and interactions of the last epoch, the
next reset's seed index) and, for spatial soups, the interaction graph.

One epoch (:meth:`Soup.step`): cubff's permutation pairs the programs (or, on a grid or
graph, cubff's greedy matching over allowed partners); each pair is concatenated into a
128-byte tape, every byte of the tape is replaced by a random byte with probability
``mutation`` (cubff: ``round(p * 2**30)`` out of 2**30), the tape is run for at most
``max_steps`` iterations, and split back. Every random number is cubff's SplitMix64 of
a counter, so the same seed gives the same soup as cubff on any backend.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, ClassVar

import numba
import numpy as np

from alife.analysis.soup_price import grid_blocks, motif_trait, soup_price
from alife.engine.backend import DeviceArray, array_module, resolve_backend, to_backend, to_host
from alife.engine.rng import derive_host, rng_functions, splitmix64_host
from alife.engine.run import simulation_repr
from alife.errors import AlifeInputError, check_count, check_seed
from alife.substrates.programs.census import census_scores, replicator_census
from alife.substrates.programs.interactions import (
    InteractionGraph,
    greedy_matching,
    grid_graph,
    read_interactions,
)
from alife.substrates.programs.kernels import kernels_for
from alife.substrates.programs.language import DEFAULT_MAX_STEPS, PROGRAM_SIZE, check_max_steps
from alife.substrates.programs.pairing import pairing
from alife.substrates.programs.registry import get_language
from alife.substrates.programs.selfrep import REPLICATOR_THRESHOLD
from alife.substrates.programs.soup_metrics import byte_histogram, soup_metrics
from alife.substrates.programs.tracer import (
    MAX_TRACED_EPOCH,
    MAX_TRACED_PROGRAMS,
    TRACE_METRICS,
    fresh_tokens,
    trace_metrics,
)

if TYPE_CHECKING:
    from alife.substrates.programs.cubff_io import CubffCheckpoint

DEFAULT_MUTATION = 1 / 4096
PRICE_BLOCK = 8
"""Side (programs) of the grid squares that group a grid soup's programs for the
two-level Price terms."""
GRID_PRICE_METRICS = {"price_between": "f8", "price_within": "f8"}
PRICE_METRICS = {
    "price_selection": "f8",
    "price_transmission": "f8",
    "price_change": "f8",
    **GRID_PRICE_METRICS,
}
"""Census metrics of a Price trait (a motif, or being a replicator): selection,
transmission and their sum (the change of the trait's share over the epoch before the
census) and, on a grid, selection between and within 8x8 squares."""
_mix = rng_functions("cpu").splitmix64


@dataclass(frozen=True)
class SoupConfig:
    """Parameters of a program soup (cubff's flags in brackets).

    Attributes
    ----------
    language: registered language name (``--lang``).
    programs: number of 64-byte programs, even and > 0 (``--num``).
    seed: run seed, an integer in [0, 2**64) (``--seed``).
    mutation: per-byte replacement probability per interaction, in [0, 1]
        (``--mutation_prob``; default 1/4096).
    max_steps: interpreter iterations per interaction (cubff: 8192).
    zero_init: start (and reset) with all-zero programs instead of random bytes
        (``--zero_init``).
    initial_program: a program in the language's printable form, written over the start
        of the initial soup (``--initial_program``); longer than 64 bytes spills into the
        next programs.
    reset_interval: re-draw the whole soup after epochs 0, R, 2R, ... (counted from 0;
        ``--reset_interval``), each time from the next seed index.
    permute: pair programs by cubff's random permutation (default); False pairs them by
        cubff's fixed alternating pattern (``--nopermute_programs``).
    fixed_shuffle: pair by cubff's deterministic multiplicative pattern instead
        (``--fixed_shuffle``; programs must be a power of two).
    grid: (width, height) of a 2-D spatial soup of width * height programs, program
        ``r * width + c`` at row r, column c, meeting only neighbours within Chebyshev
        distance 2 (cubff's ``--interaction_pattern`` of ``make_2d_pattern.py``).
    interactions: path of a text file of allowed interactions, ``a b`` per line
        (cubff's ``--interaction_pattern``). With a grid or interactions, programs are
        paired by cubff's greedy matching and unmatched ones do not run.
    trace: carry an origin token with every byte (:mod:`~alife.substrates.programs.
        tracer`; BFF family only). The soup itself is the same as without tracing.
    price_motif: a byte pattern in the language's printable form: each census also
        records the Price terms of the share of programs containing it over the epoch
        before the census (:mod:`alife.analysis.soup_price`; offspring by tracer tokens
        when ``trace``, else by exact copies).
    price_replicators: the same for the share of self-replicators (score >= 5; this
        scores the soup before the epoch too, doubling the census's cost).
    """

    language: str = "bff_noheads"
    programs: int = 131072
    seed: int = 0
    mutation: float = DEFAULT_MUTATION
    max_steps: int = DEFAULT_MAX_STEPS
    zero_init: bool = False
    initial_program: str | None = None
    reset_interval: int | None = None
    permute: bool = True
    fixed_shuffle: bool = False
    grid: tuple[int, int] | None = None
    interactions: str | None = None
    trace: bool = False
    price_motif: str | None = None
    price_replicators: bool = False

    def __post_init__(self) -> None:
        get_language(self.language)  # raises for unknown names, listing valid ones
        if self.grid is not None:  # run files give the grid back as a list
            object.__setattr__(self, "grid", tuple(self.grid))
        if isinstance(self.programs, bool) or not isinstance(self.programs, int):
            raise AlifeInputError(f"programs must be an integer, got {self.programs!r}")
        if self.programs <= 0 or self.programs % 2:
            raise AlifeInputError(
                f"programs must be a positive even number (programs meet in pairs), "
                f"got {self.programs}"
            )
        if self.programs >= 2**32:
            raise AlifeInputError(f"programs must be below 2**32, got {self.programs}")
        check_seed("seed", self.seed)
        if not (isinstance(self.mutation, int | float) and 0.0 <= self.mutation <= 1.0):
            raise AlifeInputError(
                f"mutation must be a probability in [0, 1], got {self.mutation!r}"
            )
        check_max_steps(self.max_steps)
        if self.reset_interval is not None:
            check_count("reset_interval", self.reset_interval)
        if self.fixed_shuffle:
            if not self.permute:
                raise AlifeInputError("fixed shuffle and no-permute exclude each other")
            if self.programs & (self.programs - 1):
                raise AlifeInputError(
                    f"fixed shuffle needs a power-of-two number of programs, got {self.programs}"
                )
        self._check_spatial()
        if self.trace:
            if get_language(self.language).build_traced is None:
                raise AlifeInputError(
                    f"{self.language} has no tracer; tracing works for the BFF family (bff*)"
                )
            if self.programs > MAX_TRACED_PROGRAMS:
                raise AlifeInputError(
                    f"a traced soup holds at most {MAX_TRACED_PROGRAMS} programs, got "
                    f"{self.programs}"
                )
        if self.price_motif is not None:
            if self.price_replicators:
                raise AlifeInputError("Price terms follow one trait: a motif or replicators")
            get_language(self.language).parse_motif(self.price_motif)
        if self.initial_program is not None:
            size = len(self.initial_program_bytes)
            if size > self.programs * PROGRAM_SIZE:
                raise AlifeInputError(
                    f"the initial program has {size} bytes but the soup only "
                    f"{self.programs * PROGRAM_SIZE}"
                )

    def _check_spatial(self) -> None:
        if self.grid is not None:
            if len(self.grid) != 2 or not all(isinstance(x, int) and x > 0 for x in self.grid):
                raise AlifeInputError(
                    f"grid must be (width, height), two positive integers, got {self.grid}"
                )
            width, height = self.grid
            if width * height != self.programs:
                raise AlifeInputError(
                    f"grid {width}x{height} has {width * height} cells but the soup has "
                    f"{self.programs} programs; the program count must be width * height"
                )
        if self.grid is not None and self.interactions is not None:
            raise AlifeInputError("a grid and an interactions file exclude each other")
        if (self.grid is not None or self.interactions is not None) and (
            self.fixed_shuffle or not self.permute
        ):
            raise AlifeInputError(
                "a grid or an interactions file decides the pairing itself; it cannot be "
                "combined with no-permute or fixed shuffle"
            )

    @property
    def initial_program_bytes(self) -> np.ndarray:
        """The initial program parsed by the language (empty when there is none)."""
        if self.initial_program is None:
            return np.zeros(0, dtype=np.uint8)
        return get_language(self.language).parse(self.initial_program)

    @property
    def price_motif_bytes(self) -> np.ndarray:
        """The Price motif parsed by the language (empty when there is none)."""
        if self.price_motif is None:
            return np.zeros(0, dtype=np.uint8)
        return get_language(self.language).parse_motif(self.price_motif)

    @property
    def mutation_threshold(self) -> int:
        """cubff's integer mutation threshold: ``round(mutation * 2**30)``."""
        return round(self.mutation * (1 << 30))

    def to_dict(self) -> dict:
        """Plain dict of the fields (for JSON and HDF5 attributes)."""
        return asdict(self)


@numba.njit(parallel=True, cache=True)
def _init_programs(seed0, out):
    n, size = out.shape
    base = np.uint64(size) * np.uint64(n) * np.uint64(seed0)
    for p in numba.prange(n):
        start = base + np.uint64(size) * np.uint64(p)
        for i in range(size):
            out[p, i] = _mix(start + np.uint64(i)) & np.uint64(255)


def drawn_soup(config: SoupConfig, index: int) -> np.ndarray:
    """cubff's soup drawn from seed index ``index`` (0 at the start, 1, 2, ... at resets):
    (programs, 64) uint8 on the host, all zero with ``zero_init``."""
    out = np.zeros((config.programs, PROGRAM_SIZE), dtype=np.uint8)
    if not config.zero_init:
        _init_programs(np.uint64(derive_host(config.seed, index)), out)
    return out


def interaction_graph(config: SoupConfig, state: dict | None = None) -> InteractionGraph | None:
    """The :class:`InteractionGraph` of a spatial soup (None for a well-mixed one): the
    one saved in ``state`` if any, else the config's grid or interactions file."""
    if state is not None and "interaction_offsets" in state:
        return InteractionGraph.from_state(state)
    if config.grid is not None:
        return grid_graph(*config.grid)
    if config.interactions is not None:
        return read_interactions(config.interactions, config.programs)
    return None


def initial_soup(config: SoupConfig) -> np.ndarray:
    """cubff's initial soup for ``config`` (seed index 0, then the initial program written
    over its first bytes): (programs, 64) uint8 on the host."""
    out = drawn_soup(config, 0)
    program = config.initial_program_bytes
    out.reshape(-1)[: program.size] = program
    return out


class Soup:
    """A soup simulation on one backend.

    Parameters
    ----------
    config: the soup's parameters.
    backend: ``"cpu"``, ``"cuda"`` or ``"auto"``.
    state: optional full state from :meth:`checkpoint_state` to continue from.
    """

    substrate = "soup"
    config_class = SoupConfig
    __repr__ = simulation_repr
    COUNTERS = ("epoch", "total_ops", "epoch_ops", "epoch_interactions", "reset_index")
    METRICS: ClassVar[dict[str, str]] = {
        "epoch": "i8",
        "ops_per_interaction": "f8",
        "epoch_ops": "i8",
        "total_ops": "i8",
        "brotli_size": "i8",
        "brotli_bpb": "f8",
        "h0": "f8",
        "higher_entropy": "f8",
        "most_frequent_byte": "i8",
        "most_frequent_fraction": "f8",
        "least_frequent_byte": "i8",
        "least_frequent_fraction": "f8",
        **TRACE_METRICS,  # NaN in untraced runs
    }
    """Metric name -> dtype of every value :meth:`metrics` returns."""
    CENSUS_METRICS: ClassVar[dict[str, str]] = {
        "replicators": "f8",
        "replicator_fraction": "f8",
        "replicator_kinds": "f8",
        "replicator_families": "f8",
        **PRICE_METRICS,
    }
    """Metric name -> dtype of the values :meth:`census` returns (NaN without a census)."""
    PROGRESS_KEYS = ("higher_entropy", "ops_per_interaction")

    def __init__(self, config: SoupConfig, backend: str = "cpu", state: dict | None = None):
        self.config = config
        self.backend = resolve_backend(backend)
        self.language = get_language(config.language)
        self._seed_hash = splitmix64_host(config.seed)
        if state is None:
            soup = initial_soup(config)
            counters = np.zeros(len(self.COUNTERS), dtype=np.int64)
            counters[self.COUNTERS.index("reset_index")] = 1
        else:
            soup, counters = state["soup"], state["counters"]
            if soup.shape != (config.programs, PROGRAM_SIZE) or soup.dtype != np.uint8:
                raise AlifeInputError(
                    f"saved soup has shape {soup.shape} and dtype {soup.dtype}, but the config "
                    f"needs ({config.programs}, {PROGRAM_SIZE}) uint8"
                )
        self.soup = to_backend(np.ascontiguousarray(soup), self.backend)
        self._counters = dict(zip(self.COUNTERS, (int(c) for c in counters), strict=True))
        self.graph = interaction_graph(config, state)
        self.tokens = None
        """(programs, 64) uint64 origin tokens on the soup's device, when traced."""
        self._before = None  # (epoch, soup, tokens, Price trait) kept by prepare_census
        if config.trace:
            tokens = fresh_tokens(config.programs) if state is None else state["tokens"]
            self.tokens = to_backend(np.ascontiguousarray(tokens), self.backend)

    @classmethod
    def unrecorded_metrics(cls, config: SoupConfig) -> dict[str, str]:
        """Metrics a run of ``config`` records only as NaN -> what would record them."""
        out = {} if config.trace else dict.fromkeys(TRACE_METRICS, "--trace")
        if config.price_motif is None and not config.price_replicators:
            out.update(dict.fromkeys(PRICE_METRICS, "--price-motif TEXT or --price-replicators"))
        elif config.grid is None:
            out.update(dict.fromkeys(GRID_PRICE_METRICS, "a --grid soup"))
        return out

    @property
    def epoch(self) -> int:
        """Completed epochs."""
        return self._counters["epoch"]

    @property
    def counters(self) -> dict[str, int]:
        """A copy of the counters: epoch, total_ops, epoch_ops, epoch_interactions and
        reset_index (the seed index of the next reset)."""
        return dict(self._counters)

    def step(self) -> None:
        """Run one epoch: pair, mutate, run, split (cubff's ``MutateAndRunPrograms``).

        A reset due after the previous epoch (``reset_interval``) happens first, so the
        metrics and snapshots of an epoch show its soup before the reset, as cubff's do.
        """
        cfg, c = self.config, self._counters
        epoch = self.epoch
        if cfg.trace and epoch >= MAX_TRACED_EPOCH:
            raise AlifeInputError(f"tracer tokens cannot name epochs past {MAX_TRACED_EPOCH}")
        if cfg.reset_interval and epoch > 0 and (epoch - 1) % cfg.reset_interval == 0:
            self.soup = to_backend(drawn_soup(cfg, c["reset_index"]), self.backend)
            c["reset_index"] += 1
            if cfg.trace:
                self.tokens = to_backend(fresh_tokens(cfg.programs, epoch), self.backend)
        pairs, n_run = self.meetings(epoch)
        epoch_seed = derive_host(cfg.seed, epoch)
        kernels = kernels_for(self.language, self.backend, cfg.trace)  # compiled on first use
        ops = kernels.soup_epoch(
            self.soup,
            to_backend(pairs, self.backend),
            epoch_seed,
            cfg.mutation_threshold,
            n_run,
            cfg.max_steps,
            self.tokens,
            epoch + 1,
        )
        epoch_ops = int(ops.sum())
        c["epoch"] = epoch + 1
        c["total_ops"] += epoch_ops
        c["epoch_ops"] = epoch_ops
        c["epoch_interactions"] = n_run

    def meetings(self, epoch: int) -> tuple[np.ndarray, int]:
        """Who meets whom at ``epoch`` (counted from 0): ((programs,) uint32 order, pairs
        run). Pair ``k < pairs`` is ``order[2k]`` (first on the tape) and
        ``order[2k + 1]``; a spatial soup's unmatched programs follow."""
        if self.graph is None:
            return pairing(self.config, self._seed_hash, epoch), self.config.programs // 2
        return greedy_matching(self.graph, self._seed_hash, epoch)

    def run(self, epochs: int) -> Soup:
        """Advance ``epochs`` epochs (no files, no metrics); returns self."""
        if epochs < 0:
            raise AlifeInputError(f"epochs must be >= 0, got {epochs}")
        for _ in range(epochs):
            self.step()
        return self

    def save(self, path: str, *, overwrite: bool = False) -> None:
        """Save the soup as a run file that :meth:`load` and ``alife soup resume`` read."""
        from alife.engine.session import save_simulation

        save_simulation(self, path, overwrite=overwrite)

    @classmethod
    def from_cubff(cls, saved: CubffCheckpoint, config: SoupConfig, backend: str = "cpu") -> Soup:
        """The soup of a cubff checkpoint (a :class:`~alife.substrates.programs.cubff_io.
        CubffCheckpoint` from ``read_dat``), continued with ``config``, whose seed,
        language and mutation must be the cubff run's to continue it exactly."""
        if saved.soup.shape[0] != config.programs:
            raise AlifeInputError(
                f"the cubff checkpoint holds {saved.soup.shape[0]} programs but the config "
                f"says {config.programs}"
            )
        counters = dict.fromkeys(cls.COUNTERS, 0)
        counters.update(epoch=saved.epoch, reset_index=saved.reset_index)
        state = {"soup": saved.soup, "counters": np.array(list(counters.values()))}
        return cls(config, backend, state=state)

    def to_cubff(self, path: str, *, overwrite: bool = False) -> None:
        """Write the soup as a cubff ``.dat`` checkpoint (``cubff --load`` continues it)."""
        from alife.substrates.programs.cubff_io import CubffCheckpoint, write_dat

        c = self._counters
        write_dat(
            path,
            CubffCheckpoint(to_host(self.soup), c["epoch"], c["reset_index"]),
            overwrite=overwrite,
        )

    @classmethod
    def load(cls, path: str, backend: str = "cpu", reader: str = "Soup.load") -> Soup:
        """The soup of a run file, as of its checkpoint (its latest state); runs of other
        substrates are refused, naming ``reader`` (the command loading it)."""
        from alife.engine.session import load_simulation, wrong_substrate_error
        from alife.engine.store import open_run

        with open_run(path) as run:
            substrate = run.substrate
        if substrate != cls.substrate:
            raise wrong_substrate_error(path, substrate, reader, [cls.substrate])
        return load_simulation(path, backend)

    def metrics(self) -> dict[str, float | int]:
        """Scalar metrics of the current state (flat dict).

        ``epoch`` (completed epochs), ``ops_per_interaction`` and ``epoch_ops`` of the last
        epoch, ``total_ops`` since the start, and the complexity metrics of
        :func:`~alife.substrates.programs.soup_metrics.soup_metrics`.
        """
        c = self._counters
        if self.backend == "cuda":
            counts = to_host(array_module("cuda").bincount(self.soup.ravel(), minlength=256))
        else:
            counts = byte_histogram(self.soup.reshape(-1))
        interactions = c["epoch_interactions"]
        traced = self.tokens is not None
        return {
            "epoch": c["epoch"],
            "ops_per_interaction": c["epoch_ops"] / interactions if interactions else math.nan,
            "epoch_ops": c["epoch_ops"],
            "total_ops": c["total_ops"],
            **soup_metrics(to_host(self.soup), counts),
            **(trace_metrics(to_host(self.tokens)) if traced else self._no_trace),
        }

    def replicator_scores(self) -> DeviceArray:
        """cubff's self-replication score of every program, (programs,) int64 on the
        soup's device, drawn with :func:`~alife.substrates.programs.census.census_seed`
        and run with the soup's ``max_steps`` (cubff's 8192 by default)."""
        cfg = self.config
        return census_scores(
            self.language,
            self.soup,
            cfg.seed,
            self.epoch,
            max_steps=cfg.max_steps,
            backend=self.backend,
        )

    def _price_trait(self, scores=None) -> np.ndarray:
        """(programs,) float64 Price trait of the current soup: motif presence, or
        replicator (from ``scores`` when given, else scored now)."""
        if self.config.price_motif is not None:
            return motif_trait(to_host(self.soup), self.config.price_motif_bytes)
        scores = to_host(self.replicator_scores() if scores is None else scores)
        return (scores >= REPLICATOR_THRESHOLD).astype(np.float64)

    def prepare_census(self) -> None:
        """Keep what the Price terms of the census after the coming epoch compare with:
        the epoch, soup, tokens (when traced) and Price trait (with a Price trait)."""
        cfg = self.config
        if cfg.price_motif is not None or cfg.price_replicators:
            tokens = None if self.tokens is None else to_host(self.tokens).copy()
            self._before = (self.epoch, to_host(self.soup).copy(), tokens, self._price_trait())

    def census(self) -> dict[str, float]:
        """The replicator census of the current soup as metrics (see
        :class:`~alife.substrates.programs.census.Census`; about 65 interactions per
        program) and, with a Price motif, the Price terms of the epoch just run (NaN
        unless :meth:`prepare_census` was called before it)."""
        scores = to_host(self.replicator_scores())
        soup, noop = to_host(self.soup), self.language.noop_bytes
        out = replicator_census(soup, scores, top=0, noop_bytes=noop).metrics()
        out.update(dict.fromkeys(PRICE_METRICS, math.nan))
        before, self._before = self._before, None
        if before is not None and before[0] == self.epoch - 1:
            out.update(self._price_terms(*before[1:], self._price_trait(scores)))
        return out

    def _price_terms(self, parent_soup, parent_tokens, z, child_trait) -> dict[str, float]:
        cfg = self.config
        tokens = None if self.tokens is None else to_host(self.tokens)
        offspring = dict(
            parent_soup=parent_soup,
            child_soup=to_host(self.soup),
            parent_tokens=parent_tokens,
            child_tokens=tokens,
        )
        try:
            terms = soup_price(z, child_trait, **offspring)
        except AlifeInputError:  # no program descends from one before: terms undefined
            return {}
        out = {
            "price_selection": terms.selection,
            "price_transmission": terms.transmission,
            "price_change": terms.total,
        }
        if cfg.grid is not None:
            groups = grid_blocks(*cfg.grid, PRICE_BLOCK)
            split = soup_price(z, child_trait, groups=groups, **offspring)
            out.update(price_between=split.between, price_within=split.within)
        return out

    _no_trace: ClassVar[dict[str, float]] = dict.fromkeys(TRACE_METRICS, math.nan)

    def snapshot(self) -> dict[str, np.ndarray]:
        """What a snapshot stores, on the host: ``{"soup": (n, 64) uint8}``, and for a
        traced soup ``"tokens": (n, 64) uint64``."""
        out = {"soup": to_host(self.soup).copy()}
        if self.tokens is not None:
            out["tokens"] = to_host(self.tokens).copy()
        return out

    def checkpoint_state(self) -> dict[str, np.ndarray]:
        """Everything needed to continue bit-identically, on the host: soup, counters, and
        the interaction graph when it came from a file (a grid is rebuilt from its size)."""
        counters = np.array([self._counters[k] for k in self.COUNTERS], dtype=np.int64)
        state = {**self.snapshot(), "counters": counters}
        if self.config.interactions is not None:
            state.update(self.graph.state())
        return state
