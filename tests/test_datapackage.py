"""The Frictionless descriptor: valid for the reference tool, on the shipped data and the fixture,
and complete as documentation (descriptions, keys, licence, source, version)."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from frictionless import validate

from analysis import paths

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
