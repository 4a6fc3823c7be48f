"""What each notebook read and wrote: the state behind incremental runs, and the manifests.

After a notebook succeeds, ``build/state/<stem>.json`` records its fingerprint (the notebook,
its parameters, the library code, the software environment), the sha256 of every data file it
read and of every output it wrote, and how long it took. A later run skips the notebook while
all of that is byte-for-byte unchanged, and schedules the longest notebooks first.
"""

from __future__ import annotations

import json
from pathlib import Path

from analysis.exhibits.outputs import write_atomically
from analysis.pipeline import provenance
from analysis.pipeline.execution import Result, Task


def state_path(build_dir: Path, stem: str) -> Path:
    return build_dir / "state" / f"{stem}.json"


def read_state(build_dir: Path, stem: str) -> dict | None:
    path = state_path(build_dir, stem)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def fingerprint(task: Task, library: dict[str, str], environment: dict) -> dict:
    return {"notebook": provenance.sha256_file(task.notebook.path), "parameters": task.parameters,
            "library": provenance.sha256_json(library), "environment": environment}


def is_up_to_date(task: Task, library: dict[str, str], environment: dict) -> bool:
    """True when the notebook, its parameters, the library, the software environment, every
    data file it read and every output it wrote are what the last successful run recorded."""
    state = read_state(task.build_dir, task.notebook.stem)
    if state is None:
        return False
    if state.get("fingerprint") != json.loads(json.dumps(fingerprint(task, library, environment), default=str)):
        return False
    for name, digest in {**state["inputs"], **state["outputs"]}.items():
        file = (task.output_root / name) if name in state["outputs"] else provenance.resolve_display_path(name)
        if not file.exists() or provenance.sha256_file(file) != digest:
            return False
    return True


def expected_seconds(task: Task) -> float:
    """How long the notebook will take: its last recorded duration, else a guess from the size
    of its code (longer notebooks draw more figures), so the longest can be started first."""
    state = read_state(task.build_dir, task.notebook.stem)
    if state and isinstance(state.get("seconds"), int | float):
        return float(state["seconds"])
    try:
        cells = json.loads(task.notebook.path.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return 0.0
    return sum(len("".join(c.get("source", ""))) for c in cells if c.get("cell_type") == "code") / 1000


def cell_of(executed: Path, source: Path) -> dict[int, int]:
    """Execution count (as the kernel saw it while the cell ran) -> index of the cell in the
    *source* notebook, matched by cell id (the executed copy has papermill's extra cell)."""
    try:
        ran = json.loads(executed.read_text(encoding="utf-8"))
        ids = [c.get("id") for c in json.loads(source.read_text(encoding="utf-8"))["cells"]]
    except (OSError, ValueError, KeyError):
        return {}
    # IPython has already advanced its counter while a cell runs: the cell's own count + 1.
    return {c["execution_count"] + 1: ids.index(c.get("id")) for c in ran.get("cells", [])
            if c.get("cell_type") == "code" and c.get("execution_count") is not None and c.get("id") in ids}


def record_success(task: Task, result: Result, moved: list[Path], library: dict[str, str], environment: dict,
                   commit: str) -> None:
    """Write the notebook's manifest entries and its state (call while promoting)."""
    nb = task.notebook
    read = [r["path"] for r in result.records if r["kind"] == "input"]
    inputs = {provenance.display_path(nb.path): provenance.sha256_file(nb.path),
              **provenance.file_hashes(read), **library}
    cells = cell_of(Path(result.executed), nb.path)
    by_file = {}
    for r in result.records:
        if r["kind"] in ("figure", "table"):
            for f in r["files"]:
                by_file[Path(f).resolve()] = r
    staged_root = Path(result.staged).resolve()
    entries, outputs = {}, {}
    for target in moved:
        rel = target.relative_to(task.output_root).as_posix()
        digest = provenance.sha256_file(target)
        outputs[rel] = digest
        r = by_file.get((staged_root / rel).resolve())
        if r is None:
            continue
        entries[rel] = {"sha256": digest, "kind": r["kind"], "name": r["name"], "format": target.suffix[1:],
                        "caption": r.get("caption"), "notebook": provenance.display_path(nb.path),
                        "cell": cells.get(r.get("execution_count")), "parameters": task.parameters,
                        "inputs": inputs, "environment": environment,
                        "package_version": provenance.package_version(), "git_commit": commit}
    provenance.update_manifests(task.output_root, provenance.display_path(nb.path), entries)
    state = {"fingerprint": fingerprint(task, library, environment),
             "inputs": {k: v for k, v in inputs.items() if k not in library},
             "outputs": outputs, "seconds": round(result.seconds, 2)}
    write_atomically(state_path(task.build_dir, nb.stem),
                     (json.dumps(state, indent=1, sort_keys=True, default=str) + "\n").encode())
    result.outputs = sorted(str(p) for p in moved)


__all__ = ["cell_of", "expected_seconds", "fingerprint", "is_up_to_date", "read_state", "record_success",
           "state_path"]
