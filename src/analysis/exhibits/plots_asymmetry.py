"""Figures of the asymmetry indicators (direction of travel, protocol asymmetry), in seaborn's shape.

Every function is ``plot_x(data, *, ax=None, **kwargs)``: it takes the long-form engagements
table (as returned by :func:`analysis.load_engagements`, optionally filtered), computes what it
shows with the library's ``compute_*`` functions (so a figure and its table always agree), draws
on ``ax`` (a new figure in the paper style when ``ax`` is None) and returns ``ax``. Styling is
the paper style of :mod:`analysis.exhibits.style`: colour-blind-safe colours fixed per category.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from analysis.exhibits.plotkit import add_legend, get_axes, stacked_bars, with_levels
from analysis.indicators.levels import compute_protocol_asymmetry
from analysis.indicators.travel import compute_direction_of_travel

__all__ = ["plot_direction_of_travel", "plot_protocol_asymmetry"]


def plot_direction_of_travel(data: pd.DataFrame, *, by: str = "pairing", ax: Axes | None = None) -> Axes:
    """Where engagements took place per group (pairing or period), with the balance index B.

    B = (hosted in China − hosted in Russia) / (hosted in China + hosted in Russia); +1 means the
    Soviet/Russian side always travelled (see :func:`compute_balance_index`).
    """
    ax = get_axes(ax, "single", 0.9)
    counts = compute_direction_of_travel(data, by=by)
    columns = {"china": "n_hosted_by_china", "russia": "n_hosted_by_russia",
               "third_country": "n_third_country", "none": "n_remote"}
    frame = pd.DataFrame({side: counts[column].to_numpy() for side, column in columns.items()})
    positions = np.arange(len(counts))[::-1]
    stacked_bars(ax, positions, frame, list(columns), "host_side", horizontal=True, width=0.7)
    for pos, total, b in zip(positions, counts["n_engagements"], counts["balance_index"], strict=False):
        ax.text(total, pos, "  B = n/a" if pd.isna(b) else f"  B = {b:+.2f}", va="center", fontsize=6)
    ax.set_yticks(positions, counts[by].astype(str))
    ax.set_xlabel("Engagements")
    ax.margins(x=0.3)
    add_legend(ax, loc="upper center", bbox_to_anchor=(0.4, -0.18), ncol=2, title="Took place")
    return ax


def plot_protocol_asymmetry(data: pd.DataFrame, *, by: str = "pairing", ax: Axes | None = None) -> Axes:
    """Engagements of equal rank vs those where one side sent a lower-ranked principal, per group."""
    ax = get_axes(ax, "single", 0.9)
    table = compute_protocol_asymmetry(with_levels(data), by=by)
    columns = {"equal": "n_equal", "china": "n_china_lower", "russia": "n_russia_lower"}
    frame = pd.DataFrame({k: table[v].to_numpy() for k, v in columns.items()})
    positions = np.arange(len(table))[::-1]
    stacked_bars(ax, positions, frame, list(columns), "lower_ranked_side", horizontal=True, width=0.7)
    ax.set_yticks(positions, table[by].astype(str))
    ax.set_xlabel("Engagements")
    handles, labels_ = ax.get_legend_handles_labels()
    names = {"Equal rank": "Equal rank", "China": "China sent the lower rank",
             "USSR/Russia": "USSR/Russia sent the lower rank"}
    ax.legend(handles, [names.get(t, t) for t in labels_], frameon=False, loc="upper center",
              bbox_to_anchor=(0.4, -0.18), ncol=1)
    return ax
