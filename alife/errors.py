"""The one exception type for bad user input.

Every check of user input (configs, options, files) raises :class:`AlifeInputError` with one
sentence that names the bad value and what would be valid. It subclasses ``ValueError`` so a
notebook user can catch it as such; the CLI prints it on stderr and exits with code 2.
"""


class AlifeInputError(ValueError):
    """Bad input from the user: one sentence naming the bad value and what is valid."""
