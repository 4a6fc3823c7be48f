"""The ``beyond-protocol validate`` command: 'ok' and row counts (exit 0) or every problem (exit 2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from analysis import paths
from analysis.pipeline.cli import main

# The messages contain an em dash: make the child's output encoding independent of the locale.
CHILD_ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}

OK_OUTPUT_FOR_THE_FIXTURE = (
    "ok\n"
    "  subsections          3 rows\n"
    "  persons              4 rows\n"
    "  offices              5 rows\n"
    "  leaders              4 rows\n"
    "  engagements          6 rows\n"
    "  coattendance         1 rows\n"
    "  coverage             6 rows\n"
    "  documents            3 rows\n"
    "  periods              1 rows\n"
    "  errata               1 rows\n"
    "  reported_figures     2 rows\n"
    "  trade                3 rows\n"
    "  economy              2 rows\n"
    "  announced_counts     2 rows\n"
    "  claims               3 rows\n"
)


def no_descriptor_note(directory) -> str:
    """The one info line for a directory without its own datapackage.json (the fixture has none)."""
    version = json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))["version"]
    return (f"note: {directory} has no datapackage.json: checked against the packaged contract "
            f"data/datapackage.json (version {version})\n")


def make_bad_copy(fixture_copy):
    """A fixture copy with two problems in two files."""
    d = fixture_copy()
    d.set_cell("engagements.csv", "E0005", "city", "Beijing")
    d.set_cell("persons.csv", "zhang_wei", "name", "")
    expected = [
        f"{d.label('engagements.csv')}:6: column 'city': value 'Beijing' — "
        "a phone engagement has no place: leave city empty",
        f"{d.label('persons.csv')}:4: column 'name': value '' — missing required value",
    ]
    return d, expected


def test_validate_valid_data_prints_ok_and_counts(minimal_dir, capsys):
    assert main(["validate", "--data-dir", str(minimal_dir)]) == 0
    out, err = capsys.readouterr()
    assert out == no_descriptor_note(minimal_dir) + OK_OUTPUT_FOR_THE_FIXTURE
    assert err == ""


def test_validate_shipped_data_by_default(capsys):
    assert main(["validate"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == "ok"
    assert "  subsections         48 rows" in out.splitlines()
    assert err == ""


def test_validate_bad_data_prints_every_problem_and_exits_2(fixture_copy, capsys):
    d, expected = make_bad_copy(fixture_copy)
    assert main(["validate", "--data-dir", str(d.dir)]) == 2
    out, err = capsys.readouterr()
    assert out == no_descriptor_note(d.dir)
    assert err.splitlines() == [f"2 problems in {d.dir}:"] + [f"  {line}" for line in expected]


def test_validate_missing_directory_exits_2(tmp_path, capsys):
    missing = tmp_path / "nowhere"
    assert main(["validate", "--data-dir", str(missing)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [f"1 problem in {missing}:", f"  {missing}: data directory not found"]


def test_console_script_on_shipped_data():
    script = Path(sys.executable).parent / "beyond-protocol"
    assert script.is_file(), f"the console script is not installed next to {sys.executable}"
    result = subprocess.run([str(script), "validate"], capture_output=True, text=True,
                            encoding="utf-8", cwd=paths.PROJECT_ROOT, env=CHILD_ENV, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok\n")
    assert result.stderr == ""


def test_python_m_analysis_on_bad_data(fixture_copy):
    d, expected = make_bad_copy(fixture_copy)
    result = subprocess.run([sys.executable, "-m", "analysis", "validate", "--data-dir", str(d.dir)],
                            capture_output=True, text=True, encoding="utf-8", env=CHILD_ENV,
                            timeout=120)
    assert result.returncode == 2
    assert result.stdout == no_descriptor_note(d.dir)
    for line in expected:
        assert f"  {line}\n" in result.stderr
