"""Shared drawing helpers of the plot modules (axes in the paper style, legends, stacked bars)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from analysis.codes import label
from analysis.exhibits.style import colours_for, new_figure
from analysis.indicators.levels import add_levels

__all__ = ["add_legend", "get_axes", "stacked_bars", "with_levels"]


def get_axes(ax: Axes | None, width: str = "single", aspect: float = 0.62) -> Axes:
    if ax is not None:
        return ax
    _, ax = new_figure(width, aspect)
    return ax


def with_levels(data: pd.DataFrame) -> pd.DataFrame:
    return data if "level" in data.columns else add_levels(data)


def add_legend(ax: Axes, **kwargs) -> None:
    kwargs = {"frameon": False, "loc": "upper left", **kwargs}
    ax.legend(**kwargs)


def stacked_bars(ax: Axes, positions, table: pd.DataFrame, categories, variable: str, *,
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
