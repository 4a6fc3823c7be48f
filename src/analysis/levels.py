"""Office levels of the principals and the protocol asymmetry between them.

The seven functional offices of the data package are grouped into three *levels*, ranked
1 (highest) to 3:

* rank 1, ``leader``: head_of_state, party_leader, military_commission_chair;
* rank 2, ``head_of_government``: head_of_government;
* rank 3, ``minister``: foreign_minister, defence_minister, security_council_secretary.

An engagement's ``level`` is the level of its *lower-ranked* principal: the level at which
both sides actually met (a leader-level engagement needs two leaders; Xi receiving the
Security Council secretary is a ministerial-level engagement with a protocol gap of 2).

This module also holds the private validation helpers shared by the sibling indicator
modules (:mod:`analysis.pairings`, :mod:`analysis.frequency`, :mod:`analysis.asymmetry`):
it imports nothing from them at module level, so they can all import from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .codes import LEVELS  # one definition, importable without pandas

__all__ = [
    "LEVELS",
    "LEVEL_RANK",
    "LOWER_RANKED_SIDES",
    "OFFICE_LEVEL",
    "add_levels",
    "compute_protocol_asymmetry",
]

OFFICE_LEVEL: dict[str, str] = {
    "head_of_state": "leader",
    "party_leader": "leader",
    "military_commission_chair": "leader",
    "head_of_government": "head_of_government",
    "foreign_minister": "minister",
    "defence_minister": "minister",
    "security_council_secretary": "minister",
}
"""Level of each office of the data package's ``office`` enum."""


LEVEL_RANK: dict[str, int] = {level: rank for rank, level in enumerate(LEVELS, start=1)}
"""Rank of each level, 1 = highest."""

LOWER_RANKED_SIDES: tuple[str, ...] = ("china", "russia", "equal")
"""Values of ``lower_ranked_side``."""

# Columns add_levels derives; _group_series derives them on the fly when asked to group
# by one of them, so callers need not call add_levels first.
LEVEL_COLUMNS: tuple[str, ...] = ("china_level", "russia_level", "china_rank", "russia_rank",
                                  "level", "protocol_gap", "lower_ranked_side")


# --------------------------------------------------------------------------------------
# Shared private helpers (used by the sibling indicator modules)
# --------------------------------------------------------------------------------------

def _check_frame(obj: Any, *, name: str, func: str) -> None:
    if not isinstance(obj, pd.DataFrame):
        raise TypeError(f"{func}: {name} must be a pandas DataFrame, not {type(obj).__name__}")


def _require_columns(frame: pd.DataFrame, columns: Iterable[str], *, name: str, func: str) -> None:
    _check_frame(frame, name=name, func=func)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{func}: {name} lacks column(s) {', '.join(map(repr, missing))}")


def _quoted(values: Iterable[Any]) -> str:
    return ", ".join(repr(v) for v in values)


def _check_choices(values: Any, allowed: Sequence[Any], *, param: str, what: str,
                   func: str) -> tuple[Any, ...] | None:
    """Normalise a filter argument (None, one value or an iterable) and check its values.

    Returns None for None; raises ValueError naming the first bad value and the allowed ones.
    """
    if values is None:
        return None
    if isinstance(values, str) or not isinstance(values, Iterable):
        values = (values,)
    values = tuple(values)
    if not values:
        raise ValueError(f"{func}: {param} is empty; pass None to keep every {what}")
    for value in values:
        if value not in allowed:
            raise ValueError(f"{func}: unknown {what} {value!r} in {param}; allowed: {_quoted(allowed)}")
    return values


def _check_int(value: Any, *, param: str, func: str) -> int | None:
    if value is None:
        return None
    # bool is an int subclass; True as a year is always a mistake.
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{func}: {param} must be an integer year, got {value!r}")
    return int(value)


def _check_year_range(start_year: Any, end_year: Any, *, func: str) -> tuple[int | None, int | None]:
    start = _check_int(start_year, param="start_year", func=func)
    end = _check_int(end_year, param="end_year", func=func)
    if start is not None and end is not None and start > end:
        raise ValueError(f"{func}: start_year ({start}) is after end_year ({end})")
    return start, end


def _check_bool(value: Any, *, param: str, func: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{func}: {param} must be True or False, got {value!r}")
    return bool(value)


def _codes(values: pd.Series, categories: Sequence[Any] | None = None) -> tuple[np.ndarray, list[Any]]:
    """Integer codes (-1 for missing or not in ``categories``) and the categories they index.

    Without ``categories``: a categorical keeps its own categories (so unobserved ones still
    get a zero-filled row or column); anything else uses its sorted distinct values.
    """
    if categories is not None:
        categories = list(categories)
        return pd.Categorical(values, categories=categories).codes.astype(np.int64), categories
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(dtype=np.int64), list(values.cat.categories)
    codes, uniques = pd.factorize(values, sort=True)
    return codes.astype(np.int64), list(uniques)


def _count_matrix(row_codes: np.ndarray, n_rows: int, col_codes: np.ndarray, n_cols: int) -> np.ndarray:
    """Cross-tabulate two code arrays into an ``(n_rows, n_cols)`` int64 array, zero-filled.

    Codes < 0 (missing) are left out. One ``bincount`` pass: linear in the number of rows.
    """
    keep = (row_codes >= 0) & (col_codes >= 0)
    flat = row_codes[keep] * n_cols + col_codes[keep]
    return np.bincount(flat, minlength=n_rows * n_cols).reshape(n_rows, n_cols).astype(np.int64)


def _key_column(categories: list[Any], source: pd.Series) -> pd.Series:
    """The grouping column of a summary table, keeping a categorical's dtype and order."""
    if isinstance(source.dtype, pd.CategoricalDtype):
        return pd.Series(pd.Categorical(categories, categories=source.cat.categories,
                                        ordered=source.cat.ordered))
    return pd.Series(categories, dtype=source.dtype if len(categories) else object)


def _group_series(engagements: pd.DataFrame, by: Any, *, func: str) -> pd.Series:
    """The column to group by: an existing column, or one that can be derived without extra tables."""
    if not isinstance(by, str):
        raise ValueError(f"{func}: by must be a column name (str) or None, got {by!r}")
    if by in engagements.columns:
        return engagements[by]
    if by in LEVEL_COLUMNS:
        return _level_columns(engagements, func=func)[by]
    if by == "period":
        # Late import: asymmetry imports this module.
        from .asymmetry import add_period

        return add_period(engagements)["period"]
    if by == "pairing":
        raise ValueError(f"{func}: by='pairing' needs a 'pairing' column; add it first with "
                         "add_pairing(engagements, compute_pairings(offices, persons))")
    raise ValueError(f"{func}: unknown column {by!r} for by; engagements has "
                     f"{_quoted(engagements.columns)}, and 'period' or the level columns "
                     f"{_quoted(LEVEL_COLUMNS)} can be derived")


def _rate(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator as float, NaN where the denominator is 0 (no division warnings)."""
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    out = np.full(numerator.shape, np.nan)
    np.divide(numerator, denominator, out=out, where=denominator != 0)
    return out


def _summary(key_name: str | None, key: pd.Series | None, columns: dict[str, Any]) -> pd.DataFrame:
    """Assemble a summary table: optional key column first, then ``columns``, RangeIndex."""
    data: dict[str, Any] = {}
    if key_name is not None:
        if key_name in columns:
            raise ValueError(f"grouping column {key_name!r} clashes with an output column")
        data[key_name] = key.reset_index(drop=True) if isinstance(key, pd.Series) else key
    data.update(columns)
    return pd.DataFrame(data)


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
        raise ValueError(f"{func}: unknown office {unknown[0]!r} in {column}; allowed: {_quoted(OFFICE_LEVEL)}")
    lookup = np.array([LEVEL_RANK[OFFICE_LEVEL[u]] for u in uniques], dtype=np.int64)
    return lookup[codes]


def _level_columns(engagements: pd.DataFrame, *, func: str) -> dict[str, pd.Series]:
    _require_columns(engagements, ("china_office", "russia_office"), name="engagements", func=func)
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
    derived = _level_columns(engagements, func=func)
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
        Column to group by, e.g. ``"pairing"`` (see :func:`analysis.pairings.add_pairing`),
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
    derived = _level_columns(engagements, func=func)
    side_codes = derived["lower_ranked_side"].cat.codes.to_numpy(dtype=np.int64)
    if by is None:
        key, key_name = None, None
        row_codes, n_rows = np.zeros(len(side_codes), dtype=np.int64), 1
    else:
        group = _group_series(engagements, by, func=func)
        row_codes, groups = _codes(group)
        key, key_name, n_rows = _key_column(groups, group), by, len(groups)
    counts = _count_matrix(row_codes, n_rows, side_codes, len(LOWER_RANKED_SIDES))
    total = counts.sum(axis=1)
    n_equal = counts[:, LOWER_RANKED_SIDES.index("equal")]
    return _summary(key_name, key, {
        "n_engagements": total,
        "n_equal": n_equal,
        "n_china_lower": counts[:, LOWER_RANKED_SIDES.index("china")],
        "n_russia_lower": counts[:, LOWER_RANKED_SIDES.index("russia")],
        "share_equal": _rate(n_equal, total),
    })
