"""Universes and coverage: which engagements belong together, and for which periods the record is complete.

Every engagement belongs to one universe, derived from its principals' offices and its mode
(:func:`analysis.codes.universe_of`). The data package's ``coverage`` table says, per universe and
period, whether the record is ``complete``, ``partial`` or a ``sample``. Indicators that compare
periods (rates, per-year counts) count within universes and divide by time only where every
universe counted is complete, so a census is never compared with a selection.

Interval convention: ``start`` is the first day, ``end`` is exclusive (the coverage table's
inclusive ``end_date`` plus one day).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis.codes import MEETING_UNIVERSES, UNIVERSES, universe_of
from analysis.indicators.common import check_choices, check_year_range, require_columns

__all__ = [
    "COVERAGE_STATUSES",
    "add_universe",
    "compute_complete_windows",
    "compute_coverage_summary",
    "filter_universes",
    "window_bounds",
]

COVERAGE_STATUSES: tuple[str, ...] = ("complete", "partial", "sample")
ONE_DAY = pd.Timedelta(days=1)


def add_universe(engagements: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``engagements`` with ``universe`` (ordered categorical of :data:`UNIVERSES`).

    Needs ``china_office``, ``russia_office`` and ``mode``. The rule is
    :func:`analysis.codes.universe_of`: minister if either principal is a minister; remote for calls
    of leaders and premiers (the premiers' video meetings stay ``head_of_government``); otherwise
    leader, head_of_government or cross_level by the two principals' levels.
    """
    func = "add_universe"
    require_columns(engagements, ("china_office", "russia_office", "mode"), name="engagements", func=func)
    keys = engagements[["china_office", "russia_office", "mode"]].astype(str)
    # map the distinct combinations only (a few dozen), then broadcast
    combos = keys.drop_duplicates()
    lookup = {tuple(row): universe_of(*row) for row in combos.itertuples(index=False)}
    values = [lookup[tuple(row)] for row in keys.itertuples(index=False)]
    result = engagements.copy()
    result["universe"] = pd.Series(pd.Categorical(values, categories=list(UNIVERSES), ordered=True),
                                   index=engagements.index)
    return result


def filter_universes(engagements: pd.DataFrame, universes: Any = MEETING_UNIVERSES) -> pd.DataFrame:
    """The engagements of the given universes (``universe`` is added when missing)."""
    chosen = check_choices(universes, UNIVERSES, param="universes", what="universe", func="filter_universes")
    frame = engagements if "universe" in engagements.columns else add_universe(engagements)
    if chosen is None:
        return frame.copy()
    return frame[frame["universe"].isin(chosen).to_numpy(dtype=bool)].copy()


def window_bounds(start_year: int | None, end_year: int | None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The analysis window ``[start_year-01-01, (end_year+1)-01-01)``; None = unbounded (1949-10-01 / far future)."""
    start, end = check_year_range(start_year, end_year, func="window_bounds")
    first = pd.Timestamp(start, 1, 1) if start is not None else pd.Timestamp("1949-10-01")
    last = pd.Timestamp(end + 1, 1, 1) if end is not None else pd.Timestamp("2200-01-01")
    return first, last


def _intervals(coverage: pd.DataFrame, universe: str) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    rows = coverage[(coverage["universe"].astype(str) == universe)
                    & (coverage["status"].astype(str) == "complete")]
    spans = sorted((row.start_date, row.end_date + ONE_DAY) for row in rows.itertuples(index=False))
    merged: list[tuple[pd.Timestamp, pd.Timestamp]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _intersect(a: list[tuple], b: list[tuple]) -> list[tuple]:
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def compute_complete_windows(coverage: pd.DataFrame, *, universes: Sequence[str] = MEETING_UNIVERSES,
                             start_year: int | None = None, end_year: int | None = None) -> pd.DataFrame:
    """The periods in which every one of ``universes`` is complete, clipped to the analysis window.

    Returns
    -------
    DataFrame
        ``start`` (first day), ``end`` (exclusive), ``years`` (days / 365.25), in order; empty when
        some universe is never complete (e.g. ``minister``, a sample).
    """
    func = "compute_complete_windows"
    require_columns(coverage, ("universe", "start_date", "end_date", "status"), name="coverage", func=func)
    chosen = check_choices(universes, UNIVERSES, param="universes", what="universe", func=func)
    windows = [window_bounds(start_year, end_year)]
    for universe in chosen or UNIVERSES:
        windows = _intersect(windows, _intervals(coverage, universe))
    frame = pd.DataFrame({"start": pd.Series([w[0] for w in windows], dtype="datetime64[ns]"),
                          "end": pd.Series([w[1] for w in windows], dtype="datetime64[ns]")})
    frame["years"] = (frame["end"] - frame["start"]).dt.days / 365.25
    return frame


def compute_coverage_summary(engagements: pd.DataFrame, coverage: pd.DataFrame) -> pd.DataFrame:
    """The coverage table with the number of engagements each row holds.

    Returns
    -------
    DataFrame
        ``universe``, ``start_date``, ``end_date``, ``status``, ``n_engagements`` (engagements of the
        universe starting in the row's period), one row per coverage row, in the table's order.

    Raises
    ------
    ValueError
        When an engagement falls in no coverage row of its universe (the validator checks this
        for the shipped data).
    """
    func = "compute_coverage_summary"
    require_columns(coverage, ("universe", "start_date", "end_date", "status"), name="coverage", func=func)
    frame = engagements if "universe" in engagements.columns else add_universe(engagements)
    universe = frame["universe"].astype(str).to_numpy()
    start = frame["start_date"].to_numpy(dtype="datetime64[ns]")
    counted = np.zeros(len(frame), dtype=np.int64)
    counts = []
    for row in coverage.itertuples(index=False):
        inside = ((universe == str(row.universe)) & (start >= np.datetime64(row.start_date, "ns"))
                  & (start <= np.datetime64(row.end_date, "ns")))
        counted += inside
        counts.append(int(inside.sum()))
    if (counted == 0).any():
        first = frame.iloc[int(np.argmax(counted == 0))]
        raise ValueError(f"{func}: engagement {first.get('engagement_id', '?')} ({first['universe']}, "
                         f"{first['start_date']:%Y-%m-%d}) falls in no coverage row of its universe")
    return pd.DataFrame({
        "universe": coverage["universe"].astype(str).to_numpy(),
        "start_date": coverage["start_date"].to_numpy(),
        "end_date": coverage["end_date"].to_numpy(),
        "status": coverage["status"].astype(str).to_numpy(),
        "n_engagements": np.asarray(counts, dtype=np.int64),
    })
