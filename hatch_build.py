"""Build hook (hatchling): ship the data package and the notebooks inside the wheel.

``data/``, ``notebooks/`` and ``docs/codebook-notes.yml`` stay at the repository root, the source
of truth in a checkout. A wheel carries copies of them under ``analysis/package_data/`` (same
layout: ``data/``, ``notebooks/``, ``docs/``), where :mod:`analysis.paths` finds them with
:mod:`importlib.resources` once the package is installed. An editable install gets none: it
reads the working tree. The sdist includes these directories (pyproject.toml,
``[tool.hatch.build.targets.sdist]``), so a wheel built from the sdist carries them too.
"""

from __future__ import annotations

from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

TARGET = "analysis/package_data"
# What a user of the installed package reads: the data package, the notebooks `beyond-protocol run`
# executes with their default parameters, the codebook notes, the citation metadata.
SHIPPED = ("data/datapackage.json", "data/*.csv", "data/CHANGELOG.md", "notebooks/[0-9][0-9]_*.ipynb",
           "notebooks/params.yml", "docs/codebook-notes.yml", "CITATION.cff")
REQUIRED = ("data/datapackage.json", "notebooks/params.yml", "docs/codebook-notes.yml")


def shipped_files(root: Path) -> dict[str, str]:
    """Source path → path inside the wheel, for every file the wheel ships as package data."""
    missing = [name for name in REQUIRED if not (root / name).is_file()]
    if missing:
        raise FileNotFoundError(f"cannot build the wheel: {', '.join(missing)} not found under {root}")
    files = {}
    for pattern in SHIPPED:
        for path in sorted(root.glob(pattern)):
            if path.is_file():
                files[str(path)] = f"{TARGET}/{path.relative_to(root).as_posix()}"
    return files


class PackageDataHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name == "wheel" and version != "editable":
            build_data["force_include"].update(shipped_files(Path(self.root)))
