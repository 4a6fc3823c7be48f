"""Execute one notebook with papermill into its private staging directory.

The notebook writes its figures and tables under ``build/staging/<stem>/out``; the executed
notebook is kept in ``build/notebooks/`` whatever happens (with its traceback if it failed).
The caller promotes the staged outputs only when the result is ``ok``. Whatever happens —
success, an error in a cell, a dead kernel, a timeout, an interrupt — the kernel is stopped
and reaped before :func:`execute` returns or raises.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from analysis.pipeline.fastimport import import_papermill
from analysis.pipeline.kernels import RUNNER_KERNEL, KernelWatch, kernel_environment, kernel_manager_class, reap
from analysis.pipeline.planning import Notebook
from analysis.pipeline.signals import signals_deferred


@dataclass
class Task:
    notebook: Notebook
    parameters: dict               # effective parameters, without output_dir
    output_root: Path
    build_dir: Path
    kernel_dir: Path               # where the runner's kernelspec is (kernels.runner_kernelspec)
    timeout: float | None
    progress: bool
    provenance: dict               # embedded in each figure's metadata
    watched: tuple[str, ...] = ()  # data directories whose files the kernel records when read
    expected_seconds: float = 0.0  # for scheduling the longest first


@dataclass
class Result:
    stem: str
    status: str                    # "ok", "failed" or "skipped" (up to date)
    seconds: float = 0.0
    outputs: list[str] = field(default_factory=list)
    message: str = ""
    executed: str = ""
    records: list[dict] = field(default_factory=list)
    staged: str = ""


def failed_cell(executed: Path) -> str:
    """The cell that was running when execution stopped, as an index of the executed notebook.

    papermill marks a cell 'failed' only for an error raised in it; after a timeout or a dead
    kernel the last cell that received an execution count is the one that was running.
    """
    try:
        nb = json.loads(executed.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    last = None
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("metadata", {}).get("papermill", {}).get("status") in ("running", "failed"):
            return f"cell {index}"
        if cell.get("cell_type") == "code" and cell.get("execution_count") is not None:
            last = index
    return "" if last is None else f"cell {last}"


def normalise_executed(path: Path) -> None:
    """Drop what varies between identical runs: papermill's and nbclient's time stamps."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    for meta in [nb.metadata.get("papermill", {})] + [c.metadata.get("papermill", {}) for c in nb.cells]:
        for key in ("start_time", "end_time", "duration"):
            if key in meta:
                meta[key] = None
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill gives it a random id
    nbformat.write(nb, path)


def read_records(record: Path) -> list[dict]:
    if not record.exists():
        return []
    return [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines() if line]


def execute(task: Task) -> Result:
    """Run one notebook into its staging directory; the caller promotes the outputs."""
    papermill = import_papermill()
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    nb = task.notebook
    staging = task.build_dir / "staging" / nb.stem
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "out").mkdir(parents=True)
    record = staging / "record.jsonl"
    staged_nb = staging / f"{nb.stem}.ipynb"
    executed = task.build_dir / "notebooks" / f"{nb.stem}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    environment = kernel_environment(record=record, watched=list(task.watched), provenance=task.provenance)
    parameters = dict(task.parameters, output_dir=str(staging / "out"))
    watch = KernelWatch()
    sockets = tempfile.mkdtemp(prefix="bp-")  # short: Unix socket paths are limited to ~100 characters
    manager = kernel_manager_class(task.kernel_dir, sockets, environment, watch, cwd=nb.path.parent)
    started = time.monotonic()
    status, message, records = "ok", "", []
    finished = False  # stays False while an interrupt (Ctrl-C, SIGTERM) propagates
    current = {"cell": None}  # index of the cell being executed (nbclient's hooks)

    def on_cell_execute(cell, cell_index, **_):
        current["cell"] = cell_index
        watch.busy = True

    def on_cell_executed(cell, cell_index, **_):
        watch.busy = False

    def where() -> str:
        return f"cell {current['cell']}" if current["cell"] is not None else failed_cell(staged_nb)
    try:
        papermill.execute_notebook(
            str(nb.path), str(staged_nb), parameters=parameters, kernel_name=RUNNER_KERNEL, language="python",
            progress_bar=task.progress, execution_timeout=task.timeout, start_timeout=120, record_timing=False,
            kernel_manager_class=manager, on_cell_execute=on_cell_execute, on_cell_executed=on_cell_executed)
    except papermill.PapermillExecutionError as exc:
        status, message = "failed", f"cell {exc.cell_index}: {exc.ename}: {exc.evalue}"
    except CellTimeoutError:
        status, message = "failed", f"{where()}: exceeded the per-cell timeout of {task.timeout:g} s"
    except DeadKernelError:
        status, message = "failed", f"{where()}: the kernel died"
    except Exception as exc:
        status, message = "failed", f"{where() or 'start'}: {type(exc).__name__}: {exc}"
    else:
        finished = True
    finally:
        with signals_deferred():
            reap(watch)
            # The executed notebook is kept whatever happened; staged outputs only if it succeeded.
            if staged_nb.exists():
                with contextlib.suppress(Exception):  # cut short mid-write by an interrupt: keep it as is
                    normalise_executed(staged_nb)
                staged_nb.replace(executed)
            if finished and status == "ok":
                records = read_records(record)   # what it read and wrote, for the manifests
            else:
                shutil.rmtree(staging, ignore_errors=True)
            shutil.rmtree(sockets, ignore_errors=True)
    return Result(nb.stem, status, time.monotonic() - started, [], message, str(executed), records,
                  str(staging / "out") if status == "ok" else "")


__all__ = ["Result", "Task", "execute", "failed_cell", "normalise_executed", "read_records"]
