"""Validate a directory of CSV tables against the data package contract.

Every check reports a :class:`Problem` with file, line, column and value; all problems of
all tables are collected before anything is raised, so one run lists everything to fix.
Line numbers count the header as line 1, as in ``frictionless`` and in a text editor.

Three layers of checks, in order:

1. the file itself: present, not empty, UTF-8 without BOM, comma-delimited, well-formed CSV;
2. the table schema declared in ``datapackage.json``: columns, types, required, enum,
   pattern, minimum/maximum, unique, primary and foreign keys;
3. cross-field rules that a Table Schema cannot express (end after start, date precision,
   office held on the date, host side consistent with the country, provenance present;
   trade totals that agree with exports + imports, the USSR only up to 1991).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from analysis import paths
from analysis.codes import REMOTE_MODES, STATE_SIDE
from analysis.data.schema import Field, Package, Resource, load_package

# Tables that must hold at least one row; the others may legitimately be empty
# (a dataset for another dyad may have no errata, documents or silent periods).
NON_EMPTY_TABLES = frozenset({"subsections", "persons", "offices", "engagements"})

TRUE_VALUES = frozenset({"true", "True", "TRUE", "1"})
FALSE_VALUES = frozenset({"false", "False", "FALSE", "0"})
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# The USSR ceased to exist on 1991-12-26 (Supreme Soviet declaration 142-N; Gorbachev
# resigned on the 25th): engagements up to the 25th are with the USSR.
USSR_LAST_DAY = date(1991, 12, 25)


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
        return f"{where}: column '{self.column}': value '{self.value}' — {self.message}"


class DataValidationError(ValueError):
    """Raised when a data directory breaks the contract; lists every problem found."""

    def __init__(self, problems: list[Problem], data_dir: Path | str):
        self.problems = sorted(problems, key=_problem_sort_key)
        self.data_dir = Path(data_dir)
        noun = "problem" if len(self.problems) == 1 else "problems"
        lines = [f"{len(self.problems)} {noun} in {self.data_dir}:"]
        lines += [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))


def _problem_sort_key(p: Problem):
    return (p.file, p.line if p.line is not None else -1, p.column or "", p.message)


@dataclass
class RawTable:
    """A table as validated text: one dict per data row plus its line number in the file."""

    resource: Resource
    label: str                     # the file name used in messages
    rows: list[dict[str, str]]
    lines: list[int]
    typed: list[dict[str, object]]


# ---------------------------------------------------------------------------------------
# Layer 1: the file


def _escaped(text: str) -> str:
    """Undecodable bytes (kept as surrogates by 'surrogateescape') shown as \\xNN."""
    return "".join(f"\\x{ord(c) - 0xDC00:02x}" if "\udc80" <= c <= "\udcff" else c for c in text)


def _undecodable_cells(text: str, label: str, resource: Resource, problems: list[Problem]) -> None:
    """Report every cell holding bytes that are not UTF-8, with its line and column.

    The text was decoded with 'surrogateescape', so the CSV structure (quoted commas,
    multi-line cells) is parsed exactly and each bad byte is located in its own cell.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=resource.delimiter)
    header: list[str] | None = None
    start_line = 1
    for cells in reader:
        if header is None:
            header = cells
        line = start_line
        for index, cell in enumerate(cells):
            bad = [i for i, c in enumerate(cell) if "\udc80" <= c <= "\udcff"]
            if bad:
                column = header[index] if index < len(header) and cells is not header else None
                run = cell[bad[0]:]
                run = run[: next((i for i, c in enumerate(run) if not "\udc80" <= c <= "\udcff"), len(run))]
                problems.append(Problem(label, line + cell[: bad[0]].count("\n"),
                                        None if column is None else column.strip(),
                                        None if column is None else _escaped(run),
                                        "bytes that are not valid UTF-8; re-save the file as UTF-8"))
            line += cell.count("\n")
        start_line = reader.line_num + 1


def _read_text(path: Path, label: str, resource: Resource, problems: list[Problem]) -> str | None:
    if not path.exists():
        problems.append(Problem(label, None, None, None, "file not found"))
        return None
    raw = path.read_bytes()
    if not raw.strip():
        problems.append(Problem(label, 1, None, None,
                                "file is empty: expected a header line with the columns "
                                + ", ".join(resource.field_names)))
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.append(Problem(label, 1, None, None,
                                "file starts with a UTF-8 byte-order mark (BOM); save it as UTF-8 without BOM"))
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        _undecodable_cells(raw.decode("utf-8", errors="surrogateescape"), label, resource, problems)
        return None


def _parse_csv(text: str, label: str, resource: Resource, problems: list[Problem]):
    """Return (header, [(line, cells)]) or None if the file cannot be parsed as CSV."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=resource.delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    start_line = 1
    try:
        for cells in reader:
            records.append((start_line, cells))
            start_line = reader.line_num + 1
    except csv.Error as exc:
        problems.append(Problem(label, reader.line_num or 1, None, None, f"malformed CSV: {exc}"))
        return None
    if not records:
        problems.append(Problem(label, 1, None, None, "file is empty: expected a header line"))
        return None
    while len(records) > 1 and records[-1][1] in ([], [""]):
        records.pop()  # blank lines at the end of a file are harmless (editors add them)
    (_, header), body = records[0], records[1:]
    return header, body


def _check_header(header: list[str], label: str, resource: Resource, problems: list[Problem]) -> bool:
    expected = resource.field_names
    if len(header) == 1 and len(expected) > 1:
        for other in (";", "\t", "|"):
            if other in header[0]:
                shown = "tab" if other == "\t" else f"'{other}'"
                problems.append(Problem(
                    label, 1, None, None,
                    f"the header is separated by {shown}, not by '{resource.delimiter}': "
                    f"save the table as comma-separated values"))
                return False
    ok = True
    seen: set[str] = set()
    for name in header:
        if name != name.strip():
            problems.append(Problem(label, 1, name.strip(), name,
                                    "column name has leading or trailing whitespace"))
            ok = False
        if name in seen:
            problems.append(Problem(label, 1, name, name, "column appears twice in the header"))
            ok = False
        seen.add(name)
        if name.strip() not in expected:
            problems.append(Problem(label, 1, name.strip(), name,
                                    f"unknown column: {resource.name} has only the columns "
                                    + ", ".join(expected)))
            ok = False
    stripped = {h.strip() for h in header}
    for name in expected:
        if name not in stripped:
            problems.append(Problem(label, 1, name, "", "required column is missing from the header"))
            ok = False
    return ok


# ---------------------------------------------------------------------------------------
# Layer 2: the table schema


def parse_value(field: Field, text: str):
    """Convert one non-empty cell to its Python value; raise ValueError with the reason."""
    if field.type == "date":
        if not DATE_RE.match(text):
            raise ValueError("not a date in the form YYYY-MM-DD")
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError("impossible date (no such day in the calendar)") from None
    if field.type == "boolean":
        if text in TRUE_VALUES:
            return True
        if text in FALSE_VALUES:
            return False
        raise ValueError("not a boolean: use true or false")
    if field.type == "integer":
        try:
            return int(text)
        except ValueError:
            raise ValueError("not an integer") from None
    if field.type == "number":
        try:
            return float(text)
        except ValueError:
            raise ValueError("not a number") from None
    return text


def _check_cell(field: Field, text: str):
    """Return (value, message); message is None when the cell is valid."""
    if text != text.strip():
        return None, "leading or trailing whitespace"
    if text == "":
        return None, ("missing required value" if field.required else None)
    try:
        value = parse_value(field, text)
    except ValueError as exc:
        return None, str(exc)
    if field.enum is not None and text not in field.enum:
        return None, "not one of the allowed values: " + ", ".join(field.enum)
    if field.pattern is not None and not re.fullmatch(field.pattern, text):
        return None, f"does not match the pattern {field.pattern}"
    if field.minimum is not None and value < parse_value(field, field.minimum):
        return None, f"below the minimum {field.minimum}"
    if field.maximum is not None and value > parse_value(field, field.maximum):
        return None, f"above the maximum {field.maximum}"
    return value, None


def _read_table(data_dir: Path, resource: Resource, problems: list[Problem]) -> RawTable | None:
    path = data_dir / resource.path
    label = _label(path)
    text = _read_text(path, label, resource, problems)
    if text is None:
        return None
    parsed = _parse_csv(text, label, resource, problems)
    if parsed is None:
        return None
    header, body = parsed
    if not _check_header(header, label, resource, problems) and len(header) == 1 and len(resource.field_names) > 1:
        return None
    columns = [h.strip() for h in header]
    known = {name: resource.field(name) for name in columns if name in resource.field_names}
    table = RawTable(resource, label, [], [], [])
    for line, cells in body:
        if not cells or cells == [""]:
            problems.append(Problem(label, line, None, None, "blank line inside the table"))
            continue
        if len(cells) != len(columns):
            problems.append(Problem(label, line, None, None,
                                    f"row has {len(cells)} fields but the header has {len(columns)}"))
            continue
        row = {name: cell for name, cell in zip(columns, cells, strict=False) if name in known}
        typed: dict[str, object] = dict.fromkeys(resource.field_names)
        for name, cell in row.items():
            value, message = _check_cell(known[name], cell)
            if message is not None:
                problems.append(Problem(label, line, name, cell, message))
            typed[name] = value
        table.rows.append(row)
        table.lines.append(line)
        table.typed.append(typed)
    if not table.rows and resource.name in NON_EMPTY_TABLES:
        problems.append(Problem(label, 2, None, None, "no data rows: the table has a header only"))
    _check_unique(table, label, problems)
    return table


def _check_unique(table: RawTable, label: str, problems: list[Problem]) -> None:
    resource = table.resource
    for field in resource.fields:
        if not field.unique:
            continue
        first: dict[str, int] = {}
        for row, line in zip(table.rows, table.lines, strict=False):
            value = row.get(field.name, "")
            if value == "":
                continue
            if value in first:
                problems.append(Problem(label, line, field.name, value,
                                        f"duplicate value in a unique column (first at line {first[value]})"))
            else:
                first[value] = line
    single_key_marked_unique = (len(resource.primary_key) == 1
                                and resource.field(resource.primary_key[0]).unique)
    if resource.primary_key and not single_key_marked_unique:
        first_key: dict[tuple, int] = {}
        for row, line in zip(table.rows, table.lines, strict=False):
            key = tuple(row.get(k, "") for k in resource.primary_key)
            if key in first_key:
                problems.append(Problem(label, line, "+".join(resource.primary_key), "|".join(key),
                                        f"duplicate primary key (first at line {first_key[key]})"))
            else:
                first_key[key] = line


def _check_foreign_keys(tables: dict[str, RawTable], problems: list[Problem]) -> None:
    for table in tables.values():
        label = table.label
        for fk in table.resource.foreign_keys:
            target = tables.get(fk.resource)
            if target is None:
                continue  # the target table's own problems are already reported
            valid = {tuple(r.get(k, "") for k in fk.reference_fields) for r in target.rows}
            for row, line in zip(table.rows, table.lines, strict=False):
                key = tuple(row.get(k, "") for k in fk.fields)
                if all(v == "" for v in key) or key in valid:
                    continue
                problems.append(Problem(
                    label, line, "+".join(fk.fields), "|".join(key),
                    f"does not match any {fk.resource}.{'+'.join(fk.reference_fields)}"))


# ---------------------------------------------------------------------------------------
# Layer 3: cross-field rules


def _last_day_of_month(d: date) -> date:
    following = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def _check_dates(label: str, line: int, row: dict, problems: list[Problem], today: date,
                 precision_field: str | None = "date_precision") -> None:
    start, end = row.get("start_date"), row.get("end_date")
    for name in ("start_date", "end_date"):
        value = row.get(name)
        if value is not None and value > today:
            problems.append(Problem(label, line, name, value.isoformat(), f"date is after today ({today})"))
    if start is None or end is None:
        return
    if end < start:
        problems.append(Problem(label, line, "end_date", end.isoformat(),
                                f"end_date is before start_date ({start.isoformat()})"))
        return
    precision = row.get(precision_field) if precision_field else None
    if precision == "month":
        if start.day != 1 or end != _last_day_of_month(end):
            problems.append(Problem(label, line, "date_precision", precision,
                                    "month precision needs start_date on the 1st and end_date on the last day of a month "
                                    f"(got {start.isoformat()} to {end.isoformat()})"))
    elif precision == "year" and ((start.month, start.day) != (1, 1) or (end.month, end.day) != (12, 31)):
        problems.append(Problem(label, line, "date_precision", precision,
                                "year precision needs start_date on 1 January and end_date on 31 December "
                                f"(got {start.isoformat()} to {end.isoformat()})"))


def _check_engagements(tables: dict[str, RawTable], problems: list[Problem], today: date) -> None:
    table = tables.get("engagements")
    if table is None:
        return
    label = table.label
    persons = tables.get("persons")
    offices = tables.get("offices")
    side_of = {r["person_id"]: r["side"] for r in persons.typed} if persons else {}
    terms: dict[tuple[str, str], list[tuple[date, date | None]]] = {}
    unreadable_terms: set[str] = set()  # persons with an invalid term: their problems are reported already
    if offices:
        for raw, r in zip(offices.rows, offices.typed, strict=False):
            invalid = [k for k in ("office", "start_date", "end_date") if raw.get(k, "") != "" and r[k] is None]
            if invalid or not (r["office"] and r["start_date"]):
                unreadable_terms.add(raw.get("person_id", ""))
                continue
            terms.setdefault((r["person_id"], r["office"]), []).append((r["start_date"], r["end_date"]))

    for row, line in zip(table.typed, table.lines, strict=False):
        _check_dates(label, line, row, problems, today)
        start = row["start_date"]
        # Principals: the right side, in an office they held on the day.
        for side in ("china", "russia"):
            person, office = row[f"{side}_person_id"], row[f"{side}_office"]
            if person and side_of.get(person) not in (None, side):
                problems.append(Problem(label, line, f"{side}_person_id", person,
                                        f"this person belongs to the {side_of[person]} side in persons.csv"))
            if person and office and start and person in side_of and person not in unreadable_terms:
                held = terms.get((person, office), [])
                if not any(s <= start and (e is None or start <= e) for s, e in held):
                    spans = "; ".join(f"{s} to {e or 'present'}" for s, e in sorted(held, key=lambda t: t[0])) or "no term"
                    problems.append(Problem(label, line, f"{side}_office", office,
                                            f"{person} did not hold this office on {start} (offices.csv: {spans})"))
        # The counterpart state follows the date.
        if start and row["russia_state"]:
            expected = "USSR" if start <= USSR_LAST_DAY else "Russia"
            if row["russia_state"] != expected:
                problems.append(Problem(label, line, "russia_state", row["russia_state"],
                                        f"on {start} the counterpart state was {expected}"))
        # Place and host side agree with the mode and with each other.
        mode, host, country = row["mode"], row["host_side"], row["country"]
        if mode in REMOTE_MODES:
            if host not in (None, "none"):
                problems.append(Problem(label, line, "host_side", host,
                                        f"a {mode} engagement has no host territory: use none"))
            for name in ("city", "country"):
                if row[name]:
                    problems.append(Problem(label, line, name, row[name],
                                            f"a {mode} engagement has no place: leave {name} empty"))
            if row["visit_type"] not in (None, "none"):
                problems.append(Problem(label, line, "visit_type", row["visit_type"],
                                        f"a {mode} engagement is not a visit: use none"))
        elif mode == "in_person":
            if host == "none":
                problems.append(Problem(label, line, "host_side", host,
                                        "an in-person engagement takes place on someone's territory"))
            if not country:
                problems.append(Problem(label, line, "country", "",
                                        "an in-person engagement needs the country where it took place"))
            elif host:
                expected_host = {"CHN": "china", "RUS": "russia", "SUN": "russia"}.get(country, "third_country")
                if host != expected_host:
                    problems.append(Problem(label, line, "host_side", host,
                                            f"country {country} means host_side {expected_host}"))
                if start and country in ("RUS", "SUN") and country != ("SUN" if start <= USSR_LAST_DAY else "RUS"):
                    problems.append(Problem(label, line, "country", country,
                                            f"on {start} the country code is {'SUN' if start <= USSR_LAST_DAY else 'RUS'}"))
            if host == "third_country" and row["visit_type"] not in (None, "none"):
                problems.append(Problem(label, line, "visit_type", row["visit_type"],
                                        "a meeting in a third country is not a bilateral visit: use none"))
        # Provenance: every row says where it comes from.
        if row["in_article"] is True and not row["article_subsection"]:
            problems.append(Problem(label, line, "article_subsection", "",
                                    "in_article is true: name the subsection that describes the engagement"))
        if row["in_article"] is False:
            if not row["source_urls"]:
                problems.append(Problem(label, line, "source_urls", "",
                                        "an engagement not in the article needs the URL of a source read"))
            if row["article_subsection"]:
                problems.append(Problem(label, line, "article_subsection", row["article_subsection"],
                                        "in_article is false: leave article_subsection empty (link it through errata)"))
        if row["article_refs"] and not row["article_subsection"]:
            problems.append(Problem(label, line, "article_refs", row["article_refs"],
                                    "article reference numbers need the article_subsection they belong to"))


def _check_offices(tables: dict[str, RawTable], problems: list[Problem], today: date) -> None:
    table = tables.get("offices")
    if table is None:
        return
    label = table.label
    persons = tables.get("persons")
    side_of = {r["person_id"]: r["side"] for r in persons.typed} if persons else {}
    for row, line in zip(table.typed, table.lines, strict=False):
        _check_dates(label, line, row, problems, today, precision_field=None)
        person, state = row["person_id"], row["state"]
        if side_of.get(person) and state and STATE_SIDE[state] != side_of[person]:
            problems.append(Problem(label, line, "state", state,
                                    f"{person} is on the {side_of[person]} side in persons.csv"))


def _check_documents(tables: dict[str, RawTable], problems: list[Problem]) -> None:
    table, engagements = tables.get("documents"), tables.get("engagements")
    if table is None or engagements is None:
        return
    label = table.label
    counts = Counter(r["engagement_id"] for r in engagements.typed)
    duplicated = {i for i, n in counts.items() if n > 1}  # ambiguous: reported as duplicates already
    spans = {r["engagement_id"]: (r["start_date"], r["end_date"]) for r in engagements.typed
             if r["engagement_id"] not in duplicated}
    for row, line in zip(table.typed, table.lines, strict=False):
        signed, span = row["signed_date"], spans.get(row["engagement_id"])
        if signed and span and span[0] and span[1] and not span[0] <= signed <= span[1]:
            problems.append(Problem(label, line, "signed_date", signed.isoformat(),
                                    f"outside the dates of engagement {row['engagement_id']} ({span[0]} to {span[1]})"))
        if not row["article_subsection"] and not row["source_urls"]:
            problems.append(Problem(label, line, "source_urls", "",
                                    "a document needs a source: the article subsection or a URL read"))


def _check_reported_figures(tables: dict[str, RawTable], problems: list[Problem]) -> None:
    table, subsections = tables.get("reported_figures"), tables.get("subsections")
    if table is None or subsections is None:
        return
    label = table.label
    known = {r["subsection"] for r in subsections.rows}
    for row, line in zip(table.rows, table.lines, strict=False):
        section = row.get("article_section", "")
        if section.startswith("2.") and section not in known:
            problems.append(Problem(label, line, "article_section", section,
                                    "no such subsection in subsections.csv"))


# Bilateral trade: the total may differ from exports + imports by rounding, not by more.
TRADE_SUM_TOLERANCE = 0.015
USSR_LAST_YEAR = 1991


def _number_text(x: float) -> str:
    """A number as a short decimal: 6.840000000000001 -> '6.84', 100.0 -> '100'."""
    return f"{x:.6f}".rstrip("0").rstrip(".")


def _check_trade(tables: dict[str, RawTable], problems: list[Problem], today: date) -> None:
    table = tables.get("trade")
    if table is None:
        return
    label = table.label
    for raw, row, line in zip(table.rows, table.typed, table.lines, strict=False):
        total, exports, imports = row["total_usd_bn"], row["china_exports_usd_bn"], row["china_imports_usd_bn"]
        if total is not None and exports is not None and imports is not None:
            flows = exports + imports
            if abs(total - flows) > TRADE_SUM_TOLERANCE * abs(total):
                problems.append(Problem(label, line, "total_usd_bn", raw["total_usd_bn"],
                                        f"differs from exports + imports ({_number_text(flows)})"))
        year = row["year"]
        if row["partner_state"] == "USSR" and year is not None and year > USSR_LAST_YEAR:
            problems.append(Problem(label, line, "partner_state", "USSR",
                                    f"the USSR ceased to exist in {USSR_LAST_YEAR}: the partner in {year} is Russia"))
        if year is not None and year > today.year:
            problems.append(Problem(label, line, "year", raw["year"], f"year is after this year ({today.year})"))


def _check_announced_counts(tables: dict[str, RawTable], problems: list[Problem], today: date) -> None:
    table = tables.get("announced_counts")
    if table is None:
        return
    label = table.label
    for row, line in zip(table.typed, table.lines, strict=False):
        day = row["date"]
        if day is None:
            continue
        if day > today:
            problems.append(Problem(label, line, "date", day.isoformat(), f"date is after today ({today})"))
        if row["date_precision"] == "month" and day.day != 1:
            problems.append(Problem(label, line, "date_precision", "month",
                                    f"month precision needs the date on the 1st of the month (got {day.isoformat()})"))


def _check_claims(tables: dict[str, RawTable], problems: list[Problem]) -> None:
    """A claim specification must carry what its check needs."""
    table = tables.get("claims")
    if table is None:
        return
    label = table.label
    needs = {"count": ("article_value", "from_date"), "ordinal": ("article_value", "from_date", "engagement_id"),
             "trade": ("article_value", "year", "reporters"), "target": ("year", "reporters"),
             "not_checkable": ("reason",)}
    for row, line in zip(table.typed, table.lines, strict=False):
        for name in needs.get(row["check"], ()):
            if row[name] in (None, ""):
                problems.append(Problem(label, line, name, "", f"a '{row['check']}' claim needs {name}"))
        if row["from_date"] and row["to_date"] and row["to_date"] < row["from_date"]:
            problems.append(Problem(label, line, "to_date", row["to_date"].isoformat(),
                                    f"before from_date ({row['from_date'].isoformat()})"))


def _check_periods(tables: dict[str, RawTable], problems: list[Problem], today: date) -> None:
    table = tables.get("periods")
    if table is None:
        return
    label = table.label
    for row, line in zip(table.typed, table.lines, strict=False):
        _check_dates(label, line, row, problems, today, precision_field=None)


# ---------------------------------------------------------------------------------------


def _label(path: Path) -> str:
    """A short, recognisable file name for messages: relative to the project if inside it."""
    try:
        return str(path.resolve().relative_to(paths.PROJECT_ROOT))
    except ValueError:
        return str(path)


def read_tables(data_dir: Path | str | None = None, *, package: Package | None = None,
                today: date | None = None) -> tuple[dict[str, RawTable], list[Problem]]:
    """Read and check every table; return the tables and all problems found (maybe none)."""
    data_dir = Path(data_dir) if data_dir is not None else paths.DATA_DIR
    package = package or load_package()
    today = today or date.today()
    problems: list[Problem] = []
    if not data_dir.is_dir():
        return {}, [Problem(str(data_dir), None, None, None, "data directory not found")]
    tables: dict[str, RawTable] = {}
    for resource in package.resources:
        table = _read_table(data_dir, resource, problems)
        if table is not None:
            tables[resource.name] = table
    _check_foreign_keys(tables, problems)
    _check_offices(tables, problems, today)
    _check_engagements(tables, problems, today)
    _check_documents(tables, problems)
    _check_periods(tables, problems, today)
    _check_reported_figures(tables, problems)
    _check_claims(tables, problems)
    _check_trade(tables, problems, today)
    _check_announced_counts(tables, problems, today)
    return tables, sorted(problems, key=_problem_sort_key)


def validate_dataset(data_dir: Path | str | None = None, *, today: date | None = None) -> dict[str, int]:
    """Validate a data directory; return row counts per table or raise DataValidationError."""
    data_dir = Path(data_dir) if data_dir is not None else paths.DATA_DIR
    tables, problems = read_tables(data_dir, today=today)
    if problems:
        raise DataValidationError(problems, data_dir)
    return {name: len(t.rows) for name, t in tables.items()}
