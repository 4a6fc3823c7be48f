"""The claims ledger: declarative specifications evaluated against hand-built fixtures."""

import pandas as pd
import pytest

import analysis as bp
from analysis.indicators.claims import compute_claims_ledger, compute_reported_vs_official
from analysis.pipeline.cli import main

T = pd.Timestamp


def engagements():
    # A and B meet in person 2015-05-08 (trip T1, with a second meeting that day), by video
    # 2016-01-10 and by phone 2017-02-02; A travels to B's side on 2015-05-08 and 2018-03-03.
    return pd.DataFrame({
        "engagement_id": ["E1", "E2", "E3", "E4", "E5"],
        "trip_id": ["T1", "T1", None, None, None],
        "start_date": [T("2015-05-08"), T("2015-05-08"), T("2016-01-10"), T("2017-02-02"), T("2018-03-03")],
        "china_person_id": ["a", "a", "a", "a", "a"],
        "russia_person_id": ["b", "c", "b", "b", "b"],
        "mode": ["in_person", "in_person", "video", "phone", "in_person"],
        "host_side": ["russia", "russia", "none", "none", "russia"],
    })


def claim(**kwargs):
    base = {"claim_id": "C1", "article_section": "2.1", "claim": "c", "figure_id": None, "article_value": None,
                "qualifier": "exact", "check": "count", "china_person_id": None, "russia_person_id": None, "modes": None,
                "host_side": None, "from_date": pd.NaT, "to_date": pd.NaT, "engagement_id": None, "distinct": "engagements",
                "year": None, "reporters": None, "tolerance_pct": None, "reason": None, "notes": None}
    base.update(kwargs)
    return base


def ledger(*claims, trade=None):
    return compute_claims_ledger(pd.DataFrame(list(claims)), engagements(), trade).set_index("claim_id")


def test_count_under_a_counting_rule():
    # a-b in person or video since 2015: E1, E3, E5 = 3; with phone: 4
    result = ledger(claim(claim_id="C1", article_value=3, china_person_id="a", russia_person_id="b",
                          modes="in_person;video", from_date=T("2015-01-01")),
                    claim(claim_id="C2", article_value=3, qualifier="over", china_person_id="a",
                          russia_person_id="b", modes="in_person;video;phone", from_date=T("2015-01-01")),
                    claim(claim_id="C3", article_value=4, qualifier="over", china_person_id="a",
                          russia_person_id="b", from_date=T("2015-01-01")))
    assert result.loc["C1", ["data_value", "status"]].tolist() == ["3", "consistent"]
    assert result.loc["C2", ["data_value", "status"]].tolist() == ["4", "consistent"]     # 4 > 3
    assert result.loc["C3", ["data_value", "status"]].tolist() == ["4", "inconsistent"]   # 4 is not over 4
    assert "E1, E3, E4, E5" in result.loc["C3", "explanation"]


def test_visits_counted_as_trips_and_ordinals():
    # A's trips to B's side: T1 (E1+E2) and E5 -> 2 trips; E5 is the 2nd trip, the 3rd engagement
    trips = {"china_person_id": "a", "modes": "in_person", "host_side": "russia", "from_date": T("2015-01-01")}
    result = ledger(claim(claim_id="C1", article_value=2, distinct="trips", **trips),
                    claim(claim_id="C2", check="ordinal", article_value=2, engagement_id="E5", distinct="trips", **trips),
                    claim(claim_id="C3", check="ordinal", article_value=2, engagement_id="E5", **trips))
    assert result.loc["C1", "data_value"] == "2" and result.loc["C1", "status"] == "consistent"
    assert result.loc["C2", ["data_value", "status"]].tolist() == ["2", "consistent"]
    assert result.loc["C3", ["data_value", "status"]].tolist() == ["3", "inconsistent"]


def test_no_engagements_in_a_period():
    result = ledger(claim(article_value=0, from_date=T("2016-06-01"), to_date=T("2016-12-31")),
                    claim(claim_id="C2", article_value=0, from_date=T("2016-01-01"), to_date=T("2016-12-31")))
    assert result.loc["C1", "status"] == "consistent" and result.loc["C2", "status"] == "inconsistent"


def test_trade_claims_with_tolerance_and_reporter_preference():
    trade = pd.DataFrame({"year": [2024, 2024, 2011], "reporter": ["russia_official", "china_customs", "unattributed"],
                          "total_usd_bn": [240.0, 244.81, 80.0]})
    result = ledger(claim(claim_id="C1", check="trade", article_value=240, year=2024,
                          reporters="china_customs;russia_official", tolerance_pct=2.5),
                    claim(claim_id="C2", check="trade", article_value=240, year=2024,
                          reporters="china_customs", tolerance_pct=1.0),
                    claim(claim_id="C3", check="trade", article_value=83.5, year=2011,
                          reporters="china_customs;unattributed", tolerance_pct=2.5),
                    claim(claim_id="C4", check="target", article_value=200, year=2011, reporters="unattributed"),
                    claim(claim_id="C5", check="trade", article_value=1, year=1999, reporters="china_customs"),
                    trade=trade)
    # (240 - 244.81) / 244.81 = -1.96 %: within 2.5 %, not within 1 %; the customs figure is preferred
    assert result.loc["C1", ["official_value", "status"]].tolist() == ["244.81 (china_customs)", "consistent"]
    assert result.loc["C2", "status"] == "inconsistent"
    assert result.loc["C3", ["official_value", "status"]].tolist() == ["80 (unattributed)", "inconsistent"]  # +4.4 %
    assert result.loc["C4", "status"] == "not checkable" and "80 (unattributed)" in result.loc["C4", "explanation"]
    assert result.loc["C5", "status"] == "not checkable" and "No figure for 1999" in result.loc["C5", "explanation"]


def test_not_checkable_keeps_its_reason():
    result = ledger(claim(check="not_checkable", reason="No loan data."))
    assert result.loc["C1", ["status", "explanation"]].tolist() == ["not checkable", "No loan data."]


def test_reported_vs_official():
    reported = pd.DataFrame({"figure_id": ["F1", "F2"], "article_section": ["2", "2.16"],
                             "quantity": ["China-Russia trade"] * 2, "year": [2024, 2020],
                             "kind": ["actual", "target"], "value": [240.0, 200.0]})
    trade = pd.DataFrame({"year": [2024, 2020], "reporter": ["china_customs"] * 2, "total_usd_bn": [244.81, 107.76]})
    table = compute_reported_vs_official(reported, trade).set_index("figure_id")
    assert table.loc["F1", "difference_usd_bn"] == pytest.approx(-4.81)
    assert table.loc["F2", "difference_pct"] == pytest.approx((200 - 107.76) / 107.76 * 100)


def test_shipped_ledger_against_the_article():
    data = bp.load_dataset()
    result = compute_claims_ledger(data.claims, data.engagements, data.trade).set_index("claim_id")
    assert set(result["status"]) <= {"consistent", "inconsistent", "not checkable"}
    # "1960-1988: None": the record holds Liu Shaoqi with Khrushchev and Brezhnev in 1960 (E0122,
    # E0283), Zhou-Khrushchev 1961 (E0123), Zhou with Kosygin, Brezhnev and Mikoyan in 1964 (E0005,
    # E0124, E0125), Kosygin with Zhou, Mao and Liu in 1965 (E0006, E0007, E0284) and Zhou-Kosygin
    # in 1969 (E0008): 2 + 1 + 3 + 3 + 1 = 10
    no_meetings = data.claims.set_index("claim_id").query("article_section == '2.3'").index[0]
    assert result.loc[no_meetings, ["data_value", "status"]].tolist() == ["10", "inconsistent"]
    # "the 11th visit" (2.48): Xi's trips to Russia since March 2013 (see test_milestones: 11 by August 2025)
    eleventh = data.claims.set_index("claim_id").query("article_section == '2.48' and check == 'ordinal'").index[0]
    assert result.loc[eleventh, "status"] == "consistent"
    # 2024 trade: the article's $240 billion against China's customs 244.81
    trade_2024 = data.claims.set_index("claim_id").query("check == 'trade' and year == 2024").index[0]
    assert result.loc[trade_2024, "official_value"] == "244.81 (china_customs)"


def test_cli_prints_the_ledger_and_writes_it(tmp_path, capsys):
    assert main(["claims", "--output-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "| C0001 |" in out and "consistent" in out
    for name in ("claims_ledger", "errata"):
        for fmt in ("csv", "tex", "md"):
            assert (tmp_path / "tables" / f"{name}.{fmt}").exists()


@pytest.mark.parametrize(("data", "stated", "qualifier", "holds"), [
    (46, 45, "over", True), (45, 45, "over", False),
    (41, 45, "about", True), (40, 45, "about", False),      # within 10 % of 45 = 4.5
    (2, 1, "about", True), (3, 1, "about", False),           # at least within 1
    (45, 45, "exact", True), (44, 45, "exact", False),
])
def test_one_rule_for_qualifiers(data, stated, qualifier, holds):
    from analysis.indicators.common import qualifier_holds
    assert qualifier_holds(data, stated, qualifier) is holds
