"""What a cellular-automaton run did, from its run file: the summary ``alife ca show``
prints and ``alife analyze`` writes.

For a Life-like, Lenia, Flow-Lenia or loop run (:data:`CA_SUBSTRATES`),
:func:`what_happened` puts into sentences when a Life-like grid stopped changing and
whether its last grid recurs (:func:`grid_period`), how a loop colony grew, how far and
fast a Lenia creature's mass centre travelled (:func:`centre_path`) and how its mass
drifted.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from alife.engine.records import RunRecords, read_records
from alife.engine.store import open_run

if TYPE_CHECKING:
    from rich.console import Console

PLOTTED = {
    "life": ("population", "changes"),
    "loops": ("population", "changes", "unknown"),
    "lenia": ("mass", "live"),
    "flow_lenia": ("mass_drift", "live", "peak"),
}
"""Substrate -> the metrics tabulated (:mod:`alife.analysis.measures`) and plotted."""

CA_SUBSTRATES = tuple(PLOTTED)
"""The substrates read here."""


def centre_path(metrics: dict, width: int, height: int) -> np.ndarray:
    """(k,) float64 distance in cells the mass centre travelled up to each record, along
    the shortest way across the torus seam between consecutive records (right while the
    creature moves less than half the world between records); NaN from the first record
    with no mass (an empty world has no centre)."""
    x, y = metrics["centroid_x"], metrics["centroid_y"]
    dx = (np.diff(x) + width / 2) % width - width / 2
    dy = (np.diff(y) + height / 2) % height - height / 2
    return np.concatenate([[0.0], np.cumsum(np.hypot(dx, dy))])


def first_still_record(epochs: np.ndarray, changes: np.ndarray) -> int | None:
    """The step of the first record from which no record saw a changed cell, or None
    when the last record saw changes (or there is no record after step 0, whose 0
    changes mean no previous grid rather than a still one)."""
    after_start = np.flatnonzero(epochs > 0)
    moving = after_start[changes[after_start] != 0]
    if not len(after_start) or (len(moving) and moving[-1] == len(changes) - 1):
        return None
    return int(epochs[moving[-1] + 1] if len(moving) else epochs[after_start[0]])


MAX_PERIOD = 64
"""Generations :func:`grid_period` looks ahead for the last Life grid to recur."""


def grid_period(packed: np.ndarray, config: dict, max_period: int = MAX_PERIOD) -> int | None:
    """The smallest p <= ``max_period`` with the Life-like grid ``packed`` ((H, words)
    uint64, as snapshots hold it) equal to itself p generations later under the run's
    rule, size and border (``config``: a life run's config); None if there is none."""
    from alife.substrates.ca.life import Stepper
    from alife.substrates.ca.rules import parse_rule

    stepper = Stepper(parse_rule(config["rule"]), int(config["width"]), bool(config["torus"]))
    cells, spare = packed.copy(), np.empty_like(packed)
    for period in range(1, max_period + 1):
        stepper.step(cells, spare)
        cells, spare = spare, cells
        if np.array_equal(cells, packed):
            return period
    return None


def _period_sentence(period: int | None, step: int) -> str:
    if period is None:
        return (
            f"the grid of generation {step} does not recur within {MAX_PERIOD} generations "
            f"(moving objects, or still evolving)"
        )
    kind = "a still life" if period == 1 else f"period {period} (oscillators)"
    return f"the grid of generation {step} recurs after {period} generation(s): {kind}"


def what_happened(run: RunRecords) -> list[str]:
    """Sentences on what the run did, from its records and, for a Life-like run, its
    last snapshot."""
    sentences = _record_sentences(run) if run.recorded else []
    if run.substrate == "life" and run.snapshots:
        with open_run(run.path) as handle:
            last = handle.snapshot(run.snapshots[-1])
        sentences.append(_period_sentence(grid_period(last, run.config), run.snapshots[-1]))
    return sentences


def _record_sentences(run: RunRecords) -> list[str]:
    metrics, unit = run.metrics, run.unit
    epochs = metrics["epoch"]
    sentences = []
    if run.substrate in ("life", "loops") and epochs[-1] > 0:
        still = first_still_record(epochs, metrics["changes"])
        sentences.append(
            f"no cell changed at any record from {unit} {still} on"
            if still is not None
            else f"changing at the last record: {int(metrics['changes'][-1]):,} cells changed "
            f"in {unit} {int(epochs[-1])}"
        )
        first, last = int(metrics["population"][0]), int(metrics["population"][-1])
        growth = f" (x{last / first:.3g})" if first else ""
        sentences.append(f"population {first:,} -> {last:,}{growth}")
    if run.substrate == "loops":
        missing = np.flatnonzero(metrics["unknown"])
        sentences.append(
            "every cell found its transition in the table"
            if not len(missing)
            else f"{len(missing)} of {len(epochs)} records had cells with no transition in "
            f"the table (they kept their state), first in {unit} {int(epochs[missing[0]])}"
        )
    if run.substrate in ("lenia", "flow_lenia"):
        mass = metrics["mass"]
        if mass[0]:
            change = mass[-1] / mass[0] - 1
            shown = f"{change:+.3%}" if abs(change) >= 1e-5 else f"{change:+.2g} relative"
            sentences.append(f"mass {mass[0]:.6g} -> {mass[-1]:.6g} ({shown})")
        empty = np.flatnonzero(mass == 0)
        if len(empty):
            sentences.append(f"the world emptied by {unit} {int(epochs[empty[0]])}")
        travelled = centre_path(metrics, int(run.config["width"]), int(run.config["height"]))
        span = epochs[-1] - epochs[0]
        if span and math.isfinite(travelled[-1]):
            sentences.append(
                f"the mass centre travelled {travelled[-1]:.1f} cells in {int(span):,} "
                f"{unit}s ({travelled[-1] / span:.3g} cells per {unit}), measured between "
                f"records {int(np.diff(epochs).max())} {unit}(s) apart at most"
            )
    return sentences


def print_ca_summary(path: str, console: Console | None = None) -> None:
    """Print the settings, the measures table and what happened of a CA run."""
    from rich.console import Console

    from alife.analysis.measures import print_settings_and_measures

    console = console or Console()
    run = read_records(path, CA_SUBSTRATES, "a CA summary")
    print_settings_and_measures(console, run, PLOTTED[run.substrate])
    for sentence in what_happened(run):
        console.print(f"- {sentence}", soft_wrap=True)
