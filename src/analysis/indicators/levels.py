"""Office levels of the principals and the protocol asymmetry between them.

The seven functional offices of the data package are grouped into three *levels*, ranked
1 (highest) to 3:

* rank 1, ``leader``: head_of_state, party_leader, military_commission_chair;
* rank 2, ``head_of_government``: head_of_government;
* rank 3, ``minister``: foreign_minister, defence_minister, security_council_secretary.

An engagement's ``level`` is the level of its *lower-ranked* principal: the level at which
both sides actually met (a leader-level engagement needs two leaders; Xi receiving the
Security Council secretary is a ministerial-level engagement with a protocol gap of 2).

It also derives the grouping column of the summary indicators (:func:`group_series`), which
can be a level column or the analysis period.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from analysis.codes import LEVELS, OFFICE_LEVEL  # one definition, importable without pandas
from analysis.indicators.common import (
    count_matrix,
    factor_codes,
    key_column,
    quoted,
    require_columns,
    safe_divide,
    summary_frame,
)
from analysis.indicators.periods import add_period

__all__ = [
    "LEVELS",
    "LEVEL_RANK",
    "LOWER_RANKED_SIDES",
    "OFFICE_LEVEL",
    "add_levels",
    "compute_protocol_asymmetry",
]




LEVEL_RANK: dict[str, int] = {level: rank for rank, level in enumerate(LEVELS, start=1)}
"""Rank of each level, 1 = highest."""

LOWER_RANKED_SIDES: tuple[str, ...] = ("china", "russia", "equal")
"""Values of ``lower_ranked_side``."""

# Columns add_levels derives; group_series derives them on the fly when asked to group
# by one of them, so callers need not call add_levels first.
LEVEL_COLUMNS: tuple[str, ...] = ("china_level", "russia_level", "china_rank", "russia_rank",
                                  "level", "protocol_gap", "lower_ranked_side")


def group_series(engagements: pd.DataFrame, by: Any, *, func: str) -> pd.Series:
    """The column to group by: an existing column, or one that can be derived without extra tables."""
    if not isinstance(by, str):
        raise ValueError(f"{func}: by must be a column name (str) or None, got {by!r}")
    if by in engagements.columns:
        return engagements[by]
    if by in LEVEL_COLUMNS:
        return level_columns(engagements, func=func)[by]
    if by == "period":
        return add_period(engagements)["period"]
    if by == "pairing":
        raise ValueError(f"{func}: by='pairing' needs a 'pairing' column; add it first with "
                         "add_pairing(engagements, compute_pairings(offices, persons))")
    raise ValueError(f"{func}: unknown column {by!r} for by; engagements has "
                     f"{quoted(engagements.columns)}, and 'period' or the level columns "
                     f"{quoted(LEVEL_COLUMNS)} can be derived")


# --------------------------------------------------------------------------------------
# Levels
# --------------------------------------------------------------------------------------

def _office_ranks(offices: pd.Series, *, column: str, func: str) -> np.ndarray:
    """Rank (1..3) of each office, mapping the distinct values only (fast on 10^6 rows)."""
    codes, uniques = pd.factorize(offices)
    if (codes < 0).any():
        raise ValueError(f"{func}: {column} has missing values; every engagement needs both offices")
    unknown = [u for u in uniques if u not in OFFICE_LEVEL]
    if unknown:
        raise ValueError(f"{func}: unknown office {unknown[0]!r} in {column}; allowed: {quoted(OFFICE_LEVEL)}")
    lookup = np.array([LEVEL_RANK[OFFICE_LEVEL[u]] for u in uniques], dtype=np.int64)
    return lookup[codes]


def level_columns(engagements: pd.DataFrame, *, func: str) -> dict[str, pd.Series]:
    require_columns(engagements, ("china_office", "russia_office"), name="engagements", func=func)
    index = engagements.index
    china_rank = _office_ranks(engagements["china_office"], column="china_office", func=func)
    russia_rank = _office_ranks(engagements["russia_office"], column="russia_office", func=func)

    def as_level(rank: np.ndarray) -> pd.Series:
        return pd.Series(pd.Categorical.from_codes(rank - 1, categories=list(LEVELS)), index=index)

    side_code = np.where(china_rank > russia_rank, 0, np.where(russia_rank > china_rank, 1, 2))
    return {
        "china_level": as_level(china_rank),
        "russia_level": as_level(russia_rank),
        "china_rank": pd.Series(china_rank, index=index, dtype="int64"),
        "russia_rank": pd.Series(russia_rank, index=index, dtype="int64"),
        # The meeting happens at the level of the lower-ranked principal (larger rank number).
        "level": as_level(np.maximum(china_rank, russia_rank)),
        "protocol_gap": pd.Series(russia_rank - china_rank, index=index, dtype="int64"),
        "lower_ranked_side": pd.Series(
            pd.Categorical.from_codes(side_code, categories=list(LOWER_RANKED_SIDES)), index=index),
    }


def add_levels(engagements: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``engagements`` with the office levels of both principals.

    Parameters
    ----------
    engagements : DataFrame
        Needs ``china_office`` and ``russia_office`` (values of the data package's office
        enum). Not modified.

    Returns
    -------
    DataFrame
        A copy with seven new columns (existing columns of the same name are replaced):

        ``china_level``, ``russia_level``
            Level of each principal's office (categorical with categories :data:`LEVELS`,
            unordered; use the rank columns to compare).
        ``china_rank``, ``russia_rank``
            Rank of that level, int64: 1 = leader, 2 = head of government, 3 = minister.
        ``level``
            **Definition:** the level of the *lower-ranked* principal, i.e. the level at
            which both sides actually met. A leader-level engagement needs two leaders;
            Xi (leader) with Medvedev as prime minister is a head-of-government-level
            engagement. Categorical with :data:`LEVELS`.
        ``protocol_gap``
            ``russia_rank - china_rank`` (int64, unit: rank steps, -2..2). Positive: the
            Soviet/Russian principal ranked lower (e.g. Xi with Security Council secretary
            Shoigu: 3 - 1 = 2); negative: the Chinese principal ranked lower; 0: equal rank.
        ``lower_ranked_side``
            The side that sent the lower-ranked principal: ``"china"``, ``"russia"`` or
            ``"equal"`` (categorical with :data:`LOWER_RANKED_SIDES`).

    Raises
    ------
    ValueError
        A column is missing, an office is missing or not in :data:`OFFICE_LEVEL`.

    Notes
    -----
    Caveats: levels are functional, not protocol ranks. All three leader offices rank
    equally (Deng as Military Commission chairman meeting Gorbachev as head of state is
    an equal-rank leader engagement), and the Soviet/Russian head of state and party
    leader are not distinguished either. A principal acting in an office other than his
    highest one is levelled by the office coded in the engagement.
    """
    func = "add_levels"
    derived = level_columns(engagements, func=func)
    result = engagements.copy()
    for name, values in derived.items():
        result[name] = values
    return result


def compute_protocol_asymmetry(engagements: pd.DataFrame, *, by: str | None = None) -> pd.DataFrame:
    """Count engagements of equal rank and those where one side sent a lower-ranked principal.

    Definition: each engagement is classified by ``lower_ranked_side`` (see
    :func:`add_levels`): equal rank, China's principal lower-ranked, or the Soviet/Russian
    principal lower-ranked.

    Parameters
    ----------
    engagements : DataFrame
        Needs ``china_office`` and ``russia_office`` (the level columns are derived here;
        an existing ``lower_ranked_side`` is ignored so the count always follows the offices).
        Not modified.
    by : str, optional
        Column to group by, e.g. ``"pairing"`` (see :func:`analysis.indicators.pairings.add_pairing`),
        ``"period"`` (derived with the default breaks if missing) or ``"mode"``. A
        categorical keeps all its categories (zero rows included); rows whose group is
        missing are left out.

    Returns
    -------
    DataFrame
        One row (``by=None``) or one row per group (the group in column ``by``), with
        ``n_engagements``, ``n_equal``, ``n_china_lower``, ``n_russia_lower`` (counts of
        engagements, int64) and ``share_equal`` = n_equal / n_engagements (unit: fraction
        0..1; NaN for a group without engagements).

    Notes
    -----
    Caveat: rank is by functional level only (see :func:`add_levels`), so differences
    within a level (president vs party leader, foreign vs defence minister) are invisible.
    """
    func = "compute_protocol_asymmetry"
    derived = level_columns(engagements, func=func)
    side_codes = derived["lower_ranked_side"].cat.codes.to_numpy(dtype=np.int64)
    if by is None:
        key, key_name = None, None
        row_codes, n_rows = np.zeros(len(side_codes), dtype=np.int64), 1
    else:
        group = group_series(engagements, by, func=func)
        row_codes, groups = factor_codes(group)
        key, key_name, n_rows = key_column(groups, group), by, len(groups)
    counts = count_matrix(row_codes, n_rows, side_codes, len(LOWER_RANKED_SIDES))
    total = counts.sum(axis=1)
    n_equal = counts[:, LOWER_RANKED_SIDES.index("equal")]
    return summary_frame(key_name, key, {
        "n_engagements": total,
        "n_equal": n_equal,
        "n_china_lower": counts[:, LOWER_RANKED_SIDES.index("china")],
        "n_russia_lower": counts[:, LOWER_RANKED_SIDES.index("russia")],
        "share_equal": safe_divide(n_equal, total),
    })
