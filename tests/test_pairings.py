"""Tests for effective leaders, pairings and coverage-aware pairing rates.

Expected values are worked out by hand from the synthetic tables below (day counts noted) and,
for the shipped data, from the leaders table and engagement ids.
"""

from __future__ import annotations

import pandas as pd
import pytest
from indicator_fixtures import (
    CHINA_A,
    CHINA_B,
    PERSONS,
    RUSSIA_A,
    RUSSIA_B,
    make_coverage,
    make_engagements,
    make_leaders,
    make_persons,
)

import analysis
from analysis.indicators.leaders import compute_leaders
from analysis.indicators.pairings import add_pairing, compute_pairing_rates, compute_pairings

T = pd.Timestamp
AS_OF = "2012-01-01"


@pytest.fixture(scope="module")
def shipped():
    return analysis.load_dataset()


@pytest.fixture
def leaders():
    return make_leaders([
        # Zhang leads China to 2010-01-01, his recorded last day, which is Li's first: on a
        # handover day the successor counts.
        ("china", CHINA_A, "2000-01-01", "2010-01-01"),
        ("china", CHINA_B, "2010-01-01", None),
        # Petrov, then Sidorov, then Petrov again.
        ("russia", RUSSIA_A, "2001-01-01", "2004-12-31"),
        ("russia", RUSSIA_B, "2005-01-01", "2006-12-31"),
        ("russia", RUSSIA_A, "2007-01-01", None),
    ])


@pytest.fixture
def persons():
    return make_persons(PERSONS)


def test_compute_leaders_synthetic(leaders, persons):
    before = leaders.copy(deep=True)
    timeline = compute_leaders(leaders, persons, as_of=AS_OF)
    pd.testing.assert_frame_equal(leaders, before)
    assert list(timeline.columns) == ["side", "person_id", "name", "start", "end"]
    assert timeline[["side", "person_id"]].astype(str).values.tolist() == [
        ["china", CHINA_A], ["china", CHINA_B], ["russia", RUSSIA_A], ["russia", RUSSIA_B], ["russia", RUSSIA_A]]
    # inclusive last days become exclusive ends; the handover day 2010-01-01 belongs to Li
    assert timeline["end"].tolist() == [T("2010-01-01"), T(AS_OF), T("2005-01-01"), T("2007-01-01"), T(AS_OF)]


def test_compute_leaders_rejects_overlaps_and_unknown_sides(persons):
    overlapping = make_leaders([("china", CHINA_A, "2000-01-01", "2005-01-01"),
                                ("china", CHINA_B, "2004-01-01", None)])
    with pytest.raises(ValueError, match="china terms overlap"):
        compute_leaders(overlapping, persons, as_of=AS_OF)
    with pytest.raises(ValueError, match="lacks column"):
        compute_leaders(pd.DataFrame({"side": ["china"]}), persons)
    with pytest.raises(ValueError, match="not in persons"):
        compute_leaders(make_leaders([("china", "nobody_here", "2000-01-01", None)]), persons, as_of=AS_OF)


def test_compute_pairings_synthetic(leaders, persons):
    pairings = compute_pairings(leaders, persons, as_of=AS_OF)
    # Zhang–Petrov 2001-01-01..2005-01-01 (1461 days), Zhang–Sidorov 2005..2007 (730),
    # Zhang–Petrov 2007-01-01..2010-01-01 (1096), Li–Petrov 2010-01-01..2012-01-01 (730)
    assert pairings["pairing"].tolist() == ["Zhang–Petrov", "Zhang–Sidorov", "Zhang–Petrov", "Li–Petrov"]
    assert pairings["start"].tolist() == [T("2001-01-01"), T("2005-01-01"), T("2007-01-01"), T("2010-01-01")]
    assert pairings["years"].round(4).tolist() == [round(1461 / 365.25, 4), round(730 / 365.25, 4),
                                                   round(1096 / 365.25, 4), round(730 / 365.25, 4)]


def test_add_pairing_boundaries(leaders, persons):
    pairings = compute_pairings(leaders, persons, as_of=AS_OF)
    engagements = make_engagements([{"start_date": "2000-06-01"}, {"start_date": "2004-12-31"},
                                    {"start_date": "2005-01-01"}, {"start_date": "2010-01-01"},
                                    {"start_date": "2012-01-01"}])
    labelled = add_pairing(engagements, pairings)
    assert labelled["pairing"].astype(object).where(labelled["pairing"].notna(), None).tolist() == [
        None, "Zhang–Petrov", "Zhang–Sidorov", "Li–Petrov", None]
    assert "pairing" not in engagements.columns


def test_pairing_rates_clip_to_the_window_and_the_complete_coverage(leaders, persons):
    pairings = compute_pairings(leaders, persons, as_of=AS_OF)
    # leader-level engagements (both heads of state) on these days; E0005 is a phone call
    engagements = make_engagements([{"start_date": d} for d in
                                    ("2002-03-01", "2003-07-01", "2006-01-01", "2008-05-01", "2009-02-02")]
                                   + [{"start_date": "2003-08-01", "mode": "phone"}])
    coverage = make_coverage([("leader", "1949-10-01", "2008-12-31", "complete"),
                              ("leader", "2009-01-01", "2011-12-31", "partial")])
    rates = compute_pairing_rates(engagements, pairings, coverage=coverage, universes=["leader"],
                                  start_year=2002, end_year=2011)
    # windows: Zhang–Petrov 2002-01-01..2005-01-01 (1096 days) + 2007-01-01..2009-01-01 (731);
    # Zhang–Sidorov 2005-01-01..2007-01-01 (730); Li–Petrov falls wholly in the partial years: absent
    assert rates["pairing"].tolist() == ["Zhang–Petrov", "Zhang–Sidorov"]
    assert rates["n_intervals"].tolist() == [2, 1]
    assert rates["years"].round(4).tolist() == [round(1827 / 365.25, 4), round(730 / 365.25, 4)]
    # counted: E0001, E0002, E0004 (Zhang–Petrov); E0003 (Zhang–Sidorov); the call and 2009 are not
    assert rates["n_engagements"].tolist() == [3, 1]
    assert rates["rate_per_year"].round(4).tolist() == [round(3 / (1827 / 365.25), 4), round(1 / (730 / 365.25), 4)]


def test_pairing_rates_keep_zeros_and_drop_pairings_outside_the_window(leaders, persons):
    pairings = compute_pairings(leaders, persons, as_of=AS_OF)
    engagements = make_engagements([{"start_date": "2002-03-01"}])
    rates = compute_pairing_rates(engagements, pairings, universes=None, start_year=2005, end_year=2011)
    assert rates["pairing"].tolist() == ["Zhang–Sidorov", "Zhang–Petrov", "Li–Petrov"]
    assert rates["n_engagements"].tolist() == [0, 0, 0]
    assert (rates["rate_per_year"] == 0).all()


# --- the shipped data: the effective-leader rule at every transition --------------------------

@pytest.mark.parametrize(("day", "china", "russia"), [
    ("1953-03-04", "mao_zedong", "stalin_joseph"),
    ("1953-03-05", "mao_zedong", "malenkov_georgy"),       # Stalin's death: the handover day
    ("1955-02-07", "mao_zedong", "malenkov_georgy"),
    ("1955-02-08", "mao_zedong", "khrushchev_nikita"),
    ("1964-10-14", "mao_zedong", "brezhnev_leonid"),
    ("1976-09-09", "mao_zedong", "brezhnev_leonid"),       # Mao's last day
    ("1976-09-20", None, "brezhnev_leonid"),               # interregnum to Hua's election
    ("1976-10-07", "hua_guofeng", "brezhnev_leonid"),
    ("1978-11-30", "hua_guofeng", "brezhnev_leonid"),
    ("1978-12-01", "deng_xiaoping", "brezhnev_leonid"),
    ("1982-11-11", "deng_xiaoping", None),                 # Brezhnev died 10 Nov; Andropov from 12 Nov
    ("1984-02-13", "deng_xiaoping", "chernenko_konstantin"),
    ("1989-05-16", "deng_xiaoping", "gorbachev_mikhail"),
    ("1989-11-09", "jiang_zemin", "gorbachev_mikhail"),
    ("1991-12-25", "jiang_zemin", "gorbachev_mikhail"),
    ("1991-12-26", "jiang_zemin", "yeltsin_boris"),
    ("1999-12-31", "jiang_zemin", "putin_vladimir"),
    ("2002-11-15", "hu_jintao", "putin_vladimir"),
    ("2008-05-07", "hu_jintao", "medvedev_dmitry"),
    ("2012-05-07", "hu_jintao", "putin_vladimir"),
    ("2012-11-15", "xi_jinping", "putin_vladimir"),
])
def test_shipped_effective_leader_at_each_transition(shipped, day, china, russia):
    timeline = compute_leaders(shipped.leaders, shipped.persons, as_of="2026-01-01")
    at = T(day)
    holders = timeline[(timeline["start"] <= at) & (at < timeline["end"])]
    got = {side: holders.loc[holders["side"] == side, "person_id"].tolist() for side in ("china", "russia")}
    assert got == {"china": [china] if china else [], "russia": [russia] if russia else []}


def test_shipped_pairings_include_the_silent_ones_with_zero(shipped):
    pairings = compute_pairings(shipped.leaders, shipped.persons, as_of="2026-01-01")
    rates = compute_pairing_rates(analysis.add_universe(shipped.engagements), pairings,
                                  coverage=shipped.coverage, start_year=1949, end_year=2025)
    by = rates.set_index("pairing")
    for silent in ("Hua–Brezhnev", "Deng–Brezhnev", "Deng–Andropov", "Deng–Chernenko"):
        assert by.loc[silent, "n_engagements"] == 0 and by.loc[silent, "rate_per_year"] == 0
    # Mao–Brezhnev, 1964-10-14 to 1976-09-09: the Zhou Enlai and Kosygin meetings E0005, E0006,
    # E0008, Kosygin received by Mao (E0007) and by Liu Shaoqi (E0284, February 1965), Zhou with
    # Brezhnev and Mikoyan in November 1964 (E0124, E0125)
    assert by.loc["Mao–Brezhnev", "n_engagements"] == 7
    # Xi–Putin: 2012-11-15 to 2026-01-01 (end_year 2025): 13 years + 3 leap days + 47 days = 4795 days
    assert round(by.loc["Xi–Putin", "years"], 6) == round(4795 / 365.25, 6)
    assert list(rates["pairing"])[:4] == ["Mao–Stalin", "Mao–Malenkov", "Mao–Khrushchev", "Mao–Brezhnev"]
