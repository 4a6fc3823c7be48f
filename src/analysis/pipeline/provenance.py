"""Provenance of every output: content hashes, manifests, staleness, the list of exhibits.

The runner records, for every figure and table it promotes, the file's sha256, the notebook
and cell that wrote it, the parameters, the sha256 of every input (the notebook, each data file
the notebook actually read, each library module), the software environment (the Python
version, the versions of the distributions that shape outputs and, in a checkout, the sha256
of ``requirements.lock``), the package version and the git commit.
These entries live in ``figures/manifest.json`` and ``tables/manifest.json``; from them
:func:`compute_status` tells which outputs are current and which are stale, and
:func:`render_exhibits` writes the list of exhibits a replication reviewer asks for.

Everything is decided by content hashes, never by time stamps.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

from analysis import paths
from analysis.exhibits.outputs import write_atomically
from analysis.pipeline.promotion import read_consistently
from analysis.version import __version__

MANIFEST = "manifest.json"
KIND_DIR = {"figure": "figures", "table": "tables"}
LOCK_FILE = paths.PROJECT_ROOT / "requirements.lock"   # pinned versions, in a checkout
LOCK_KEY = "requirements.lock"
# Distributions whose version can change an output's bytes: data handling, plotting and fonts,
# notebook execution and its file format, parameters, LaTeX tables.
OUTPUT_DISTRIBUTIONS = (
    "pandas", "numpy", "matplotlib", "seaborn", "fonttools", "pillow", "contourpy", "kiwisolver", "pyparsing",
    "python-dateutil", "tzdata", "papermill", "nbclient", "nbformat", "ipykernel", "ipython", "jupyter-client",
    "pyyaml", "jinja2", "markupsafe",
)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_json(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()


def display_path(path: Path | str) -> str:
    """Project-relative POSIX path when inside the project, absolute otherwise."""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(paths.PROJECT_ROOT).as_posix()
    except ValueError:
        return resolved.as_posix()


def resolve_display_path(text: str) -> Path:
    path = Path(text)
    return path if path.is_absolute() else paths.PROJECT_ROOT / path


def library_hashes() -> dict[str, str]:
    """sha256 of every module of the library (any code change can change any output)."""
    package_dir = Path(paths.__file__).resolve().parent
    return {display_path(p): sha256_file(p) for p in sorted(package_dir.rglob("*.py"))}


def file_hashes(files) -> dict[str, str]:
    return {display_path(p): sha256_file(Path(p)) for p in sorted(set(map(str, files))) if Path(p).exists()}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def distribution_versions(names=OUTPUT_DISTRIBUTIONS) -> dict[str, str | None]:
    """Installed version of each distribution (None if absent), first found on ``sys.path``.

    Read from the ``*.dist-info`` directory names (one directory listing per path entry,
    about a millisecond), falling back to :mod:`importlib.metadata` for the rest.
    """
    wanted = {_normal(n): n for n in names}
    found: dict[str, str | None] = {}
    for entry in sys.path:
        try:
            listing = os.scandir(entry or ".")
        except OSError:
            continue
        with listing:
            for item in listing:
                if item.name.endswith(".dist-info"):
                    name, _, release = item.name[: -len(".dist-info")].partition("-")
                    original = wanted.get(_normal(name))
                    if original is not None and original not in found and release:
                        found[original] = release
    from importlib.metadata import PackageNotFoundError, version

    for name in names:
        if name not in found:
            try:
                found[name] = version(name)
            except PackageNotFoundError:
                found[name] = None
    return {name: found[name] for name in names}


def environment() -> dict[str, str | None]:
    """What of the software environment can change outputs: the Python version, the version of
    each of :data:`OUTPUT_DISTRIBUTIONS` and, in a checkout, the sha256 of ``requirements.lock``."""
    described: dict[str, str | None] = {"python": platform.python_version()}
    if LOCK_FILE.exists():
        described[LOCK_KEY] = sha256_file(LOCK_FILE)
    described.update(distribution_versions())
    return described


def environment_changes(recorded: dict | None, current: dict) -> list[str]:
    """Why an output made in ``recorded`` is stale in ``current``, e.g. 'matplotlib 3.11.2 → 3.11.3'."""
    if recorded is None:
        return ["the software environment was not recorded"]
    reasons = []
    for name in [LOCK_KEY, "python", *sorted((set(recorded) | set(current)) - {LOCK_KEY, "python"})]:
        old, new = recorded.get(name), current.get(name)
        if old == new:
            continue
        if name == LOCK_KEY:
            reasons.append(f"{LOCK_KEY} changed" if old and new else f"{LOCK_KEY} {'is gone' if old else 'appeared'}")
        else:
            reasons.append(f"{name} {old or 'not installed'} → {new or 'not installed'}")
    return reasons


def git_commit() -> str:
    """The commit of the working tree, 'uncommitted' if inputs differ from it, '' outside git
    (and for an installed package, whose inputs are no working tree)."""
    if paths.INSTALLED:
        return ""
    def git(*args):
        return subprocess.run(["git", "-C", str(paths.PROJECT_ROOT), *args], capture_output=True, text=True,
                              timeout=20)
    try:
        head = git("rev-parse", "HEAD")
    except (OSError, subprocess.SubprocessError):
        return ""
    if head.returncode != 0:
        return ""
    dirty = git("status", "--porcelain", "--", "data", "src", "notebooks", "pyproject.toml", "requirements.lock")
    return "uncommitted" if dirty.stdout.strip() else head.stdout.strip()


def read_manifest(directory: Path) -> dict:
    path = directory / MANIFEST
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8")).get("outputs", {})


def write_manifest(directory: Path, outputs: dict) -> Path:
    path = directory / MANIFEST
    document = {"description": "Provenance of every file in this directory: written by `beyond-protocol run`.",
                "outputs": dict(sorted(outputs.items()))}
    write_atomically(path, (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode())
    return path


def update_manifests(output_root: Path, notebook: str, entries: dict[str, dict]) -> None:
    """Replace the entries of ``notebook`` (by project-relative notebook path) with ``entries``."""
    for kind, sub in KIND_DIR.items():
        directory = output_root / sub
        current = {k: v for k, v in read_manifest(directory).items() if v.get("notebook") != notebook}
        current.update({k: v for k, v in entries.items() if v["kind"] == kind})
        if current or (directory / MANIFEST).exists():
            directory.mkdir(parents=True, exist_ok=True)
            write_manifest(directory, current)


def manifest_entries(output_root: Path) -> dict[str, dict]:
    entries = {}
    for sub in KIND_DIR.values():
        entries.update(read_manifest(output_root / sub))
    return entries


def compute_status(output_root: Path | None = None) -> list[dict]:
    """For every output in the manifests: 'current', 'stale' (an input or the software
    environment changed), 'modified' (the file no longer matches its recorded hash) or
    'missing'; with the reasons. Never reads a half-promoted state (see :mod:`.promotion`)."""
    output_root = Path(output_root) if output_root else paths.OUTPUT_ROOT
    return read_consistently(output_root, lambda: _status_rows(output_root))


def _status_rows(output_root: Path) -> list[dict]:
    rows = []
    cache: dict[str, str | None] = {}
    now = environment()

    def current_hash(name: str) -> str | None:
        if name not in cache:
            path = resolve_display_path(name)
            cache[name] = sha256_file(path) if path.exists() else None
        return cache[name]

    for output, entry in sorted(manifest_entries(output_root).items()):
        path = output_root / output
        reasons = []
        if not path.exists():
            status = "missing"
        else:
            changed = [name for name, digest in entry["inputs"].items() if current_hash(name) != digest]
            reasons = [f"{name} changed" if current_hash(name) else f"{name} is gone" for name in changed]
            reasons += environment_changes(entry.get("environment"), now)
            if reasons:
                status = "stale"
            elif sha256_file(path) != entry["sha256"]:
                status, reasons = "modified", ["the file differs from the one the run wrote"]
            else:
                status = "current"
        rows.append({"output": output, "notebook": entry["notebook"], "status": status, "reasons": reasons})
    return rows


def render_exhibits(output_root: Path | None = None) -> str:
    """The list of exhibits: every figure and table with its notebook, parameters and data."""
    output_root = Path(output_root) if output_root else paths.OUTPUT_ROOT
    entries = manifest_entries(output_root)
    exhibits: dict[tuple[str, str], dict] = {}
    for output, entry in entries.items():
        key = (entry["kind"], entry["name"])
        exhibit = exhibits.setdefault(key, {**entry, "files": []})
        exhibit["files"].append(output)
    lines = ["# List of exhibits", "",
             "Generated by `beyond-protocol run` from figures/manifest.json and tables/manifest.json: every "
             "figure and table, the notebook and parameters that made it, and the data it read "
             "(sha256 prefixes; full hashes in the manifests).", ""]
    for kind, title in (("figure", "Figures"), ("table", "Tables")):
        chosen = sorted((k, v) for k, v in exhibits.items() if k[0] == kind)
        if not chosen:
            continue
        lines += [f"## {title}", ""]
        for (_, name), e in chosen:
            params = ", ".join(f"{k}={json.dumps(v)}" for k, v in sorted(e["parameters"].items()))
            data = ", ".join(f"`{n}` ({d[:12]})" for n, d in sorted(e["inputs"].items()) if n.endswith((".csv", ".json")))
            lines += [f"### {name}", "",
                      f"{e.get('caption') or ''}", "",
                      f"- Files: {', '.join(f'`{f}`' for f in sorted(e['files']))}",
                      f"- Notebook: `{e['notebook']}`, cell {e['cell']}",
                      f"- Parameters: {params}",
                      f"- Data read: {data}",
                      f"- Package {e['package_version']}, commit `{e['git_commit'] or 'n/a'}`", ""]
    return "\n".join(lines).rstrip() + "\n"


def package_version() -> str:
    return __version__
