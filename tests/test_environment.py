"""The pins agree with each other, and CI runs the README's test command."""

import re
import tomllib

import yaml

from analysis import paths

ROOT = paths.PROJECT_ROOT


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"requirements.lock: '{line}' is not pinned with =="
            pins[_normalise(name)] = version
    return pins


def _conda() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pins = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str) and "=" in dep:
            name, _, version = dep.partition("=")
            pins[_normalise(name)] = version.lstrip("=")
    return pins


def test_environment_yml_agrees_with_the_lock():
    lock, conda = _lock(), _conda()
    assert conda.pop("python") == "3.11"
    disagreements = {name: (version, lock.get(name)) for name, version in conda.items() if lock.get(name) != version}
    assert disagreements == {}, "environment.yml version vs requirements.lock version"


def test_every_direct_dependency_is_pinned_in_both():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    direct = project["dependencies"] + project["optional-dependencies"]["test"]
    names = {_normalise(re.split(r"[<>=!~\[ ]", spec, maxsplit=1)[0]) for spec in direct}
    lock, conda = _lock(), _conda()
    assert sorted(names - lock.keys()) == []
    assert sorted(names - conda.keys()) == []


def test_core_packages_are_pinned():
    lock = _lock()
    for name in ("jupyterlab", "pandas", "matplotlib", "seaborn", "papermill", "ipykernel"):
        assert name in lock


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in readme and "make reproduce" in readme
    commands = [line.strip() for line in ci.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert "make test" in commands


def test_makefile_targets_bootstrap_then_run():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    # lint first (ruff over code, tests and notebooks), then the whole test suite
    assert re.search(r"^test: \$\(STAMP\)\n\t\$\(BIN\)/ruff check src tests benchmarks notebooks\n"
                     r"\t\$\(BIN\)/python -m pytest", makefile, re.M)
    assert re.search(r"^reproduce: \$\(STAMP\)", makefile, re.M)
    assert "pip install -r requirements.lock" in makefile.replace("$(PIP) install", "pip install")
