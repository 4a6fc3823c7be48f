"""papermill, imported once per runner process and without its slowest part.

papermill → nbformat → jsonschema, whose format checkers import ``rfc3987_syntax`` when it is
installed; that import compiles a Lark grammar — about 1.4 s, most of papermill's import time.
nbformat validates notebooks with fastjsonschema and checks no formats, so the IRI checker is
never used by the runner.
"""

from __future__ import annotations

import sys


def import_papermill():
    """papermill, without building jsonschema's optional IRI grammar.

    When jsonschema is not imported yet, importing ``rfc3987_syntax`` is made to fail once
    (jsonschema then leaves out that one format checker); later imports of it work as usual.
    """
    if "papermill" in sys.modules:
        return sys.modules["papermill"]
    blocked = "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules
    if blocked:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]
    try:
        import papermill
    finally:
        if blocked:
            del sys.modules["rfc3987_syntax"]
    return papermill


__all__ = ["import_papermill"]
