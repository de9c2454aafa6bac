"""The ``alife`` click group and its error handling."""

from __future__ import annotations

import click

from alife.errors import AlifeInputError


class Group(click.Group):
    """A click group that reports bad input, an AlifeInputError or a click usage error
    of a subcommand (an option value out of range, an unknown option), as one line
    ``Error: ...`` on stderr with exit code 2, without click's usage lines."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except AlifeInputError as err:
            click.echo(f"Error: {err}", err=True)
            ctx.exit(2)
        except click.UsageError as err:
            click.echo(f"Error: {err.format_message()}", err=True)
            ctx.exit(2)


@click.group(cls=Group)
@click.version_option(package_name="alife")
def main() -> None:
    """alife: a laboratory for artificial life and self-replication."""
