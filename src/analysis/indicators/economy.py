"""Trade and economic asymmetry: one trade series by reporter preference, the trade balance,
trade dependence and the GDP ratio."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.codes import CHINA_SIDE_REPORTERS, TRADE_REPORTERS
from analysis.indicators.common import quoted, require_columns, safe_divide

__all__ = ["compute_economic_asymmetry", "compute_trade_series", "prepare_economic_inputs"]


TRADE_COLUMNS = ("year", "reporter", "total_usd_bn", "china_exports_usd_bn", "china_imports_usd_bn")
GDP_COLUMNS = ("year", "country", "gdp_usd_bn", "total_trade_usd_bn")


def _check_unique_years(frame: pd.DataFrame, keys: list[str], *, name: str, hint: str, func: str) -> None:
    duplicated = frame.duplicated(keys, keep=False)
    if duplicated.any():
        first = frame.loc[duplicated, keys].iloc[0].tolist()
        raise ValueError(f"{func}: {name} has several rows for {dict(zip(keys, first, strict=False))}; {hint}")




DEPRECATED_COLUMNS = {name[:-3]: name for name in (*TRADE_COLUMNS[2:], *GDP_COLUMNS[2:])}
"""Column names before 0.5.0 (US$ billion without the unit suffix), accepted with a warning until 0.6."""


def _renamed(frame: pd.DataFrame) -> pd.DataFrame:
    old = [c for c in frame.columns if c in DEPRECATED_COLUMNS]
    if not old:
        return frame
    warnings.warn(f"columns {old} are deprecated; name them {[DEPRECATED_COLUMNS[c] for c in old]} "
                  "(values in US$ billion)", DeprecationWarning, stacklevel=3)
    return frame.rename(columns=DEPRECATED_COLUMNS)


# Columns of the trade table carried into the series when present.
TRADE_DETAIL_COLUMNS = ("qualifier", "status", "unit", "value_as_published", "conversion", "source_url")


def compute_trade_series(trade: pd.DataFrame, *, reporter: str | Sequence[str] = CHINA_SIDE_REPORTERS,
                         start_year: int | None = None, end_year: int | None = None) -> pd.DataFrame:
    """One trade figure per year, from the first reporter in order of preference that has it.

    Parameters
    ----------
    trade : DataFrame
        Columns ``year``, ``reporter``, ``total_usd_bn``, ``china_exports_usd_bn``,
        ``china_imports_usd_bn`` (US$ billion); optionally the detail columns of ``trade.csv``
        (``qualifier``, ``status``, ``unit``, ``value_as_published``, ``conversion``,
        ``source_url``), which are carried along. One row per year and reporter. Not modified.
    reporter : str or sequence of str
        The reporters to use, in order of preference (default: China's customs, then a Chinese
        government figure where no customs release was found). A year takes the whole row of the
        first reporter that has a total or both flows: a total is never combined with another
        reporter's exports or imports.
    start_year, end_year : int, optional
        The years to cover (default: the first and last year any of the reporters has).

    Returns
    -------
    DataFrame
        One row per year from ``start_year`` to ``end_year``, every year present: ``year``
        (int64), ``reporter`` (empty where no reporter has the year: the gap is explicit),
        ``total_usd_bn`` (exports + imports where only the flows are given),
        ``china_exports_usd_bn``, ``china_imports_usd_bn``, ``russia_balance_usd_bn`` (China's
        imports − exports: Russia's balance with China, NaN unless both flows are known),
        ``converted`` (True where ``conversion`` says the US$ value was converted from another
        currency) and the detail columns present in ``trade``.
    """
    func = "compute_trade_series"
    require_columns(trade, TRADE_COLUMNS, name="trade", func=func)
    order = [reporter] if isinstance(reporter, str) else list(reporter)
    if not order:
        raise ValueError(f"{func}: reporter is empty; pass one reporter or several in order of preference")
    known = list(pd.unique(trade["reporter"].dropna()))
    unknown = [r for r in order if r not in known and r not in TRADE_REPORTERS]  # a known code may be absent
    if unknown:
        raise ValueError(f"{func}: unknown reporter(s) {quoted(unknown)}; trade has {quoted(known)}")
    if trade["year"].isna().any():
        raise ValueError(f"{func}: trade has missing year values")
    details = [c for c in TRADE_DETAIL_COLUMNS if c in trade.columns]
    rows = trade.loc[trade["reporter"].isin(order).fillna(False).to_numpy(dtype=bool),
                     [*TRADE_COLUMNS, *details]].copy()
    rows["year"] = rows["year"].astype(np.int64)
    _check_unique_years(rows, ["year", "reporter"], name="trade", func=func,
                        hint="give one row per year and reporter")
    exports, imports = rows["china_exports_usd_bn"].astype(float), rows["china_imports_usd_bn"].astype(float)
    rows["total_usd_bn"] = rows["total_usd_bn"].astype(float).fillna(exports + imports)
    rows = rows[rows["total_usd_bn"].notna()]
    rows["rank"] = rows["reporter"].astype(str).map({r: i for i, r in enumerate(order)})
    chosen = rows.sort_values(["year", "rank"], kind="stable").drop_duplicates("year").set_index("year")
    first = start_year if start_year is not None else (int(chosen.index.min()) if len(chosen) else None)
    last = end_year if end_year is not None else (int(chosen.index.max()) if len(chosen) else None)
    years = pd.RangeIndex(first, last + 1, name="year") if first is not None and last is not None else \
        pd.RangeIndex(0, 0, name="year")
    series = chosen.reindex(years)
    exports, imports = series["china_exports_usd_bn"].astype(float), series["china_imports_usd_bn"].astype(float)
    conversion = series["conversion"].astype(object) if "conversion" in series else pd.Series("", index=years)
    result = pd.DataFrame({
        "year": years.to_numpy(dtype=np.int64),
        "reporter": series["reporter"].astype(object).where(series["reporter"].notna(), "").to_numpy(dtype=object),
        "total_usd_bn": series["total_usd_bn"].astype(float).to_numpy(),
        "china_exports_usd_bn": exports.to_numpy(),
        "china_imports_usd_bn": imports.to_numpy(),
        "russia_balance_usd_bn": (imports - exports).to_numpy(),
        "converted": (conversion.fillna("").astype(str).str.len() > 0).to_numpy(),
    })
    for column in details:
        result[column] = series[column].to_numpy()
    return result


def compute_economic_asymmetry(trade: pd.DataFrame, gdp: pd.DataFrame | None = None, *,
                               reporter: str | Sequence[str] | None = None, china_country: str = "CHN",
                               russia_country: str = "RUS") -> pd.DataFrame:
    """Annual China–Russia trade balance and, with GDP data, trade dependence and GDP ratio.

    Nothing is fetched: the caller supplies the data (e.g. from China's customs, UN
    Comtrade or the World Bank) and documents its source.

    Definitions (per year; units USD as supplied, ratios dimensionless):

    * ``bilateral_total_usd_bn`` = ``total_usd_bn`` (China–Russia trade in both directions;
      ``china_exports_usd_bn + china_imports_usd_bn`` where ``total_usd_bn`` is missing);
    * ``russia_balance_usd_bn`` = ``china_imports_usd_bn - china_exports_usd_bn``: Russia's balance
      with China (positive = Russian surplus);
    * with ``gdp``: ``china_trade_dependence`` = bilateral total / China's total trade,
      ``russia_trade_dependence`` = bilateral total / Russia's total trade (fractions
      0..1: how much of each side's trade is with the other), ``gdp_ratio`` = China's GDP
      / Russia's GDP.

    Parameters
    ----------
    trade : DataFrame
        Columns ``year``, ``reporter``, ``total_usd_bn``, ``china_exports_usd_bn``,
        ``china_imports_usd_bn`` (flows from China's point of view). One row per year after
        the ``reporter`` filter. Not modified.
    gdp : DataFrame, optional
        Columns ``year``, ``country``, ``gdp_usd_bn``, ``total_trade_usd_bn``, one row per year
        and country. Not modified.
    reporter : str, optional
        Keep only this reporter's rows (required when ``trade`` mixes reporters for a
        year, e.g. Chinese and Russian customs figures). A sequence of reporters is an order of
        preference: each year takes the first that has it (:func:`compute_trade_series`), and
        the ``reporter`` column says which; years none of them has are left out.
    china_country, russia_country : str
        The ``country`` values of the two sides in ``gdp`` (default ISO codes).

    Returns
    -------
    DataFrame
        One row per trade year, sorted: ``year`` (int64), ``reporter``,
        ``bilateral_total_usd_bn``, ``russia_balance_usd_bn`` and, with ``gdp``,
        ``china_trade_dependence``, ``russia_trade_dependence``, ``gdp_ratio`` (NaN where a
        year or value is missing or a denominator is 0).

    Notes
    -----
    Caveats: mirror statistics differ (China's recorded exports to Russia are not Russia's
    recorded imports from China), so never mix reporters across years without saying so;
    values are nominal USD, so ratios are comparable across years but levels are not
    inflation-adjusted; Soviet-era trade is not comparable with post-1991 figures.
    """
    trade, gdp = _renamed(trade), (_renamed(gdp) if gdp is not None else None)
    func = "compute_economic_asymmetry"
    require_columns(trade, TRADE_COLUMNS, name="trade", func=func)
    rows = trade
    if reporter is not None and not isinstance(reporter, str):
        series = compute_trade_series(trade, reporter=reporter)
        rows = series.loc[series["reporter"] != "", list(TRADE_COLUMNS)]
    elif reporter is not None:
        reporters = list(pd.unique(trade["reporter"].dropna()))
        if reporter not in reporters:
            raise ValueError(f"{func}: unknown reporter {reporter!r}; trade has {quoted(reporters)}")
        rows = trade[(trade["reporter"] == reporter).fillna(False).to_numpy(dtype=bool)]
    if rows["year"].isna().any():
        raise ValueError(f"{func}: trade has missing year values")
    _check_unique_years(rows, ["year"], name="trade", func=func,
                        hint=f"pass reporter= one of {quoted(pd.unique(rows['reporter'].dropna()))}")
    exports = rows["china_exports_usd_bn"].astype(float)
    imports = rows["china_imports_usd_bn"].astype(float)
    total = rows["total_usd_bn"].astype(float)
    result = pd.DataFrame({
        "year": rows["year"].astype(np.int64).to_numpy(),
        "reporter": rows["reporter"].to_numpy(),
        "bilateral_total_usd_bn": total.fillna(exports + imports).to_numpy(),
        "russia_balance_usd_bn": (imports - exports).to_numpy(),
    }).sort_values("year", kind="stable").reset_index(drop=True)
    if gdp is None:
        return result

    require_columns(gdp, GDP_COLUMNS, name="gdp", func=func)
    countries = list(pd.unique(gdp["country"].dropna()))
    for param, country in (("china_country", china_country), ("russia_country", russia_country)):
        if country not in countries:
            raise ValueError(f"{func}: {param} {country!r} is not in gdp['country'], "
                             f"which has {quoted(countries)}")
    gdp_rows = gdp[gdp["country"].isin([china_country, russia_country]).fillna(False).to_numpy(dtype=bool)]
    _check_unique_years(gdp_rows, ["year", "country"], name="gdp", func=func,
                        hint="give one row per year and country")
    wide = gdp_rows.assign(year=gdp_rows["year"].astype(np.int64)).pivot(
        index="year", columns="country", values=["gdp_usd_bn", "total_trade_usd_bn"]).astype(float)

    def column(value: str, country: str) -> np.ndarray:
        return wide[(value, country)].reindex(result["year"]).to_numpy()

    bilateral = result["bilateral_total_usd_bn"].to_numpy()
    result["china_trade_dependence"] = safe_divide(bilateral, column("total_trade_usd_bn", china_country))
    result["russia_trade_dependence"] = safe_divide(bilateral, column("total_trade_usd_bn", russia_country))
    result["gdp_ratio"] = safe_divide(column("gdp_usd_bn", china_country), column("gdp_usd_bn", russia_country))
    return result


def prepare_economic_inputs(trade: pd.DataFrame, economy: pd.DataFrame | None = None
                            ) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The data package's trade and economy tables in the shape :func:`compute_economic_asymmetry` takes.

    ``trade.csv`` holds US$ billion per (year, reporter); ``economy.csv`` is long (year,
    country, indicator, value). Values stay in US$ billion (the ratios do not depend on the
    unit, which every column name carries); the economy table is pivoted to one row per year and
    country.
    """
    frame = pd.DataFrame({
        "year": trade["year"].astype("Int64").astype(np.int64),
        "reporter": trade["reporter"].astype(str),
        "total_usd_bn": trade["total_usd_bn"].astype(float),
        "china_exports_usd_bn": trade["china_exports_usd_bn"].astype(float),
        "china_imports_usd_bn": trade["china_imports_usd_bn"].astype(float),
    })
    if economy is None:
        return frame, None
    wide = (economy.assign(indicator=economy["indicator"].astype(str), country=economy["country"].astype(str))
            .pivot_table(index=["year", "country"], columns="indicator", values="value", aggfunc="first")
            .reset_index())
    gdp = pd.DataFrame({
        "year": wide["year"].astype(np.int64),
        "country": wide["country"],
        "gdp_usd_bn": wide["gdp_usd_bn"].astype(float) if "gdp_usd_bn" in wide else np.nan,
        "total_trade_usd_bn": wide["total_trade_usd_bn"].astype(float) if "total_trade_usd_bn" in wide else np.nan,
    })
    return frame, gdp
