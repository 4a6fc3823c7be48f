"""The numbers the paper quotes (tables/macros.tex), checked against hand counts of the CSV files."""

from __future__ import annotations

import csv
import json
import re

import pytest

import analysis as bp
from analysis import paths
from analysis.exhibits.macros import compute_paper_numbers, render_macros, write_macros

# every universe, so the engagement counts below are plain row counts of engagements.csv
DEFAULTS = {"start_year": 1949, "end_year": 2025,
            "universes": ["leader", "head_of_government", "cross_level", "remote", "minister"],
            "levels": ["leader", "head_of_government", "minister"],
            "modes": ["in_person", "phone", "video", "virtual_conference"]}


def rows(name: str, data_dir=paths.DATA_DIR) -> list[dict]:
    with open(data_dir / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def numbers(**params) -> dict[str, str]:
    study = bp.prepare_study("test", **{**DEFAULTS, **params})
    table = compute_paper_numbers(study)
    return dict(zip(table["macro"], table["value"], strict=False))


def test_numbers_match_hand_counts_of_the_data():
    values = numbers()
    engagements = [r for r in rows("engagements.csv") if 1949 <= int(r["start_date"][:4]) <= 2025]
    assert values["TotalEngagements"] == str(len(engagements))
    assert values["EngagementsInArticle"] == str(sum(r["in_article"] == "true" for r in engagements))
    assert values["EngagementsFromRecord"] == str(sum(r["in_article"] == "false" for r in engagements))
    assert values["InPersonEngagements"] == str(sum(r["mode"] == "in_person" for r in engagements))
    pair = [r for r in engagements if (r["china_person_id"], r["russia_person_id"]) == ("xi_jinping", "putin_vladimir")]
    assert values["XiPutinEngagements"] == str(len(pair))
    assert values["XiPutinMeetings"] == str(sum(r["mode"] == "in_person" for r in pair))
    assert int(values["XiPutinMeetings"]) + int(values["XiPutinRemote"]) == len(pair)
    errata = [r for r in rows("errata.csv") if r["kind"] != "note"]     # a note is not an error of fact (X0030)
    assert len(errata) == len(rows("errata.csv")) - 1
    assert values["ErrataCount"] == str(len(errata))
    assert values["ErrataInternal"] == str(sum(r["kind"] == "internal" for r in errata))
    assert values["ErrataRecord"] == str(sum(r["kind"] == "record" for r in errata))
    customs = [r for r in rows("trade.csv") if r["year"] == "2024" and r["reporter"] == "china_customs"]
    assert values["TradeTwentyTwentyFour"] == f"{float(customs[0]['total_usd_bn']):.1f}"
    assert values["TradeYear"] == "2024"
    # The China-side series 1992-2025: per year, customs' row if it has a figure, else the Chinese
    # government's; a figure is a total or both flows.
    has_figure = {(int(r["year"]), r["reporter"]): r for r in rows("trade.csv")
                  if r["total_usd_bn"] or (r["china_exports_usd_bn"] and r["china_imports_usd_bn"])}
    chosen = {y: has_figure.get((y, "china_customs")) or has_figure.get((y, "china_official"))
              for y in range(1992, 2026)}
    chosen = {y: r for y, r in chosen.items() if r}
    assert (values["TradeSeriesFrom"], values["TradeSeriesTo"], values["TradeSeriesSpan"]) == ("1992", "2025", "34")
    assert values["TradeSeriesYears"] == str(len(chosen))
    assert values["TradeCustomsYears"] == str(sum(r["reporter"] == "china_customs" for r in chosen.values()))
    assert values["TradeSplitYears"] == str(sum(bool(r["china_exports_usd_bn"] and r["china_imports_usd_bn"])
                                                for r in chosen.values()))
    assert values["DatasetVersion"] == json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))["version"]
    assert values["FirstEngagementYear"] == str(min(int(r["start_date"][:4]) for r in engagements))


def test_numbers_follow_the_parameters():
    values = numbers(start_year=2013, modes=["in_person"])
    engagements = [r for r in rows("engagements.csv")
                   if 2013 <= int(r["start_date"][:4]) <= 2025 and r["mode"] == "in_person"]
    assert values["TotalEngagements"] == str(len(engagements)) and values["RemoteEngagements"] == "0"
    assert values["StudyStartYear"] == "2013" and values["FirstEngagementYear"] == "2013"


def test_missing_trade_value_is_not_invented(minimal_dir):
    values = numbers(data_dir=str(minimal_dir))
    assert values["TradeTwentyTwentyFour"] == "n/a"                       # the fixture has no 2024 row
    assert values["TotalEngagements"] == "6" and values["XiPutinEngagements"] == "0"


def test_rendered_macros_are_valid_latex_definitions(tmp_path):
    study = bp.prepare_study("test", **DEFAULTS, output_dir=str(tmp_path))
    path = write_macros(study)
    assert path == tmp_path / "tables" / "macros.tex" and path in study.written
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("%")]
    assert len(lines) == len(compute_paper_numbers(study))
    assert all(re.fullmatch(r"\\newcommand\{\\[A-Za-z]+\}\{[^{}]*\}% .+", line) for line in lines)


def test_bad_names_and_special_characters():
    import pandas as pd

    table = pd.DataFrame({"macro": ["Share"], "value": ["5% & more"], "description": ["x"]})
    assert "\\newcommand{\\Share}{5\\% \\& more}% x" in render_macros(table)
    for bad in (["Year2024"], ["Same", "Same"], ["with_underscore"]):
        with pytest.raises(ValueError, match="letters only"):
            render_macros(pd.DataFrame({"macro": bad, "value": ["1"] * len(bad), "description": ["x"] * len(bad)}))


@pytest.mark.notebook
def test_the_run_records_macros_tex_with_its_inputs(reproduced):
    entry = json.loads((reproduced / "tables" / "manifest.json").read_text(encoding="utf-8"))["outputs"]["tables/macros.tex"]
    assert entry["notebook"] == "notebooks/06_paper_numbers.ipynb" and entry["kind"] == "table"
    assert {"data/engagements.csv", "data/errata.csv", "data/trade.csv"} <= set(entry["inputs"])
    # the parameters the run recorded reproduce the file (the notebook's defaults, not DEFAULTS above)
    recorded = {k: v for k, v in entry["parameters"].items() if k in DEFAULTS}
    assert recorded["universes"] == ["leader", "head_of_government", "cross_level"]
    study = bp.prepare_study("06_paper_numbers", **recorded)
    assert (reproduced / "tables" / "macros.tex").read_text(encoding="utf-8") == \
        render_macros(compute_paper_numbers(study))
