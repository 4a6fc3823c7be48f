"""The periodisation used to group every indicator (:func:`add_period`).

The periods here are analysis bins; they are unrelated to the dataset's ``periods`` table, which
records stretches the article describes as having no engagements.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis.indicators.common import start_years

__all__ = ["PERIOD_BREAKS", "PERIOD_LABELS", "add_period", "check_breaks", "compute_periods", "period_codes"]

PERIOD_BREAKS: tuple[int, ...] = (1949, 1960, 1989, 1992, 2013)
"""First year of each default period; the last period is open-ended."""

PERIOD_LABELS: tuple[str, ...] = (
    "1949–1959 alliance",
    "1960–1988 split",
    "1989–1991 normalisation",
    "1992–2012 post-Soviet partnership",
    "2013– Xi era",
)
"""Labels of the default periods, in order."""

# --------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------

def check_breaks(breaks: Any, labels: Any, *, func: str) -> tuple[tuple[int, ...], tuple[str, ...]]:
    if isinstance(breaks, (str, bytes)) or not isinstance(breaks, Iterable):
        raise ValueError(f"{func}: breaks must be a sequence of integer years, got {breaks!r}")
    breaks = tuple(breaks)
    if not breaks:
        raise ValueError(f"{func}: breaks is empty; give at least the first year")
    for year in breaks:
        if isinstance(year, (bool, np.bool_)) or not isinstance(year, (int, np.integer)):
            raise ValueError(f"{func}: breaks must be integer years, got {year!r}")
    breaks = tuple(int(y) for y in breaks)
    for earlier, later in itertools.pairwise(breaks):
        if later <= earlier:
            raise ValueError(f"{func}: breaks must be strictly increasing, got {breaks!r}")
    if labels is None:
        if breaks == PERIOD_BREAKS:
            return breaks, PERIOD_LABELS
        ends = [f"{later - 1}" for later in breaks[1:]] + [""]
        return breaks, tuple(f"{start}–{end}" for start, end in zip(breaks, ends, strict=False))
    if isinstance(labels, str) or not isinstance(labels, Iterable):
        raise ValueError(f"{func}: labels must be a sequence of strings, got {labels!r}")
    labels = tuple(labels)
    if len(labels) != len(breaks):
        raise ValueError(f"{func}: {len(labels)} labels for {len(breaks)} breaks; give one label per break")
    if not all(isinstance(label, str) and label for label in labels) or len(set(labels)) != len(labels):
        raise ValueError(f"{func}: labels must be distinct non-empty strings, got {labels!r}")
    return breaks, labels


def period_codes(years: np.ndarray, breaks: Any, labels: Any, *,
                  func: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """Index of the period holding each year (-1 before the first break) and the labels."""
    breaks, labels = check_breaks(breaks, labels, func=func)
    codes = np.searchsorted(np.asarray(breaks, dtype=np.int64), years, side="right") - 1
    return codes.astype(np.int64), labels


def add_period(engagements: pd.DataFrame, *, breaks: Sequence[int] = PERIOD_BREAKS,
               labels: Sequence[str] | None = None) -> pd.DataFrame:
    """Return a copy of ``engagements`` with ``period``, the period of its start year.

    Default periods (:data:`PERIOD_BREAKS`, :data:`PERIOD_LABELS`), by start-date year:

    * 1949–1959 alliance (the 1950 treaty to the eve of the split);
    * 1960–1988 split (the Sino-Soviet split; the article's period without meetings);
    * 1989–1991 normalisation (Gorbachev in Beijing to the end of the USSR);
    * 1992–2012 post-Soviet partnership (Yeltsin, Putin, Medvedev with Jiang and Hu);
    * 2013– Xi era (Xi as head of state; the Xi–Putin pairing starts with his party
      leadership in November 2012, whose last weeks fall in the 1992–2012 period).

    Parameters
    ----------
    engagements : DataFrame
        Needs ``start_date``. Not modified.
    breaks : sequence of int
        First year of each period, strictly increasing; the last period is open-ended.
    labels : sequence of str, optional
        One distinct label per break (default: the labels above for the default breaks,
        ``"1949–1959"``-style labels otherwise).

    Returns
    -------
    DataFrame
        A copy with ``period``: ordered categorical of all labels (so grouped summaries
        list empty periods too); NA for years before the first break.

    Notes
    -----
    Caveat: the boundaries are analytical choices at year resolution: 1989 opens with
    Gorbachev's May visit and 1991 includes the last Soviet months; 1960 dates the split
    by the withdrawal of Soviet advisers.
    """
    func = "add_period"
    codes, labels = period_codes(start_years(engagements, func=func), breaks, labels, func=func)
    result = engagements.copy()
    result["period"] = pd.Series(pd.Categorical.from_codes(codes, categories=list(labels), ordered=True),
                                 index=engagements.index)
    return result


def compute_periods(engagements: pd.DataFrame, *, breaks: Sequence[int] = PERIOD_BREAKS,
                    labels: Sequence[str] | None = None) -> pd.DataFrame:
    """The periods of :func:`add_period` as a table, with their engagement counts.

    Returns
    -------
    DataFrame
        ``period`` (ordered categorical), ``start_year``, ``end_year`` (Int64, inclusive;
        NA for the open last period), ``n_engagements`` (int64; engagements before the
        first break are not counted).
    """
    func = "compute_periods"
    breaks, labels = check_breaks(breaks, labels, func=func)
    period = add_period(engagements, breaks=breaks, labels=labels)["period"]
    codes = period.cat.codes.to_numpy(dtype=np.int64)
    counts = np.bincount(codes[codes >= 0], minlength=len(labels)).astype(np.int64)
    return pd.DataFrame({
        "period": pd.Categorical(labels, categories=list(labels), ordered=True),
        "start_year": np.asarray(breaks, dtype=np.int64),
        "end_year": pd.array([later - 1 for later in breaks[1:]] + [None], dtype="Int64"),
        "n_engagements": counts,
    })


