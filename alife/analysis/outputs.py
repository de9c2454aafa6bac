"""Where reports and figures are written: each output path checked before anything is
written, so a refused report leaves every file as it was."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from alife.engine.store import check_output_path
from alife.errors import AlifeInputError

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def check_outputs(out_dir: str, names: Sequence[str], overwrite: bool) -> list[str]:
    """The paths of ``names`` in ``out_dir``, after checking none may not be written."""
    if os.path.exists(out_dir) and not os.path.isdir(out_dir):
        raise AlifeInputError(f"--out {out_dir!r} exists and is not a directory")
    paths = [os.path.join(out_dir, name) for name in names]
    for path in paths:
        check_output_path(path, overwrite, run_file=False)
    return paths


def check_figure_path(path: str, overwrite: bool) -> None:
    """Raise AlifeInputError unless a figure may be written at ``path``: a file name
    ending in an image format matplotlib writes (.png, .pdf, .svg, ...), not existing
    unless ``overwrite``."""
    from matplotlib.figure import Figure

    formats = Figure().canvas.get_supported_filetypes()
    suffix = os.path.splitext(path)[1].lower().lstrip(".")
    if suffix not in formats:
        raise AlifeInputError(
            f"figure file {path!r} does not end in an image format; use one of "
            f"{', '.join('.' + name for name in sorted(formats))}"
        )
    check_output_path(path, overwrite, run_file=False)


def save_figure(fig: Figure, path: str) -> None:
    """Write ``fig`` to ``path``, creating its folder."""
    folder = os.path.dirname(path)
    if folder:  # else the current folder
        os.makedirs(folder, exist_ok=True)
    fig.savefig(path)
