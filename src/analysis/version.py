"""The installed package's version (no heavy imports)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("beyond-protocol")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"
