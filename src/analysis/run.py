"""Execute the analysis notebooks headlessly with papermill.

``beyond-protocol run`` (and ``make reproduce``) goes through four steps:

1. **Plan.** Discover the notebooks, read each one's ``parameters`` cell, merge the committed
   defaults (``notebooks/params.yml``), a ``--params-file`` and ``-p NAME=VALUE`` overrides.
2. **Check, before any kernel starts.** Unknown names, wrong types and impossible values
   (start after end, unknown level) are refused with exit code 2, and so is invalid data.
3. **Execute** each notebook in a fresh kernel of this environment. The notebook writes its
   figures and tables into a private staging directory; the executed notebook is kept in
   ``build/notebooks/`` whatever happens.
4. **Promote.** Only when a notebook succeeds are its staged outputs moved into ``figures/`` and
   ``tables/``; a failing notebook leaves the previous outputs untouched and the run goes on
   with the others, then exits with 1.
"""

from __future__ import annotations

import ast
import datetime as _dt
import json
import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import paths
from .outputs import RECORD_ENV
from .parameters import ParameterSpec, check_parameters, check_person_ids, check_types

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
RUNNER_KERNEL = "beyond-protocol-runner"
# Fixed epoch for byte-stable outputs (matplotlib reads it for PDF/SVG dates); 2000-01-01.
DEFAULT_SOURCE_DATE_EPOCH = "946684800"


class RunError(Exception):
    """A problem found before execution; exit code 2."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Notebook:
    stem: str                      # "02_meeting_frequency"
    path: Path
    specs: dict[str, ParameterSpec]

    @property
    def short(self) -> str:        # "meeting_frequency"
        return self.stem.split("_", 1)[1]


@dataclass
class Task:
    notebook: Notebook
    parameters: dict
    output_dir: Path
    build_dir: Path
    kernel_name: str
    timeout: float | None
    progress: bool
    jupyter_path: str


@dataclass
class Result:
    stem: str
    status: str                    # "ok" or "failed"
    seconds: float
    outputs: list[str] = field(default_factory=list)
    message: str = ""
    executed: str = ""
    records: list[dict] = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# Plan


def discover_notebooks(directory: Path | None = None) -> list[Notebook]:
    """The numbered notebooks of ``directory`` with the parameters their cells declare."""
    import papermill

    directory = directory or paths.NOTEBOOKS_DIR
    notebooks = []
    for path in sorted(directory.glob(NOTEBOOK_GLOB)):
        declared = papermill.inspect_notebook(str(path))
        specs = {name: ParameterSpec(name, (p.get("inferred_type_name") or "None").split("[")[0],
                                     _literal(p.get("default")), p.get("help") or "")
                 for name, p in declared.items()}
        notebooks.append(Notebook(path.stem, path, specs))
    return notebooks


def _literal(text):
    """A parameter default as papermill reports it (its source text) → a Python value."""
    if text is None:
        return None
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def select_notebooks(notebooks: list[Notebook], names: list[str]) -> list[Notebook]:
    """Notebooks named by stem ('02_meeting_frequency'), short name ('meeting_frequency') or number."""
    if not names:
        return notebooks
    chosen, problems = [], []
    for name in names:
        matches = [nb for nb in notebooks if name in (nb.stem, nb.short, nb.stem.split("_", 1)[0])]
        if not matches:
            problems.append(f"notebook '{name}': no such notebook (choose from: "
                            + ", ".join(nb.short for nb in notebooks) + ")")
        chosen += [m for m in matches if m not in chosen]
    if problems:
        raise RunError(problems)
    return chosen


def parse_override(text: str) -> tuple[str, object]:
    """``NAME=VALUE`` with VALUE read as YAML (``1990``, ``true``, ``[leader, minister]``, ``text``)."""
    name, sep, raw = text.partition("=")
    if not sep or not name.strip():
        raise RunError([f"-p {text!r}: expected NAME=VALUE"])
    try:
        value = yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError as exc:
        raise RunError([f"-p {text!r}: cannot read the value ({exc.problem})"]) from None
    return name.strip(), ("" if value is None else value)


def load_params_file(path: Path) -> tuple[dict, dict]:
    """(defaults for all notebooks, {notebook stem or short name: parameters})."""
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise RunError([f"{path}: parameters file not found"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise RunError([f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})"]) from None
    if not isinstance(content, dict) or set(content) - {"defaults", "notebooks"}:
        raise RunError([f"{path}: expected a mapping with the keys 'defaults' and 'notebooks'"])
    defaults, per_notebook = content.get("defaults") or {}, content.get("notebooks") or {}
    if not isinstance(defaults, dict) or not isinstance(per_notebook, dict):
        raise RunError([f"{path}: 'defaults' and 'notebooks' must be mappings"])
    return defaults, per_notebook


def plan(notebooks: list[Notebook], *, params_files: list[Path], overrides: dict,
         available: list[Notebook] | None = None) -> list[tuple[Notebook, dict]]:
    """Effective parameters per notebook; raise RunError listing every problem.

    ``available`` are all notebooks of the directory (default: ``notebooks``): a parameters
    file may configure notebooks that are not selected for this run.
    """
    available = available if available is not None else notebooks
    problems: list[str] = []
    declared_anywhere = set().union(*(nb.specs for nb in notebooks)) if notebooks else set()
    layers: list[tuple[str, dict, dict]] = []
    for path in params_files:
        defaults, per_notebook = load_params_file(path)
        layers.append((str(path), defaults, per_notebook))
        known = {nb.stem for nb in available} | {nb.short for nb in available}
        for key in per_notebook:
            if key not in known:
                problems.append(f"{path}: notebooks.{key}: no such notebook")
    for name in overrides:
        if name not in declared_anywhere:
            problems.append(f"parameter '{name}': value {overrides[name]!r} — unknown parameter "
                            f"(the notebooks have: {', '.join(sorted(declared_anywhere))})")
    planned = []
    for nb in notebooks:
        values: dict = {}
        for source, defaults, per_notebook in layers:
            values.update({k: v for k, v in defaults.items() if k in nb.specs})
            unknown_defaults = [k for k in defaults if k not in declared_anywhere]
            problems += [f"{source}: defaults.{k}: no notebook declares this parameter" for k in unknown_defaults
                         if f"{source}: defaults.{k}: no notebook declares this parameter" not in problems]
            specific = per_notebook.get(nb.stem, per_notebook.get(nb.short, {})) or {}
            problems += [f"{source}: notebooks.{nb.stem}.{p}" for p in check_types(specific, nb.specs)]
            values.update(specific)
        values.update({k: v for k, v in overrides.items() if k in nb.specs})
        problems += [f"{nb.stem}: {p}" for p in check_parameters(values, nb.specs)
                     if not any(p in q for q in problems)]
        planned.append((nb, values))
    if problems:
        raise RunError(problems)
    return planned


def check_data(planned: list[tuple[Notebook, dict]]) -> None:
    """Validate every data directory the plan reads, and person parameters against it."""
    from .load import load_dataset
    from .validate import DataValidationError

    problems, seen = [], {}
    for nb, values in planned:
        data_dir = values.get("data_dir") or ""
        if data_dir not in seen:
            try:
                seen[data_dir] = load_dataset(data_dir or None)
            except DataValidationError as exc:
                seen[data_dir] = None
                problems.append(str(exc))
        dataset = seen[data_dir]
        if dataset is not None:
            problems += [f"{nb.stem}: {p}" for p in check_person_ids(values, dataset.persons["person_id"])]
    if problems:
        raise RunError(problems)


# ---------------------------------------------------------------------------------------
# Execute


def runner_kernelspec(build_dir: Path) -> tuple[str, str]:
    """A kernelspec that runs *this* interpreter, found first via JUPYTER_PATH.

    Relying on the notebook's kernelspec name could pick up a stale user-level kernel of
    another environment; the runner's own spec always points at ``sys.executable``.
    """
    root = build_dir / "jupyter"
    spec_dir = root / "kernels" / RUNNER_KERNEL
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "beyond-protocol (runner)", "language": "python",
            "metadata": {"debugger": False}}
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
    existing = os.environ.get("JUPYTER_PATH")
    return RUNNER_KERNEL, os.pathsep.join([str(root), existing] if existing else [str(root)])


def _failed_cell(executed: Path) -> str:
    """Locate the cell that was running or failed, from papermill's per-cell status."""
    try:
        nb = json.loads(executed.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    for index, cell in enumerate(nb.get("cells", [])):
        status = cell.get("metadata", {}).get("papermill", {}).get("status")
        if status in ("running", "failed"):
            return f"cell {index}"
    return ""


def _ipc_kernel_manager_class():
    """A kernel manager that talks to the kernel over IPC (Unix sockets), not TCP ports.

    Kernels started in parallel then cannot race for the same TCP port (papermill #511),
    and no port is opened on the network at all.
    """
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class IPCKernelManager(AsyncKernelManager):
        @default("transport")
        def _default_transport(self):
            return "ipc"

    return IPCKernelManager


@contextmanager
def _environment(updates: dict[str, str]):
    """Set environment variables for the kernel (it inherits them) and restore them after."""
    saved = {k: os.environ.get(k) for k in updates}
    os.environ.update(updates)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def execute(task: Task) -> Result:
    """Run one notebook into a staging directory; promote its outputs only on success."""
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    nb = task.notebook
    staging = task.build_dir / "staging" / nb.stem
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "out").mkdir(parents=True)
    record = staging / "record.jsonl"
    staged_nb = staging / f"{nb.stem}.ipynb"
    executed = task.build_dir / "notebooks" / f"{nb.stem}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)

    environment = {RECORD_ENV: str(record), "PYTHONHASHSEED": "0",
                   "JUPYTER_PATH": task.jupyter_path,
                   "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", DEFAULT_SOURCE_DATE_EPOCH)}
    parameters = dict(task.parameters, output_dir=str(staging / "out"))
    started = time.monotonic()
    status, message, outputs, records = "ok", "", [], []
    finished = False  # False while an interrupt (Ctrl-C, SIGTERM) propagates through `finally`
    try:
        with _environment(environment):
            papermill.execute_notebook(
                str(nb.path), str(staged_nb), parameters=parameters, kernel_name=task.kernel_name,
                language="python", progress_bar=task.progress, cwd=str(nb.path.parent),
                execution_timeout=task.timeout, start_timeout=120,
                kernel_manager_class=_ipc_kernel_manager_class())
    except papermill.PapermillExecutionError as exc:
        status, message = "failed", f"cell {exc.cell_index}: {exc.ename}: {exc.evalue}"
    except CellTimeoutError:
        status, message = "failed", f"{_failed_cell(staged_nb)}: exceeded the per-cell timeout of {task.timeout:g} s"
    except DeadKernelError:
        status, message = "failed", f"{_failed_cell(staged_nb)}: the kernel died"
    except Exception as exc:  # noqa: BLE001 - any other failure is reported, not raised
        status, message = "failed", f"{type(exc).__name__}: {exc}"
    else:
        finished = True
    finally:
        # Keep the executed notebook whatever happened; drop staged outputs unless promoted below.
        if staged_nb.exists():
            os.replace(staged_nb, executed)
        if record.exists():
            records = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines() if line]
        if finished:
            outputs = _promote(staging / "out", task.output_dir)
        shutil.rmtree(staging, ignore_errors=True)
    seconds = time.monotonic() - started
    return Result(nb.stem, status, seconds, outputs, message, str(executed), records)


def _promote(staged_root: Path, output_dir: Path) -> list[str]:
    """Move staged outputs into place, file by file with atomic renames."""
    moved = []
    for source in sorted(p for p in staged_root.rglob("*") if p.is_file()):
        target = output_dir / source.relative_to(staged_root)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(source, target)
        except OSError:  # different file system: copy next to the target, then rename
            tmp = target.with_name(f".{target.name}.tmp")
            shutil.copy2(source, tmp)
            os.replace(tmp, target)
        moved.append(str(target))
    return moved


def _execute_in_subprocess(task: Task) -> Result:
    return execute(task)


# ---------------------------------------------------------------------------------------
# Report


def _rel(path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return path


def format_summary(results: list[Result]) -> str:
    rows = [("notebook", "status", "time", "outputs")]
    rows += [(r.stem, r.status, f"{r.seconds:.1f} s", str(len(r.outputs))) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    failed = [r for r in results if r.status != "ok"]
    for r in failed:
        lines.append(f"FAILED {r.stem}: {r.message}")
        lines.append(f"       executed notebook kept at {_rel(r.executed)}")
    return "\n".join(lines)


def run(names: list[str] | None = None, *, overrides: dict | None = None, params_file: Path | None = None,
        output_dir: Path | None = None, jobs: int = 1, timeout: float | None = None,
        progress: bool = True, notebooks_dir: Path | None = None, stream=None) -> int:
    """Run the notebooks; return the exit code (0 ok, 1 a notebook failed, 2 bad input)."""
    def say(text: str) -> None:
        print(text, file=stream or sys.stdout, flush=True)

    try:
        notebooks_dir = Path(notebooks_dir) if notebooks_dir else paths.NOTEBOOKS_DIR
        available = discover_notebooks(notebooks_dir)
        notebooks = select_notebooks(available, list(names or []))
        defaults_file = notebooks_dir / "params.yml"
        files = ([defaults_file] if defaults_file.exists() else []) + ([Path(params_file)] if params_file else [])
        planned = plan(notebooks, params_files=files, overrides=dict(overrides or {}), available=available)
        check_data(planned)
        if jobs < 1:
            raise RunError([f"--jobs: value {jobs} — must be at least 1"])
        if timeout is not None and timeout <= 0:
            raise RunError([f"--timeout: value {timeout:g} — must be positive"])
    except RunError as exc:
        say("refused before running anything:")
        for problem in exc.problems:
            say("  " + problem.replace("\n", "\n  "))
        return EXIT_BAD_INPUT

    # --output-dir, else an output_dir parameter, else the project root.
    requested = output_dir or next((v["output_dir"] for _, v in planned if v.get("output_dir")), None)
    output_root = Path(requested) if requested else paths.PROJECT_ROOT
    build_dir = (output_root / "build") if requested else paths.BUILD_DIR
    kernel_name, jupyter_path = runner_kernelspec(build_dir)
    tasks = [Task(nb, values, output_root, build_dir, kernel_name, timeout, progress and jobs == 1, jupyter_path)
             for nb, values in planned]
    say(f"running {len(tasks)} notebook(s) with {jobs} job(s) "
        f"[{_dt.datetime.now().strftime('%H:%M:%S')}]")
    results: list[Result] = []
    if jobs == 1:
        for i, task in enumerate(tasks, 1):
            say(f"[{i}/{len(tasks)}] {task.notebook.stem} ...")
            result = execute(task)
            say(f"[{i}/{len(tasks)}] {result.stem}: {result.status} ({result.seconds:.1f} s, "
                f"{len(result.outputs)} outputs)")
            results.append(result)
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(_execute_in_subprocess, t) for t in tasks]
            for i, future in enumerate(futures, 1):
                result = future.result()
                say(f"[{i}/{len(tasks)}] {result.stem}: {result.status} ({result.seconds:.1f} s)")
                results.append(result)
    say("")
    say(format_summary(results))
    return EXIT_OK if all(r.status == "ok" for r in results) else EXIT_FAILED
