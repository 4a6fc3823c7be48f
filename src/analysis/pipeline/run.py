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
import csv
import json
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from analysis import paths
from analysis.exhibits.outputs import PROVENANCE_ENV, RECORD_ENV, write_atomically
from analysis.pipeline import provenance
from analysis.pipeline.parameters import ParameterSpec, check_parameters, check_person_ids, check_types

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
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
    parameters: dict               # effective parameters, without output_dir
    output_root: Path
    build_dir: Path
    kernel_name: str
    jupyter_path: str
    timeout: float | None
    progress: bool
    provenance: dict               # embedded in each figure's metadata


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


# ---------------------------------------------------------------------------------------
# Plan


def _cache(cache_dir: Path | None, name: str, key: str, compute):
    """A JSON value computed once per content key (cache_dir None: no caching)."""
    path = cache_dir / "cache" / f"{name}.json" if cache_dir else None
    if path is not None and path.exists():
        try:
            cached = json.loads(path.read_text(encoding="utf-8"))
            if cached.get("key") == key:
                return cached["value"]
        except ValueError:
            pass
    value = compute()
    if path is not None:
        write_atomically(path, json.dumps({"key": key, "value": value}, sort_keys=True).encode())
    return value


def discover_notebooks(directory: Path | None = None, *, cache_dir: Path | None = None) -> list[Notebook]:
    """The numbered notebooks of ``directory`` with the parameters their cells declare.

    The parameters are read by papermill itself (``inspect_notebook``), so what is checked is
    exactly what papermill will inject; the result is cached per notebook content.
    """
    directory = directory or paths.NOTEBOOKS_DIR
    notebooks = []
    for path in sorted(directory.glob(NOTEBOOK_GLOB)):
        def inspect(path=path):
            import papermill

            return papermill.inspect_notebook(str(path))

        declared = _cache(cache_dir, f"parameters-{path.stem}", provenance.sha256_file(path), inspect)
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


def check_data(planned: list[tuple[Notebook, dict]], *, cache_dir: Path | None = None) -> None:
    """Validate every data directory the plan reads, and person parameters against it.

    A directory whose files and validation code are byte-for-byte those of an earlier
    successful validation is not validated again (content-hash cache).
    """
    from analysis.data.validate import DataValidationError, validate_dataset

    problems, person_ids = [], {}
    for nb, values in planned:
        data_dir = values.get("data_dir") or ""
        if data_dir not in person_ids:
            directory = Path(data_dir) if data_dir else paths.DATA_DIR
            files = [*sorted(directory.glob("*.csv")), paths.DATAPACKAGE]
            code = [Path(paths.__file__).with_name("data") / m for m in ("validate.py", "schema.py")]
            key = provenance.sha256_json([provenance.file_hashes(files), provenance.file_hashes(code),
                                          str(directory.resolve())])

            def validate(directory=directory):
                validate_dataset(directory)
                with open(directory / "persons.csv", newline="", encoding="utf-8") as handle:
                    return sorted(row["person_id"] for row in csv.DictReader(handle))
            try:
                person_ids[data_dir] = _cache(cache_dir, "validated-" + provenance.sha256_json(str(directory.resolve()))[:12],
                                              key, validate)
            except DataValidationError as exc:
                person_ids[data_dir] = None
                problems.append(str(exc))
        if person_ids[data_dir] is not None:
            problems += [f"{nb.stem}: {p}" for p in check_person_ids(values, person_ids[data_dir])]
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


def _ipc_kernel_manager_class(socket_dir: str):
    """A kernel manager that talks to its kernel over IPC (Unix sockets) in ``socket_dir``.

    No TCP port is opened, so kernels started in parallel cannot race for a port (papermill
    #511); each kernel gets its own short socket directory (Unix socket paths are limited to
    about 100 characters), so parallel kernels cannot collide on socket names either.
    """
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class IPCKernelManager(AsyncKernelManager):
        @default("transport")
        def _default_transport(self):
            return "ipc"

        @default("ip")
        def _default_ip(self):
            return os.path.join(socket_dir, "kernel")

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


def _normalise_executed(path: Path) -> None:
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


def execute(task: Task) -> Result:
    """Run one notebook into its staging directory; the caller promotes the outputs."""
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

    environment = {RECORD_ENV: str(record), "PYTHONHASHSEED": "0", "JUPYTER_PATH": task.jupyter_path,
                   PROVENANCE_ENV: json.dumps(task.provenance, sort_keys=True),
                   "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", DEFAULT_SOURCE_DATE_EPOCH)}
    parameters = dict(task.parameters, output_dir=str(staging / "out"))
    sockets = tempfile.mkdtemp(prefix="bp-")
    started = time.monotonic()
    status, message, records = "ok", "", []
    finished = False  # stays False while an interrupt (Ctrl-C, SIGTERM) propagates
    current = {"cell": None}  # index of the cell being executed (nbclient's on_cell_execute hook)

    def on_cell_execute(cell, cell_index):
        current["cell"] = cell_index

    def where() -> str:
        return f"cell {current['cell']}" if current["cell"] is not None else _failed_cell(staged_nb)
    try:
        with _environment(environment):
            papermill.execute_notebook(
                str(nb.path), str(staged_nb), parameters=parameters, kernel_name=task.kernel_name,
                language="python", progress_bar=task.progress, cwd=str(nb.path.parent),
                execution_timeout=task.timeout, start_timeout=120, record_timing=False,
                kernel_manager_class=_ipc_kernel_manager_class(sockets), on_cell_execute=on_cell_execute)
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
        # The executed notebook is kept whatever happened; staged outputs only if it succeeded.
        if staged_nb.exists():
            _normalise_executed(staged_nb)
            os.replace(staged_nb, executed)
        if record.exists():
            records = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines() if line]
        if not finished or status != "ok":
            shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(sockets, ignore_errors=True)
    return Result(nb.stem, status, time.monotonic() - started, [], message, str(executed), records,
                  str(staging / "out") if status == "ok" else "")


@contextmanager
def _signals_deferred():
    """Hold SIGINT/SIGTERM while outputs are moved into place, so a promotion is never half done."""
    held = {signal.SIGINT, signal.SIGTERM}
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _promote(staged_root: Path, output_root: Path) -> list[Path]:
    """Move staged outputs into place, each with an atomic rename."""
    moved = []
    with _signals_deferred():
        for source in sorted(p for p in staged_root.rglob("*") if p.is_file()):
            target = output_root / source.relative_to(staged_root)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.replace(source, target)
            except OSError:  # another file system: copy beside the target, then rename
                tmp = target.with_name(f".{target.name}.tmp")
                shutil.copy2(source, tmp)
                os.replace(tmp, target)
            moved.append(target)
    return moved


# ---------------------------------------------------------------------------------------
# State: what each notebook read and wrote, for incremental runs and the manifests


def _state_path(build_dir: Path, stem: str) -> Path:
    return build_dir / "state" / f"{stem}.json"


def _cell_of(executed: Path, source: Path) -> dict[int, int]:
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


def _fingerprint(task: Task, library: dict[str, str]) -> dict:
    return {"notebook": provenance.sha256_file(task.notebook.path), "parameters": task.parameters,
            "library": provenance.sha256_json(library)}


def is_up_to_date(task: Task, library: dict[str, str]) -> bool:
    """True when the notebook, its parameters, the library, every data file it read and every
    output it wrote are byte-for-byte what the last successful run recorded."""
    path = _state_path(task.build_dir, task.notebook.stem)
    if not path.exists():
        return False
    state = json.loads(path.read_text(encoding="utf-8"))
    if state.get("fingerprint") != json.loads(json.dumps(_fingerprint(task, library), default=str)):
        return False
    for name, digest in {**state["inputs"], **state["outputs"]}.items():
        file = (task.output_root / name) if name in state["outputs"] else provenance.resolve_display_path(name)
        if not file.exists() or provenance.sha256_file(file) != digest:
            return False
    return True


def _record_success(task: Task, result: Result, moved: list[Path], library: dict[str, str], commit: str) -> None:
    """Write the notebook's state and its manifest entries."""
    nb = task.notebook
    read = [r["path"] for r in result.records if r["kind"] == "input"]
    inputs = {provenance.display_path(nb.path): provenance.sha256_file(nb.path),
              **provenance.file_hashes(read), **library}
    cells = _cell_of(Path(result.executed), nb.path)
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
                        "inputs": inputs, "package_version": provenance.package_version(), "git_commit": commit}
    provenance.update_manifests(task.output_root, provenance.display_path(nb.path), entries)
    state = {"fingerprint": _fingerprint(task, library),
             "inputs": {k: v for k, v in inputs.items() if k not in library},
             "outputs": outputs}
    write_atomically(_state_path(task.build_dir, nb.stem),
                     (json.dumps(state, indent=1, sort_keys=True, default=str) + "\n").encode())
    result.outputs = sorted(str(p) for p in moved)


def _run_in_worker(task: Task) -> Result:
    # A worker ignores Ctrl-C: the main process decides, and tears the pool down.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
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
    rows += [(r.stem, "up to date" if r.status == "skipped" else r.status,
              "-" if r.status == "skipped" else f"{r.seconds:.1f} s", str(len(r.outputs))) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    for r in results:
        if r.status == "failed":
            lines.append(f"FAILED {r.stem}: {r.message}")
            lines.append(f"       executed notebook kept at {_rel(r.executed)}")
    return "\n".join(lines)


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def run(names: list[str] | None = None, *, overrides: dict | None = None, params_file: Path | None = None,
        output_dir: Path | None = None, jobs: int | None = None, timeout: float | None = None,
        progress: bool = True, notebooks_dir: Path | None = None, force: bool = False, stream=None) -> int:
    """Run the notebooks; return the exit code (0 ok, 1 a notebook failed, 2 bad input, 130 interrupted)."""
    def say(text: str) -> None:
        print(text, file=stream or sys.stdout, flush=True)

    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    try:
        if jobs < 1:
            raise RunError([f"--jobs: value {jobs} — must be at least 1"])
        if timeout is not None and timeout <= 0:
            raise RunError([f"--timeout: value {timeout:g} — must be positive"])
        notebooks_dir = Path(notebooks_dir) if notebooks_dir else paths.NOTEBOOKS_DIR
        cache_dir = (Path(output_dir).resolve() / "build") if output_dir else paths.BUILD_DIR
        available = discover_notebooks(notebooks_dir, cache_dir=cache_dir)
        notebooks = select_notebooks(available, list(names or []))
        defaults_file = notebooks_dir / "params.yml"
        files = ([defaults_file] if defaults_file.exists() else []) + ([Path(params_file)] if params_file else [])
        planned = plan(notebooks, params_files=files, overrides=dict(overrides or {}), available=available)
        check_data(planned, cache_dir=cache_dir)
    except RunError as exc:
        say("refused before running anything:")
        for problem in exc.problems:
            say("  " + problem.replace("\n", "\n  "))
        return EXIT_BAD_INPUT

    # --output-dir, else an output_dir parameter, else the project root.
    requested = output_dir or next((v["output_dir"] for _, v in planned if v.get("output_dir")), None)
    output_root = (Path(requested) if requested else paths.PROJECT_ROOT).resolve()
    build_dir = (output_root / "build") if requested else paths.BUILD_DIR
    kernel_name, jupyter_path = runner_kernelspec(build_dir)
    library = provenance.library_hashes()
    commit = provenance.git_commit()
    tasks = []
    for nb, values in planned:
        params = {k: v for k, v in values.items() if k != "output_dir"}
        embedded = {"package_version": provenance.package_version(),
                    "inputs_sha256": provenance.sha256_json({"notebook": provenance.sha256_file(nb.path),
                                                            "library": library, "parameters": params})}
        tasks.append(Task(nb, params, output_root, build_dir, kernel_name, jupyter_path, timeout,
                          progress and jobs == 1, embedded))

    results: dict[str, Result] = {}
    pending = []
    for task in tasks:
        if not force and is_up_to_date(task, library):
            results[task.notebook.stem] = Result(task.notebook.stem, "skipped")
        else:
            pending.append(task)
    say(f"running {len(pending)} of {len(tasks)} notebook(s) with {min(jobs, max(len(pending), 1))} job(s)"
        + ("" if len(pending) == len(tasks) else f"; {len(tasks) - len(pending)} up to date (use --force to re-run)"))

    def finish(task: Task, result: Result, i: int) -> None:
        if result.status == "ok":
            moved = _promote(Path(result.staged), output_root)
            shutil.rmtree(Path(result.staged).parent, ignore_errors=True)
            _record_success(task, result, moved, library, commit)
        results[task.notebook.stem] = result
        say(f"[{i}/{len(pending)}] {result.stem}: {result.status} ({result.seconds:.1f} s, "
            f"{len(result.outputs)} outputs)")

    previous_term = signal.signal(signal.SIGTERM, _raise_interrupt) \
        if threading.current_thread() is threading.main_thread() else None
    pool = None
    try:
        if jobs == 1 or len(pending) <= 1:
            for i, task in enumerate(pending, 1):
                say(f"[{i}/{len(pending)}] {task.notebook.stem} ...")
                finish(task, execute(task), i)
        else:
            pool = ProcessPoolExecutor(max_workers=min(jobs, len(pending)),
                                       mp_context=multiprocessing.get_context("spawn"))
            futures = {pool.submit(_run_in_worker, task): task for task in pending}
            for i, future in enumerate(as_completed(futures), 1):
                finish(futures[future], future.result(), i)
    except KeyboardInterrupt:
        if pool is not None:
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
        shutil.rmtree(build_dir / "staging", ignore_errors=True)
        say("interrupted: outputs already in place are complete; nothing partial was written")
        return EXIT_INTERRUPTED
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if previous_term is not None:
            signal.signal(signal.SIGTERM, previous_term)

    if any(r.status == "ok" for r in results.values()) or not (output_root / "exhibits.md").exists():
        write_atomically(output_root / "exhibits.md", provenance.render_exhibits(output_root).encode())
    ordered = [results[t.notebook.stem] for t in tasks]
    say("")
    say(format_summary(ordered))
    return EXIT_OK if all(r.status in ("ok", "skipped") for r in ordered) else EXIT_FAILED
