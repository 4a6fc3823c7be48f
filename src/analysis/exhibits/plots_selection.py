"""Figures of the article's selection against the complete record, in seaborn's shape.

Each function takes the engagements (or the table the matching ``compute_*`` function returns),
draws on ``ax`` (a new figure in the paper style when None) and returns ``ax``.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from analysis.codes import MEETING_UNIVERSES, label
from analysis.exhibits.plotkit import add_legend, get_axes
from analysis.exhibits.style import OKABE_ITO, colours_for
from analysis.indicators.selection import compute_article_selection, compute_era_rates

__all__ = ["plot_article_selection", "plot_era_rates"]


def period_tick(label) -> str:
    """A period label for a narrow tick: the years, then the name wrapped (``1992–2012\\npost-Soviet\\npartnership``)."""
    years, _, name = str(label).partition(" ")
    return "\n".join([years, *textwrap.wrap(name, 13, break_long_words=False)])


def plot_article_selection(data: pd.DataFrame, *, coverage: pd.DataFrame | None = None,
                           universes=MEETING_UNIVERSES, ax: Axes | None = None) -> Axes:
    """Engagements in the record and those the article describes, per period and universe.

    ``data``: the engagements, or the output of :func:`compute_article_selection`. One group of
    bars per period; per universe a full bar (the record) with the described part filled and the
    rest hollow, annotated with the share described. Universes whose record is not complete in a
    period are marked with a dagger after the count.
    """
    table = data if "n_record" in data.columns else compute_article_selection(data, coverage)
    table = table[table["universe"].astype(str).isin(list(universes))]
    ax = get_axes(ax, "double", 0.4)
    periods = list(table["period"].cat.categories) if hasattr(table["period"], "cat") else list(pd.unique(table["period"]))
    chosen = [u for u in universes if u in set(table["universe"].astype(str))]
    width = 0.8 / max(len(chosen), 1)
    colours = colours_for("universe", chosen)
    for j, (universe, colour) in enumerate(zip(chosen, colours, strict=True)):
        rows = table[table["universe"].astype(str) == universe].set_index("period").reindex(periods)
        x = np.arange(len(periods)) - 0.4 + width * (j + 0.5)
        record = rows["n_record"].fillna(0).to_numpy(dtype=float)
        described = rows["n_in_article"].fillna(0).to_numpy(dtype=float)
        ax.bar(x, record, width=width * 0.92, facecolor="none", edgecolor=colour, linewidth=0.8)
        ax.bar(x, described, width=width * 0.92, color=colour, linewidth=0,
               label=f"{label(universe)} (filled: in the article)" if j == 0 else label(universe))
        status = rows["status"].astype(str).to_numpy() if "status" in rows else np.array(["complete"] * len(x))
        for xi, n, k, st in zip(x, record, described, status, strict=True):
            if n:
                mark = "" if st == "complete" else "†"
                ax.text(xi, n, f"{int(k)}/{int(n)}{mark}", ha="center", va="bottom", fontsize=5, rotation=90)
    ax.set_xticks(np.arange(len(periods)), [period_tick(p) for p in periods])
    ax.set_ylabel("Engagements")
    ax.margins(y=0.2)
    add_legend(ax, title="Universe")
    return ax


def plot_era_rates(data: pd.DataFrame, *, coverage: pd.DataFrame | None = None,
                   universes=MEETING_UNIVERSES, start_year: int | None = None, end_year: int | None = None,
                   ax: Axes | None = None) -> Axes:
    """Engagements per year of complete coverage in each period: the record against the article's selection.

    ``data``: the engagements (then ``coverage`` is required) or the output of :func:`compute_era_rates`.
    """
    if "rate_record" in data.columns:
        table = data
    else:
        if coverage is None:
            raise ValueError("plot_era_rates: pass coverage= with engagements")
        table = compute_era_rates(data, coverage, universes=universes, start_year=start_year, end_year=end_year)
    ax = get_axes(ax, "single", 0.8)
    x = np.arange(len(table))
    ax.bar(x - 0.2, table["rate_record"].fillna(0), width=0.38, color=OKABE_ITO["blue"], label="Complete record")
    ax.bar(x + 0.2, table["rate_in_article"].fillna(0), width=0.38, color=OKABE_ITO["orange"],
           label="Described by the article")
    for xi, value in zip(x - 0.2, table["rate_record"].fillna(0), strict=True):
        ax.text(xi, value, f"{value:.1f}", ha="center", va="bottom", fontsize=5.5)
    ax.set_xticks(x, [period_tick(p) for p in table["period"]], fontsize=6)
    ax.set_ylabel("Engagements per year")
    ax.margins(y=0.15)
    add_legend(ax)
    return ax
