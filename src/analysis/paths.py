"""Every path the package uses, in one place.

The project root is the directory that holds ``data/`` and ``notebooks/``. It is found
from this file's location (``src/analysis/paths.py``) for an editable or source install,
and can be overridden with the ``BEYOND_PROTOCOL_ROOT`` environment variable.
"""

from __future__ import annotations

import os
from pathlib import Path


def _find_root() -> Path:
    override = os.environ.get("BEYOND_PROTOCOL_ROOT")
    if override:
        return Path(override).resolve()
    return Path(__file__).resolve().parents[2]


PROJECT_ROOT: Path = _find_root()
DATA_DIR: Path = PROJECT_ROOT / "data"
DATAPACKAGE: Path = DATA_DIR / "datapackage.json"
DOCS_DIR: Path = PROJECT_ROOT / "docs"
CODEBOOK: Path = DOCS_DIR / "codebook.md"
CODEBOOK_NOTES: Path = DOCS_DIR / "codebook-notes.yml"
NOTEBOOKS_DIR: Path = PROJECT_ROOT / "notebooks"
FIGURES_DIR: Path = PROJECT_ROOT / "figures"
TABLES_DIR: Path = PROJECT_ROOT / "tables"
BUILD_DIR: Path = PROJECT_ROOT / "build"
