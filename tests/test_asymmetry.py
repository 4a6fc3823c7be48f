"""Tests for analysis.indicators.asymmetry: direction of travel, balance index, periods, first visits, economics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from indicator_fixtures import CHINA_A, RUSSIA_A, make_engagements, make_offices, rows_of_release_040

import analysis
from analysis.indicators.economy import compute_economic_asymmetry
from analysis.indicators.periods import PERIOD_LABELS, add_period, compute_periods
from analysis.indicators.travel import compute_balance_index, compute_direction_of_travel, compute_first_visits

T = pd.Timestamp


@pytest.fixture(scope="module")
def shipped():
    return analysis.load_dataset()


@pytest.fixture
def travel():
    return make_engagements([
        {"start_date": "1950-01-01", "host_side": "china"},
        {"start_date": "1955-01-01", "host_side": "china"},
        {"start_date": "1958-01-01", "host_side": "russia"},
        {"start_date": "2015-01-01", "host_side": "china"},
        {"start_date": "2016-01-01", "host_side": "third_country"},
        {"start_date": "2017-01-01", "host_side": "third_country"},
        {"start_date": "2021-01-01", "mode": "video"},  # host_side 'none'
    ])


# -- direction of travel and balance index -----------------------------------------------------

def test_direction_of_travel_overall(travel):
    before = travel.copy(deep=True)
    result = compute_direction_of_travel(travel)
    pd.testing.assert_frame_equal(travel, before)
    # 3 hosted in China, 1 in Russia -> B = (3 - 1) / (3 + 1) = 0.5; third country and remote excluded.
    assert result.to_dict("records") == [{
        "n_engagements": 7, "n_hosted_by_china": 3, "n_hosted_by_russia": 1, "n_third_country": 2,
        "n_remote": 1, "balance_index": pytest.approx(0.5)}]


def test_balance_index_by_period(travel):
    result = compute_balance_index(travel, by="period")
    assert result["period"].astype(str).tolist() == list(PERIOD_LABELS)
    # alliance: China 2 (1950, 1955), Russia 1 (1958) -> (2 - 1) / 3 = 1/3.
    # split, normalisation, post-Soviet: nothing -> NaN. Xi era: China 1 (2015) -> +1;
    # the third-country and video rows do not enter the index.
    assert result["n_hosted_by_china"].tolist() == [2, 0, 0, 0, 1]
    assert result["n_hosted_by_russia"].tolist() == [1, 0, 0, 0, 0]
    np.testing.assert_allclose(result["balance_index"], [1 / 3, np.nan, np.nan, np.nan, 1.0])


def test_balance_index_nan_without_bilateral_visits(travel):
    only_elsewhere = travel[travel["host_side"].isin(["third_country", "none"])]
    result = compute_balance_index(only_elsewhere)
    assert (result.loc[0, "n_hosted_by_china"], result.loc[0, "n_hosted_by_russia"]) == (0, 0)
    assert np.isnan(result.loc[0, "balance_index"])


def test_balance_index_only_russia_is_minus_one():
    engagements = make_engagements([{"start_date": "2000-01-01", "host_side": "russia"}] * 2)
    assert compute_balance_index(engagements)["balance_index"].item() == -1.0


def test_direction_validation(travel):
    bad = travel.astype({"host_side": "string"})
    bad.loc[0, "host_side"] = "moon"
    with pytest.raises(ValueError, match="unknown host_side 'moon'; allowed: 'china', 'russia'"):
        compute_direction_of_travel(bad)
    with pytest.raises(ValueError, match="add_pairing"):
        compute_balance_index(travel, by="pairing")


# -- periods ---------------------------------------------------------------------------------

def test_add_period_boundaries():
    engagements = make_engagements([{"start_date": d} for d in
                                    ("1949-10-01", "1959-12-31", "1960-01-01", "1989-05-15", "1991-12-25",
                                     "1992-01-01", "2012-12-31", "2013-01-01", "2025-05-07")])
    before = engagements.copy(deep=True)
    result = add_period(engagements)
    pd.testing.assert_frame_equal(engagements, before)
    assert result["period"].astype(str).tolist() == [
        "1949–1959 alliance", "1949–1959 alliance", "1960–1988 split", "1989–1991 normalisation",
        "1989–1991 normalisation", "1992–2012 post-Soviet partnership", "1992–2012 post-Soviet partnership",
        "2013– Xi era", "2013– Xi era"]
    assert result["period"].cat.ordered


def test_add_period_custom_breaks():
    engagements = make_engagements([{"start_date": d} for d in ("1999-01-01", "2005-06-01", "2011-01-01")])
    result = add_period(engagements, breaks=[2000, 2010])
    # Before the first break -> NA; generated labels.
    assert result["period"].isna().tolist() == [True, False, False]
    assert list(result["period"].cat.categories) == ["2000–2009", "2010–"]
    assert result["period"].astype(str).tolist()[1:] == ["2000–2009", "2010–"]


def test_add_period_validation(travel):
    with pytest.raises(ValueError, match="strictly increasing"):
        add_period(travel, breaks=[2000, 2000])
    with pytest.raises(ValueError, match="2 labels for 3 breaks"):
        add_period(travel, breaks=[1949, 1960, 1990], labels=["a", "b"])
    with pytest.raises(ValueError, match="integer years"):
        add_period(travel, breaks=["1949"])
    with pytest.raises(ValueError, match="breaks is empty"):
        add_period(travel, breaks=[])


def test_compute_periods(travel):
    result = compute_periods(travel)
    assert result["start_year"].tolist() == [1949, 1960, 1989, 1992, 2013]
    assert result["end_year"].tolist()[:4] == [1959, 1988, 1991, 2012]
    assert pd.isna(result["end_year"].iloc[4])
    # 1950, 1955, 1958 -> alliance; 2015, 2016, 2017, 2021 -> Xi era.
    assert result["n_engagements"].tolist() == [3, 0, 0, 0, 4]


# -- first visits ------------------------------------------------------------------------------

def test_first_visits():
    offices = make_offices([
        (CHINA_A, "head_of_state", "PRC", "2013-03-14", None),
        (CHINA_A, "foreign_minister", "PRC", "2005-01-01", "2008-01-01"),  # not a leader office
        (RUSSIA_A, "head_of_state", "Russia", "2012-05-07", None),
        (RUSSIA_A, "head_of_state", "Russia", "2000-01-01", "2004-12-31"),  # no visit in that term
    ])
    engagements = make_engagements([
        {"start_date": "2013-03-10", "host_side": "russia", "country": "RUS"},  # before the term
        {"start_date": "2013-04-01", "mode": "phone"},  # remote, not a visit
        {"start_date": "2013-03-22", "host_side": "russia"},  # Chinese principal in Russia
        {"start_date": "2013-05-01", "host_side": "china"},  # Russian principal in China
        {"start_date": "2013-06-01", "host_side": "third_country"},
        {"start_date": "2014-01-01", "host_side": "russia"},  # a later visit
    ])
    before_e, before_o = engagements.copy(deep=True), offices.copy(deep=True)
    result = compute_first_visits(engagements, offices)
    pd.testing.assert_frame_equal(engagements, before_e)
    pd.testing.assert_frame_equal(offices, before_o)
    assert result["person_id"].tolist() == [RUSSIA_A, RUSSIA_A, CHINA_A]  # leader terms by start
    assert result["first_visit_id"].isna().tolist() == [True, False, False]
    # Russia 2012 term: 2012-05-07 -> 2013-05-01 = 365 - 6 = 359 days (E0004).
    # China 2013 term: 2013-03-14 -> 2013-03-22 = 8 days (E0003; E0001 predates the term).
    assert result["first_visit_id"].tolist()[1:] == ["E0004", "E0003"]
    assert result["days_since_taking_office"].tolist()[1:] == [359, 8]
    assert pd.isna(result["days_since_taking_office"].iloc[0])
    minister_terms = compute_first_visits(engagements, offices, levels="minister")
    assert minister_terms["office"].tolist() == ["foreign_minister"]
    with pytest.raises(ValueError, match="unknown level 'tsar' in levels"):
        compute_first_visits(engagements, offices, levels=["tsar"])


def test_shipped_first_visits(shipped):
    result = compute_first_visits(rows_of_release_040(shipped.engagements), shipped.offices)
    key = result.set_index(["person_id", "office", "term_start"])
    # Xi president from 2013-03-14; state visit to Moscow E0023 from 2013-03-22: 8 days.
    xi = key.loc[("xi_jinping", "head_of_state", T("2013-03-14"))]
    assert (xi["first_visit_id"], xi["days_since_taking_office"]) == ("E0023", 8)
    # Medvedev president from 2008-05-07; Beijing E0019 from 2008-05-23: 16 days.
    medvedev = key.loc[("medvedev_dmitry", "head_of_state", T("2008-05-07"))]
    assert (medvedev["first_visit_id"], medvedev["days_since_taking_office"]) == ("E0019", 16)
    # Mao, PRC chairman from 1949-10-01; arrives in Moscow 1949-12-16: 76 days.
    mao = key.loc[("mao_zedong", "head_of_state", T("1949-10-01"))]
    assert (mao["first_visit_id"], mao["days_since_taking_office"]) == ("E0001", 76)
    # Stalin never visited China in the data.
    assert result.loc[result["person_id"] == "stalin_joseph", "first_visit_id"].isna().all()


def test_shipped_direction_of_travel(shipped):
    result = compute_direction_of_travel(rows_of_release_040(shipped.engagements))
    # Counted from the host_side column of data/engagements.csv: china 24 (E0002-E0004,
    # E0006-E0009, E0011, E0013, E0017, E0019, E0020, E0022, E0025, E0028, E0030, E0034,
    # E0037, E0046-E0049, E0055, E0056), russia 19, third country 7, remote 8 (sum 58) in the
    # article-based rows; the Xi–Putin rows of 0.3.0 (E0059-E0103) add china 8 (E0064, E0066,
    # E0070, E0073, E0075, E0083, E0101, E0103), russia 4 (E0059, E0065, E0081, E0097), third
    # country 15 and remote 18 (14 phone, 4 video): 32, 23, 22, 26 (sum 103).
    assert result.loc[0, ["n_hosted_by_china", "n_hosted_by_russia", "n_third_country", "n_remote"]].tolist() == [
        32, 23, 22, 26]
    assert result.loc[0, "balance_index"] == pytest.approx(9 / 55)  # (32 - 23) / (32 + 23)
    by_period = compute_balance_index(rows_of_release_040(shipped.engagements), by="period")
    # Alliance: Mao in Moscow (E0001) vs Khrushchev thrice in Beijing -> (3 - 1) / 4 = 0.5.
    # 1989-1991: Gorbachev in Beijing, Jiang in Moscow -> 0. 1992-2012: 6 and 6 -> 0.
    # 2013-: 11 + 8 in China, 10 + 4 in Russia -> 5/33.
    np.testing.assert_allclose(by_period["balance_index"], [0.5, 0.5, 0.0, 0.0, 5 / 33])


# -- economic asymmetry -------------------------------------------------------------------------

@pytest.fixture
def trade():
    return pd.DataFrame({
        "year": [2021, 2020],
        "reporter": ["CHN", "CHN"],
        "total_usd_bn": [np.nan, 100.0],
        "china_exports_usd_bn": [50.0, 60.0],
        "china_imports_usd_bn": [70.0, 40.0],
    })


@pytest.fixture
def gdp():
    return pd.DataFrame({
        "year": [2020, 2020, 2021, 2021, 2020],
        "country": ["CHN", "RUS", "CHN", "RUS", "USA"],
        "gdp_usd_bn": [1000.0, 100.0, 1200.0, 150.0, 2000.0],
        "total_trade_usd_bn": [500.0, 200.0, 600.0, 0.0, 900.0],
    })


def test_economic_asymmetry_trade_only(trade):
    before = trade.copy(deep=True)
    result = compute_economic_asymmetry(trade)
    pd.testing.assert_frame_equal(trade, before)
    # 2020: total 100, Russia's balance = imports 40 - exports 60 = -20 (Russian deficit).
    # 2021: total missing -> 50 + 70 = 120; balance 70 - 50 = +20 (Russian surplus).
    assert result["year"].tolist() == [2020, 2021]
    assert result["bilateral_total_usd_bn"].tolist() == [100.0, 120.0]
    assert result["russia_balance_usd_bn"].tolist() == [-20.0, 20.0]
    assert "gdp_ratio" not in result.columns


def test_economic_asymmetry_with_gdp(trade, gdp):
    before = gdp.copy(deep=True)
    result = compute_economic_asymmetry(trade, gdp)
    pd.testing.assert_frame_equal(gdp, before)
    # 2020: 100 / 500 = 0.2 of China's trade, 100 / 200 = 0.5 of Russia's; GDP 1000 / 100 = 10.
    # 2021: 120 / 600 = 0.2; Russia's total trade 0 -> NaN; GDP 1200 / 150 = 8.
    np.testing.assert_allclose(result["china_trade_dependence"], [0.2, 0.2])
    np.testing.assert_allclose(result["russia_trade_dependence"], [0.5, np.nan])
    np.testing.assert_allclose(result["gdp_ratio"], [10.0, 8.0])


def test_economic_asymmetry_validation(trade, gdp):
    mixed = pd.concat([trade, trade.assign(reporter="RUS", total_usd_bn=99.0)], ignore_index=True)
    with pytest.raises(ValueError, match=r"several rows for .*pass reporter= one of 'CHN', 'RUS'"):
        compute_economic_asymmetry(mixed)
    chosen = compute_economic_asymmetry(mixed, reporter="RUS")
    assert chosen["bilateral_total_usd_bn"].tolist() == [99.0, 99.0]
    with pytest.raises(ValueError, match="unknown reporter 'UN'"):
        compute_economic_asymmetry(trade, reporter="UN")
    with pytest.raises(ValueError, match="russia_country 'Russia' is not in gdp"):
        compute_economic_asymmetry(trade, gdp, russia_country="Russia")
    with pytest.raises(ValueError, match=r"trade lacks column\(s\) 'china_imports_usd_bn'"):
        compute_economic_asymmetry(trade.drop(columns="china_imports_usd_bn"))
    with pytest.raises(ValueError, match="gdp has several rows"):
        compute_economic_asymmetry(trade, pd.concat([gdp, gdp.iloc[[0]]]))


def test_economic_asymmetry_accepts_the_old_column_names_with_a_warning(trade):
    old = trade.rename(columns={"total_usd_bn": "total_usd", "china_exports_usd_bn": "china_exports_usd",
                                "china_imports_usd_bn": "china_imports_usd"})
    with pytest.warns(DeprecationWarning, match="deprecated"):
        result = compute_economic_asymmetry(old)
    assert result["bilateral_total_usd_bn"].tolist() == [100.0, 120.0]


# ---------------------------------------------------------------------------------------
# compute_trade_series: one figure per year by reporter preference. Worked by hand below.

@pytest.fixture
def reporters_trade():
    return pd.DataFrame({
        "year": [2000, 2000, 2001, 2002, 2003, 2003, 2004],
        "reporter": ["china_customs", "china_official", "china_official", "unattributed",
                     "china_customs", "china_official", "china_customs"],
        "total_usd_bn": [8.0, 8.1, 10.0, 12.0, np.nan, 14.9, 20.0],
        "china_exports_usd_bn": [np.nan, np.nan, 4.0, np.nan, 7.0, np.nan, 9.0],
        "china_imports_usd_bn": [np.nan, np.nan, 6.0, np.nan, 8.0, np.nan, 11.0],
        "conversion": ["", "", "", "", "", "", "124 / 6.2 = 20.0"],
        "source_url": [f"https://example.org/{i}" for i in range(7)],
    })


def test_trade_series_takes_each_year_from_the_first_reporter_that_has_it(reporters_trade):
    before = reporters_trade.copy(deep=True)
    s = analysis.compute_trade_series(reporters_trade, start_year=2000, end_year=2004)
    pd.testing.assert_frame_equal(reporters_trade, before)
    # 2000: customs (8.0) before the official 8.1. 2001: only the official figure, with its flows
    # 4 and 6 (Russia's balance 6 - 4 = +2). 2002: only an unattributed figure, not in the
    # preference: a gap. 2003: customs gives flows only, 7 + 8 = 15 (not the official 14.9);
    # balance 8 - 7 = +1. 2004: customs, converted from another currency.
    assert s["year"].tolist() == [2000, 2001, 2002, 2003, 2004]
    assert s["reporter"].tolist() == ["china_customs", "china_official", "", "china_customs", "china_customs"]
    np.testing.assert_allclose(s["total_usd_bn"], [8.0, 10.0, np.nan, 15.0, 20.0])
    np.testing.assert_allclose(s["russia_balance_usd_bn"], [np.nan, 2.0, np.nan, 1.0, 2.0])
    assert s["converted"].tolist() == [False, False, False, False, True]
    assert s["source_url"].tolist()[:2] == ["https://example.org/0", "https://example.org/2"]


def test_trade_series_never_mixes_a_total_with_another_reporters_flows(reporters_trade):
    # 2000's customs row has no flows: the official row's (absent) flows are not borrowed, and
    # with flows added to the official 2000 row they are still not used, since customs has the year.
    trade = reporters_trade.copy()
    trade.loc[1, ["china_exports_usd_bn", "china_imports_usd_bn"]] = [3.0, 5.1]
    s = analysis.compute_trade_series(trade, start_year=2000, end_year=2000)
    assert s["reporter"].tolist() == ["china_customs"]
    assert np.isnan(s.loc[0, "china_exports_usd_bn"]) and np.isnan(s.loc[0, "russia_balance_usd_bn"])


def test_trade_series_of_one_reporter_and_default_years(reporters_trade):
    # china_official has 2000, 2001 and 2003: the default years run from its first to its last.
    s = analysis.compute_trade_series(reporters_trade, reporter="china_official")
    assert s["year"].tolist() == [2000, 2001, 2002, 2003]
    np.testing.assert_allclose(s["total_usd_bn"], [8.1, 10.0, np.nan, 14.9])


def test_trade_series_refuses_bad_arguments(reporters_trade):
    with pytest.raises(ValueError, match=r"unknown reporter\(s\) 'china_custom'"):
        analysis.compute_trade_series(reporters_trade, reporter=["china_custom", "china_official"])
    with pytest.raises(ValueError, match="reporter is empty"):
        analysis.compute_trade_series(reporters_trade, reporter=[])
    with pytest.raises(ValueError, match="several rows"):
        analysis.compute_trade_series(pd.concat([reporters_trade, reporters_trade.iloc[[0]]]))
    # A known reporter code the table lacks is not an error: it has nothing to give.
    s = analysis.compute_trade_series(reporters_trade, reporter=["russia_customs", "china_customs"])
    assert s["reporter"].tolist() == ["china_customs", "", "", "china_customs", "china_customs"]


def test_economic_asymmetry_with_reporters_in_order_of_preference(reporters_trade):
    result = compute_economic_asymmetry(reporters_trade, reporter=["china_customs", "china_official"])
    # The years the series has (2002 has neither reporter), with the reporter used.
    assert result["year"].tolist() == [2000, 2001, 2003, 2004]
    assert result["reporter"].tolist() == ["china_customs", "china_official", "china_customs", "china_customs"]
    assert result["bilateral_total_usd_bn"].tolist() == [8.0, 10.0, 15.0, 20.0]


def test_shipped_china_side_series_1992_2025(shipped):
    trade, _ = analysis.prepare_economic_inputs(shipped.trade)
    s = analysis.compute_trade_series(shipped.trade, start_year=1992, end_year=2025).set_index("year")
    # Hand-checked against trade.csv: 2015 is customs' yuan release at the 2015 average rate;
    # 2013 has no customs row, so the Chinese diplomat's 89.21 stands; 2006 is MOFCOM's 33.39.
    assert s.loc[2015, "reporter"] == "china_customs" and s.loc[2015, "converted"]
    assert (s.loc[2013, "reporter"], s.loc[2013, "total_usd_bn"]) == ("china_official", 89.21)
    assert (s.loc[2006, "reporter"], s.loc[2006, "total_usd_bn"]) == ("china_official", 33.39)
    # No reporter is averaged: every value is one row's.
    for year, row in s[s["reporter"] != ""].iterrows():
        source = trade[(trade["year"] == year) & (trade["reporter"] == row["reporter"])]
        assert len(source) == 1
