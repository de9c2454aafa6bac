"""scripts/study_loop_wrecks.py, which sorts the partners that destroy a second-placed
motif into its wrecks and the rest, checked against the run's own snapshots and against
``alife soup spread --transmission``."""

from __future__ import annotations

import importlib.util
import os
import sys

import numpy as np
from click.testing import CliRunner

from alife.analysis.spread import holding
from alife.cli import main
from alife.engine.store import open_run
from alife.substrates.programs.registry import get_language
from alife.substrates.programs.spread_view import run_spread

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "scripts", "study_loop_wrecks.py")
MOTIFS = ["{.>]", "]>.{"]
PALINDROME = "[[{.>]-]" + "0" * 48 + "]-]>.{[["


def _script():
    spec = importlib.util.spec_from_file_location("study_loop_wrecks", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


def _soup(path, every: int) -> None:
    args = ["soup", "run", "--programs", "256", "--epochs", "24", "--seed", "3"]
    args += ["--initial-program", PALINDROME * 4, "--mutation", "0", "--no-progress"]
    result = CliRunner().invoke(main, [*args, "--snapshot-every", str(every), "--out", path])
    assert result.exit_code == 0, result.output


def test_wrecks_are_the_programs_that_held_the_motif_at_an_earlier_epoch(tmp_path):
    every_epoch, sparse = str(tmp_path / "all.h5"), str(tmp_path / "sparse.h5")
    _soup(every_epoch, 1)
    _soup(sparse, 8)
    rows = list(_script().wreck_rows(sparse, MOTIFS))
    assert [r.epoch for r in rows] == [0, 8, 16, 24]
    motifs = [get_language("bff_noheads").parse_motif(text) for text in MOTIFS]
    with open_run(every_epoch) as run:
        held = np.array([holding(run.snapshot(e, "soup"), motifs) for e in range(25)])
    for r in rows:
        ever = held[: r.epoch + 1].any(axis=0) & ~held[r.epoch]
        assert (r.holders, r.ever_held) == (held[r.epoch].sum(), ever.sum())
    assert any(r.once for r in rows)  # the test sees wrecks met, not only fresh partners
    # without mutation the replayed tapes are the run's own: the same losses
    counts = run_spread(sparse, MOTIFS, transmission=True).transmission
    for r, (_, (met, _, lost)) in zip(rows, counts.tolist(), strict=True):
        assert (r.meetings, r.lost_once + r.lost_never) == (met, lost)
