"""The Frictionless descriptor: valid for the reference tool, on the shipped data and the fixture,
and complete as documentation (descriptions, keys, licence, source, version)."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest
from frictionless import validate

from analysis import paths
from analysis.data.schema import DescriptorError, parse_package
from analysis.data.validate import check_dataset

# https://semver.org/#is-there-a-suggested-regular-expression-regex-to-check-a-semver-string
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)


@pytest.fixture(scope="module")
def descriptor() -> dict:
    return json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))


def frictionless_errors(report) -> list:
    """Every error of a frictionless report as [resource, row, field, type, note]."""
    return [[task.name, *error] for task in report.tasks
            for error in task.flatten(["rowNumber", "fieldName", "type", "note"])] + [
        [None, None, None, e.type, e.note] for e in report.errors]


@pytest.fixture
def fixture_package(tmp_path, minimal_dir):
    """The minimal fixture with the shipped descriptor next to it."""
    target = tmp_path / "package"
    shutil.copytree(minimal_dir, target)
    shutil.copy(paths.DATAPACKAGE, target / "datapackage.json")
    return target


def test_frictionless_validates_the_shipped_package():
    report = validate(str(paths.DATAPACKAGE))
    errors = frictionless_errors(report)
    print(errors)
    assert report.valid, errors
    assert len(report.tasks) == 15   # one task per resource: 15 tables since dataset 0.5.0


def test_frictionless_validates_the_fixture(fixture_package):
    report = validate(str(fixture_package / "datapackage.json"))
    errors = frictionless_errors(report)
    print(errors)
    assert report.valid, errors
    assert [task.name for task in report.tasks] == [
        "subsections", "persons", "offices", "leaders", "engagements", "coattendance", "coverage", "documents", "periods", "errata", "reported_figures",
        "trade", "economy", "announced_counts", "claims"]


def test_frictionless_rejects_a_broken_fixture(fixture_package):
    # The two tests above can fail: frictionless does check the rows against the descriptor.
    persons = fixture_package / "persons.csv"
    persons.write_text(persons.read_text(encoding="utf-8").replace(
        "zhang_wei,Zhang Wei,china,", "zhang_wei,Zhang Wei,chin,"), encoding="utf-8")
    report = validate(str(fixture_package / "datapackage.json"))
    assert not report.valid
    # Frictionless numbers rows, not physical lines: li_ming's two-line row is row 2.
    assert frictionless_errors(report) == [
        ["persons", 3, "side", "constraint-error", "constraint \"enum\" is \"['china', 'russia']\""]]


def test_every_field_has_a_description(descriptor):
    missing = [f"{r['name']}.{f['name']}" for r in descriptor["resources"]
               for f in r["schema"]["fields"] if not f.get("description", "").strip()]
    assert missing == []
    assert all(r["schema"]["fields"] for r in descriptor["resources"])


def test_every_resource_has_a_primary_key(descriptor):
    keys = {r["name"]: r["schema"].get("primaryKey") for r in descriptor["resources"]}
    assert keys == {
        "subsections": ["subsection"],
        "persons": ["person_id"],
        "offices": ["person_id", "office", "start_date"],
        "leaders": ["side", "start_date"],
        "engagements": ["engagement_id"],
        "coattendance": ["coattendance_id"],
        "coverage": ["universe", "start_date"],
        "documents": ["document_id"],
        "periods": ["period_id"],
        "errata": ["erratum_id"],
        "reported_figures": ["figure_id"],
        "trade": ["year", "reporter"],
        "economy": ["year", "country", "indicator"],
        "announced_counts": ["milestone_id"],
        "claims": ["claim_id"],
    }


def test_primary_key_fields_exist_and_are_required(descriptor):
    for resource in descriptor["resources"]:
        fields = {f["name"]: f for f in resource["schema"]["fields"]}
        for name in resource["schema"]["primaryKey"]:
            assert fields[name].get("constraints", {}).get("required") is True, f"{resource['name']}.{name}"


def test_licences_include_cc_by_4(descriptor):
    assert "CC-BY-4.0" in [licence["name"] for licence in descriptor["licenses"]]


def test_sources_cite_the_article_doi(descriptor):
    assert any("10.30574/wjarr.2025.27.2.2937" in source.get("path", "")
               for source in descriptor["sources"])


def test_version_is_semver(descriptor):
    assert SEMVER.match(descriptor["version"]), descriptor["version"]


@pytest.mark.parametrize(("version", "ok"), [("0.1.0", True), ("1.2.3-rc.1+build.5", True),
                                         ("0.1", False), ("v0.1.0", False), ("01.0.0", False)])
def test_semver_pattern_itself(version, ok):
    assert bool(SEMVER.match(version)) is ok


# ---------------------------------------------------------------------------------------
# Agreement with the reference implementation: on each schema-level fault, frictionless and
# our validator find the same bad rows and fields (ours may find more, never fewer).
# Rows as frictionless numbers them (header = row 1; li_ming's two-line row in persons.csv is
# row 2, so petrov_pyotr on line 6 is row 5).

def _append_duplicate_office(directory) -> None:
    path = directory / "offices.csv"
    text = path.read_text(encoding="utf-8")
    zhang_head_of_state = text.splitlines()[3]      # line 4: zhang_wei, head_of_state, 2013-03-14
    path.write_text(text + zhang_head_of_state.replace("President of", "Entered twice: President of") + "\n",
                    encoding="utf-8")


# (id, file, text to replace, replacement, {(resource, row, field or None)} frictionless reports)
FAULTS = [
    ("integer-type", "trade.csv", "1957,unattributed", "nineteen,unattributed", {("trade", 2, "year")}),
    ("number-type", "trade.csv", "Russia,64.2,32.9", "Russia,sixty,32.9", {("trade", 3, "total_usd_bn")}),
    ("boolean-type", "engagements.csv", "RUS,russia,true,2.3,7", "RUS,russia,yes,2.3,7",
     {("engagements", 5, "in_article")}),
    ("required", "persons.csv", "petrov_pyotr,Pyotr Petrov,", "petrov_pyotr,,", {("persons", 5, "name")}),
    ("enum", "errata.csv", "1964-11,medium,", "1964-11,Medium,", {("errata", 2, "confidence")}),
    ("pattern", "engagements.csv", "E0002,T0001,", "E0002,T1,", {("engagements", 3, "trip_id")}),
    ("unique-and-primary-key", "documents.csv", "D0003,E0002", "D0002,E0002",
     {("documents", 4, "document_id"), ("documents", 4, None)}),
    ("composite-primary-key", "offices.csv", None, _append_duplicate_office, {("offices", 7, None)}),
    ("foreign-key", "engagements.csv", "petrov_pyotr,head_of_state,Russia,in_person,state,stated,,,Moscow",
     "sidorov_sergei,head_of_state,Russia,in_person,state,stated,,,Moscow", {("engagements", 5, None)}),
    ("date-minimum", "engagements.csv", "E0001,,1957-11-02", "E0001,,1949-09-30", {("engagements", 2, "start_date")}),
    ("integer-maximum", "trade.csv", "1957,unattributed", "2101,unattributed", {("trade", 2, "year")}),
    ("number-minimum", "trade.csv", "Russia,68.0,", "Russia,-68.0,", {("trade", 4, "total_usd_bn")}),
    ("impossible-date", "engagements.csv", "E0005,,2020-04-16", "E0005,,2023-02-30",
     {("engagements", 6, "start_date")}),
    ("not-a-date", "engagements.csv", "E0002,T0001,2015-05-08", "E0002,T0001,8 May 2015",
     {("engagements", 3, "start_date")}),
    ("two-faults-after-a-multiline-cell", "persons.csv", "ivanov_ivan,Ivan Ivanov,russia,\npetrov_pyotr,Pyotr Petrov,",
     "ivanov_ivan,Ivan Ivanov,Russia,\npetrov_pyotr,,", {("persons", 4, "side"), ("persons", 5, "name")}),
]


def _row_of_line(path) -> dict[int, int]:
    """Physical line -> frictionless row number (the header is row 1)."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        mapping, start = {}, 1
        for row, _ in enumerate(reader, start=1):
            mapping.update(dict.fromkeys(range(start, reader.line_num + 1), row))
            start = reader.line_num + 1
    return mapping


def _ours(directory) -> set[tuple]:
    """Our problems as {(resource, row, field)} and {(resource, row, None)} for each bad row."""
    result = check_dataset(directory)
    assert result.contract is not None and result.contract.descriptor == directory / "datapackage.json"
    by_file = {str(directory / r.path): r.name for r in result.contract.package.resources}
    found = set()
    for problem in result.log.problems():
        if problem.file in by_file and problem.line is not None:
            resource = by_file[problem.file]
            row = _row_of_line(directory / Path(problem.file).name)[problem.line]
            found.add((resource, row, None))
            found |= {(resource, row, name) for name in (problem.column or "").split("+") if name}
    return found


@pytest.mark.parametrize(("name", "old", "new", "expected"), [f[1:] for f in FAULTS], ids=[f[0] for f in FAULTS])
def test_we_find_every_bad_row_and_field_frictionless_finds(fixture_package, name, old, new, expected):
    path = fixture_package / name
    if old is None:
        new(fixture_package)
    else:
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, old
        path.write_text(text.replace(old, new), encoding="utf-8")
    report = validate(str(fixture_package / "datapackage.json"))
    theirs = {(resource, row, field) for resource, row, field, _, _ in frictionless_errors(report)}
    assert theirs == expected                       # the fault is one frictionless sees, where we expect it
    ours = _ours(fixture_package)
    assert theirs - ours == set(), f"frictionless finds {theirs - ours}, we do not (we find {sorted(ours)})"


def test_we_find_more_than_frictionless_where_the_spec_is_lax(fixture_package):
    # frictionless reads dates with strptime, which accepts '2015-5-8'; the codebook (and we) require YYYY-MM-DD.
    path = fixture_package / "engagements.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("E0002,T0001,2015-05-08", "E0002,T0001,2015-5-8"),
                    encoding="utf-8")
    assert frictionless_errors(validate(str(fixture_package / "datapackage.json"))) == []
    assert ("engagements", 3, "start_date") in _ours(fixture_package)


def test_the_agreement_check_can_fail(fixture_package, monkeypatch):
    # A validator without its foreign-key check misses the row frictionless reports.
    import analysis.data.validate

    path = fixture_package / "engagements.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "petrov_pyotr,head_of_state,Russia,in_person,state,stated,,,Moscow",
        "sidorov_sergei,head_of_state,Russia,in_person,state,stated,,,Moscow"), encoding="utf-8")
    monkeypatch.setattr(analysis.data.validate, "check_foreign_keys", lambda tables, log: None)
    assert ("engagements", 5, None) not in _ours(fixture_package)


# ---------------------------------------------------------------------------------------
# Our reading of a descriptor is strict: not JSON, not a Data Package, or a feature we do not
# implement -> an error naming it, at its line. The small descriptor below, line by line:

SMALL = """{
  "name": "t",
  "version": "1.0.0",
  "resources": [
    {
      "name": "things",
      "path": "things.csv",
      "schema": {
        "fields": [
          {"name": "id", "type": "string", "constraints": {"required": true}},
          {"name": "when", "type": "date"}
        ],
        "primaryKey": ["id"]
      }
    }
  ]
}
"""
LABEL = "d/datapackage.json"
THINGS, ID, WHEN = "resource 'things'", "resource 'things', field 'id'", "resource 'things', field 'when'"


def descriptor_problems(text: str) -> list[str]:
    with pytest.raises(DescriptorError) as info:
        parse_package(text, LABEL)
    return [str(p) for p in info.value.problems]


def test_the_small_descriptor_is_read():
    package = parse_package(SMALL, LABEL)
    assert package.version == "1.0.0" and package.resource_names == ("things",)
    assert package.resource("things").field("when").type == "date"
    assert package.line_of("resources", 0, "schema", "fields", 1, "type") == 11
    assert package.line_of("resources", 0, "schema", "primaryKey") == 13


@pytest.mark.parametrize(("old", "new", "expected"), [
    ('{\n  "name"', '{\n  "name",', f'{LABEL}:2: not valid JSON (column 9): Expecting \':\' delimiter'),
    ('"version": "1.0.0",', '"version": "1.0.0",\n  "version": "2.0.0",',
     f"{LABEL}:4: not valid JSON (column 14): key 'version' appears twice in one object"),
    ('"type": "date"', '"type": "datetime"',
     f"{LABEL}:11: {WHEN}: type 'datetime' is not supported (supported: string, integer, number, boolean, date)"),
    ('"type": "date"', '"type": "dates"',
     f"{LABEL}:11: {WHEN}: type 'dates' is not a Table Schema type (supported: string, integer, number, boolean, date)"),
    ('"type": "date"}', '"type": "date", "format": "%d/%m/%Y"}',
     f"{LABEL}:11: {WHEN}: format '%d/%m/%Y' is not supported (only \"default\")"),
    ('{"required": true}', '{"required": true, "minLength": 2}',
     f"{LABEL}:10: {ID}: constraint 'minLength' is not supported "
     "(supported: required, unique, enum, pattern, minimum, maximum)"),
    ('{"required": true}', '{"required": true, "sorted": true}',
     f"{LABEL}:10: {ID}: constraint 'sorted' is not a Table Schema constraint "
     "(supported: required, unique, enum, pattern, minimum, maximum)"),
    ('{"required": true}', '{"required": "yes"}', f"{LABEL}:10: {ID}: constraint 'required' must be true or false"),
    ('"type": "string",', '"type": "string", "trueValues": ["yes"],',
     f"{LABEL}:10: {ID}: property 'trueValues' is not supported: it may change how values are read, "
     "and this validator does not implement it"),
    ('"type": "date"}', '"type": "date", "constraints": {"enum": ["2020-01-01"]}}',
     f"{LABEL}:11: {WHEN}: enum is supported on string fields only, as a non-empty list of strings"),
    ('"type": "date"}', '"type": "date", "constraints": {"minimum": "1949"}}',
     f"{LABEL}:11: {WHEN}: minimum '1949': not a date in the form YYYY-MM-DD"),
    ('{"required": true}', '{"pattern": "(["}',
     f"{LABEL}:10: {ID}: invalid pattern: unterminated character set at position 1"),
    ('"primaryKey": ["id"]', '"primaryKey": ["id"],\n        "missingValues": ["", "NA"]',
     f"{LABEL}:14: {THINGS}: missingValues ['', 'NA'] is not supported: only [\"\"] (an empty cell is a missing value)"),
    ('"primaryKey": ["id"]', '"primaryKey": ["key"]', f"{LABEL}:13: {THINGS}: primaryKey names 'key', which is not a field"),
    ('"primaryKey": ["id"]', '"primaryKey": ["id"],\n        "foreignKeys": [{"fields": "id", '
                             '"reference": {"resource": "others", "fields": "id"}}]',
     f"{LABEL}:14: {THINGS}: foreign key refers to resource 'others', which is not in the descriptor"),
    ('"primaryKey": ["id"]', '"primaryKey": ["id"],\n        "uniqueKeys": [["id", "when"]]',
     f"{LABEL}:14: {THINGS}: schema property 'uniqueKeys' is not supported"),
    ('{"name": "when", "type": "date"}', '{"name": "id", "type": "date"}', f"{LABEL}:11: {THINGS}: field 'id' appears twice"),
    ('"path": "things.csv",', '"path": "../things.csv",',
     f"{LABEL}:7: {THINGS}: path '../things.csv' must be relative to the descriptor, without '..' and not a URL"),
    ('"path": "things.csv",', '"path": "https://example.org/things.csv",',
     f"{LABEL}:7: {THINGS}: path 'https://example.org/things.csv' must be relative to the descriptor, "
     "without '..' and not a URL"),
    ('"path": "things.csv",', '"path": ["a.csv", "b.csv"],',
     f"{LABEL}:7: {THINGS}: needs a \"path\" to one CSV file (a string; multipart is not supported)"),
    ('"path": "things.csv",', '"path": "things.csv", "encoding": "latin-1",',
     f"{LABEL}:7: {THINGS}: encoding 'latin-1' is not supported (only 'utf-8')"),
    ('"path": "things.csv",', '"path": "things.csv", "dialect": {"header": false},',
     f"{LABEL}:7: {THINGS}: dialect header False is not supported"),
    ('"path": "things.csv",', '"path": "things.csv", "dialect": {"commentChar": "#"},',
     f"{LABEL}:7: {THINGS}: dialect commentChar '#' is not supported"),
    ('"path": "things.csv",', '"path": "things.csv", "data": [["id"], ["x"]],',
     f"{LABEL}:7: {THINGS}: property 'data' is not supported (e.g. inline data, compression, hash or bytes checks "
     "are not implemented)"),
    ('"fields": [', '"fieldz": [', f"{LABEL}:9: {THINGS}: schema property 'fieldz' is not supported"),
], ids=["json-syntax", "doubled-key", "type-unsupported", "type-unknown", "format", "constraint-unsupported",
        "constraint-unknown", "constraint-value", "field-property", "enum-on-date", "minimum-not-a-date",
        "pattern-invalid", "missing-values", "primary-key-field", "foreign-key-resource", "schema-property",
        "field-twice", "path-up", "path-url", "path-multipart", "encoding", "dialect-header", "dialect-comment",
        "inline-data", "schema-fields-misspelt"])
def test_descriptor_problem_is_named_at_its_line(old, new, expected):
    assert SMALL.count(old) == 1
    problems = descriptor_problems(SMALL.replace(old, new))
    assert expected in problems, problems


def test_a_misspelt_fields_key_also_says_fields_are_missing():
    assert descriptor_problems(SMALL.replace('"fields": [', '"fieldz": [')) == [
        f"{LABEL}:8: {THINGS}: schema needs a non-empty list of \"fields\"",     # at the schema, line 8
        f"{LABEL}:9: {THINGS}: schema property 'fieldz' is not supported",
    ]


@pytest.mark.parametrize(("text", "expected"), [
    ("{", f"{LABEL}:1: not valid JSON (column 2): Expecting property name enclosed in double quotes"),
    ("", f"{LABEL}:1: not valid JSON (column 1): Expecting value"),
    ("[]", f"{LABEL}:1: descriptor: must be a JSON object"),
    ('{"name": "t"}', f"{LABEL}:1: descriptor: needs a non-empty list of \"resources\""),
    ('{"resources": [{"path": "x.csv"}]}', f"{LABEL}:1: resources[0]: a resource needs a \"name\" of lower-case "
                                            "letters, digits, '.', '-' or '_'"),
])
def test_broken_descriptor(text, expected):
    assert descriptor_problems(text) == [expected]
