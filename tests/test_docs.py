"""The README's Python example runs as printed (from a fresh folder)."""

from __future__ import annotations

import os
import re

import pytest

README = os.path.join(os.path.dirname(__file__), os.pardir, "README.md")


def _python_blocks(path: str) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return re.findall(r"```python\n(.*?)```", f.read(), re.S)


@pytest.mark.slow
def test_the_readme_python_example_runs_as_printed(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    example = next(b for b in _python_blocks(README) if "start_run(" in b)
    namespace: dict = {}
    exec(compile(example, "README.md", "exec"), namespace)
    printed = capsys.readouterr().out.splitlines()
    assert printed[0][:64] == printed[0][64:128]  # "the blank half now holds a copy"
    assert namespace["soup"].shape == (4096, 64) and (tmp_path / "runs" / "a.h5").exists()
