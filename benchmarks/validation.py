#!/usr/bin/env python3
"""Benchmark the validator on garbage input: time, peak memory and length of the report.

This is a script, not a test (timings depend on the machine); it writes
``benchmarks/results-validation.md``:

    .venv/bin/python benchmarks/validation.py            # sizes 5 MB and 100 MB, 3 runs each
    .venv/bin/python benchmarks/validation.py --quick    # 5 MB only, 1 run, prints only
    .venv/bin/python benchmarks/validation.py --baseline b0de8bf   # also the validator of that commit

Each case is a copy of the minimal fixture (``tests/fixtures/minimal``) whose ``trade.csv`` is
replaced by garbage of the given size, validated by ``python -m analysis validate --data-dir``
in a fresh process: wall-clock seconds, the process's peak resident memory (``ru_maxrss`` of
that child alone, from ``os.wait4``) and the lines it prints. Two kinds of garbage: text (the
right header, then rows of junk values and random row lengths) and random bytes (not UTF-8).
The packaged ``data/`` is measured too, as the reference for a process that validates and
has nothing to report. With ``--baseline COMMIT`` the text-garbage cases are also run with the
validator of that commit (its ``src/``, ``data/`` and fixture, from ``git archive``; one run each,
since the old validator reads a whole file into memory). Files go to ``build/bench/validation/``
and are removed afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# the garbage is made by the tests' generator (tests/_garbage.py): one definition for both
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from _garbage import write_garbage_csv

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
FIXTURE = ROOT / "tests" / "fixtures" / "minimal"
WORK = ROOT / "build" / "bench" / "validation"
OUTPUT = ROOT / "benchmarks" / "results-validation.md"
MB = 1_000_000


def write_random_bytes(path: Path, size: int, seed: int = 2) -> None:
    rng = random.Random(seed)
    with open(path, "wb") as handle:
        for _ in range(size // MB):
            handle.write(rng.randbytes(MB))


def measure(data_dir: Path | None, src: Path | None = None) -> tuple[float, float, int, int]:
    """(seconds, peak MB, lines printed, exit code) of one validation in a fresh process
    (with the package of ``src`` instead of the installed one if given)."""
    command = [str(PYTHON), "-m", "analysis", "validate"] + (["--data-dir", str(data_dir)] if data_dir else [])
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", **({"PYTHONPATH": str(src)} if src else {})}
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=out, cwd=ROOT, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        lines = count_lines(out)
    return seconds, usage.ru_maxrss / 1024, lines, process.returncode


def count_lines(handle) -> int:
    """Lines in a file, read in blocks: the benchmark process must stay small, because Linux
    counts the RSS high-water mark of the process that forks a child in the child's ru_maxrss."""
    handle.seek(0)
    lines, last = 0, b"\n"
    while block := handle.read(1 << 20):
        lines, last = lines + block.count(b"\n"), block[-1:]
    return lines + (last != b"\n")


def git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else "n/a"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 MB only, one run, print without writing")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", metavar="COMMIT", help="also measure the validator of this commit")
    args = parser.parse_args()
    sizes = [5 * MB] if args.quick else [5 * MB, 100 * MB]
    runs = 1 if args.quick else args.runs
    cases: list[tuple[str, Path | None, Path | None, int]] = [
        ("packaged data/ (valid: nothing to report)", None, None, runs)]
    shutil.rmtree(WORK, ignore_errors=True)
    try:
        old = None
        if args.baseline:
            old = WORK / "baseline"
            old.mkdir(parents=True)
            archive = subprocess.run(["git", "archive", args.baseline, "src", "data", "tests/fixtures/minimal"],
                                     cwd=ROOT, capture_output=True, check=True).stdout
            subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        for size in sizes:
            for kind, write in (("text garbage", write_garbage_csv), ("random bytes", write_random_bytes)):
                directory = WORK / f"{kind.split()[0]}-{size // MB}MB"
                shutil.copytree(FIXTURE, directory)
                write(directory / "trade.csv", size)
                actual = (directory / "trade.csv").stat().st_size
                cases.append((f"trade.csv of {actual / MB:.0f} MB, {kind}", directory, None, runs))
                if old is not None and kind == "text garbage":
                    before = WORK / f"before-{size // MB}MB"
                    shutil.copytree(old / "tests" / "fixtures" / "minimal", before)
                    write(before / "trade.csv", size)
                    cases.append((f"trade.csv of {actual / MB:.0f} MB, {kind}: before (commit {args.baseline})",
                                   before, old / "src", 1))
        rows = []
        for name, directory, src, n in cases:
            results = [measure(directory, src) for _ in range(n)]
            seconds = [r[0] for r in results]
            rows.append((name, statistics.median(seconds), min(seconds), max(seconds),
                         max(r[1] for r in results), sorted({r[2] for r in results}), sorted({r[3] for r in results})))
            print(f"{name}: {rows[-1][1]:.2f} s, peak {rows[-1][4]:.0f} MB, {rows[-1][5]} lines, exit {rows[-1][6]}",
                  flush=True)
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"(this script's own peak: {own_peak:.0f} MB)")
    if args.quick:
        return 0
    commit = git("rev-parse", "HEAD")
    dirty = git("status", "--porcelain", "--", "src/analysis/data", "src/analysis/pipeline/cli.py")
    lines = [
        "# Validation benchmark",
        "",
        f"Generated by `benchmarks/validation.py` on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC.",
        "",
        f"- Code: commit `{commit}`" + (" plus uncommitted changes to the validator (`src/analysis/data/`, the CLI)"
                                        if dirty else ""),
        f"- Machine: {os.cpu_count()} CPUs, {platform.platform()}; Python {platform.python_version()}",
        f"- Each case: `python -m analysis validate --data-dir DIR` in a fresh process, {runs} runs (a *before* case: "
        "1 run, the validator and fixture of that commit); DIR is a copy of "
        "`tests/fixtures/minimal` with `trade.csv` replaced by the garbage named. *peak MB*: the process's peak "
        "resident memory (`ru_maxrss` from `os.wait4`, the largest of the runs). *lines*: lines printed "
        "(stdout and stderr). Exit 2 = problems reported, 0 = valid. This script stays at "
        f"{own_peak:.0f} MB itself (a forking parent's peak would count in its children's).",
        "",
        "| case | median s | min–max s | peak MB | lines | exit |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, median, low, high, peak, printed, codes in rows:
        lines.append(f"| {name} | {median:.2f} | {low:.2f}–{high:.2f} | {peak:.0f} | "
                     f"{', '.join(map(str, printed))} | {', '.join(map(str, codes))} |")
    lines += [
        "",
        "The report lists at most 20 problems of each kind (file, type, constraint, key, encoding, …) per file, "
        "then \"… and at least N more\"; after 1000 problems in one file the validator stops reading that file "
        "and says at which line. Before parsing, one streaming pass over the bytes checks for a BOM, a blank file "
        "and UTF-8 (without keeping the text), so time grows slowly with size and memory not at all.",
        "",
    ]
    OUTPUT.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
