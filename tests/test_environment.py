"""The pins agree with each other and with this environment, the extras are split as documented,
and CI runs the README's test command and the wheel smoke test."""

import re
import tomllib
from importlib.metadata import PackageNotFoundError, version

import yaml

from analysis import paths

ROOT = paths.PROJECT_ROOT
JUPYTER = ("papermill", "ipykernel", "jupyterlab", "jupyter-client", "nbclient", "nbformat", "nbconvert")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _name(spec: str) -> str:
    return _normalise(re.split(r"[<>=!~\[ ;]", spec, maxsplit=1)[0])


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version_ = line.partition("==")
            assert version_, f"requirements.lock: '{line}' is not pinned with =="
            pins[_normalise(name)] = version_
    return pins


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_environment_yml_installs_exactly_the_lock():
    """The README's claim: the conda environment has the same packages at the same versions as the
    venv. Conda provides Python 3.11 and pip only; everything else is requirements.lock via pip."""
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = [dep for dep in env["dependencies"] if isinstance(dep, str)]
    pip = [dep for dep in env["dependencies"] if isinstance(dep, dict)]
    assert conda == ["python=3.11", "pip"]
    assert pip == [{"pip": ["-r requirements.lock", "-e ."]}]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "same packages at the same versions" in readme


def test_every_direct_dependency_and_the_build_backend_are_pinned():
    project = _project()
    extras = project["project"]["optional-dependencies"]
    direct = project["project"]["dependencies"] + extras["notebooks"] + extras["test"]
    backend = project["build-system"]["requires"]
    names = {_name(spec) for spec in direct + backend} - {"beyond-protocol"}
    assert sorted(names - _lock().keys()) == []
    assert {"hatchling", "build", "twine", "jinja2"} <= names


def test_the_lock_is_what_this_environment_has():
    """Every pin of requirements.lock is installed here at that version (`make test` builds .venv
    from the lock; a package upgraded by hand, or a stale lock, shows up here)."""
    differ = {}
    for name, pinned in _lock().items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = None
        if installed != pinned:
            differ[name] = (pinned, installed)
    assert differ == {}, "requirements.lock version vs installed version"


def test_core_dependencies_need_no_jupyter():
    """Dataset users install pandas, matplotlib and friends, not JupyterLab: that is the
    notebooks extra, which the test extra includes."""
    project = _project()["project"]
    core = {_name(spec) for spec in project["dependencies"]}
    notebooks = {_name(spec) for spec in project["optional-dependencies"]["notebooks"]}
    assert {"pandas", "numpy", "matplotlib", "seaborn", "pyyaml", "jinja2"} <= core
    assert not core & set(JUPYTER)
    assert set(JUPYTER) <= notebooks
    assert "beyond-protocol[notebooks]" in project["optional-dependencies"]["test"]
    assert project["requires-python"] == ">=3.11"
    for minor in ("3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {minor}" in project["classifiers"]


def test_core_packages_are_pinned():
    lock = _lock()
    for name in ("jupyterlab", "pandas", "matplotlib", "seaborn", "papermill", "ipykernel", "jinja2", "hatchling"):
        assert name in lock


def test_ci_runs_the_wheel_smoke_test_then_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in readme and "make reproduce" in readme
    commands = [line.strip() for line in ci.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert "make test" in commands and "bash .ci/wheel-smoke" in commands
    assert commands.index("bash .ci/wheel-smoke") < commands.index("make test")
    smoke = (ROOT / ".ci" / "wheel-smoke").read_text(encoding="utf-8")
    assert 'WHEEL_SMOKE_PYTHONS:-3.11 3.12 3.13' in smoke and "twine check --strict" in smoke
    assert "set -euo pipefail" in smoke


def test_makefile_targets_bootstrap_then_run():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    # lint first (ruff over code, tests and notebooks), then the whole test suite
    assert re.search(r"^test: \$\(STAMP\)\n\t\$\(BIN\)/ruff check src tests benchmarks notebooks\n"
                     r"\t\$\(BIN\)/python -m pytest", makefile, re.M)
    assert re.search(r"^reproduce: \$\(STAMP\)", makefile, re.M)
    assert "pip install -r requirements.lock" in makefile.replace("$(PIP) install", "pip install")
    # the pinned environment stays on CPython 3.11 (byte-identical outputs)
    assert "v == (3, 11)" in makefile and "PYTHON ?= python3.11" in makefile
