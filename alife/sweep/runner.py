"""Running a sweep on Dask distributed: one task per run, each writing its own file.

A task starts its run with the sweep's command, or, when the run file already exists,
resumes it from its checkpoint (an older file without one is started again). So a
task that Dask re-executes after its worker died continues where the last checkpoint
left it, and a rerun of the sweep skips what the manifest lists as done. A run that
fails is submitted again up to ``retries`` times; its error is kept in the manifest.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from alife.errors import AlifeInputError
from alife.sweep.manifest import load_manifest, save_manifest
from alife.sweep.spec import RunSpec, SweepSpec, command_for


def execute_run(command: tuple[str, ...], run: RunSpec) -> dict:
    """Start or resume one run (on a worker); returns its ``reason`` and ``epoch``. A
    run whose file says it already ended as asked (its worker died before the manifest
    heard) is left as it is."""
    from alife.engine.run_state import run_state
    from alife.engine.session import resume_run
    from alife.engine.store import open_run

    if os.path.exists(run.path):
        with open_run(run.path, repair=True) as handle:  # this task owns the run
            state = run_state(handle)
        if state.finished:
            return {"reason": state.ended or "completed", "epoch": state.completed}
        if state.completed is not None:
            options = command_for(command).make_context(" ".join(command), list(run.args))
            params = options.params
            outcome = resume_run(
                run.path,
                backend=params.get("backend") or "cpu",
                stop_when=params.get("stop_when") or (),
                progress=False,
            )
            return {"reason": outcome.reason, "epoch": outcome.epoch}
    args = [*run.args, "--overwrite"] if os.path.exists(run.path) else list(run.args)
    command_for(command).main(args, standalone_mode=False)
    with open_run(run.path) as handle:
        return {"reason": handle.ended, "epoch": handle.checkpoint_epoch()}


@dataclass(frozen=True)
class SweepResult:
    """Counts of runs by state after a sweep, and the failed entries."""

    done: int
    failed: list[dict]
    skipped: int


def _client(scheduler: str | None, workers: int | None, runs: int, gpu: bool = False):
    """A Dask client: to ``scheduler``; for GPU runs, on dask-cuda's LocalCUDACluster
    (one worker per GPU, each seeing only its own through CUDA_VISIBLE_DEVICES, with the
    resource GPU=1); else on a local cluster of ``workers`` processes (default: one per
    core; never more than the ``runs`` to do), each worker's numba sized to
    cores // workers threads. An address no scheduler answers at is an AlifeInputError."""
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler), None
        except (ValueError, OSError) as error:  # a malformed address, or no answer
            raise AlifeInputError(
                f"no Dask scheduler answers at {scheduler!r} ({error}); give the address "
                "'dask scheduler' prints, e.g. tcp://head:8786"
            ) from None
    if gpu:
        try:
            from dask_cuda import LocalCUDACluster
        except ImportError:
            raise AlifeInputError(
                "a sweep with backend 'cuda' needs GPU workers: pip install dask-cuda for a "
                "local one per GPU, or pass --scheduler to workers started with "
                "'--resources GPU=1'"
            ) from None
        cluster = LocalCUDACluster(resources={"GPU": 1}, dashboard_address=None)
        return Client(cluster), cluster
    cores = os.cpu_count() or 1
    workers = min(workers or cores, runs)
    threads = str(max(1, cores // workers))
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        env={"NUMBA_NUM_THREADS": threads, "OMP_NUM_THREADS": threads},
    )
    return Client(cluster), cluster


def run_sweep(
    spec: SweepSpec,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: bool = True,
) -> SweepResult:
    """Run every run of ``spec`` the manifest does not list as done; update the
    manifest as runs end."""
    from distributed import as_completed
    from tqdm import tqdm

    entries = load_manifest(spec)
    todo = [run for run in spec.runs if entries[run.name]["state"] != "done"]
    skipped = len(spec.runs) - len(todo)
    if not todo:
        save_manifest(spec, entries)
        return SweepResult(len(spec.runs), [], skipped)
    gpu = spec.fixed.get("backend") == "cuda" or "cuda" in spec.axes.get("backend", [])
    client, cluster = _client(scheduler, workers, len(todo), gpu)  # before any file is made
    resources = {"GPU": 1} if gpu else None
    try:
        save_manifest(spec, entries)  # makes the output folder
        by_key = {}

        def submit(run: RunSpec):
            entry = entries[run.name]
            entry["state"], entry["attempts"] = "running", entry["attempts"] + 1
            future = client.submit(
                execute_run,
                spec.command,
                run,
                key=f"{run.name}-{entry['attempts']}",
                pure=False,
                resources=resources,
            )
            by_key[future.key] = run
            return future

        futures = as_completed([submit(run) for run in todo])
        save_manifest(spec, entries)
        bar = tqdm(total=len(todo), unit="run", disable=not progress)
        for future in futures:
            run = by_key.pop(future.key)
            entry = entries[run.name]
            try:
                entry.update(future.result(), state="done")
                entry.pop("error", None)
                bar.update(1)
            except Exception as error:  # a run's failure is recorded, not fatal to the sweep
                entry["error"] = f"{type(error).__name__}: {error}"
                if entry["attempts"] <= spec.retries:
                    futures.add(submit(run))
                else:
                    entry["state"] = "failed"
                    bar.update(1)
            save_manifest(spec, entries)
        bar.close()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    failed = [e for e in entries.values() if e["state"] == "failed"]
    done = sum(e["state"] == "done" for e in entries.values())
    return SweepResult(done, failed, skipped)
