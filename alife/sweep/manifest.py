"""The sweep manifest: ``OUT_DIR/manifest.json``, one entry per run.

Each entry: ``name``, ``params`` (its axis values), ``path`` (its run file), ``state``
(``pending``, ``running``, ``done`` or ``failed``), ``attempts``, and after it ended
``reason`` (the run's outcome: completed, stop rule ...) and ``epoch``, or ``error``.
Only the process driving the sweep writes it, each time to a temporary file renamed
over the old one, so a killed driver never leaves a torn manifest.
"""

from __future__ import annotations

import json
import os

from alife.sweep.spec import SweepSpec

STATES = ("pending", "running", "done", "failed")


def load_manifest(spec: SweepSpec) -> dict[str, dict]:
    """Entries by run name: those already in the manifest, new ones pending."""
    entries = {}
    if os.path.exists(spec.manifest_path):
        with open(spec.manifest_path) as f:
            entries = {entry["name"]: entry for entry in json.load(f)["runs"]}
    return {
        run.name: entries.get(
            run.name,
            {
                "name": run.name,
                "params": run.params,
                "path": run.path,
                "state": "pending",
                "attempts": 0,
            },
        )
        for run in spec.runs
    }


def save_manifest(spec: SweepSpec, entries: dict[str, dict]) -> None:
    """Write the manifest atomically."""
    os.makedirs(spec.out_dir, exist_ok=True)
    partial = spec.manifest_path + ".partial"
    with open(partial, "w") as f:
        json.dump(
            {"sweep": os.path.abspath(spec.source), "runs": list(entries.values())}, f, indent=1
        )
    os.replace(partial, spec.manifest_path)
