"""Reading a text file the user named (a pattern, a rule table, a sweep file, ...)."""

from alife.errors import AlifeInputError


def read_user_text(path: str, what: str, expected: str) -> str:
    """The whole text of the UTF-8 file at ``path``, which the user gave as ``what``
    (e.g. ``"interactions file"``). Raises AlifeInputError with one sentence when the
    file cannot be read, or when it is not text, saying it should hold ``expected``
    (e.g. ``"lines 'a b' of program indices"``)."""
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as err:
        raise AlifeInputError(f"cannot read {what} {path!r}: {err.strerror or err}") from None
    except UnicodeDecodeError:
        raise AlifeInputError(f"{what} {path!r} is not text; it needs {expected}") from None
