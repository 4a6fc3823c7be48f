"""Meeting frequency: engagements per year and decade, cumulative counts, remote and level shares.

All time binning uses the calendar year of ``start_date`` (an engagement spanning New Year,
like Mao's visit of December 1949 to February 1950, counts in its first year). Counting is
done with one ``bincount`` over integer codes, so it is linear in the number of rows and
every bin in the requested range appears, zero-filled.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from analysis.codes import MODES, REMOTE_MODES  # one definition, importable without pandas
from analysis.indicators.common import (
    check_choices,
    check_year_range,
    count_matrix,
    factor_codes,
    require_columns,
    safe_divide,
    start_years,
    summary_frame,
)
from analysis.indicators.filters import levels_of, mode_categories
from analysis.indicators.levels import LEVELS, group_series
from analysis.indicators.periods import PERIOD_BREAKS, period_codes

__all__ = [
    "MODES",
    "REMOTE_MODES",
    "compute_cumulative",
    "compute_engagements_per_decade",
    "compute_engagements_per_year",
    "compute_level_share",
    "compute_remote_share",
]


FREQUENCIES: tuple[str, ...] = ("year", "decade", "period")


def _year_bins(years: np.ndarray, start_year: Any, end_year: Any, *,
               func: str) -> tuple[np.ndarray, np.ndarray]:
    """Year codes (-1 outside the range) and the zero-filled range of years."""
    first, last = check_year_range(start_year, end_year, func=func)
    if len(years):
        first = int(years.min()) if first is None else first
        last = int(years.max()) if last is None else last
    else:  # empty data: a range only if the caller fixed it
        first = last if first is None else first
        last = first if last is None else last
    if first is None:
        return np.full(len(years), -1, dtype=np.int64), np.array([], dtype=np.int64)
    if first > last:
        raise ValueError(f"{func}: start_year ({first}) is after end_year ({last}); "
                         "a default is the first or last year in the data")
    codes = np.where((years >= first) & (years <= last), years - first, -1)
    return codes, np.arange(first, last + 1, dtype=np.int64)


def _decade_bins(years: np.ndarray, start_year: Any, end_year: Any, *,
                 func: str) -> tuple[np.ndarray, np.ndarray]:
    year_codes, year_range = _year_bins(years, start_year, end_year, func=func)
    if not len(year_range):
        return year_codes, year_range
    first = year_range[0] // 10 * 10
    decades = np.arange(first, year_range[-1] // 10 * 10 + 1, 10, dtype=np.int64)
    codes = np.where(year_codes >= 0, (years // 10 * 10 - first) // 10, -1)
    return codes, decades


def _binned_counts(engagements: pd.DataFrame, codes: np.ndarray, bins: Any, bin_name: str,
                   by: str | None, *, func: str) -> pd.DataFrame:
    n_bins = len(bins)
    total = np.bincount(codes[codes >= 0], minlength=n_bins).astype(np.int64)
    columns: dict[str, Any] = {"n_engagements": total}
    if by is not None:
        group = group_series(engagements, by, func=func)
        group_codes, categories = factor_codes(group)
        matrix = count_matrix(codes, n_bins, group_codes, len(categories))
        for j, category in enumerate(categories):
            name = str(category)
            if name in (bin_name, "n_engagements"):
                raise ValueError(f"{func}: category {name!r} of {by!r} clashes with an output column")
            columns[name] = matrix[:, j]
    return summary_frame(bin_name, pd.Series(bins), columns)


def compute_engagements_per_year(engagements: pd.DataFrame, *, start_year: int | None = None,
                                 end_year: int | None = None, by: str | None = None) -> pd.DataFrame:
    """Number of engagements per calendar year, every year of the range present.

    Definition: count of engagements whose ``start_date`` falls in the year.
    Unit: engagements per year.

    Parameters
    ----------
    engagements : DataFrame
        Needs ``start_date`` (and the ``by`` column, unless derivable). Not modified.
    start_year, end_year : int, optional
        Inclusive range (default: first and last year in the data). Every year of the
        range gets a row, 0 when nothing happened; engagements outside are not counted.
        Pass ``start_year=1949`` for the article's full span.
    by : str, optional
        Break the count down by a column, e.g. ``"level"`` or ``"period"`` (derived if
        missing), ``"mode"`` or ``"pairing"``: one column per category (all categories of a
        categorical, zero-filled; column labels are ``str(category)``).

    Returns
    -------
    DataFrame
        ``year`` (int64), ``n_engagements`` (int64, all engagements of the year) and, with
        ``by``, one int64 column per category. Rows whose ``by`` value is missing (e.g.
        no pairing in force) count in ``n_engagements`` only.

    Notes
    -----
    Caveats: an engagement counts once however long it lasts and however many meetings it
    held; the engagements of one trip (``trip_id``) count separately. Years are those of
    the start date, so partial dates (``date_precision`` month/year) fall in the right
    year but may not be the first meeting of that year.
    """
    func = "compute_engagements_per_year"
    years = start_years(engagements, func=func)
    codes, bins = _year_bins(years, start_year, end_year, func=func)
    return _binned_counts(engagements, codes, bins, "year", by, func=func)


def compute_engagements_per_decade(engagements: pd.DataFrame, *, by: str | None = None,
                                   start_year: int | None = None,
                                   end_year: int | None = None) -> pd.DataFrame:
    """Number of engagements per decade, every decade of the range present.

    Definition: count of engagements whose ``start_date`` year lies in the decade
    (``decade`` = first year, e.g. 1950 for 1950–1959). Unit: engagements per decade.

    Parameters
    ----------
    engagements : DataFrame
        Needs ``start_date``. Not modified.
    by : str, optional
        As in :func:`compute_engagements_per_year`.
    start_year, end_year : int, optional
        Only engagements in these years (inclusive) count; decades from the one holding
        ``start_year`` to the one holding ``end_year`` (default: the data's range).

    Returns
    -------
    DataFrame
        ``decade`` (int64), ``n_engagements`` and, with ``by``, one column per category.

    Notes
    -----
    Caveat: the first and last decades are usually partial (1949 alone stands for the
    1940s; the 2020s run to the data's end), so compare their counts with care.
    """
    func = "compute_engagements_per_decade"
    years = start_years(engagements, func=func)
    codes, bins = _decade_bins(years, start_year, end_year, func=func)
    return _binned_counts(engagements, codes, bins, "decade", by, func=func)


def compute_cumulative(engagements: pd.DataFrame, *, china_person_id: str, russia_person_id: str,
                       modes: Any = None, persons: pd.DataFrame | None = None) -> pd.DataFrame:
    """Running count of the engagements between one pair of principals.

    Definition: engagements whose Chinese principal is ``china_person_id`` and whose
    Soviet/Russian principal is ``russia_person_id`` (optionally only in ``modes``), in
    order of start date then engagement id; ``cumulative`` is 1 for the first, n for the
    n-th. Unit: engagements.

    Parameters
    ----------
    engagements : DataFrame
        Needs ``start_date``, ``engagement_id``, ``mode``, ``china_person_id``,
        ``russia_person_id``. Not modified.
    china_person_id, russia_person_id : str
        The pair (required). Each must occur on its side of ``engagements`` (or, when
        ``persons`` is given, in ``persons.person_id``), so a typo or a swapped pair raises
        instead of returning an empty table.
    modes : str or iterable of str, optional
        Keep only these modes (e.g. ``"in_person"``); default all.
    persons : DataFrame, optional
        The persons table. Pass it when ``engagements`` is a filtered selection, in which a
        valid pair may not occur: the result is then an empty table, not an error.

    Returns
    -------
    DataFrame
        ``start_date``, ``engagement_id``, ``mode``, ``cumulative`` (int64), one row per
        engagement; empty when the two never met in those modes.

    Notes
    -----
    Caveat: counts engagements, not days together; a trip with two meetings of the same
    pair would count twice.
    """
    func = "compute_cumulative"
    require_columns(engagements, ("start_date", "engagement_id", "mode", "china_person_id",
                                   "russia_person_id"), name="engagements", func=func)
    for param, value, column in (("china_person_id", china_person_id, "china_person_id"),
                                 ("russia_person_id", russia_person_id, "russia_person_id")):
        if not isinstance(value, str) or not value:
            raise ValueError(f"{func}: {param} must be a non-empty person id string, got {value!r}")
        if persons is not None:
            if not (persons["person_id"] == value).any():
                raise ValueError(f"{func}: {param} {value!r} does not occur in persons['person_id']")
        elif not (engagements[column] == value).any():
            raise ValueError(f"{func}: {param} {value!r} does not occur in engagements[{column!r}]")
    modes = check_choices(modes, mode_categories(engagements), param="modes", what="mode", func=func)
    mask = ((engagements["china_person_id"] == china_person_id)
            & (engagements["russia_person_id"] == russia_person_id)).fillna(False)
    if modes is not None:
        mask &= engagements["mode"].isin(modes)
    rows = engagements.loc[mask.to_numpy(dtype=bool), ["start_date", "engagement_id", "mode"]]
    rows = rows.sort_values(["start_date", "engagement_id"], kind="stable").reset_index(drop=True)
    rows["cumulative"] = np.arange(1, len(rows) + 1, dtype=np.int64)
    return rows


def _time_bins(engagements: pd.DataFrame, freq: Any, start_year: Any, end_year: Any,
               breaks: Any, labels: Any, *, func: str) -> tuple[np.ndarray, Any, str]:
    if freq not in FREQUENCIES:
        raise ValueError(f"{func}: unknown freq {freq!r}; allowed: 'year', 'decade', 'period'")
    if freq != "period" and (breaks is not None or labels is not None):
        raise ValueError(f"{func}: breaks and labels apply only to freq='period'")
    years = start_years(engagements, func=func)
    if freq == "year":
        codes, bins = _year_bins(years, start_year, end_year, func=func)
    elif freq == "decade":
        codes, bins = _decade_bins(years, start_year, end_year, func=func)
    else:
        first, last = check_year_range(start_year, end_year, func=func)
        codes, period_labels = period_codes(years, PERIOD_BREAKS if breaks is None else breaks,
                                             labels, func=func)
        if first is not None:
            codes = np.where(years < first, -1, codes)
        if last is not None:
            codes = np.where(years > last, -1, codes)
        bins = pd.Categorical(period_labels, categories=period_labels, ordered=True)
    return codes, bins, freq


def compute_remote_share(engagements: pd.DataFrame, *, freq: str = "year", start_year: int | None = None,
                         end_year: int | None = None, breaks: Any = None,
                         labels: Any = None) -> pd.DataFrame:
    """Share of remote engagements (phone, video, virtual conference) per year, decade or period.

    Definition: ``remote_share = n_remote / n_engagements`` where ``n_remote`` counts
    engagements whose ``mode`` is in :data:`REMOTE_MODES`. Unit: fraction 0..1.

    Parameters
    ----------
    engagements : DataFrame
        Needs ``start_date`` and ``mode``. Not modified.
    freq : {"year", "decade", "period"}
        Time bin. ``"period"`` uses :func:`analysis.indicators.periods.add_period`'s periods.
    start_year, end_year : int, optional
        Inclusive year range (default: the data's); every bin of the range gets a row.
    breaks, labels : optional
        Period breaks and labels for ``freq="period"`` (default: the five default periods).

    Returns
    -------
    DataFrame
        ``year`` / ``decade`` / ``period``, ``n_engagements``, ``n_remote`` (int64) and
        ``remote_share`` (float; **NaN, not 0, for a bin without engagements**: no
        engagement is not an in-person engagement).

    Notes
    -----
    Caveats: calls are recorded where a page documents them; the ``remote`` universe is
    partial (``coverage.csv``), so remote counts and shares are lower bounds, and before 2013
    very much so. A multilateral video conference with several leaders counts as one engagement.
    """
    func = "compute_remote_share"
    require_columns(engagements, ("start_date", "mode"), name="engagements", func=func)
    codes, bins, name = _time_bins(engagements, freq, start_year, end_year, breaks, labels, func=func)
    n_bins = len(bins)
    remote = engagements["mode"].isin(REMOTE_MODES).to_numpy(dtype=bool)
    counts = count_matrix(codes, n_bins, remote.astype(np.int64), 2)
    total = counts.sum(axis=1)
    return summary_frame(name, pd.Series(bins), {
        "n_engagements": total,
        "n_remote": counts[:, 1],
        "remote_share": safe_divide(counts[:, 1], total),
    })


def compute_level_share(engagements: pd.DataFrame, *, start_year: int | None = None,
                        end_year: int | None = None) -> pd.DataFrame:
    """Engagements per year by level, and each level's share of the year's engagements.

    Definition: the engagement's ``level`` is that of the lower-ranked principal (see
    :func:`analysis.indicators.levels.add_levels`; used as is if the column exists, derived from the
    offices otherwise). ``<level>_share = n_<level> / n_engagements``. Units: engagements;
    fractions 0..1 summing to 1 per year.

    Parameters
    ----------
    engagements : DataFrame
        Needs ``start_date`` and ``level`` or ``china_office`` and ``russia_office``.
        Not modified.
    start_year, end_year : int, optional
        As in :func:`compute_engagements_per_year` (zero-filled years).

    Returns
    -------
    DataFrame
        ``year``, ``n_engagements``, ``n_leader``, ``n_head_of_government``,
        ``n_minister`` (int64), ``leader_share``, ``head_of_government_share``,
        ``minister_share`` (float; NaN for a year without engagements).

    Notes
    -----
    Caveat: the ministerial engagements in the data start in 2022 because that is where
    the article starts describing them; earlier ministerial contacts are not missing from
    diplomacy, only from the source.
    """
    func = "compute_level_share"
    years = start_years(engagements, func=func)
    level_codes = levels_of(engagements, func=func)
    codes, bins = _year_bins(years, start_year, end_year, func=func)
    counts = count_matrix(codes, len(bins), level_codes, len(LEVELS))
    total = counts.sum(axis=1)
    columns: dict[str, Any] = {"n_engagements": total}
    for j, level in enumerate(LEVELS):
        columns[f"n_{level}"] = counts[:, j]
    for j, level in enumerate(LEVELS):
        columns[f"{level}_share"] = safe_divide(counts[:, j], total)
    return summary_frame("year", pd.Series(bins), columns)


