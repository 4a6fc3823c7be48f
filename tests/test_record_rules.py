"""The rules of the complete record, each shown to fire on a copy of the minimal fixture with one fault.

The fixture (tests/fixtures/minimal) is valid; each test changes one cell or adds one row, and
expects exactly the problem worked out by hand (file, line, column, value, message)."""

from __future__ import annotations

import csv
import shutil

import pytest

from analysis.data.validate import DataValidationError, validate_dataset


@pytest.fixture
def copy(tmp_path, minimal_dir):
    target = tmp_path / "data"
    shutil.copytree(minimal_dir, target)
    return target


def edit(path, key_column, key, column, value):
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0])
    hits = [r for r in rows if r[key_column] == key]
    assert len(hits) == 1
    hits[0][column] = value
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def problems(directory) -> list[str]:
    with pytest.raises(DataValidationError) as caught:
        validate_dataset(directory)
    return [str(p).replace(f"{directory}/", "") for p in caught.value.problems]


def test_the_fixture_is_valid(minimal_dir):
    assert validate_dataset(minimal_dir)["coverage"] == 6


def test_an_engagement_outside_every_coverage_row_of_its_universe(copy):
    # E0005 (2020-04-16, a phone call of the two heads of state: universe remote) is covered by
    # the remote row 2013-01-01..2020-12-31 (line 6); shortening it to 2019 leaves the call out
    edit(copy / "coverage.csv", "start_date", "2013-01-01", "end_date", "2019-12-31")
    assert problems(copy) == [
        "engagements.csv:6: column 'start_date': value '2020-04-16' — falls in no coverage.csv row of its universe 'remote'"]


def test_overlapping_coverage_rows(copy):
    edit(copy / "coverage.csv", "start_date", "2013-01-01", "start_date", "2012-06-01")
    assert problems(copy) == [
        "coverage.csv:6: column 'start_date': value '2012-06-01' — overlaps the previous remote row "
        "(to 2012-12-31): a period has one status"]


def test_leader_terms_of_one_side_may_not_overlap(copy):
    # Ivanov leads to 1965-12-31 (line 4); Petrov (line 5) is moved to start in 1965
    edit(copy / "leaders.csv", "person_id", "petrov_pyotr", "start_date", "1965-06-01")
    found = problems(copy)
    assert ("leaders.csv:5: column 'start_date': value '1965-06-01' — overlaps the previous russia term "
            "(to 1965-12-31); only a handover day may be shared") in found


def test_a_leader_must_hold_the_coded_office(copy):
    edit(copy / "leaders.csv", "person_id", "li_ming", "office", "head_of_state")
    assert problems(copy) == [
        "leaders.csv:2: column 'office': value 'head_of_state' — li_ming did not hold this office on 1950-01-01 "
        "(or the next day)"]


def test_a_coattendance_is_not_a_meeting_of_the_same_principals(copy):
    # move the co-attendance (line 2) onto the dates of E0003, 2016-06-23/24, city emptied
    edit(copy / "coattendance.csv", "coattendance_id", "A0001", "start_date", "2016-06-23")
    edit(copy / "coattendance.csv", "coattendance_id", "A0001", "end_date", "2016-06-24")
    edit(copy / "coattendance.csv", "coattendance_id", "A0001", "city", "")
    assert problems(copy) == [
        "coattendance.csv:2: column 'coattendance_id': value 'A0001' — the same principals met in these dates "
        "(E0003): a meeting, not a co-attendance"]


def test_a_converted_value_names_its_conversion(copy):
    # the fixture's trade rows are in US$; one is marked as published in yuan without a conversion
    with open(copy / "trade.csv", newline="", encoding="utf-8") as handle:
        first_year = next(csv.DictReader(handle))["year"]
    edit(copy / "trade.csv", "year", first_year, "unit", "rmb_bn")
    assert problems(copy) == [
        "trade.csv:2: column 'conversion': value '' — total_usd_bn is set but the value was published in rmb_bn: "
        "state the conversion (rate, its source, who converted) or leave total_usd_bn empty"]
