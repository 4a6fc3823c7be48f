"""Leadership pairings (e.g. Xi–Putin) derived from the office terms, never hard-coded.

Interval convention used throughout this module: ``start`` is the first day in force and
``end`` is **exclusive**, the first day no longer in force. The offices table records
inclusive last days, and a successor's first day is usually his predecessor's recorded
last day (Putin's presidency ends 2008-05-07, Medvedev's starts 2008-05-07); on such a
handover day the newcomer counts as leader, so Putin's interval ends (exclusive) on
2008-05-07, where Medvedev's begins. Interval lengths are then exact:
``years = (end - start).days / 365.25`` (Hu–Medvedev, 2008-05-07 to 2012-05-07: 4.0).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis.codes import STATE_SIDE
from analysis.indicators.common import quoted, require_columns, safe_divide
from analysis.indicators.levels import OFFICE_LEVEL

__all__ = [
    "LEADER_PRECEDENCE",
    "STATE_VALIDITY",
    "add_pairing",
    "compute_leaders",
    "compute_pairing_rates",
    "compute_pairings",
]

LEADER_PRECEDENCE: dict[str, tuple[str, ...]] = {
    "PRC": ("party_leader", "military_commission_chair", "head_of_state"),
    "USSR": ("party_leader", "head_of_state"),
    "Russia": ("head_of_state", "party_leader"),
}
"""Leader offices of each state, highest precedence first. Offices not listed are ignored."""

"""Side of the dyad each state belongs to."""

STATE_VALIDITY: dict[str, tuple[str | None, str | None]] = {
    "PRC": ("1949-10-01", None),
    "USSR": (None, "1991-12-25"),
    "Russia": ("1991-12-26", None),
}
"""First and last day (inclusive; None = unbounded) on which a state's offices count.

The PRC was proclaimed on 1949-10-01 (Mao's party chairmanship from 1943 does not make him
the PRC's leader before that); the USSR's last day is 1991-12-25, the Russian Federation's
offices count from 1991-12-26 (Yeltsin's presidency from July 1991 was of the RSFSR, while
Gorbachev led the USSR)."""

SIDES = ("china", "russia")
ONE_DAY = np.timedelta64(1, "D")
# Stand-ins for "no bound" inside the datetime64[ns] range (1677-2262).
UNBOUNDED = (np.datetime64("1700-01-01", "ns"), np.datetime64("2200-01-01", "ns"))
DAYS_PER_YEAR = 365.25


def _check_as_of(as_of: Any, *, func: str) -> np.datetime64:
    if as_of is None:
        return np.datetime64(pd.Timestamp.today().normalize().date(), "ns")
    try:
        stamp = pd.Timestamp(as_of)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{func}: as_of must be a date, got {as_of!r}") from exc
    if pd.isna(stamp):
        raise ValueError(f"{func}: as_of must be a date, got {as_of!r}")
    return np.datetime64(stamp.normalize().tz_localize(None).to_datetime64(), "ns")


def _check_precedence(precedence: Any, *, func: str) -> dict[str, tuple[str, ...]]:
    if precedence is None:
        return LEADER_PRECEDENCE
    if not isinstance(precedence, Mapping):
        raise ValueError(f"{func}: precedence must map states to sequences of offices, got {precedence!r}")
    checked: dict[str, tuple[str, ...]] = {}
    for state, offices in precedence.items():
        if state not in STATE_SIDE:
            raise ValueError(f"{func}: unknown state {state!r} in precedence; allowed: {quoted(STATE_SIDE)}")
        if isinstance(offices, str) or not isinstance(offices, Sequence):
            raise ValueError(f"{func}: precedence[{state!r}] must be a sequence of offices, got {offices!r}")
        for office in offices:
            if office not in OFFICE_LEVEL:
                raise ValueError(f"{func}: unknown office {office!r} in precedence[{state!r}]; "
                                 f"allowed: {quoted(OFFICE_LEVEL)}")
        if len(set(offices)) != len(offices):
            raise ValueError(f"{func}: precedence[{state!r}] lists an office twice: {offices!r}")
        checked[state] = tuple(offices)
    return checked


def _check_validity(validity: Any, *, func: str) -> dict[str, tuple[np.datetime64, np.datetime64]]:
    """Validity windows as half-open numpy bounds [first, last + 1 day)."""
    validity = STATE_VALIDITY if validity is None else validity
    if not isinstance(validity, Mapping):
        raise ValueError(f"{func}: validity must map states to (first_day, last_day), got {validity!r}")
    lo, hi = UNBOUNDED
    bounds = {}
    for state, window in validity.items():
        if state not in STATE_SIDE:
            raise ValueError(f"{func}: unknown state {state!r} in validity; allowed: {quoted(STATE_SIDE)}")
        try:
            first, last = window
            first = lo if first is None else np.datetime64(pd.Timestamp(first).to_datetime64(), "ns")
            last = hi if last is None else np.datetime64(pd.Timestamp(last).to_datetime64(), "ns") + ONE_DAY
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{func}: validity[{state!r}] must be (first_day, last_day) dates or None, "
                             f"got {window!r}") from exc
        if first >= last:
            raise ValueError(f"{func}: validity[{state!r}] starts after it ends: {window!r}")
        bounds[state] = (first, last)
    return bounds


def _leader_terms(offices: pd.DataFrame, precedence: dict[str, tuple[str, ...]],
                  validity: dict[str, tuple[np.datetime64, np.datetime64]], as_of: np.datetime64,
                  *, func: str) -> pd.DataFrame:
    """Leader office terms as half-open [start, end) intervals clipped to state validity and as_of."""
    state = offices["state"].astype("string")
    if state.isna().any():
        raise ValueError(f"{func}: offices has missing state values")
    unknown = sorted(set(state.unique()) - set(STATE_SIDE))
    if unknown:
        raise ValueError(f"{func}: unknown state {unknown[0]!r} in offices; allowed: {quoted(STATE_SIDE)}")
    office = offices["office"].astype("string")
    # Precedence position per (state, office); offices not listed for their state get NaN.
    priority_map = {(s, o): i for s, offs in precedence.items() for i, o in enumerate(offs)}
    priority = pd.Series(list(zip(state, office, strict=False)), index=offices.index).map(priority_map)
    keep = priority.notna().to_numpy()
    if offices["start_date"].isna().any():
        raise ValueError(f"{func}: offices has missing start_date values")

    start = offices["start_date"].to_numpy(dtype="datetime64[ns]")[keep]
    last = offices["end_date"].to_numpy(dtype="datetime64[ns]")[keep]
    state_k = state.to_numpy(dtype=object)[keep]
    # One lookup per office term (office tables are small); states absent from validity are unbounded.
    lo = np.array([validity.get(s, UNBOUNDED)[0] for s in state_k], dtype="datetime64[ns]")
    hi = np.array([validity.get(s, UNBOUNDED)[1] for s in state_k], dtype="datetime64[ns]")
    # Inclusive last day -> exclusive end; an open term runs to as_of.
    end = np.where(np.isnat(last), as_of, last + ONE_DAY)
    start = np.maximum(start, lo)
    end = np.minimum(np.minimum(end, hi), as_of)
    terms = pd.DataFrame({
        "side": np.array([STATE_SIDE[s] for s in state_k], dtype=object),
        "person_id": offices["person_id"].astype("string").to_numpy(dtype=object)[keep],
        "priority": priority.to_numpy()[keep].astype(np.int64),
        "start": start,
        "end": end,
    })
    return terms[terms["start"] < terms["end"]].reset_index(drop=True)


def _sweep(terms: pd.DataFrame) -> pd.DataFrame:
    """Top leader per elementary time segment of one side, merged into per-person runs.

    Segments are cut at every term boundary; within each, the active term with the best
    precedence wins, ties going to the most recent start (the successor on a handover
    day). The segment x term matrix is quadratic in the number of terms, which is fine
    for office tables (tens to hundreds of rows).
    """
    if terms.empty:
        return pd.DataFrame({"person_id": pd.Series(dtype=object),
                             "start": pd.Series(dtype="datetime64[ns]"),
                             "end": pd.Series(dtype="datetime64[ns]")})
    starts = terms["start"].to_numpy(dtype="datetime64[ns]")
    ends = terms["end"].to_numpy(dtype="datetime64[ns]")
    order = np.lexsort((-starts.astype(np.int64), terms["priority"].to_numpy()))
    starts, ends = starts[order], ends[order]
    persons = terms["person_id"].to_numpy(dtype=object)[order]

    bounds = np.unique(np.concatenate([starts, ends]))
    seg_start, seg_end = bounds[:-1], bounds[1:]
    active = (starts[None, :] <= seg_start[:, None]) & (seg_start[:, None] < ends[None, :])
    held = active.any(axis=1)
    winner = active.argmax(axis=1)  # first active term in precedence order
    segs = pd.DataFrame({"person_id": persons[winner][held], "start": seg_start[held], "end": seg_end[held]})
    # A new run starts when the person changes or a gap separates consecutive segments.
    new_run = (segs["person_id"] != segs["person_id"].shift()) | (segs["start"] != segs["end"].shift())
    runs = segs.groupby(new_run.cumsum(), sort=False).agg(
        person_id=("person_id", "first"), start=("start", "min"), end=("end", "max"))
    return runs.reset_index(drop=True)


def compute_leaders(offices: pd.DataFrame, persons: pd.DataFrame | None = None, *,
                    as_of: Any = None, precedence: Mapping[str, Sequence[str]] | None = None,
                    validity: Mapping[str, tuple[Any, Any]] | None = None) -> pd.DataFrame:
    """Timeline of each side's top leader, derived from the office terms.

    Definition: on any date, a side's leader is the holder of the highest-precedence
    leader office held on that date among the persons in ``offices``. Default precedence
    (:data:`LEADER_PRECEDENCE`): PRC party_leader > military_commission_chair >
    head_of_state; USSR party_leader > head_of_state; Russia head_of_state >
    party_leader. Soviet offices count up to 1991-12-25, Russian ones from 1991-12-26,
    PRC ones from 1949-10-01 (:data:`STATE_VALIDITY`). On a handover day (the
    predecessor's recorded last day is the successor's first) the successor counts.

    Parameters
    ----------
    offices : DataFrame
        Office terms (``person_id``, ``office``, ``state``, ``start_date``, ``end_date``;
        ``end_date`` is the inclusive last day, NaT while in office). Not modified.
    persons : DataFrame, optional
        When given (``person_id``, ``name``), a ``name`` column is added.
    as_of : date-like, optional
        End of observation (exclusive): open terms end here and later ones are cut here.
        Default: today. Pass the data's coverage end to compare rates across pairings.
    precedence : mapping, optional
        State -> leader offices, highest first (default :data:`LEADER_PRECEDENCE`).
    validity : mapping, optional
        State -> (first day, last day) inclusive, None for unbounded
        (default :data:`STATE_VALIDITY`).

    Returns
    -------
    DataFrame
        One row per uninterrupted leadership interval: ``side`` (``"china"``/``"russia"``),
        ``person_id``, [``name``], ``start`` (first day), ``end`` (exclusive: first day no
        longer leader, or ``as_of``), sorted by side and start. Consecutive terms of the
        same person in different offices merge into one interval.

    Raises
    ------
    ValueError
        Missing columns, unknown state or office, a bad ``as_of``, a person missing from
        ``persons``.

    Notes
    -----
    Caveats: the derivation only sees persons present in the data. With the shipped data,
    the Soviet side has no leader from Khrushchev's fall (1964-10-15) to Gorbachev
    (1985-03-11), because Brezhnev, Andropov and Chernenko are absent (Kosygin was head
    of government, not a leader office); China has none from Mao's death to Deng's
    Military Commission chairmanship (1981-06-28); and Deng appears as China's leader
    until Jiang became party leader on 1989-06-24, because Zhao Ziyang (general
    secretary 1987-1989) is not in the data. Stalin stops being leader when the post of
    General Secretary was abolished (1952-10-16), not at his death.
    """
    func = "compute_leaders"
    require_columns(offices, ("person_id", "office", "state", "start_date", "end_date"),
                     name="offices", func=func)
    as_of_day = _check_as_of(as_of, func=func)
    terms = _leader_terms(offices, _check_precedence(precedence, func=func),
                          _check_validity(validity, func=func), as_of_day, func=func)
    parts = []
    for side in SIDES:  # two iterations; the work inside is vectorised
        runs = _sweep(terms[terms["side"] == side])
        runs.insert(0, "side", side)
        parts.append(runs)
    leaders = pd.concat(parts, ignore_index=True)
    result = pd.DataFrame({
        "side": pd.Categorical(leaders["side"], categories=list(SIDES)),
        "person_id": leaders["person_id"].astype("string"),
        "start": leaders["start"].astype("datetime64[ns]"),
        "end": leaders["end"].astype("datetime64[ns]"),
    })
    if persons is not None:
        names = _person_names(persons, result["person_id"], func=func)
        result.insert(2, "name", names)
    return result


def _person_names(persons: pd.DataFrame, person_ids: pd.Series, *, func: str) -> pd.Series:
    require_columns(persons, ("person_id", "name"), name="persons", func=func)
    lookup = pd.Series(persons["name"].astype("string").to_numpy(),
                       index=persons["person_id"].astype("string").to_numpy())
    lookup = lookup[~lookup.index.duplicated()]
    names = person_ids.astype("string").map(lookup).astype("string")
    missing = person_ids[names.isna().to_numpy()]
    if len(missing):
        raise ValueError(f"{func}: person {missing.iloc[0]!r} is not in persons (or has no name)")
    return names.reset_index(drop=True)


def compute_pairings(offices: pd.DataFrame, persons: pd.DataFrame, *, as_of: Any = None,
                     precedence: Mapping[str, Sequence[str]] | None = None,
                     validity: Mapping[str, tuple[Any, Any]] | None = None) -> pd.DataFrame:
    """Leadership pairings: periods in which a given Chinese and Soviet/Russian leader were both in office.

    Definition: the intersections of the two sides' leader intervals from
    :func:`compute_leaders` (same parameters).

    Parameters
    ----------
    offices, persons : DataFrame
        Office terms and persons (``person_id``, ``name``). Not modified.
    as_of, precedence, validity
        As in :func:`compute_leaders`.

    Returns
    -------
    DataFrame
        One row per overlap, sorted by start: ``pairing`` (label "China–Russia" of family
        names, e.g. "Xi–Putin": the first word of a Chinese name, the last word of a
        Russian one; the full names if two different pairs would share a label),
        ``china_person_id``, ``russia_person_id``, ``start``, ``end`` (exclusive),
        ``years`` = (end - start) in days / 365.25 (unit: years, float). A pair whose
        overlap is interrupted (Hu–Putin 2002–2008 and 2012, around Medvedev) gives
        separate rows with the same label.

    Notes
    -----
    Caveats: as in :func:`compute_leaders`, periods when one side has no leader in the
    data have no pairing; the last pairing's length depends on ``as_of``.
    """
    func = "compute_pairings"
    require_columns(persons, ("person_id", "name"), name="persons", func=func)
    leaders = compute_leaders(offices, persons, as_of=as_of, precedence=precedence, validity=validity)
    china = leaders[leaders["side"] == "china"]
    russia = leaders[leaders["side"] == "russia"]
    # Both tables are small (a few dozen intervals): a cross join is the simplest exact overlap.
    both = china.merge(russia, how="cross", suffixes=("_china", "_russia"))
    start = both[["start_china", "start_russia"]].max(axis=1)
    end = both[["end_china", "end_russia"]].min(axis=1)
    both = both.assign(start=start, end=end)[start < end].sort_values("start", kind="stable")

    family_china = both["name_china"].str.split().str[0]
    family_russia = both["name_russia"].str.split().str[-1]
    label = family_china + "–" + family_russia
    pair_key = both["person_id_china"] + "|" + both["person_id_russia"]
    # Same family names for different pairs would merge their rates: fall back to full names.
    clash = pair_key.groupby(label).transform("nunique") > 1
    label = label.where(~clash, both["name_china"] + "–" + both["name_russia"])

    return pd.DataFrame({
        "pairing": label.astype("string"),
        "china_person_id": both["person_id_china"].astype("string"),
        "russia_person_id": both["person_id_russia"].astype("string"),
        "start": both["start"].astype("datetime64[ns]"),
        "end": both["end"].astype("datetime64[ns]"),
        "years": (both["end"] - both["start"]).dt.days / DAYS_PER_YEAR,
    }).reset_index(drop=True)


def _check_pairings(pairings: pd.DataFrame, *, func: str) -> pd.DataFrame:
    require_columns(pairings, ("pairing", "start", "end"), name="pairings", func=func)
    if pairings["pairing"].isna().any() or pairings["start"].isna().any() or pairings["end"].isna().any():
        raise ValueError(f"{func}: pairings has missing pairing, start or end values")
    ordered = pairings.sort_values("start", kind="stable").reset_index(drop=True)
    starts = ordered["start"].to_numpy(dtype="datetime64[ns]")
    ends = ordered["end"].to_numpy(dtype="datetime64[ns]")
    if (starts >= ends).any():
        raise ValueError(f"{func}: pairings has an interval whose start is not before its end")
    if (starts[1:] < ends[:-1]).any():
        raise ValueError(f"{func}: pairings overlap in time; pass the output of compute_pairings")
    return ordered


def _pairing_codes(start_dates: pd.Series, ordered: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Code of the label in force on each date (-1 if none): binary search, O(n log m)."""
    labels = list(pd.unique(ordered["pairing"].astype("string")))
    label_code = pd.Categorical(ordered["pairing"].astype("string"), categories=labels).codes.astype(np.int64)
    starts = ordered["start"].to_numpy(dtype="datetime64[ns]")
    ends = ordered["end"].to_numpy(dtype="datetime64[ns]")
    dates = start_dates.to_numpy(dtype="datetime64[ns]")
    idx = np.searchsorted(starts, dates, side="right") - 1
    safe = np.clip(idx, 0, None)
    inside = (idx >= 0) & (dates < ends[safe]) if len(starts) else np.zeros(len(dates), dtype=bool)
    codes = np.where(inside, label_code[safe] if len(starts) else -1, -1)
    return codes.astype(np.int64), labels


def add_pairing(engagements: pd.DataFrame, pairings: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``engagements`` with ``pairing``: the leadership pairing in force on its start date.

    Parameters
    ----------
    engagements : DataFrame
        Needs ``start_date``. Not modified.
    pairings : DataFrame
        Output of :func:`compute_pairings` (``pairing``, ``start``, ``end`` exclusive;
        intervals must not overlap).

    Returns
    -------
    DataFrame
        A copy with ``pairing``: categorical whose categories are the labels in
        chronological order (so grouping shows pairings without engagements too); NA when
        no pairing was in force (or the date is on or after ``as_of``).

    Notes
    -----
    Caveat: the pairing is the *era* of the two leaders, whoever the principals were: a
    foreign ministers' meeting in 2015 is labelled Xi–Putin.
    """
    func = "add_pairing"
    require_columns(engagements, ("start_date",), name="engagements", func=func)
    ordered = _check_pairings(pairings, func=func)
    codes, labels = _pairing_codes(engagements["start_date"], ordered)
    result = engagements.copy()
    result["pairing"] = pd.Series(pd.Categorical.from_codes(codes, categories=labels), index=engagements.index)
    return result


def compute_pairing_rates(engagements: pd.DataFrame, pairings: pd.DataFrame) -> pd.DataFrame:
    """Engagements per year of overlapping tenure, per leadership pairing.

    Definition: for each pairing label, ``rate_per_year = n_engagements / years``, where
    ``n_engagements`` counts engagements whose start date falls in one of the label's
    intervals (assigned as in :func:`add_pairing`, recomputed here so it always matches
    ``pairings``) and ``years`` is the summed length of those intervals.

    Parameters
    ----------
    engagements : DataFrame
        Needs ``start_date``; filter it first (e.g. leader level, in person) to rate a
        subset. Not modified.
    pairings : DataFrame
        Output of :func:`compute_pairings`.

    Returns
    -------
    DataFrame
        One row per label in chronological order, pairings without engagements included:
        ``pairing``, ``china_person_id``, ``russia_person_id``, ``start`` (first day of the
        first interval), ``end`` (exclusive end of the last), ``n_intervals``, ``years``
        (float, years), ``n_engagements`` (int64), ``rate_per_year`` (engagements per year).

    Notes
    -----
    Caveats: short pairings give volatile rates (Hu–Putin's 2012 half-year holds one
    visit); the last pairing's years depend on ``as_of`` in :func:`compute_pairings`,
    so pass the data's coverage end there; engagements outside every pairing are not
    counted anywhere (see :func:`add_pairing`).
    """
    func = "compute_pairing_rates"
    require_columns(engagements, ("start_date",), name="engagements", func=func)
    ordered = _check_pairings(pairings, func=func)
    codes, labels = _pairing_codes(engagements["start_date"], ordered)
    counts = np.bincount(codes[codes >= 0], minlength=len(labels)).astype(np.int64)
    if "years" in ordered.columns:
        years = ordered["years"].astype(float)
    else:
        years = (ordered["end"] - ordered["start"]).dt.days / DAYS_PER_YEAR
    extra = {c: (c, "first") for c in ("china_person_id", "russia_person_id") if c in ordered.columns}
    summary = (ordered.assign(years=years, pairing=ordered["pairing"].astype("string"))
               .groupby("pairing", sort=False)
               .agg(**extra, start=("start", "min"), end=("end", "max"),
                    n_intervals=("start", "size"), years=("years", "sum"))
               .reindex(labels).reset_index())
    summary["n_intervals"] = summary["n_intervals"].astype(np.int64)
    summary["n_engagements"] = counts
    summary["rate_per_year"] = safe_divide(counts, summary["years"].to_numpy())
    return summary
