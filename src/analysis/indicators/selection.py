"""The article's selection measured against the complete record.

The article describes a selection of meetings. With a record that is complete in declared
universes, the selection becomes measurable: per period and universe, how many engagements
happened and how many the article describes (``in_article``); which settings it leaves out
(multilateral sidelines, calls, premiers' meetings); and whether its headline contrasts — the
1960–1988 silence, the rise under Xi — hold on the complete record, as rates per year of complete
coverage, for the record and for the article's selection alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis.codes import MEETING_UNIVERSES, UNIVERSES
from analysis.indicators.common import check_choices, require_columns, safe_divide
from analysis.indicators.coverage import add_universe, compute_complete_windows
from analysis.indicators.periods import PERIOD_BREAKS, PERIOD_LABELS, add_period, check_breaks

__all__ = [
    "SETTINGS",
    "add_setting",
    "compute_article_selection",
    "compute_era_rates",
    "compute_headline_contrasts",
    "compute_omitted_kinds",
]

SETTINGS: tuple[str, ...] = ("bilateral_visit", "multilateral", "remote")
"""Where an engagement took place: a bilateral visit, a multilateral event (its sidelines), or remotely."""


def add_setting(engagements: pd.DataFrame) -> pd.DataFrame:
    """Return a copy with ``setting``: ``remote`` (not in person), ``multilateral`` (a ``forum`` is
    coded) or ``bilateral_visit`` (in person, no forum)."""
    require_columns(engagements, ("mode", "forum"), name="engagements", func="add_setting")
    remote = engagements["mode"].astype(str).ne("in_person").to_numpy()
    forum = engagements["forum"].notna().to_numpy() & engagements["forum"].astype(str).ne("").to_numpy()
    codes = np.where(remote, 2, np.where(forum, 1, 0))
    result = engagements.copy()
    result["setting"] = pd.Series(pd.Categorical.from_codes(codes, categories=list(SETTINGS)), index=engagements.index)
    return result


def _prepared(engagements: pd.DataFrame, func: str) -> pd.DataFrame:
    require_columns(engagements, ("start_date", "in_article"), name="engagements", func=func)
    return engagements if "universe" in engagements.columns else add_universe(engagements)


def _counts(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    grouped = frame.groupby(keys, observed=False)
    table = pd.DataFrame({"n_record": grouped.size(),
                          "n_in_article": grouped["in_article"].sum()}).reset_index()
    table["n_record"] = table["n_record"].astype(np.int64)
    table["n_in_article"] = table["n_in_article"].astype(np.int64)
    table["share_described"] = safe_divide(table["n_in_article"].to_numpy(), table["n_record"].to_numpy())
    return table


def compute_article_selection(engagements: pd.DataFrame, coverage: pd.DataFrame | None = None, *,
                              breaks: Sequence[int] = PERIOD_BREAKS, labels: Sequence[str] | None = None
                              ) -> pd.DataFrame:
    """Per period and universe: engagements in the record, those the article describes, the share.

    Returns
    -------
    DataFrame
        ``period``, ``universe``, ``n_record``, ``n_in_article``, ``share_described`` (NaN where the
        record holds none), and with ``coverage`` the ``status`` of the record there: the weakest
        status of the coverage rows overlapping the period (``complete`` > ``partial`` >
        ``sample``). Every period × universe combination appears.
    """
    frame = add_period(_prepared(engagements, "compute_article_selection"), breaks=breaks, labels=labels)
    table = _counts(frame, ["period", "universe"])
    if coverage is not None:
        table["status"] = _period_status(table, coverage, breaks)
    return table


def _period_status(table: pd.DataFrame, coverage: pd.DataFrame, breaks: Sequence[int]) -> list[str]:
    rank = {"complete": 0, "partial": 1, "sample": 2}
    bounds = [pd.Timestamp(year, 1, 1) for year in breaks] + [pd.Timestamp("2200-01-01")]
    labels = list(table["period"].cat.categories)
    out = []
    for row in table.itertuples(index=False):
        i = labels.index(row.period)
        start, end = bounds[i], bounds[i + 1]
        rows = coverage[(coverage["universe"].astype(str) == str(row.universe))
                        & (coverage["start_date"] < end) & (coverage["end_date"] >= start)]
        statuses = sorted(rows["status"].astype(str), key=rank.get)
        out.append(statuses[-1] if statuses else "not covered")
    return out


def compute_omitted_kinds(engagements: pd.DataFrame) -> pd.DataFrame:
    """What kinds of engagement the article leaves out: per universe and setting, the record against the article.

    Returns
    -------
    DataFrame
        ``universe``, ``setting`` (see :func:`add_setting`), ``n_record``, ``n_in_article``,
        ``share_described``; every combination appears.
    """
    frame = add_setting(_prepared(engagements, "compute_omitted_kinds"))
    return _counts(frame, ["universe", "setting"])


def compute_era_rates(engagements: pd.DataFrame, coverage: pd.DataFrame, *,
                      universes: Any = MEETING_UNIVERSES, breaks: Sequence[int] = PERIOD_BREAKS,
                      labels: Sequence[str] | None = None, start_year: int | None = None,
                      end_year: int | None = None) -> pd.DataFrame:
    """Engagements per year in each period, on the complete record and in the article's selection.

    Definition: for each period, ``years`` is the length of its overlap with the analysis window
    and with the periods in which every universe of ``universes`` is complete;
    ``rate_record = n_record / years`` counts every engagement of those universes starting in that
    overlap, ``rate_in_article`` those the article describes. The article's headline contrasts
    (no meetings 1960–1988; a rise under Xi) can be read off both columns.

    Returns
    -------
    DataFrame
        ``period``, ``years``, ``n_record``, ``n_in_article``, ``rate_record``, ``rate_in_article``;
        periods without complete coverage have ``years`` 0 and NaN rates.
    """
    func = "compute_era_rates"
    chosen = check_choices(universes, UNIVERSES, param="universes", what="universe", func=func) or UNIVERSES
    frame = _prepared(engagements, func)
    frame = frame[frame["universe"].isin(chosen).to_numpy(dtype=bool)]
    windows = compute_complete_windows(coverage, universes=chosen, start_year=start_year, end_year=end_year)
    breaks, period_labels = check_breaks(breaks, labels, func=func)
    edges = [pd.Timestamp(year, 1, 1) for year in breaks] + [pd.Timestamp("2200-01-01")]
    dates = frame["start_date"].to_numpy(dtype="datetime64[ns]")
    in_article = frame["in_article"].to_numpy(dtype=bool)
    rows = []
    for i, label in enumerate(period_labels):
        years, inside = 0.0, np.zeros(len(frame), dtype=bool)
        for window in windows.itertuples(index=False):
            start, end = max(window.start, edges[i]), min(window.end, edges[i + 1])
            if start < end:
                years += (end - start).days / 365.25
                inside |= (dates >= np.datetime64(start, "ns")) & (dates < np.datetime64(end, "ns"))
        rows.append({"period": label, "years": years, "n_record": int(inside.sum()),
                     "n_in_article": int((inside & in_article).sum())})
    table = pd.DataFrame(rows)
    table["period"] = pd.Categorical(table["period"], categories=list(period_labels), ordered=True)
    table["n_record"] = table["n_record"].astype(np.int64)
    table["n_in_article"] = table["n_in_article"].astype(np.int64)
    table["rate_record"] = safe_divide(table["n_record"].to_numpy(), table["years"].to_numpy())
    table["rate_in_article"] = safe_divide(table["n_in_article"].to_numpy(), table["years"].to_numpy())
    return table


def compute_headline_contrasts(era_rates: pd.DataFrame) -> pd.DataFrame:
    """The article's headline contrasts restated from :func:`compute_era_rates` (default periods).

    Returns
    -------
    DataFrame
        ``contrast``, ``record`` (on the complete record) and ``in_article`` (on the article's
        selection): the engagements of 1960–1988 (the article's "None"), the rates per year of
        1992–2012 and of the Xi era (2013–), and their ratio (Xi era / 1992–2012).
    """
    require_columns(era_rates, ("period", "n_record", "n_in_article", "rate_record", "rate_in_article"),
                    name="era_rates", func="compute_headline_contrasts")
    by = era_rates.assign(period=era_rates["period"].astype(str)).set_index("period")
    split, partnership, xi = PERIOD_LABELS[1], PERIOD_LABELS[3], PERIOD_LABELS[4]
    missing = [p for p in (split, partnership, xi) if p not in by.index]
    if missing:
        raise ValueError(f"compute_headline_contrasts: era_rates lacks the default period(s) {missing}; "
                         "compute it with the default breaks")
    rows = [
        ("engagements 1960-1988", by.at[split, "n_record"], by.at[split, "n_in_article"]),
        ("engagements per year 1992-2012", by.at[partnership, "rate_record"], by.at[partnership, "rate_in_article"]),
        ("engagements per year 2013-", by.at[xi, "rate_record"], by.at[xi, "rate_in_article"]),
    ]
    ratio_record = safe_divide(np.array([rows[2][1]]), np.array([rows[1][1]]))[0]
    ratio_article = safe_divide(np.array([rows[2][2]]), np.array([rows[1][2]]))[0]
    rows.append(("ratio of the rates, 2013- / 1992-2012", ratio_record, ratio_article))
    return pd.DataFrame({"contrast": [r[0] for r in rows],
                         "record": np.array([r[1] for r in rows], dtype=float),
                         "in_article": np.array([r[2] for r in rows], dtype=float)})
