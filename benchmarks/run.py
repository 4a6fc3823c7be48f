#!/usr/bin/env python3
"""Benchmark the headless runner and every indicator function, side by side, on this machine.

This is a script, not a test: performance targets are measured and reported here, never
asserted in the test suite (timings depend on the machine and on what else runs on it).

    .venv/bin/python benchmarks/run.py                # full run (many minutes), writes benchmarks/results.md
    .venv/bin/python benchmarks/run.py --quick        # smoke run: single repetitions, small sizes, prints only
    .venv/bin/python benchmarks/run.py --allow-dirty  # uncommitted changes: to a scratch file, not for the record
    make bench                                        # the full run

**For the record only.** ``benchmarks/results.md`` names the commit it measured, so it is only
written from a clean tree: when a tracked file under ``src/``, ``notebooks/``, ``data/`` or
``benchmarks/`` differs from HEAD (before or after the measurements), the script refuses.
``--allow-dirty`` measures anyway and writes ``build/bench-results-dirty.md``, headed
"dirty tree, not for the record".

What is measured (each end-to-end run in a fresh output directory under build/bench/,
removed afterwards), always comparing like with like:

1. the baseline a user would write: a sequential loop of the ``papermill`` CLI over the
   notebooks (``papermill notebooks/X.ipynb OUT/X.ipynb -p output_dir OUT``);
2. ``beyond-protocol run --force --jobs 1`` over the same notebooks (cold, sequential);
3. ``beyond-protocol run --force --jobs 2`` over the same notebooks (cold, parallel), and its
   distance from the ideal two-worker bound: no schedule on two workers can finish before
   max(Σ per-notebook time / 2, the longest notebook);
4. ``beyond-protocol run`` again, nothing changed (no-op);
5. the same with a ``--params-file`` that changes ``pair_russia`` of 02_meeting_frequency, so
   only that notebook re-runs — compared with
6. the ``papermill`` CLI running that one notebook with that parameter;
7. start-up: ``import analysis``, loading the data, what the runner imports;
8. every public indicator function (``compute_*``, ``add_*``, ``compare_*``, ``count_*`` of
   ``analysis.__all__``, found automatically; see benchmarks/recipes.py) at the same sizes,
   10^3 ... 10^6 rows, with the growth per 10x.

The machine may be shared: every timing records how many CPUs other processes kept busy
meanwhile (from /proc/stat), and the full run first waits (``--settle``, up to 300 s per
stage) for the machine to become quiet; if it never does, the table says so. If the library
or the data change while the benchmark runs, a no-op or one-notebook re-run would
legitimately re-run more; such a measurement is detected from the runner's "running N of M"
line, retried, and the retry is reported.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import itertools
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin" if (ROOT / ".venv" / "bin").is_dir() else Path(sys.executable).parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
BENCH_DIR = ROOT / "build" / "bench"
DEFAULT_OUTPUT = ROOT / "benchmarks" / "results.md"
SCRATCH_OUTPUT = ROOT / "build" / "bench-results-dirty.md"
RECORDED_PATHS = ("src", "notebooks", "data", "benchmarks")   # tracked files here must match HEAD

# Targets (reported, never asserted).
TARGET_PARALLEL_VS_NAIVE = 0.6
TARGET_PARALLEL_VS_IDEAL = 1.15  # cold --jobs 2 / ideal two-worker bound
TARGET_NOOP_VS_PARALLEL = 0.05
TARGET_GROWTH = 12.0            # per 10x rows at the largest step (10 = linear, plus noise)

PARAM_CHANGE = {"notebook": "02_meeting_frequency", "name": "pair_russia", "value": "medvedev_dmitry"}
RUNNING = re.compile(r"running (\d+) of (\d+) notebook")
NB_TIME = re.compile(r"\] (\S+): (ok|failed) \(([\d.]+) s")


def _ensure_environment() -> None:
    """Re-execute under the project's virtualenv if this interpreter cannot import the package."""
    try:
        import pandas  # noqa: F401

        import analysis  # noqa: F401
    except ImportError:
        python = VENV_BIN / "python"
        if python.exists() and Path(sys.executable).resolve() != python.resolve():
            os.execv(str(python), [str(python), __file__, *sys.argv[1:]])
        sys.exit("error: run with the project's environment (.venv/bin/python benchmarks/run.py or make bench)")


# ---------------------------------------------------------------------------------------
# Helpers


class Measurement:
    """Repeated wall-clock timings of one thing, with notes."""

    def __init__(self, label: str, command: str):
        self.label, self.command = label, command
        self.times: list[float] = []
        self.cpu: list[float] = []      # CPU seconds of the measured processes and their children
        self.others: list[float] = []   # CPUs kept busy by other processes meanwhile (average)
        self.notes: list[str] = []
        self.failed = False

    def add(self, sample: Sample) -> None:
        self.times.append(sample.wall)
        self.cpu.append(sample.cpu)
        self.others.append(sample.others)

    @property
    def median(self) -> float:
        return self.median_of(self.times)

    @staticmethod
    def median_of(values: list[float]) -> float:
        return statistics.median(values) if values else float("nan")

    def spread(self) -> str:
        if len(self.times) < 2:
            return "-"
        digits = 3 if max(self.times) < 1 else 1 if min(self.times) >= 10 else 2
        return f"{min(self.times):.{digits}f}–{max(self.times):.{digits}f}"


def _busy_cpu_seconds() -> float:
    """CPU seconds all processes of the machine have used since boot (nan if unknown)."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
        return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError):
        return float("nan")


def _our_cpu() -> float:
    """CPU seconds of this process and of its waited-for children (kernels included)."""
    return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF),
                                                 resource.getrusage(resource.RUSAGE_CHILDREN)))


class Sample:
    """Wall time, our CPU time and the other processes' CPU load over one timed block."""

    def __enter__(self):
        self._busy, self._cpu = _busy_cpu_seconds(), _our_cpu()
        self._started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self._started
        self.cpu = _our_cpu() - self._cpu
        self.others = max(0.0, (_busy_cpu_seconds() - self._busy) - self.cpu) / self.wall
        return False


QUIET = 0.25  # CPUs busy with other work below which the machine counts as quiet


def settle(limit: float, waits: list[str], what: str) -> None:
    """Wait (up to ``limit`` seconds) until other processes keep fewer than QUIET CPUs busy.

    The machine may be shared (test suites, other runs); a measurement taken under load is
    still reported, with its load, but waiting first gives the comparisons a fair chance.
    """
    if limit <= 0:
        return
    started, told = time.monotonic(), False
    while True:
        with Sample() as sample:
            time.sleep(2)
        if sample.others < QUIET:
            break
        if not told:
            say(f"  waiting up to {limit:g} s for a quiet machine (other load {sample.others:.2f} CPUs) ...")
            told = True
        if time.monotonic() - started > limit:
            waits.append(f"{what}: gave up waiting for a quiet machine after {limit:g} s "
                         f"(other load {sample.others:.2f} CPUs)")
            return
    waited = time.monotonic() - started
    if waited > 3:
        waits.append(f"{what}: waited {waited:.0f} s for a quiet machine")


def run_timed(cmd: list[str], *, cwd: Path = ROOT) -> tuple[Sample, int, str]:
    """Timing sample, exit code and combined output of one subprocess."""
    with Sample() as sample:
        proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return sample, proc.returncode, proc.stdout


def n_run(output: str) -> int | None:
    match = RUNNING.search(output)
    return int(match.group(1)) if match else None


def notebook_seconds(output: str) -> dict[str, float]:
    return {m.group(1): float(m.group(3)) for m in NB_TIME.finditer(output)}


def fresh_dir(name: str) -> Path:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{name}-", dir=BENCH_DIR))


def rel(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def say(text: str = "") -> None:
    print(text, flush=True)


def tail(output: str, lines: int = 15) -> str:
    return "\n".join(output.strip().splitlines()[-lines:])


# ---------------------------------------------------------------------------------------
# The tree being measured


def git(*args: str) -> subprocess.CompletedProcess | None:
    try:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None


def tree_state() -> tuple[str, list[str]]:
    """(the commit checked out, the tracked files under RECORDED_PATHS that differ from it);
    the commit is '' outside a git checkout."""
    head = git("rev-parse", "HEAD")
    if head is None or head.returncode != 0:
        return "", []
    status = git("status", "--porcelain", "--untracked-files=no", "--", *RECORDED_PATHS)
    changed = [line[3:] for line in (status.stdout if status else "").splitlines() if line.strip()]
    return head.stdout.strip(), changed


def record_problem(commit: str, changed: list[str]) -> str | None:
    """Why results measured on this tree cannot be recorded (None: they can)."""
    if not commit:
        return f"{ROOT} is not a git checkout, so the results could not name the commit they measured"
    if changed:
        shown = ", ".join(changed[:8]) + (f" and {len(changed) - 8} more" if len(changed) > 8 else "")
        return (f"{len(changed)} tracked file(s) under {', '.join(p + '/' for p in RECORDED_PATHS)} differ from "
                f"commit {commit[:12]}: {shown}")
    return None


def choose_output(args, problem: str | None) -> tuple[Path | None, str | None]:
    """(where the table goes, or None to only print it; why it cannot be written, or None)."""
    if args.quick and args.output is None:
        return None, None
    if problem is None:
        return args.output or DEFAULT_OUTPUT, None
    if not args.allow_dirty:
        return None, (f"refusing to write benchmark results: {problem}. Commit first (results name the commit "
                      f"they measured), or measure anyway with --allow-dirty (written to {rel(SCRATCH_OUTPUT)}, "
                      "marked 'dirty tree, not for the record').")
    output = args.output or SCRATCH_OUTPUT
    if output.resolve() == DEFAULT_OUTPUT.resolve():
        return None, f"refusing to write {rel(DEFAULT_OUTPUT)} from a dirty tree ({problem}), even with --allow-dirty"
    return output, None


# ---------------------------------------------------------------------------------------
# End-to-end


def naive_cmd(nb: Path, out: Path, *params: str) -> list[str]:
    return [str(VENV_BIN / "papermill"), rel(nb), str(out / nb.name), "-p", "output_dir", str(out), *params]


def naive_once(m: Measurement, notebooks: list[Path], *params: str) -> None:
    """One naive loop: the papermill CLI once per notebook, one after the other."""
    out = fresh_dir("naive")
    try:
        with Sample() as sample:
            for nb in notebooks:
                _, rc, output = run_timed(naive_cmd(nb, out, *params))
                if rc != 0:
                    m.failed = True
                    m.notes.append(f"{nb.stem} failed (exit {rc})")
                    say(tail(output))
        m.add(sample)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    say(f"  naive papermill loop over {len(notebooks)} notebook(s): {sample.wall:.2f} s (CPU {sample.cpu:.1f} s, "
        f"other load {sample.others:.2f} CPUs)")


def runner_cmd(out: Path, *extra: str) -> list[str]:
    return [str(VENV_BIN / "beyond-protocol"), "run", *extra, "--output-dir", str(out)]


def cold_once(m: Measurement, jobs: int, per_notebook: list[dict], keep: bool) -> Path | None:
    """One cold run in a fresh output directory (returned if ``keep``, else removed)."""
    out = fresh_dir(f"cold-j{jobs}")
    sample, rc, output = run_timed(runner_cmd(out, "--force", "--jobs", str(jobs)))
    m.add(sample)
    per_notebook.append(notebook_seconds(output))
    if rc != 0 or n_run(output) != len(NOTEBOOKS):
        m.failed = True
        m.notes.append(f"exit {rc}, ran {n_run(output)} of {len(NOTEBOOKS)}")
        say(tail(output))
    say(f"  beyond-protocol run --jobs {jobs}: {sample.wall:.2f} s (CPU {sample.cpu:.1f} s, other load "
        f"{sample.others:.2f} CPUs; notebooks: "
        + ", ".join(f"{k.split('_')[0]} {v:.1f}" for k, v in per_notebook[-1].items()) + ")")
    if keep:
        return out
    shutil.rmtree(out, ignore_errors=True)
    return None


def ideal_bound(per_notebook: dict[str, float], workers: int = 2) -> float:
    """No schedule on ``workers`` workers finishes before max(Σ / workers, the longest notebook)."""
    return max(sum(per_notebook.values()) / workers, max(per_notebook.values(), default=0.0))


def _timed_rerun(m: Measurement, cmd: list[str], expected: int, prepare=None, attempts: int = 4) -> None:
    """Time ``cmd`` expecting it to execute ``expected`` notebooks; retry if something else changed."""
    for attempt in range(attempts):
        if prepare is not None:
            prepare()
        sample, rc, output = run_timed(cmd)
        ran = n_run(output)
        if rc == 0 and ran == expected:
            m.add(sample)
            if attempt:
                m.notes.append(f"{attempt} retr{'y' if attempt == 1 else 'ies'}: src/ or data/ changed "
                               "during the benchmark, so more notebooks re-ran")
            return
        say(f"  unexpected: exit {rc}, ran {ran} (expected {expected}); retrying")
        if rc != 0:
            say(tail(output))
    m.failed = True
    m.notes.append(f"never ran exactly {expected} notebook(s) in {attempts} attempts (last: exit {rc}, ran {ran})")


def bench_noop(out: Path, repeat: int) -> Measurement:
    m = Measurement("no-op re-run (nothing changed)", "beyond-protocol run --output-dir OUT2")
    for _ in range(repeat):
        _timed_rerun(m, runner_cmd(out), expected=0)
    say(f"  no-op: median {m.median:.3f} s over {len(m.times)}")
    return m


def bench_param_change(out: Path, repeat: int) -> tuple[Measurement, Measurement]:
    """The runner re-running one notebook after a parameter change, and the papermill CLI running
    that one notebook with that parameter (like with like)."""
    p = PARAM_CHANGE
    m = Measurement(f"re-run after changing one parameter ({p['notebook']}: {p['name']}={p['value']})",
                    "beyond-protocol run --params-file changed.yml --output-dir OUT2")
    naive = Measurement(f"papermill CLI, {p['notebook']} only, same parameter",
                        f"papermill notebooks/{p['notebook']}.ipynb OUT/X.ipynb -p output_dir OUT "
                        f"-p {p['name']} {p['value']}")
    params = out.parent / f"{out.name}-changed.yml"
    params.write_text(f"notebooks:\n  {p['notebook']}:\n    {p['name']}: {p['value']}\n", encoding="utf-8")
    notebook = [nb for nb in NOTEBOOKS if nb.stem == p["notebook"]]

    def restore():  # back to the committed defaults, so the timed run again changes exactly one notebook
        run_timed(runner_cmd(out))

    try:
        for i in range(repeat):
            _timed_rerun(m, runner_cmd(out, "--params-file", str(params)), expected=1,
                         prepare=restore if i else None)
            naive_once(naive, notebook, "-p", p["name"], p["value"])
    finally:
        params.unlink(missing_ok=True)
    say(f"  one parameter changed: median {m.median:.2f} s over {len(m.times)}; papermill CLI {naive.median:.2f} s")
    return m, naive


# ---------------------------------------------------------------------------------------
# Start-up


def bench_import(repeat_import: int, repeat_load: int) -> list[Measurement]:
    python = str(VENV_BIN / "python")
    cases = [("interpreter start-up, for reference", "pass", repeat_import),
             ("import the package", "import analysis", repeat_import),
             ("import and load (and validate) the shipped data", "import analysis; analysis.load_dataset()",
              repeat_load),
             ("what `beyond-protocol run` imports before it forks its workers (papermill without the IRI grammar)",
              "import analysis.pipeline.run; from analysis.pipeline.fastimport import import_papermill; "
              "import_papermill()", repeat_load),
             ("papermill imported the ordinary way, for comparison", "import papermill", repeat_load)]
    results = []
    for label, code, repeat in cases:
        m = Measurement(label, f'python -c "{code}"')
        run_timed([python, "-c", code])  # warm the file-system cache and the bytecode
        for _ in range(repeat):
            sample, rc, output = run_timed([python, "-c", code])
            if rc != 0:
                m.failed = True
                m.notes.append(f"exit {rc}")
                say(tail(output))
            m.add(sample)
        say(f"  {label}: median {m.median:.3f} s over {len(m.times)}")
        results.append(m)
    return results


# ---------------------------------------------------------------------------------------
# Indicators


CALL_BUDGET = 5.0   # seconds: a function slower than this at one size is not timed at the larger ones


def bench_indicators(names: list[str], sizes: list[int], repeats: dict[int, int]
                     ) -> tuple[dict[str, dict[int, float]], dict[int, float], dict[str, str]]:
    """Best-of-N seconds per call of every function at every size its recipe allows (and while a
    call takes less than CALL_BUDGET); and why a function was not timed at the larger sizes."""
    import recipes

    base = recipes.Base()
    warm = recipes.Tables(base, 100)
    for name in names:  # first calls pay for lazy imports; keep them out of the timings
        recipes.timed_call(name, warm)()
    timings: dict[str, dict[int, float]] = {name: {} for name in names}
    stopped: dict[str, str] = {}
    others: dict[int, float] = {}
    for n in sizes:
        tables = recipes.Tables(base, n)
        calls = {name: recipes.timed_call(name, tables) for name in names
                 if n <= recipes.RECIPES[name].max_rows and name not in stopped}
        with Sample() as sample:
            for name, call in calls.items():
                samples = []
                for _ in range(repeats[n]):
                    started = time.perf_counter()
                    call()
                    samples.append(time.perf_counter() - started)
                    if samples[-1] > CALL_BUDGET:
                        break
                # Best of N, as timeit advises: the other work on a shared machine only ever adds time.
                timings[name][n] = min(samples)
                if timings[name][n] > CALL_BUDGET:
                    stopped[name] = f"one call at {exp(n)} rows took {timings[name][n]:.1f} s (> {CALL_BUDGET:g} s)"
        others[n] = sample.others
        say(f"  {n:>9,} rows: {len(calls)} functions, total {sum(timings[k][n] for k in calls):.3f} s "
            f"(other load {sample.others:.2f} CPUs); slowest: "
            + ", ".join(f"{k} {timings[k][n]:.3f}" for k in sorted(calls, key=lambda k: -timings[k][n])[:3]))
        del tables, calls
    return timings, others, stopped


# ---------------------------------------------------------------------------------------
# Report


def machine() -> dict[str, str]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))
        memory = f"{int(mem) / 1024 ** 2:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        memory = "unknown"
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip() or str(os.cpu_count())

    def version(dist: str) -> str:
        from importlib.metadata import PackageNotFoundError
        from importlib.metadata import version as v
        try:
            return v(dist)
        except PackageNotFoundError:
            return "-"

    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": nproc,
        "cpu": model,
        "memory": memory,
        "python": platform.python_version() + f" ({platform.python_implementation()})",
        "os": platform.platform(),
        "packages": ", ".join(f"{d} {version(d)}" for d in ("pandas", "numpy", "papermill", "nbclient",
                                                            "ipykernel", "matplotlib")),
    }


def fmt(seconds: float) -> str:
    if seconds != seconds:  # NaN
        return "-"
    return f"{seconds:.3f}" if seconds < 10 else f"{seconds:.1f}"


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**MISSED**"


def exp(n: int) -> str:
    return f"10^{len(str(n)) - 1}"


def report(info: dict, args, e2e: list[Measurement], extra: dict, imports: list[Measurement],
           timings: dict[str, dict[int, float]], sizes: list[int]) -> tuple[str, list[str]]:
    import recipes

    naive, seq, par, noop, changed, naive_one = e2e
    baseline = {seq.label: naive, par.label: naive, noop.label: naive, changed.label: naive_one}
    lines = ["# Benchmarks", ""]
    if extra["problem"]:
        lines += [f"**Dirty tree, not for the record**: {extra['problem']}.", ""]
    lines += [
        f"Generated by `benchmarks/run.py{' --quick' if args.quick else ''}`"
        f"{'' if args.quick else ' (`make bench`)'} on {info['date']}.",
        "",
        f"- Code: commit `{extra['commit'] or 'unknown'}`"
        + (" (with the uncommitted changes named above)" if extra["problem"] else "")
        + f"; {len(NOTEBOOKS)} notebooks ({', '.join(nb.stem for nb in NOTEBOOKS)})",
        f"- Machine: {info['nproc']} CPUs (`nproc`), {info['cpu']}, {info['memory']} RAM; {info['os']}",
        f"- Python {info['python']}; {info['packages']}",
        f"- Load average (1 min) before / after: {extra['load_before']:.2f} / {extra['load_after']:.2f}"
        " (other work on the machine inflates the timings; see the *other load* columns)"
        + ("" if not extra["waits"] else "; " + "; ".join(extra["waits"])),
        "",
        "## End to end",
        "",
        "Wall-clock seconds, each run in a fresh output directory under `build/bench/` (removed afterwards); "
        "median of the runs; cold runs interleaved (naive, `--jobs 1`, `--jobs 2`, naive, ...). "
        "*CPU s*: CPU time of the measured processes and their children (kernels included). "
        "*other load*: CPUs kept busy meanwhile by other processes on the machine (from /proc/stat; "
        "0 = a quiet machine, close to nproc = the measurement had to share every CPU). "
        "*ratio*: median / median of the measurement named in *compared with*, which runs the same "
        "notebooks (all of them, or the one that re-runs).",
        "",
        "| # | measurement | command | runs | median s | min–max s | CPU s | other load | compared with | ratio | notes |",
        "|---|---|---|---:|---:|---:|---:|---:|---|---:|---|",
    ]
    for i, m in enumerate(e2e, 1):
        notes = list(m.notes)
        if len(m.times) == 1 and m in (naive, seq, par):
            notes.append("single run (cold runs are slow; use more with --repeat)")
        notes += extra.get(m.label, [])
        base = baseline.get(m.label)
        ratio = f"{m.median / base.median:.3f}" if base else "-"
        against = f"#{e2e.index(base) + 1}" if base else "-"
        lines.append(f"| {i} | {m.label}{' (FAILED)' if m.failed else ''} | `{m.command}` | {len(m.times)} | "
                     f"{fmt(m.median)} | {m.spread()} | {m.median_of(m.cpu):.1f} | {m.median_of(m.others):.2f} | "
                     f"{against} | {ratio} | {'; '.join(notes)} |")
    lines += ["", "## Start-up", "", "Fresh processes of the project's interpreter, after one untimed warm-up run.",
              "", "| measurement | command | runs | median s | min–max s | other load | notes |",
              "|---|---|---:|---:|---:|---:|---|"]
    for m in imports:
        lines.append(f"| {m.label} | `{m.command}` | {len(m.times)} | {fmt(m.median)} | {m.spread()} | "
                     f"{m.median_of(m.others):.2f} | {'; '.join(m.notes)} |")

    names = list(timings)
    everywhere = [k for k in names if all(n in timings[k] for n in sizes)]
    lines += ["", "## Indicators", "",
              f"Every public indicator function (`compute_*`, `add_*`, `compare_*`, `count_*` of `analysis.__all__`: "
              f"{len(names)}), seconds per call, best of {', '.join(str(args.repeats[n]) for n in sizes)} calls at "
              f"{', '.join(exp(n) for n in sizes)} rows of the table named in *grows* (the others as shipped; other "
              f"work on the machine only adds time: it kept {', '.join(f'{v:.2f}' for v in extra['indicator_others'].values())} "
              "CPUs busy during the respective sizes), in one process; inputs sampled with replacement from the "
              "shipped tables with fresh ids (see benchmarks/recipes.py). '×10' columns are the growth factor per 10x "
              "rows (10 = linear; below 10 = fixed costs still dominate); '-' = not measured at that size (one-day "
              f"synthetic spans beyond 10^5 leave pandas' date range; or a call at the size before took more than "
              f"{CALL_BUDGET:g} s).",
              "",
              "| function | grows | " + " | ".join(f"{exp(n)} rows" for n in sizes) + " | "
              + " | ".join(f"×10: {exp(a)}→{exp(b)}" for a, b in itertools.pairwise(sizes)) + " |",
              "|---|---|" + "---:|" * (2 * len(sizes) - 1)]
    totals = {n: sum(timings[k][n] for k in everywhere) for n in sizes}
    for name in [*names, "total"]:
        row = totals if name == "total" else timings[name]
        cells = [f"{row[n]:.4f}" if n in row else "-" for n in sizes]
        cells += [f"{row[b] / row[a]:.1f}" if a in row and b in row and row[a] > 0 else "-"
                  for a, b in itertools.pairwise(sizes)]
        label = f"**total of the {len(everywhere)} measured at every size**" if name == "total" else f"`{name}`"
        grows = "" if name == "total" else recipes.RECIPES[name].scaled
        lines.append(f"| {label} | {grows} | " + " | ".join(cells) + " |")

    # Targets
    r_parallel = par.median / naive.median
    r_ideal = statistics.median(extra["ideal_ratios"]) if extra["ideal_ratios"] else float("nan")
    r_noop = noop.median / par.median
    largest, previous = sizes[-1], sizes[-2]
    growth = {k: timings[k][largest] / max(timings[k][previous], 1e-12) for k in names
              if largest in timings[k] and previous in timings[k]}
    worst_name = max(growth, key=growth.get)
    too_slow = sorted(k for k in extra["indicator_stopped"]           # stopped before their largest size
                      if max(n for n in sizes if n <= recipes.RECIPES[k].max_rows) not in timings[k])
    targets = [
        ("cold parallel (`--jobs 2`) / naive loop over the same notebooks", f"≤ {TARGET_PARALLEL_VS_NAIVE}",
         f"{r_parallel:.3f}", r_parallel <= TARGET_PARALLEL_VS_NAIVE and not par.failed and not naive.failed),
        ("cold parallel (`--jobs 2`) / ideal two-worker bound of the same run", f"≤ {TARGET_PARALLEL_VS_IDEAL}",
         f"{r_ideal:.3f}", r_ideal <= TARGET_PARALLEL_VS_IDEAL and not par.failed),
        ("no-op re-run / cold parallel", f"≤ {TARGET_NOOP_VS_PARALLEL}", f"{r_noop:.3f}",
         r_noop <= TARGET_NOOP_VS_PARALLEL and not noop.failed),
        (f"cost growth per 10x rows, {exp(previous)}→{exp(largest)} (worst function)",
         f"≤ {TARGET_GROWTH:g} (linear = 10)", f"{growth[worst_name]:.1f} (`{worst_name}`)"
         + ("; too slow to time at their largest size: " + ", ".join(f"`{k}`" for k in too_slow) if too_slow else ""),
         growth[worst_name] <= TARGET_GROWTH and not too_slow if largest >= 10 ** 6 else None),
    ]
    lines += ["", "## Targets", "", "| target | goal | measured | verdict |", "|---|---|---|---|"]
    missed = []
    for name, goal, measured, ok in targets:
        lines.append(f"| {name} | {goal} | {measured} | {'n/a (--quick)' if ok is None else verdict(ok)} |")
        if ok is False:
            missed.append(name)
    if too_slow:
        lines += ["", "Not timed at the larger sizes: " + "; ".join(
            f"`{k}`: {extra['indicator_stopped'][k]}" for k in too_slow) + "."]
    steep = [f"`{k}` ({g:.1f})" for k, g in growth.items() if g > TARGET_GROWTH]
    if steep:
        lines += ["", f"Growing faster than the goal from {exp(previous)} to {exp(largest)} rows: {', '.join(steep)}. "
                  f"For comparison, an O(n log n) sort grows by about "
                  f"{10 * (len(str(largest)) - 1) / (len(str(previous)) - 1):.1f} at this step before any cache effects."]
    failed = [m.label for m in e2e + imports if m.failed]
    if failed:
        lines += ["", "**Failures:** " + "; ".join(failed) + " (see the notes; timings of failed runs are not comparable)."]
    return "\n".join(lines) + "\n", missed + failed


# ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: single repetitions, indicator sizes up to 10^4; prints the table "
                             "and writes it only with --output")
    parser.add_argument("--repeat", type=int, default=None, metavar="N",
                        help="runs of each cold end-to-end measurement (default 3, --quick 1)")
    parser.add_argument("--settle", type=float, default=None, metavar="SECONDS",
                        help="before each cold round, the re-runs, the start-up and the indicator timings, wait up "
                             f"to this long for other processes to use fewer than {QUIET} CPUs "
                             "(default 300, --quick 0)")
    parser.add_argument("--output", type=Path, default=None, metavar="FILE.md",
                        help=f"where to write the table (default {rel(DEFAULT_OUTPUT)}; --quick: nowhere)")
    parser.add_argument("--allow-dirty", action="store_true",
                        help="measure a tree with uncommitted changes; the table goes to "
                             f"{rel(SCRATCH_OUTPUT)} (or --output, never {rel(DEFAULT_OUTPUT)}), marked "
                             "'dirty tree, not for the record'")
    args = parser.parse_args(argv)

    commit, changed = tree_state()
    problem = record_problem(commit, changed)
    output, refusal = choose_output(args, problem)
    if refusal:
        say(refusal)
        return 2
    _ensure_environment()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import recipes

    try:
        names = recipes.check_recipes()   # before anything is measured: a function without a recipe stops here
    except recipes.MissingRecipe as exc:
        say(f"error: {exc}")
        return 2

    cold = args.repeat or (1 if args.quick else 3)
    limit = args.settle if args.settle is not None else (0 if args.quick else 300)
    waits: list[str] = []
    cheap = 1 if args.quick else 5
    sizes = [10 ** k for k in range(3, 5 if args.quick else 7)]
    args.repeats = {n: 1 if args.quick else {10 ** 3: 7, 10 ** 4: 5, 10 ** 5: 3, 10 ** 6: 2}[n] for n in sizes}

    info = machine()
    extra: dict = {"load_before": os.getloadavg()[0], "commit": commit, "problem": problem}
    say(f"Benchmarking commit {commit[:12] or 'unknown'}{' (dirty tree, not for the record)' if problem else ''} "
        f"on {info['nproc']} CPUs ({info['cpu']}), Python {info['python']}, {info['date']}")
    kept = None
    try:
        naive = Measurement("naive loop of the papermill CLI (sequential)",
                            "for X in notebooks/[0-9][0-9]_*.ipynb: papermill X OUT/X -p output_dir OUT")
        seq = Measurement("beyond-protocol run, cold, --jobs 1",
                          "beyond-protocol run --force --jobs 1 --output-dir OUT1")
        par = Measurement("beyond-protocol run, cold, --jobs 2",
                          "beyond-protocol run --force --jobs 2 --output-dir OUT2")
        seq_nb: list[dict] = []
        par_nb: list[dict] = []
        # Interleaved rounds (naive, --jobs 1, --jobs 2, naive, ...): a burst of other work on
        # the machine then affects all three alike instead of one of them.
        for i in range(cold):
            say(f"[1-3/8] cold end-to-end runs, round {i + 1} of {cold}")
            settle(limit, waits, f"cold round {i + 1}")
            naive_once(naive, NOTEBOOKS)
            cold_once(seq, 1, seq_nb, keep=False)
            if kept is not None:
                shutil.rmtree(kept, ignore_errors=True)
            kept = cold_once(par, 2, par_nb, keep=True)
        sums = [sum(p.values()) for p in seq_nb if p]
        if sums:
            extra[seq.label] = [f"Σ per-notebook execution {statistics.median(sums):.1f} s; runner overhead "
                                f"{seq.median - statistics.median(sums):+.1f} s"]
        bounds = [ideal_bound(p) for p in par_nb if p]
        extra["ideal_ratios"] = [wall / bound for wall, bound in zip(par.times, bounds, strict=False) if bound]
        if bounds:
            extra[par.label] = [f"Σ per-notebook execution {statistics.median(sum(p.values()) for p in par_nb if p):.1f} s, "
                                f"longest notebook {statistics.median(max(p.values()) for p in par_nb if p):.1f} s: "
                                f"ideal 2-worker bound {statistics.median(bounds):.1f} s; wall / bound "
                                f"{statistics.median(extra['ideal_ratios']):.3f} (target ≤ {TARGET_PARALLEL_VS_IDEAL})"]
        say("[4/8] no-op re-run")
        settle(limit, waits, "re-runs")
        noop = bench_noop(kept, cheap)
        say("[5-6/8] re-run after one parameter change, and the papermill CLI on that notebook")
        changed_run, naive_one = bench_param_change(kept, 1 if args.quick else 3)
    finally:
        if kept is not None:
            shutil.rmtree(kept, ignore_errors=True)
        with contextlib.suppress(OSError):
            BENCH_DIR.rmdir()  # only if empty: another run's directories stay
    say("[7/8] start-up")
    settle(limit, waits, "start-up")
    imports = bench_import(3 if args.quick else 9, 1 if args.quick else 5)
    say(f"[8/8] {len(names)} indicator functions")
    settle(limit, waits, "indicators")
    timings, extra["indicator_others"], extra["indicator_stopped"] = bench_indicators(names, sizes, args.repeats)
    extra["load_after"] = os.getloadavg()[0]
    extra["waits"] = waits

    refused = False
    after_commit, after_changed = tree_state()
    if problem is None and (after_commit != commit or after_changed):
        problem = record_problem(after_commit, after_changed) or f"HEAD moved from {commit[:12]} during the benchmark"
        extra["problem"] = problem
        if output is not None and not args.allow_dirty:
            say(f"the tree changed while measuring ({problem}): not writing {rel(output)}; "
                f"the table goes to {rel(SCRATCH_OUTPUT)}, not for the record")
            output, refused = SCRATCH_OUTPUT, True
    text, missed = report(info, args, [naive, seq, par, noop, changed_run, naive_one], extra, imports, timings, sizes)
    say()
    say(text)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        say(f"written to {rel(output.resolve())}")
    if missed:
        say("targets missed or runs failed: " + "; ".join(missed))
    return 2 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
