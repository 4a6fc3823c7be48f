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

COUNTING_RULES: dict[str, tuple[str, ...]] = {
    "in_person": ("in_person",),
    "in_person_video": ("in_person", "video"),
    "all_contacts": ("in_person", "video", "phone"),
}
XI_ERA_START = pd.Timestamp("2013-03-14")  # Xi Jinping became head of state


def compute_cumulative_by_rule(engagements: pd.DataFrame, *, china_person_id: str, russia_person_id: str,
                               rules: dict[str, tuple[str, ...]] | None = None) -> pd.DataFrame:
    """Cumulative count of one pair's engagements under each counting rule.

    Returns one row per engagement of the pair (any mode in any rule), in date order, with
    ``start_date``, ``engagement_id``, ``mode`` and one column per rule giving the running
    count under that rule (unchanged on rows the rule does not count).
    """
    rules = rules or COUNTING_RULES
    pair = engagements[(engagements["china_person_id"] == china_person_id)
                       & (engagements["russia_person_id"] == russia_person_id)]
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


def compare_announced_counts(engagements: pd.DataFrame, announced: pd.DataFrame, *,
                             china_person_id: str = "xi_jinping",
                             russia_person_id: str = "putin_vladimir") -> pd.DataFrame:
    """Each announced count beside the data's count under each rule, and the difference.

    For meeting counts the window follows ``scope`` (since 2013 / to date: from Xi's taking
    office; this year; last year), with the day of the statement included; ``rule`` is the
    rule of the announcing side (``counts_video``), ``difference`` = data under that rule -
    announced value (for 'over'/'about' values see ``status``). Visit counts are trips to the
    other side's territory since 2013. Scopes the data cannot reproduce (e.g. Putin's visits
    to China before 2013, which the data hold only where the article describes them) get
    status 'not comparable'.
    """
    rows = []
    for m in announced.sort_values(["date", "milestone_id"]).itertuples(index=False):
        date = pd.Timestamp(m.date)
        if getattr(m, "date_precision", "day") == "month":
            date = date + pd.offsets.MonthEnd(0)  # only the month is known: count to its end
        window = _window(date, m.scope)
        counts = dict.fromkeys(COUNTING_RULES, pd.NA)
        rule, data_value, status = "", pd.NA, "not comparable"
        if m.count_of == "xi_putin_meetings" and window is not None:
            cumulative = compute_cumulative_by_rule(
                engagements[(engagements["start_date"] >= window[0]) & (engagements["start_date"] <= window[1])],
                china_person_id=china_person_id, russia_person_id=russia_person_id)
            counts = {r: int(cumulative[r].iloc[-1]) if len(cumulative) else 0 for r in COUNTING_RULES}
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
            if m.qualifier == "over":
                ok = data_value > value
            elif m.qualifier == "about":
                ok = abs(data_value - value) <= max(1, round(0.1 * value))
            else:
                ok = data_value == value
            status = "matches" if ok else "differs"
        rows.append({"milestone_id": m.milestone_id, "date": date, "speaker": m.speaker, "side": m.side,
                     "count_of": m.count_of, "scope": m.scope, "announced": f"{m.qualifier} {m.value}".replace("exact ", ""),
                     "counts_video": m.counts_video, "rule": rule,
                     "data_in_person": counts["in_person"], "data_in_person_video": counts["in_person_video"],
                     "data_all_contacts": counts["all_contacts"], "data_value": data_value,
                     "difference": (data_value - int(m.value)) if rule else pd.NA, "status": status})
    result = pd.DataFrame(rows)
    for column in ("data_in_person", "data_in_person_video", "data_all_contacts", "data_value", "difference"):
        result[column] = result[column].astype("Int64")
    return result


__all__ = ["COUNTING_RULES", "compare_announced_counts", "compute_cumulative_by_rule", "count_visits"]
