"""Argument checks and array helpers shared by the indicator modules.

Public within the package (no leading underscore): every indicator module imports them from
here, and this module imports nothing from its siblings. Not part of the top-level API.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd


def check_frame(obj: Any, *, name: str, func: str) -> None:
    if not isinstance(obj, pd.DataFrame):
        raise TypeError(f"{func}: {name} must be a pandas DataFrame, not {type(obj).__name__}")


def require_columns(frame: pd.DataFrame, columns: Iterable[str], *, name: str, func: str) -> None:
    check_frame(frame, name=name, func=func)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{func}: {name} lacks column(s) {', '.join(map(repr, missing))}")


def quoted(values: Iterable[Any]) -> str:
    return ", ".join(repr(v) for v in values)


def check_choices(values: Any, allowed: Sequence[Any], *, param: str, what: str,
                   func: str) -> tuple[Any, ...] | None:
    """Normalise a filter argument (None, one value or an iterable) and check its values.

    Returns None for None; raises ValueError naming the first bad value and the allowed ones.
    """
    if values is None:
        return None
    if isinstance(values, str) or not isinstance(values, Iterable):
        values = (values,)
    values = tuple(values)
    if not values:
        raise ValueError(f"{func}: {param} is empty; pass None to keep every {what}")
    for value in values:
        if value not in allowed:
            raise ValueError(f"{func}: unknown {what} {value!r} in {param}; allowed: {quoted(allowed)}")
    return values


def check_int(value: Any, *, param: str, func: str) -> int | None:
    if value is None:
        return None
    # bool is an int subclass; True as a year is always a mistake.
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{func}: {param} must be an integer year, got {value!r}")
    return int(value)


def check_year_range(start_year: Any, end_year: Any, *, func: str) -> tuple[int | None, int | None]:
    start = check_int(start_year, param="start_year", func=func)
    end = check_int(end_year, param="end_year", func=func)
    if start is not None and end is not None and start > end:
        raise ValueError(f"{func}: start_year ({start}) is after end_year ({end})")
    return start, end


def check_bool(value: Any, *, param: str, func: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{func}: {param} must be True or False, got {value!r}")
    return bool(value)


def factor_codes(values: pd.Series, categories: Sequence[Any] | None = None) -> tuple[np.ndarray, list[Any]]:
    """Integer codes (-1 for missing or not in ``categories``) and the categories they index.

    Without ``categories``: a categorical keeps its own categories (so unobserved ones still
    get a zero-filled row or column); anything else uses its sorted distinct values.
    """
    if categories is not None:
        categories = list(categories)
        return pd.Categorical(values, categories=categories).codes.astype(np.int64), categories
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(dtype=np.int64), list(values.cat.categories)
    codes, uniques = pd.factorize(values, sort=True)
    return codes.astype(np.int64), list(uniques)


def count_matrix(row_codes: np.ndarray, n_rows: int, col_codes: np.ndarray, n_cols: int) -> np.ndarray:
    """Cross-tabulate two code arrays into an ``(n_rows, n_cols)`` int64 array, zero-filled.

    Codes < 0 (missing) are left out. One ``bincount`` pass: linear in the number of rows.
    """
    keep = (row_codes >= 0) & (col_codes >= 0)
    flat = row_codes[keep] * n_cols + col_codes[keep]
    return np.bincount(flat, minlength=n_rows * n_cols).reshape(n_rows, n_cols).astype(np.int64)


def key_column(categories: list[Any], source: pd.Series) -> pd.Series:
    """The grouping column of a summary table, keeping a categorical's dtype and order."""
    if isinstance(source.dtype, pd.CategoricalDtype):
        return pd.Series(pd.Categorical(categories, categories=source.cat.categories,
                                        ordered=source.cat.ordered))
    return pd.Series(categories, dtype=source.dtype if len(categories) else object)


def safe_divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator as float, NaN where the denominator is 0 (no division warnings)."""
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    out = np.full(numerator.shape, np.nan)
    np.divide(numerator, denominator, out=out, where=denominator != 0)
    return out


def summary_frame(key_name: str | None, key: pd.Series | None, columns: dict[str, Any]) -> pd.DataFrame:
    """Assemble a summary table: optional key column first, then ``columns``, RangeIndex."""
    data: dict[str, Any] = {}
    if key_name is not None:
        if key_name in columns:
            raise ValueError(f"grouping column {key_name!r} clashes with an output column")
        data[key_name] = key.reset_index(drop=True) if isinstance(key, pd.Series) else key
    data.update(columns)
    return pd.DataFrame(data)


ABOUT_TOLERANCE = 0.10
"""'about N' holds within 10 % of N, and at least within 1 (one rule for claims and announced counts)."""


def start_years(engagements: pd.DataFrame, *, func: str) -> np.ndarray:
    """The start year of each engagement; raises if ``start_date`` is missing, empty or not datetime64."""
    require_columns(engagements, ("start_date",), name="engagements", func=func)
    start = engagements["start_date"]
    if start.isna().any():
        raise ValueError(f"{func}: engagements has missing start_date values")
    if not pd.api.types.is_datetime64_any_dtype(start.dtype):
        raise ValueError(f"{func}: start_date must be datetime64, got {start.dtype}")
    return start.dt.year.to_numpy(dtype=np.int64)


def qualifier_holds(data_value: float, stated: float, qualifier: str) -> bool:
    """Whether ``data_value`` satisfies a stated value with its qualifier.

    ``over``: strictly greater; ``about``: ``|data - stated| <= max(1, 10 % of |stated|)``; anything
    else (``exact``): equal.
    """
    if qualifier == "over":
        return data_value > stated
    if qualifier == "about":
        return abs(data_value - stated) <= max(1.0, ABOUT_TOLERANCE * abs(stated))
    return data_value == stated
