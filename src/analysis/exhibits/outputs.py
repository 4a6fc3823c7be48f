"""Where outputs go, how they are written, and the record of what a run wrote.

Every figure and table is written through :func:`write_atomically`, so a reader never sees a
half-written file, and announced through :func:`record_output`. When the runner executes a
notebook it sets ``BEYOND_PROTOCOL_RECORD`` to a JSON-lines file; each output then appends one
line (kind, name, files, caption, the kernel's execution count), from which the runner builds
the manifest. Outside the runner (JupyterLab, plain papermill) recording is a no-op. (Which
data files a notebook read is recorded by the runner itself, in the kernel: see
``analysis.pipeline.tracking``.)
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from analysis import paths

RECORD_ENV = "BEYOND_PROTOCOL_RECORD"
PROVENANCE_ENV = "BEYOND_PROTOCOL_PROVENANCE"  # JSON the runner passes for figure metadata


def resolve_output_dir(output_dir: str | Path | None) -> Path:
    """The root under which figures/ and tables/ are written ('' or None = the default output root)."""
    return Path(output_dir) if output_dir not in (None, "") else paths.OUTPUT_ROOT


def check_output_request(kind: str, name: str, formats, allowed: tuple[str, ...]) -> tuple[str, ...]:
    """Validate an output's file stem and formats; return the formats as a tuple."""
    if not name or not all(c.isalnum() or c in "_-" for c in name):
        raise ValueError(f"{kind} name must be letters, digits, '_' or '-': {name!r}")
    formats = tuple(formats)
    unknown = [f for f in formats if f not in allowed]
    if unknown or not formats:
        raise ValueError(f"unknown {kind} format(s) {unknown or formats!r}; use any of {', '.join(allowed)}")
    return formats


def write_atomically(path: Path, data: bytes) -> None:
    """Write bytes to ``path`` through a temporary file in the same directory and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _execution_count() -> int | None:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with ipykernel
        return None
    shell = get_ipython()
    return getattr(shell, "execution_count", None) if shell is not None else None


def record_output(kind: str, name: str, files: list[Path], caption: str | None = None) -> None:
    """Announce an output to the runner, if one is listening."""
    target = os.environ.get(RECORD_ENV)
    if not target:
        return
    entry = {"kind": kind, "name": name, "files": [str(Path(f)) for f in files],
             "caption": caption, "execution_count": _execution_count()}
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, sort_keys=True) + "\n")
