"""``python -m alife`` runs the command-line interface."""

from alife.cli import main

main()
