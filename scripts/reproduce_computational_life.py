"""Reproduce the paper's headline number: the share of bff_noheads soups that transition.

    python scripts/reproduce_computational_life.py [--seeds 4] [--first-seed 0]
        [--epochs 4096] [--programs 131072] [--mutation 0.000244140625] [--backend cpu]
        [--out-dir runs/repro]

Runs seeds F .. F+N-1 (``--first-seed`` F, default 0) one after the other (each a run
file in ``--out-dir``, stopped at its transition: high-order entropy above 3 bits per
byte, cubff's scripts' mark), then prints which seeds transitioned, when, and the share
that did. A run file already there
is reused (finished) or resumed (interrupted), so the script can be stopped and started
again. With ``--dask`` the seeds run as an ``alife sweep`` on Dask distributed (a local
cluster, or ``--scheduler ADDRESS``), written to ``OUT_DIR/seed=N.h5`` with a manifest.
The paper's setting is ``--seeds 64 --epochs 16384`` (2^17 programs, mutation
1/4096), where about 40 % of runs transition. On a 2-core CPU a seed that never
transitions took 3.4-6.5 minutes per 16k epochs; the 64 seeds, run in four batches of
16, transitioned 26 times (41 %, 2026-12-05, docs/reproductions.md).
"""

from __future__ import annotations

import argparse
import json
import os

import numpy as np

from alife.analysis.intervals import share_interval
from alife.analysis.transitions import ENTROPY_TRANSITION_BITS, entropy_transition
from alife.engine.run import Schedule
from alife.engine.session import resume_run, start_run
from alife.engine.store import open_run
from alife.substrates.programs.soup import DEFAULT_MUTATION, Soup, SoupConfig

STOP = f"higher_entropy>{ENTROPY_TRANSITION_BITS:g}"
PAPER_SHARE = 0.4
"""The paper's share of bff_noheads runs that transition within 16k epochs."""


def run_seed(path: str, seed: int, args) -> dict:
    """Run (or reuse, or resume) one seed; return its row of the report."""
    if not os.path.exists(path):
        config = SoupConfig(
            language="bff_noheads", programs=args.programs, seed=seed, mutation=args.mutation
        )
        schedule = Schedule(metrics_every=args.metrics_every, snapshot_every=args.epochs)
        start_run(
            Soup,
            config,
            path,
            epochs=args.epochs,
            backend=args.backend,
            schedule=schedule,
            stop_when=[STOP],
            progress=True,
        )
    else:
        with open_run(path) as run:
            done = run.checkpoint_epoch()
            stopped = entropy_transition(run.metrics) is not None
            mutation = run.config["mutation"]
        if mutation != args.mutation:
            raise SystemExit(
                f"{path} ran with mutation {mutation_text(mutation)}, "
                f"not {mutation_text(args.mutation)}; "
                "give another --out-dir"
            )
        if done is None:
            raise SystemExit(f"{path} has no checkpoint yet; delete it to start the seed again")
        if not stopped and done < args.epochs:
            resume_run(
                path,
                epochs=args.epochs - done,
                backend=args.backend,
                stop_when=[STOP],
                progress=True,
            )
    return read_seed(path, seed)


def read_seed(path: str, seed: int) -> dict:
    """The report row of a finished seed's run file."""
    with open_run(path) as run:
        metrics, wall = run.metrics, float(np.nansum(run.metrics["wall_time_s"][-1:]))
        return {
            "seed": seed,
            "transition_epoch": entropy_transition(metrics),
            "epochs_run": int(metrics["epoch"][-1]),
            "final_higher_entropy": float(metrics["higher_entropy"][-1]),
            "wall_time_s_last_session": wall,
        }


def mutation_text(mutation: float) -> str:
    """``mutation`` as 1/N where N is a whole number (1/4096), else as a number."""
    if mutation > 0 and (1 / mutation).is_integer():
        return f"1/{1 / mutation:.0f}"
    return f"{mutation:g}"


def run_as_sweep(args, seeds: list[int]) -> list[str]:
    """Write OUT_DIR/sweep.toml for the seeds, run it on Dask (skipping finished seeds,
    resuming interrupted ones) and return the run files in seed order."""
    from alife.sweep.runner import run_sweep
    from alife.sweep.spec import load_sweep

    path = os.path.join(args.out_dir, "sweep.toml")
    with open(path, "w") as f:
        f.write(
            f'command = "soup run"\nout_dir = "{args.out_dir}"\n\n[fixed]\n'
            f"programs = {args.programs}\nepochs = {args.epochs}\n"
            f'metrics-every = {args.metrics_every}\nbackend = "{args.backend}"\n'
            f"mutation = {args.mutation!r}\n"
            f'stop-when = ["{STOP}"]\n\n[axes]\nseed = "{seeds[0]}..{seeds[-1]}"\n'
        )
    spec = load_sweep(path)
    result = run_sweep(spec, scheduler=args.scheduler, workers=args.workers)
    if result.failed:
        raise SystemExit(f"{len(result.failed)} seeds failed: see {spec.manifest_path}")
    return [run.path for run in spec.runs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=4096)
    parser.add_argument("--programs", type=int, default=131072)
    parser.add_argument("--metrics-every", type=int, default=64)
    parser.add_argument(
        "--mutation", type=float, default=DEFAULT_MUTATION, help="Per-byte, per interaction."
    )
    parser.add_argument("--backend", default="cpu")
    parser.add_argument("--out-dir", default="runs/repro")
    parser.add_argument(
        "--dask", action="store_true", help="Run the seeds as an alife sweep on Dask."
    )
    parser.add_argument("--scheduler", default=None, help="Dask scheduler (with --dask).")
    parser.add_argument("--workers", type=int, default=None, help="Local workers (--dask).")
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    rows = []
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    if args.dask:
        paths = run_as_sweep(args, seeds)
    else:
        paths = [os.path.join(args.out_dir, f"seed{seed:03d}.h5") for seed in seeds]
    for seed, path in zip(seeds, paths, strict=True):
        rows.append(run_seed(path, seed, args) if not args.dask else read_seed(path, seed))
        row = rows[-1]
        when = row["transition_epoch"] or f"none in {row['epochs_run']} epochs"
        print(f"seed {seed}: transition at {when}", flush=True)
    epochs = [r["transition_epoch"] for r in rows if r["transition_epoch"] is not None]
    share = len(epochs) / len(rows)
    low, high = share_interval(len(epochs), len(rows))
    print(
        f"\n{len(epochs)} of {len(rows)} runs ({share:.0%}; 95 % interval {low:.0%}-{high:.0%}) "
        f"transitioned within {args.epochs} epochs ({args.programs} programs, bff_noheads, "
        f"mutation {mutation_text(args.mutation)})"
    )
    if (args.epochs, args.programs, args.mutation) == (16384, 131072, DEFAULT_MUTATION):
        where = "inside" if low <= PAPER_SHARE <= high else "outside"
        print(f"the paper's {PAPER_SHARE:.0%} in the same setting is {where} that interval")
    if epochs:
        q = np.percentile(epochs, [0, 25, 50, 75, 100])
        print("transition epochs (min, 25%, median, 75%, max):", ", ".join(f"{x:.0f}" for x in q))
    summary = {
        "settings": vars(args),
        "runs": rows,
        "transitioned_share": share,
        "transitioned_share_95_interval": [low, high],
    }
    with open(os.path.join(args.out_dir, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)


if __name__ == "__main__":
    main()
