"""Universes, coverage windows and the article's selection: synthetic cases worked by hand, and the
shipped record checked against hand-listed row ids."""

from __future__ import annotations

import pandas as pd
import pytest
from indicator_fixtures import make_coverage, make_engagements

import analysis
from analysis.codes import universe_of
from analysis.indicators.coverage import (
    add_universe,
    compute_complete_windows,
    compute_coverage_summary,
    filter_universes,
)
from analysis.indicators.selection import (
    add_setting,
    compute_article_selection,
    compute_era_rates,
    compute_headline_contrasts,
    compute_omitted_kinds,
)

T = pd.Timestamp


@pytest.fixture(scope="module")
def shipped():
    return analysis.load_dataset()


@pytest.mark.parametrize(("china", "russia", "mode", "expected"), [
    ("party_leader", "party_leader", "in_person", "leader"),
    ("military_commission_chair", "head_of_state", "in_person", "leader"),
    ("head_of_government", "head_of_government", "in_person", "head_of_government"),
    ("head_of_government", "head_of_government", "video", "head_of_government"),   # premiers' video meetings
    ("head_of_government", "head_of_government", "phone", "remote"),
    ("head_of_state", "head_of_government", "in_person", "cross_level"),
    ("head_of_state", "head_of_state", "phone", "remote"),
    ("head_of_state", "head_of_state", "video", "remote"),
    ("head_of_state", "security_council_secretary", "in_person", "minister"),
    ("foreign_minister", "foreign_minister", "phone", "minister"),
])
def test_universe_rule(china, russia, mode, expected):
    assert universe_of(china, russia, mode) == expected


def test_add_universe_is_a_new_frame_and_filter_selects():
    engagements = make_engagements([
        {"start_date": "2001-01-01"},
        {"start_date": "2002-01-01", "china_office": "head_of_government"},
        {"start_date": "2003-01-01", "mode": "phone"},
        {"start_date": "2004-01-01", "china_office": "foreign_minister", "russia_office": "foreign_minister"},
    ])
    labelled = add_universe(engagements)
    assert "universe" not in engagements.columns
    assert labelled["universe"].astype(str).tolist() == ["leader", "cross_level", "remote", "minister"]
    assert filter_universes(engagements, ["leader", "remote"])["engagement_id"].tolist() == ["E0001", "E0003"]
    with pytest.raises(ValueError, match="unknown universe 'kings'"):
        filter_universes(engagements, ["kings"])


def test_complete_windows_intersect_universes_and_the_years():
    coverage = make_coverage([("leader", "1949-10-01", "2020-12-31", "complete"),
                              ("cross_level", "1949-10-01", "1999-12-31", "partial"),
                              ("cross_level", "2000-01-01", "2020-12-31", "complete")])
    windows = compute_complete_windows(coverage, universes=["leader", "cross_level"], start_year=1995, end_year=2030)
    # leader complete 1949-10-01..2021-01-01, cross_level 2000-01-01..2021-01-01, years 1995-01-01..2031-01-01
    assert (windows["start"].tolist(), windows["end"].tolist()) == ([T("2000-01-01")], [T("2021-01-01")])
    assert windows["years"].round(4).tolist() == [round(7671 / 365.25, 4)]        # 21 years with 6 leap days
    assert compute_complete_windows(coverage, universes=["minister"]).empty          # never complete


def test_era_rates_and_headline_contrasts_synthetic():
    coverage = make_coverage([(u, "1949-10-01", "2020-12-31", "complete") for u in ("leader", "head_of_government",
                                                                                   "cross_level")])
    engagements = make_engagements([
        {"start_date": "1965-05-01", "in_article": False},
        {"start_date": "1995-05-01", "in_article": True},
        {"start_date": "2000-05-01", "in_article": False},
        {"start_date": "2014-05-01", "in_article": True},
        {"start_date": "2015-05-01", "in_article": True},
        {"start_date": "2016-05-01", "in_article": False, "mode": "phone"},      # remote: not counted
    ])
    era = compute_era_rates(engagements, coverage, end_year=2020)
    assert era["n_record"].tolist() == [0, 1, 0, 2, 2]
    assert era["n_in_article"].tolist() == [0, 0, 0, 1, 2]
    # 1992-2012: 1992-01-01..2013-01-01 = 7671 days; 2013-2020: 2013-01-01..2021-01-01 = 2922 days
    assert era["years"].round(4).tolist()[3:] == [round(7671 / 365.25, 4), round(2922 / 365.25, 4)]
    contrasts = compute_headline_contrasts(era).set_index("contrast")
    assert contrasts.loc["engagements 1960-1988"].tolist() == [1.0, 0.0]
    assert contrasts.loc["ratio of the rates, 2013- / 1992-2012", "record"] == pytest.approx(
        (2 / (2922 / 365.25)) / (2 / (7671 / 365.25)))


def test_setting_and_omitted_kinds_synthetic():
    engagements = make_engagements([
        {"start_date": "2001-01-01", "in_article": True},
        {"start_date": "2002-01-01", "forum": "SCO", "in_article": False},
        {"start_date": "2003-01-01", "mode": "phone", "in_article": False},
    ])
    assert add_setting(engagements)["setting"].astype(str).tolist() == ["bilateral_visit", "multilateral", "remote"]
    kinds = compute_omitted_kinds(engagements).set_index(["universe", "setting"])
    assert kinds.loc[("leader", "bilateral_visit"), "n_in_article"] == 1
    assert kinds.loc[("leader", "multilateral"), ["n_record", "n_in_article"]].tolist() == [1, 0]
    assert kinds.loc[("remote", "remote"), "share_described"] == 0


# --- the shipped record -----------------------------------------------------------------------------

def test_shipped_universes_of_hand_picked_rows(shipped):
    labelled = add_universe(shipped.engagements).set_index("engagement_id")["universe"].astype(str)
    # Zhou-Kosygin 1964; Mao receives Kosygin 1965; Liu Shaoqi (head of state) with Khrushchev 1960;
    # Xi-Putin by phone 2022 and by video 2021; Xi receives Shoigu 2025; Li Qiang-Mishustin, SCO 2024
    assert labelled[["E0005", "E0007", "E0122", "E0036", "E0032", "E0055", "E0051"]].tolist() == [
        "head_of_government", "cross_level", "leader", "remote", "remote", "minister", "head_of_government"]


def test_shipped_split_years_hold_eight_meetings(shipped):
    era = compute_era_rates(shipped.engagements, shipped.coverage, end_year=2025).set_index("period")
    # 1960-1988 in the complete meeting universes: Liu Shaoqi with Khrushchev and with Brezhnev in
    # Moscow 1960 (E0122, E0283), Zhou-Khrushchev 1961 (E0123), Zhou with Kosygin, Brezhnev and
    # Mikoyan in November 1964 (E0005, E0124, E0125), Kosygin in Beijing 1965 with Zhou, Mao and Liu
    # (E0006, E0007, E0284), Zhou-Kosygin at Beijing airport 1969 (E0008); the article describes none
    assert era.loc["1960–1988 split", ["n_record", "n_in_article"]].tolist() == [10, 0]


def test_shipped_coverage_holds_every_engagement_once(shipped):
    summary = compute_coverage_summary(shipped.engagements, shipped.coverage)
    assert summary["n_engagements"].sum() == len(shipped.engagements)
    assert set(summary["status"]) == {"complete", "partial", "sample"}


def test_shipped_selection_marks_partial_universes(shipped):
    table = compute_article_selection(shipped.engagements, shipped.coverage).set_index(["period", "universe"])
    assert table.loc[("2013– Xi era", "remote"), "status"] == "partial"
    assert table.loc[("2013– Xi era", "leader"), "status"] == "complete"
    # the article describes no premiers' meeting before 2013 (its 2.x subsections are leaders' summits)
    before = table.loc[["1949–1959 alliance", "1960–1988 split", "1989–1991 normalisation",
                        "1992–2012 post-Soviet partnership"]].xs("head_of_government", level="universe")
    assert before["n_in_article"].sum() == 0
