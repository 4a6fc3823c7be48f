"""Each side's effective leader over time, from the data package's ``leaders`` table.

The table codes who actually held power (in the spirit of Archigos): the party leader as a rule,
Stalin until his death on 5 March 1953, Malenkov to February 1955, Deng Xiaoping as paramount
leader from December 1978 to November 1989, the Russian president from 26 December 1991 (Medvedev
2008-2012). The rule and its choices are in the codebook and ``docs/sourcing/leaders.md``.

Interval convention: ``start`` is the first day in power and ``end`` is **exclusive**, the first
day no longer in power. The table records inclusive last days; on a handover day (a predecessor's
recorded last day is his successor's first, as for Stalin and Malenkov on 1953-03-05) the
successor counts, so interval lengths are exact: ``years = (end - start).days / 365.25``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from analysis.indicators.common import require_columns

__all__ = ["SIDES", "compute_leaders", "person_names"]

SIDES: tuple[str, ...] = ("china", "russia")
ONE_DAY = pd.Timedelta(days=1)


def person_names(persons: pd.DataFrame, person_ids: pd.Series, *, func: str) -> pd.Series:
    """The ``name`` of each person id (raises naming the first id missing from ``persons``)."""
    require_columns(persons, ("person_id", "name"), name="persons", func=func)
    lookup = pd.Series(persons["name"].astype("string").to_numpy(),
                       index=persons["person_id"].astype("string").to_numpy())
    lookup = lookup[~lookup.index.duplicated()]
    names = person_ids.astype("string").map(lookup).astype("string")
    missing = person_ids[names.isna().to_numpy()]
    if len(missing):
        raise ValueError(f"{func}: person {missing.iloc[0]!r} is not in persons (or has no name)")
    return names.reset_index(drop=True)


def _as_of(as_of: Any, *, func: str) -> pd.Timestamp:
    if as_of is None:
        return pd.Timestamp.today().normalize()
    try:
        return pd.Timestamp(as_of).normalize()
    except (TypeError, ValueError) as error:
        raise ValueError(f"{func}: as_of must be a date, got {as_of!r}") from error


def compute_leaders(leaders: pd.DataFrame, persons: pd.DataFrame | None = None, *,
                    as_of: Any = None) -> pd.DataFrame:
    """Timeline of each side's effective leader.

    Parameters
    ----------
    leaders : DataFrame
        The data package's ``leaders`` table (``side``, ``person_id``, ``start_date``,
        ``end_date`` inclusive, empty while in power). Not modified.
    persons : DataFrame, optional
        When given (``person_id``, ``name``), a ``name`` column is added.
    as_of : date-like, optional
        End of observation (exclusive): open terms end here and later ones are cut. Default: today.

    Returns
    -------
    DataFrame
        ``side`` (categorical ``china``/``russia``), ``person_id``, [``name``], ``start``, ``end``
        (exclusive), sorted by side and start. Interregnums (Mao's death to Hua's election,
        9 Sep - 7 Oct 1976) are gaps.

    Raises
    ------
    ValueError
        Missing columns, an unknown side, terms of one side that overlap by more than a handover
        day, a person missing from ``persons``.
    """
    func = "compute_leaders"
    require_columns(leaders, ("side", "person_id", "start_date", "end_date"), name="leaders", func=func)
    as_of_day = _as_of(as_of, func=func)
    side = leaders["side"].astype(str)
    bad = side[~side.isin(SIDES)]
    if len(bad):
        raise ValueError(f"{func}: unknown side {bad.iloc[0]!r} in leaders; allowed: 'china', 'russia'")
    frame = pd.DataFrame({
        "side": side.to_numpy(),
        "person_id": leaders["person_id"].astype("string").to_numpy(),
        "start": pd.to_datetime(leaders["start_date"]).to_numpy(dtype="datetime64[ns]"),
        "end": (pd.to_datetime(leaders["end_date"]) + ONE_DAY).fillna(as_of_day).to_numpy(dtype="datetime64[ns]"),
    }).sort_values(["side", "start"], kind="stable").reset_index(drop=True)
    parts = []
    for name in SIDES:
        part = frame[frame["side"] == name].copy()
        starts = part["start"].to_numpy(dtype="datetime64[ns]")
        ends = part["end"].to_numpy(dtype="datetime64[ns]").copy()
        # a handover day belongs to the successor: the predecessor's interval ends there
        overlap = starts[1:] < ends[:-1]
        if (starts[1:] < ends[:-1] - np.timedelta64(1, "D")).any():
            first = int(np.argmax(starts[1:] < ends[:-1] - np.timedelta64(1, "D")))
            raise ValueError(f"{func}: {name} terms overlap: {part['person_id'].iloc[first]} and "
                             f"{part['person_id'].iloc[first + 1]}")
        ends[:-1] = np.where(overlap, starts[1:], ends[:-1])
        part["end"] = np.minimum(ends, np.datetime64(as_of_day, "ns"))
        parts.append(part[part["start"] < part["end"]])
    result = pd.concat(parts, ignore_index=True)
    result["side"] = pd.Categorical(result["side"], categories=list(SIDES))
    result["person_id"] = result["person_id"].astype("string")
    if persons is not None:
        result.insert(2, "name", person_names(persons, result["person_id"], func=func))
    return result
