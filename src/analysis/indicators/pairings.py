"""Leadership pairings (e.g. Xi–Putin): the periods in which two effective leaders were both in power.

Pairings are the overlaps of the two sides' effective-leader terms (:mod:`analysis.indicators.leaders`,
from the data package's ``leaders`` table): every pairing appears, including those with no
meeting at all (:func:`compute_pairing_rates` lists them with 0). Interval convention: ``start``
is the first day, ``end`` is exclusive; ``years = (end - start).days / 365.25``.

A pairing's rate counts the engagements of the chosen universes in the overlap of the pairing's
tenure, the analysis window ``[start_year, end_year]`` and the periods in which the record of every
chosen universe is complete (``coverage``); numerator and denominator use the same days.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis.codes import MEETING_UNIVERSES
from analysis.indicators.common import require_columns, safe_divide
from analysis.indicators.coverage import compute_complete_windows, filter_universes, window_bounds
from analysis.indicators.leaders import compute_leaders

__all__ = [
    "add_pairing",
    "compute_pairing_rates",
    "compute_pairings",
]

DAYS_PER_YEAR = 365.25


def compute_pairings(leaders: pd.DataFrame, persons: pd.DataFrame, *, as_of: Any = None) -> pd.DataFrame:
    """Leadership pairings: the periods in which a given Chinese and Soviet/Russian leader were both in power.

    Definition: the intersections of the two sides' intervals from :func:`compute_leaders`.

    Parameters
    ----------
    leaders, persons : DataFrame
        The ``leaders`` table (effective leaders) and ``persons`` (``person_id``, ``name``). Not modified.
    as_of : date-like, optional
        End of observation (exclusive), as in :func:`compute_leaders`. Default: today.

    Returns
    -------
    DataFrame
        One row per overlap, sorted by start: ``pairing`` (label "China–Russia" of family names,
        e.g. "Xi–Putin": the first word of a Chinese name, the last word of a Russian one; the full
        names if two different pairs would share a label), ``china_person_id``,
        ``russia_person_id``, ``start``, ``end`` (exclusive), ``years``. A pair whose overlap is
        interrupted (Jiang–Putin around nothing; Hu–Putin 2002–2008 and 2012, around Medvedev) gives
        separate rows with the same label.
    """
    func = "compute_pairings"
    require_columns(persons, ("person_id", "name"), name="persons", func=func)
    terms = compute_leaders(leaders, persons, as_of=as_of)
    china = terms[terms["side"] == "china"]
    russia = terms[terms["side"] == "russia"]
    # Each side's terms are sorted and disjoint (compute_leaders), so the Russian terms that
    # overlap a Chinese term form one contiguous run, found by binary search: O((n + m) log m + k)
    # for k overlaps, where a cross join would build n × m rows.
    r_start = russia["start"].to_numpy(dtype="datetime64[ns]")
    r_end = russia["end"].to_numpy(dtype="datetime64[ns]")
    first = np.searchsorted(r_end, china["start"].to_numpy(dtype="datetime64[ns]"), side="right")
    stop = np.searchsorted(r_start, china["end"].to_numpy(dtype="datetime64[ns]"), side="left")
    runs = np.maximum(stop - first, 0)
    china_rows = np.repeat(np.arange(len(china)), runs)
    offsets = np.repeat(np.cumsum(runs) - runs, runs)          # where each Chinese term's run begins
    russia_rows = np.repeat(first, runs) + np.arange(runs.sum()) - offsets
    both = pd.concat([china.iloc[china_rows].add_suffix("_china").reset_index(drop=True),
                      russia.iloc[russia_rows].add_suffix("_russia").reset_index(drop=True)], axis=1)
    start = both[["start_china", "start_russia"]].max(axis=1)
    end = both[["end_china", "end_russia"]].min(axis=1)
    both = both.assign(start=start, end=end)[start < end].sort_values("start", kind="stable")

    family_china = both["name_china"].str.split().str[0]
    family_russia = both["name_russia"].str.split().str[-1]
    label = family_china + "–" + family_russia
    pair_key = both["person_id_china"] + "|" + both["person_id_russia"]
    # Same family names for different pairs would merge their rates: fall back to full names.
    clash = pair_key.groupby(label).transform("nunique") > 1
    label = label.where(~clash, both["name_china"] + "–" + both["name_russia"])

    return pd.DataFrame({
        "pairing": label.astype("string"),
        "china_person_id": both["person_id_china"].astype("string"),
        "russia_person_id": both["person_id_russia"].astype("string"),
        "start": both["start"].astype("datetime64[ns]"),
        "end": both["end"].astype("datetime64[ns]"),
        "years": (both["end"] - both["start"]).dt.days / DAYS_PER_YEAR,
    }).reset_index(drop=True)


def _check_pairings(pairings: pd.DataFrame, *, func: str) -> pd.DataFrame:
    require_columns(pairings, ("pairing", "start", "end"), name="pairings", func=func)
    if pairings["pairing"].isna().any() or pairings["start"].isna().any() or pairings["end"].isna().any():
        raise ValueError(f"{func}: pairings has missing pairing, start or end values")
    ordered = pairings.sort_values("start", kind="stable").reset_index(drop=True)
    starts = ordered["start"].to_numpy(dtype="datetime64[ns]")
    ends = ordered["end"].to_numpy(dtype="datetime64[ns]")
    if (starts >= ends).any():
        raise ValueError(f"{func}: pairings has an interval whose start is not before its end")
    if (starts[1:] < ends[:-1]).any():
        raise ValueError(f"{func}: pairings overlap in time; pass the output of compute_pairings")
    return ordered


def _pairing_codes(start_dates: pd.Series, ordered: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Code of the label in force on each date (-1 if none): binary search, O(n log m)."""
    labels = list(pd.unique(ordered["pairing"].astype("string")))
    label_code = pd.Categorical(ordered["pairing"].astype("string"), categories=labels).codes.astype(np.int64)
    starts = ordered["start"].to_numpy(dtype="datetime64[ns]")
    ends = ordered["end"].to_numpy(dtype="datetime64[ns]")
    dates = start_dates.to_numpy(dtype="datetime64[ns]")
    idx = np.searchsorted(starts, dates, side="right") - 1
    safe = np.clip(idx, 0, None)
    inside = (idx >= 0) & (dates < ends[safe]) if len(starts) else np.zeros(len(dates), dtype=bool)
    codes = np.where(inside, label_code[safe] if len(starts) else -1, -1)
    return codes.astype(np.int64), labels


def add_pairing(engagements: pd.DataFrame, pairings: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``engagements`` with ``pairing``: the leadership pairing in force on its start date.

    Parameters
    ----------
    engagements : DataFrame
        Needs ``start_date``. Not modified.
    pairings : DataFrame
        Output of :func:`compute_pairings` (``pairing``, ``start``, ``end`` exclusive;
        intervals must not overlap).

    Returns
    -------
    DataFrame
        A copy with ``pairing``: categorical whose categories are the labels in
        chronological order (so grouping shows pairings without engagements too); NA when
        no pairing was in force (or the date is on or after ``as_of``).

    Notes
    -----
    Caveat: the pairing is the *era* of the two leaders, whoever the principals were: a
    foreign ministers' meeting in 2015 is labelled Xi–Putin.
    """
    func = "add_pairing"
    require_columns(engagements, ("start_date",), name="engagements", func=func)
    ordered = _check_pairings(pairings, func=func)
    codes, labels = _pairing_codes(engagements["start_date"], ordered)
    result = engagements.copy()
    result["pairing"] = pd.Series(pd.Categorical.from_codes(codes, categories=labels), index=engagements.index)
    return result


def compute_pairing_rates(engagements: pd.DataFrame, pairings: pd.DataFrame, *,
                          coverage: pd.DataFrame | None = None,
                          universes: Sequence[str] | None = MEETING_UNIVERSES,
                          start_year: int | None = None, end_year: int | None = None) -> pd.DataFrame:
    """Engagements per year of shared tenure, per leadership pairing, counted where the record is complete.

    Definition: for each pairing, the *window* is the overlap of its intervals with the analysis
    window ``[start_year-01-01, (end_year+1)-01-01)`` and, when ``coverage`` is given, with the
    periods in which every universe of ``universes`` is complete.
    ``rate_per_year = n_engagements / years``, where ``n_engagements`` counts the engagements of
    ``universes`` starting in the window and ``years`` is the window's length.

    Parameters
    ----------
    engagements : DataFrame
        Needs ``start_date``, and ``universe`` or the columns to derive it (``china_office``,
        ``russia_office``, ``mode``) unless ``universes`` is None. Not modified.
    pairings : DataFrame
        Output of :func:`compute_pairings`.
    coverage : DataFrame, optional
        The data package's ``coverage`` table. Without it, no period is excluded for coverage.
    universes : sequence of str or None
        Universes counted (default: the complete meeting universes leader, head_of_government,
        cross_level). None counts every engagement passed.
    start_year, end_year : int, optional
        The analysis window (inclusive years).

    Returns
    -------
    DataFrame
        One row per pairing label with a non-empty window, in chronological order, pairings
        without engagements included with 0: ``pairing``, ``china_person_id``,
        ``russia_person_id``, ``start`` (first day of the window), ``end`` (exclusive end of the
        window), ``n_intervals``, ``years``, ``n_engagements`` (int64), ``rate_per_year``.
        A pairing whose window is empty (outside the years or the complete coverage) is absent.
    """
    func = "compute_pairing_rates"
    require_columns(engagements, ("start_date",), name="engagements", func=func)
    ordered = _check_pairings(pairings, func=func)
    selected = engagements if universes is None else filter_universes(engagements, universes)
    if coverage is not None:
        windows = compute_complete_windows(coverage, universes=universes or MEETING_UNIVERSES,
                                           start_year=start_year, end_year=end_year)
        spans = list(zip(windows["start"], windows["end"], strict=True))
    else:
        spans = [window_bounds(start_year, end_year)]
    dates = selected["start_date"].to_numpy(dtype="datetime64[ns]")
    rows = []
    for label, group in ordered.groupby(ordered["pairing"].astype("string"), sort=False):
        pieces = []
        for interval in group.itertuples(index=False):
            for span_start, span_end in spans:
                start, end = max(interval.start, span_start), min(interval.end, span_end)
                if start < end:
                    pieces.append((start, end))
        if not pieces:
            continue
        count = sum(int(((dates >= np.datetime64(s, "ns")) & (dates < np.datetime64(e, "ns"))).sum())
                    for s, e in pieces)
        rows.append({
            "pairing": label,
            "china_person_id": group["china_person_id"].iloc[0] if "china_person_id" in group else pd.NA,
            "russia_person_id": group["russia_person_id"].iloc[0] if "russia_person_id" in group else pd.NA,
            "start": min(p[0] for p in pieces), "end": max(p[1] for p in pieces),
            "n_intervals": len(pieces),
            "years": sum((e - s).days for s, e in pieces) / DAYS_PER_YEAR,
            "n_engagements": count,
        })
    columns = ["pairing", "china_person_id", "russia_person_id", "start", "end", "n_intervals", "years",
               "n_engagements"]
    summary = pd.DataFrame(rows, columns=columns).sort_values("start", kind="stable").reset_index(drop=True)
    summary = summary.astype({"pairing": "string", "china_person_id": "string", "russia_person_id": "string",
                              "start": "datetime64[ns]", "end": "datetime64[ns]", "n_intervals": np.int64,
                              "years": float, "n_engagements": np.int64})
    summary["rate_per_year"] = safe_divide(summary["n_engagements"].to_numpy(), summary["years"].to_numpy())
    return summary
