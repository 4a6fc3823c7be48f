"""Selecting engagements: the common filter of the notebooks and its column helpers."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from analysis.codes import MODES
from analysis.indicators.common import (
    check_bool,
    check_choices,
    check_year_range,
    factor_codes,
    require_columns,
    start_years,
)
from analysis.indicators.levels import LEVELS, level_columns

__all__ = ["filter_engagements", "levels_of", "mode_categories"]


def mode_categories(engagements: pd.DataFrame) -> tuple[str, ...]:
    mode = engagements["mode"]
    if isinstance(mode.dtype, pd.CategoricalDtype):
        return tuple(mode.cat.categories)
    return MODES


def levels_of(engagements: pd.DataFrame, *, func: str) -> np.ndarray:
    """Level codes (index into LEVELS) from an existing ``level`` column or derived from offices."""
    if "level" in engagements.columns:
        level = engagements["level"]
        bad = level[level.notna() & ~level.isin(LEVELS)]
        if len(bad):
            raise ValueError(f"{func}: unknown level {bad.iloc[0]!r} in column 'level'; "
                             f"allowed: {', '.join(map(repr, LEVELS))}")
        return factor_codes(level, LEVELS)[0]
    return level_columns(engagements, func=func)["level"].cat.codes.to_numpy(dtype=np.int64)


def filter_engagements(engagements: pd.DataFrame, *, start_year: int | None = None,
                       end_year: int | None = None, levels: Any = None, modes: Any = None,
                       in_article_only: bool = False) -> pd.DataFrame:
    """The engagements matching all the given conditions (a new frame; the input is untouched).

    Parameters
    ----------
    engagements : DataFrame
        Engagements as loaded. Not modified.
    start_year, end_year : int, optional
        Inclusive range of start-date years.
    levels : str or iterable of str, optional
        Keep these levels of :data:`analysis.indicators.levels.LEVELS` (the engagement's level, i.e.
        the lower-ranked principal's; taken from ``level`` or derived from the offices).
    modes : str or iterable of str, optional
        Keep these modes (validated against the ``mode`` categories).
    in_article_only : bool, default False
        Keep only engagements the article describes (``in_article``).

    Returns
    -------
    DataFrame
        The matching rows with all the input's columns (no level column is added) and
        their original index labels.

    Raises
    ------
    ValueError
        A bad year, start_year after end_year, or an unknown level or mode (the message
        names the bad value and the allowed ones).
    """
    func = "filter_engagements"
    first, last = check_year_range(start_year, end_year, func=func)
    levels = check_choices(levels, LEVELS, param="levels", what="level", func=func)
    in_article_only = check_bool(in_article_only, param="in_article_only", func=func)
    mask = np.ones(len(engagements), dtype=bool)
    if first is not None or last is not None:
        years = start_years(engagements, func=func)
        if first is not None:
            mask &= years >= first
        if last is not None:
            mask &= years <= last
    if modes is not None:
        require_columns(engagements, ("mode",), name="engagements", func=func)
        modes = check_choices(modes, mode_categories(engagements), param="modes", what="mode", func=func)
        mask &= engagements["mode"].isin(modes).to_numpy(dtype=bool)
    if levels is not None:
        wanted = [LEVELS.index(level) for level in levels]
        mask &= np.isin(levels_of(engagements, func=func), wanted)
    if in_article_only:
        require_columns(engagements, ("in_article",), name="engagements", func=func)
        mask &= engagements["in_article"].fillna(False).to_numpy(dtype=bool)
    # copy(): a standalone frame, so later assignments never warn or write through (pandas 2).
    return engagements.loc[mask].copy()
