"""Tests for analysis.indicators.pairings: leaders, pairings, pairing labels and rates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from indicator_fixtures import (
    CHINA_A,
    CHINA_B,
    PERSONS,
    RUSSIA_A,
    RUSSIA_B,
    make_engagements,
    make_offices,
    make_persons,
)

import analysis
from analysis.indicators.pairings import add_pairing, compute_leaders, compute_pairing_rates, compute_pairings

T = pd.Timestamp
AS_OF = "2012-01-01"


@pytest.fixture(scope="module")
def shipped():
    return analysis.load_dataset()


@pytest.fixture
def offices():
    return make_offices([
        # Zhang leads China 2000-2010 as party leader; Li's presidency from 2008 ranks below
        # the party leadership, so Li leads only from his own party leadership (2010-01-01,
        # Zhang's recorded last day: on a handover day the successor counts).
        (CHINA_A, "party_leader", "PRC", "2000-01-01", "2010-01-01"),
        (CHINA_B, "head_of_state", "PRC", "2008-01-01", None),
        (CHINA_B, "party_leader", "PRC", "2010-01-01", None),
        # Petrov, then Sidorov, then Petrov again as president of Russia.
        (RUSSIA_A, "head_of_state", "Russia", "2001-01-01", "2005-01-01"),
        (RUSSIA_B, "head_of_state", "Russia", "2005-01-01", "2007-01-01"),
        (RUSSIA_A, "head_of_state", "Russia", "2007-01-01", None),
        # A foreign minister never leads.
        (RUSSIA_B, "foreign_minister", "Russia", "2007-01-01", None),
    ])


@pytest.fixture
def persons():
    return make_persons(PERSONS)


def test_compute_leaders_synthetic(offices, persons):
    before = offices.copy(deep=True)
    leaders = compute_leaders(offices, persons, as_of=AS_OF)
    pd.testing.assert_frame_equal(offices, before)
    assert list(leaders.columns) == ["side", "person_id", "name", "start", "end"]
    assert leaders[["side", "person_id"]].astype(str).values.tolist() == [
        ["china", CHINA_A], ["china", CHINA_B], ["russia", RUSSIA_A], ["russia", RUSSIA_B], ["russia", RUSSIA_A]]
    # Ends are exclusive: the first day no longer leader (successor's first day or as_of).
    assert leaders["start"].tolist() == [T("2000-01-01"), T("2010-01-01"), T("2001-01-01"),
                                         T("2005-01-01"), T("2007-01-01")]
    assert leaders["end"].tolist() == [T("2010-01-01"), T("2012-01-01"), T("2005-01-01"),
                                       T("2007-01-01"), T("2012-01-01")]
    assert leaders["name"].tolist() == ["Zhang San", "Li Si", "Ivan Petrov", "Oleg Sidorov", "Ivan Petrov"]


def test_compute_leaders_term_without_successor_ends_day_after(persons):
    # A recorded last day with nobody taking over: the interval ends (exclusive) the day after.
    offices = make_offices([(CHINA_A, "head_of_state", "PRC", "2000-01-01", "2000-12-31")])
    leaders = compute_leaders(offices, as_of="2005-01-01")
    assert leaders["end"].tolist() == [T("2001-01-01")]
    assert "name" not in leaders.columns


def test_compute_leaders_state_validity_and_precedence():
    offices = make_offices([
        # A Soviet party leader whose term runs past the end of the USSR is cut at 1991-12-25
        # (exclusive end 1991-12-26); the RSFSR/Russian president counts from 1991-12-26.
        ("gorin_boris", "party_leader", "USSR", "1985-03-01", "1992-06-30"),
        ("ruslanov_pavel", "head_of_state", "Russia", "1991-07-10", None),
        # PRC offices count from 1949-10-01 only.
        ("wu_ming", "party_leader", "PRC", "1943-01-01", None),
        # Russian precedence: head of state outranks party leader.
        ("kuzmin_yuri", "party_leader", "Russia", "1995-01-01", "1996-01-01"),
    ])
    leaders = compute_leaders(offices, as_of="2000-01-01")
    rows = {(r.person_id, r.start, r.end) for r in leaders.itertuples()}
    assert rows == {
        ("gorin_boris", T("1985-03-01"), T("1991-12-26")),
        ("ruslanov_pavel", T("1991-12-26"), T("2000-01-01")),
        ("wu_ming", T("1949-10-01"), T("2000-01-01")),
    }
    # With the party leader given precedence instead, Kuzmin leads Russia for 1995.
    swapped = compute_leaders(offices, as_of="2000-01-01",
                              precedence={"PRC": ("party_leader",), "USSR": ("party_leader",),
                                          "Russia": ("party_leader", "head_of_state")})
    russia = swapped[swapped["side"] == "russia"]
    assert russia["person_id"].tolist() == ["gorin_boris", "ruslanov_pavel", "kuzmin_yuri", "ruslanov_pavel"]
    assert russia["end"].tolist()[1:3] == [T("1995-01-01"), T("1996-01-02")]


def test_compute_leaders_validation(offices, persons):
    with pytest.raises(ValueError, match="as_of must be a date"):
        compute_leaders(offices, as_of="not a date")
    with pytest.raises(ValueError, match="unknown state 'Tsardom' in precedence"):
        compute_leaders(offices, precedence={"Tsardom": ("head_of_state",)})
    with pytest.raises(ValueError, match=r"unknown office 'tsar' in precedence\['Russia'\]"):
        compute_leaders(offices, precedence={"Russia": ("tsar",)})
    with pytest.raises(ValueError, match=r"lacks column\(s\) 'end_date'"):
        compute_leaders(offices.drop(columns="end_date"))
    with pytest.raises(ValueError, match="'li_si' is not in persons"):
        compute_leaders(offices, persons[persons["person_id"] != CHINA_B], as_of=AS_OF)


def test_compute_pairings_synthetic(offices, persons):
    pairings = compute_pairings(offices, persons, as_of=AS_OF)
    assert list(pairings.columns) == ["pairing", "china_person_id", "russia_person_id", "start", "end", "years"]
    # Zhang has no Russian counterpart in 2000 (Petrov starts 2001), so no pairing then.
    assert pairings["pairing"].tolist() == ["Zhang–Petrov", "Zhang–Sidorov", "Zhang–Petrov", "Li–Petrov"]
    assert pairings["start"].tolist() == [T("2001-01-01"), T("2005-01-01"), T("2007-01-01"), T("2010-01-01")]
    assert pairings["end"].tolist() == [T("2005-01-01"), T("2007-01-01"), T("2010-01-01"), T("2012-01-01")]
    # Days: 2001-2004 = 1461 (2004 leap); 2005-2006 = 730; 2007-2009 = 1096 (2008 leap); 2010-2011 = 730.
    assert pairings["years"].tolist() == pytest.approx([1461 / 365.25, 730 / 365.25, 1096 / 365.25, 730 / 365.25])


def test_compute_pairings_label_clash_uses_full_names():
    offices = make_offices([
        ("zhang_san", "party_leader", "PRC", "2000-01-01", "2005-01-01"),
        ("zhang_wu", "party_leader", "PRC", "2005-01-01", None),
        (RUSSIA_A, "head_of_state", "Russia", "2000-01-01", None),
    ])
    persons = make_persons([("zhang_san", "Zhang San", "china"), ("zhang_wu", "Zhang Wu", "china"),
                            (RUSSIA_A, "Ivan Petrov", "russia")])
    pairings = compute_pairings(offices, persons, as_of="2010-01-01")
    assert pairings["pairing"].tolist() == ["Zhang San–Ivan Petrov", "Zhang Wu–Ivan Petrov"]


def test_add_pairing_boundaries(offices, persons):
    pairings = compute_pairings(offices, persons, as_of=AS_OF)
    engagements = make_engagements([
        {"start_date": "2000-06-01"},  # China has a leader, Russia none: NA
        {"start_date": "2001-01-01"},  # first day of Zhang–Petrov (start inclusive)
        {"start_date": "2004-12-31"},  # last day of Zhang–Petrov's first interval
        {"start_date": "2005-01-01"},  # handover day: Zhang–Sidorov (end exclusive)
        {"start_date": "2009-06-01", "china_office": "foreign_minister"},  # era label, whoever met
        {"start_date": "2012-01-01"},  # on as_of: outside every interval, NA
    ])
    before = engagements.copy(deep=True)
    result = add_pairing(engagements, pairings)
    pd.testing.assert_frame_equal(engagements, before)
    assert result["pairing"].astype(object).where(result["pairing"].notna(), None).tolist() == [
        None, "Zhang–Petrov", "Zhang–Petrov", "Zhang–Sidorov", "Zhang–Petrov", None]
    # Categories in chronological order, each label once.
    assert list(result["pairing"].cat.categories) == ["Zhang–Petrov", "Zhang–Sidorov", "Li–Petrov"]


def test_add_pairing_rejects_overlapping_pairings(offices, persons):
    pairings = compute_pairings(offices, persons, as_of=AS_OF)
    overlapping = pd.concat([pairings, pairings.iloc[[0]]], ignore_index=True)
    with pytest.raises(ValueError, match="pairings overlap"):
        add_pairing(make_engagements([{"start_date": "2003-01-01"}]), overlapping)


def test_compute_pairing_rates(offices, persons):
    pairings = compute_pairings(offices, persons, as_of=AS_OF)
    engagements = make_engagements([
        {"start_date": "2001-03-01"}, {"start_date": "2004-12-31"}, {"start_date": "2009-06-01"},
        {"start_date": "2006-01-01"},
        {"start_date": "1999-01-01"},  # before every pairing: counted nowhere
    ])
    before = engagements.copy(deep=True)
    rates = compute_pairing_rates(engagements, pairings)
    pd.testing.assert_frame_equal(engagements, before)
    assert rates["pairing"].tolist() == ["Zhang–Petrov", "Zhang–Sidorov", "Li–Petrov"]
    # Zhang–Petrov: two intervals, 1461 + 1096 = 2557 days, 3 engagements.
    # Zhang–Sidorov: 730 days, 1 engagement. Li–Petrov: 730 days, none (row kept, rate 0).
    assert rates["n_intervals"].tolist() == [2, 1, 1]
    assert rates["n_engagements"].tolist() == [3, 1, 0]
    assert rates["years"].tolist() == pytest.approx([2557 / 365.25, 730 / 365.25, 730 / 365.25])
    assert rates["rate_per_year"].tolist() == pytest.approx([3 / (2557 / 365.25), 1 / (730 / 365.25), 0.0])
    assert rates.loc[0, "start"] == T("2001-01-01") and rates.loc[0, "end"] == T("2010-01-01")


EXPECTED_SHIPPED = ["Mao–Stalin", "Mao–Khrushchev", "Deng–Gorbachev", "Jiang–Gorbachev", "Jiang–Yeltsin",
                    "Jiang–Putin", "Hu–Putin", "Hu–Medvedev", "Hu–Putin", "Xi–Putin"]


def test_shipped_pairings(shipped):
    pairings = compute_pairings(shipped.offices, shipped.persons, as_of="2025-12-31")
    assert pairings["pairing"].tolist() == EXPECTED_SHIPPED
    by_label = pairings.drop_duplicates("pairing", keep="first").set_index("pairing")

    def bounds(label):
        return by_label.loc[label, "start"], by_label.loc[label, "end"]

    # Bounds read off data/offices.csv (end = first day no longer in force):
    # Medvedev president 2008-05-07 .. 2012-05-07, Putin's new term from 2012-05-07.
    assert bounds("Hu–Medvedev") == (T("2008-05-07"), T("2012-05-07"))
    assert by_label.loc["Hu–Medvedev", "years"] == pytest.approx(4.0)  # 1461 days
    # PRC from 1949-10-01; Stalin's general secretaryship ends 1952-10-16 (last day).
    assert bounds("Mao–Stalin") == (T("1949-10-01"), T("1952-10-17"))
    # Khrushchev first secretary 1953-09-14 .. 1964-10-14.
    assert bounds("Mao–Khrushchev") == (T("1953-09-14"), T("1964-10-15"))
    # Gorbachev general secretary from 1985-03-11; Jiang general secretary from 1989-06-24.
    assert bounds("Deng–Gorbachev") == (T("1985-03-11"), T("1989-06-24"))
    # Russian offices count from 1991-12-26; Putin acting president from 1999-12-31.
    assert bounds("Jiang–Yeltsin") == (T("1991-12-26"), T("1999-12-31"))
    hu_putin = pairings[pairings["pairing"] == "Hu–Putin"]
    assert hu_putin["start"].tolist() == [T("2002-11-15"), T("2012-05-07")]
    assert hu_putin["end"].tolist() == [T("2008-05-07"), T("2012-11-15")]
    assert pairings["end"].iloc[-1] == T("2025-12-31")


def test_shipped_pairings_default_as_of_is_today(shipped):
    pairings = compute_pairings(shipped.offices, shipped.persons)
    assert pairings["end"].iloc[-1] == pd.Timestamp.today().normalize()


def test_shipped_leader_caveats(shipped):
    leaders = compute_leaders(shipped.offices, shipped.persons, as_of="2025-12-31")

    def leader_on(side, day):
        day = T(day)
        hit = leaders[(leaders["side"] == side) & (leaders["start"] <= day) & (day < leaders["end"])]
        return hit["person_id"].tolist()

    assert leader_on("china", "1989-05-15") == ["deng_xiaoping"]  # Zhao Ziyang is not in the data
    assert leader_on("russia", "1970-01-01") == []  # Brezhnev is not in the data
    assert leader_on("russia", "1991-12-25") == ["gorbachev_mikhail"]
    assert leader_on("russia", "1991-12-26") == ["yeltsin_boris"]


def test_shipped_pairing_rates(shipped):
    pairings = compute_pairings(shipped.offices, shipped.persons, as_of="2025-12-31")
    rates = compute_pairing_rates(shipped.engagements, pairings).set_index("pairing")
    # Counted from data/engagements.csv by start date: Mao–Stalin E0001; Mao–Khrushchev
    # E0002-E0004; the 1964-1969 Kosygin rows E0005-E0008 fall in the Soviet leader gap;
    # Deng–Gorbachev E0009; Jiang–Gorbachev E0010; Jiang–Yeltsin E0011-E0013; Jiang–Putin
    # E0014; Hu–Putin E0015-E0018 and E0022 (2012-06-05); Hu–Medvedev E0019-E0021;
    # Xi–Putin E0023-E0058 (36 rows, ministers included) and E0059-E0101 (43 Xi–Putin rows
    # added in 0.3.0 up to the as_of date; E0102 and E0103 are in 2026) = 79.
    assert rates["n_engagements"].to_dict() == {
        "Mao–Stalin": 1, "Mao–Khrushchev": 3, "Deng–Gorbachev": 1, "Jiang–Gorbachev": 1, "Jiang–Yeltsin": 3,
        "Jiang–Putin": 1, "Hu–Putin": 5, "Hu–Medvedev": 3, "Xi–Putin": 79}
    assert rates.loc["Hu–Medvedev", "rate_per_year"] == pytest.approx(3 / 4.0)
    labelled = add_pairing(shipped.engagements, pairings)
    # Unlabelled: the Kosygin rows in the Soviet leader gap, and the two 2026 rows (E0102,
    # E0103) after the pairings' as_of date.
    assert labelled["pairing"].isna().sum() == 6
    unlabelled = labelled.loc[labelled["pairing"].isna(), "engagement_id"].tolist()
    assert unlabelled == ["E0005", "E0006", "E0007", "E0008", "E0102", "E0103"]
    assert np.all(rates["years"] > 0)
