"""The package as a user installs it: the sdist and the wheel, installed in a fresh virtual environment.

The wheel is built from this checkout (``python -m build --no-isolation``: sdist, then the wheel
from the sdist) and installed with ``pip install --no-deps`` into a new venv that has no access
to ``src/``. Its dependencies are not downloaded: a ``.pth`` file makes the venv see the
site-packages of the environment running the tests (the pinned ones), but not ``src/``; the
tests check that ``analysis`` is imported from the new venv. The commands then run from a
directory outside the checkout with ``BEYOND_PROTOCOL_ROOT`` unset, as a user's would.

These tests are slow (marker ``wheel``) and are part of ``make test``; they never skip. The
same checks on Python 3.11, 3.12 and 3.13, with the dependencies installed from the index, are
``.ci/wheel-smoke``.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

from analysis import paths
from analysis.pipeline.cli import main

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = "analysis/package_data"
NOTEBOOKS_EXTRA = 'pip install "beyond-protocol[notebooks]"'


def shipped_sources() -> list[str]:
    """Every file of the checkout that the wheel must carry as package data."""
    files = ["data/datapackage.json", "notebooks/params.yml", "docs/codebook-notes.yml", "CITATION.cff"]
    files += [p.relative_to(ROOT).as_posix() for p in sorted((ROOT / "data").glob("*.csv"))]
    files += [p.relative_to(ROOT).as_posix() for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))]
    return files


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _run(args: list[str], *, cwd: Path, env: dict, timeout: float = 600) -> subprocess.CompletedProcess:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=timeout)
    print(f"$ {' '.join(map(str, args))}  (exit {done.returncode})\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return done


class Installed:
    """A fresh venv with the wheel installed, and a working directory outside the checkout."""

    def __init__(self, base: Path):
        self.dist = base / "dist"
        self.venv = base / "venv"
        self.cwd = base / "elsewhere"
        self.cwd.mkdir(parents=True)
        self.python = self.venv / "bin" / "python"
        self.script = self.venv / "bin" / "beyond-protocol"
        env = {k: v for k, v in os.environ.items() if k not in ("BEYOND_PROTOCOL_ROOT", "PYTHONPATH", "PYTHONHOME")}
        # nbconvert's templates are data files of the test environment (share/jupyter), like its packages.
        jupyter = Path(sys.prefix) / "share" / "jupyter"
        self.env = {**env, "PYTHONIOENCODING": "utf-8", "PYTHONNOUSERSITE": "1", "JUPYTER_PATH": str(jupyter)}

    def build(self) -> None:
        done = _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(self.dist), str(ROOT)],
                    cwd=self.cwd, env=self.env)
        assert done.returncode == 0, done.stderr[-3000:]

    @property
    def wheel(self) -> Path:
        (wheel,) = self.dist.glob("beyond_protocol-*.whl")
        return wheel

    @property
    def sdist(self) -> Path:
        (sdist,) = self.dist.glob("beyond_protocol-*.tar.gz")
        return sdist

    def install(self) -> None:
        done = _run([sys.executable, "-m", "venv", "--without-pip", str(self.venv)], cwd=self.cwd, env=self.env)
        assert done.returncode == 0, done.stderr
        purelib = _run([str(self.python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                       cwd=self.cwd, env=self.env).stdout.strip()
        # The dependencies: this environment's site-packages, never the checkout's src/.
        deps = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
        assert not any(Path(d).resolve() == (ROOT / "src").resolve() for d in deps)
        (Path(purelib) / "zz_test_dependencies.pth").write_text("\n".join(deps) + "\n", encoding="utf-8")
        done = _run([sys.executable, "-m", "pip", "--disable-pip-version-check", "--python", str(self.python),
                     "install", "--no-deps", "--no-index", str(self.wheel)], cwd=self.cwd, env=self.env)
        assert done.returncode == 0, done.stderr[-3000:]

    def run(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        return _run([str(self.script), *args], cwd=self.cwd, env=self.env, timeout=timeout)

    def python_code(self, code: str) -> subprocess.CompletedProcess:
        return _run([str(self.python), "-c", code], cwd=self.cwd, env=self.env)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    env = Installed(tmp_path_factory.mktemp("wheel"))
    env.build()
    env.install()
    return env


@pytest.mark.wheel
def test_the_wheel_and_the_sdist_ship_the_data_package_and_the_notebooks(installed):
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
        for source in shipped_sources():
            inside = f"{RESOURCES}/{source}"
            assert inside in names, source
            assert wheel.read(inside) == (ROOT / source).read_bytes(), source     # the same bytes
        descriptor = json.loads(wheel.read(f"{RESOURCES}/data/datapackage.json"))
        assert all(f"{RESOURCES}/data/{r['path']}" in names for r in descriptor["resources"])
        assert {"analysis/pipeline/templates/report.html.j2", "analysis/pipeline/templates/report.css",
                "analysis/pipeline/templates/offline-notebook.html.j2", "analysis/paths.py"} <= names
        assert not [n for n in names if n.startswith(("tests/", "src/", "data/", "notebooks/")) or "__pycache__" in n]
        metadata = wheel.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "Requires-Python: >=3.11" in metadata and "Provides-Extra: notebooks" in metadata
    core = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:") and "extra ==" not in line]
    assert not [line for line in core if any(j in line.lower() for j in ("papermill", "ipykernel", "jupyter"))]
    assert any("jinja2" in line.lower() for line in core)
    with tarfile.open(installed.sdist) as sdist:
        top = sdist.getnames()[0].split("/")[0]
        members = set(sdist.getnames())
    missing = [s for s in [*shipped_sources(), "hatch_build.py", "pyproject.toml", "src/analysis/paths.py"]
               if f"{top}/{s}" not in members]
    assert missing == []
    twine = _run([sys.executable, "-m", "twine", "check", "--strict", str(installed.wheel), str(installed.sdist)],
                 cwd=installed.cwd, env=installed.env)
    assert twine.returncode == 0 and twine.stdout.count("PASSED") == 2


@pytest.mark.wheel
def test_the_installed_package_reads_its_resources_not_the_checkout(installed):
    done = installed.python_code(
        "import json, analysis, analysis.paths as p\n"
        "data = analysis.load_dataset()\n"
        "print(json.dumps({'file': analysis.__file__, 'root': str(p.PROJECT_ROOT), 'data': str(p.DATA_DIR),"
        " 'out': str(p.OUTPUT_ROOT), 'installed': p.INSTALLED, 'engagements': len(data.engagements),"
        " 'version': analysis.__version__}))")
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    venv = installed.venv.resolve()
    assert venv in Path(seen["file"]).resolve().parents                  # not the checkout's src/
    assert venv in Path(seen["data"]).resolve().parents and seen["installed"] is True
    assert Path(seen["out"]).resolve() == installed.cwd.resolve()      # outputs: the working directory
    with open(ROOT / "data" / "engagements.csv", newline="", encoding="utf-8") as handle:
        assert seen["engagements"] == sum(1 for _ in csv.DictReader(handle))
    assert seen["version"] == "0.1.0"


@pytest.mark.wheel
def test_validate_and_claims_from_the_wheel(installed):
    done = installed.run("validate")
    assert done.returncode == 0 and done.stdout.startswith("ok\n") and done.stderr == ""
    assert "  subsections         48 rows" in done.stdout.splitlines()
    done = installed.run("claims")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].endswith("not checkable") and "| claim_id" in done.stdout
    assert list(installed.cwd.iterdir()) == []                         # nothing written by either


@pytest.mark.wheel
def test_run_and_report_from_the_wheel(installed):
    out = installed.cwd.parent / "exhibits"
    package_files = sorted(p for p in (installed.venv / "lib").rglob("*") if "__pycache__" not in p.parts)
    done = installed.run("run", "timeline", "claims", "--quiet", "--jobs", "2", "--output-dir", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    for fmt in ("pdf", "svg", "png"):
        assert (out / "figures" / f"timeline.{fmt}").stat().st_size > 1000
    assert (out / "tables" / "claims_ledger.csv").exists() and (out / "build" / "notebooks" / "01_timeline.ipynb").exists()
    entry = json.loads((out / "figures" / "manifest.json").read_text(encoding="utf-8"))["outputs"]["figures/timeline.pdf"]
    engagements = sha256((ROOT / "data" / "engagements.csv").read_bytes())
    assert entry["inputs"]["data/engagements.csv"] == engagements      # the packaged copy, named as in a checkout
    assert entry["notebook"] == "notebooks/01_timeline.ipynb" and entry["git_commit"] == ""
    done = installed.run("report", "--output-dir", str(out))
    assert done.returncode == 0, done.stderr
    page = (out / "reports" / "index.html").read_text(encoding="utf-8")
    assert 'src="figures/timeline.png"' in page and f"<code>data/engagements.csv</code> {engagements}" in page
    assert (out / "reports" / "notebooks" / "01_timeline.html").exists() and (out / "reports" / "CITATION.cff").exists()
    assert installed.run("status", "--output-dir", str(out)).returncode == 0
    assert list(installed.cwd.iterdir()) == []                         # everything went to --output-dir
    after = sorted(p for p in (installed.venv / "lib").rglob("*") if "__pycache__" not in p.parts)
    assert after == package_files                                      # nothing written into site-packages


# ---------------------------------------------------------------------------------------
# Without the wheel: where paths.py looks, and the notebooks extra


def test_a_checkout_reads_its_working_tree():
    assert paths.INSTALLED is False
    assert paths.PROJECT_ROOT == ROOT and paths.DATA_DIR == ROOT / "data" and paths.OUTPUT_ROOT == ROOT
    assert paths.NOTEBOOKS_DIR == ROOT / "notebooks" and paths.CODEBOOK == ROOT / "docs" / "codebook.md"


def test_beyond_protocol_root_overrides(tmp_path):
    env = {**os.environ, "BEYOND_PROTOCOL_ROOT": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", "import analysis.paths as p; print(p.DATA_DIR, p.OUTPUT_ROOT, p.INSTALLED)"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(tmp_path.resolve() / "data"), str(tmp_path.resolve()), "False"]


def test_run_without_the_notebooks_extra_says_how_to_install_it(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "papermill", None)               # as if papermill were not installed
    assert main(["run", "--output-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "papermill" in err and NOTEBOOKS_EXTRA in err
    assert list(tmp_path.iterdir()) == []
