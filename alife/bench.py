"""Throughput benchmarks (``alife bench ...``, ``scripts/bench_*.py``): measured, printed.

Soup benchmark regimes, both at the run's mutation rate (1/4096), for any language:

* ``random``: cubff's random initial soup (seed 0): most tapes halt within a few steps;
* ``replicator`` (languages in :data:`REPLICATORS`): every program a known replicator:
  for ``bff_noheads`` the paper's palindrome ``[[{.>]-]`` + 48 zeros + ``]-]>.{[[`` and
  for ``forthtrivial`` the replicator that took over cubff's golden-log run (seed 10248)
  by epoch 257, whose tapes run thousands of steps; for ``rsubleq4`` and ``subleq``
  :data:`RSUBLEQ4_REPLICATOR` and :data:`SUBLEQ_REPLICATOR`, whose tapes run 325 and
  519 steps;
* ``run``: the latest soup of a run file (``from_run``), for example one taken over by
  the replicators that evolved in it, restarted at epoch 0 with the run's seed and
  rules so that alife and cubff do the same epochs.

Only the epoch step is timed (pairing, mutation, execution); a metrics record (brotli of
the whole soup and the byte histogram) is a per-record cost, reported separately. With
``cubff=PATH`` the same soups are run by cubff's own binary in the same call, timed by
wall clock around its process minus its start-up, and reported beside ours.
"""

from __future__ import annotations

import os
import platform
import subprocess
import tempfile
import time
from dataclasses import dataclass, replace

import numpy as np

from alife.engine.backend import cuda_available, to_host
from alife.errors import AlifeInputError
from alife.substrates.programs.language import DEFAULT_MAX_STEPS
from alife.substrates.programs.soup import Soup, SoupConfig
from alife.substrates.programs.tracer import fresh_tokens

PALINDROME = "[[{.>]-]" + "0" * 48 + "]-]>.{[["
"""The self-replicator of "Computational Life" (its Fig. 1), as cubff prints it."""

RSUBLEQ4_REPLICATOR = (
    "40002C04FCFC2904F9F92504242422081C1C1CF0ECEC1B04E9E917041413100421210E044C0B0804"
    "0404048000FF014040000000000000000000000000000000"
)
"""A 49-byte ``rsubleq4`` program (15 free bytes after it) that, run first on a tape,
copies itself exactly over its partner whatever the partner holds, in 325 steps: a
five-instruction loop copies byte ``i`` to ``i + 64`` 64 times, then five instructions
put back the loop's counters in both copies and the last jumps off the tape. Written
for alife; docs/reproductions.md lists it instruction by instruction."""

SUBLEQ_REPLICATOR = (
    "40400330000640300900310C01310F04311206311830300000041B01041E060421040424410C27440F"
    "2A46122D3030C800FF0000000000000000000000000000"
)
"""A 50-byte ``subleq`` program (14 free bytes after it) that, run first on a tape,
copies itself exactly over its partner whatever the partner holds, in 519 steps: an
eight-instruction loop copies byte ``i`` to ``i + 64`` 64 times (clear the byte, take
the source's negative into a scratch byte, subtract it), then seven instructions put
back the loop's pointers in both copies and the last jumps off the tape. Written for
alife; docs/reproductions.md lists it instruction by instruction."""

REPLICATORS = {
    "bff_noheads": PALINDROME,
    "rsubleq4": RSUBLEQ4_REPLICATOR,
    "subleq": SUBLEQ_REPLICATOR,
    "forthtrivial": "0C089C8E96B803CF8A727592EDAEE2F9B808315DF450136FCC2F308C4E59E704"
    "2FC5850549A5A1E7E7617A410C13140289A7B9128E065DBB2462DBC09226B67E",
}
"""Per language, a program that copies itself into its partner (printable form)."""


@dataclass(frozen=True)
class BenchRow:
    """One measured line: who ran what, and how fast."""

    tool: str
    backend: str
    language: str
    regime: str
    programs: int
    epochs: int
    seconds: float
    ops: int
    trial: int = 0
    metrics_seconds: float = float("nan")
    """Seconds for one metrics record (brotli of the whole soup, histogram) at the end."""
    census_seconds: float = float("nan")
    """Seconds for one replicator census of the final soup (when asked for)."""

    @property
    def epochs_per_s(self) -> float:
        return self.epochs / self.seconds

    @property
    def interactions_per_s(self) -> float:
        return self.epochs * self.programs / 2 / self.seconds

    @property
    def ops_per_s(self) -> float:
        return self.ops / self.seconds if self.ops >= 0 else float("nan")


def default_backends() -> tuple[str, ...]:
    """The backends a benchmark times when none are named: cpu, and cuda when usable."""
    return ("cpu", "cuda") if cuda_available() else ("cpu",)


def print_bench_table(what: str, columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """Print a right-aligned table of ``rows`` (strings) titled ``what``, this machine
    and today's date."""
    from rich.console import Console
    from rich.table import Table

    from alife.printing import print_uncut

    table = Table(title=f"{what}, {machine_description()}, {time.strftime('%Y-%m-%d')}")
    for column in columns:
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(*row)
    print_uncut(Console(), table)


def machine_description() -> str:
    """CPU model and core count of this machine, for benchmark tables."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores"


@dataclass(frozen=True)
class SoupCase:
    """One soup to time: its config, the regime's name in the table, and the state it
    starts from (a :meth:`Soup.checkpoint_state` dict; None for the config's initial
    soup)."""

    config: SoupConfig
    regime: str
    start: dict[str, np.ndarray] | None = None


def replicator_case(config: SoupConfig) -> SoupCase:
    """The language's known replicator (:data:`REPLICATORS`) in every program."""
    sim = Soup(config)
    start = sim.checkpoint_state()
    start["soup"][:] = sim.language.parse(REPLICATORS[config.language])
    return SoupCase(config, "replicator", start)


def run_case(path: str) -> SoupCase:
    """The latest soup of the run file ``path``, restarted at epoch 0 with the run's
    seed, language, mutation rate and pairing rules (its resets, tracing and Price
    records left out: only the epoch step is timed)."""
    sim = Soup.load(path, reader="'alife bench soup --from-run'")
    config = replace(
        sim.config,
        initial_program=None,
        reset_interval=None,
        trace=False,
        price_motif=None,
        price_replicators=False,
    )
    start = sim.checkpoint_state()
    start.pop("tokens", None)
    start["counters"][Soup.COUNTERS.index("epoch")] = 0
    return SoupCase(config, f"run at epoch {sim.epoch}", start)


def _soup(case: SoupCase, config: SoupConfig, backend: str) -> Soup:
    """A soup of ``config`` (the case's, or a traced copy) in the case's start state."""
    if case.start is None:
        return Soup(config, backend)
    state = {key: value.copy() for key, value in case.start.items()}
    if config.trace:
        state["tokens"] = fresh_tokens(config.programs)
    return Soup(config, backend, state=state)


def _time_alife(
    case: SoupCase, config: SoupConfig, backend: str, epochs: int, census: bool = False
) -> BenchRow:
    sim = _soup(case, config, backend)
    sim.step()  # compile and warm up
    ops = 0
    start = time.perf_counter()
    for _ in range(epochs):
        sim.step()
        ops += sim.counters["epoch_ops"]
    to_host(sim.soup[:1])  # wait for the device
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    sim.metrics()
    metrics_seconds = time.perf_counter() - start
    census_seconds = float("nan")
    if census:
        sim.census()  # compile the scoring kernel untimed
        start = time.perf_counter()
        sim.census()
        census_seconds = time.perf_counter() - start
    return BenchRow(
        "alife+trace" if config.trace else "alife",
        backend,
        config.language,
        case.regime,
        config.programs,
        epochs,
        seconds,
        ops,
        metrics_seconds=metrics_seconds,
        census_seconds=census_seconds,
    )


def cubff_arguments(config: SoupConfig) -> list[str]:
    """cubff's flags for a soup of ``config``; raises AlifeInputError for rules that the
    benchmark cannot give cubff (an interaction graph, another step limit)."""
    unsupported = {
        "grid": config.grid is not None,
        "interactions": config.interactions is not None,
        f"max_steps {config.max_steps}": config.max_steps != DEFAULT_MAX_STEPS,
    }
    for name, present in unsupported.items():
        if present:
            raise AlifeInputError(
                f"cubff cannot be timed beside a soup with {name}: the benchmark gives "
                f"cubff no interaction graph, and no step limit but {DEFAULT_MAX_STEPS}"
            )
    args = ["--lang", config.language, "--num", str(config.programs)]
    args += ["--seed", str(config.seed), "--mutation_prob", str(config.mutation)]
    if not config.permute:
        args.append("--nopermute_programs")
    if config.fixed_shuffle:
        args.append("--fixed_shuffle")
    return args


def run_anchor(args: list[str], option: str, expected: str) -> None:
    """Run an anchor program given by the user as ``option``; its failure is an
    AlifeInputError naming the binary, its exit status, the last line it wrote to
    stderr and the ``expected`` program (e.g. "Golly's bgolly"). A file of that name
    runs as given, even without a folder in the name (which would send the system to
    look for it on PATH instead)."""
    binary = os.path.abspath(args[0]) if os.path.isfile(args[0]) else args[0]
    try:
        subprocess.run([binary, *args[1:]], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as error:
        stderr = getattr(error, "stderr", None) or b""
        said = stderr.decode(errors="replace").strip().splitlines()
        why = f"exit status {error.returncode}" if hasattr(error, "returncode") else str(error)
        raise AlifeInputError(
            f"{option} {args[0]!r} failed ({why}{': ' + said[-1] if said else ''}); give {expected}"
        ) from None


def _time_cubff(binary: str, case: SoupCase, epochs: int) -> BenchRow:
    """Time cubff's binary on the same soup: wall time for 1 + epochs minus for 1 epoch."""
    config = case.config
    with tempfile.TemporaryDirectory() as tmp:
        args = [binary, *cubff_arguments(config), "--disable_output"]
        if case.start is not None:
            path = os.path.join(tmp, "soup.dat")
            _soup(case, config, "cpu").to_cubff(path)
            args += ["--load", path]

        def wall(m: int) -> float:
            # cubff checks its stop rule only when it logs: logging every m epochs with
            # --max_epochs m runs m + 1 epochs and logs (brotli) twice, so the difference
            # of two such runs is pure epochs: start-up and logging cancel.
            interval = str(m)
            start = time.perf_counter()
            run_anchor(
                [
                    *args,
                    "--max_epochs",
                    interval,
                    "--print_interval",
                    interval,
                    "--save_interval",
                    interval,
                    "--clear_interval",
                    interval,
                ],
                "--cubff",
                "cubff's main binary (make CUDA=0 in a cubff checkout)",
            )
            return time.perf_counter() - start

        seconds = wall(epochs + 1) - wall(1)
    return BenchRow(
        "cubff", "cpu", config.language, case.regime, config.programs, epochs, seconds, -1
    )


def soup_cases(
    languages: tuple[str, ...], programs: int, regimes: tuple[str, ...] | None
) -> list[SoupCase]:
    """The soups to time per language: ``regimes`` (random, replicator), by default
    random, and replicator where the language has a known one."""
    cases = []
    for language in languages:
        config = SoupConfig(language=language, programs=programs, seed=0)
        for regime in regimes or ("random", "replicator"):
            if regime == "random":
                cases.append(SoupCase(config, "random"))
            elif language in REPLICATORS:
                cases.append(replicator_case(config))
            elif regimes:
                raise AlifeInputError(
                    f"no known replicator for {language!r}; the replicator regime "
                    f"exists for {', '.join(sorted(REPLICATORS))}"
                )
    return cases


def bench_soup(
    *,
    programs: int = 131072,
    epochs: int = 20,
    languages: tuple[str, ...] = ("bff_noheads",),
    backends: tuple[str, ...] | None = None,
    cubff: str | None = None,
    regimes: tuple[str, ...] | None = None,
    from_run: str | None = None,
    repeats: int = 1,
    trace: bool = False,
    census: bool = False,
) -> list[BenchRow]:
    """Measure soup throughput per language, regime and backend (and cubff's, given its
    binary). ``regimes`` defaults to random, plus replicator where the language has one;
    ``from_run`` (a run file) times that run's latest soup instead (:func:`run_case`),
    and ``programs``, ``languages`` and ``regimes`` are then not used. ``trace`` adds
    traced runs (tool "alife+trace": epochs and a metrics record with the tracer's
    metrics); ``census`` times one replicator census of each final soup.

    With ``repeats > 1`` every measurement is repeated, alife and cubff alternating, so
    that drifts in the machine's speed hit both alike; rows carry their trial number.
    """
    if backends is None:
        backends = default_backends()
    if from_run is not None:
        cases = [run_case(from_run)]
    else:
        cases = soup_cases(languages, programs, regimes)
    if cubff:
        for case in cases:
            cubff_arguments(case.config)  # refuse before anything is timed
    rows = []
    for case in cases:
        configs = [case.config, replace(case.config, trace=True)] if trace else [case.config]
        for trial in range(repeats):
            for backend in backends:
                for timed in configs:
                    row = _time_alife(case, timed, backend, epochs, census)
                    rows.append(replace(row, trial=trial))
            if cubff:
                rows.append(replace(_time_cubff(cubff, case, epochs), trial=trial))
    return rows


def speedups(rows: list[BenchRow]) -> dict[str, list[float]]:
    """Per "language regime", alife-cpu epochs/s over cubff epochs/s, one ratio per trial."""
    out: dict[str, list[float]] = {}
    for r in rows:
        if r.tool == "cubff":
            ours = [
                a
                for a in rows
                if a.tool == "alife"
                and a.backend == "cpu"
                and (a.language, a.regime, a.trial) == (r.language, r.regime, r.trial)
            ]
            key = f"{r.language} {r.regime}"
            out.setdefault(key, []).extend(a.epochs_per_s / r.epochs_per_s for a in ours)
    return out


def print_table(rows: list[BenchRow]) -> None:
    """Print benchmark rows as a table with the machine and date, then alife's speed-up
    over cubff per language and regime."""
    columns = (
        "trial",
        "tool",
        "backend",
        "language",
        "regime",
        "programs",
        "epochs",
        "seconds",
        "epochs/s",
        "interactions/s",
        "ops/s",
        "metrics record (s)",
        "census (s)",
    )
    cells = [
        (
            str(r.trial),
            r.tool,
            r.backend,
            r.language,
            r.regime,
            str(r.programs),
            str(r.epochs),
            f"{r.seconds:.2f}",
            f"{r.epochs_per_s:.2f}",
            f"{r.interactions_per_s:.3g}",
            "n/a" if r.ops < 0 else f"{r.ops_per_s:.3g}",
            "n/a" if np.isnan(r.metrics_seconds) else f"{r.metrics_seconds:.3f}",
            "n/a" if np.isnan(r.census_seconds) else f"{r.census_seconds:.2f}",
        )
        for r in rows
    ]
    print_bench_table("soup throughput", columns, cells)
    for case, ratios in speedups(rows).items():
        listed = ", ".join(f"{x:.2f}" for x in ratios)
        print(f"alife/cubff epochs/s, {case}: median {np.median(ratios):.2f}x (trials: {listed})")
