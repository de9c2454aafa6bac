"""The ``alife`` command line: a thin shell over the Python API, a module per command
group (soup, ca, gard, quine, bench; view and render; sweep, analyze, show and list), with the
options they share in :mod:`alife.cli.options`.

Bad input ends with one sentence on stderr and exit code 2, before any file is touched.
"""

from alife.cli.app import main
from alife.cli.bench import bench
from alife.cli.ca import ca
from alife.cli.gard import gard
from alife.cli.quine import quine
from alife.cli.soup import soup
from alife.cli.studies import analyze, list_command, show, sweep
from alife.cli.viewing import render, view

for command in (soup, ca, gard, quine, bench, show, list_command, view, render, sweep, analyze):
    main.add_command(command)

__all__ = ["main"]
