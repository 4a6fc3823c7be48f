"""Counting rules and announced counts, on a hand-built fixture and on the shipped record."""

import pandas as pd

import analysis as bp
from analysis.indicators.milestones import compare_announced_counts, compute_cumulative_by_rule, count_visits

T = pd.Timestamp


def engagements():
    # x-p: in person 2013-06-01, video 2014-01-01, phone 2014-02-01, in person 2014-03-01 (x in p's country)
    return pd.DataFrame({
        "engagement_id": ["E1", "E2", "E3", "E4"], "trip_id": [None] * 4,
        "start_date": [T("2013-06-01"), T("2014-01-01"), T("2014-02-01"), T("2014-03-01")],
        "china_person_id": ["x"] * 4, "russia_person_id": ["p"] * 4,
        "mode": ["in_person", "video", "phone", "in_person"],
        "host_side": ["china", "none", "none", "russia"],
    })


def test_cumulative_by_rule_hand_counts():
    table = compute_cumulative_by_rule(engagements(), china_person_id="x", russia_person_id="p")
    assert table["in_person"].tolist() == [1, 1, 1, 2]
    assert table["in_person_video"].tolist() == [1, 2, 2, 3]
    assert table["all_contacts"].tolist() == [1, 2, 3, 4]


def test_count_visits_by_side():
    assert count_visits(engagements(), person_id="x", side="china", until="2014-12-31") == 1   # E4 only
    assert count_visits(engagements(), person_id="p", side="russia", until="2014-12-31") == 1  # E1


def test_announced_counts_compared_under_the_side_rule():
    announced = pd.DataFrame({
        "milestone_id": ["M1", "M2", "M3", "M4"], "date": [T("2014-03-01"), T("2014-03-01"), T("2014-02-15"), T("2014-01-01")],
        "date_precision": ["day", "day", "day", "month"], "speaker": ["s"] * 4, "side": ["china", "russia", "other", "china"],
        "count_of": ["xi_putin_meetings"] * 3 + ["xi_visits_to_russia"], "scope": ["since_2013", "since_2013", "this_year", "since_2013"],
        "value": [3, 2, 2, 1], "qualifier": ["exact"] * 4, "counts_video": ["yes", "no", "unclear", "no"],
    })
    result = compare_announced_counts(engagements(), announced, china_person_id="x", russia_person_id="p").set_index("milestone_id")
    # M1 counts video: E1, E2, E4 = 3 -> matches; M2 in person only: E1, E4 = 2 -> matches
    assert result.loc["M1", ["rule", "data_value", "status"]].tolist() == ["in_person_video", 3, "matches"]
    assert result.loc["M2", ["rule", "data_value", "status"]].tolist() == ["in_person", 2, "matches"]
    # M3, this year to 15 Feb 2014, unclear -> in person + video: E2 = 1, announced 2 -> differs by -1
    assert result.loc["M3", ["data_value", "difference", "status"]].tolist() == [1, -1, "differs"]
    # M4: month precision, counted to 31 Jan 2014: no visit yet -> differs
    assert result.loc["M4", ["data_value", "status"]].tolist() == [0, "differs"]


def test_every_shipped_difference_is_explained_in_the_data():
    data = bp.load_dataset()
    result = compare_announced_counts(data.engagements, data.announced_counts)
    explained = data.announced_counts.set_index("milestone_id")["reconciliation"].fillna("")
    differs = result.loc[result["status"] == "differs", "milestone_id"]
    assert len(differs) > 0
    assert [m for m in differs if not explained[m].strip()] == []
    # and nothing is 'explained' that matches: reconciliations only where the data differ
    assert set(explained[explained.str.strip() != ""].index) == set(differs)


def test_xi_visits_to_russia_match_the_chinese_counts():
    data = bp.load_dataset()
    # Xi said 'my eighth visit' on 5 June 2019 and Chinese media 'the eleventh' in August 2025
    assert count_visits(data.engagements, person_id="xi_jinping", side="china", until="2019-06-05") == 8
    assert count_visits(data.engagements, person_id="xi_jinping", side="china", until="2025-08-31") == 11
