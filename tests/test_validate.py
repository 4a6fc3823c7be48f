"""The validator: every bad input is reported as ``file:line: column 'x': value 'y' — reason``.

Each test breaks one thing in a private copy of the minimal fixture and compares the full
list of problems with the list worked out by hand (so a missing problem, an extra spurious
problem, a wrong line, column, value or reason all fail). Fixture line numbers are listed
in ``conftest.py``.
"""

from __future__ import annotations

import csv
import json
from datetime import date

import pytest

from analysis import paths
from analysis.data.validate import DataValidationError, Problem, check_dataset, validate_dataset

ENGAGEMENTS = "engagements.csv"
PERSONS = "persons.csv"
OFFICES = "offices.csv"
DOCUMENTS = "documents.csv"
ERRATA = "errata.csv"
PERIODS = "periods.csv"
TRADE = "trade.csv"
ECONOMY = "economy.csv"
ANNOUNCED = "announced_counts.csv"

MINIMAL_COUNTS = {
    "subsections": 3,
    "persons": 4,
    "offices": 5,
    "leaders": 4,
    "engagements": 6,
    "coattendance": 1,
    "coverage": 6,
    "documents": 3,
    "periods": 1,
    "errata": 1,
    "reported_figures": 2,
    "trade": 3,
    "economy": 2,
    "announced_counts": 2,
    "claims": 3,
}


def problems_in(data_dir, **kwargs) -> list[str]:
    """Validate, require a DataValidationError, and return its problems as message lines.

    Also checks that the exception message lists every problem, one per line, after a
    count of the problems.
    """
    with pytest.raises(DataValidationError) as info:
        validate_dataset(data_dir, **kwargs)
    error = info.value
    lines = [str(p) for p in error.problems]
    message = str(error).splitlines()
    noun = "problem" if len(lines) == 1 else "problems"
    assert message[0] == f"{len(lines)} {noun} in {data_dir}:"
    assert message[1:] == [f"  {line}" for line in lines]
    return lines


def cell(label: str, line: int, column: str, value: str, reason: str) -> str:
    return f"{label}:{line}: column '{column}': value '{value}' — {reason}"


# ---------------------------------------------------------------------------------------
# Valid data


def test_minimal_fixture_is_valid_and_counts_rows(minimal_dir):
    assert validate_dataset(minimal_dir) == MINIMAL_COUNTS


def test_minimal_fixture_has_the_shipped_columns_in_the_shipped_order(minimal_dir, shipped_data_dir):
    shipped = sorted(p.name for p in shipped_data_dir.glob("*.csv"))
    assert sorted(p.name for p in minimal_dir.glob("*.csv")) == shipped
    assert len(shipped) == 15
    for name in shipped:
        with open(shipped_data_dir / name, newline="", encoding="utf-8") as f:
            shipped_header = next(csv.reader(f))
        with open(minimal_dir / name, newline="", encoding="utf-8") as f:
            fixture_header = next(csv.reader(f))
        assert fixture_header == shipped_header, name


def test_shipped_data_is_valid(shipped_data_dir):
    counts = validate_dataset(shipped_data_dir)
    assert list(counts) == ["subsections", "persons", "offices", "leaders", "engagements", "coattendance",
                            "coverage", "documents", "periods", "errata", "reported_figures",
                            "trade", "economy", "announced_counts", "claims"]
    assert counts["subsections"] == 48
    assert all(counts[name] > 0 for name in ("persons", "offices", "engagements"))


def test_default_directory_is_the_shipped_data(shipped_data_dir):
    assert validate_dataset() == validate_dataset(shipped_data_dir)


def test_shipped_subsections_are_2_1_to_2_48_once_each_and_2_3_is_the_period(shipped_data_dir):
    with open(shipped_data_dir / "subsections.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    numbers = [r["subsection"] for r in rows]
    assert len(rows) == 48
    assert sorted(numbers, key=lambda s: int(s.split(".")[1])) == [f"2.{i}" for i in range(1, 49)]
    assert len(set(numbers)) == 48
    kinds = {r["subsection"]: r["kind"] for r in rows}
    assert kinds["2.3"] == "period"


def test_crlf_line_endings_are_accepted(fixture_copy):
    d = fixture_copy()
    d.write_rows(ENGAGEMENTS, d.rows(ENGAGEMENTS), lineterminator="\r\n")
    assert b"\r\n" in d.path(ENGAGEMENTS).read_bytes()
    assert validate_dataset(d.dir) == MINIMAL_COUNTS


@pytest.mark.parametrize(("name", "table"), [(ERRATA, "errata"), (DOCUMENTS, "documents"),
                                         (PERIODS, "periods"), (TRADE, "trade"),
                                         (ECONOMY, "economy"), (ANNOUNCED, "announced_counts")])
def test_header_only_is_allowed_for_optional_tables(fixture_copy, name, table):
    d = fixture_copy()
    d.header_only(name)
    assert validate_dataset(d.dir) == {**MINIMAL_COUNTS, table: 0}


# ---------------------------------------------------------------------------------------
# Layer 1: the file


def test_missing_file(fixture_copy):
    d = fixture_copy()
    d.delete(ERRATA)
    assert problems_in(d.dir) == [f"{d.label(ERRATA)}: file not found"]


def test_missing_data_directory(tmp_path):
    missing = tmp_path / "no-such-dir"
    assert problems_in(missing) == [f"{missing}: data directory not found"]


def test_empty_file(fixture_copy):
    d = fixture_copy()
    columns = ", ".join(d.rows(ENGAGEMENTS)[0])
    d.write_bytes(ENGAGEMENTS, b"")
    assert problems_in(d.dir) == [
        f"{d.label(ENGAGEMENTS)}:1: file is empty: expected a header line with the columns {columns}"]
    assert columns.startswith("engagement_id, trip_id, start_date, ") and columns.endswith(", notes")


def test_header_only_engagements_is_an_error(fixture_copy):
    d = fixture_copy()
    d.header_only(ENGAGEMENTS)
    fk = "does not match any engagements.engagement_id"
    # The documents, the ordinal claim and the erratum now point at engagements that no longer exist.
    assert problems_in(d.dir) == [
        cell(d.label("claims.csv"), 3, "engagement_id", "E0004", fk),
        cell(d.label(DOCUMENTS), 2, "engagement_id", "E0001", fk),
        cell(d.label(DOCUMENTS), 3, "engagement_id", "E0002", fk),
        cell(d.label(DOCUMENTS), 4, "engagement_id", "E0002", fk),
        f"{d.label(ENGAGEMENTS)}:2: no data rows: the table has a header only",
        cell(d.label(ERRATA), 2, "engagement_id", "E0006", fk),
    ]


def test_wrong_delimiter_semicolon(fixture_copy):
    d = fixture_copy()
    d.write_rows(PERSONS, d.rows(PERSONS), delimiter=";")
    assert d.read_text(PERSONS).startswith("person_id;name;side;notes\n")
    assert problems_in(d.dir) == [
        f"{d.label(PERSONS)}:1: the header is separated by ';', not by ',': "
        "save the table as comma-separated values"]


def test_wrong_delimiter_tab(fixture_copy):
    d = fixture_copy()
    d.write_rows(PERSONS, d.rows(PERSONS), delimiter="\t")
    assert problems_in(d.dir) == [
        f"{d.label(PERSONS)}:1: the header is separated by tab, not by ',': "
        "save the table as comma-separated values"]


def test_utf8_bom(fixture_copy):
    d = fixture_copy()
    d.write_bytes(PERSONS, b"\xef\xbb\xbf" + d.path(PERSONS).read_bytes())
    assert problems_in(d.dir) == [
        f"{d.label(PERSONS)}:1: file starts with a UTF-8 byte-order mark (BOM); save it as UTF-8 without BOM"]


def test_utf8_bom_and_semicolons_are_both_reported(fixture_copy):
    d = fixture_copy()
    d.write_rows(PERSONS, d.rows(PERSONS), delimiter=";")
    d.write_bytes(PERSONS, b"\xef\xbb\xbf" + d.path(PERSONS).read_bytes())
    assert problems_in(d.dir) == [
        f"{d.label(PERSONS)}:1: file starts with a UTF-8 byte-order mark (BOM); save it as UTF-8 without BOM",
        f"{d.label(PERSONS)}:1: the header is separated by ';', not by ',': "
        "save the table as comma-separated values",
    ]


def test_non_utf8_byte_in_a_name(fixture_copy):
    d = fixture_copy()
    text = d.read_text(PERSONS).replace("Pyotr Petrov", "Pyotr P\u00e9trov")
    d.write_bytes(PERSONS, text.encode("latin-1"))  # 'é' becomes the single byte 0xe9
    assert b"P\xe9trov" in d.path(PERSONS).read_bytes()
    assert problems_in(d.dir) == [
        cell(d.label(PERSONS), 6, "name", "\\xe9", "bytes that are not valid UTF-8; re-save the file as UTF-8")]


def test_non_utf8_bytes_on_two_lines_are_both_reported(fixture_copy):
    d = fixture_copy()
    text = (d.read_text(PERSONS).replace("Zhang Wei", "Zh\u00e0ng Wei")
            .replace("Ivan Ivanov,russia,", "Ivan Ivanov,russia,caf\u00e9"))
    d.write_bytes(PERSONS, text.encode("latin-1"))
    reason = "bytes that are not valid UTF-8; re-save the file as UTF-8"
    assert problems_in(d.dir) == [
        cell(d.label(PERSONS), 4, "name", "\\xe0", reason),
        cell(d.label(PERSONS), 5, "notes", "\\xe9", reason),
    ]


def test_non_utf8_byte_after_a_quoted_comma_names_the_right_column(fixture_copy):
    d = fixture_copy()
    d.set_cell(DOCUMENTS, "D0001", "notes", "Sign\u00e9")
    d.write_bytes(DOCUMENTS, d.read_text(DOCUMENTS).encode("latin-1"))
    # Line 2 is: D0001,E0001,"Treaty of Friendship, Test and Fixture",treaty,...,Sign\xe9
    assert problems_in(d.dir) == [
        cell(d.label(DOCUMENTS), 2, "notes", "\\xe9", "bytes that are not valid UTF-8; re-save the file as UTF-8")]


def test_non_utf8_byte_in_a_multiline_cell_names_the_right_column(fixture_copy):
    d = fixture_copy()
    text = d.read_text(PERSONS).replace("The note spans", "The n\u00f4te spans")
    d.write_bytes(PERSONS, text.encode("latin-1"))
    assert problems_in(d.dir) == [
        cell(d.label(PERSONS), 3, "notes", "\\xf4", "bytes that are not valid UTF-8; re-save the file as UTF-8")]


def test_row_with_too_few_fields(fixture_copy):
    d = fixture_copy()
    d.replace(PERIODS, ",3;4,Exception", ",3;4")
    assert problems_in(d.dir) == [f"{d.label(PERIODS)}:2: row has 6 fields but the header has 7"]


def test_blank_line_inside_a_table(fixture_copy):
    d = fixture_copy()
    d.replace(OFFICES, "\nzhang_wei,foreign_minister", "\n\nzhang_wei,foreign_minister")
    assert problems_in(d.dir) == [f"{d.label(OFFICES)}:3: blank line inside the table"]


def test_unclosed_quote_is_malformed_csv(fixture_copy):
    d = fixture_copy()
    d.replace(DOCUMENTS, ',"Treaty of Friendship, Test and Fixture",', ',"Treaty of Friendship, Test and Fixture,')
    problems = problems_in(d.dir)
    assert len(problems) == 1
    assert problems[0].startswith(f"{d.label(DOCUMENTS)}:") and ": malformed CSV: " in problems[0]


# ---------------------------------------------------------------------------------------
# Layer 2: the table schema


def test_missing_column(fixture_copy):
    d = fixture_copy()
    d.drop_column(PERSONS, "notes")
    assert d.rows(PERSONS)[0] == ["person_id", "name", "side"]
    assert problems_in(d.dir) == [
        cell(d.label(PERSONS), 1, "notes", "", "required column is missing from the header")]


def test_unknown_extra_column(fixture_copy):
    d = fixture_copy()
    d.add_column(PERSONS, "comment", "x")
    assert problems_in(d.dir) == [
        cell(d.label(PERSONS), 1, "comment", "comment",
             "unknown column: persons has only the columns person_id, name, side, notes")]


def test_column_name_with_whitespace(fixture_copy):
    d = fixture_copy()
    d.replace(PERSONS, "person_id,name,side,notes\n", "person_id,name,side, notes\n")
    assert problems_in(d.dir) == [
        cell(d.label(PERSONS), 1, "notes", " notes", "column name has leading or trailing whitespace")]


def test_column_twice_in_the_header(fixture_copy):
    d = fixture_copy()
    d.add_column(PERSONS, "notes", "")
    assert problems_in(d.dir) == [
        cell(d.label(PERSONS), 1, "notes", "notes", "column appears twice in the header")]


def test_unparseable_date(fixture_copy):
    d = fixture_copy()
    d.set_cell(ENGAGEMENTS, "E0002", "start_date", "8 May 2015")
    assert problems_in(d.dir) == [
        cell(d.label(ENGAGEMENTS), 3, "start_date", "8 May 2015", "not a date in the form YYYY-MM-DD")]


def test_date_without_zero_padding_is_unparseable(fixture_copy):
    d = fixture_copy()
    d.set_cell(DOCUMENTS, "D0001", "signed_date", "1957-11-2")
    assert problems_in(d.dir) == [
        cell(d.label(DOCUMENTS), 2, "signed_date", "1957-11-2", "not a date in the form YYYY-MM-DD")]


def test_unparseable_office_date_is_reported_once(fixture_copy):
    d = fixture_copy()
    d.set_cell(OFFICES, "petrov_pyotr", "start_date", "2000-5-7")
    assert problems_in(d.dir) == [
        cell(d.label(OFFICES), 6, "start_date", "2000-5-7", "not a date in the form YYYY-MM-DD")]


def test_impossible_date(fixture_copy):
    d = fixture_copy()
    d.set_cell(ENGAGEMENTS, "E0005", "start_date", "2023-02-30")
    assert problems_in(d.dir) == [
        cell(d.label(ENGAGEMENTS), 6, "start_date", "2023-02-30", "impossible date (no such day in the calendar)")]


def test_unknown_enum_value(fixture_copy):
    d = fixture_copy()
    d.set_cell(ENGAGEMENTS, "E0003", "mode", "in-person")
    assert problems_in(d.dir) == [
        cell(d.label(ENGAGEMENTS), 4, "mode", "in-person",
             "not one of the allowed values: in_person, phone, video, virtual_conference")]


def test_enum_is_case_sensitive(fixture_copy):
    d = fixture_copy()
    d.set_cell(ERRATA, "X0001", "confidence", "Medium")
    assert problems_in(d.dir) == [
        cell(d.label(ERRATA), 2, "confidence", "Medium", "not one of the allowed values: high, medium, low")]


def test_invalid_side_is_reported_once(fixture_copy):
    d = fixture_copy()
    d.set_cell(PERSONS, "ivanov_ivan", "side", "Russia")
    assert problems_in(d.dir) == [
        cell(d.label(PERSONS), 5, "side", "Russia", "not one of the allowed values: china, russia")]


def test_pattern_mismatch(fixture_copy):
    d = fixture_copy()
    d.set_cell(ENGAGEMENTS, "E0002", "trip_id", "T1")
    assert problems_in(d.dir) == [
        cell(d.label(ENGAGEMENTS), 3, "trip_id", "T1", "does not match the pattern ^T[0-9]{4}$")]


def test_date_below_minimum(fixture_copy):
    d = fixture_copy()
    d.set_cell(ENGAGEMENTS, "E0001", "start_date", "1949-09-30")
    assert problems_in(d.dir) == [
        cell(d.label(ENGAGEMENTS), 2, "start_date", "1949-09-30", "below the minimum 1949-10-01")]


def test_not_a_boolean(fixture_copy):
    d = fixture_copy()
    d.set_cell(ENGAGEMENTS, "E0004", "in_article", "yes")
    assert problems_in(d.dir) == [
        cell(d.label(ENGAGEMENTS), 5, "in_article", "yes", "not a boolean: use true or false")]


@pytest.mark.parametrize(("column", "value", "reason"), [
    ("year", "1_957", "not an integer"), ("year", "1957.0", "not an integer"), ("year", "+1957", None),
    ("china_exports_usd_bn", "nan", "not a number"), ("china_exports_usd_bn", "1,5", "not a number"),
    ("china_exports_usd_bn", "3.29e1", None), ("china_exports_usd_bn", "32.90", None),
])
def test_numbers_are_read_as_table_schema_writes_them(fixture_copy, column, value, reason):
    # Table Schema's lexical forms: no digit separators or decimal comma; NaN, INF and -INF only as written.
    # The 1957 row is on line 2; the 2015 china_customs row (exports 32.9) on line 3.
    d = fixture_copy()
    row, line = ("1957", 2) if column == "year" else (CUSTOMS_2015, 3)
    d.set_cell(TRADE, row, column, value)
    if reason is None:
        assert validate_dataset(d.dir) == MINIMAL_COUNTS
    else:
        assert problems_in(d.dir) == [cell(d.label(TRADE), line, column, value, reason)]


def test_duplicate_id_in_a_unique_column(fixture_copy):
    d = fixture_copy()
    d.set_cell(DOCUMENTS, "D0003", "document_id", "D0002")
    assert problems_in(d.dir) == [
        cell(d.label(DOCUMENTS), 4, "document_id", "D0002", "duplicate value in a unique column (first at line 3)")]


def test_duplicate_composite_primary_key(fixture_copy):
    d = fixture_copy()
    rows = d.rows(OFFICES)
    duplicate = list(rows[3])  # zhang_wei, head_of_state, 2013-03-14 (line 4)
    duplicate[3] = "President (entered twice)"
    d.write_rows(OFFICES, [*rows, duplicate])
    assert problems_in(d.dir) == [
        cell(d.label(OFFICES), 7, "person_id+office+start_date", "zhang_wei|head_of_state|2013-03-14",
             "duplicate primary key (first at line 4)")]


def test_duplicate_engagement_id(fixture_copy):
    d = fixture_copy()
    d.set_cell(ENGAGEMENTS, "E0002", "engagement_id", "E0001")
    fk = "does not match any engagements.engagement_id"
    # D0002 and D0003 belonged to E0002, which no longer exists: those two are real problems.
    assert problems_in(d.dir) == [
        cell(d.label(DOCUMENTS), 3, "engagement_id", "E0002", fk),
        cell(d.label(DOCUMENTS), 4, "engagement_id", "E0002", fk),
        cell(d.label(ENGAGEMENTS), 3, "engagement_id", "E0001", "duplicate value in a unique column (first at line 2)"),
    ]


def test_missing_required_value(fixture_copy):
    d = fixture_copy()
    d.set_cell(PERSONS, "zhang_wei", "name", "")
    assert problems_in(d.dir) == [cell(d.label(PERSONS), 4, "name", "", "missing required value")]


def test_line_numbers_count_the_lines_of_a_multiline_cell(fixture_copy):
    # li_ming's note spans lines 2-3, so petrov_pyotr is on line 6, not on data row 4 + 1.
    d = fixture_copy()
    d.set_cell(PERSONS, "petrov_pyotr", "name", "")
    assert problems_in(d.dir) == [cell(d.label(PERSONS), 6, "name", "", "missing required value")]


def test_stray_whitespace_in_a_value(fixture_copy):
    d = fixture_copy()
    d.set_cell(PERSONS, "zhang_wei", "name", "Zhang Wei ")
    assert problems_in(d.dir) == [
        cell(d.label(PERSONS), 4, "name", "Zhang Wei ", "leading or trailing whitespace")]


def test_stray_whitespace_in_a_date(fixture_copy):
    d = fixture_copy()
    d.set_cell(PERIODS, "P0001", "end_date", " 1979-12-31")
    assert problems_in(d.dir) == [
        cell(d.label(PERIODS), 2, "end_date", " 1979-12-31", "leading or trailing whitespace")]


def test_dangling_foreign_key_to_persons(fixture_copy):
    d = fixture_copy()
    d.set_cell(ENGAGEMENTS, "E0004", "russia_person_id", "sidorov_sergei")
    assert problems_in(d.dir) == [
        cell(d.label(ENGAGEMENTS), 5, "russia_person_id", "sidorov_sergei", "does not match any persons.person_id")]


def test_dangling_foreign_key_to_subsections(fixture_copy):
    d = fixture_copy()
    d.set_cell(ERRATA, "X0001", "article_subsection", "2.9")
    assert problems_in(d.dir) == [
        cell(d.label(ERRATA), 2, "article_subsection", "2.9", "does not match any subsections.subsection")]


# ---------------------------------------------------------------------------------------
# Layer 3: cross-field rules


def test_end_before_start(fixture_copy):
    d = fixture_copy()
    d.set_cell(ENGAGEMENTS, "E0004", "end_date", "2019-06-04")
    assert problems_in(d.dir) == [
        cell(d.label(ENGAGEMENTS), 5, "end_date", "2019-06-04", "end_date is before start_date (2019-06-05)")]


def test_period_end_before_start(fixture_copy):
    d = fixture_copy()
    d.set_cell(PERIODS, "P0001", "end_date", "1959-12-31")
    assert problems_in(d.dir) == [
        cell(d.label(PERIODS), 2, "end_date", "1959-12-31", "end_date is before start_date (1960-01-01)")]


def test_date_after_today(minimal_dir):
    # The fixture lies inside the project, so files are named relative to the project root.
    label = "tests/fixtures/minimal/engagements.csv"
    assert problems_in(minimal_dir, today=date(2020, 4, 15)) == [
        cell(label, 6, "end_date", "2020-04-16", "date is after today (2020-04-15)"),
        cell(label, 6, "start_date", "2020-04-16", "date is after today (2020-04-15)"),
    ]


def test_month_precision_with_start_not_on_the_first(fixture_copy):
    d = fixture_copy()
    d.set_cell(ENGAGEMENTS, "E0006", "start_date", "1964-11-02")
    assert problems_in(d.dir) == [
        cell(d.label(ENGAGEMENTS), 7, "date_precision", "month",
             "month precision needs start_date on the 1st and end_date on the last day of a month "
             "(got 1964-11-02 to 1964-11-30)")]


def test_year_precision_with_exact_days(fixture_copy):
    d = fixture_copy()
    d.set_cell(ENGAGEMENTS, "E0001", "date_precision", "year")
    d.set_cell(ENGAGEMENTS, "E0001", "date_basis", "partial")
    assert problems_in(d.dir) == [
        cell(d.label(ENGAGEMENTS), 2, "date_precision", "year",
             "year precision needs start_date on 1 January and end_date on 31 December "
             "(got 1957-11-02 to 1957-11-21)")]


def test_office_not_held_on_the_date(fixture_copy):
    d = fixture_copy()
    d.set_cell(ENGAGEMENTS, "E0002", "china_office", "foreign_minister")
    assert problems_in(d.dir) == [
        cell(d.label(ENGAGEMENTS), 3, "china_office", "foreign_minister",
             "zhang_wei did not hold this office on 2015-05-08 (offices.csv: 2005-01-01 to 2013-03-13)")]


def test_office_taken_up_after_the_date(fixture_copy):
    d = fixture_copy()
    d.set_cell(OFFICES, "petrov_pyotr", "start_date", "2015-05-09")
    assert problems_in(d.dir) == [
        cell(d.label(ENGAGEMENTS), 3, "russia_office", "head_of_state",
             "petrov_pyotr did not hold this office on 2015-05-08 (offices.csv: 2015-05-09 to present)")]


@pytest.mark.parametrize(("column", "day"), [("start_date", "2015-05-08"), ("end_date", "2015-05-08")])
def test_office_held_on_the_first_or_last_day_of_the_term(fixture_copy, column, day):
    # E0002 starts on 2015-05-08: a term that starts or ends that day covers it.
    d = fixture_copy()
    if column == "start_date":
        d.set_cell(OFFICES, "petrov_pyotr", "start_date", day)
    else:
        d.set_cell(OFFICES, {"person_id": "zhang_wei", "office": "foreign_minister"}, "end_date", day)
        d.set_cell(ENGAGEMENTS, "E0002", "china_office", "foreign_minister")
    assert validate_dataset(d.dir) == MINIMAL_COUNTS


def test_office_never_held(fixture_copy):
    d = fixture_copy()
    d.set_cell(ENGAGEMENTS, "E0002", "russia_office", "foreign_minister")
    assert problems_in(d.dir) == [
        cell(d.label(ENGAGEMENTS), 3, "russia_office", "foreign_minister",
             "petrov_pyotr did not hold this office on 2015-05-08 (offices.csv: no term)")]


def test_principal_on_the_wrong_side(fixture_copy):
    d = fixture_copy()
    d.set_cell(ENGAGEMENTS, "E0002", "china_person_id", "petrov_pyotr")
    assert problems_in(d.dir) == [
        cell(d.label(ENGAGEMENTS), 3, "china_person_id", "petrov_pyotr",
             "this person belongs to the russia side in persons.csv")]


def test_office_state_inconsistent_with_the_persons_side(fixture_copy):
    d = fixture_copy()
    d.set_cell(OFFICES, "ivanov_ivan", "state", "PRC")
    assert problems_in(d.dir) == [
        cell(d.label(OFFICES), 5, "state", "PRC", "ivanov_ivan is on the russia side in persons.csv")]


def test_russia_state_inconsistent_with_the_date(fixture_copy):
    d = fixture_copy()
    d.set_cell(ENGAGEMENTS, "E0002", "russia_state", "USSR")
    assert problems_in(d.dir) == [
        cell(d.label(ENGAGEMENTS), 3, "russia_state", "USSR", "on 2015-05-08 the counterpart state was Russia")]


def _move_e0006_to(d, day: str, state: str, country: str) -> None:
    """Make E0006 a single-day visit on ``day``, with li_ming and ivanov_ivan still in office."""
    d.set_cell(OFFICES, "li_ming", "end_date", "")
    d.set_cell(OFFICES, "ivanov_ivan", "end_date", "")
    for column, value in [("start_date", day), ("end_date", day), ("date_precision", "day"), ("date_basis", "stated"),
                          ("russia_state", state), ("country", country)]:
        d.set_cell(ENGAGEMENTS, "E0006", column, value)


@pytest.mark.parametrize(("day", "state", "country"), [("1991-12-25", "USSR", "SUN"),
                                                 ("1991-12-26", "Russia", "RUS")])
def test_ussr_russia_boundary_valid(fixture_copy, day, state, country):
    d = fixture_copy()
    _move_e0006_to(d, day, state, country)
    assert validate_dataset(d.dir) == MINIMAL_COUNTS


def test_ussr_russia_boundary_day_after_the_ussr(fixture_copy):
    d = fixture_copy()
    _move_e0006_to(d, "1991-12-26", "USSR", "SUN")
    assert problems_in(d.dir) == [
        cell(d.label(ENGAGEMENTS), 7, "country", "SUN", "on 1991-12-26 the country code is RUS"),
        cell(d.label(ENGAGEMENTS), 7, "russia_state", "USSR", "on 1991-12-26 the counterpart state was Russia"),
    ]


def test_ussr_russia_boundary_last_day_of_the_ussr(fixture_copy):
    d = fixture_copy()
    _move_e0006_to(d, "1991-12-25", "Russia", "RUS")
    assert problems_in(d.dir) == [
        cell(d.label(ENGAGEMENTS), 7, "country", "RUS", "on 1991-12-25 the country code is SUN"),
        cell(d.label(ENGAGEMENTS), 7, "russia_state", "Russia", "on 1991-12-25 the counterpart state was USSR"),
    ]


def test_remote_mode_with_a_city(fixture_copy):
    d = fixture_copy()
    d.set_cell(ENGAGEMENTS, "E0005", "city", "Beijing")
    assert problems_in(d.dir) == [
        cell(d.label(ENGAGEMENTS), 6, "city", "Beijing", "a phone engagement has no place: leave city empty")]


def test_remote_mode_with_a_host_side(fixture_copy):
    d = fixture_copy()
    d.set_cell(ENGAGEMENTS, "E0005", "host_side", "china")
    assert problems_in(d.dir) == [
        cell(d.label(ENGAGEMENTS), 6, "host_side", "china", "a phone engagement has no host territory: use none")]


def test_remote_mode_with_a_visit_type(fixture_copy):
    d = fixture_copy()
    d.set_cell(ENGAGEMENTS, "E0005", "visit_type", "state")
    assert problems_in(d.dir) == [
        cell(d.label(ENGAGEMENTS), 6, "visit_type", "state", "a phone engagement is not a visit: use none")]


def test_third_country_meeting_with_a_visit_type(fixture_copy):
    d = fixture_copy()
    d.set_cell(ENGAGEMENTS, "E0003", "visit_type", "state")
    assert problems_in(d.dir) == [
        cell(d.label(ENGAGEMENTS), 4, "visit_type", "state",
             "a meeting in a third country is not a bilateral visit: use none")]



# ---------------------------------------------------------------------------------------
# Precision and visit type against the sources' wording (date_basis, visit_type_basis).
# Fixture lines: E0001 is line 2 (Moscow, official), E0002 line 3 (Beijing, state, trip T0001),
# E0003 line 4 (Tashkent, none), E0004 line 5 (Moscow, state), E0005 line 6 (phone, none),
# E0006 line 7 (month precision, visit type empty, basis partial/unstated).
# Each case: the cells set, then the one problem expected (line, column, value, reason).

BASIS_FAULTS = [
    pytest.param(
        [("E0002", "date_basis", "inferred")], 3, "date_precision", "day",
        "date_basis is inferred: a day that was worked out, not read, is not day precision; "
        "use month (or year) precision and give the day in the notes", id="day-precision-with-an-inferred-day"),
    pytest.param(
        [("E0004", "date_basis", "disagree")], 5, "date_precision", "day",
        "date_basis is disagree: a day the sources disagree on is not day precision; "
        "use month (or year) precision and give the day in the notes", id="day-precision-with-a-disputed-day"),
    pytest.param(
        [("E0006", "date_basis", "stated")], 7, "date_basis", "stated",
        "stated means the sources give both days, but the row has month precision: use day precision, "
        "or code how the dates are known (inferred, disagree, partial)", id="stated-days-with-month-precision"),
    pytest.param(  # the schema's enum check reports it; the basis rules do not again
        [("E0002", "date_basis", "guessed")], 3, "date_basis", "guessed",
        "not one of the allowed values: stated, inferred, disagree, partial", id="unknown-date-basis-reported-once"),
    pytest.param(
        [("E0004", "visit_type_basis", "disagree")], 5, "visit_type", "state",
        "visit_type_basis is disagree: visit_type must be empty", id="visit-type-coded-where-sources-disagree"),
    pytest.param(
        [("E0006", "visit_type_basis", "stated")], 7, "visit_type", "",
        "visit_type_basis is stated: visit_type must be official or state or working",
        id="stated-visit-type-left-empty"),
    pytest.param(
        [("E0001", "visit_type_basis", "no_visit")], 2, "visit_type_basis", "no_visit",
        "an in-person engagement on the russia side's territory is a visit: "
        "code whether the sources state its category (stated, disagree, unstated)", id="no-visit-basis-for-a-visit"),
    pytest.param(  # the case of E0105 before 0.6.0: a call with an empty visit type
        [("E0005", "visit_type", ""), ("E0005", "visit_type_basis", "unstated")], 6, "visit_type_basis", "unstated",
        "a phone engagement is not a bilateral visit: use no_visit", id="phone-call-coded-as-an-undocumented-visit"),
    pytest.param(
        [("E0003", "visit_type", ""), ("E0003", "visit_type_basis", "disagree")], 4, "visit_type_basis", "disagree",
        "a meeting in a third country is not a bilateral visit: use no_visit",
        id="third-country-meeting-with-a-visit-basis"),
    pytest.param(
        [("E0005", "visit_type", "")], 6, "visit_type", "", "visit_type_basis is no_visit: visit_type must be none",
        id="no-visit-basis-needs-visit-type-none"),
    pytest.param(
        [("E0004", "trip_id", "T0001"), ("E0004", "visit_type", ""), ("E0004", "visit_type_basis", "disagree")],
        3, "visit_type", "state",
        "another row of trip T0001 (line 5) records sources that disagree on the category: "
        "leave visit_type empty with visit_type_basis disagree", id="one-trip-stated-beside-disagreeing-sources"),
]


@pytest.mark.parametrize(("edits", "line", "column", "value", "reason"), BASIS_FAULTS)
def test_basis_rule_fires(fixture_copy, edits, line, column, value, reason):
    d = fixture_copy()
    for row, name, new in edits:
        d.set_cell(ENGAGEMENTS, row, name, new)
    assert problems_in(d.dir) == [cell(d.label(ENGAGEMENTS), line, column, value, reason)]


def test_one_trip_with_two_stated_categories(fixture_copy):
    d = fixture_copy()
    d.set_cell(ENGAGEMENTS, "E0004", "trip_id", "T0001")
    d.set_cell(ENGAGEMENTS, "E0004", "visit_type", "official")
    reason = "the rows of trip T0001 give different categories (official, state): one visit has one category"
    assert problems_in(d.dir) == [
        cell(d.label(ENGAGEMENTS), 3, "visit_type", "state", reason),
        cell(d.label(ENGAGEMENTS), 5, "visit_type", "official", reason)]


@pytest.mark.parametrize("edits", [
    pytest.param([("E0006", "date_basis", "inferred")], id="month-precision-with-an-inferred-day"),
    pytest.param([("E0004", "trip_id", "T0001"), ("E0004", "visit_type", ""),
                  ("E0004", "visit_type_basis", "unstated")], id="one-trip-stated-beside-silent-sources"),
])
def test_basis_rules_accept(fixture_copy, edits):
    d = fixture_copy()
    for row, name, new in edits:
        d.set_cell(ENGAGEMENTS, row, name, new)
    assert validate_dataset(d.dir) == MINIMAL_COUNTS

def test_host_side_inconsistent_with_country(fixture_copy):
    d = fixture_copy()
    d.set_cell(ENGAGEMENTS, "E0002", "host_side", "russia")
    assert problems_in(d.dir) == [
        cell(d.label(ENGAGEMENTS), 3, "host_side", "russia", "country CHN means host_side china")]


def test_third_country_coded_as_host(fixture_copy):
    d = fixture_copy()
    d.set_cell(ENGAGEMENTS, "E0003", "host_side", "china")
    assert problems_in(d.dir) == [
        cell(d.label(ENGAGEMENTS), 4, "host_side", "china", "country UZB means host_side third_country")]


def test_in_person_without_country(fixture_copy):
    d = fixture_copy()
    d.set_cell(ENGAGEMENTS, "E0004", "country", "")
    assert problems_in(d.dir) == [
        cell(d.label(ENGAGEMENTS), 5, "country", "", "an in-person engagement needs the country where it took place")]


def test_in_article_false_without_source_urls(fixture_copy):
    d = fixture_copy()
    d.set_cell(ENGAGEMENTS, "E0006", "source_urls", "")
    assert problems_in(d.dir) == [
        cell(d.label(ENGAGEMENTS), 7, "source_urls", "",
             "an engagement not in the article needs the URL of a source read")]


def test_in_article_false_with_a_subsection(fixture_copy):
    d = fixture_copy()
    d.set_cell(ENGAGEMENTS, "E0006", "article_subsection", "2.2")
    assert problems_in(d.dir) == [
        cell(d.label(ENGAGEMENTS), 7, "article_subsection", "2.2",
             "in_article is false: leave article_subsection empty (link it through errata)")]


def test_in_article_true_without_subsection(fixture_copy):
    d = fixture_copy()
    d.set_cell(ENGAGEMENTS, "E0003", "article_subsection", "")
    # E0003 also cites reference 6, which now has no subsection to belong to.
    assert problems_in(d.dir) == [
        cell(d.label(ENGAGEMENTS), 4, "article_refs", "6",
             "article reference numbers need the article_subsection they belong to"),
        cell(d.label(ENGAGEMENTS), 4, "article_subsection", "",
             "in_article is true: name the subsection that describes the engagement"),
    ]


def test_document_signed_outside_its_engagement(fixture_copy):
    d = fixture_copy()
    d.set_cell(DOCUMENTS, "D0001", "signed_date", "1957-11-22")
    assert problems_in(d.dir) == [
        cell(d.label(DOCUMENTS), 2, "signed_date", "1957-11-22",
             "outside the dates of engagement E0001 (1957-11-02 to 1957-11-21)")]


def test_document_without_any_source(fixture_copy):
    d = fixture_copy()
    d.set_cell(DOCUMENTS, "D0003", "source_urls", "")
    assert problems_in(d.dir) == [
        cell(d.label(DOCUMENTS), 4, "source_urls", "",
             "a document needs a source: the article subsection or a URL read")]


# Trade and announced counts. Fixture lines: trade.csv 1957 2, 2015/china_customs 3 (64.2 =
# 32.9 + 31.4 within rounding), 2015/russia_customs 4; announced_counts.csv M0001 2 (month), M0002 3.

CUSTOMS_2015 = {"year": "2015", "reporter": "china_customs"}


def test_trade_total_within_tolerance_of_the_flows_is_valid(fixture_copy):
    d = fixture_copy()
    # 64.2 vs 64.3 is 0.16 %; 65.2 vs 64.3 is 1.4 %: both within 1.5 %.
    d.set_cell(TRADE, CUSTOMS_2015, "total_usd_bn", "65.2")
    assert validate_dataset(d.dir) == MINIMAL_COUNTS


def test_trade_total_that_is_not_exports_plus_imports(fixture_copy):
    d = fixture_copy()
    d.set_cell(TRADE, CUSTOMS_2015, "total_usd_bn", "70.0")  # 8.9 % above 32.9 + 31.4
    assert problems_in(d.dir) == [
        cell(d.label(TRADE), 3, "total_usd_bn", "70.0", "differs from exports + imports (64.3)")]


def test_trade_flows_that_do_not_add_up_to_the_total(fixture_copy):
    d = fixture_copy()
    d.set_cell(TRADE, CUSTOMS_2015, "china_imports_usd_bn", "41.4")  # e.g. a mistyped flow
    assert problems_in(d.dir) == [
        cell(d.label(TRADE), 3, "total_usd_bn", "64.2", "differs from exports + imports (74.3)")]


def test_trade_total_with_one_flow_is_not_checked(fixture_copy):
    d = fixture_copy()
    d.set_cell(TRADE, CUSTOMS_2015, "china_imports_usd_bn", "")
    assert validate_dataset(d.dir) == MINIMAL_COUNTS


def test_trade_partner_ussr_after_1991(fixture_copy):
    d = fixture_copy()
    d.set_cell(TRADE, "1957", "year", "1992")
    assert problems_in(d.dir) == [
        cell(d.label(TRADE), 2, "partner_state", "USSR",
             "the USSR ceased to exist in 1991: the partner in 1992 is Russia")]


def test_trade_partner_ussr_in_1991_is_valid(fixture_copy):
    d = fixture_copy()
    d.set_cell(TRADE, "1957", "year", "1991")
    assert validate_dataset(d.dir) == MINIMAL_COUNTS


def test_trade_duplicate_year_and_reporter(fixture_copy):
    d = fixture_copy()
    d.set_cell(TRADE, {"year": "2015", "reporter": "russia_customs"}, "reporter", "china_customs")
    assert problems_in(d.dir) == [
        cell(d.label(TRADE), 4, "year+reporter", "2015|china_customs", "duplicate primary key (first at line 3)")]


def test_trade_unknown_reporter(fixture_copy):
    d = fixture_copy()
    d.set_cell(TRADE, "1957", "reporter", "cia")
    assert problems_in(d.dir) == [
        cell(d.label(TRADE), 2, "reporter", "cia", "not one of the allowed values: china_customs, "
             "china_official, russia_customs, russia_official, unattributed")]


def test_trade_year_after_this_year(fixture_copy):
    d = fixture_copy()
    d.set_cell(TRADE, "1957", "partner_state", "Russia")
    d.set_cell(TRADE, "1957", "year", "2031")
    assert problems_in(d.dir, today=date(2030, 6, 1)) == [
        cell(d.label(TRADE), 2, "year", "2031", "year is after this year (2030)")]


def test_announced_count_month_precision_not_on_the_first(fixture_copy):
    d = fixture_copy()
    d.set_cell(ANNOUNCED, "M0001", "date", "2016-06-24")
    assert problems_in(d.dir) == [
        cell(d.label(ANNOUNCED), 2, "date_precision", "month",
             "month precision needs the date on the 1st of the month (got 2016-06-24)")]


def test_announced_count_after_today(minimal_dir):
    label = "tests/fixtures/minimal/announced_counts.csv"
    problems = problems_in(minimal_dir, today=date(2019, 1, 1))
    assert cell(label, 3, "date", "2019-06-05", "date is after today (2019-01-01)") in problems


# ---------------------------------------------------------------------------------------
# All problems are listed, in order


def test_two_errors_in_one_file_are_both_reported(fixture_copy):
    d = fixture_copy()
    d.set_cell(ENGAGEMENTS, "E0005", "city", "Beijing")
    d.set_cell(ENGAGEMENTS, "E0002", "start_date", "2015-5-8")
    assert problems_in(d.dir) == [
        cell(d.label(ENGAGEMENTS), 3, "start_date", "2015-5-8", "not a date in the form YYYY-MM-DD"),
        cell(d.label(ENGAGEMENTS), 6, "city", "Beijing", "a phone engagement has no place: leave city empty"),
    ]


def test_errors_in_several_files_are_all_reported(fixture_copy):
    d = fixture_copy()
    d.delete(ERRATA)
    d.set_cell(PERSONS, "zhang_wei", "name", "")
    d.set_cell(DOCUMENTS, "D0001", "doc_type", "pact")
    assert problems_in(d.dir) == [
        cell(d.label(DOCUMENTS), 2, "doc_type", "pact",
             "not one of the allowed values: treaty, agreement, joint_statement, memorandum, contract"),
        f"{d.label(ERRATA)}: file not found",
        cell(d.label(PERSONS), 4, "name", "", "missing required value"),
    ]


def test_problem_formats_without_line_or_column():
    assert str(Problem("data/x.csv", None, None, None, "file not found")) == "data/x.csv: file not found"
    assert str(Problem("data/x.csv", 3, None, None, "blank line")) == "data/x.csv:3: blank line"
    assert str(Problem("data/x.csv", 3, "c", "v", "why")) == "data/x.csv:3: column 'c': value 'v' — why"


# ---------------------------------------------------------------------------------------
# Bounded reports: at most 20 problems of one kind per file are listed, the rest counted;
# after 1000 problems in one file the checker stops reading it. periods.csv has P0001 on line 2.


def _append_periods(d, rows: list[str]) -> None:
    d.write_text(PERIODS, d.read_text(PERIODS) + "".join(row + "\n" for row in rows))


def bad_date_periods(first: int, count: int) -> list[str]:
    return [f"P{n:04d},1960-13-01,1961-12-31,no_engagements,2.2,," for n in range(first, first + count)]


def test_at_most_20_problems_of_a_kind_per_file_are_listed(fixture_copy):
    d = fixture_copy()
    # 23 impossible dates (lines 3-25), then 2 unknown kinds (lines 26-27).
    _append_periods(d, [*bad_date_periods(2, 23), "P0025,1961-01-01,1961-12-31,gap,2.2,,",
                        "P0026,1962-01-01,1962-12-31,gap,2.2,,"])
    with pytest.raises(DataValidationError) as info:
        validate_dataset(d.dir)
    label = d.label(PERIODS)
    impossible = "impossible date (no such day in the calendar)"
    assert str(info.value).splitlines() == [
        f"25 problems in {d.dir}:",
        *[f"  {cell(label, line, 'start_date', '1960-13-01', impossible)}" for line in range(3, 23)],
        *[f"  {cell(label, line, 'kind', 'gap', 'not one of the allowed values: no_engagements')}"
          for line in (26, 27)],
        f"  … and 3 more type problems in {label}",
    ]
    assert len(info.value.problems) == 22 and info.value.total == 25 and info.value.complete


def test_a_file_with_1000_problems_is_not_read_further(fixture_copy):
    d = fixture_copy()
    # 1000 impossible dates on lines 3-1002; the 5 bad kinds after them are never read.
    _append_periods(d, bad_date_periods(2, 1000) + [f"P{n},1961-01-01,1961-12-31,gap,2.2,," for n in range(2000, 2005)])
    with pytest.raises(DataValidationError) as info:
        validate_dataset(d.dir)
    label = d.label(PERIODS)
    impossible = "impossible date (no such day in the calendar)"
    assert str(info.value).splitlines() == [
        f"at least 1000 problems in {d.dir}:",
        *[f"  {cell(label, line, 'start_date', '1960-13-01', impossible)}" for line in range(3, 23)],
        f"  {label}:1003: stopped checking this file after 1000 problems: "
        "line 1003 and the lines after it were not checked",
        f"  … and at least 980 more type problems in {label}",
    ]
    assert not info.value.complete


def test_problems_of_other_files_are_capped_separately(fixture_copy):
    d = fixture_copy()
    _append_periods(d, bad_date_periods(2, 21))          # 21 in periods.csv: one over the cap
    d.set_cell(PERSONS, "zhang_wei", "name", "")          # 1 in persons.csv: listed
    with pytest.raises(DataValidationError) as info:
        validate_dataset(d.dir)
    lines = str(info.value).splitlines()
    assert lines[0] == f"22 problems in {d.dir}:"
    assert lines[-2:] == [f"  … and 1 more type problems in {d.label(PERIODS)}",
                          f"  {cell(d.label(PERSONS), 4, 'name', '', 'missing required value')}"]
    assert len(lines) == 1 + 20 + 1 + 1


# ---------------------------------------------------------------------------------------
# A directory's own datapackage.json: checked first, then used for its tables.


def write_descriptor(d, change=None) -> dict:
    """Put the packaged descriptor, changed by ``change(descriptor)``, into the copy; return it."""
    descriptor = json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))
    if change is not None:
        change(descriptor)
    d.write_text("datapackage.json", json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n")
    return descriptor


def resource_of(descriptor: dict, name: str) -> dict:
    [resource] = [r for r in descriptor["resources"] if r["name"] == name]
    return resource


def field_of(descriptor: dict, resource: str, name: str) -> dict:
    [f] = [f for f in resource_of(descriptor, resource)["schema"]["fields"] if f["name"] == name]
    return f


def line_of(d, text: str, *, before: str | None = None) -> int:
    """The line of the copy's descriptor that is ``text`` (indentation aside); with ``before``, the
    last such line above the first line that is ``before``."""
    lines = [line.strip() for line in d.read_text("datapackage.json").splitlines()]
    end = lines.index(before) if before is not None else len(lines)
    return max(i for i, line in enumerate(lines[:end]) if line == text) + 1


def test_without_a_descriptor_the_packaged_contract_is_used_and_said(fixture_copy):
    d = fixture_copy()
    version = json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))["version"]
    result = check_dataset(d.dir)
    assert result.ok and result.contract.descriptor == paths.DATAPACKAGE
    assert result.note == (f"{d.dir} has no datapackage.json: checked against the packaged contract "
                           f"data/datapackage.json (version {version})")
    assert check_dataset().note is None      # the packaged data has its descriptor


def test_the_directorys_own_descriptor_is_applied(fixture_copy):
    d = fixture_copy()
    # A tighter contract than the packaged one: no name may start with 'P' (Pyotr Petrov, line 6).
    write_descriptor(d, lambda desc: field_of(desc, "persons", "name")["constraints"].update(pattern="^[^P].*$"))
    assert check_dataset(d.dir).note is None
    assert problems_in(d.dir) == [
        cell(d.label(PERSONS), 6, "name", "Pyotr Petrov", "does not match the pattern ^[^P].*$")]


def test_the_directorys_own_descriptor_can_move_a_table(fixture_copy):
    d = fixture_copy()
    write_descriptor(d, lambda desc: resource_of(desc, "persons").update(path="people.csv"))
    d.path(PERSONS).rename(d.path("people.csv"))
    assert validate_dataset(d.dir) == MINIMAL_COUNTS
    d.set_cell("people.csv", "zhang_wei", "name", "")
    assert problems_in(d.dir) == [cell(d.label("people.csv"), 4, "name", "", "missing required value")]


def test_broken_descriptor_is_reported_with_its_line_and_column(fixture_copy):
    d = fixture_copy()
    d.write_text("datapackage.json", "{")
    assert problems_in(d.dir) == [
        f"{d.label('datapackage.json')}:1: not valid JSON (column 2): Expecting property name enclosed in double quotes"]


def test_descriptor_without_a_resource_the_library_reads(fixture_copy):
    d = fixture_copy()
    write_descriptor(d, lambda desc: desc["resources"].remove(resource_of(desc, "claims")))
    resources = line_of(d, '"resources": [')
    assert problems_in(d.dir) == [
        f"{d.label('datapackage.json')}:{resources}: resource 'claims' is missing "
        "(the packaged contract data/datapackage.json has it, and the library reads it)"]


def test_descriptor_without_a_field_the_library_reads(fixture_copy):
    d = fixture_copy()

    def drop_mode(desc):
        resource_of(desc, "engagements")["schema"]["fields"].remove(field_of(desc, "engagements", "mode"))
    write_descriptor(d, drop_mode)
    [problem] = problems_in(d.dir)
    assert problem.endswith(": resource 'engagements': field 'mode' (string) is missing "
                            "(the packaged contract data/datapackage.json has it, and the library reads it)")


def test_descriptor_with_another_type_than_the_library_relies_on(fixture_copy):
    d = fixture_copy()
    write_descriptor(d, lambda desc: field_of(desc, "trade", "year").update(type="string", constraints={"required": True}))
    [problem] = problems_in(d.dir)
    assert problem.endswith(": resource 'trade', field 'year': type 'string', but the library relies on type "
                            "'integer' (packaged contract data/datapackage.json)")


def test_descriptor_with_a_code_the_library_does_not_know(fixture_copy):
    d = fixture_copy()
    write_descriptor(d, lambda desc: field_of(desc, "engagements", "mode")["constraints"]["enum"].append("letter"))
    enum = line_of(d, '"enum": [', before='"letter"')
    assert problems_in(d.dir) == [
        f"{d.label('datapackage.json')}:{enum}: resource 'engagements', "
        "field 'mode': enum values the library does not know: letter "
        "(packaged contract: in_person, phone, video, virtual_conference)"]


def test_descriptor_without_a_version(fixture_copy):
    d = fixture_copy()
    write_descriptor(d, lambda desc: desc.pop("version"))
    assert problems_in(d.dir) == [
        f"{d.label('datapackage.json')}:1: descriptor: no \"version\": the library reports the version of the "
        "data it reads (paper macros, provenance); add one, e.g. \"version\": \"1.0.0\""]


def test_descriptor_with_an_unsupported_feature(fixture_copy):
    d = fixture_copy()
    write_descriptor(d, lambda desc: resource_of(desc, "persons")["schema"].update(missingValues=["", "NA"]))
    [problem] = problems_in(d.dir)
    assert problem.endswith(": resource 'persons': missingValues ['', 'NA'] is not supported: "
                            "only [\"\"] (an empty cell is a missing value)")
