"""Tests for analysis.indicators.levels: office levels, protocol gap, protocol asymmetry."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from indicator_fixtures import make_engagements, rows_of_release_040

import analysis
from analysis.indicators.levels import LEVELS, OFFICE_LEVEL, add_levels, compute_protocol_asymmetry


@pytest.fixture(scope="module")
def shipped():
    return analysis.load_dataset()


@pytest.fixture
def mixed():
    # Five engagements, one per protocol situation (worked out in the comments).
    return make_engagements([
        # leader (1) vs leader (1): level leader, gap 0, equal
        {"start_date": "2001-01-01", "china_office": "head_of_state", "russia_office": "head_of_state"},
        # leader (1) vs security council secretary (3): level minister, gap 3-1 = 2, Russia lower
        {"start_date": "2002-01-01", "china_office": "head_of_state",
         "russia_office": "security_council_secretary"},
        # foreign minister (3) vs prime minister (2): level minister, gap 2-3 = -1, China lower
        {"start_date": "2003-01-01", "china_office": "foreign_minister", "russia_office": "head_of_government",
         "mode": "phone"},
        # CMC chairman (1) vs head of state (1): equal leaders (the Deng–Gorbachev case)
        {"start_date": "2004-01-01", "china_office": "military_commission_chair",
         "russia_office": "head_of_state"},
        # party leader (1) vs prime minister (2): level head_of_government, gap 1, Russia lower
        {"start_date": "2005-01-01", "china_office": "party_leader", "russia_office": "head_of_government"},
    ])


def test_fixture_dtypes_match_loader(shipped, mixed):
    # The hand-built fixtures must look exactly like loaded data, or the tests prove little.
    assert mixed.dtypes.to_dict() == shipped.engagements.dtypes.to_dict()
    for column in ("china_office", "mode", "host_side"):
        assert list(mixed[column].cat.categories) == list(shipped.engagements[column].cat.categories)


def test_office_level_mapping_covers_the_schema(shipped):
    assert set(OFFICE_LEVEL) == set(shipped.offices["office"].cat.categories)
    assert OFFICE_LEVEL["military_commission_chair"] == "leader"
    assert OFFICE_LEVEL["security_council_secretary"] == "minister"
    assert LEVELS == ("leader", "head_of_government", "minister")


def test_add_levels_values(mixed):
    result = add_levels(mixed)
    assert result["china_rank"].tolist() == [1, 1, 3, 1, 1]
    assert result["russia_rank"].tolist() == [1, 3, 2, 1, 2]
    assert result["level"].astype(str).tolist() == ["leader", "minister", "minister", "leader",
                                                    "head_of_government"]
    assert result["protocol_gap"].tolist() == [0, 2, -1, 0, 1]
    assert result["lower_ranked_side"].astype(str).tolist() == ["equal", "russia", "china", "equal", "russia"]
    assert result["china_level"].astype(str).tolist() == ["leader", "leader", "minister", "leader", "leader"]
    assert result["russia_level"].astype(str).tolist() == ["leader", "minister", "head_of_government",
                                                           "leader", "head_of_government"]


def test_add_levels_dtypes_and_columns(mixed):
    result = add_levels(mixed)
    assert list(result.columns[: len(mixed.columns)]) == list(mixed.columns)
    assert list(result["level"].cat.categories) == list(LEVELS)
    assert list(result["china_level"].cat.categories) == list(LEVELS)
    assert result["china_rank"].dtype == np.int64 and result["protocol_gap"].dtype == np.int64
    assert list(result["lower_ranked_side"].cat.categories) == ["china", "russia", "equal"]


def test_add_levels_keeps_index_and_does_not_mutate(mixed):
    shuffled = mixed.iloc[[4, 0, 2]].set_axis([10, 20, 30])
    before = shuffled.copy(deep=True)
    result = add_levels(shuffled)
    pd.testing.assert_frame_equal(shuffled, before)
    assert "level" not in shuffled.columns
    assert result.index.tolist() == [10, 20, 30]
    # Row 10 is the party leader / prime minister engagement.
    assert result.loc[10, "level"] == "head_of_government"


def test_add_levels_rejects_unknown_or_missing_office(mixed):
    bad = mixed.astype({"china_office": "string"})
    bad.loc[1, "china_office"] = "king"
    with pytest.raises(ValueError, match=r"unknown office 'king' in china_office; allowed: 'head_of_state'"):
        add_levels(bad)
    missing = mixed.copy()
    missing.loc[0, "russia_office"] = np.nan
    with pytest.raises(ValueError, match="russia_office has missing values"):
        add_levels(missing)
    with pytest.raises(ValueError, match=r"lacks column\(s\) 'russia_office'"):
        add_levels(mixed.drop(columns="russia_office"))
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        add_levels([1, 2])


def test_protocol_asymmetry_overall(mixed):
    before = mixed.copy(deep=True)
    result = compute_protocol_asymmetry(mixed)
    pd.testing.assert_frame_equal(mixed, before)
    # equal: rows 1 and 4; China lower: row 3; Russia lower: rows 2 and 5.
    assert result.to_dict("records") == [{"n_engagements": 5, "n_equal": 2, "n_china_lower": 1,
                                          "n_russia_lower": 2, "share_equal": pytest.approx(0.4)}]


def test_protocol_asymmetry_by_categorical_keeps_empty_groups(mixed):
    result = compute_protocol_asymmetry(mixed, by="mode")
    # All four mode categories appear; only row 3 is a phone call (China lower).
    assert result["mode"].astype(str).tolist() == ["in_person", "phone", "video", "virtual_conference"]
    assert result["n_engagements"].tolist() == [4, 1, 0, 0]
    assert result["n_china_lower"].tolist() == [0, 1, 0, 0]
    assert result["n_russia_lower"].tolist() == [2, 0, 0, 0]
    assert result["share_equal"].iloc[0] == pytest.approx(0.5)
    assert np.isnan(result["share_equal"].iloc[2])


def test_protocol_asymmetry_by_derived_level(mixed):
    result = compute_protocol_asymmetry(mixed, by="level")
    assert result["level"].astype(str).tolist() == list(LEVELS)
    assert result["n_engagements"].tolist() == [2, 1, 2]


def test_protocol_asymmetry_bad_by(mixed):
    with pytest.raises(ValueError, match="add_pairing"):
        compute_protocol_asymmetry(mixed, by="pairing")
    with pytest.raises(ValueError, match="unknown column 'colour' for by"):
        compute_protocol_asymmetry(mixed, by="colour")
    with pytest.raises(ValueError, match="by must be a column name"):
        compute_protocol_asymmetry(mixed, by=3)


def test_shipped_protocol_asymmetry(shipped):
    # By reading data/engagements.csv: the only unequal-rank rows are E0007 (Mao, party
    # leader, with Kosygin, head of government), E0027 (Xi with Medvedev as prime minister)
    # and E0055 (Xi with Shoigu as Security Council secretary): all three Russia lower.
    # E0009 (Deng as CMC chairman with Gorbachev as head of state) is leader-leader, equal.
    result = compute_protocol_asymmetry(rows_of_release_040(shipped.engagements))
    counts = ["n_engagements", "n_equal", "n_china_lower", "n_russia_lower"]
    # The 45 Xi–Putin rows added in 0.3.0 (E0059-E0103) are all head of state with head of state.
    assert result.loc[0, counts].tolist() == [103, 100, 0, 3]
    levelled = add_levels(rows_of_release_040(shipped.engagements))
    unequal = levelled.loc[levelled["protocol_gap"] != 0, "engagement_id"].tolist()
    assert unequal == ["E0007", "E0027", "E0055"]
    assert levelled.loc[levelled["engagement_id"] == "E0055", "protocol_gap"].item() == 2
    assert levelled.loc[levelled["engagement_id"] == "E0009", "level"].item() == "leader"
