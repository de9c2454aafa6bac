"""The ``alife`` click group and its error handling."""

from __future__ import annotations

import math
import os

import click

from alife.errors import INT64_LIMIT, AlifeInputError


def _numbers(value: object) -> list[int | float]:
    """The numbers in an option's value: itself, or those of a tuple (nargs, multiple)."""
    values = value if isinstance(value, (tuple, list)) else [value]
    return [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]


class Command(click.Command):
    """A click command whose number options take only what a run can use: a float must
    be finite (no option means anything by NaN or infinity), and an integer must fit 64
    bits where its type sets no bound of its own (a seed's range reaches 2**64). A bad
    one gets click's one-line 'Invalid value' error before the command starts, not an
    overflow deep in numpy or h5py, nor a run of NaNs."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        rest = super().parse_args(ctx, args)
        if ctx.resilient_parsing:  # shell completion: nothing runs, nothing to refuse
            return rest
        for param in self.params:
            for value in _numbers(ctx.params.get(param.name)):
                problem = _number_problem(param.type, value)
                if problem:
                    raise click.BadParameter(f"{value} {problem}", ctx=ctx, param=param)
        return rest


def _number_problem(kind: click.ParamType, value: int | float) -> str | None:
    """Why ``value`` of an option of type ``kind`` is refused, or None."""
    if isinstance(kind, click.types.FloatParamType) and not math.isfinite(value):
        return "is not a finite number"
    if (
        isinstance(kind, click.types.IntParamType)
        and not (isinstance(kind, click.IntRange) and kind.max is not None)
        and not -INT64_LIMIT < value < INT64_LIMIT
    ):
        return "is beyond what a 64-bit integer holds (below 2**63)"
    return None


TORCH_ALLOCATION_FAILURE = "DefaultCPUAllocator: can't allocate memory"
"""How torch words a failed CPU allocation, which it raises as a RuntimeError."""
NUMPY_SIZE_FAILURES = ("Maximum allowed size exceeded", "array is too big;")
"""How numpy words, as a ValueError, an array of more bytes than an address can count
(``np.arange`` and ``np.zeros`` or random draws)."""


def _refuse_size(ctx: click.Context, detail: str) -> None:
    """Exit 2 with one line: the sizes asked for do not fit this machine's memory."""
    detail = f" ({detail})" if detail else ""
    click.echo(
        f"Error: this machine's memory cannot hold what was asked{detail}; choose smaller sizes",
        err=True,
    )
    ctx.exit(2)


class Group(click.Group):
    """A click group that reports bad input, an AlifeInputError or a click usage error
    of a subcommand (an option value out of range, an unknown option), as one line
    ``Error: ...`` on stderr with exit code 2, without click's usage lines. So is a
    path the system refuses (an OSError naming a file: a folder that cannot be made, a
    full disk), and sizes this machine's memory cannot hold. Its commands are
    :class:`Command`."""

    command_class = Command

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
        except MemoryError as err:
            _refuse_size(ctx, str(err))
        except RuntimeError as err:
            if TORCH_ALLOCATION_FAILURE not in str(err):
                raise
            _refuse_size(ctx, str(err).rpartition(TORCH_ALLOCATION_FAILURE)[2].strip(": "))
        except ValueError as err:
            if not str(err).startswith(NUMPY_SIZE_FAILURES):
                raise
            _refuse_size(ctx, "numpy: more bytes than a 64-bit address counts")


@click.group(cls=Group)
@click.version_option(package_name="alife")
def main() -> None:
    """alife: a laboratory for artificial life and self-replication."""
