"""Injected faults: a cell that raises, a kernel that dies, a cell that times out, an interrupt;
and data that is garbage.

Each notebook fault must be reported with the notebook, the cell and the error, keep the executed
notebook, leave the previous outputs byte-for-byte intact and no partial file anywhere. A garbage
data file must give a short report (at most about a hundred lines), whatever its size.
"""

import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from _garbage import write_garbage_csv
from _notebooks import WRITES_A_TABLE, make_notebook

from analysis.pipeline.cli import main


@pytest.fixture
def previous(tmp_path):
    """An output directory holding the previous, good version of the notebook's output."""
    out = tmp_path / "out"
    (out / "tables").mkdir(parents=True)
    (out / "tables" / "fault.csv").write_bytes(b"a\nprevious\n")
    return out


def assert_nothing_lost(out: Path):
    assert (out / "tables" / "fault.csv").read_bytes() == b"a\nprevious\n"
    assert not (out / "tables" / "fault.md").exists()                    # nothing of the failed run
    assert [p for p in out.rglob("*") if p.name.endswith(".tmp")] == []    # no partial files
    staging = out / "build" / "staging"
    assert not staging.exists() or not any(staging.iterdir())


@pytest.mark.notebook
@pytest.mark.parametrize(('fault', 'timeout', 'expected'), [
    ('raise ValueError("injected fault")', "60", "cell 3: ValueError: injected fault"),
    ("import os\nos._exit(1)", "60", "cell 3: the kernel died"),
    ("import time\ntime.sleep(60)", "3", "cell 3: exceeded the per-cell timeout of 3 s"),
], ids=["raises", "kernel-dies", "timeout"])
def test_fault_is_reported_and_previous_outputs_survive(tmp_path, previous, capsys, fault, timeout, expected):
    notebooks = make_notebook(tmp_path / "notebooks", WRITES_A_TABLE, fault)
    code = main(["run", "--quiet", "--notebooks-dir", str(notebooks), "--output-dir", str(previous),
                 "--timeout", timeout])
    text = capsys.readouterr().out
    assert code == 1
    assert f"FAILED 01_fault: {expected}" in text
    kept = previous / "build" / "notebooks" / "01_fault.ipynb"
    assert kept.exists() and "executed notebook kept at" in text and kept.name in text
    assert_nothing_lost(previous)


@pytest.mark.notebook
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_interrupted_run_loses_nothing(tmp_path, previous, signum):
    notebooks = make_notebook(tmp_path / "notebooks", WRITES_A_TABLE, "import time\ntime.sleep(120)")
    process = subprocess.Popen(
        [sys.executable, "-m", "analysis", "run", "--quiet", "--notebooks-dir", str(notebooks),
         "--output-dir", str(previous)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    staged = previous / "build" / "staging" / "01_fault" / "out" / "tables" / "fault.csv"
    deadline = time.monotonic() + 90
    while not staged.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
    assert staged.exists(), "the notebook never reached its long cell"
    process.send_signal(signum)
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 130, out
    assert "interrupted" in out
    assert_nothing_lost(previous)


# ---------------------------------------------------------------------------------------
# Garbage data: the report stays short (at most 20 listed per file and kind, 1000 read per file)

def garbage_report(data_dir: Path, capsys) -> list[str]:
    assert main(["validate", "--data-dir", str(data_dir)]) == 2
    _, err = capsys.readouterr()
    return err.splitlines()


def test_a_large_garbage_table_gives_a_short_report(fixture_copy, capsys):
    d = fixture_copy()
    write_garbage_csv(d.path("trade.csv"), 5_000_000)
    assert d.path("trade.csv").stat().st_size > 4_000_000
    lines = garbage_report(d.dir, capsys)
    label = d.label("trade.csv")
    assert len(lines) <= 100, "\n".join(lines)
    assert re.fullmatch(rf"at least \d+ problems in {re.escape(str(d.dir))}:", lines[0])
    listed = [line for line in lines[1:] if line.startswith(f"  {label}:")]
    more = [line for line in lines[1:] if line.startswith("  … and at least ")]
    assert len(listed) + len(more) == len(lines) - 1          # trade.csv only: no other file is affected
    assert any(re.fullmatch(rf"  … and at least \d+ more type problems in {re.escape(label)}", m) for m in more)
    stop = [line for line in listed if re.search(r":\d+: stopped checking this file after 10\d\d problems", line)]
    assert len(stop) == 1
    kinds = {m.split(" more ")[1].split(" problems")[0] for m in more}
    assert kinds <= {"file", "type", "constraint", "key"} and "type" in kinds
    assert len(listed) <= 20 * 4 + 1                           # 20 per kind, and where it stopped


def test_a_large_binary_file_gives_a_short_report(fixture_copy, capsys):
    d = fixture_copy()
    d.write_bytes("trade.csv", random.Random(2).randbytes(5_000_000))
    lines = garbage_report(d.dir, capsys)
    label = d.label("trade.csv")
    assert len(lines) <= 100, "\n".join(lines)
    assert all(line.startswith((f"  {label}", "  … and")) for line in lines[1:])
    assert any("bytes that are not valid UTF-8" in line for line in lines)

