"""Counting the meetings of two leaders under explicit rules, and checking announced counts.

Officials announce running counts ("our 37th meeting since 2013", "Xi's 11th visit to
Russia") without saying what they count. The data can be counted under three explicit rules,

* ``in_person``: face-to-face meetings only;
* ``in_person_video``: plus video meetings and video summits;
* ``all_contacts``: plus phone calls;

and each announced count is compared with the data under the rule its side appears to use
(``counts_video``: yes -> ``in_person_video``, no -> ``in_person``, unclear -> both shown).
Differences are shown, never hidden.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.indicators.common import qualifier_holds

COUNTING_RULES: dict[str, tuple[str, ...]] = {
    "in_person": ("in_person",),
    "in_person_video": ("in_person", "video"),
    "all_contacts": ("in_person", "video", "phone"),
}
XI_ERA_START = pd.Timestamp("2013-03-14")  # Xi Jinping became head of state
COATTENDANCE_RULE = "with_coattendance"
"""In person + video + the events both attended without a documented meeting (coattendance.csv)."""
COATTENDANCE_MODES = ("in_person", "video", "coattendance")


def compute_cumulative_by_rule(engagements: pd.DataFrame, *, china_person_id: str, russia_person_id: str,
                               rules: dict[str, tuple[str, ...]] | None = None,
                               coattendance: pd.DataFrame | None = None) -> pd.DataFrame:
    """Cumulative count of one pair's engagements under each counting rule.

    Returns one row per engagement of the pair (any mode in any rule), in date order, with
    ``start_date``, ``engagement_id``, ``mode`` and one column per rule giving the running
    count under that rule (unchanged on rows the rule does not count). With ``coattendance``
    (the data package's table), the pair's co-attendances join as rows of mode ``coattendance``
    (their ``coattendance_id`` as id) and the rule :data:`COATTENDANCE_RULE` counts them too.
    """
    rules = dict(rules or COUNTING_RULES)
    pair = engagements[(engagements["china_person_id"] == china_person_id)
                       & (engagements["russia_person_id"] == russia_person_id)]
    pair = pair[["start_date", "engagement_id", "mode"]]
    if coattendance is not None:
        rules[COATTENDANCE_RULE] = COATTENDANCE_MODES
        met = coattendance[(coattendance["china_person_id"] == china_person_id)
                           & (coattendance["russia_person_id"] == russia_person_id)]
        pair = pd.concat([pair.astype({"mode": str, "engagement_id": str}),
                          pd.DataFrame({"start_date": met["start_date"].to_numpy(),
                                        "engagement_id": met["coattendance_id"].astype(str).to_numpy(),
                                        "mode": "coattendance"})], ignore_index=True)
    counted = set().union(*rules.values())
    pair = pair[pair["mode"].astype(str).isin(counted)]
    pair = pair.sort_values(["start_date", "engagement_id"], kind="stable")
    result = pd.DataFrame({"start_date": pair["start_date"].to_numpy(),
                           "engagement_id": pair["engagement_id"].astype(str).to_numpy(),
                           "mode": pair["mode"].astype(str).to_numpy()})
    for name, modes in rules.items():
        result[name] = np.cumsum(result["mode"].isin(modes).to_numpy()).astype(np.int64)
    return result


def _trips(frame: pd.DataFrame) -> pd.Series:
    """One key per trip: the trip_id where there is one, else the engagement itself."""
    return frame["trip_id"].astype(object).where(frame["trip_id"].notna(), frame["engagement_id"].astype(object))


def count_visits(engagements: pd.DataFrame, *, person_id: str, side: str, until, since=XI_ERA_START) -> int:
    """Trips of ``person_id`` (of ``side``) to the other side's territory between two dates."""
    host = "russia" if side == "china" else "china"
    rows = engagements[(engagements[f"{side}_person_id"] == person_id) & (engagements["mode"] == "in_person")
                       & (engagements["host_side"] == host) & (engagements["start_date"] >= pd.Timestamp(since))
                       & (engagements["start_date"] <= pd.Timestamp(until))]
    return int(_trips(rows).nunique())


def _window(date: pd.Timestamp, scope: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    if scope in ("since_2013", "to_date"):
        return XI_ERA_START, date
    if scope == "this_year":
        return pd.Timestamp(date.year, 1, 1), date
    if scope == "last_year":
        return pd.Timestamp(date.year - 1, 1, 1), pd.Timestamp(date.year - 1, 12, 31)
    return None


def _next_meeting_window(engagements: pd.DataFrame, date: pd.Timestamp, china_person_id: str,
                         russia_person_id: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """From Xi's taking office to the pair's first in-person meeting after ``date`` (None if none)."""
    pair = engagements[(engagements["china_person_id"] == china_person_id)
                       & (engagements["russia_person_id"] == russia_person_id)
                       & (engagements["mode"] == "in_person") & (engagements["start_date"] > date)]
    return (XI_ERA_START, pair["start_date"].min()) if len(pair) else None


def compare_announced_counts(engagements: pd.DataFrame, announced: pd.DataFrame, *,
                             china_person_id: str = "xi_jinping",
                             russia_person_id: str = "putin_vladimir",
                             coattendance: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each announced count beside the data's count under each rule, and the difference.

    For meeting counts the window follows ``scope`` (since 2013 / to date: from Xi's taking
    office; this year; last year; next_meeting: a prospective ordinal such as "the coming meeting
    will be our 41st", counted to the pair's next in-person meeting, inclusive), with the day of the
    statement included; ``rule`` is the
    rule of the announcing side (``counts_video``), ``difference`` = data under that rule -
    announced value (for 'over'/'about' values see ``status``). Visit counts are trips to the
    other side's territory since 2013. Scopes not counted here (e.g. ``other`` and
    ``presidency`` windows, or Putin's visits to China with no starting point stated, which
    may reach back before 2013) get status 'not comparable'. With ``coattendance``, meeting
    counts are also counted under :data:`COATTENDANCE_RULE` (``data_with_coattendance``,
    ``matches_with_coattendance``).
    """
    rows = []
    for m in announced.sort_values(["date", "milestone_id"]).itertuples(index=False):
        date = pd.Timestamp(m.date)
        if getattr(m, "date_precision", "day") == "month":
            date = date + pd.offsets.MonthEnd(0)  # only the month is known: count to its end
        window = _window(date, m.scope)
        if m.scope == "next_meeting":   # a prospective ordinal: counted to the next meeting, inclusive
            window = _next_meeting_window(engagements, date, china_person_id, russia_person_id)
        counts = dict.fromkeys([*COUNTING_RULES, COATTENDANCE_RULE], pd.NA)
        rule, data_value, status = "", pd.NA, "not comparable"
        if m.count_of == "xi_putin_meetings" and window is not None:
            inside = (engagements["start_date"] >= window[0]) & (engagements["start_date"] <= window[1])
            met = None
            if coattendance is not None:
                met = coattendance[(coattendance["start_date"] >= window[0]) & (coattendance["start_date"] <= window[1])]
            cumulative = compute_cumulative_by_rule(engagements[inside], china_person_id=china_person_id,
                                                    russia_person_id=russia_person_id, coattendance=met)
            rules = [*COUNTING_RULES, *([COATTENDANCE_RULE] if met is not None else [])]
            counts = {r: int(cumulative[r].iloc[-1]) if len(cumulative) else 0 for r in rules}
            rule = {"yes": "in_person_video", "no": "in_person"}.get(str(m.counts_video), "in_person_video")
            data_value = counts[rule]
        elif m.count_of in ("xi_visits_to_russia", "putin_visits_to_china") and m.scope in ("since_2013", "to_date"):
            if m.count_of == "xi_visits_to_russia":
                data_value = count_visits(engagements, person_id=china_person_id, side="china", until=date)
                rule = "trips"
            elif m.scope == "since_2013":
                data_value = count_visits(engagements, person_id=russia_person_id, side="russia", until=date)
                rule = "trips"
        if rule:
            value = int(m.value)
            status = "matches" if qualifier_holds(data_value, value, m.qualifier) else "differs"
        with_coattendance = counts.get(COATTENDANCE_RULE, pd.NA)
        rows.append({"milestone_id": m.milestone_id, "date": date, "speaker": m.speaker, "side": m.side,
                     "count_of": m.count_of, "scope": m.scope, "announced": f"{m.qualifier} {m.value}".replace("exact ", ""),
                     "counts_video": m.counts_video, "rule": rule,
                     "data_in_person": counts["in_person"], "data_in_person_video": counts["in_person_video"],
                     "data_all_contacts": counts["all_contacts"], "data_value": data_value,
                     "difference": (data_value - int(m.value)) if rule else pd.NA, "status": status,
                     **({"data_with_coattendance": with_coattendance,
                         "matches_with_coattendance": (pd.NA if pd.isna(with_coattendance) or rule == "trips" else
                                                       qualifier_holds(with_coattendance, int(m.value), m.qualifier))}
                        if coattendance is not None else {})})
    result = pd.DataFrame(rows)
    for column in ("data_in_person", "data_in_person_video", "data_all_contacts", "data_value", "difference",
                   "data_with_coattendance"):
        if column in result:
            result[column] = result[column].astype("Int64")
    if "matches_with_coattendance" in result:
        result["matches_with_coattendance"] = result["matches_with_coattendance"].astype("boolean")
    return result


def compute_rule_fit(comparison: pd.DataFrame) -> pd.DataFrame:
    """How well each counting rule reproduces the announced meeting counts, per announcing side.

    ``comparison`` is the output of :func:`compare_announced_counts` (with ``coattendance`` for the
    co-attendance rule). Returns ``side``, ``rule``, ``n_comparable`` (meeting counts since 2013 or
    to date, or prospective ordinals) and ``n_matching`` under that rule (the announced qualifier
    applied: over, about, exact).
    """
    rows = comparison[comparison["count_of"].eq("xi_putin_meetings") & comparison["status"].ne("not comparable")]
    columns = {"in_person": "data_in_person", "in_person_video": "data_in_person_video",
               "all_contacts": "data_all_contacts"}
    if "data_with_coattendance" in rows:
        columns[COATTENDANCE_RULE] = "data_with_coattendance"
    value = rows["announced"].str.extract(r"(\d+)")[0].astype(int)
    qualifier = rows["announced"].str.extract(r"^(over|about)")[0].fillna("exact")
    out = []
    for side in ("china", "russia", "other"):
        sel = (rows["side"] == side).to_numpy()
        for rule, column in columns.items():
            data = rows.loc[sel, column]
            matching = sum(qualifier_holds(int(d), int(v), q) for d, v, q in
                           zip(data, value[sel], qualifier[sel], strict=True) if not pd.isna(d))
            out.append({"side": side, "rule": rule, "n_comparable": int(sel.sum()), "n_matching": int(matching)})
    return pd.DataFrame(out)


__all__ = ["COATTENDANCE_RULE", "COUNTING_RULES", "compare_announced_counts", "compute_cumulative_by_rule",
           "compute_rule_fit", "count_visits"]
