"""Optional dependencies: the ``notebooks`` extra, and a clear message when it is missing.

The core install (``pip install beyond-protocol``) reads, validates and analyses the data, draws
the figures, prints the claims ledger and builds the report; executing the notebooks
(``beyond-protocol run``) needs papermill and a Jupyter kernel: ``beyond-protocol[notebooks]``.
"""

from __future__ import annotations

import importlib.util

NOTEBOOKS_EXTRA = 'pip install "beyond-protocol[notebooks]"'
NOTEBOOK_MODULES = ("papermill", "ipykernel", "jupyter_client", "nbclient", "nbformat")


def missing_modules(names: tuple[str, ...] = NOTEBOOK_MODULES) -> list[str]:
    """The modules of ``names`` that cannot be imported here (found without importing them)."""
    missing = []
    for name in names:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing.append(name)
    return missing


def notebooks_extra_problem(command: str) -> str | None:
    """Why ``command`` cannot run without the notebooks extra, or None when it is installed."""
    missing = missing_modules()
    if not missing:
        return None
    return (f"`{command}` executes notebooks and needs the notebooks extra ({', '.join(missing)} not installed); "
            f"install it with: {NOTEBOOKS_EXTRA}")


__all__ = ["NOTEBOOKS_EXTRA", "NOTEBOOK_MODULES", "missing_modules", "notebooks_extra_problem"]
