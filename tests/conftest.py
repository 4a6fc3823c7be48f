"""Shared fixtures: the packaged data, the minimal synthetic dataset, and mutable copies of it.

``tests/fixtures/minimal`` is a small, valid, invented dataset in the shipped schema (same
seven tables, same columns in the same order as ``data/*.csv``). Tests that need bad input
call ``fixture_copy()`` to get a private copy under ``tmp_path`` and break one thing in it.

Physical line numbers of the fixture rows (the header is line 1), used by the tests:

* persons.csv: li_ming 2-3 (its note spans two lines), zhang_wei 4, ivanov_ivan 5, petrov_pyotr 6
* offices.csv: li_ming 2, zhang_wei/foreign_minister 3, zhang_wei/head_of_state 4, ivanov_ivan 5, petrov_pyotr 6
* engagements.csv: E0001 2 ... E0006 7
* documents.csv: D0001 2, D0002 3, D0003 4
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from analysis import paths

MINIMAL_DIR = Path(__file__).parent / "fixtures" / "minimal"

class DataCopy:
    """A private, writable copy of a data directory with helpers to break one file."""

    def __init__(self, directory: Path):
        self.dir = directory

    def __str__(self) -> str:
        return str(self.dir)

    def path(self, name: str) -> Path:
        return self.dir / name

    def label(self, name: str) -> str:
        """How the validator names a file outside the project: the path as given."""
        return str(self.dir / name)

    # -- raw text and bytes ---------------------------------------------------------------

    def read_text(self, name: str) -> str:
        return self.path(name).read_text(encoding="utf-8")

    def write_text(self, name: str, text: str) -> None:
        self.path(name).write_bytes(text.encode("utf-8"))

    def write_bytes(self, name: str, data: bytes) -> None:
        self.path(name).write_bytes(data)

    def delete(self, name: str) -> None:
        self.path(name).unlink()

    def replace(self, name: str, old: str, new: str) -> None:
        """Replace a substring that must occur exactly once in the file."""
        text = self.read_text(name)
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {name}"
        self.write_text(name, text.replace(old, new))

    # -- CSV cells --------------------------------------------------------------------------

    def rows(self, name: str) -> list[list[str]]:
        return list(csv.reader(io.StringIO(self.read_text(name), newline="")))

    def write_rows(self, name: str, rows: list[list[str]], *, delimiter: str = ",",
                   lineterminator: str = "\n") -> None:
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter, lineterminator=lineterminator).writerows(rows)
        self.write_text(name, out.getvalue())

    def set_cell(self, name: str, match: str | dict[str, str], column: str, value: str) -> None:
        """Set one cell of the one row whose first column equals ``match`` (or whose columns
        equal every item of a ``match`` dict)."""
        header, *body = self.rows(name)
        criteria = {header[0]: match} if isinstance(match, str) else match
        hits = [r for r in body if all(r[header.index(k)] == v for k, v in criteria.items())]
        assert len(hits) == 1, f"{criteria} matches {len(hits)} rows of {name}"
        hits[0][header.index(column)] = value
        self.write_rows(name, [header, *body])

    def drop_column(self, name: str, column: str) -> None:
        rows = self.rows(name)
        index = rows[0].index(column)
        self.write_rows(name, [r[:index] + r[index + 1:] for r in rows])

    def add_column(self, name: str, column: str, value: str) -> None:
        rows = self.rows(name)
        self.write_rows(name, [rows[0] + [column]] + [[*r, value] for r in rows[1:]])

    def header_only(self, name: str) -> None:
        self.write_rows(name, self.rows(name)[:1])


@pytest.fixture
def minimal_dir() -> Path:
    """The minimal valid fixture (read-only: never write into it)."""
    return MINIMAL_DIR


@pytest.fixture
def shipped_data_dir() -> Path:
    """The packaged data/ directory."""
    return paths.DATA_DIR


@pytest.fixture
def fixture_copy(tmp_path):
    """Factory: ``fixture_copy()`` copies the minimal fixture to a fresh directory under
    ``tmp_path`` and returns a :class:`DataCopy` to mutate it."""
    made = 0

    def _make(source: Path = MINIMAL_DIR) -> DataCopy:
        nonlocal made
        made += 1
        target = tmp_path / f"data{made}"
        shutil.copytree(source, target)
        return DataCopy(target)

    return _make


@pytest.fixture(scope="session")
def reproduced(tmp_path_factory) -> Path:
    """Every notebook run once (as `make reproduce` does) into a temporary output root, and the
    report built there: shared by the report, paper and macros tests; the repository's
    figures/ and tables/ are not touched."""
    from analysis.pipeline.cli import main
    from analysis.pipeline.report import build_report

    out = tmp_path_factory.mktemp("reproduced")
    assert main(["run", "--quiet", "--jobs", "2", "--output-dir", str(out)]) == 0
    build_report(out)
    return out
