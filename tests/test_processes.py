"""The runner's processes: one run per output directory, readers that never see half a promotion,
and a clean process table — every kernel and worker stopped and reaped, whatever happened.

The process-table tests run ``beyond-protocol run`` inside a child Python that has made itself
a *child subreaper* (Linux ``prctl(PR_SET_CHILD_SUBREAPER)``): any process the run leaves behind
— a worker, a kernel orphaned by its worker, a zombie nobody waited for — ends up as a child of
that Python, which lists its children from ``/proc`` right after the run returns.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from _notebooks import MARKS_STARTED, WRITES_A_TABLE, make_notebook, started

from analysis.pipeline.exits import EXIT_BUSY
from analysis.pipeline.promotion import OutputBusy, build_dir_of, promoting, read_consistently, run_lock

pytestmark = pytest.mark.notebook

CONSOLE = Path(sys.executable).parent / "beyond-protocol"

# Makes the Python a child subreaper; after the run, lists its children (state from /proc/PID/stat).
SUBREAPER = """
import ctypes, json, os, sys
if ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) != 0:   # PR_SET_CHILD_SUBREAPER
    raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")
"""
SCAN = """
children = []
for entry in os.listdir("/proc"):
    if entry.isdigit():
        try:
            with open(f"/proc/{entry}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        comm, rest = stat.split("(", 1)[1].rsplit(")", 1)
        state, ppid = rest.split()[:2]
        if int(ppid) == os.getpid():
            children.append({"pid": int(entry), "state": state, "comm": comm})
print("RESULT " + json.dumps({"code": code, "children": children}), flush=True)
"""
HARNESS = SUBREAPER + "from analysis.pipeline.cli import main\ncode = main(sys.argv[1:])\n" + SCAN


def harness(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", HARNESS, "run", "--quiet", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def outcome(process: subprocess.Popen, timeout: float = 180) -> tuple[dict, str, str]:
    out, err = process.communicate(timeout=timeout)
    lines = [line for line in out.splitlines() if line.startswith("RESULT ")]
    assert lines, f"the harness did not report (exit {process.returncode}):\n{out}\n{err}"
    return json.loads(lines[-1][len("RESULT "):]), out, err


def test_the_harness_sees_left_over_processes():
    """The check can fail: a child nobody waited for (a zombie) and an orphaned grandchild are listed."""
    leave_behind = (SUBREAPER + "import signal, subprocess, time\n"
                    "zombie = subprocess.Popen([sys.executable, '-c', 'pass'])\n"
                    "subprocess.run([sys.executable, '-c', 'import subprocess, sys; "
                    "subprocess.Popen([sys.executable, \"-c\", \"import time; time.sleep(30)\"])'])\n"
                    "time.sleep(1.5)\ncode = 0\n" + SCAN
                    + "for child in children:\n    if child['state'] != 'Z':\n        os.kill(child['pid'], signal.SIGKILL)\n")
    result = subprocess.run([sys.executable, "-c", leave_behind], capture_output=True, text=True, timeout=60)
    report = json.loads(result.stdout.split("RESULT ", 1)[1])
    assert sorted(c["state"] for c in report["children"]) == ["S", "Z"], result.stdout + result.stderr


def test_a_normal_parallel_run_leaves_no_process_and_no_error_line(tmp_path):
    notebooks = tmp_path / "notebooks"
    make_notebook(notebooks, 'print("a")', stem="01_a")
    make_notebook(notebooks, 'print("b")', stem="02_b")
    report, out, err = outcome(harness("--jobs", "2", "--notebooks-dir", str(notebooks),
                                       "--output-dir", str(tmp_path / "out")))
    assert report == {"code": 0, "children": []}, out + err
    assert "running 2 of 2 notebook(s) with 2 job(s)" in out
    assert [line for line in err.splitlines() if "ERROR" in line] == []


def test_a_normal_sequential_run_prints_no_error_line(tmp_path):
    notebooks = make_notebook(tmp_path / "notebooks", 'print("a")', stem="01_a")
    report, out, err = outcome(harness("--jobs", "1", "--notebooks-dir", str(notebooks),
                                       "--output-dir", str(tmp_path / "out")))
    assert report == {"code": 0, "children": []}, out + err
    assert [line for line in err.splitlines() if "ERROR" in line] == []


# After this cell, a SIGINT reaching the idle kernel appends a line to MARKER (ipykernel restores
# its saved handler after each request; the cell replaces the saved one).
COUNTS_INTERRUPTS = """
import signal
def _count(signum, frame):
    with open(MARKER, "a") as handle:
        handle.write("SIGINT\\n")
get_ipython().kernel.saved_sigint_handler = _count
"""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_finished_kernel_is_shut_down_without_an_interrupt(tmp_path, jobs):
    """jupyter_client interrupts before every shutdown; an idle ipykernel may then log
    'ERROR | KeyboardInterrupt caught in kernel'. The runner asks a finished kernel to exit."""
    marker = tmp_path / "interrupts.txt"
    notebooks = tmp_path / "notebooks"
    for stem in ("01_a", "02_b"):
        make_notebook(notebooks, f"MARKER = {str(marker)!r}" + COUNTS_INTERRUPTS, stem=stem)
    report, out, err = outcome(harness("--jobs", jobs, "--notebooks-dir", str(notebooks),
                                       "--output-dir", str(tmp_path / "out")))
    assert report == {"code": 0, "children": []}, out + err
    assert not marker.exists(), marker.read_text()


def test_failures_and_timeouts_leave_no_process(tmp_path):
    notebooks = tmp_path / "notebooks"
    make_notebook(notebooks, 'raise ValueError("injected")', stem="01_raises")
    make_notebook(notebooks, "import os\nos._exit(1)", stem="02_dies")
    make_notebook(notebooks, "import time\ntime.sleep(60)", stem="03_hangs")
    report, out, err = outcome(harness("--jobs", "2", "--timeout", "3", "--notebooks-dir", str(notebooks),
                                       "--output-dir", str(tmp_path / "out")))
    assert report == {"code": 1, "children": []}, out + err
    assert "FAILED 01_raises: cell 2: ValueError: injected" in out
    assert "FAILED 02_dies: cell 2: the kernel died" in out
    assert "FAILED 03_hangs: cell 2: exceeded the per-cell timeout of 3 s" in out


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_sigterm_leaves_no_process(tmp_path, jobs):
    notebooks = tmp_path / "notebooks"
    stems = ["01_a", "02_b"]
    for stem in stems:
        make_notebook(notebooks, MARKS_STARTED, "import time\ntime.sleep(120)", stem=stem)
    out_dir = tmp_path / "out"
    process = harness("--jobs", jobs, "--notebooks-dir", str(notebooks), "--output-dir", str(out_dir))
    deadline = time.monotonic() + 90
    while not started(out_dir, stems[0]).exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.1)
    assert started(out_dir, stems[0]).exists(), "the notebook never reached its long cell"
    process.send_signal(signal.SIGTERM)
    report, out, err = outcome(process, timeout=60)
    assert report == {"code": 130, "children": []}, out + err
    assert "interrupted" in out


def writes_table(name: str) -> str:
    return (f'import pandas as pd\nimport analysis as bp\n'
            f'bp.write_table(pd.DataFrame({{"x": [1]}}), "{name}", output_dir=output_dir, caption="{name}")')


def test_workers_are_spawned_while_other_threads_run(tmp_path, capsys):
    """Forking a process with threads is unsafe: then the workers are spawned, with the same results."""
    from analysis.pipeline.cli import main
    from analysis.pipeline.workers import worker_context

    notebooks = tmp_path / "notebooks"
    make_notebook(notebooks, writes_table("a"), stem="01_a")
    make_notebook(notebooks, writes_table("b"), stem="02_b")
    if threading.active_count() == 1:
        assert worker_context().get_start_method() == "fork"
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert worker_context().get_start_method() == "spawn"
        code = main(["run", "--quiet", "--jobs", "2", "--notebooks-dir", str(notebooks), "--output-dir",
                     str(tmp_path / "out")])
    finally:
        stop.set()
        other.join()
    assert code == 0, capsys.readouterr().out
    assert "running 2 of 2 notebook(s) with 2 job(s)" in capsys.readouterr().out
    assert [p.name for p in sorted((tmp_path / "out" / "tables").glob("*.csv"))] == ["a.csv", "b.csv"]


def test_a_second_run_on_the_same_directory_is_refused(tmp_path):
    notebooks = make_notebook(tmp_path / "notebooks", WRITES_A_TABLE, MARKS_STARTED, "import time\ntime.sleep(6)")
    out_dir = tmp_path / "out"
    command = [str(CONSOLE), "run", "--force", "--quiet", "--notebooks-dir", str(notebooks), "--output-dir", str(out_dir)]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 90
    while not started(out_dir, "01_fault").exists() and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.1)
    assert started(out_dir, "01_fault").exists(), "the first run never reached its long cell"
    second = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert first.poll() is None, "the first run ended before the second one was tried"
    assert second.returncode == EXIT_BUSY, second.stdout + second.stderr
    [message] = second.stdout.splitlines()
    assert message.startswith(f"busy: another `beyond-protocol run` is writing to {out_dir.resolve()} "
                              f"(pid {first.pid}, since ")
    assert message.endswith("): nothing was done. Wait for it to finish, or use another --output-dir.")
    assert "FAILED" not in second.stdout + second.stderr
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, out + err
    assert (out_dir / "tables" / "fault.csv").read_text() == "a\n1\n"
    manifest = json.loads((out_dir / "tables" / "manifest.json").read_text())["outputs"]
    assert sorted(manifest) == ["tables/fault.csv", "tables/fault.md", "tables/fault.tex"]
    assert subprocess.run([str(CONSOLE), "status", "--output-dir", str(out_dir)], capture_output=True,
                          timeout=60).returncode == 0


def test_readers_wait_for_a_promotion_in_progress(tmp_path):
    out_dir = tmp_path / "out"
    build = build_dir_of(out_dir)
    with run_lock(out_dir, build):           # creates the lock files, as a run does
        pass
    read: list[str] = []
    reader = threading.Thread(target=lambda: read.append(read_consistently(out_dir, lambda: "read")))
    with promoting(build):
        reader.start()
        reader.join(1.0)
        assert reader.is_alive() and read == []   # blocked while the outputs change
    reader.join(10)
    assert read == ["read"]


def test_a_run_lock_is_released_when_its_holder_dies(tmp_path):
    out_dir = tmp_path / "out"
    holder = subprocess.Popen([sys.executable, "-c",
                               "import sys, time\nfrom pathlib import Path\n"
                               "from analysis.pipeline.promotion import run_lock\n"
                               "with run_lock(Path(sys.argv[1]), Path(sys.argv[1]) / 'build'):\n"
                               "    print('held', flush=True)\n    time.sleep(60)\n", str(out_dir)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"
    with pytest.raises(OutputBusy, match=f"pid {holder.pid},"), run_lock(out_dir, out_dir / "build"):
        pass
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    holder.stdout.close()
    with run_lock(out_dir, out_dir / "build"):   # a crashed run leaves no stale lock
        pass
