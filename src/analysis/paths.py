"""Every path the package uses, in one place.

Inputs (the data package, the notebooks, the codebook notes) are found under ``PROJECT_ROOT``,
which holds ``data/``, ``notebooks/`` and ``docs/``; outputs (``figures/``, ``tables/``,
``build/``, ``reports/``) go under ``OUTPUT_ROOT`` unless a command is given ``--output-dir``.

* **In a checkout** (a source or editable install: ``src/analysis/`` beside ``pyproject.toml``
  and ``data/``), the working tree is the source of truth: ``PROJECT_ROOT`` is the repository
  root, and outputs go there too.
* **Installed from a wheel**, the data package and the notebooks are package resources,
  read-only copies under ``analysis/package_data/`` read with :mod:`importlib.resources`;
  ``PROJECT_ROOT`` is that directory and ``INSTALLED`` is true. Outputs default to the
  current working directory (as of import), never to the installation.
* ``BEYOND_PROTOCOL_ROOT`` overrides both: a directory laid out like a checkout (``data/``,
  ``notebooks/``, ``docs/``), which also receives the outputs.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

ROOT_ENV = "BEYOND_PROTOCOL_ROOT"
RESOURCES = "package_data"          # analysis/package_data/ in a wheel (see hatch_build.py)


def checkout_root() -> Path | None:
    """The repository root when this module is ``<root>/src/analysis/paths.py`` of a checkout."""
    here = Path(__file__).resolve()
    root = here.parents[2]
    if here.parents[1].name == "src" and (root / "pyproject.toml").is_file() and (root / "data").is_dir():
        return root
    return None


def packaged_root() -> Path:
    """The directory of the package's resources (``data/``, ``notebooks/``, ``docs/``)."""
    root = resources.files(__package__) / RESOURCES
    if not isinstance(root, Path):     # a zip import: resources are not files on disk
        raise RuntimeError(f"beyond-protocol must be installed as files on disk, not imported from {root}")
    if not (root / "data" / "datapackage.json").is_file():
        raise RuntimeError(f"{root}: the data package is missing from this installation of beyond-protocol; "
                           "reinstall it from a wheel or an sdist, or set BEYOND_PROTOCOL_ROOT to a checkout")
    return root


def _working_directory() -> Path:
    try:
        return Path.cwd()
    except OSError:                    # the working directory was deleted
        return Path(os.path.abspath(os.sep))


def _find_roots() -> tuple[Path, Path, bool]:
    """(inputs root, default outputs root, installed?)."""
    override = os.environ.get(ROOT_ENV)
    if override:
        root = Path(override).resolve()
        return root, root, False
    root = checkout_root()
    if root is not None:
        return root, root, False
    return packaged_root(), _working_directory(), True


PROJECT_ROOT, OUTPUT_ROOT, INSTALLED = _find_roots()
DATA_DIR: Path = PROJECT_ROOT / "data"
DATAPACKAGE: Path = DATA_DIR / "datapackage.json"
DOCS_DIR: Path = PROJECT_ROOT / "docs"
CODEBOOK_NOTES: Path = DOCS_DIR / "codebook-notes.yml"
# The generated codebook: docs/codebook.md of a checkout; installed, `beyond-protocol codebook`
# writes codebook.md into the current directory.
CODEBOOK: Path = OUTPUT_ROOT / "codebook.md" if INSTALLED else DOCS_DIR / "codebook.md"
NOTEBOOKS_DIR: Path = PROJECT_ROOT / "notebooks"
FIGURES_DIR: Path = OUTPUT_ROOT / "figures"
TABLES_DIR: Path = OUTPUT_ROOT / "tables"
BUILD_DIR: Path = OUTPUT_ROOT / "build"
