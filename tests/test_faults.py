"""Injected faults: a cell that raises, a kernel that dies, a cell that times out, an interrupt.

Each must be reported with the notebook, the cell and the error, keep the executed notebook,
leave the previous outputs byte-for-byte intact and no partial file anywhere.
"""

import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from analysis.pipeline.cli import main

pytestmark = pytest.mark.notebook

WRITES_A_TABLE = ('import pandas as pd\nimport analysis as bp\n'
                  'bp.write_table(pd.DataFrame({"a": [1]}), "fault", output_dir=output_dir, caption="new")')


def make_notebook(directory: Path, fault: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = new_code_cell('output_dir: str = ""  # root directory for outputs')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, new_code_cell(WRITES_A_TABLE), new_code_cell(fault)]
    path = directory / "01_fault.ipynb"
    nbformat.write(nb, path)
    return directory


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


@pytest.mark.parametrize(('fault', 'timeout', 'expected'), [
    ('raise ValueError("injected fault")', "60", "cell 3: ValueError: injected fault"),
    ("import os\nos._exit(1)", "60", "cell 3: the kernel died"),
    ("import time\ntime.sleep(60)", "3", "cell 3: exceeded the per-cell timeout of 3 s"),
], ids=["raises", "kernel-dies", "timeout"])
def test_fault_is_reported_and_previous_outputs_survive(tmp_path, previous, capsys, fault, timeout, expected):
    notebooks = make_notebook(tmp_path / "notebooks", fault)
    code = main(["run", "--quiet", "--notebooks-dir", str(notebooks), "--output-dir", str(previous),
                 "--timeout", timeout])
    text = capsys.readouterr().out
    assert code == 1
    assert f"FAILED 01_fault: {expected}" in text
    kept = previous / "build" / "notebooks" / "01_fault.ipynb"
    assert kept.exists() and "executed notebook kept at" in text and kept.name in text
    assert_nothing_lost(previous)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_interrupted_run_loses_nothing(tmp_path, previous, signum):
    notebooks = make_notebook(tmp_path / "notebooks", "import time\ntime.sleep(120)")
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
