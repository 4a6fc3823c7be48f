"""System tools some tests need (Chromium, TeX, poppler): mandatory in CI, skipped elsewhere.

``require_tool`` and ``require_module`` are the one place that decides: when the environment
variable ``CI`` is ``true`` a missing tool FAILS the test (CI installs them, see ``.ci/run``);
anywhere else the test is skipped with a reason that says how to install what is missing, so
``make test`` still passes on a bare machine.

The browser is Debian's Chromium driven by Playwright for Python; Playwright never downloads a
browser here (``PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1``; never run ``playwright install``).
"""

from __future__ import annotations

import importlib
import os
import shutil
import socket
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
INSTALL_CHROMIUM = "sudo apt-get install -y --no-install-recommends chromium"
INSTALL_TEX = "sudo apt-get install -y --no-install-recommends texlive-latex-recommended latexmk"
INSTALL_POPPLER = "sudo apt-get install -y --no-install-recommends poppler-utils"
INSTALL_PLAYWRIGHT = ".venv/bin/python -m pip install -r requirements.lock  (Playwright for Python; no browser download)"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def _missing(what: str, install_hint: str):
    message = f"{what} not found; install it with: {install_hint}"
    if in_ci():
        pytest.fail(f"CI=true requires {what}: {message}", pytrace=False)
    pytest.skip(message)


def require_tool(path_or_name: str, install_hint: str) -> str:
    """The absolute path of an executable (a path, or a name looked up on PATH).

    Missing: fail when CI=true, else skip with ``install_hint`` in the reason.
    """
    if os.sep in path_or_name:
        found = path_or_name if os.path.isfile(path_or_name) and os.access(path_or_name, os.X_OK) else None
    else:
        found = shutil.which(path_or_name)
    if not found:
        _missing(path_or_name, install_hint)
    return str(found)


def require_module(name: str, install_hint: str):
    """Import a Python module; missing: fail when CI=true, else skip."""
    try:
        return importlib.import_module(name)
    except ImportError:
        _missing(f"Python module '{name}'", install_hint)


def require_browser() -> str:
    """Playwright importable and Debian's Chromium present; returns Chromium's path."""
    os.environ["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"
    require_module("playwright.sync_api", INSTALL_PLAYWRIGHT)
    return require_tool(CHROMIUM, INSTALL_CHROMIUM)


def launch_chromium(playwright, user_data_dir: Path, **options):
    """A fresh persistent Chromium context (its own ``--user-data-dir``) with the flags that work here."""
    return playwright.chromium.launch_persistent_context(
        str(user_data_dir), executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS,
        viewport={"width": 1280, "height": 900}, **options)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the caller binds it, or retries)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
