"""End to end in JupyterLab: open 02_meeting_frequency in Chromium, Run All Cells with the
project kernel, see the figures and no error.

A real ``jupyter lab`` (the .venv's, so the ``beyond-protocol`` kernelspec installed by ``make``
with ``--sys-prefix`` is found) is started headless on 127.0.0.1 with a random free port and a
token, its root a temporary directory holding a copy of the notebook whose ``output_dir``
default points at a temporary directory (the repository's figures/ are not touched). Settings,
workspaces and runtime files live in the temporary directory too. The server and its kernels
are torn down whatever happens (process group; kernels found by their connection files).

Mandatory when CI=true (a missing Chromium fails); skipped elsewhere with the install hint.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from _system import free_port, launch_chromium, require_browser

from analysis import paths

pytestmark = pytest.mark.notebook

NOTEBOOK = paths.NOTEBOOKS_DIR / "02_meeting_frequency.ipynb"
KERNEL = "beyond-protocol"
JUPYTER = Path(sys.executable).parent / "jupyter"
START_TIMEOUT = 180          # s: JupyterLab takes 20-40 s to start on a 2-core machine
RUN_TIMEOUT = 300            # s: all cells, first kernel start included
INSTALL_KERNEL = (f"{sys.executable} -m ipykernel install --sys-prefix --name {KERNEL} "
                  "--display-name 'Python 3.11 (beyond-protocol)'   (what `make` does)")


def _get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read().decode("utf-8"))


def _snapshot(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.glob("*")) if p.is_file()} \
        if directory.exists() else {}


def _processes_using(marker: str) -> list[int]:
    """Processes whose command line mentions ``marker`` (our private runtime directory)."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if marker in (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"):
                    found.append(int(proc.name))
            except OSError:
                pass
    return found


def _stop(process: subprocess.Popen, base: str, token: str, runtime: Path) -> None:
    """Ask the server to shut down (it stops its kernels); then SIGTERM, then SIGKILL its process
    group; then kill any kernel of this server still alive (its connection file is in ``runtime``)."""
    if process.poll() is None:
        try:
            request = urllib.request.Request(f"{base}/api/shutdown", method="POST",
                                             headers={"Authorization": f"token {token}"})
            urllib.request.urlopen(request, timeout=10).close()
            process.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            pass
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 10)):
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=wait)
    deadline = time.monotonic() + 15
    while (left := [pid for pid in _processes_using(str(runtime)) if pid != os.getpid()]) and time.monotonic() < deadline:
        time.sleep(0.5)
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def lab(tmp_path):
    """A running JupyterLab: (base URL, token, root dir); stopped after the test, even on failure."""
    require_browser()
    if not JUPYTER.exists():
        pytest.fail(f"{JUPYTER} not found: JupyterLab must be installed in the environment (make)")
    specs = json.loads(subprocess.run([str(JUPYTER), "kernelspec", "list", "--json"], capture_output=True,
                                      text=True, check=True, timeout=60).stdout)["kernelspecs"]
    if KERNEL not in specs:
        pytest.fail(f"the notebooks' kernel '{KERNEL}' is not installed for {JUPYTER} "
                    f"(found: {', '.join(sorted(specs))}); install it with: {INSTALL_KERNEL}", pytrace=False)

    root, runtime = tmp_path / "lab", tmp_path / "runtime"
    root.mkdir()

    settings = tmp_path / "settings"
    for plugin, values in {"@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
                           "@jupyterlab/apputils-extension/notification": {"fetchNews": "false",
                                                                           "checkForUpdates": False,
                                                                           "doNotDisturbMode": True}}.items():
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_RUNTIME_DIR": str(runtime),
           "IPYTHONDIR": str(tmp_path / "ipython")}
    token = secrets.token_hex(16)
    log = tmp_path / "jupyter.log"
    process, base = None, ""
    try:
        for _attempt in range(3):             # a free port can be taken between choosing and binding it
            port = free_port()
            with open(log, "w") as handle:
                process = subprocess.Popen(
                    [str(JUPYTER), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
                     "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
                     f"--ServerApp.root_dir={root}", f"--LabApp.user_settings_dir={settings}",
                     f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}",
                     "--LabApp.expose_app_in_browser=True"] + (["--allow-root"] if os.geteuid() == 0 else []),
                    stdout=handle, stderr=subprocess.STDOUT, env=env, cwd=root, start_new_session=True)
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + START_TIMEOUT
            while time.monotonic() < deadline and process.poll() is None:
                try:
                    _get_json(f"{base}/api/status?token={token}")
                    break
                except (urllib.error.URLError, ConnectionError, OSError):
                    time.sleep(0.5)
            if process.poll() is None:
                break
            if "already in use" not in log.read_text(errors="replace"):
                break
        text = log.read_text(errors="replace")
        assert process.poll() is None, f"jupyter lab exited with {process.returncode}:\n{text[-3000:]}"
        try:
            served = _get_json(f"{base}/api/kernelspecs?token={token}")["kernelspecs"]
        except OSError as exc:
            pytest.fail(f"jupyter lab did not answer within {START_TIMEOUT} s ({exc}):\n{text[-3000:]}")
        if KERNEL not in served:
            pytest.fail(f"JupyterLab does not offer the kernel '{KERNEL}' (it has {', '.join(sorted(served))}); "
                        f"install it with: {INSTALL_KERNEL}", pytrace=False)
        yield base, token, root
    finally:
        if process is not None:
            _stop(process, base, token, runtime)
            assert process.poll() is not None
            assert [pid for pid in _processes_using(str(runtime)) if pid != os.getpid()] == []


def copy_notebook(root: Path, out: Path, *, extra_cell: str | None = None) -> Path:
    """A copy of the notebook in ``root`` whose ``output_dir`` default is ``out`` (optionally with
    one more code cell after the set-up cell)."""
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    edited, n = re.subn(r'^output_dir: str = ""', f"output_dir: str = {json.dumps(str(out))}",
                        "".join(cell["source"]), flags=re.M)
    assert n == 1, "the parameters cell has no output_dir default to redirect"
    cell["source"] = edited
    if extra_cell is not None:
        position = nb["cells"].index(cell) + 2
        nb["cells"].insert(position, {"cell_type": "code", "execution_count": None, "id": "injected-by-test",
                                      "metadata": {}, "outputs": [], "source": extra_cell})
    path = root / NOTEBOOK.name
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return path


def run_all_cells(base: str, token: str, name: str, profile: Path, *, screenshot: Path | None = None) -> dict:
    """Open ``name`` in JupyterLab in Chromium, wait for its kernel, Run > Run All Cells, wait until
    every cell has run (or one failed) and the kernel is idle, save; return what the page showed."""
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    seen = {}
    with sync_playwright() as playwright:
        context = launch_chromium(playwright, profile)
        try:
            page = context.new_page()
            page.set_default_timeout(START_TIMEOUT * 1000)
            page.goto(f"{base}/lab/tree/{name}?token={token}", wait_until="domcontentloaded")
            page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", state="visible")
            # The notebook asks for the project kernel; a missing kernel shows a dialog instead.
            page.wait_for_function(
                """() => {
                     if (document.querySelector('.jp-Dialog') !== null) return true;
                     const widget = window.jupyterapp.shell.currentWidget;
                     const session = widget && widget.sessionContext && widget.sessionContext.session;
                     return !!(session && session.kernel && session.kernel.status === 'idle');
                   }""")
            if page.locator(".jp-Dialog").count():
                pytest.fail("JupyterLab could not start the notebook's kernel and asks to select one: "
                            + page.locator(".jp-Dialog").inner_text()[:500] + f"; install it with: {INSTALL_KERNEL}",
                            pytrace=False)
            seen["kernel"] = page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.name")
            seen["ready"] = time.monotonic() - started

            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.locator('li.lm-Menu-item[data-command="runmenu:run-all"]').click()
            # Done when the kernel is idle and every code cell has run, or a cell failed
            # (Run All stops at an error).
            page.wait_for_function(
                """() => {
                     const widget = window.jupyterapp.shell.currentWidget;
                     const model = widget.content.model;
                     const code = Array.from({length: model.cells.length}, (_, i) => model.cells.get(i))
                                       .filter(c => c.type === 'code');
                     const idle = widget.sessionContext.session.kernel.status === 'idle';
                     const failed = code.some(c => c.sharedModel.outputs.some(o => o.output_type === 'error'));
                     return idle && (failed || code.every(c => typeof c.executionCount === 'number'));
                   }""", timeout=RUN_TIMEOUT * 1000)
            seen["ran"] = time.monotonic() - started
            seen["errors"] = page.evaluate(
                """() => {
                     const model = window.jupyterapp.shell.currentWidget.content.model;
                     const out = [];
                     for (let i = 0; i < model.cells.length; i++) {
                       for (const o of (model.cells.get(i).sharedModel.outputs || [])) {
                         if (o.output_type === 'error') out.push(`cell ${i}: ${o.ename}: ${o.evalue}`);
                       }
                     }
                     return out;
                   }""")
            seen["code_cells"] = page.locator(".jp-NotebookPanel .jp-CodeCell").count()
            page.wait_for_function(
                "Array.from(document.querySelectorAll('.jp-OutputArea-output img')).every(i => i.complete)")
            seen["image_widths"] = page.evaluate(
                "Array.from(document.querySelectorAll('.jp-NotebookPanel .jp-OutputArea-output img'))"
                ".map(i => i.naturalWidth)")
            if screenshot is not None:
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(screenshot))
            page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
            page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty")
        finally:
            context.close()
    return seen


def test_run_all_cells_in_jupyterlab(lab, tmp_path):
    base, token, root = lab
    out = tmp_path / "out"
    path = copy_notebook(root, out)
    repo_figures = _snapshot(paths.FIGURES_DIR)
    expected_figures = NOTEBOOK.read_text(encoding="utf-8").count("study.save_figure(")
    assert expected_figures >= 7

    seen = run_all_cells(base, token, path.name, tmp_path / "profile",
                         screenshot=paths.BUILD_DIR / "jupyterlab-screenshot.png")
    assert seen["kernel"] == KERNEL                                         # the project kernel ran it
    assert seen["errors"] == []                                             # no cell shows an error
    assert seen["code_cells"] == sum(c["cell_type"] == "code" for c in json.loads(NOTEBOOK.read_text())["cells"])
    assert len(seen["image_widths"]) == expected_figures                    # one figure output per save_figure
    assert all(width > 0 for width in seen["image_widths"])                 # ... each one decoded

    saved = json.loads(path.read_text(encoding="utf-8"))
    outputs = [o for c in saved["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    assert [o for o in outputs if o["output_type"] == "error"] == []
    assert sum("image/png" in o.get("data", {}) for o in outputs) == expected_figures
    assert all(isinstance(c["execution_count"], int) for c in saved["cells"] if c["cell_type"] == "code")
    # the outputs went to the temporary output_dir, not to the repository
    assert len(list((out / "figures").glob("*.png"))) == expected_figures
    assert (out / "tables" / "pairing_rates.csv").exists()
    assert _snapshot(paths.FIGURES_DIR) == repo_figures
    print(f"JupyterLab: kernel idle after {seen['ready']:.1f} s, all cells run after {seen['ran']:.1f} s")


def test_a_failing_cell_is_seen(lab, tmp_path):
    """The same procedure on a copy with a failing cell: the error is reported, no figure appears."""
    base, token, root = lab
    out = tmp_path / "out"
    path = copy_notebook(root, out, extra_cell='raise RuntimeError("injected failure")')
    seen = run_all_cells(base, token, path.name, tmp_path / "profile")
    assert seen["errors"] == ["cell 3: RuntimeError: injected failure"]
    assert seen["image_widths"] == [] and not (out / "figures").exists()
