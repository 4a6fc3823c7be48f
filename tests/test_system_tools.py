"""The rule for system-dependent tests: a missing tool fails when CI=true, and is skipped with
the install command elsewhere (tests/_system.py)."""

import sys

import pytest
from _system import require_module, require_tool

MISSING = "beyond-protocol-no-such-tool"
HINT = "sudo apt-get install -y no-such-package"


def test_missing_tool_is_skipped_with_the_install_command_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install -y no-such-package"):
        require_tool(MISSING, HINT)
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        require_tool("/nonexistent/bin/chromium", HINT)


def test_missing_tool_fails_in_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=f"CI=true requires {MISSING}.*no-such-package"):
        require_tool(MISSING, HINT)
    with pytest.raises(pytest.fail.Exception, match="no_such_module"):
        require_module("no_such_module_for_beyond_protocol", HINT)


def test_present_tool_and_module_are_returned(monkeypatch):
    monkeypatch.setenv("CI", "true")
    assert require_tool(sys.executable, HINT) == sys.executable
    assert require_tool("python3", HINT).endswith("python3")
    assert require_module("json", HINT).dumps([]) == "[]"
