"""CITATION.cff describes the software and the dataset, with the same versions and licences as
pyproject.toml and data/datapackage.json, and the article they derive from."""

import json
import tomllib

import yaml

from analysis import paths

ROOT = paths.PROJECT_ROOT
DOI = "10.30574/wjarr.2025.27.2.2937"


def cff() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def test_citation_file_agrees_with_the_project_and_the_data_package():
    citation = cff()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    package = json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0" and citation["type"] == "software"
    assert citation["version"] == project["version"] and citation["license"] == "MIT"
    assert all("name" in a or "family-names" in a for a in citation["authors"])
    data = next(r for r in citation["references"] if r["type"] == "data")
    assert data["version"] == package["version"]                             # bump both together
    assert data["license"] == package["licenses"][0]["name"] == "CC-BY-4.0"
    article = next(r for r in citation["references"] if r["type"] == "article")
    assert article["doi"] == DOI and article["authors"][0]["family-names"] == "Singh" and article["year"] == 2025


def test_licences_and_readme_point_at_them():
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    cite = readme[readme.index("## How to cite"):]
    assert "CITATION.cff" in cite and DOI in cite
    assert "](docs/report-screenshot.png)" in readme and (ROOT / "docs" / "report-screenshot.png").stat().st_size > 10_000
