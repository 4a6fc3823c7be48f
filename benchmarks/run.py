#!/usr/bin/env python3
"""Benchmark the headless runner and the indicator functions, side by side, on this machine.

This is a script, not a test: performance targets are measured and reported here, never
asserted in the test suite (timings depend on the machine and on what else runs on it).

    .venv/bin/python benchmarks/run.py            # full run (several minutes), writes benchmarks/results.md
    .venv/bin/python benchmarks/run.py --quick    # smoke run: single repetitions, sizes up to 10^5, prints only
    make bench                                    # the full run

What is measured (each end-to-end run in a fresh output directory under build/bench/,
removed afterwards):

1. the baseline a user would write: a sequential loop of the ``papermill`` CLI over the
   notebooks (``papermill notebooks/X.ipynb OUT/X.ipynb -p output_dir OUT``);
2. ``beyond-protocol run --force --jobs 1 --output-dir OUT1`` (cold, sequential);
3. ``beyond-protocol run --force --jobs 2 --output-dir OUT2`` (cold, parallel);
4. ``beyond-protocol run --output-dir OUT2`` again, nothing changed (no-op);
5. the same with a ``--params-file`` that changes ``pair_russia`` of 02_meeting_frequency,
   so only that notebook re-runs;
6. ``python -c "import analysis"`` (and ``... ; analysis.load_dataset()``) in fresh processes;
7. the indicator functions on synthetic engagement tables of 10^3 ... 10^6 rows, sampled
   with replacement from the shipped engagements (fresh ids), with the growth per 10x.

The machine may be shared: every timing records how many CPUs other processes kept busy
meanwhile (from /proc/stat), and the full run first waits (``--settle``, up to 300 s per
stage) for the machine to become quiet; if it never does, the table says so.

Only the standard library and the project's own environment are used. If the library or
the data change while the benchmark runs (someone editing src/ or data/), a no-op or
one-notebook re-run would legitimately re-run more; such a measurement is detected from
the runner's "running N of M" line, retried, and the retry is reported.
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
VENV_BIN = ROOT / ".venv" / "bin"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
BENCH_DIR = ROOT / "build" / "bench"
DEFAULT_OUTPUT = ROOT / "benchmarks" / "results.md"

# Targets (reported, never asserted).
TARGET_PARALLEL_VS_NAIVE = 0.6
TARGET_NOOP_VS_PARALLEL = 0.05
TARGET_INDICATORS_1E6 = 5.0     # seconds for all seven indicator calls on 10^6 rows together
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
# End-to-end


def naive_once(m: Measurement) -> None:
    """One naive loop: the papermill CLI once per notebook, one after the other."""
    papermill = str(VENV_BIN / "papermill")
    out = fresh_dir("naive")
    try:
        with Sample() as sample:
            for nb in NOTEBOOKS:
                _, rc, output = run_timed([papermill, rel(nb), str(out / nb.name), "-p", "output_dir", str(out)])
                if rc != 0:
                    m.failed = True
                    m.notes.append(f"{nb.stem} failed (exit {rc})")
                    say(tail(output))
        m.add(sample)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    say(f"  naive papermill loop: {sample.wall:.2f} s (CPU {sample.cpu:.1f} s, other load {sample.others:.2f} CPUs)")


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


def bench_param_change(out: Path, repeat: int) -> Measurement:
    p = PARAM_CHANGE
    m = Measurement(f"re-run after changing one parameter ({p['notebook']}: {p['name']}={p['value']})",
                    "beyond-protocol run --params-file changed.yml --output-dir OUT2")
    params = out.parent / f"{out.name}-changed.yml"
    params.write_text(f"notebooks:\n  {p['notebook']}:\n    {p['name']}: {p['value']}\n", encoding="utf-8")

    def restore():  # back to the committed defaults, so the timed run again changes exactly one notebook
        run_timed(runner_cmd(out))

    try:
        for i in range(repeat):
            _timed_rerun(m, runner_cmd(out, "--params-file", str(params)), expected=1,
                         prepare=restore if i else None)
    finally:
        params.unlink(missing_ok=True)
    say(f"  one parameter changed: median {m.median:.2f} s over {len(m.times)}")
    return m


# ---------------------------------------------------------------------------------------
# Import


def bench_import(repeat_import: int, repeat_load: int) -> list[Measurement]:
    python = str(VENV_BIN / "python")
    cases = [("interpreter start-up, for reference", "pass", repeat_import),
             ("import the package", "import analysis", repeat_import),
             ("import and load (and validate) the shipped data", "import analysis; analysis.load_dataset()",
              repeat_load),
             ("what `beyond-protocol run` and each `--jobs` worker import before a kernel starts",
              "import analysis.pipeline.run, papermill", repeat_load),
             ("of which jsonschema (via nbformat)", "import jsonschema", repeat_load)]
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


def bench_indicators(sizes: list[int], repeats: dict[int, int]) -> tuple[dict[str, dict[int, float]], str, dict]:
    import numpy as np
    import pandas as pd

    import analysis as bp

    try:
        dataset = bp.load_dataset()
        base, offices, persons = dataset.engagements, dataset.offices, dataset.persons
        source = f"the shipped engagements ({len(base)} rows)"
        pair = ("xi_jinping", "putin_vladimir")
    except Exception as exc:
        sys.path.insert(0, str(ROOT / "tests"))
        import indicator_fixtures as fx

        rng0 = np.random.default_rng(1)
        days = pd.to_datetime("1950-01-01") + pd.to_timedelta(rng0.integers(0, 27000, 200), unit="D")
        base = fx.make_engagements([{"start_date": d.strftime("%Y-%m-%d"),
                                     "russia_office": ["head_of_state", "head_of_government", "foreign_minister"][i % 3]}
                                    for i, d in enumerate(days)])
        offices = fx.make_offices([(fx.CHINA_A, "head_of_state", "PRC", "1949-10-01", None),
                                   (fx.RUSSIA_A, "head_of_state", "Russia", "1991-12-26", None)])
        persons = fx.make_persons(fx.PERSONS)
        source = f"tests/indicator_fixtures tables (the shipped data did not load: {type(exc).__name__})"
        pair = (fx.CHINA_A, fx.RUSSIA_A)
    as_of = pd.Timestamp(int(base["end_date"].dt.year.max()), 12, 31)

    def synthetic(n: int) -> pd.DataFrame:
        rng = np.random.default_rng(n)
        frame = base.take(rng.integers(0, len(base), n)).reset_index(drop=True)
        frame["engagement_id"] = pd.array([f"S{i:07d}" for i in range(n)], dtype="string")
        return frame

    def prepared(eng):
        return {"eng": eng, "paired": bp.add_pairing(eng, bp.compute_pairings(offices, persons, as_of=as_of))}

    cases = {
        "add_levels": lambda t: bp.add_levels(t["eng"]),
        "add_pairing + compute_pairings": lambda t: bp.add_pairing(
            t["eng"], bp.compute_pairings(offices, persons, as_of=as_of)),
        "compute_engagements_per_year(by='level')": lambda t: bp.compute_engagements_per_year(
            t["eng"], start_year=1949, end_year=2025, by="level"),
        "compute_direction_of_travel(by='period')": lambda t: bp.compute_direction_of_travel(t["eng"], by="period"),
        "compute_protocol_asymmetry(by='pairing')": lambda t: bp.compute_protocol_asymmetry(t["paired"], by="pairing"),
        "compute_cumulative (Xi–Putin)": lambda t: bp.compute_cumulative(
            t["eng"], china_person_id=pair[0], russia_person_id=pair[1], persons=persons),
        "filter_engagements (years, levels, modes)": lambda t: bp.filter_engagements(
            t["eng"], start_year=1990, end_year=2025, levels=["leader", "head_of_government"],
            modes=["in_person"], in_article_only=False),
    }
    warm = prepared(synthetic(100))
    for fn in cases.values():  # first calls pay for lazy imports; keep them out of the timings
        fn(warm)
    timings: dict[str, dict[int, float]] = {name: {} for name in cases}
    others: dict[int, float] = {}
    for n in sizes:
        tables = prepared(synthetic(n))
        with Sample() as sample:
            for name, fn in cases.items():
                samples = []
                for _ in range(repeats[n]):
                    started = time.perf_counter()
                    fn(tables)
                    samples.append(time.perf_counter() - started)
                # Best of N, as timeit advises: the other work on a shared machine only ever adds time.
                timings[name][n] = min(samples)
        others[n] = sample.others
        say(f"  {n:>9,} rows: " + ", ".join(f"{timings[k][n]:.4f}" for k in cases)
            + f"  (total {sum(timings[k][n] for k in cases):.3f} s; other load {sample.others:.2f} CPUs)")
        del tables
    return timings, source, others


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

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True,
                                  timeout=20).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""
    commit = git("rev-parse", "--short", "HEAD")
    dirty = git("status", "--porcelain", "--", "src", "notebooks", "data")
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": nproc,
        "cpu": model,
        "memory": memory,
        "python": platform.python_version() + f" ({platform.python_implementation()})",
        "os": platform.platform(),
        "packages": ", ".join(f"{d} {version(d)}" for d in ("pandas", "numpy", "papermill", "nbclient",
                                                            "ipykernel", "matplotlib")),
        "commit": (commit + (" + uncommitted changes in src/notebooks/data" if dirty else "")) or "-",
    }


def fmt(seconds: float) -> str:
    if seconds != seconds:  # NaN
        return "-"
    return f"{seconds:.3f}" if seconds < 10 else f"{seconds:.1f}"


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**MISSED**"


def report(info: dict, args, e2e: list[Measurement], extra: dict, imports: list[Measurement],
           timings: dict[str, dict[int, float]], source: str, sizes: list[int]) -> tuple[str, list[str]]:
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `benchmarks/run.py{' --quick' if args.quick else ''}`"
        f"{'' if args.quick else ' (`make bench`)'} on {info['date']}.",
        "",
        f"- Machine: {info['nproc']} CPUs (`nproc`), {info['cpu']}, {info['memory']} RAM; {info['os']}",
        f"- Python {info['python']}; {info['packages']}",
        f"- Code: commit {info['commit']}; {len(NOTEBOOKS)} notebooks "
        f"({', '.join(nb.stem for nb in NOTEBOOKS)})",
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
        "*vs naive*: median / median of the naive loop.",
        "",
        "| # | measurement | command | runs | median s | min–max s | CPU s | other load | vs naive | notes |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    naive = e2e[0].median
    for i, m in enumerate(e2e, 1):
        notes = list(m.notes)
        if len(m.times) == 1 and i <= 3:
            notes.append("single run (cold runs are slow; use more with --repeat)")
        notes += extra.get(m.label, [])
        lines.append(f"| {i} | {m.label}{' (FAILED)' if m.failed else ''} | `{m.command}` | {len(m.times)} | "
                     f"{fmt(m.median)} | {m.spread()} | {m.median_of(m.cpu):.1f} | {m.median_of(m.others):.2f} | "
                     f"{m.median / naive:.3f} | {'; '.join(notes)} |")
    lines += ["", "## Start-up", "", "Fresh processes of the project's interpreter, after one untimed warm-up run.",
              "", "| measurement | command | runs | median s | min–max s | other load | notes |",
              "|---|---|---:|---:|---:|---:|---|"]
    for m in imports:
        lines.append(f"| {m.label} | `{m.command}` | {len(m.times)} | {fmt(m.median)} | {m.spread()} | "
                     f"{m.median_of(m.others):.2f} | {'; '.join(m.notes)} |")

    names = list(timings)
    lines += ["", "## Indicators", "",
              f"Seconds per call, best of {', '.join(f'{args.repeats[n]}' for n in sizes)} calls for "
              f"{', '.join(f'10^{len(str(n)) - 1}' for n in sizes)} rows (other work on the machine only adds "
              f"time; it kept {', '.join(f'{load:.2f}' for load in extra['indicator_others'].values())} CPUs busy during "
              f"the respective sizes), on synthetic engagement tables "
              f"sampled with replacement from {source}, fresh engagement ids, in one process. "
              "'×10' columns are the growth factor per 10x rows (10 = linear; below 10 = fixed costs still dominate).",
              "",
              "| function | " + " | ".join(f"10^{len(str(n)) - 1} rows" for n in sizes) + " | "
              + " | ".join(f"×10: 10^{len(str(a)) - 1}→10^{len(str(b)) - 1}" for a, b in itertools.pairwise(sizes)) + " |",
              "|---|" + "---:|" * (2 * len(sizes) - 1)]
    totals = {n: sum(timings[k][n] for k in names) for n in sizes}
    for name in [*names, "**all seven**"]:
        row = totals if name == "**all seven**" else timings[name]
        cells = [f"{row[n]:.4f}" for n in sizes]
        cells += [f"{row[b] / row[a]:.1f}" if row[a] > 0 else "-" for a, b in itertools.pairwise(sizes)]
        lines.append(f"| {name if name.startswith('**') else '`' + name + '`'} | " + " | ".join(cells) + " |")

    # Targets
    parallel, noop = e2e[2], e2e[3]
    r_parallel = parallel.median / naive
    r_noop = noop.median / parallel.median
    largest, previous = sizes[-1], sizes[-2]
    worst_name = max(names, key=lambda k: timings[k][largest] / max(timings[k][previous], 1e-12))
    worst = timings[worst_name][largest] / max(timings[worst_name][previous], 1e-12)
    targets = [
        ("cold parallel (`--jobs 2`) / naive loop", f"≤ {TARGET_PARALLEL_VS_NAIVE}", f"{r_parallel:.3f}",
         r_parallel <= TARGET_PARALLEL_VS_NAIVE and not parallel.failed and not e2e[0].failed),
        ("no-op re-run / cold parallel", f"≤ {TARGET_NOOP_VS_PARALLEL}", f"{r_noop:.3f}",
         r_noop <= TARGET_NOOP_VS_PARALLEL and not noop.failed),
    ]
    if largest >= 10 ** 6:
        targets.append(("all seven indicator calls on 10^6 rows", f"≤ {TARGET_INDICATORS_1E6:g} s",
                        f"{totals[largest]:.3f} s", totals[largest] <= TARGET_INDICATORS_1E6))
    else:
        targets.append(("all seven indicator calls on 10^6 rows", f"≤ {TARGET_INDICATORS_1E6:g} s",
                        f"not measured (--quick; 10^{len(str(largest)) - 1} rows: {totals[largest]:.3f} s)", None))
    targets.append((f"cost growth per 10x rows, 10^{len(str(previous)) - 1}→10^{len(str(largest)) - 1} "
                    "(worst function)", f"≤ {TARGET_GROWTH:g} (linear = 10)",
                    f"{worst:.1f} (`{worst_name}`)", worst <= TARGET_GROWTH))
    lines += ["", "## Targets", "", "| target | goal | measured | verdict |", "|---|---|---|---|"]
    missed = []
    for name, goal, measured, ok in targets:
        lines.append(f"| {name} | {goal} | {measured} | {'n/a' if ok is None else verdict(ok)} |")
        if ok is False:
            missed.append(name)
    steep = [f"`{k}` ({timings[k][largest] / max(timings[k][previous], 1e-12):.1f})" for k in names
             if timings[k][largest] / max(timings[k][previous], 1e-12) > TARGET_GROWTH]
    if steep:
        lines += ["", f"Growing faster than the goal from 10^{len(str(previous)) - 1} to 10^{len(str(largest)) - 1} "
                  f"rows: {', '.join(steep)}. For comparison, an O(n log n) sort grows by about "
                  f"{10 * (len(str(largest)) - 1) / (len(str(previous)) - 1):.1f} at this step before any cache effects."]
    failed = [m.label for m in e2e + imports if m.failed]
    if failed:
        lines += ["", "**Failures:** " + "; ".join(failed) + " (see the notes; timings of failed runs are not comparable)."]
    return "\n".join(lines) + "\n", missed + failed


# ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: single repetitions, indicator sizes up to 10^5; prints the table "
                             "and writes it only with --output")
    parser.add_argument("--repeat", type=int, default=None, metavar="N",
                        help="runs of each cold end-to-end measurement (default 3, --quick 1)")
    parser.add_argument("--settle", type=float, default=None, metavar="SECONDS",
                        help="before each cold round, the re-runs, the start-up and the indicator timings, wait up "
                             f"to this long for other processes to use fewer than {QUIET} CPUs "
                             "(default 300, --quick 0)")
    parser.add_argument("--output", type=Path, default=None, metavar="FILE.md",
                        help=f"where to write the table (default {rel(DEFAULT_OUTPUT)}; --quick: nowhere)")
    args = parser.parse_args(argv)
    _ensure_environment()

    cold = args.repeat or (1 if args.quick else 3)
    limit = args.settle if args.settle is not None else (0 if args.quick else 300)
    waits: list[str] = []
    cheap = 1 if args.quick else 5
    sizes = [10 ** k for k in range(3, 6 if args.quick else 7)]
    args.repeats = {n: 1 if args.quick else {10 ** 3: 15, 10 ** 4: 9, 10 ** 5: 7, 10 ** 6: 5}[n] for n in sizes}
    output = args.output or (None if args.quick else DEFAULT_OUTPUT)

    info = machine()
    extra: dict = {"load_before": os.getloadavg()[0]}
    say(f"Benchmarking on {info['nproc']} CPUs ({info['cpu']}), Python {info['python']}, {info['date']}")
    kept = None
    try:
        naive = Measurement("naive loop of the papermill CLI (sequential)",
                            "for X in notebooks/0*_*.ipynb: papermill X OUT/X -p output_dir OUT")
        seq = Measurement("beyond-protocol run, cold, --jobs 1",
                          "beyond-protocol run --force --jobs 1 --output-dir OUT1")
        par = Measurement("beyond-protocol run, cold, --jobs 2",
                          "beyond-protocol run --force --jobs 2 --output-dir OUT2")
        seq_nb: list[dict] = []
        par_nb: list[dict] = []
        # Interleaved rounds (naive, --jobs 1, --jobs 2, naive, ...): a burst of other work on
        # the machine then affects all three alike instead of one of them.
        for i in range(cold):
            say(f"[1-3/7] cold end-to-end runs, round {i + 1} of {cold}")
            settle(limit, waits, f"cold round {i + 1}")
            naive_once(naive)
            cold_once(seq, 1, seq_nb, keep=False)
            if kept is not None:
                shutil.rmtree(kept, ignore_errors=True)
            kept = cold_once(par, 2, par_nb, keep=True)
        for m, per in ((seq, seq_nb), (par, par_nb)):
            sums = [sum(p.values()) for p in per if p]
            if sums:
                total = statistics.median(sums)
                longest = statistics.median(max(p.values()) for p in per if p)
                if m is seq:
                    extra[m.label] = [f"Σ per-notebook execution {total:.1f} s; runner overhead "
                                      f"{m.median - total:+.1f} s"]
                else:  # no schedule on 2 workers can beat max(Σ/2, longest notebook)
                    bound = max(total / 2, longest)
                    extra[m.label] = [f"Σ per-notebook execution {total:.1f} s, longest notebook {longest:.1f} s: "
                                      f"ideal 2-worker bound {bound:.1f} s; overhead + imbalance "
                                      f"{m.median - bound:+.1f} s"]
        say("[4/7] no-op re-run")
        settle(limit, waits, "re-runs")
        noop = bench_noop(kept, cheap)
        say("[5/7] re-run after one parameter change")
        changed = bench_param_change(kept, 1 if args.quick else 3)
    finally:
        if kept is not None:
            shutil.rmtree(kept, ignore_errors=True)
        with contextlib.suppress(OSError):
            BENCH_DIR.rmdir()  # only if empty: another run's directories stay
    say("[6/7] import time")
    settle(limit, waits, "start-up")
    imports = bench_import(3 if args.quick else 9, 1 if args.quick else 5)
    say("[7/7] indicators")
    settle(limit, waits, "indicators")
    timings, source, extra["indicator_others"] = bench_indicators(sizes, args.repeats)
    extra["load_after"] = os.getloadavg()[0]
    extra["waits"] = waits

    text, missed = report(info, args, [naive, seq, par, noop, changed], extra, imports, timings, source, sizes)
    say()
    say(text)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        say(f"written to {rel(output.resolve())}")
    if missed:
        say("targets missed or runs failed: " + "; ".join(missed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
