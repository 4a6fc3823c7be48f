"""The linter in `make test` catches the defects it is there for: checks that cannot fail, dead code."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import paths

ROOT = paths.PROJECT_ROOT
RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")


def _ruff(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    if RUFF is None:
        pytest.fail("ruff is not installed (it is a test dependency: pip install -e '.[test]')")
    return subprocess.run([RUFF, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("code", "rule"), [
    ("def test_x(a):\n    assert a == 1 or True\n", "SIM222"),      # an assertion that cannot fail
    ("def test_x():\n    assert False\n", "B011"),                   # assert False vanishes under -O
    ("import os\n\n\ndef f():\n    return 1\n", "F401"),             # dead import
    ("def f():\n    x = 1\n    return 2\n", "F841"),                 # dead assignment
])
def test_project_rules_catch(tmp_path, code, rule):
    bad = tmp_path / "test_bad.py"
    bad.write_text(code, encoding="utf-8")
    done = _ruff("check", "--no-cache", "--config", str(ROOT / "pyproject.toml"), "--output-format", "concise", str(bad))
    assert done.returncode == 1, done.stdout + done.stderr
    assert rule in done.stdout


def test_the_project_is_clean():
    done = _ruff("check", "--no-cache", "src", "tests", "benchmarks", "notebooks")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
