"""alife: a laboratory for artificial life and self-replication."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("alife")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"
