"""Same inputs, same bytes; provenance of every output; staleness; incremental and parallel runs."""

import hashlib
import json
import platform
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from _notebooks import WRITES_A_TABLE, make_notebook

from analysis import paths
from analysis.pipeline import provenance
from analysis.pipeline.cli import main
from analysis.pipeline.provenance import compute_status, render_exhibits

pytestmark = pytest.mark.notebook


def run(*args) -> int:
    return main(["run", "--quiet", *map(str, args)])


def digests(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for sub in ("figures", "tables") for p in sorted((root / sub).glob("*")) if p.name != "manifest.json"}


def _png_text(path: Path) -> bytes:
    """The text of every tEXt, zTXt and iTXt chunk (matplotlib writes iTXt for non-Latin-1 text)."""
    data, pos, text = path.read_bytes(), 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"tEXt":
            text += body
        elif kind == b"zTXt":
            text += zlib.decompress(body.split(b"\0", 1)[1][1:])
        elif kind == b"iTXt":
            keyword, rest = body.split(b"\0", 1)
            compressed, payload = rest[0], rest[2:].split(b"\0", 2)[2]   # skip language and translated keyword
            text += keyword + b"\0" + (zlib.decompress(payload) if compressed else payload)
        pos += 12 + length
    return text


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """The same notebooks run twice into one directory (forced), and once in parallel elsewhere."""
    first = tmp_path_factory.mktemp("first")
    assert run("--jobs", "1", "--output-dir", first) == 0
    before = digests(first)
    executed = {p.name: p.read_bytes() for p in (first / "build" / "notebooks").glob("*.ipynb")}
    assert run("--force", "--jobs", "1", "--output-dir", first) == 0
    parallel = tmp_path_factory.mktemp("parallel")
    assert run("--jobs", "2", "--output-dir", parallel) == 0
    return first, before, executed, parallel


def test_same_inputs_same_bytes(two_runs):
    first, before, _, _ = two_runs
    assert len(before) > 60
    assert digests(first) == before


def test_executed_notebooks_identical_without_timing_metadata(two_runs):
    first, _, executed, _ = two_runs
    again = {p.name: p.read_bytes() for p in (first / "build" / "notebooks").glob("*.ipynb")}
    assert again == executed
    nb = json.loads(executed["02_meeting_frequency.ipynb"])
    assert nb["metadata"]["papermill"]["start_time"] is None and nb["metadata"]["papermill"]["duration"] is None


def test_parallel_run_gives_the_same_outputs(two_runs):
    _first, before, _, parallel = two_runs
    assert digests(parallel) == before


def test_manifest_records_every_output(two_runs):
    first, before, _, _ = two_runs
    figures = json.loads((first / "figures" / "manifest.json").read_text())["outputs"]
    tables = json.loads((first / "tables" / "manifest.json").read_text())["outputs"]
    assert set(figures) | set(tables) == set(before)
    entry = figures["figures/timeline.pdf"]
    assert entry["sha256"] == before["figures/timeline.pdf"]
    assert entry["notebook"] == "notebooks/01_timeline.ipynb"
    cell = json.loads((paths.NOTEBOOKS_DIR / "01_timeline.ipynb").read_text())["cells"][entry["cell"]]
    assert '"timeline"' in "".join(cell["source"])                     # the cell that wrote it
    assert entry["parameters"]["start_year"] == 1949 and "output_dir" not in entry["parameters"]
    engagements = paths.DATA_DIR / "engagements.csv"
    assert entry["inputs"]["data/engagements.csv"] == hashlib.sha256(engagements.read_bytes()).hexdigest()
    assert "src/analysis/exhibits/plots.py" in entry["inputs"] and "notebooks/01_timeline.ipynb" in entry["inputs"]
    assert entry["environment"]["python"] == platform.python_version()
    assert entry["package_version"] and isinstance(entry["git_commit"], str)
    # the timeline notebook never reads the trade table, so trade.csv is not among its inputs
    assert not any(name.endswith("trade.csv") for name in entry["inputs"])


def test_figures_carry_their_provenance(two_runs):
    first, _, _, _ = two_runs
    text = _png_text(first / "figures" / "timeline.png")
    assert b"01_timeline" in text and b"inputs_sha256" in text       # the provenance (Source chunk)
    assert b"leadership pairings shaded" in text                      # the caption
    pdf = (first / "figures" / "timeline.pdf").read_bytes()
    assert b"01_timeline" in pdf and b"inputs_sha256" in pdf


def test_list_of_exhibits(two_runs):
    first, _, _, _ = two_runs
    text = (first / "exhibits.md").read_text()
    assert text == render_exhibits(first)
    assert "### timeline" in text and "- Notebook: `notebooks/01_timeline.ipynb`" in text
    assert "`data/engagements.csv`" in text


@pytest.fixture
def own_data(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, data)
    return data


def test_status_flags_a_changed_data_file(tmp_path, own_data):
    out = tmp_path / "out"
    assert run("timeline", "-p", f"data_dir={own_data}", "--output-dir", out) == 0
    assert {r["status"] for r in compute_status(out)} == {"current"}
    assert main(["status", "--output-dir", str(out)]) == 0
    trade = own_data / "trade.csv"                       # not read by the timeline notebook
    trade.write_text(trade.read_text().replace(",final,", ",preliminary,", 1))   # a real change to a value
    assert trade.read_text() != (paths.DATA_DIR / "trade.csv").read_text()
    (own_data / "reported_figures.csv").write_text((own_data / "reported_figures.csv").read_text().replace("156", "157"))
    assert {r["status"] for r in compute_status(out)} == {"current"}
    engagements = own_data / "engagements.csv"
    engagements.write_text(engagements.read_text().replace("Mao's first trip abroad", "Mao's first journey abroad"))
    rows = compute_status(out)
    assert {r["status"] for r in rows} == {"stale"}
    assert all(any(reason.endswith("engagements.csv changed") for reason in r["reasons"]) for r in rows)
    assert main(["status", "--output-dir", str(out)]) == 1


def test_status_flags_a_modified_output(tmp_path):
    out = tmp_path / "out"
    assert run("trade", "--output-dir", out) == 0
    (out / "tables" / "reported_trade_figures.md").write_text("edited by hand\n")
    status = {r["output"]: r["status"] for r in compute_status(out)}
    assert status["tables/reported_trade_figures.md"] == "modified"
    assert status["tables/reported_trade_figures.csv"] == "current"


def test_incremental_runs_only_what_changed(tmp_path, own_data, capsys):
    out = tmp_path / "out"
    assert run("-p", f"data_dir={own_data}", "--output-dir", out) == 0
    capsys.readouterr()
    assert run("-p", f"data_dir={own_data}", "--output-dir", out) == 0
    n = len(list(paths.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb")))
    assert f"running 0 of {n} notebook(s)" in capsys.readouterr().out          # a no-op re-run
    params = tmp_path / "params.yml"
    params.write_text("notebooks:\n  02_meeting_frequency:\n    pair_russia: medvedev_dmitry\n")
    assert run("-p", f"data_dir={own_data}", "--params-file", params, "--output-dir", out) == 0
    text = capsys.readouterr().out
    assert f"running 1 of {n}" in text and "02_meeting_frequency: ok" in text  # only the notebook that declares it
    figures = own_data / "reported_figures.csv"                                 # read by 04_trade only
    figures.write_text(figures.read_text().replace("'a dozen' coded as 12.", "'a dozen' is coded as 12."))
    assert run("-p", f"data_dir={own_data}", "--params-file", params, "--output-dir", out) == 0
    text = capsys.readouterr().out
    assert "04_trade: ok" in text                                               # it read the table: re-run
    assert "01_timeline           up to date" in text and "02_meeting_frequency  up to date" in text


# ---------------------------------------------------------------------------------------
# The software environment is an input too


def test_environment_names_the_installed_versions(tmp_path, monkeypatch):
    env = provenance.environment()
    assert env["python"] == platform.python_version()
    assert env["pandas"] == pd.__version__ and env["matplotlib"] == matplotlib.__version__
    assert set(provenance.OUTPUT_DISTRIBUTIONS) <= set(env)
    assert provenance.distribution_versions(("no-such-distribution-xyz",)) == {"no-such-distribution-xyz": None}
    lock = tmp_path / "requirements.lock"
    lock.write_text("pandas==3.1.1\n")
    monkeypatch.setattr(provenance, "LOCK_FILE", lock)
    assert provenance.environment()["requirements.lock"] == hashlib.sha256(b"pandas==3.1.1\n").hexdigest()
    monkeypatch.setattr(provenance, "LOCK_FILE", tmp_path / "absent.lock")
    assert "requirements.lock" not in provenance.environment()     # installed, not a checkout


def test_environment_changes_are_named():
    recorded = {"python": "3.11.7", "requirements.lock": "aaa", "matplotlib": "3.11.2", "seaborn": "0.13.2"}
    now = {"python": "3.12.1", "requirements.lock": "bbb", "matplotlib": "3.11.3", "seaborn": None}
    assert provenance.environment_changes(recorded, now) == [
        "requirements.lock changed", "python 3.11.7 → 3.12.1", "matplotlib 3.11.2 → 3.11.3",
        "seaborn 0.13.2 → not installed"]
    assert provenance.environment_changes(recorded, dict(recorded)) == []
    assert provenance.environment_changes(None, now) == ["the software environment was not recorded"]


@pytest.fixture
def pinned(tmp_path, monkeypatch):
    """A run of one small notebook, recorded against a private copy of requirements.lock."""
    lock = tmp_path / "requirements.lock"
    lock.write_text("pandas==3.1.1\nmatplotlib==3.11.2\n")
    monkeypatch.setattr(provenance, "LOCK_FILE", lock)
    out = tmp_path / "out"
    notebooks = make_notebook(tmp_path / "notebooks", WRITES_A_TABLE)
    assert run("--notebooks-dir", notebooks, "--output-dir", out) == 0
    assert {r["status"] for r in compute_status(out)} == {"current"}
    return out, notebooks, lock


def test_status_goes_stale_when_the_lock_changes(pinned, capsys):
    out, notebooks, lock = pinned
    lock.write_text("pandas==3.1.1\nmatplotlib==3.11.3\n")
    rows = compute_status(out)
    assert [(r["output"], r["status"], r["reasons"]) for r in rows] == [
        (f"tables/fault.{fmt}", "stale", ["requirements.lock changed"]) for fmt in ("csv", "md", "tex")]
    capsys.readouterr()
    assert main(["status", "--output-dir", str(out)]) == 1
    notebook = provenance.display_path(notebooks / "01_fault.ipynb")
    assert f"stale     tables/fault.csv  {notebook}  (requirements.lock changed)\n" in capsys.readouterr().out
    assert run("--notebooks-dir", notebooks, "--output-dir", out) == 0        # and the notebook re-runs
    assert "running 1 of 1 notebook(s)" in capsys.readouterr().out
    assert {r["status"] for r in compute_status(out)} == {"current"}


def test_status_goes_stale_when_a_version_changes(pinned, monkeypatch, capsys):
    out, notebooks, _ = pinned
    installed = provenance.environment()
    moved = {**installed, "python": "3.12.1", "matplotlib": "3.99.0"}
    monkeypatch.setattr(provenance, "environment", lambda: moved)
    reasons = {tuple(r["reasons"]) for r in compute_status(out)}
    assert reasons == {(f"python {installed['python']} → 3.12.1", f"matplotlib {installed['matplotlib']} → 3.99.0")}
    capsys.readouterr()
    assert run("--notebooks-dir", notebooks, "--output-dir", out) == 0
    assert "running 1 of 1 notebook(s)" in capsys.readouterr().out


# ---------------------------------------------------------------------------------------
# Which data files a notebook read: recorded in the kernel, by the runner (audit hooks are for
# good, so this runs in a child process)

TRACKER = """
import sys
from pathlib import Path
from analysis.pipeline.tracking import ReadRecorder, track_dataset
record, watched, outside = sys.argv[1:4]
recorder = ReadRecorder(record, [watched])
sys.addaudithook(recorder.audit)
track_dataset(recorder)
from analysis.data.load import load_dataset
data = load_dataset(watched)               # validation opens every table: not the notebook's reads
data.engagements.shape, data.engagements.shape, data.version   # one table taken, twice
Path(watched, "extra.csv").read_text()      # a file read directly
Path(watched, "written.txt").write_text("x")   # a write
Path(outside).read_text()                   # a read outside the watched directory
"""


def test_the_kernel_records_the_tables_a_notebook_takes(tmp_path):
    from conftest import MINIMAL_DIR

    watched = tmp_path / "data"
    shutil.copytree(MINIMAL_DIR, watched)
    (watched / "extra.csv").write_text("a\n1\n")
    outside = tmp_path / "outside.txt"
    outside.write_text("x")
    record = tmp_path / "record.jsonl"
    done = subprocess.run([sys.executable, "-c", TRACKER, str(record), str(watched), str(outside)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line)["path"] for line in record.read_text().splitlines()]
    # the fixture has no datapackage.json of its own: it is checked against the packaged one
    assert lines == [str((watched / "engagements.csv").resolve()), str(paths.DATAPACKAGE.resolve()),
                     str((watched / "extra.csv").resolve())]
