"""Check CSV files against their Table Schema: generic, nothing here knows what the tables mean.

Two layers, reported as :class:`~analysis.data.problems.Problem` with file, line and column:

1. the file: present, not empty, UTF-8 without BOM, the declared delimiter, well-formed CSV,
   no blank lines inside, every row as long as the header, the declared columns;
2. the schema: types, required, enum, pattern, minimum/maximum, unique, primary and foreign
   keys.

Files are streamed a row at a time, never read whole: a first pass checks the bytes (BOM, blank
file, UTF-8) without decoding into memory; the second parses rows. Rows are kept (for the
foreign keys, the domain rules and the loader) until the file has
:data:`~analysis.data.problems.STOP_AFTER` problems; then the checker stops reading it, drops
the table and says where it stopped, so a huge broken file costs little time and memory.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from analysis.data.problems import CONSTRAINT, ENCODING, FILE, HEADER, KEY, TYPE, Problem, ProblemLog
from analysis.data.schema import Field, Resource, parse_value

CHUNK = 1 << 20
MAX_LINE_CHARS = 1 << 20      # a longer physical line is not a table row
BOM = b"\xef\xbb\xbf"
UNDECODABLE = re.compile("[\udc80-\udcff]+")
NOT_UTF8 = "bytes that are not valid UTF-8; re-save the file as UTF-8"


@dataclass
class Table:
    """A checked table: one dict of cell texts and one of typed values per data row, with its line."""

    resource: Resource
    label: str                      # the file name used in messages
    rows: list[dict[str, str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    typed: list[dict[str, object]] = field(default_factory=list)


class LineTooLong(Exception):
    """A physical line longer than MAX_LINE_CHARS: the file is not a table."""


def check_cell(f: Field, text: str) -> tuple[object, str | None, str | None]:
    """Return (value, kind, message); kind and message are None when the cell is valid."""
    if text != text.strip():
        return None, CONSTRAINT, "leading or trailing whitespace"
    if text == "":
        return (None, CONSTRAINT, "missing required value") if f.required else (None, None, None)
    try:
        value = parse_value(f, text)
    except ValueError as exc:
        return None, TYPE, str(exc)
    if f.enum is not None and text not in f.enum:
        return None, CONSTRAINT, "not one of the allowed values: " + ", ".join(f.enum)
    if f.pattern is not None and not re.fullmatch(f.pattern, text):
        return None, CONSTRAINT, f"does not match the pattern {f.pattern}"
    if f.minimum_value is not None and value < f.minimum_value:
        return None, CONSTRAINT, f"below the minimum {f.minimum}"
    if f.maximum_value is not None and value > f.maximum_value:
        return None, CONSTRAINT, f"above the maximum {f.maximum}"
    return value, None, None


def _scan_bytes(handle: BinaryIO) -> tuple[bool, bool, bool]:
    """(starts with a BOM, blank, valid UTF-8) in one pass of fixed-size chunks."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    chunk = handle.read(CHUNK)
    bom, blank = chunk.startswith(BOM), True
    while chunk:
        blank = blank and not chunk.strip()
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError:
            return bom, False, False
        chunk = handle.read(CHUNK)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return bom, blank, False
    return bom, blank, True


def _physical_lines(text: io.TextIOBase) -> Iterator[str]:
    while line := text.readline(MAX_LINE_CHARS):
        if len(line) == MAX_LINE_CHARS and not line.endswith(("\n", "\r")):
            raise LineTooLong
        yield line


def _undecodable_cells(text: io.TextIOBase, label: str, resource: Resource, log: ProblemLog) -> None:
    """Report every cell holding bytes that are not UTF-8, with its line and column.

    The text is decoded with 'surrogateescape', so the CSV structure (quoted commas, multi-line
    cells) is parsed exactly and each bad byte is located in its own cell.
    """
    reader = csv.reader(_physical_lines(text), delimiter=resource.delimiter)
    header: list[str] | None = None
    start_line = 1
    try:
        for cells in reader:
            is_header, header = header is None, header if header is not None else cells
            line = start_line
            for index, cell in enumerate(cells):
                bad = UNDECODABLE.search(cell)
                if bad:
                    column = _escaped(header[index].strip()) if index < len(header) and not is_header else None
                    log.add(ENCODING, Problem(label, line + cell[:bad.start()].count("\n"), column,
                                              None if column is None else _escaped(bad.group()), NOT_UTF8))
                line += cell.count("\n")
            start_line = reader.line_num + 1
            if log.too_many(label):
                log.stop(label, start_line)
                return
    except (csv.Error, LineTooLong) as exc:
        log.add(FILE, Problem(label, reader.line_num + (isinstance(exc, LineTooLong)), None, None, _malformed(exc)))


def _escaped(text: str) -> str:
    """Undecodable bytes (kept as surrogates by 'surrogateescape') shown as \\xNN."""
    return UNDECODABLE.sub(lambda m: "".join(f"\\x{ord(c) - 0xDC00:02x}" for c in m.group()), text)


def _malformed(exc: Exception) -> str:
    if isinstance(exc, LineTooLong):
        return f"a line longer than {MAX_LINE_CHARS} characters: this is not a CSV table"
    return f"malformed CSV: {exc}"


def check_header(header: list[str], label: str, resource: Resource, log: ProblemLog) -> bool:
    """Report wrong column names; False if the header is unusable or wrong."""
    expected = resource.field_names
    if len(header) == 1 and len(expected) > 1:
        for other in (";", "\t", "|", ","):
            if other != resource.delimiter and other in header[0]:
                shown = "tab" if other == "\t" else f"'{other}'"
                fix = ("save the table as comma-separated values" if resource.delimiter == ","
                       else f"save the table with '{resource.delimiter}' between the values")
                log.add(FILE, Problem(label, 1, None, None,
                                      f"the header is separated by {shown}, not by '{resource.delimiter}': {fix}"))
                return False
    ok = True
    seen: set[str] = set()
    for name in header:
        if name != name.strip():
            log.add(HEADER, Problem(label, 1, name.strip(), name, "column name has leading or trailing whitespace"))
            ok = False
        if name in seen:
            log.add(HEADER, Problem(label, 1, name, name, "column appears twice in the header"))
            ok = False
        seen.add(name)
        if name.strip() not in expected:
            log.add(HEADER, Problem(label, 1, name.strip(), name,
                                    f"unknown column: {resource.name} has only the columns " + ", ".join(expected)))
            ok = False
    stripped = {h.strip() for h in header}
    for name in expected:
        if name not in stripped:
            log.add(HEADER, Problem(label, 1, name, "", "required column is missing from the header"))
            ok = False
    return ok


class _Keys:
    """Unique columns and the primary key, checked as rows stream by (first line of each value)."""

    def __init__(self, resource: Resource, label: str):
        self.label = label
        self.unique = {f.name: {} for f in resource.fields if f.unique}
        key = resource.primary_key
        self.primary = key if key and not (len(key) == 1 and resource.field(key[0]).unique) else ()
        self.first_key: dict[tuple, int] = {}

    def check(self, row: dict[str, str], line: int, log: ProblemLog) -> None:
        for name, first in self.unique.items():
            value = row.get(name, "")
            if value == "":
                continue
            if value in first:
                log.add(KEY, Problem(self.label, line, name, value,
                                     f"duplicate value in a unique column (first at line {first[value]})"))
            else:
                first[value] = line
        if self.primary:
            key = tuple(row.get(k, "") for k in self.primary)
            if key in self.first_key:
                log.add(KEY, Problem(self.label, line, "+".join(self.primary), "|".join(key),
                                     f"duplicate primary key (first at line {self.first_key[key]})"))
            else:
                self.first_key[key] = line


def _read_rows(text: io.TextIOBase, label: str, resource: Resource, log: ProblemLog) -> Table | None:
    reader = csv.reader(_physical_lines(text), delimiter=resource.delimiter, strict=True)
    table, columns, known, keys = None, [], {}, None
    blank: list[int] = []     # blank lines seen last: harmless at the end of the file, not inside
    start_line = 1
    try:
        for cells in reader:
            line, start_line = start_line, reader.line_num + 1
            if table is None:
                if not check_header(cells, label, resource, log) and len(cells) == 1 and len(resource.fields) > 1:
                    return None
                columns = [h.strip() for h in cells]
                known = {name: resource.field(name) for name in columns if name in resource.field_names}
                table, keys = Table(resource, label), _Keys(resource, label)
                continue
            if not cells or cells == [""]:
                blank.append(line)
                continue
            log.add_all(FILE, (Problem(label, b, None, None, "blank line inside the table") for b in blank))
            blank.clear()
            if len(cells) != len(columns):
                log.add(FILE, Problem(label, line, None, None,
                                      f"row has {len(cells)} fields but the header has {len(columns)}"))
            else:
                row = {name: cell for name, cell in zip(columns, cells, strict=True) if name in known}
                typed: dict[str, object] = dict.fromkeys(resource.field_names)
                for name, cell in row.items():
                    typed[name], kind, message = check_cell(known[name], cell)
                    if message is not None:
                        log.add(kind, Problem(label, line, name, cell, message))
                keys.check(row, line, log)
                table.rows.append(row)
                table.lines.append(line)
                table.typed.append(typed)
            if log.too_many(label):
                log.stop(label, start_line)
                return None
    except (csv.Error, LineTooLong) as exc:
        log.add(FILE, Problem(label, (reader.line_num or 1) + isinstance(exc, LineTooLong), None, None,
                              _malformed(exc)))
        return None
    if table is None:
        log.add(FILE, Problem(label, 1, None, None, "file is empty: expected a header line"))
    return table


def read_table(path: Path, label: str, resource: Resource, log: ProblemLog) -> Table | None:
    """Check one CSV file against its resource; return the table, or None if it is unusable."""
    if not path.is_file():
        log.add(FILE, Problem(label, None, None, None, "file not found"))
        return None
    with open(path, "rb") as handle:
        bom, blank, utf8 = _scan_bytes(handle)
        if blank:
            log.add(FILE, Problem(label, 1, None, None, "file is empty: expected a header line with the columns "
                                  + ", ".join(resource.field_names)))
            return None
        if bom:
            log.add(FILE, Problem(label, 1, None, None,
                                  "file starts with a UTF-8 byte-order mark (BOM); save it as UTF-8 without BOM"))
        handle.seek(len(BOM) if bom else 0)
        text = io.TextIOWrapper(handle, encoding="utf-8", errors="surrogateescape" if not utf8 else "strict",
                                newline="")
        if not utf8:
            _undecodable_cells(text, label, resource, log)
            return None
        return _read_rows(text, label, resource, log)


def check_foreign_keys(tables: dict[str, Table], log: ProblemLog) -> None:
    """Every foreign key value matches a row of the table it refers to."""
    for table in tables.values():
        for fk in table.resource.foreign_keys:
            target = tables.get(fk.resource)
            if target is None:
                continue  # the target table's own problems are already reported
            valid = {tuple(r.get(k, "") for k in fk.reference_fields) for r in target.rows}
            for row, line in zip(table.rows, table.lines, strict=True):
                key = tuple(row.get(k, "") for k in fk.fields)
                if all(v == "" for v in key) or key in valid:
                    continue
                log.add(KEY, Problem(table.label, line, "+".join(fk.fields), "|".join(key),
                                     f"does not match any {fk.resource}.{'+'.join(fk.reference_fields)}"))
