"""The domain rules: what a Table Schema cannot express about engagements, offices, trade, ….

Each rule reads the tables the generic checker (:mod:`analysis.data.tableschema`) kept and
yields a :class:`~analysis.data.problems.Problem` per violation, located at the row and column
at fault: tables that must not be empty, end on or after start, date precision (and, in
:mod:`analysis.data.basis_rules`, precision and visit type against the sources' wording), the office
held on the date, USSR or Russia by the date, host side consistent with the country and mode,
provenance present, documents signed during their engagement, trade totals that add up,
claims that carry what their check needs.

A cell the schema already rejected is ``None`` in the typed rows, so a rule never reports a
value twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date

from analysis.codes import COUNTRY_SIDE, REMOTE_MODES, STATE_SIDE
from analysis.data.basis_rules import check_basis_rules
from analysis.data.problems import Problem
from analysis.data.record_rules import check_record_rules
from analysis.data.tableschema import Table

# Tables that must hold at least one row; the others may legitimately be empty
# (a dataset for another dyad may have no errata, documents or silent periods).
NON_EMPTY_TABLES = frozenset({"subsections", "persons", "offices", "engagements"})

# The USSR ceased to exist on 1991-12-26 (Supreme Soviet declaration 142-N; Gorbachev
# resigned on the 25th): engagements up to the 25th are with the USSR.
USSR_LAST_DAY = date(1991, 12, 25)
USSR_LAST_YEAR = 1991

# Bilateral trade: the total may differ from exports + imports by rounding, not by more.
TRADE_SUM_TOLERANCE = 0.015


def check_rules(tables: dict[str, Table], today: date) -> Iterator[Problem]:
    """Every domain rule, over the tables that could be read."""
    yield from check_non_empty(tables)
    yield from check_offices(tables, today)
    yield from check_engagements(tables, today)
    yield from check_basis_rules(tables)
    yield from check_documents(tables)
    yield from check_periods(tables, today)
    yield from check_reported_figures(tables)
    yield from check_claims(tables)
    yield from check_trade(tables, today)
    yield from check_announced_counts(tables, today)
    yield from check_record_rules(tables)


def check_non_empty(tables: dict[str, Table]) -> Iterator[Problem]:
    for name in sorted(NON_EMPTY_TABLES):
        table = tables.get(name)
        if table is not None and not table.rows:
            yield Problem(table.label, 2, None, None, "no data rows: the table has a header only")


def last_day_of_month(d: date) -> date:
    following = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def check_dates(label: str, line: int, row: dict, today: date,
                precision_field: str | None = "date_precision") -> Iterator[Problem]:
    start, end = row.get("start_date"), row.get("end_date")
    for name in ("start_date", "end_date"):
        value = row.get(name)
        if value is not None and value > today:
            yield Problem(label, line, name, value.isoformat(), f"date is after today ({today})")
    if start is None or end is None:
        return
    if end < start:
        yield Problem(label, line, "end_date", end.isoformat(),
                      f"end_date is before start_date ({start.isoformat()})")
        return
    precision = row.get(precision_field) if precision_field else None
    if precision == "month":
        if start.day != 1 or end != last_day_of_month(end):
            yield Problem(label, line, "date_precision", precision,
                          "month precision needs start_date on the 1st and end_date on the last day of a month "
                          f"(got {start.isoformat()} to {end.isoformat()})")
    elif precision == "year" and ((start.month, start.day) != (1, 1) or (end.month, end.day) != (12, 31)):
        yield Problem(label, line, "date_precision", precision,
                      "year precision needs start_date on 1 January and end_date on 31 December "
                      f"(got {start.isoformat()} to {end.isoformat()})")


def check_engagements(tables: dict[str, Table], today: date) -> Iterator[Problem]:
    table = tables.get("engagements")
    if table is None:
        return
    label = table.label
    persons = tables.get("persons")
    offices = tables.get("offices")
    side_of = {r["person_id"]: r["side"] for r in persons.typed} if persons else {}
    terms: dict[tuple[str, str], list[tuple[date, date | None]]] = {}
    unreadable_terms: set[str] = set()  # persons with an invalid term: their problems are reported already
    if offices:
        for raw, r in zip(offices.rows, offices.typed, strict=True):
            invalid = [k for k in ("office", "start_date", "end_date") if raw.get(k, "") != "" and r[k] is None]
            if invalid or not (r["office"] and r["start_date"]):
                unreadable_terms.add(raw.get("person_id", ""))
                continue
            terms.setdefault((r["person_id"], r["office"]), []).append((r["start_date"], r["end_date"]))

    for row, line in zip(table.typed, table.lines, strict=True):
        yield from check_dates(label, line, row, today)
        start = row["start_date"]
        # Principals: the right side, in an office they held on the day.
        for side in ("china", "russia"):
            person, office = row[f"{side}_person_id"], row[f"{side}_office"]
            if person and side_of.get(person) not in (None, side):
                yield Problem(label, line, f"{side}_person_id", person,
                              f"this person belongs to the {side_of[person]} side in persons.csv")
            if person and office and start and person in side_of and person not in unreadable_terms:
                held = terms.get((person, office), [])
                if not any(s <= start and (e is None or start <= e) for s, e in held):
                    spans = "; ".join(f"{s} to {e or 'present'}" for s, e in sorted(held, key=lambda t: t[0])) or "no term"
                    yield Problem(label, line, f"{side}_office", office,
                                  f"{person} did not hold this office on {start} (offices.csv: {spans})")
        # The counterpart state follows the date.
        if start and row["russia_state"]:
            expected = "USSR" if start <= USSR_LAST_DAY else "Russia"
            if row["russia_state"] != expected:
                yield Problem(label, line, "russia_state", row["russia_state"],
                              f"on {start} the counterpart state was {expected}")
        # Place and host side agree with the mode and with each other.
        mode, host, country = row["mode"], row["host_side"], row["country"]
        if mode in REMOTE_MODES:
            if host not in (None, "none"):
                yield Problem(label, line, "host_side", host,
                              f"a {mode} engagement has no host territory: use none")
            for name in ("city", "country"):
                if row[name]:
                    yield Problem(label, line, name, row[name],
                                  f"a {mode} engagement has no place: leave {name} empty")
            if row["visit_type"] not in (None, "none"):
                yield Problem(label, line, "visit_type", row["visit_type"],
                              f"a {mode} engagement is not a visit: use none")
        elif mode == "in_person":
            if host == "none":
                yield Problem(label, line, "host_side", host,
                              "an in-person engagement takes place on someone's territory")
            if not country:
                yield Problem(label, line, "country", "",
                              "an in-person engagement needs the country where it took place")
            elif host:
                expected_host = COUNTRY_SIDE.get(country, "third_country")
                if host != expected_host:
                    yield Problem(label, line, "host_side", host,
                                  f"country {country} means host_side {expected_host}")
                if start and country in ("RUS", "SUN") and country != ("SUN" if start <= USSR_LAST_DAY else "RUS"):
                    yield Problem(label, line, "country", country,
                                  f"on {start} the country code is {'SUN' if start <= USSR_LAST_DAY else 'RUS'}")
            if host == "third_country" and row["visit_type"] not in (None, "none"):
                yield Problem(label, line, "visit_type", row["visit_type"],
                              "a meeting in a third country is not a bilateral visit: use none")
        # Provenance: every row says where it comes from.
        if row["in_article"] is True and not row["article_subsection"]:
            yield Problem(label, line, "article_subsection", "",
                          "in_article is true: name the subsection that describes the engagement")
        if row["in_article"] is False:
            if not row["source_urls"]:
                yield Problem(label, line, "source_urls", "",
                              "an engagement not in the article needs the URL of a source read")
            if row["article_subsection"]:
                yield Problem(label, line, "article_subsection", row["article_subsection"],
                              "in_article is false: leave article_subsection empty (link it through errata)")
        if row["article_refs"] and not row["article_subsection"]:
            yield Problem(label, line, "article_refs", row["article_refs"],
                          "article reference numbers need the article_subsection they belong to")


def check_offices(tables: dict[str, Table], today: date) -> Iterator[Problem]:
    table = tables.get("offices")
    if table is None:
        return
    label = table.label
    persons = tables.get("persons")
    side_of = {r["person_id"]: r["side"] for r in persons.typed} if persons else {}
    for row, line in zip(table.typed, table.lines, strict=True):
        yield from check_dates(label, line, row, today, precision_field=None)
        person, state = row["person_id"], row["state"]
        if side_of.get(person) and state and STATE_SIDE[state] != side_of[person]:
            yield Problem(label, line, "state", state,
                          f"{person} is on the {side_of[person]} side in persons.csv")


def check_documents(tables: dict[str, Table]) -> Iterator[Problem]:
    table, engagements = tables.get("documents"), tables.get("engagements")
    if table is None or engagements is None:
        return
    label = table.label
    counts = Counter(r["engagement_id"] for r in engagements.typed)
    duplicated = {i for i, n in counts.items() if n > 1}  # ambiguous: reported as duplicates already
    spans = {r["engagement_id"]: (r["start_date"], r["end_date"]) for r in engagements.typed
             if r["engagement_id"] not in duplicated}
    for row, line in zip(table.typed, table.lines, strict=True):
        signed, span = row["signed_date"], spans.get(row["engagement_id"])
        if signed and span and span[0] and span[1] and not span[0] <= signed <= span[1]:
            yield Problem(label, line, "signed_date", signed.isoformat(),
                          f"outside the dates of engagement {row['engagement_id']} ({span[0]} to {span[1]})")
        if not row["article_subsection"] and not row["source_urls"]:
            yield Problem(label, line, "source_urls", "",
                          "a document needs a source: the article subsection or a URL read")


def check_reported_figures(tables: dict[str, Table]) -> Iterator[Problem]:
    table, subsections = tables.get("reported_figures"), tables.get("subsections")
    if table is None or subsections is None:
        return
    label = table.label
    known = {r["subsection"] for r in subsections.rows}
    for row, line in zip(table.rows, table.lines, strict=True):
        section = row.get("article_section", "")
        if section.startswith("2.") and section not in known:
            yield Problem(label, line, "article_section", section,
                          "no such subsection in subsections.csv")




def _number_text(x: float) -> str:
    """A number as a short decimal: 6.840000000000001 -> '6.84', 100.0 -> '100'."""
    return f"{x:.6f}".rstrip("0").rstrip(".")


def check_trade(tables: dict[str, Table], today: date) -> Iterator[Problem]:
    table = tables.get("trade")
    if table is None:
        return
    label = table.label
    for raw, row, line in zip(table.rows, table.typed, table.lines, strict=True):
        total, exports, imports = row["total_usd_bn"], row["china_exports_usd_bn"], row["china_imports_usd_bn"]
        if total is not None and exports is not None and imports is not None:
            flows = exports + imports
            if abs(total - flows) > TRADE_SUM_TOLERANCE * abs(total):
                yield Problem(label, line, "total_usd_bn", raw["total_usd_bn"],
                              f"differs from exports + imports ({_number_text(flows)})")
        year = row["year"]
        if row["partner_state"] == "USSR" and year is not None and year > USSR_LAST_YEAR:
            yield Problem(label, line, "partner_state", "USSR",
                          f"the USSR ceased to exist in {USSR_LAST_YEAR}: the partner in {year} is Russia")
        if year is not None and year > today.year:
            yield Problem(label, line, "year", raw["year"], f"year is after this year ({today.year})")


def check_announced_counts(tables: dict[str, Table], today: date) -> Iterator[Problem]:
    table = tables.get("announced_counts")
    if table is None:
        return
    label = table.label
    for row, line in zip(table.typed, table.lines, strict=True):
        day = row["date"]
        if day is None:
            continue
        if day > today:
            yield Problem(label, line, "date", day.isoformat(), f"date is after today ({today})")
        if row["date_precision"] == "month" and day.day != 1:
            yield Problem(label, line, "date_precision", "month",
                          f"month precision needs the date on the 1st of the month (got {day.isoformat()})")


def check_claims(tables: dict[str, Table]) -> Iterator[Problem]:
    """A claim specification must carry what its check needs."""
    table = tables.get("claims")
    if table is None:
        return
    label = table.label
    needs = {"count": ("article_value", "from_date"), "ordinal": ("article_value", "from_date", "engagement_id"),
             "trade": ("article_value", "year", "reporters"), "target": ("year", "reporters"),
             "not_checkable": ("reason",)}
    for row, line in zip(table.typed, table.lines, strict=True):
        for name in needs.get(row["check"], ()):
            if row[name] in (None, ""):
                yield Problem(label, line, name, "", f"a '{row['check']}' claim needs {name}")
        if row["from_date"] and row["to_date"] and row["to_date"] < row["from_date"]:
            yield Problem(label, line, "to_date", row["to_date"].isoformat(),
                          f"before from_date ({row['from_date'].isoformat()})")


def check_periods(tables: dict[str, Table], today: date) -> Iterator[Problem]:
    table = tables.get("periods")
    if table is None:
        return
    label = table.label
    for row, line in zip(table.typed, table.lines, strict=True):
        yield from check_dates(label, line, row, today, precision_field=None)
