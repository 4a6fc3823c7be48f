"""Execute the analysis notebooks headlessly with papermill: ``beyond-protocol run``.

A run goes through five steps, each in a module of its own:

1. **Plan and check, before any kernel starts** (:mod:`.planning`): discover the notebooks
   (none to run is an error), merge the committed defaults (``notebooks/params.yml``), a
   ``--params-file`` and ``-p NAME=VALUE`` overrides, and check names, types, values and the
   data. Every problem is listed; exit code 2.
2. **Hold the output directory** (:mod:`.promotion`): one run per output directory; a second
   one refuses at once with exit code 3.
3. **Skip what is up to date** (:mod:`.state`): a notebook whose inputs, library code and
   software environment are unchanged since its last success is not run again.
4. **Execute** (:mod:`.execution`, :mod:`.kernels`, :mod:`.workers`): each notebook in a fresh
   kernel of this environment, in parallel workers, writing into a private staging directory;
   the executed notebook is kept in ``build/notebooks/`` whatever happens.
5. **Promote** (:mod:`.promotion`, :mod:`.state`): only when a notebook succeeds are its staged
   outputs moved into ``figures/`` and ``tables/`` and the manifests updated; a failing
   notebook leaves the previous outputs untouched and the run goes on with the others, then
   exits with 1. Ctrl-C or SIGTERM stops every kernel and exits with 130.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from analysis import paths
from analysis.exhibits.outputs import write_atomically
from analysis.pipeline import provenance
from analysis.pipeline.execution import Result, Task, execute
from analysis.pipeline.exits import EXIT_BAD_INPUT, EXIT_BUSY, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK
from analysis.pipeline.kernels import runner_kernelspec
from analysis.pipeline.planning import (
    NOTEBOOK_GLOB,
    Notebook,
    RunError,
    check_data,
    discover_notebooks,
    load_params_file,
    parse_override,
    plan,
    select_notebooks,
)
from analysis.pipeline.promotion import OutputBusy, build_dir_of, promote, promoting, run_lock
from analysis.pipeline.signals import sigterm_interrupts
from analysis.pipeline.state import expected_seconds, is_up_to_date, record_success
from analysis.pipeline.workers import run_parallel


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
            if r.executed:
                lines.append(f"       executed notebook kept at {_rel(r.executed)}")
    return "\n".join(lines)


def watched_directories(values: dict, notebook: Notebook) -> tuple[str, ...]:
    """The data directories whose files a notebook's kernel records when it reads them."""
    data_dir = values.get("data_dir") or ""
    extra = [Path(data_dir).resolve(), (notebook.path.parent / data_dir).resolve()] if data_dir else []
    return tuple(dict.fromkeys(str(d) for d in [paths.DATA_DIR.resolve(), *extra]))


def run(names: list[str] | None = None, *, overrides: dict | None = None, params_file: Path | None = None,
        output_dir: Path | None = None, jobs: int | None = None, timeout: float | None = None,
        progress: bool = True, notebooks_dir: Path | None = None, force: bool = False, stream=None) -> int:
    """Run the notebooks; return the exit code (see :mod:`analysis.pipeline.exits`)."""
    def say(text: str) -> None:
        print(text, file=stream or sys.stdout, flush=True)

    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    try:
        if jobs < 1:
            raise RunError([f"--jobs: value {jobs} — must be at least 1"])
        if timeout is not None and timeout <= 0:
            raise RunError([f"--timeout: value {timeout:g} — must be positive"])
        notebooks_dir = Path(notebooks_dir) if notebooks_dir else paths.NOTEBOOKS_DIR
        cache_dir = build_dir_of(output_dir) if output_dir else paths.BUILD_DIR
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
    output_root = (Path(requested) if requested else paths.OUTPUT_ROOT).resolve()
    build_dir = build_dir_of(output_root)
    try:
        with run_lock(output_root, build_dir):   # raises OutputBusy at once if another run holds it
            return _run_held(planned, output_root, build_dir, jobs=jobs, timeout=timeout, progress=progress,
                             force=force, say=say)
    except OutputBusy as exc:
        say(f"busy: {exc}")
        return EXIT_BUSY


def _run_held(planned: list[tuple[Notebook, dict]], output_root: Path, build_dir: Path, *, jobs: int,
              timeout: float | None, progress: bool, force: bool, say) -> int:
    """Steps 3 to 5, with the output directory held."""
    kernel_dir = runner_kernelspec(build_dir)
    library = provenance.library_hashes()
    environment = provenance.environment()
    commit = provenance.git_commit()
    tasks = []
    for nb, values in planned:
        params = {k: v for k, v in values.items() if k != "output_dir"}
        embedded = {"package_version": provenance.package_version(),
                    "inputs_sha256": provenance.sha256_json({"notebook": provenance.sha256_file(nb.path),
                                                            "library": library, "parameters": params})}
        task = Task(nb, params, output_root, build_dir, kernel_dir, timeout, progress and jobs == 1, embedded,
                    watched_directories(values, nb))
        task.expected_seconds = expected_seconds(task)
        tasks.append(task)

    results: dict[str, Result] = {}
    pending = []
    for task in tasks:
        if not force and is_up_to_date(task, library, environment):
            results[task.notebook.stem] = Result(task.notebook.stem, "skipped")
        else:
            pending.append(task)
    workers = min(jobs, max(len(pending), 1))
    say(f"running {len(pending)} of {len(tasks)} notebook(s) with {workers} job(s)"
        + ("" if len(pending) == len(tasks) else f"; {len(tasks) - len(pending)} up to date (use --force to re-run)"))

    def finish(task: Task, result: Result) -> None:
        if result.status == "ok":
            with promoting(build_dir):
                moved = promote(Path(result.staged), output_root)
                record_success(task, result, moved, library, environment, commit)
            shutil.rmtree(Path(result.staged).parent, ignore_errors=True)
        results[task.notebook.stem] = result
        done = sum(t.notebook.stem in results for t in pending)
        say(f"[{done}/{len(pending)}] {result.stem}: {result.status} ({result.seconds:.1f} s, "
            f"{len(result.outputs)} outputs)")

    try:
        with sigterm_interrupts():
            if workers == 1:
                for i, task in enumerate(pending, 1):
                    say(f"[{i}/{len(pending)}] {task.notebook.stem} ...")
                    finish(task, execute(task))
            else:
                run_parallel(pending, workers, finish)
    except KeyboardInterrupt:
        shutil.rmtree(build_dir / "staging", ignore_errors=True)
        say("interrupted: outputs already in place are complete; nothing partial was written")
        return EXIT_INTERRUPTED

    if any(r.status == "ok" for r in results.values()) or not (output_root / "exhibits.md").exists():
        with promoting(build_dir):
            write_atomically(output_root / "exhibits.md", provenance.render_exhibits(output_root).encode())
    ordered = [results[t.notebook.stem] for t in tasks]
    say("")
    say(format_summary(ordered))
    return EXIT_OK if all(r.status in ("ok", "skipped") for r in ordered) else EXIT_FAILED


__all__ = ["NOTEBOOK_GLOB", "Notebook", "Result", "RunError", "Task", "check_data", "discover_notebooks",
           "execute", "format_summary", "load_params_file", "parse_override", "plan", "run", "select_notebooks"]
