"""Tests for analysis.indicators.frequency: counts per year/decade, cumulative, remote and level shares, filter."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from indicator_fixtures import CHINA_A, CHINA_B, RUSSIA_A, RUSSIA_B, make_engagements, rows_of_release_040

import analysis
from analysis.indicators.filters import filter_engagements
from analysis.indicators.frequency import (
    compute_cumulative,
    compute_engagements_per_decade,
    compute_engagements_per_year,
    compute_level_share,
    compute_remote_share,
)


@pytest.fixture(scope="module")
def shipped():
    return analysis.load_dataset()


@pytest.fixture
def sample():
    return make_engagements([
        {"start_date": "2000-03-01", "mode": "in_person"},
        {"start_date": "2000-11-30", "end_date": "2001-01-05", "mode": "in_person"},  # counts in 2000
        {"start_date": "2003-05-05", "mode": "phone", "china_office": "foreign_minister",
         "russia_office": "foreign_minister", "in_article": False},
    ])


# -- per year / per decade -----------------------------------------------------------------

def test_per_year_default_range_zero_fills_gaps(sample):
    before = sample.copy(deep=True)
    result = compute_engagements_per_year(sample)
    pd.testing.assert_frame_equal(sample, before)
    # 2000: two (the second starts in 2000 although it ends in 2001); 2001-2002 none; 2003: one.
    assert result["year"].tolist() == [2000, 2001, 2002, 2003]
    assert result["n_engagements"].tolist() == [2, 0, 0, 1]
    assert list(result.columns) == ["year", "n_engagements"]


def test_per_year_explicit_range(sample):
    result = compute_engagements_per_year(sample, start_year=1999, end_year=2004)
    assert result["year"].tolist() == [1999, 2000, 2001, 2002, 2003, 2004]
    assert result["n_engagements"].tolist() == [0, 2, 0, 0, 1, 0]
    # A narrower range leaves the 2003 call out.
    assert compute_engagements_per_year(sample, end_year=2001)["n_engagements"].tolist() == [2, 0]


def test_per_year_by_mode_has_every_category(sample):
    result = compute_engagements_per_year(sample, start_year=2000, end_year=2003, by="mode")
    assert list(result.columns) == ["year", "n_engagements", "in_person", "phone", "video", "virtual_conference"]
    assert result["in_person"].tolist() == [2, 0, 0, 0]
    assert result["phone"].tolist() == [0, 0, 0, 1]
    assert result["video"].tolist() == [0, 0, 0, 0]


def test_per_year_by_derived_level(sample):
    result = compute_engagements_per_year(sample, by="level")
    assert result["leader"].tolist() == [2, 0, 0, 0]
    assert result["minister"].tolist() == [0, 0, 0, 1]
    assert result["head_of_government"].tolist() == [0, 0, 0, 0]


def test_per_year_accepts_other_datetime_units(sample):
    micro = sample.astype({"start_date": "datetime64[us]"})
    assert compute_engagements_per_year(micro)["n_engagements"].tolist() == [2, 0, 0, 1]


def test_per_year_validation(sample):
    with pytest.raises(ValueError, match=r"start_year \(2005\) is after end_year \(2000\)"):
        compute_engagements_per_year(sample, start_year=2005, end_year=2000)
    with pytest.raises(ValueError, match=r"start_year \(2010\) is after end_year \(2003\)"):
        compute_engagements_per_year(sample, start_year=2010)  # end defaults to the data's 2003
    with pytest.raises(ValueError, match="start_year must be an integer year, got '1949'"):
        compute_engagements_per_year(sample, start_year="1949")
    with pytest.raises(ValueError, match="end_year must be an integer year, got True"):
        compute_engagements_per_year(sample, end_year=True)
    with pytest.raises(ValueError, match="unknown column 'colour' for by"):
        compute_engagements_per_year(sample, by="colour")


def test_per_year_empty_input(sample):
    empty = sample.iloc[:0]
    assert compute_engagements_per_year(empty).empty
    fixed = compute_engagements_per_year(empty, start_year=2000, end_year=2001)
    assert fixed["n_engagements"].tolist() == [0, 0]


def test_per_decade():
    engagements = make_engagements([{"start_date": d} for d in
                                    ("1949-12-16", "1954-09-29", "1958-07-31", "1975-01-01")])
    result = compute_engagements_per_decade(engagements)
    # 1940s: 1949; 1950s: 1954, 1958; 1960s: none (zero-filled); 1970s: 1975.
    assert result["decade"].tolist() == [1940, 1950, 1960, 1970]
    assert result["n_engagements"].tolist() == [1, 2, 0, 1]
    by_mode = compute_engagements_per_decade(engagements, by="mode", start_year=1950)
    assert by_mode["decade"].tolist() == [1950, 1960, 1970]
    assert by_mode["in_person"].tolist() == [2, 0, 1]


# -- cumulative ---------------------------------------------------------------------------

def test_cumulative_one_pair_in_date_order():
    engagements = make_engagements([
        {"start_date": "2010-05-01", "mode": "phone"},
        {"start_date": "2008-01-01"},
        {"start_date": "2009-01-01", "china_person_id": CHINA_B},  # another pair
        {"start_date": "2012-01-01"},
        {"start_date": "2012-01-01", "russia_person_id": RUSSIA_B},  # another pair
    ])
    before = engagements.copy(deep=True)
    result = compute_cumulative(engagements, china_person_id=CHINA_A, russia_person_id=RUSSIA_A)
    pd.testing.assert_frame_equal(engagements, before)
    assert list(result.columns) == ["start_date", "engagement_id", "mode", "cumulative"]
    # Zhang–Petrov rows by date: E0002 (2008), E0001 (2010, phone), E0004 (2012).
    assert result["engagement_id"].tolist() == ["E0002", "E0001", "E0004"]
    assert result["cumulative"].tolist() == [1, 2, 3]
    in_person = compute_cumulative(engagements, china_person_id=CHINA_A, russia_person_id=RUSSIA_A,
                                   modes="in_person")
    assert in_person["engagement_id"].tolist() == ["E0002", "E0004"]
    assert in_person["cumulative"].tolist() == [1, 2]


def test_cumulative_validation(sample):
    with pytest.raises(ValueError, match="china_person_id 'nobody_here' does not occur"):
        compute_cumulative(sample, china_person_id="nobody_here", russia_person_id=RUSSIA_A)
    with pytest.raises(ValueError, match="russia_person_id 'zhang_san' does not occur"):
        compute_cumulative(sample, china_person_id=CHINA_A, russia_person_id=CHINA_A)  # swapped side
    with pytest.raises(ValueError, match="unknown mode 'inperson' in modes; allowed: 'in_person', 'phone'"):
        compute_cumulative(sample, china_person_id=CHINA_A, russia_person_id=RUSSIA_A, modes=["inperson"])
    with pytest.raises(ValueError, match="must be a non-empty person id"):
        compute_cumulative(sample, china_person_id=None, russia_person_id=RUSSIA_A)


# -- remote share --------------------------------------------------------------------------

@pytest.fixture
def remote_sample():
    return make_engagements([
        {"start_date": "2020-02-01", "mode": "phone"},
        {"start_date": "2020-06-01", "mode": "in_person"},
        {"start_date": "2022-03-01", "mode": "video"},
        {"start_date": "2022-08-16", "mode": "virtual_conference"},
    ])


def test_remote_share_per_year_nan_for_empty_years(remote_sample):
    before = remote_sample.copy(deep=True)
    result = compute_remote_share(remote_sample)
    pd.testing.assert_frame_equal(remote_sample, before)
    # 2020: 1 remote of 2 = 0.5; 2021: nothing -> NaN (not 0); 2022: 2 of 2 = 1.0.
    assert result["year"].tolist() == [2020, 2021, 2022]
    assert result["n_engagements"].tolist() == [2, 0, 2]
    assert result["n_remote"].tolist() == [1, 0, 2]
    assert result["remote_share"].iloc[0] == pytest.approx(0.5)
    assert np.isnan(result["remote_share"].iloc[1])
    assert result["remote_share"].iloc[2] == pytest.approx(1.0)


def test_remote_share_per_decade_and_period(remote_sample):
    decade = compute_remote_share(remote_sample, freq="decade")
    assert decade.to_dict("records") == [{"decade": 2020, "n_engagements": 4, "n_remote": 3,
                                          "remote_share": pytest.approx(0.75)}]
    period = compute_remote_share(remote_sample, freq="period", breaks=[2000, 2021], labels=["early", "late"])
    # early (2000-2020): phone + in person -> 1/2; late (2021-): video + conference -> 2/2.
    assert period["period"].astype(str).tolist() == ["early", "late"]
    assert period["remote_share"].tolist() == pytest.approx([0.5, 1.0])
    late_only = compute_remote_share(remote_sample, freq="period", breaks=[2000, 2021], labels=["early", "late"],
                                     start_year=2021)
    # start_year=2021 drops the 2020 rows: early is empty (NaN), late keeps 2 of 2.
    assert late_only["n_engagements"].tolist() == [0, 2]
    assert np.isnan(late_only["remote_share"].iloc[0])
    default = compute_remote_share(remote_sample, freq="period")
    assert len(default) == 5 and default["n_engagements"].tolist() == [0, 0, 0, 0, 4]


def test_remote_share_validation(remote_sample):
    with pytest.raises(ValueError, match="unknown freq 'month'; allowed: 'year', 'decade', 'period'"):
        compute_remote_share(remote_sample, freq="month")
    with pytest.raises(ValueError, match="breaks and labels apply only to freq='period'"):
        compute_remote_share(remote_sample, breaks=[2000])


# -- level share ---------------------------------------------------------------------------

def test_level_share():
    engagements = make_engagements([
        {"start_date": "2022-01-01"},  # leader-leader
        {"start_date": "2022-02-01", "china_office": "foreign_minister", "russia_office": "foreign_minister"},
        {"start_date": "2022-03-01", "china_office": "foreign_minister", "russia_office": "foreign_minister"},
        {"start_date": "2022-04-01", "russia_office": "security_council_secretary"},  # minister level
        {"start_date": "2024-01-01", "china_office": "head_of_government",
         "russia_office": "head_of_government"},
    ])
    before = engagements.copy(deep=True)
    result = compute_level_share(engagements)
    pd.testing.assert_frame_equal(engagements, before)
    # 2022: 1 leader, 3 minister (the Xi–Shoigu-style row counts at the lower rank) of 4.
    row = result.set_index("year").loc[2022]
    assert (row["n_leader"], row["n_head_of_government"], row["n_minister"]) == (1, 0, 3)
    assert (row["leader_share"], row["minister_share"]) == (pytest.approx(0.25), pytest.approx(0.75))
    assert np.isnan(result.set_index("year").loc[2023, "leader_share"])
    assert result.set_index("year").loc[2024, "head_of_government_share"] == pytest.approx(1.0)


def test_level_share_uses_existing_level_column():
    engagements = make_engagements([{"start_date": "2022-01-01"}]).assign(level="minister")
    assert compute_level_share(engagements)["n_minister"].tolist() == [1]
    with pytest.raises(ValueError, match="unknown level 'boss' in column 'level'"):
        compute_level_share(engagements.assign(level="boss"))


# -- filter ----------------------------------------------------------------------------------

def test_filter_engagements(sample):
    before = sample.copy(deep=True)
    assert filter_engagements(sample, start_year=2001)["engagement_id"].tolist() == ["E0003"]
    assert filter_engagements(sample, end_year=2000)["engagement_id"].tolist() == ["E0001", "E0002"]
    assert filter_engagements(sample, levels="minister")["engagement_id"].tolist() == ["E0003"]
    assert filter_engagements(sample, levels=["leader", "head_of_government"])["engagement_id"].tolist() == [
        "E0001", "E0002"]
    assert filter_engagements(sample, modes=("phone", "video"))["engagement_id"].tolist() == ["E0003"]
    assert filter_engagements(sample, in_article_only=True)["engagement_id"].tolist() == ["E0001", "E0002"]
    result = filter_engagements(sample, start_year=2000, end_year=2000, modes="in_person")
    pd.testing.assert_frame_equal(sample, before)
    assert list(result.columns) == list(sample.columns)  # no level columns leak out
    assert result.index.tolist() == [0, 1]


def test_filter_engagements_validation(sample):
    with pytest.raises(ValueError, match="unknown level 'leaders' in levels; allowed: 'leader', "
                                         "'head_of_government', 'minister'"):
        filter_engagements(sample, levels=["leaders"])
    with pytest.raises(ValueError, match="unknown mode 'telegram' in modes; allowed: 'in_person', 'phone', "
                                         "'video', 'virtual_conference'"):
        filter_engagements(sample, modes="telegram")
    with pytest.raises(ValueError, match="levels is empty"):
        filter_engagements(sample, levels=[])
    with pytest.raises(ValueError, match=r"start_year \(2003\) is after end_year \(2000\)"):
        filter_engagements(sample, start_year=2003, end_year=2000)
    with pytest.raises(ValueError, match="in_article_only must be True or False"):
        filter_engagements(sample, in_article_only="yes")


# -- shipped data against the article --------------------------------------------------------

def test_shipped_per_decade(shipped):
    result = compute_engagements_per_decade(rows_of_release_040(shipped.engagements))
    # Counted by start year in data/engagements.csv. 1940s: E0001 (Mao in Moscow, arrived
    # 1949-12-16). 1950s: E0002-E0004 (Khrushchev in Beijing 1954, 1958, 1959), the three
    # of the article's 2.2. 1960s: E0005-E0008 (Zhou/Mao with Kosygin, not in the article).
    # 1970s: none. 1980s: E0009 (Gorbachev 1989). 1990s: E0010-E0013. 2000s: E0014-E0019.
    # 2010s: E0020-E0031 and the Xi–Putin rows E0059-E0086 (28). 2020s: E0032-E0058 and
    # E0087-E0103 (17).
    assert dict(zip(result["decade"], result["n_engagements"], strict=False)) == {
        1940: 1, 1950: 3, 1960: 4, 1970: 0, 1980: 1, 1990: 4, 2000: 6, 2010: 40, 2020: 44}


def test_shipped_per_year(shipped):
    result = compute_engagements_per_year(rows_of_release_040(shipped.engagements), start_year=1949).set_index("year")
    assert result.index.tolist() == list(range(1949, 2027))  # 78 years, gaps included
    assert result["n_engagements"].sum() == 103
    # 1970 holds no engagement, 2020 the five Xi–Putin calls E0087-E0091; 2022 holds
    # E0034-E0044 (11 rows) plus the call E0093 and the video meeting E0094.
    assert (result.loc[1970, "n_engagements"], result.loc[2020, "n_engagements"]) == (0, 5)
    assert result.loc[2022, "n_engagements"] == 13
    # The article's period without meetings (2.3) is 1960-1988; the record has 4 exceptions.
    assert result.loc[1960:1988, "n_engagements"].sum() == 4
    in_article = filter_engagements(rows_of_release_040(shipped.engagements), in_article_only=True)
    assert compute_engagements_per_year(in_article, start_year=1960, end_year=1988)["n_engagements"].sum() == 0


def test_shipped_cumulative_xi_putin(shipped):
    everything = compute_cumulative(rows_of_release_040(shipped.engagements), china_person_id="xi_jinping",
                                    russia_person_id="putin_vladimir")
    in_person = compute_cumulative(rows_of_release_040(shipped.engagements), china_person_id="xi_jinping",
                                   russia_person_id="putin_vladimir", modes="in_person")
    # Xi–Putin rows: E0023-E0026, E0028-E0034, E0036, E0041, E0045, E0047, E0049, E0053, E0058
    # = 18; remote among them: E0032, E0033, E0053 (video) and E0036 (phone) -> 14 in person.
    # 0.3.0 adds E0059-E0103 (45): 27 in person, 4 video, 14 phone -> 63 in all, 41 in person.
    assert everything["cumulative"].iloc[-1] == 63
    assert in_person["cumulative"].iloc[-1] == 41
    assert in_person["engagement_id"].iloc[0] == "E0023"


def test_shipped_remote_and_level_share(shipped):
    remote = compute_remote_share(rows_of_release_040(shipped.engagements), start_year=1949).set_index("year")
    # 2022: E0035, E0036, E0040, E0042, E0043, E0093 (call), E0094 (video) remote of 13.
    # Nothing remote before 2014; 2014-2020: the Xi–Putin calls E0061, E0076, E0078, E0079,
    # E0087-E0091 and the video ceremony E0086 -> 10.
    assert remote.loc[2022, "remote_share"] == pytest.approx(7 / 13)
    assert remote.loc[1949:2013, "n_remote"].sum() == 0
    assert remote.loc[2014:2020, "n_remote"].sum() == 10
    assert np.isnan(remote.loc[1970, "remote_share"])
    levels = compute_level_share(rows_of_release_040(shipped.engagements)).set_index("year")
    # 2022: Xi–Putin E0034, E0036, E0041, E0093, E0094 leader level; 8 ministerial rows.
    assert (levels.loc[2022, "n_leader"], levels.loc[2022, "n_minister"]) == (5, 8)
