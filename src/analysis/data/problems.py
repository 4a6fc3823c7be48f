"""What the validator reports: one :class:`Problem` per thing wrong, located as ``file:line``.

Line numbers count the header as line 1 (as in ``frictionless`` and in a text editor) and
count physical lines, so a cell that spans two lines moves the rows after it.

Reports are bounded: :class:`ProblemLog` keeps the first :data:`CAP_PER_KIND` problems of
each kind in each file and only counts the rest, so a huge broken file gives a short report
("… and 12345 more type problems in data/trade.csv"). The table checker stops reading a file
after :data:`STOP_AFTER` problems in it; its counts are then lower bounds ("at least").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from analysis import paths

# Kinds of problem: the report caps each kind separately in each file.
DESCRIPTOR = "descriptor"    # datapackage.json itself
FILE = "file"                # missing, empty, BOM, delimiter, malformed CSV, blank lines, row length
ENCODING = "encoding"        # bytes that are not UTF-8
HEADER = "header"            # missing, unknown, doubled or padded column names
TYPE = "type"                # a cell that cannot be read as its field's type
CONSTRAINT = "constraint"    # required, enum, pattern, minimum, maximum, stray whitespace
KEY = "key"                  # unique values, primary and foreign keys
RULE = "rule"                # the domain rules a Table Schema cannot express
STOPPED = "stopped"          # where the checker gave up on a file (never capped, never counted)

CAP_PER_KIND = 20
STOP_AFTER = 1000
SHOWN_CHARS = 200            # a longer value or column name is cut short in messages

_UNPRINTABLE = re.compile("[\x00-\x1f\x7f\udc80-\udcff]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def shown(text: str) -> str:
    """A cell's text for a one-line message: control characters and undecodable bytes escaped
    (a multi-line cell stays on one line), cut short after SHOWN_CHARS characters."""
    text = _UNPRINTABLE.sub(lambda m: _ESCAPES.get(m.group(), f"\\x{ord(m.group()) & 0xFF:02x}"), text)
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the data, located as precisely as possible."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.column is None:
            return f"{where}: {self.message}"
        return f"{where}: column '{shown(self.column)}': value '{shown(self.value or '')}' — {self.message}"


def problem_sort_key(p: Problem):
    return (p.file, p.line if p.line is not None else -1, p.column or "", p.message)


def display_label(path: Path | str) -> str:
    """A short, recognisable file name for messages: relative to the project if inside it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(paths.PROJECT_ROOT))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class Omitted:
    """Problems counted but not listed: ``count`` more of ``kind`` in ``file``."""

    file: str
    kind: str
    count: int
    at_least: bool = False

    def __str__(self) -> str:
        bound = "at least " if self.at_least else ""
        return f"… and {bound}{self.count} more {self.kind} problems in {self.file}"


class DataValidationError(ValueError):
    """Raised when a data directory breaks the contract; lists the problems found.

    ``problems`` are the problems listed (at most :data:`CAP_PER_KIND` per file and kind),
    ``omitted`` says how many more of each kind were counted, ``total`` counts them all
    (a lower bound when ``complete`` is false: a file was not read to the end).
    """

    def __init__(self, problems: Iterable[Problem], data_dir: Path | str, *,
                 omitted: Iterable[Omitted] = (), total: int | None = None, complete: bool = True):
        self.problems = sorted(problems, key=problem_sort_key)
        self.omitted = sorted(omitted, key=lambda o: (o.file, o.kind))
        self.data_dir = Path(data_dir)
        self.total = total if total is not None else len(self.problems)
        self.complete = complete
        noun = "problem" if self.total == 1 else "problems"
        bound = "" if complete else "at least "
        lines = [f"{bound}{self.total} {noun} in {self.data_dir}:"]
        files = list(dict.fromkeys([p.file for p in self.problems] + [o.file for o in self.omitted]))
        for name in sorted(files):
            lines += [f"  {p}" for p in self.problems if p.file == name]
            lines += [f"  {o}" for o in self.omitted if o.file == name]
        super().__init__("\n".join(lines))


class ProblemLog:
    """Collects problems: keeps the first ``cap`` of each kind in each file, counts the rest."""

    def __init__(self, cap: int = CAP_PER_KIND, stop_after: int = STOP_AFTER):
        self.cap = cap
        self.stop_after = stop_after
        self.shown: list[Problem] = []
        self.counts: Counter[tuple[str, str]] = Counter()
        self.per_file: Counter[str] = Counter()
        self.stopped: set[str] = set()

    def add(self, kind: str, problem: Problem) -> None:
        if kind == STOPPED:
            self.shown.append(problem)
            return
        key = (problem.file, kind)
        self.counts[key] += 1
        self.per_file[problem.file] += 1
        if self.counts[key] <= self.cap:
            self.shown.append(problem)

    def add_all(self, kind: str, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.add(kind, problem)

    def too_many(self, file: str) -> bool:
        """True once ``file`` has as many problems as the checker reads before it stops."""
        return self.per_file[file] >= self.stop_after

    def stop(self, file: str, line: int) -> None:
        """Record that ``file`` was not read beyond ``line - 1``."""
        self.stopped.add(file)
        self.add(STOPPED, Problem(file, line, None, None,
                                  f"stopped checking this file after {self.per_file[file]} problems: "
                                  f"line {line} and the lines after it were not checked"))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def __bool__(self) -> bool:
        return bool(self.shown)

    def problems(self) -> list[Problem]:
        return sorted(self.shown, key=problem_sort_key)

    def omitted(self) -> list[Omitted]:
        return [Omitted(file, kind, n - self.cap, file in self.stopped)
                for (file, kind), n in sorted(self.counts.items()) if n > self.cap]

    def error(self, data_dir: Path | str) -> DataValidationError:
        return DataValidationError(self.shown, data_dir, omitted=self.omitted(), total=self.total,
                                   complete=not self.stopped)
