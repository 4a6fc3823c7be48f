"""Coding rules on the sources' wording (dataset 0.6.0): precision and visit type against their basis.

Each engagement says how the sources read establish its dates (``date_basis``) and its protocol
category (``visit_type_basis``). The rules here hold the coded values to those flags:

* day precision only where the sources state the days (``date_basis`` stated), and a stated
  basis only with day precision: a day inferred from a weekday, a page's date or a visit's
  length, or one the sources disagree on, is coded with month precision;
* ``visit_type`` state, official or working only where the sources state it; empty where they
  disagree or are silent; ``none`` exactly where there was no bilateral visit;
* one visit, one category: the rows of a trip may not carry different stated categories, nor a
  stated category beside a row whose sources disagree.

Each rule yields :class:`~analysis.data.problems.Problem` at the row and column at fault. Cells
the schema rejected are ``None`` in the typed rows and are not judged again.
"""

from __future__ import annotations

from collections.abc import Iterator

from analysis.codes import COUNTRY_SIDE, REMOTE_MODES
from analysis.data.problems import Problem
from analysis.data.tableschema import Table

__all__ = ["VISIT_TYPES_BY_BASIS", "check_basis_rules"]

# What each visit_type_basis allows in visit_type (None: the cell is empty).
VISIT_TYPES_BY_BASIS: dict[str, frozenset[str | None]] = {
    "stated": frozenset({"state", "official", "working"}),
    "disagree": frozenset({None}),
    "unstated": frozenset({None}),
    "no_visit": frozenset({"none"}),
}

_DATE_BASIS_WORDS = {
    "inferred": "a day that was worked out, not read,",
    "disagree": "a day the sources disagree on",
    "partial": "a day the sources do not give",
}


def check_basis_rules(tables: dict[str, Table]) -> Iterator[Problem]:
    """Precision and visit type against the sources' wording flags, row by row and trip by trip."""
    table = tables.get("engagements")
    if table is None:
        return
    fields = table.resource.field_names
    if "date_basis" in fields:
        yield from _check_date_basis(table)
    if "visit_type_basis" in fields:
        yield from _check_visit_type_basis(table)
        yield from _check_trip_visit_types(table)


def _check_date_basis(table: Table) -> Iterator[Problem]:
    for row, line in zip(table.typed, table.lines, strict=True):
        precision, basis = row.get("date_precision"), row.get("date_basis")
        if precision is None or basis is None:
            continue
        if precision == "day" and basis != "stated":
            yield Problem(table.label, line, "date_precision", precision,
                          f"date_basis is {basis}: {_DATE_BASIS_WORDS[basis]} is not day precision; "
                          "use month (or year) precision and give the day in the notes")
        elif precision != "day" and basis == "stated":
            yield Problem(table.label, line, "date_basis", basis,
                          f"stated means the sources give both days, but the row has {precision} precision: "
                          "use day precision, or code how the dates are known (inferred, disagree, partial)")


def _check_visit_type_basis(table: Table) -> Iterator[Problem]:
    for raw, row, line in zip(table.rows, table.typed, table.lines, strict=True):
        basis, visit_type = row.get("visit_type_basis"), row.get("visit_type")
        if basis is None or (raw.get("visit_type", "") != "" and visit_type is None):
            continue  # the schema rejected one of the two cells already
        mode, host, country = row.get("mode"), row.get("host_side"), row.get("country")
        # The country decides a third-country meeting; a host_side that contradicts it is reported
        # by check_engagements, not again here.
        third_country = country not in COUNTRY_SIDE if country else host == "third_country"
        no_visit = mode in REMOTE_MODES or third_country
        if no_visit and visit_type not in (None, "none"):
            continue  # check_engagements reports a visit type on a remote or third-country row
        if no_visit != (basis == "no_visit") and mode is not None and (no_visit or host is not None):
            where = f"a {mode} engagement" if mode in REMOTE_MODES else "a meeting in a third country"
            reason = (f"{where} is not a bilateral visit: use no_visit" if no_visit else
                      f"an in-person engagement on the {host} side's territory is a visit: "
                      "code whether the sources state its category (stated, disagree, unstated)")
            yield Problem(table.label, line, "visit_type_basis", basis, reason)
        elif visit_type not in VISIT_TYPES_BY_BASIS[basis]:
            allowed = " or ".join(sorted("empty" if v is None else v for v in VISIT_TYPES_BY_BASIS[basis]))
            yield Problem(table.label, line, "visit_type", visit_type or "",
                          f"visit_type_basis is {basis}: visit_type must be {allowed}")


def _check_trip_visit_types(table: Table) -> Iterator[Problem]:
    trips: dict[str, list[tuple[int, str | None, str]]] = {}
    for row, line in zip(table.typed, table.lines, strict=True):
        trip, basis = row.get("trip_id"), row.get("visit_type_basis")
        if trip and basis in ("stated", "disagree"):
            trips.setdefault(trip, []).append((line, row.get("visit_type"), basis))
    for trip, members in sorted(trips.items()):
        stated = [(line, v) for line, v, b in members if b == "stated" and v]
        disagreeing = [line for line, _, b in members if b == "disagree"]
        categories = sorted({v for _, v in stated})
        for line, visit_type in stated:
            if len(categories) > 1:
                yield Problem(table.label, line, "visit_type", visit_type,
                              f"the rows of trip {trip} give different categories ({', '.join(categories)}): "
                              "one visit has one category")
            elif disagreeing:
                lines = ", ".join(str(n) for n in disagreeing)
                yield Problem(table.label, line, "visit_type", visit_type,
                              f"another row of trip {trip} (line {lines}) records sources that disagree on the "
                              "category: leave visit_type empty with visit_type_basis disagree")
