"""Figures of the article's descriptive analyses, in seaborn's shape.

Every function is ``plot_x(data, *, ax=None, **kwargs)``: it takes the long-form engagements
table (as returned by :func:`analysis.load_engagements`, optionally filtered), computes what it
shows with the library's ``compute_*`` functions (so a figure and its table always agree), draws
on ``ax`` (a new figure in the paper style when ``ax`` is None) and returns ``ax``. Styling is
the paper style of :mod:`analysis.exhibits.style`: colour-blind-safe colours fixed per category.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import dates as mdates
from matplotlib import transforms
from matplotlib.axes import Axes

from analysis.exhibits.style import MODE_MARKERS, OKABE_ITO, colours_for, label, new_figure
from analysis.indicators.frequency import (
    MODES,
    compute_cumulative,
    compute_engagements_per_decade,
    compute_engagements_per_year,
)
from analysis.indicators.levels import LEVELS, add_levels, compute_protocol_asymmetry
from analysis.indicators.pairings import compute_pairing_rates
from analysis.indicators.travel import compute_direction_of_travel


def _axes(ax: Axes | None, width: str = "single", aspect: float = 0.62) -> Axes:
    if ax is not None:
        return ax
    _, ax = new_figure(width, aspect)
    return ax


def _with_levels(data: pd.DataFrame) -> pd.DataFrame:
    return data if "level" in data.columns else add_levels(data)


def _legend(ax: Axes, **kwargs) -> None:
    kwargs = {"frameon": False, "loc": "upper left", **kwargs}
    ax.legend(**kwargs)


def _stacked_bars(ax: Axes, positions, table: pd.DataFrame, categories, variable: str, *,
                  horizontal: bool = False, width: float = 0.8) -> None:
    """Stacked bars of the ``categories`` columns of ``table`` at ``positions``."""
    base = np.zeros(len(table))
    for category, colour in zip(categories, colours_for(variable, categories), strict=False):
        values = table[category].to_numpy(dtype=float)
        if horizontal:
            ax.barh(positions, values, left=base, height=width, color=colour, label=label(category), linewidth=0)
        else:
            ax.bar(positions, values, bottom=base, width=width, color=colour, label=label(category), linewidth=0)
        base = base + values


def plot_timeline(data: pd.DataFrame, *, pairings: pd.DataFrame | None = None,
                  periods: pd.DataFrame | None = None, start_year: int = 1949, end_year: int | None = None,
                  ax: Axes | None = None) -> Axes:
    """Every engagement as a point: date on x, level of office on y, marker and colour by mode.

    ``pairings`` (from :func:`compute_pairings`) are shaded in alternating greys and labelled;
    ``periods`` (the periods table) are hatched, e.g. the 1960–1988 split of subsection 2.3.
    Engagements in the same level and year are spread vertically so none hides another.
    """
    ax = _axes(ax, "double", 0.4)
    data = _with_levels(data).sort_values(["start_date", "engagement_id"], kind="stable")
    end_year = end_year or int(data["start_date"].dt.year.max() if len(data) else start_year)
    left, right = pd.Timestamp(start_year, 1, 1), pd.Timestamp(end_year, 12, 31)
    row = {lvl: i for i, lvl in enumerate(reversed(LEVELS))}  # leader on top
    # Deterministic spread of points sharing a level and year: -0.2, 0, +0.2, -0.1, ...
    slot = data.groupby([data["level"].astype(str), data["start_date"].dt.year]).cumcount().to_numpy()
    offsets = np.array([0.0, 0.2, -0.2, 0.1, -0.1, 0.3, -0.3])[slot % 7]
    y = data["level"].astype(str).map(row).to_numpy(dtype=float) + offsets
    if periods is not None:
        for p in periods.itertuples(index=False):
            ax.axvspan(p.start_date, p.end_date, facecolor="none", edgecolor=OKABE_ITO["grey"],
                       hatch="////", linewidth=0, zorder=0.5)
            mid = p.start_date + (p.end_date - p.start_date) / 2
            ax.text(mid, 0.45, f"{p.start_date.year}–{p.end_date.year}: no engagements\n"
                    f"per the article ({p.article_subsection})", ha="center", va="center",
                    fontsize=6, color="0.3", bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    if pairings is not None:
        top = transforms.blended_transform_factory(ax.transData, ax.transAxes)
        for i, p in enumerate(pairings.sort_values("start").itertuples(index=False)):
            start, end = max(p.start, left), min(p.end, right)
            if start >= end:
                continue
            ax.axvspan(start, end, color="0.5", alpha=0.10 if i % 2 else 0.20, linewidth=0, zorder=0)
            ax.text(start + (end - start) / 2, 1.01, p.pairing, transform=top, rotation=90,
                    ha="center", va="bottom", fontsize=5.5)
    modes = [m for m in MODES if (data["mode"] == m).any()]
    for mode, colour in zip(modes, colours_for("mode", modes), strict=False):
        sel = (data["mode"] == mode).to_numpy()
        ax.scatter(data.loc[sel, "start_date"], y[sel], marker=MODE_MARKERS[mode], s=16, color=colour,
                   edgecolor="white", linewidth=0.3, label=label(mode), zorder=3)
    ax.set_yticks(range(len(LEVELS)), [label(lvl) for lvl in reversed(LEVELS)])
    ax.set_ylim(-0.6, len(LEVELS) - 0.4)
    ax.set_xlim(left, right)
    ax.xaxis.set_major_locator(mdates.YearLocator(10))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    _legend(ax, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=len(modes), title=None)
    return ax


def plot_engagements_per_year(data: pd.DataFrame, *, hue: str = "level", start_year: int = 1949,
                              end_year: int | None = None, ax: Axes | None = None) -> Axes:
    """Engagements per calendar year as stacked bars by ``hue`` ('level' or 'mode'); empty years show as gaps."""
    if hue not in ("level", "mode"):
        raise ValueError(f"hue must be 'level' or 'mode', not {hue!r}")
    ax = _axes(ax, "double", 0.35)
    data = _with_levels(data)
    counts = compute_engagements_per_year(data, start_year=start_year, end_year=end_year, by=hue)
    categories = [c for c in (LEVELS if hue == "level" else MODES) if c in counts.columns]
    _stacked_bars(ax, counts["year"].to_numpy(), counts, categories, hue)
    ax.set_xlabel("Year")
    ax.set_ylabel("Engagements")
    ax.set_xlim(counts["year"].min() - 1, counts["year"].max() + 1)
    ax.yaxis.get_major_locator().set_params(integer=True)
    _legend(ax, title=label(hue) if hue != "level" else "Level of office")
    return ax


def plot_pairing_rates(data: pd.DataFrame, *, pairings: pd.DataFrame, metric: str = "rate_per_year",
                       ax: Axes | None = None) -> Axes:
    """Engagements per leadership pairing: the count, or the rate per year of overlapping tenure."""
    if metric not in ("rate_per_year", "n_engagements"):
        raise ValueError(f"metric must be 'rate_per_year' or 'n_engagements', not {metric!r}")
    ax = _axes(ax, "single", 0.9)
    rates = compute_pairing_rates(data, pairings)
    positions = np.arange(len(rates))[::-1]  # chronological, first at the top
    ax.barh(positions, rates[metric].to_numpy(dtype=float), color=OKABE_ITO["blue"], height=0.7)
    for pos, value in zip(positions, rates[metric], strict=False):
        ax.text(value, pos, f" {value:.2f}" if metric == "rate_per_year" else f" {int(value)}",
                va="center", ha="left", fontsize=6)
    ax.set_yticks(positions, rates["pairing"])
    ax.set_xlabel("Engagements per year of overlapping tenure" if metric == "rate_per_year" else "Engagements")
    ax.margins(x=0.15)
    return ax


def plot_mix(data: pd.DataFrame, *, variable: str = "mode", start_year: int = 1949,
             end_year: int | None = None, ax: Axes | None = None) -> Axes:
    """Share of engagements by ``variable`` ('mode' or 'level') per decade, as 100 % stacked bars."""
    if variable not in ("level", "mode"):
        raise ValueError(f"variable must be 'level' or 'mode', not {variable!r}")
    ax = _axes(ax, "double", 0.3)
    data = _with_levels(data)
    counts = compute_engagements_per_decade(data, by=variable, start_year=start_year, end_year=end_year)
    categories = [c for c in (LEVELS if variable == "level" else MODES) if c in counts.columns]
    totals = counts["n_engagements"].replace(0, np.nan)
    shares = counts[categories].div(totals, axis=0).fillna(0.0) * 100
    positions = np.arange(len(counts))
    _stacked_bars(ax, positions, shares, categories, variable, width=0.75)
    ax.set_xticks(positions, [f"{int(d)}s\nn={int(n)}" for d, n in zip(counts["decade"], counts["n_engagements"], strict=False)])
    ax.set_ylabel("Share of engagements (%)")
    ax.set_ylim(0, 100)
    _legend(ax, loc="upper left", bbox_to_anchor=(1.0, 1.0), title="Mode" if variable == "mode" else "Level")
    return ax


def plot_direction_of_travel(data: pd.DataFrame, *, by: str = "pairing", ax: Axes | None = None) -> Axes:
    """Where engagements took place per group (pairing or period), with the balance index B.

    B = (hosted in China − hosted in Russia) / (hosted in China + hosted in Russia); +1 means the
    Soviet/Russian side always travelled (see :func:`compute_balance_index`).
    """
    ax = _axes(ax, "single", 0.9)
    counts = compute_direction_of_travel(data, by=by)
    columns = {"china": "n_hosted_by_china", "russia": "n_hosted_by_russia",
               "third_country": "n_third_country", "none": "n_remote"}
    frame = pd.DataFrame({side: counts[column].to_numpy() for side, column in columns.items()})
    positions = np.arange(len(counts))[::-1]
    _stacked_bars(ax, positions, frame, list(columns), "host_side", horizontal=True, width=0.7)
    for pos, total, b in zip(positions, counts["n_engagements"], counts["balance_index"], strict=False):
        ax.text(total, pos, "  B = n/a" if pd.isna(b) else f"  B = {b:+.2f}", va="center", fontsize=6)
    ax.set_yticks(positions, counts[by].astype(str))
    ax.set_xlabel("Engagements")
    ax.margins(x=0.3)
    _legend(ax, loc="upper center", bbox_to_anchor=(0.4, -0.18), ncol=2, title="Took place")
    return ax


def plot_protocol_asymmetry(data: pd.DataFrame, *, by: str = "pairing", ax: Axes | None = None) -> Axes:
    """Engagements of equal rank vs those where one side sent a lower-ranked principal, per group."""
    ax = _axes(ax, "single", 0.9)
    table = compute_protocol_asymmetry(_with_levels(data), by=by)
    columns = {"equal": "n_equal", "china": "n_china_lower", "russia": "n_russia_lower"}
    frame = pd.DataFrame({k: table[v].to_numpy() for k, v in columns.items()})
    positions = np.arange(len(table))[::-1]
    _stacked_bars(ax, positions, frame, list(columns), "lower_ranked_side", horizontal=True, width=0.7)
    ax.set_yticks(positions, table[by].astype(str))
    ax.set_xlabel("Engagements")
    handles, labels_ = ax.get_legend_handles_labels()
    names = {"Equal rank": "Equal rank", "China": "China sent the lower rank",
             "USSR/Russia": "USSR/Russia sent the lower rank"}
    ax.legend(handles, [names.get(t, t) for t in labels_], frameon=False, loc="upper center",
              bbox_to_anchor=(0.4, -0.18), ncol=1)
    return ax


def plot_cumulative(data: pd.DataFrame, *, china_person_id: str, russia_person_id: str, modes=None,
                    persons: pd.DataFrame | None = None, milestones: pd.DataFrame | None = None,
                    ax: Axes | None = None) -> Axes:
    """Cumulative count of the engagements between two principals over time, marker by mode.

    ``milestones`` (optional; columns ``date``, ``count`` and ``label``) are drawn as hollow
    markers, e.g. counts announced by officials, so differences with the data stay visible.
    """
    ax = _axes(ax, "single", 0.7)
    cumulative = compute_cumulative(data, china_person_id=china_person_id, russia_person_id=russia_person_id,
                                    modes=modes, persons=persons)
    if len(cumulative):
        ax.step(cumulative["start_date"], cumulative["cumulative"], where="post", color="0.35", linewidth=0.8)
        present = [m for m in MODES if (cumulative["mode"] == m).any()]
        for mode, colour in zip(present, colours_for("mode", present), strict=False):
            sel = cumulative["mode"] == mode
            ax.scatter(cumulative.loc[sel, "start_date"], cumulative.loc[sel, "cumulative"], s=14,
                       marker=MODE_MARKERS[mode], color=colour, label=label(mode), zorder=3)
    if milestones is not None and len(milestones):
        ax.scatter(milestones["date"], milestones["count"], s=28, facecolor="none",
                   edgecolor=OKABE_ITO["black"], linewidth=0.8, label="Announced count", zorder=4)
    ax.set_ylabel("Cumulative engagements")
    ax.xaxis.set_major_locator(mdates.YearLocator(2))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.yaxis.get_major_locator().set_params(integer=True)
    if ax.get_legend_handles_labels()[0]:
        _legend(ax)
    return ax


def plot_trade(trade: pd.DataFrame | None, *, reported: pd.DataFrame | None = None,
               reporter: str = "china_customs", start_year: int = 1990, end_year: int | None = None,
               events: list[tuple[int, str]] | None = None, ax: Axes | None = None) -> Axes:
    """China–Russia trade over time, US$ billion.

    ``trade`` (the trade table, or None) gives the official series of one ``reporter``: total,
    Chinese exports and imports as lines that break where a year is missing, and Russia's
    balance with China (Chinese imports − exports) as bars. ``reported`` (the reported_figures
    table) adds the article's own trade figures as points and its targets as open markers at
    the target year. ``events`` are (year, label) pairs drawn as annotated vertical lines.
    """
    ax = _axes(ax, "double", 0.42)
    last = end_year
    if trade is not None and len(trade):
        series = trade[trade["reporter"] == reporter].set_index("year").sort_index()
        last = last or int(series.index.max())
        years = pd.RangeIndex(start_year, last + 1)
        series = series.reindex(years)  # missing years become NaN: the lines show the gap
        lines = [("total_usd_bn", "Total", OKABE_ITO["black"]),
                 ("china_exports_usd_bn", "Chinese exports to Russia", OKABE_ITO["vermillion"]),
                 ("china_imports_usd_bn", "Chinese imports from Russia", OKABE_ITO["blue"])]
        for column, name, colour in lines:
            ax.plot(years, series[column].astype(float), marker="o", markersize=2.5, color=colour, label=name)
        others = trade[(trade["reporter"] != reporter) & trade["year"].between(start_year, last)]
        if len(others):
            ax.scatter(others["year"].astype(int), others["total_usd_bn"].astype(float), s=10, marker="x",
                       color="0.45", linewidth=0.6, zorder=3, label="Total, other reporters")
        balance = series["china_imports_usd_bn"].astype(float) - series["china_exports_usd_bn"].astype(float)
        ax.bar(years, balance, color=OKABE_ITO["bluish_green"], alpha=0.6, width=0.7,
               label="Russia's balance with China")
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
    _legend(ax, fontsize=6)
    return ax


def plot_economic_asymmetry(data: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Trade dependence of each side (%, left axis) and China/Russia GDP ratio (right axis).

    ``data`` is the output of :func:`compute_economic_asymmetry` with GDP data. Years without
    a value are left out of each series (points, not interpolated lines across gaps).
    """
    ax = _axes(ax, "single", 0.75)
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


def plot_counting_rules(data: pd.DataFrame, *, china_person_id: str, russia_person_id: str,
                        milestones: pd.DataFrame | None = None, ax: Axes | None = None) -> Axes:
    """Cumulative meetings of a pair under each counting rule, with announced counts overlaid.

    ``milestones`` (from :func:`compare_announced_counts`, meeting counts since 2013) are drawn
    as hollow markers at their date and announced value, so the gaps stay visible.
    """
    from analysis.indicators.milestones import COUNTING_RULES, compute_cumulative_by_rule

    ax = _axes(ax, "double", 0.4)
    cumulative = compute_cumulative_by_rule(data, china_person_id=china_person_id, russia_person_id=russia_person_id)
    names = {"in_person": "In person", "in_person_video": "In person + video",
             "all_contacts": "In person + video + phone"}
    colours = [OKABE_ITO["blue"], OKABE_ITO["reddish_purple"], OKABE_ITO["vermillion"]]
    for (rule, _), colour in zip(COUNTING_RULES.items(), colours, strict=False):
        if len(cumulative):
            ax.step(cumulative["start_date"], cumulative[rule], where="post", color=colour, linewidth=1.0,
                    label=names[rule])
    if milestones is not None and len(milestones):
        m = milestones[(milestones["count_of"] == "xi_putin_meetings")
                       & milestones["scope"].isin(["since_2013", "to_date"])]
        value = m["announced"].str.extract(r"(\d+)")[0].astype(float)
        for side, marker in (("china", "o"), ("russia", "D"), ("other", "^")):
            sel = (m["side"] == side).to_numpy()
            ax.scatter(m.loc[sel, "date"], value[sel], s=24, marker=marker, facecolor="none",
                       edgecolor=OKABE_ITO["black"], linewidth=0.8, zorder=4,
                       label=f"Announced ({'China' if side == 'china' else 'Russia' if side == 'russia' else 'media'})")
    ax.set_ylabel("Cumulative meetings since 2013")
    ax.xaxis.set_major_locator(mdates.YearLocator(2))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    _legend(ax, fontsize=6)
    return ax


__all__ = [
    "plot_counting_rules",
    "plot_cumulative",
    "plot_direction_of_travel",
    "plot_economic_asymmetry",
    "plot_engagements_per_year",
    "plot_mix",
    "plot_pairing_rates",
    "plot_protocol_asymmetry",
    "plot_timeline",
    "plot_trade",
]
