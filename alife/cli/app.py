"""The ``alife`` click group and its error handling."""

from __future__ import annotations

import os

import click

from alife.errors import AlifeInputError


class Group(click.Group):
    """A click group that reports bad input, an AlifeInputError or a click usage error
    of a subcommand (an option value out of range, an unknown option), as one line
    ``Error: ...`` on stderr with exit code 2, without click's usage lines. So is a
    path the system refuses (an OSError naming a file: a folder that cannot be made, a
    full disk)."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except AlifeInputError as err:
            click.echo(f"Error: {err}", err=True)
            ctx.exit(2)
        except click.UsageError as err:
            click.echo(f"Error: {err.format_message()}", err=True)
            ctx.exit(2)
        except OSError as err:
            if err.filename is None:  # not about a path: a fault, shown whole
                raise
            reason = os.strerror(err.errno) if err.errno else str(err)
            click.echo(f"Error: {err.filename!r}: {reason}", err=True)
            ctx.exit(2)


@click.group(cls=Group)
@click.version_option(package_name="alife")
def main() -> None:
    """alife: a laboratory for artificial life and self-replication."""
