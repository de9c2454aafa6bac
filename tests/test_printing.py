"""Tables and programs printed whole, however narrow the console."""

import io

import numpy as np
from click.testing import CliRunner
from rich.console import Console
from rich.table import Table

from alife.cli import main
from alife.engine.store import open_run
from alife.printing import print_uncut
from alife.substrates.programs import get_language


def test_a_cell_wider_than_the_console_is_printed_whole():
    console = Console(file=io.StringIO(), width=40)
    table = Table()
    table.add_column("program", no_wrap=True)
    cell = "0123456789ABCDEF" * 8
    table.add_row(cell)
    line = " ".join(["words"] * 20)
    print_uncut(console, table, line)
    printed = console.file.getvalue()
    assert cell in printed
    assert line in [row.rstrip() for row in printed.splitlines()]  # not wrapped
    assert console.width == 40


def test_soup_show_prints_forth_programs_whole(tmp_path):
    out = str(tmp_path / "f.h5")
    run = ["soup", "run", "--language", "forth", "--programs", "64", "--epochs", "2"]
    assert CliRunner().invoke(main, [*run, "--out", out]).exit_code == 0
    result = CliRunner().invoke(main, ["soup", "show", out, "--top", "64"])
    assert result.exit_code == 0, result.output
    with open_run(out) as r:
        soup = r.snapshot(2)
    forth = get_language("forth")
    for program in np.unique(soup, axis=0):
        text = forth.disassemble(program)
        assert len(text) == 128 and text in result.stdout


def test_soup_show_folds_a_long_setting_whole(tmp_path):
    out = str(tmp_path / "p.h5")
    program = ("[[{.>]-]" + "0" * 48 + "]-]>.{[[") * 4  # 256 characters
    run = ["soup", "run", "--programs", "64", "--epochs", "2", "--initial-program", program]
    assert CliRunner().invoke(main, [*run, "--out", out]).exit_code == 0
    result = CliRunner().invoke(main, ["soup", "show", out, "--top", "1"])
    assert result.exit_code == 0, result.output
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in result.output.splitlines()]
    start = next(i for i, row in enumerate(rows) if row and row[0] == "initial_program")
    pieces = [rows[start][1]]
    for row in rows[start + 1 :]:
        if row[0]:  # the next setting
            break
        pieces.append(row[1])
    assert len(pieces) == 3 and all(len(p) <= 100 for p in pieces)
    assert "".join(pieces) == program
