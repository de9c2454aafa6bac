"""Compare the CUDA kernels with the CPU path, bit for bit.

Run by tests/test_cudasim.py in a subprocess under numba's CUDA simulator
(NUMBA_ENABLE_CUDASIM=1, which must be set before numba is imported). On a machine with
a GPU, run it directly, without the simulator, to check the same on hardware: inputs
go to the device with ``to_backend`` and results come back with ``to_host``. Each
comparison runs to its first difference or error, printed as a FAILED line, and the
next one starts, so that one GPU session sees everything that differs; it exits 1 if
any comparison failed.
"""

import os
import sys
import tempfile
import time
import warnings
from dataclasses import asdict

import numpy as np

warnings.simplefilter("ignore", RuntimeWarning)  # the simulator wraps uint8/uint64 in numpy

from numba import cuda  # noqa: E402

from alife.bench import PALINDROME, REPLICATORS  # noqa: E402
from alife.engine.backend import cuda_available, to_backend, to_host  # noqa: E402
from alife.engine.exact_math import build_exact_math  # noqa: E402
from alife.engine.run import Schedule  # noqa: E402
from alife.engine.session import start_run  # noqa: E402
from alife.engine.store import open_run  # noqa: E402
from alife.substrates.ca.flow_lenia import FlowLeniaWorld, step_kernels  # noqa: E402
from alife.substrates.ca.flow_lenia_sim import FlowLeniaConfig  # noqa: E402
from alife.substrates.ca.lenia import LeniaParams, LeniaWorlds  # noqa: E402
from alife.substrates.ca.life import simulate  # noqa: E402
from alife.substrates.ca.life_sim import LifeConfig, LifeSim  # noqa: E402
from alife.substrates.ca.loops import simulate_table  # noqa: E402
from alife.substrates.ca.table import load_table  # noqa: E402
from alife.substrates.gard.ensemble import Ensemble  # noqa: E402
from alife.substrates.gard.model import GardConfig  # noqa: E402
from alife.substrates.gard.population import PopulationConfig, Populations  # noqa: E402
from alife.substrates.programs import get_language, language_names  # noqa: E402
from alife.substrates.programs.selfrep import selfrep_scores  # noqa: E402
from alife.substrates.programs.soup import Soup, SoupConfig  # noqa: E402


def tapes(language, n, seed, share):
    """Random tapes where ``share`` of the bytes are ``language``'s command bytes."""
    special = np.flatnonzero(language.byte_colors[:, 0] != language.byte_colors[:, 1])
    rng = np.random.default_rng(seed)
    out = rng.integers(0, 256, (n, 128), dtype=np.uint8)
    pick = rng.random((n, 128)) < share
    out[pick] = rng.choice(special.astype(np.uint8), size=int(pick.sum()))
    return out


def compare_run_tapes():
    for name in language_names():
        language = get_language(name)
        for share, steps in ((0.0, 8192), (0.6, 300), (0.9, 300)):
            data = tapes(language, 32, int(share * 10) + len(name), share)
            cpu, gpu = data.copy(), to_backend(data.copy(), "cuda")
            ops_cpu = language.run(cpu, max_steps=steps, backend="cpu")
            ops_gpu = language.run(gpu, max_steps=steps, backend="cuda")
            np.testing.assert_array_equal(to_host(ops_gpu), ops_cpu)
            np.testing.assert_array_equal(to_host(gpu), cpu)
            print(f"run_tapes {name} share={share}: {len(data)} tapes identical")


def compare_selfrep_scores():
    for name, text in (("bff_noheads", PALINDROME), ("forthtrivial", REPLICATORS["forthtrivial"])):
        language = get_language(name)
        programs = tapes(language, 3, 5, 0.5)[:, :64].copy()
        programs[0] = language.parse(text)
        cpu = selfrep_scores(language, programs, 17, max_steps=1024, backend="cpu")
        gpu = selfrep_scores(
            language, to_backend(programs, "cuda"), 17, max_steps=1024, backend="cuda"
        )
        np.testing.assert_array_equal(to_host(gpu), cpu)
        assert cpu[0] > 0
        print(f"selfrep scores {name}: {cpu.tolist()} identical")


def compare_soup_epochs():
    for config in (
        SoupConfig(language="bff_noheads", programs=32, seed=9, mutation=0.02, max_steps=256),
        SoupConfig(language="forthtrivial", programs=24, seed=9, mutation=0.02, grid=(6, 4)),
        SoupConfig(
            language="bff_noheads",
            programs=16,
            seed=4,
            mutation=0.02,
            initial_program=PALINDROME * 4,
            trace=True,
        ),
    ):
        cpu, gpu = Soup(config, "cpu"), Soup(config, "cuda")
        for _ in range(3):
            cpu.step()
            gpu.step()
            np.testing.assert_array_equal(to_host(gpu.soup), cpu.soup)
            if config.trace:
                np.testing.assert_array_equal(to_host(gpu.tokens), cpu.tokens)
            assert gpu.metrics() == cpu.metrics()
    print("soup epochs identical (well-mixed, grid, traced)")


def compare_whole_runs():
    config = SoupConfig(programs=16, seed=2, mutation=0.01, max_steps=128)
    schedule = Schedule(metrics_every=2, snapshot_every=2, checkpoint_every=2)
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for backend in ("cpu", "cuda"):
            paths[backend] = os.path.join(tmp, f"{backend}.h5")
            start_run(
                Soup,
                config,
                paths[backend],
                epochs=5,
                backend=backend,
                schedule=schedule,
                progress=False,
            )
        with open_run(paths["cpu"]) as a, open_run(paths["cuda"]) as b:
            assert a.attrs["backend"] == "cpu" and b.attrs["backend"] == "cuda"
            for epoch in a.snapshot_epochs:
                np.testing.assert_array_equal(a.snapshot(epoch), b.snapshot(epoch))
            for name, values in a.metrics.items():
                if name not in ("wall_time_s", "epochs_per_s"):
                    np.testing.assert_array_equal(values, b.metrics[name], err_msg=name)
    print("whole runs identical")


def compare_life():
    rng = np.random.default_rng(6)
    for rule in ("B3/S23", "B36/S23", "B2/S"):
        for shape in ((7, 5), (9, 65), (6, 130)):
            for torus in (True, False):
                cells = rng.random(shape) < 0.4
                cpu = simulate(cells, rule, steps=3, torus=torus, backend="cpu")
                cuda = simulate(cells, rule, steps=3, torus=torus, backend="cuda")
                np.testing.assert_array_equal(cpu, cuda, err_msg=f"{rule} {shape} {torus}")
    config = LifeConfig(rule="B3/S23", width=70, height=9, density=0.35, seed=2)
    sims = [LifeSim(config, backend) for backend in ("cpu", "cuda")]
    for _ in range(4):
        for sim in sims:
            sim.step()
    assert sims[0].metrics() == sims[1].metrics()
    cells = [to_host(sim.snapshot()["cells"]) for sim in sims]
    np.testing.assert_array_equal(cells[0], cells[1])
    print("life generations identical")


def compare_loops():
    rng = np.random.default_rng(8)
    for rule, states in (("langton", 8), ("evoloop", 9)):
        table = load_table(rule)
        grid = np.where(rng.random((9, 13)) < 0.5, rng.integers(0, states, (9, 13)), 0)
        for torus in (True, False):
            cpu = simulate_table(grid, table, 3, torus=torus, backend="cpu")
            cuda = simulate_table(grid, table, 3, torus=torus, backend="cuda")
            np.testing.assert_array_equal(cpu[0], cuda[0])
            assert cpu[1] == cuda[1]
    print("rule tables identical")


def compare_lenia():
    fields = np.random.default_rng(9).random((2, 30, 34)) * 0.5
    rules = [LeniaParams(R=5, T=5, m=0.2, s=0.03), LeniaParams(R=4, kn=2, gn=2)]
    worlds = [LeniaWorlds(fields, rules, backend=b, dtype="float64") for b in ("cpu", "cuda")]
    for _ in range(3):
        for world in worlds:
            world.step()
    # under the simulator the same FFT (numpy arrays), on a GPU cuFFT: agree to rounding
    np.testing.assert_allclose(worlds[0].worlds, to_host(worlds[1].worlds), atol=1e-12)
    print("lenia steps agree")


def compare_flow_lenia():
    config = FlowLeniaConfig(width=20, height=16, channels=2, kernels=4, patch=10, reach=3)
    rule, mass = config.rule_and_start()
    worlds = [FlowLeniaWorld(mass, rule, config.flow(), backend) for backend in ("cpu", "cuda")]
    for _ in range(3):
        for world in worlds:
            world.step()
    # under the simulator the same FFT (numpy arrays), on a GPU cuFFT: agree to rounding
    np.testing.assert_allclose(to_host(worlds[1].mass), worlds[0].mass, rtol=0, atol=1e-12)
    # the kernels, given equal inputs, equal bit for bit
    cpu, gpu = step_kernels("cpu"), step_kernels("cuda")
    rng = np.random.default_rng(12)
    potentials = rng.random((4, 16, 20))
    m, s, h = rng.random(4) * 0.3, 0.05 + rng.random(4) * 0.1, rng.random(4)
    target = np.array([0, 1, 1, 0])
    on_gpu = [to_backend(a, "cuda") for a in (potentials, m, s, h, target)]
    np.testing.assert_array_equal(
        to_host(gpu[0](*on_gpu, 2)), cpu[0](potentials, m, s, h, target, 2)
    )
    flow = rng.normal(0.0, 3.0, (2, 2, 16, 20))
    landed_cpu = cpu[1](worlds[0].mass, flow, 0.2, 0.65, 3)
    landed_gpu = gpu[1](to_backend(worlds[0].mass, "cuda"), to_backend(flow, "cuda"), 0.2, 0.65, 3)
    np.testing.assert_array_equal(to_host(landed_gpu), landed_cpu)
    print("flow-lenia steps agree, kernels identical")


def compare_exact_math():
    cpu, gpu = build_exact_math("cpu"), build_exact_math("cuda")

    @cuda.jit
    def kernel(x, exps, logs):
        i = cuda.grid(1)
        if i < x.size:
            exps[i] = gpu.exp(x[i])
            logs[i] = gpu.log(abs(x[i]))

    rng = np.random.default_rng(10)
    x = np.concatenate([rng.uniform(-700, 700, 500), rng.uniform(-1, 1, 500), [0.0, 5e-324]])
    exps, logs = np.empty_like(x), np.empty_like(x)
    kernel[-(-x.size // 128), 128](x, exps, logs)
    np.testing.assert_array_equal(exps, [cpu.exp(v) for v in x])
    np.testing.assert_array_equal(logs, [cpu.log(abs(v)) for v in x])
    print("exact exp and log identical")


def compare_gard():
    for config in (
        GardConfig(species=10, nmax=16, seed=4, replicas=3),
        GardConfig(species=5, nmax=9, kf=1e-4, kb=1.0, seed=1, replicas=4),
        GardConfig(species=8, nmax=12, seed=6, replicas=3, distinct_betas=True),
    ):
        outs = [Ensemble(config, backend) for backend in ("cpu", "cuda")]
        runs = [ensemble.run(3) for ensemble in outs]
        for key in ("trace", "times", "events"):
            np.testing.assert_array_equal(runs[0][key], runs[1][key], err_msg=key)
        for key, value in outs[0].state().items():
            np.testing.assert_array_equal(value, outs[1].state()[key], err_msg=key)
    selection = GardConfig(species=6, nmax=10, seed=4, kb=0.05, bias=1.1, target=(1, 1, 0, 0, 0, 2))
    runs = [Ensemble(selection, backend).run(3) for backend in ("cpu", "cuda")]
    np.testing.assert_array_equal(runs[0]["trace"], runs[1]["trace"])
    config = PopulationConfig(**asdict(selection), size=4, populations=2)
    sims = [Populations(config, backend) for backend in ("cpu", "cuda")]
    outs = [sim.run(6) for sim in sims]
    for key in outs[0]:
        np.testing.assert_array_equal(outs[0][key], outs[1][key], err_msg=key)
    for key, value in sims[0].state().items():
        np.testing.assert_array_equal(value, sims[1].state()[key], err_msg=key)
    print("gard generations identical")


COMPARISONS = (
    compare_run_tapes,
    compare_selfrep_scores,
    compare_soup_epochs,
    compare_whole_runs,
    compare_life,
    compare_loops,
    compare_lenia,
    compare_flow_lenia,
    compare_exact_math,
    compare_gard,
)


def main() -> int:
    """Run every comparison, each to its end or its first difference or error (a
    kernel that does not compile on the hardware, say); 1 if any failed, else 0."""
    assert cuda_available(), "needs NUMBA_ENABLE_CUDASIM=1, or a CUDA GPU with CuPy"
    failed = []
    for compare in COMPARISONS:
        started = time.perf_counter()
        try:
            compare()
        except Exception as failure:  # reported, and the next comparison runs
            failed.append(compare.__name__)
            print(f"FAILED {compare.__name__}: {type(failure).__name__}: {failure}")
        print(f"  ({compare.__name__}: {time.perf_counter() - started:.1f} s)", flush=True)
    print("all comparisons passed" if not failed else f"{len(failed)} differ: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
