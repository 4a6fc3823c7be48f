"""Figures of the article's descriptive analyses, in seaborn's shape.

Every function is ``plot_x(data, *, ax=None, **kwargs)``: it takes the long-form engagements
table (as returned by :func:`analysis.load_engagements`, optionally filtered), computes what it
shows with the library's ``compute_*`` functions (so a figure and its table always agree), draws
on ``ax`` (a new figure in the paper style when ``ax`` is None) and returns ``ax``. Styling is
the paper style of :mod:`analysis.exhibits.style`: colour-blind-safe colours fixed per category.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from matplotlib import dates as mdates
from matplotlib import transforms
from matplotlib.axes import Axes

from analysis.codes import MEETING_UNIVERSES, UNIVERSES, label
from analysis.exhibits.plotkit import add_legend, get_axes, stacked_bars, with_levels
from analysis.exhibits.style import MODE_MARKERS, OKABE_ITO, colours_for
from analysis.indicators.coverage import add_universe
from analysis.indicators.frequency import (
    MODES,
    compute_cumulative,
    compute_engagements_per_decade,
    compute_engagements_per_year,
)
from analysis.indicators.levels import LEVELS
from analysis.indicators.milestones import COUNTING_RULES, compute_cumulative_by_rule
from analysis.indicators.pairings import compute_pairing_rates


def plot_timeline(data: pd.DataFrame, *, pairings: pd.DataFrame | None = None,
                  periods: pd.DataFrame | None = None, start_year: int = 1949, end_year: int | None = None,
                  ax: Axes | None = None) -> Axes:
    """Every engagement as a point: date on x, level of office on y, marker and colour by mode.

    ``pairings`` (from :func:`compute_pairings`) are shaded in alternating greys and labelled;
    ``periods`` (the periods table) are hatched, e.g. the 1960–1988 split of subsection 2.3.
    Engagements in the same level and year are spread vertically so none hides another.
    """
    ax = get_axes(ax, "double", 0.4)
    data = with_levels(data).sort_values(["start_date", "engagement_id"], kind="stable")
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
    add_legend(ax, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=len(modes), title=None)
    return ax


def plot_engagements_per_year(data: pd.DataFrame, *, hue: str = "level", start_year: int = 1949,
                              end_year: int | None = None, coverage: pd.DataFrame | None = None,
                              universes=None, ax: Axes | None = None) -> Axes:
    """Engagements per calendar year as stacked bars by ``hue`` ('level', 'mode' or 'universe').

    Empty years show as gaps. With ``coverage`` (the data package's table), the periods in which
    the record of any of ``universes`` (default: the universes present in ``data``) is not
    complete are hatched and labelled, so a reader sees where counts are lower bounds or a sample.
    """
    if hue not in ("level", "mode", "universe"):
        raise ValueError(f"hue must be 'level', 'mode' or 'universe', not {hue!r}")
    ax = get_axes(ax, "double", 0.35)
    data = with_levels(data if "universe" in data.columns else add_universe(data))
    counts = compute_engagements_per_year(data, start_year=start_year, end_year=end_year, by=hue)
    order = {"level": LEVELS, "mode": MODES, "universe": UNIVERSES}[hue]
    categories = [c for c in order if c in counts.columns]
    stacked_bars(ax, counts["year"].to_numpy(), counts, categories, hue)
    if coverage is not None:
        chosen = list(universes) if universes is not None else sorted(set(data["universe"].astype(str)))
        shade_incomplete(ax, coverage, chosen, int(counts["year"].min()), int(counts["year"].max()))
    ax.set_xlabel("Year")
    ax.set_ylabel("Engagements")
    ax.set_xlim(counts["year"].min() - 1, counts["year"].max() + 1)
    ax.yaxis.get_major_locator().set_params(integer=True)
    add_legend(ax, title={"level": "Level of office", "mode": "Mode", "universe": "Universe"}[hue])
    return ax


def shade_incomplete(ax: Axes, coverage: pd.DataFrame, universes, first_year: int, last_year: int) -> None:
    """Hatch the years in which the record of any of ``universes`` is partial or a sample (year axis)."""
    rows = coverage[coverage["universe"].astype(str).isin(universes)
                    & coverage["status"].astype(str).ne("complete")]
    labelled = False
    for row in rows.sort_values("start_date").itertuples(index=False):
        start = max(row.start_date.year + (row.start_date.dayofyear - 1) / 365.25, first_year - 0.5)
        end = min(row.end_date.year + row.end_date.dayofyear / 365.25, last_year + 0.5)
        if start < end:
            ax.axvspan(start - 0.5, end - 0.5, facecolor="none", edgecolor="0.6", hatch="////", linewidth=0,
                       zorder=0, label=None if labelled else "Record partial or sampled")
            labelled = True


def plot_pairing_rates(data: pd.DataFrame, *, pairings: pd.DataFrame | None = None, metric: str = "rate_per_year",
                       coverage: pd.DataFrame | None = None, universes=MEETING_UNIVERSES,
                       start_year: int | None = None, end_year: int | None = None, ax: Axes | None = None) -> Axes:
    """Engagements per leadership pairing: the count, or the rate per year of shared tenure.

    ``data`` is either the engagements (the rates are then computed with
    :func:`compute_pairing_rates` and ``pairings``, ``coverage``, ``universes``, ``start_year``,
    ``end_year``) or a table that function returned. Pairings with no engagement show as 0.
    """
    if metric not in ("rate_per_year", "n_engagements"):
        raise ValueError(f"metric must be 'rate_per_year' or 'n_engagements', not {metric!r}")
    if "rate_per_year" in data.columns:
        rates = data
    else:
        if pairings is None:
            raise ValueError("plot_pairing_rates: pass pairings= (from compute_pairings) with engagements")
        rates = compute_pairing_rates(data, pairings, coverage=coverage, universes=universes,
                                      start_year=start_year, end_year=end_year)
    ax = get_axes(ax, "single", 0.9)
    positions = np.arange(len(rates))[::-1]  # chronological, first at the top
    ax.barh(positions, rates[metric].to_numpy(dtype=float), color=OKABE_ITO["blue"], height=0.7)
    for pos, value in zip(positions, rates[metric], strict=True):
        ax.text(value, pos, f" {value:.2f}" if metric == "rate_per_year" else f" {int(value)}",
                va="center", ha="left", fontsize=6)
    ax.set_yticks(positions, rates["pairing"])
    ax.set_xlabel("Engagements per year of shared tenure" if metric == "rate_per_year" else "Engagements")
    ax.margins(x=0.15)
    return ax


def plot_mix(data: pd.DataFrame, *, hue: str = "mode", start_year: int = 1949,
             end_year: int | None = None, ax: Axes | None = None, variable: str | None = None) -> Axes:
    """Share of engagements by ``hue`` ('mode' or 'level') per decade, as 100 % stacked bars.

    ``variable`` is the deprecated name of ``hue`` (until version 0.6 of the package).
    """
    if variable is not None:
        warnings.warn("plot_mix(variable=...) is deprecated; use hue=...", DeprecationWarning, stacklevel=2)
        hue = variable
    variable = hue
    if variable not in ("level", "mode"):
        raise ValueError(f"variable must be 'level' or 'mode', not {variable!r}")
    ax = get_axes(ax, "double", 0.3)
    data = with_levels(data)
    counts = compute_engagements_per_decade(data, by=variable, start_year=start_year, end_year=end_year)
    categories = [c for c in (LEVELS if variable == "level" else MODES) if c in counts.columns]
    totals = counts["n_engagements"].replace(0, np.nan)
    shares = counts[categories].div(totals, axis=0).fillna(0.0) * 100
    positions = np.arange(len(counts))
    stacked_bars(ax, positions, shares, categories, variable, width=0.75)
    ax.set_xticks(positions, [f"{int(d)}s\nn={int(n)}" for d, n in zip(counts["decade"], counts["n_engagements"], strict=False)])
    ax.set_ylabel("Share of engagements (%)")
    ax.set_ylim(0, 100)
    add_legend(ax, loc="upper left", bbox_to_anchor=(1.0, 1.0), title="Mode" if variable == "mode" else "Level")
    return ax


def plot_cumulative(data: pd.DataFrame, *, china_person_id: str, russia_person_id: str, modes=None,
                    persons: pd.DataFrame | None = None, milestones: pd.DataFrame | None = None,
                    ax: Axes | None = None) -> Axes:
    """Cumulative count of the engagements between two principals over time, marker by mode.

    ``milestones`` (optional; columns ``date``, ``count`` and ``label``) are drawn as hollow
    markers, e.g. counts announced by officials, so differences with the data stay visible.
    """
    ax = get_axes(ax, "single", 0.7)
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
        add_legend(ax)
    return ax


def plot_counting_rules(data: pd.DataFrame, *, china_person_id: str, russia_person_id: str,
                        milestones: pd.DataFrame | None = None, ax: Axes | None = None) -> Axes:
    """Cumulative meetings of a pair under each counting rule, with announced counts overlaid.

    ``milestones`` (from :func:`compare_announced_counts`, meeting counts since 2013) are drawn
    as hollow markers at their date and announced value, so the gaps stay visible.
    """
    ax = get_axes(ax, "double", 0.4)
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
    add_legend(ax, fontsize=6)
    return ax


__all__ = [
    "plot_counting_rules",
    "plot_cumulative",
    "plot_engagements_per_year",
    "plot_mix",
    "plot_pairing_rates",
    "plot_timeline",
    "shade_incomplete",
]
