"""Figures of trade over time and the economic asymmetry, in seaborn's shape.

Every function is ``plot_x(data, *, ax=None, **kwargs)``: it takes the long-form engagements
table (as returned by :func:`analysis.load_engagements`, optionally filtered), computes what it
shows with the library's ``compute_*`` functions (so a figure and its table always agree), draws
on ``ax`` (a new figure in the paper style when ``ax`` is None) and returns ``ax``. Styling is
the paper style of :mod:`analysis.exhibits.style`: colour-blind-safe colours fixed per category.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib import transforms
from matplotlib.axes import Axes

from analysis.codes import CHINA_SIDE_REPORTERS, TRADE_REPORTERS
from analysis.exhibits.plotkit import add_legend, get_axes
from analysis.exhibits.style import OKABE_ITO
from analysis.indicators.economy import compute_trade_series

__all__ = ["plot_economic_asymmetry", "plot_trade"]


def plot_trade(trade: pd.DataFrame | None, *, reported: pd.DataFrame | None = None,
               reporter: str | Sequence[str] = CHINA_SIDE_REPORTERS, start_year: int = 1990,
               end_year: int | None = None, events: list[tuple[int, str]] | None = None,
               soviet_inset: bool = True, ax: Axes | None = None) -> Axes:
    """China–Russia trade over time, US$ billion.

    ``trade`` (the trade table, or None) gives one series (:func:`compute_trade_series`): each
    year from the first ``reporter`` in order of preference that has it (default China's
    customs, then a Chinese government figure where no customs release was found). Total,
    Chinese exports and imports are lines that break where a year is missing, and Russia's
    balance with China (Chinese imports − exports) is drawn as bars; an open marker on the total
    marks a year taken from a reporter after the first, and a ring a value the dataset converted
    from another currency (``conversion``), so neither passes for a published customs dollar
    figure. Every other figure's total (other reporters, and a later reporter in years an earlier
    one has) is a cross. ``reported`` (the reported_figures table) adds the article's own trade
    figures as points and its targets as open markers at the target year. ``events`` are (year, label) pairs drawn as annotated vertical lines. With
    ``soviet_inset`` (and ``start_year`` from 1990), an inset shows the Sino-Soviet years
    1950-1991: every reporter's US$ figure, and the number of years known only in roubles or
    other currencies.
    """
    ax = get_axes(ax, "double", 0.42)
    last = end_year
    if trade is not None and len(trade):
        order = [reporter] if isinstance(reporter, str) else list(reporter)
        # Without end_year the series ends at the last year one of the reporters has.
        series = compute_trade_series(trade, reporter=order, start_year=start_year, end_year=end_year)
        found = series[series["reporter"] != ""]
        last = last or (int(series["year"].max()) if len(series) else start_year)
        years = series["year"].to_numpy()
        lines = [("total_usd_bn", f"Total, {TRADE_REPORTERS.get(order[0], order[0])}", OKABE_ITO["black"]),
                 ("china_exports_usd_bn", "Chinese exports to Russia", OKABE_ITO["vermillion"]),
                 ("china_imports_usd_bn", "Chinese imports from Russia", OKABE_ITO["blue"])]
        for column, name, colour in lines:
            ax.plot(years, series[column].astype(float), marker="o", markersize=2.5, color=colour, label=name)
        fallback = series[(series["reporter"] != "") & (series["reporter"] != order[0])]
        if len(fallback):
            names = ", ".join(_short(r) for r in order[1:] if r in set(fallback["reporter"]))
            ax.scatter(fallback["year"], fallback["total_usd_bn"].astype(float), s=14, facecolor="white",
                       edgecolor=OKABE_ITO["black"], linewidth=0.8, zorder=4,
                       label=f"Total, {names} (no {_short(order[0])} figure)")
        chosen = set(zip(found["year"], found["reporter"], strict=True))
        not_chosen = [(y, r) not in chosen for y, r in zip(trade["year"], trade["reporter"], strict=True)]
        others = trade[pd.Series(not_chosen, index=trade.index) & trade["year"].between(start_year, last)]
        if len(others):
            ax.scatter(others["year"].astype(int), others["total_usd_bn"].astype(float), s=10, marker="x",
                       color="0.45", linewidth=0.6, zorder=3, label="Total, other reporters and figures")
        converted = series[series["converted"]]
        if len(converted):
            ax.scatter(converted["year"], converted["total_usd_bn"].astype(float), s=40,
                       facecolor="none", edgecolor=OKABE_ITO["black"], linewidth=0.8, zorder=4,
                       label="Converted from another currency (rate in the data)")
        ax.bar(years, series["russia_balance_usd_bn"].astype(float), color=OKABE_ITO["bluish_green"], alpha=0.6,
               width=0.7, label="Russia's balance with China")
        ax.axhline(0, color="0.3", linewidth=0.5)
    if reported is not None and len(reported):
        r = reported[(reported["quantity"] == "China-Russia trade") & reported["year"].notna()]
        r = r[r["year"].between(start_year, last or int(r["year"].max()))]
        actual, target = r[r["kind"] == "actual"], r[r["kind"] == "target"]
        ax.scatter(actual["year"].astype(int), actual["value"], marker="D", s=22, color=OKABE_ITO["orange"],
                   edgecolor="black", linewidth=0.4, zorder=4, label="Reported by the article")
        ax.scatter(target["year"].astype(int), target["value"], marker="^", s=30, facecolor="none",
                   edgecolor=OKABE_ITO["reddish_purple"], linewidth=1.0, zorder=4, label="Target stated by the article")
        last = last or int(r["year"].max()) if len(r) else last
    for year, text in events or []:
        ax.axvline(year, color="0.6", linewidth=0.6, linestyle=":", zorder=0)
        ax.text(year, 0.98, f" {text}", transform=transforms.blended_transform_factory(ax.transData, ax.transAxes),
                rotation=90, va="top", ha="right", fontsize=5.5, color="0.3")
    ax.set_xlim(start_year - 0.5, (last or start_year) + 0.5)
    ax.set_ylabel("US$ billion (current)")
    ax.set_xlabel("Year")
    add_legend(ax, fontsize=6)
    if soviet_inset and trade is not None and start_year >= 1990:
        _soviet_inset(ax, trade)
    return ax


def _short(reporter: str) -> str:
    """A reporter's label without its parenthesis: "China's customs (GAC)" -> "China's customs"."""
    return TRADE_REPORTERS.get(reporter, reporter).split(" (")[0]


def _soviet_inset(ax: Axes, trade: pd.DataFrame) -> Axes:
    """Sino-Soviet trade 1950-1991 in an inset: US$ figures by reporter; other currencies counted."""
    soviet = trade[trade["year"].between(1950, 1991)]
    inset = ax.inset_axes([0.49, 0.55, 0.17, 0.36])
    dollars = soviet[soviet["total_usd_bn"].notna()]
    for reporter, marker in (("unattributed", "x"), ("china_customs", "o"), ("china_official", "s")):
        rows = dollars[dollars["reporter"] == reporter]
        if len(rows):
            inset.scatter(rows["year"].astype(int), rows["total_usd_bn"].astype(float), s=8, marker=marker,
                          color="0.2", linewidth=0.6)
    others = soviet[soviet["total_usd_bn"].isna()]
    inset.set_title("USSR, 1950-1991 (US$ figures)", fontsize=5.5)
    inset.set_xlim(1949, 1992)
    inset.tick_params(labelsize=5)
    if len(others):
        inset.text(0.02, 0.95, f"{others['year'].nunique()} more year(s) only in roubles",
                   transform=inset.transAxes, fontsize=4.5, va="top")
    return inset


def plot_economic_asymmetry(data: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Trade dependence of each side (%, left axis) and China/Russia GDP ratio (right axis).

    ``data`` is the output of :func:`compute_economic_asymmetry` with GDP data. Years without
    a value are left out of each series (points, not interpolated lines across gaps).
    """
    ax = get_axes(ax, "single", 0.75)
    years = data["year"].to_numpy()
    for column, name, colour in (("china_trade_dependence", "Share of China's trade", OKABE_ITO["vermillion"]),
                                 ("russia_trade_dependence", "Share of Russia's trade", OKABE_ITO["blue"])):
        values = data[column].astype(float).to_numpy() * 100
        ax.plot(years, values, marker="o", markersize=3, linewidth=0.8, color=colour, label=name)
    ax.set_ylabel("China–Russia trade, % of the side's total trade")
    ax.set_xlabel("Year")
    ratio = ax.twinx()
    ratio.plot(years, data["gdp_ratio"].astype(float).to_numpy(), marker="s", markersize=3, linestyle="none",
               color=OKABE_ITO["black"], label="GDP ratio China/Russia (right)")
    ratio.set_ylabel("GDP ratio China/Russia")
    ratio.set_ylim(bottom=0)
    ax.set_ylim(bottom=0)
    handles = ax.get_legend_handles_labels()[0] + ratio.get_legend_handles_labels()[0]
    labels = ax.get_legend_handles_labels()[1] + ratio.get_legend_handles_labels()[1]
    ax.legend(handles, labels, frameon=False, loc="upper left", fontsize=6)
    return ax
