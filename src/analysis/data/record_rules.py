"""Domain rules of the complete record (dataset 0.5.0): coverage, effective leaders, co-attendance, conversions.

* every engagement falls in a ``coverage`` row of its universe (derived from its principals'
  offices and mode, :func:`analysis.codes.universe_of`), and coverage rows of one universe do not
  overlap;
* effective-leader terms of one side do not overlap (a handover day may be shared), each person
  belongs to the term's side and held the coded office on the term's first day (or, for a
  paramount leader, some office during the term);
* a co-attendance row's principals held the coded offices on its first day and no in-person
  engagement of the same two principals in the same city falls in its dates (then it is a
  meeting, not a co-attendance);
* a trade value published in another currency carries its US$ figure only with a ``conversion``.

Each rule yields :class:`~analysis.data.problems.Problem` at the row and column at fault.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, timedelta

from analysis.codes import universe_of
from analysis.data.problems import Problem
from analysis.data.tableschema import Table

__all__ = ["check_record_rules"]

DOLLAR_UNITS = frozenset({"usd_bn", "usd_100m", "usd_m"})


def check_record_rules(tables: dict[str, Table]) -> Iterator[Problem]:
    """Every rule of this module, over the tables that could be read.

    Persons with an office term the schema rejected are left out of the office checks: their
    problem is reported once, where it is, not again in every table that refers to them.
    """
    terms = _terms(tables.get("offices"))
    yield from check_coverage(tables)
    yield from check_leaders(tables, terms)
    yield from check_coattendance(tables, terms)
    yield from check_conversions(tables)


def _terms(offices: Table | None) -> dict[tuple[str, str], list[tuple[date, date | None]]]:
    terms: dict[tuple[str, str], list[tuple[date, date | None]]] = {}
    if offices is None:
        return terms
    for raw, r in zip(offices.rows, offices.typed, strict=True):
        invalid = [k for k in ("office", "start_date", "end_date") if raw.get(k, "") != "" and r[k] is None]
        if invalid:
            terms[(raw.get("person_id", ""), UNREADABLE)] = []
        elif r["person_id"] and r["office"] and r["start_date"]:
            terms.setdefault((r["person_id"], r["office"]), []).append((r["start_date"], r["end_date"]))
    return terms


UNREADABLE = "<a term the schema rejected>"


def _held(terms, person: str, office: str, day: date) -> bool:
    if (person, UNREADABLE) in terms:
        return True  # its term is reported where it is; do not cascade
    return any(s <= day and (e is None or day <= e) for s, e in terms.get((person, office), []))


def check_coverage(tables: dict[str, Table]) -> Iterator[Problem]:
    coverage, engagements = tables.get("coverage"), tables.get("engagements")
    if coverage is None:
        return
    spans: dict[str, list[tuple[date, date, int]]] = {}
    for row, line in zip(coverage.typed, coverage.lines, strict=True):
        if row["universe"] and row["start_date"] and row["end_date"]:
            if row["end_date"] < row["start_date"]:
                yield Problem(coverage.label, line, "end_date", row["end_date"].isoformat(),
                              f"end_date is before start_date ({row['start_date']})")
                continue
            spans.setdefault(row["universe"], []).append((row["start_date"], row["end_date"], line))
    for universe, rows in spans.items():
        rows.sort()
        for (_, end, _), (start, _, line) in itertools.pairwise(rows):
            if start <= end:
                yield Problem(coverage.label, line, "start_date", start.isoformat(),
                              f"overlaps the previous {universe} row (to {end}): a period has one status")
    if engagements is None:
        return
    for row, line in zip(engagements.typed, engagements.lines, strict=True):
        china, russia, mode, start = row["china_office"], row["russia_office"], row["mode"], row["start_date"]
        if not (china and russia and mode and start):
            continue
        universe = universe_of(china, russia, mode)
        if not any(s <= start <= e for s, e, _ in spans.get(universe, [])):
            yield Problem(engagements.label, line, "start_date", start.isoformat(),
                          f"falls in no coverage.csv row of its universe '{universe}'")


def check_leaders(tables: dict[str, Table], terms) -> Iterator[Problem]:
    leaders, persons = tables.get("leaders"), tables.get("persons")
    if leaders is None:
        return
    side_of = {r["person_id"]: r["side"] for r in persons.typed} if persons else {}
    by_side: dict[str, list[tuple[date, date | None, int]]] = {}
    for row, line in zip(leaders.typed, leaders.lines, strict=True):
        person, side, start, end = row["person_id"], row["side"], row["start_date"], row["end_date"]
        if person and side and side_of.get(person) not in (None, side):
            yield Problem(leaders.label, line, "side", side, f"{person} belongs to the {side_of[person]} side in persons.csv")
        if not (person and start and row["office"]):
            continue
        if end is not None and end < start:
            yield Problem(leaders.label, line, "end_date", end.isoformat(), f"end_date is before start_date ({start})")
            continue
        if row["date_precision"] == "month" and start.day != 1 and (end is None or (end + timedelta(days=1)).day != 1):
            yield Problem(leaders.label, line, "date_precision", "month",
                          "month precision needs the imprecise transition on a month boundary "
                          "(start_date on the 1st, or end_date on the last day of a month)")
        held = [(s, e) for s, e in terms.get((person, row["office"]), [])]
        if row["basis"] == "paramount_leader":
            ok = any(s <= (end or date.max) and (e is None or start <= e) for s, e in held)
            what = "at any time during the term"
        else:
            ok = _held(terms, person, row["office"], start) or _held(terms, person, row["office"], start + timedelta(days=1))
            what = f"on {start} (or the next day)"
        if not ok and person in side_of:
            yield Problem(leaders.label, line, "office", row["office"], f"{person} did not hold this office {what}")
        if side:
            by_side.setdefault(side, []).append((start, end, line))
    for side, rows in by_side.items():
        rows.sort()
        for (_, end, _), (start, _, line) in itertools.pairwise(rows):
            if end is None or start < end:
                yield Problem(leaders.label, line, "start_date", start.isoformat(),
                              f"overlaps the previous {side} term (to {end or 'present'}); only a handover day may be shared")


def check_coattendance(tables: dict[str, Table], terms) -> Iterator[Problem]:
    table, engagements = tables.get("coattendance"), tables.get("engagements")
    if table is None:
        return
    met: dict[tuple[str, str], list[tuple[date, str, str | None]]] = {}
    if engagements is not None:
        for r in engagements.typed:
            if r["china_person_id"] and r["russia_person_id"] and r["start_date"] and r["mode"] == "in_person":
                met.setdefault((r["china_person_id"], r["russia_person_id"]), []).append(
                    (r["start_date"], r["engagement_id"], r["city"]))
    for row, line in zip(table.typed, table.lines, strict=True):
        start, end = row["start_date"], row["end_date"]
        if start is None or end is None:
            continue
        if end < start:
            yield Problem(table.label, line, "end_date", end.isoformat(), f"end_date is before start_date ({start})")
            continue
        for side in ("china", "russia"):
            person, office = row[f"{side}_person_id"], row[f"{side}_office"]
            if person and office and terms and not _held(terms, person, office, start):
                yield Problem(table.label, line, f"{side}_office", office, f"{person} did not hold this office on {start}")
        pair = (row["china_person_id"], row["russia_person_id"])
        clash = [eid for day, eid, city in met.get(pair, [])
                 if start <= day <= end and (not city or not row["city"] or city == row["city"])]
        if clash:
            yield Problem(table.label, line, "coattendance_id", row["coattendance_id"],
                          f"the same principals met in these dates ({', '.join(clash)}): a meeting, not a co-attendance")


def check_conversions(tables: dict[str, Table]) -> Iterator[Problem]:
    trade = tables.get("trade")
    if trade is None or "unit" not in trade.resource.field_names:
        return
    for row, line in zip(trade.typed, trade.lines, strict=True):
        unit = row.get("unit")
        if unit and unit not in DOLLAR_UNITS and row.get("total_usd_bn") is not None and not row.get("conversion"):
            yield Problem(trade.label, line, "conversion", None,
                          f"total_usd_bn is set but the value was published in {unit}: state the conversion "
                          "(rate, its source, who converted) or leave total_usd_bn empty")
        raw = trade.rows[trade.lines.index(line)]
        if raw.get("total_usd_bn", "") == "" and raw.get("value_as_published", "") == "":
            yield Problem(trade.label, line, "total_usd_bn", None,
                          "neither total_usd_bn nor value_as_published is given")
