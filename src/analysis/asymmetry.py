"""Asymmetries between the two sides: who travels, who visits first, who depends on whom.

Also the periodisation used to group every indicator (:func:`add_period`). The periods
here are analysis bins; they are unrelated to the dataset's ``periods`` table, which
records stretches the article describes as having no engagements.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .levels import (
    LEVELS,
    OFFICE_LEVEL,
    _check_choices,
    _codes,
    _count_matrix,
    _group_series,
    _key_column,
    _quoted,
    _rate,
    _require_columns,
    _summary,
)

__all__ = [
    "HOST_SIDES",
    "PERIOD_BREAKS",
    "PERIOD_LABELS",
    "add_period",
    "compute_balance_index",
    "compute_direction_of_travel",
    "compute_economic_asymmetry",
    "compute_first_visits",
    "compute_periods",
    "prepare_economic_inputs",
]

HOST_SIDES: tuple[str, ...] = ("china", "russia", "third_country", "none")
"""Values of ``host_side``: on whose territory the principals met (``none`` = remote)."""

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

# The side whose territory the *other* side's principal visits.
COUNTERPART = {"china": "russia", "russia": "china"}
STATE_SIDE = {"PRC": "china", "USSR": "russia", "Russia": "russia"}


# --------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------

def _check_breaks(breaks: Any, labels: Any, *, func: str) -> tuple[tuple[int, ...], tuple[str, ...]]:
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


def _period_codes(years: np.ndarray, breaks: Any, labels: Any, *,
                  func: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """Index of the period holding each year (-1 before the first break) and the labels."""
    breaks, labels = _check_breaks(breaks, labels, func=func)
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
      leadership in November 2012, which holds no engagement).

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
    _require_columns(engagements, ("start_date",), name="engagements", func=func)
    start = engagements["start_date"]
    if start.isna().any():
        raise ValueError(f"{func}: engagements has missing start_date values")
    codes, labels = _period_codes(start.dt.year.to_numpy(dtype=np.int64), breaks, labels, func=func)
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
    breaks, labels = _check_breaks(breaks, labels, func=func)
    period = add_period(engagements, breaks=breaks, labels=labels)["period"]
    codes = period.cat.codes.to_numpy(dtype=np.int64)
    counts = np.bincount(codes[codes >= 0], minlength=len(labels)).astype(np.int64)
    return pd.DataFrame({
        "period": pd.Categorical(labels, categories=list(labels), ordered=True),
        "start_year": np.asarray(breaks, dtype=np.int64),
        "end_year": pd.array([later - 1 for later in breaks[1:]] + [None], dtype="Int64"),
        "n_engagements": counts,
    })


# --------------------------------------------------------------------------------------
# Direction of travel and balance index
# --------------------------------------------------------------------------------------

def _host_counts(engagements: pd.DataFrame, by: str | None, *, func: str) -> tuple[str | None, Any, np.ndarray]:
    _require_columns(engagements, ("host_side",), name="engagements", func=func)
    host = engagements["host_side"]
    if host.isna().any():
        raise ValueError(f"{func}: engagements has missing host_side values")
    bad = host[~host.isin(HOST_SIDES)]
    if len(bad):
        raise ValueError(f"{func}: unknown host_side {bad.iloc[0]!r}; allowed: {_quoted(HOST_SIDES)}")
    host_codes = _codes(host, HOST_SIDES)[0]
    if by is None:
        return None, None, _count_matrix(np.zeros(len(host_codes), dtype=np.int64), 1,
                                         host_codes, len(HOST_SIDES))
    group = _group_series(engagements, by, func=func)
    group_codes, groups = _codes(group)
    return by, _key_column(groups, group), _count_matrix(group_codes, len(groups), host_codes, len(HOST_SIDES))


def compute_direction_of_travel(engagements: pd.DataFrame, *, by: str | None = None) -> pd.DataFrame:
    """Where the engagements took place: in China, in Russia, in a third country or remotely.

    Definition: counts of engagements by ``host_side`` (the side on whose territory the
    principals met; the other side travelled), plus the balance index of
    :func:`compute_balance_index`. Units: engagements; index in [-1, 1].

    Parameters
    ----------
    engagements : DataFrame
        Needs ``host_side``. Not modified.
    by : str, optional
        Grouping column, e.g. ``"pairing"`` or ``"period"`` (derived with the default
        breaks if missing). Categorical groups all appear; rows with a missing group are
        left out.

    Returns
    -------
    DataFrame
        [``by``], ``n_engagements``, ``n_hosted_by_china``, ``n_hosted_by_russia``,
        ``n_third_country``, ``n_remote`` (int64) and ``balance_index`` (float).

    Notes
    -----
    Caveat: host side says where the meeting was, not who asked for it; a Russian leader
    attending a multilateral summit in China (Olympics, Belt and Road Forum) counts as
    hosted by China.
    """
    func = "compute_direction_of_travel"
    key_name, key, counts = _host_counts(engagements, by, func=func)
    china, russia, third, remote = (counts[:, HOST_SIDES.index(s)] for s in HOST_SIDES)
    return _summary(key_name, key, {
        "n_engagements": counts.sum(axis=1),
        "n_hosted_by_china": china,
        "n_hosted_by_russia": russia,
        "n_third_country": third,
        "n_remote": remote,
        "balance_index": _rate(china - russia, china + russia),
    })


def compute_balance_index(engagements: pd.DataFrame, *, by: str | None = None) -> pd.DataFrame:
    """Balance index of the direction of travel.

    Definition::

        B = (n_hosted_by_china - n_hosted_by_russia) / (n_hosted_by_china + n_hosted_by_russia)

    over bilateral in-person engagements (``host_side`` china or russia); third-country
    and remote engagements are excluded. Unit: dimensionless, in [-1, 1]. +1: every such
    engagement took place in China (the Soviet/Russian side always travelled); -1: always
    in Russia; 0: balanced. NaN when the denominator is 0. Example: 3 in China and 1 in
    Russia give B = (3 - 1) / (3 + 1) = 0.5.

    Parameters
    ----------
    engagements : DataFrame
        Needs ``host_side``. Not modified.
    by : str, optional
        Grouping column, as in :func:`compute_direction_of_travel`.

    Returns
    -------
    DataFrame
        [``by``], ``n_hosted_by_china``, ``n_hosted_by_russia`` (int64), ``balance_index``.

    Notes
    -----
    Caveats: small counts make B jumpy (one visit moves a period with two visits from 0
    to ±1); every engagement weighs the same, whatever its level, so filter first
    (:func:`analysis.frequency.filter_engagements`) for leader visits only; the engagements
    of one trip count separately (Xi met both Putin and Medvedev in May 2015).
    """
    func = "compute_balance_index"
    key_name, key, counts = _host_counts(engagements, by, func=func)
    china = counts[:, HOST_SIDES.index("china")]
    russia = counts[:, HOST_SIDES.index("russia")]
    return _summary(key_name, key, {
        "n_hosted_by_china": china,
        "n_hosted_by_russia": russia,
        "balance_index": _rate(china - russia, china + russia),
    })


# --------------------------------------------------------------------------------------
# First visits after taking office
# --------------------------------------------------------------------------------------

def compute_first_visits(engagements: pd.DataFrame, offices: pd.DataFrame, *,
                         levels: Any = ("leader",)) -> pd.DataFrame:
    """First in-person engagement in the counterpart's country after taking office, per term.

    Definition: for every office term at ``levels`` (default: leader offices) of a person
    of either side, the earliest engagement with that person as principal, ``mode`` in
    person and ``host_side`` equal to the *other* side (a Chinese principal in the
    USSR/Russia, or the reverse), whose start date lies within the term (on or after
    ``start_date``, on or before ``end_date`` if the term has ended).
    ``days_since_taking_office`` = engagement start date - term start date, in days.

    Parameters
    ----------
    engagements : DataFrame
        Needs ``engagement_id``, ``start_date``, ``mode``, ``host_side``,
        ``china_person_id``, ``russia_person_id``. Not modified.
    offices : DataFrame
        Office terms (``person_id``, ``office``, ``state``, ``start_date``, ``end_date``).
        Not modified.
    levels : str or iterable of str
        Levels of :data:`analysis.levels.LEVELS` whose terms are listed.

    Returns
    -------
    DataFrame
        One row per term, sorted by term start: ``side``, ``person_id``, ``office``,
        ``state``, ``term_start``, ``term_end`` (NaT while in office), ``first_visit_id``
        (NA when the data show none), ``first_visit_date``, ``days_since_taking_office``
        (Int64, days).

    Notes
    -----
    Caveats: only what the data show. The data are dyadic and selective (the article's
    engagements plus a few from the record), so "first visit to Russia after taking
    office" here does not mean "first foreign trip", which cannot be derived from dyadic
    data, nor even the first visit in reality (Putin's July 2000 visit to Beijing is not
    in the data). Terms are used as recorded: a term that started before 1949 (Mao's
    party chairmanship from 1943) measures days from that start.
    """
    func = "compute_first_visits"
    _require_columns(engagements, ("engagement_id", "start_date", "mode", "host_side",
                                   "china_person_id", "russia_person_id"), name="engagements", func=func)
    _require_columns(offices, ("person_id", "office", "state", "start_date", "end_date"),
                     name="offices", func=func)
    levels = _check_choices(levels, LEVELS, param="levels", what="level", func=func)

    office = offices["office"].astype("string")
    unknown = sorted(set(office.dropna().unique()) - set(OFFICE_LEVEL))
    if unknown:
        raise ValueError(f"{func}: unknown office {unknown[0]!r} in offices; allowed: {_quoted(OFFICE_LEVEL)}")
    state = offices["state"].astype("string")
    unknown = sorted(set(state.dropna().unique()) - set(STATE_SIDE))
    if unknown:
        raise ValueError(f"{func}: unknown state {unknown[0]!r} in offices; allowed: {_quoted(STATE_SIDE)}")
    wanted = office.map(OFFICE_LEVEL).isin(levels).to_numpy(dtype=bool)
    terms = pd.DataFrame({
        "side": state.map(STATE_SIDE).astype("string"),
        "person_id": offices["person_id"].astype("string"),
        "office": office,
        "state": state,
        "term_start": offices["start_date"].astype("datetime64[ns]"),
        "term_end": offices["end_date"].astype("datetime64[ns]"),
    }).loc[wanted].reset_index(drop=True)
    terms["term"] = np.arange(len(terms), dtype=np.int64)

    # Visits of each side's principals to the other side's territory, stacked long.
    in_person = (engagements["mode"] == "in_person").to_numpy(dtype=bool)
    host = engagements["host_side"].astype("string")
    visits = []
    for side in ("china", "russia"):  # two sides, not a loop over engagements
        rows = in_person & (host == COUNTERPART[side]).fillna(False).to_numpy(dtype=bool)
        visits.append(pd.DataFrame({
            "side": side,
            "person_id": engagements.loc[rows, f"{side}_person_id"].astype("string").to_numpy(),
            "first_visit_id": engagements.loc[rows, "engagement_id"].astype("string").to_numpy(),
            "first_visit_date": engagements.loc[rows, "start_date"].to_numpy(dtype="datetime64[ns]"),
        }))
    visits = pd.concat(visits, ignore_index=True).astype({"side": "string", "person_id": "string",
                                                           "first_visit_id": "string"})

    matched = terms[["term", "side", "person_id", "term_start", "term_end"]].merge(
        visits, on=["side", "person_id"], how="inner")
    within = (matched["first_visit_date"] >= matched["term_start"]) & (
        matched["term_end"].isna() | (matched["first_visit_date"] <= matched["term_end"]))
    first = (matched[within.to_numpy(dtype=bool)]
             .sort_values(["term", "first_visit_date", "first_visit_id"], kind="stable")
             .drop_duplicates("term")[["term", "first_visit_id", "first_visit_date"]])
    result = terms.merge(first, on="term", how="left")
    days = (result["first_visit_date"] - result["term_start"]).dt.days
    result["days_since_taking_office"] = days.astype("Int64")
    result["side"] = pd.Categorical(result["side"], categories=["china", "russia"])
    result["first_visit_date"] = result["first_visit_date"].astype("datetime64[ns]")
    return (result.drop(columns="term")
            .sort_values(["term_start", "side", "person_id"], kind="stable")
            .reset_index(drop=True))


# --------------------------------------------------------------------------------------
# Economic asymmetry
# --------------------------------------------------------------------------------------

TRADE_COLUMNS = ("year", "reporter", "total_usd", "china_exports_usd", "china_imports_usd")
GDP_COLUMNS = ("year", "country", "gdp_usd", "total_trade_usd")


def _check_unique_years(frame: pd.DataFrame, keys: list[str], *, name: str, hint: str, func: str) -> None:
    duplicated = frame.duplicated(keys, keep=False)
    if duplicated.any():
        first = frame.loc[duplicated, keys].iloc[0].tolist()
        raise ValueError(f"{func}: {name} has several rows for {dict(zip(keys, first, strict=False))}; {hint}")


def compute_economic_asymmetry(trade: pd.DataFrame, gdp: pd.DataFrame | None = None, *,
                               reporter: str | None = None, china_country: str = "CHN",
                               russia_country: str = "RUS") -> pd.DataFrame:
    """Annual China–Russia trade balance and, with GDP data, trade dependence and GDP ratio.

    Nothing is fetched: the caller supplies the data (e.g. from China's customs, UN
    Comtrade or the World Bank) and documents its source.

    Definitions (per year; units USD as supplied, ratios dimensionless):

    * ``bilateral_total_usd`` = ``total_usd`` (China–Russia trade in both directions;
      ``china_exports_usd + china_imports_usd`` where ``total_usd`` is missing);
    * ``russia_balance_usd`` = ``china_imports_usd - china_exports_usd``: Russia's balance
      with China (positive = Russian surplus);
    * with ``gdp``: ``china_trade_dependence`` = bilateral total / China's total trade,
      ``russia_trade_dependence`` = bilateral total / Russia's total trade (fractions
      0..1: how much of each side's trade is with the other), ``gdp_ratio`` = China's GDP
      / Russia's GDP.

    Parameters
    ----------
    trade : DataFrame
        Columns ``year``, ``reporter``, ``total_usd``, ``china_exports_usd``,
        ``china_imports_usd`` (flows from China's point of view). One row per year after
        the ``reporter`` filter. Not modified.
    gdp : DataFrame, optional
        Columns ``year``, ``country``, ``gdp_usd``, ``total_trade_usd``, one row per year
        and country. Not modified.
    reporter : str, optional
        Keep only this reporter's rows (required when ``trade`` mixes reporters for a
        year, e.g. Chinese and Russian customs figures).
    china_country, russia_country : str
        The ``country`` values of the two sides in ``gdp`` (default ISO codes).

    Returns
    -------
    DataFrame
        One row per trade year, sorted: ``year`` (int64), ``reporter``,
        ``bilateral_total_usd``, ``russia_balance_usd`` and, with ``gdp``,
        ``china_trade_dependence``, ``russia_trade_dependence``, ``gdp_ratio`` (NaN where a
        year or value is missing or a denominator is 0).

    Notes
    -----
    Caveats: mirror statistics differ (China's recorded exports to Russia are not Russia's
    recorded imports from China), so never mix reporters across years without saying so;
    values are nominal USD, so ratios are comparable across years but levels are not
    inflation-adjusted; Soviet-era trade is not comparable with post-1991 figures.
    """
    func = "compute_economic_asymmetry"
    _require_columns(trade, TRADE_COLUMNS, name="trade", func=func)
    rows = trade
    if reporter is not None:
        reporters = list(pd.unique(trade["reporter"].dropna()))
        if reporter not in reporters:
            raise ValueError(f"{func}: unknown reporter {reporter!r}; trade has {_quoted(reporters)}")
        rows = trade[(trade["reporter"] == reporter).fillna(False).to_numpy(dtype=bool)]
    if rows["year"].isna().any():
        raise ValueError(f"{func}: trade has missing year values")
    _check_unique_years(rows, ["year"], name="trade", func=func,
                        hint=f"pass reporter= one of {_quoted(pd.unique(rows['reporter'].dropna()))}")
    exports = rows["china_exports_usd"].astype(float)
    imports = rows["china_imports_usd"].astype(float)
    total = rows["total_usd"].astype(float)
    result = pd.DataFrame({
        "year": rows["year"].astype(np.int64).to_numpy(),
        "reporter": rows["reporter"].to_numpy(),
        "bilateral_total_usd": total.fillna(exports + imports).to_numpy(),
        "russia_balance_usd": (imports - exports).to_numpy(),
    }).sort_values("year", kind="stable").reset_index(drop=True)
    if gdp is None:
        return result

    _require_columns(gdp, GDP_COLUMNS, name="gdp", func=func)
    countries = list(pd.unique(gdp["country"].dropna()))
    for param, country in (("china_country", china_country), ("russia_country", russia_country)):
        if country not in countries:
            raise ValueError(f"{func}: {param} {country!r} is not in gdp['country'], "
                             f"which has {_quoted(countries)}")
    gdp_rows = gdp[gdp["country"].isin([china_country, russia_country]).fillna(False).to_numpy(dtype=bool)]
    _check_unique_years(gdp_rows, ["year", "country"], name="gdp", func=func,
                        hint="give one row per year and country")
    wide = gdp_rows.assign(year=gdp_rows["year"].astype(np.int64)).pivot(
        index="year", columns="country", values=["gdp_usd", "total_trade_usd"]).astype(float)

    def column(value: str, country: str) -> np.ndarray:
        return wide[(value, country)].reindex(result["year"]).to_numpy()

    bilateral = result["bilateral_total_usd"].to_numpy()
    result["china_trade_dependence"] = _rate(bilateral, column("total_trade_usd", china_country))
    result["russia_trade_dependence"] = _rate(bilateral, column("total_trade_usd", russia_country))
    result["gdp_ratio"] = _rate(column("gdp_usd", china_country), column("gdp_usd", russia_country))
    return result


def prepare_economic_inputs(trade: pd.DataFrame, economy: pd.DataFrame | None = None
                            ) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The data package's trade and economy tables in the shape :func:`compute_economic_asymmetry` takes.

    ``trade.csv`` holds US$ billion per (year, reporter); ``economy.csv`` is long (year,
    country, indicator, value). Values stay in US$ billion (the ratios do not depend on the
    unit); columns are renamed and the economy table is pivoted to one row per year and country.
    """
    frame = pd.DataFrame({
        "year": trade["year"].astype("Int64").astype(np.int64),
        "reporter": trade["reporter"].astype(str),
        "total_usd": trade["total_usd_bn"].astype(float),
        "china_exports_usd": trade["china_exports_usd_bn"].astype(float),
        "china_imports_usd": trade["china_imports_usd_bn"].astype(float),
    })
    if economy is None:
        return frame, None
    wide = (economy.assign(indicator=economy["indicator"].astype(str), country=economy["country"].astype(str))
            .pivot_table(index=["year", "country"], columns="indicator", values="value", aggfunc="first")
            .reset_index())
    gdp = pd.DataFrame({
        "year": wide["year"].astype(np.int64),
        "country": wide["country"],
        "gdp_usd": wide["gdp_usd_bn"].astype(float) if "gdp_usd_bn" in wide else np.nan,
        "total_trade_usd": wide["total_trade_usd_bn"].astype(float) if "total_trade_usd_bn" in wide else np.nan,
    })
    return frame, gdp
