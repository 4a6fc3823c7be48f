"""Hand-built tables for the indicator tests, typed exactly as :func:`analysis.load_dataset` types them.

The dtype of every column follows the data package (the same rules as ``analysis.data.load``):
date -> datetime64[ns], enum -> categorical with the declared categories, boolean -> bool,
other strings -> pandas "string". ``test_fixture_dtypes_match_loader`` checks the match.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis.data.schema import load_package

# Synthetic principals: family name first for the Chinese side, last for the Russian side.
CHINA_A, CHINA_B = "zhang_san", "li_si"
RUSSIA_A, RUSSIA_B = "petrov_ivan", "sidorov_oleg"

ENGAGEMENT_DEFAULTS: dict[str, Any] = {
    "trip_id": None,
    "date_precision": "day",
    "china_person_id": CHINA_A,
    "china_office": "head_of_state",
    "russia_person_id": RUSSIA_A,
    "russia_office": "head_of_state",
    "russia_state": "Russia",
    "mode": "in_person",
    "visit_type": None,
    "forum": None,
    "forum_event": None,
    "city": None,
    "country": None,
    "in_article": True,
    "article_subsection": None,
    "article_refs": None,
    "source_urls": None,
    "notes": None,
}


def _typed(resource_name: str, records: list[dict[str, Any]]) -> pd.DataFrame:
    resource = load_package().resource(resource_name)
    columns = {}
    for field in resource.fields:
        values = [record.get(field.name) for record in records]
        if field.type == "date":
            series = pd.Series(pd.to_datetime(pd.Series(values, dtype="object")), dtype="datetime64[ns]")
        elif field.type == "boolean":
            series = pd.Series(values, dtype="bool")
        elif field.type == "integer":
            series = pd.Series(values, dtype="Int64")
        elif field.type == "number":
            series = pd.Series(values, dtype="float64")
        elif field.enum is not None:
            unknown = {v for v in values if v is not None and v not in field.enum}
            assert not unknown, f"fixture value(s) {unknown} not in the {field.name} enum"
            series = pd.Series(pd.Categorical(values, categories=list(field.enum)))
        else:
            series = pd.Series(values, dtype="string")
        columns[field.name] = series
    return pd.DataFrame(columns, columns=list(resource.field_names))


def make_engagements(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Engagements from dicts that give at least ``start_date``; the rest defaults.

    Defaults: ids E0001, E0002, ... in row order; end_date = start_date; both principals
    heads of state (CHINA_A, RUSSIA_A); in person hosted by China; for a remote mode the
    host side defaults to 'none'.
    """
    records = []
    for i, row in enumerate(rows, start=1):
        record = {**ENGAGEMENT_DEFAULTS, "engagement_id": f"E{i:04d}", **row}
        record.setdefault("end_date", record["start_date"])
        record.setdefault("host_side", "china" if record["mode"] == "in_person" else "none")
        records.append(record)
    return _typed("engagements", records)


def make_offices(rows: list[tuple]) -> pd.DataFrame:
    """Offices from (person_id, office, state, start_date, end_date or None) tuples."""
    records = [{"person_id": p, "office": o, "state": s, "title": f"{o} of {s}", "start_date": start,
                "end_date": end, "source_url": "https://example.org/"}
               for p, o, s, start, end in rows]
    return _typed("offices", records)


def make_persons(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """Persons from (person_id, name, side) tuples."""
    return _typed("persons", [{"person_id": p, "name": n, "side": s} for p, n, s in rows])


PERSONS = [
    (CHINA_A, "Zhang San", "china"),
    (CHINA_B, "Li Si", "china"),
    (RUSSIA_A, "Ivan Petrov", "russia"),
    (RUSSIA_B, "Oleg Sidorov", "russia"),
]


def make_leaders(rows: list[tuple[str, str, str, str | None]]) -> pd.DataFrame:
    """Effective leaders from (side, person_id, start_date, end_date inclusive or None)."""
    records = [{"side": side, "person_id": pid, "start_date": start, "end_date": end, "date_precision": "day",
                "basis": "formal_office", "office": "head_of_state", "source_url": "https://example.org"}
               for side, pid, start, end in rows]
    return _typed("leaders", records)


def make_coverage(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """Coverage rows from (universe, start_date, end_date inclusive, status)."""
    records = [{"universe": u, "start_date": s, "end_date": e, "status": st, "searched": "synthetic"}
               for u, s, e, st in rows]
    return _typed("coverage", records)


def rows_of_release_040(engagements: pd.DataFrame) -> pd.DataFrame:
    """The 103 engagements of dataset 0.4.0 (E0001-E0103), which keep their ids in later releases.

    Several shipped-data tests count by hand from these row ids; the complete record added in 0.5.0
    (E0104-) is tested separately, with its own hand counts.
    """
    return engagements[engagements["engagement_id"].astype(str) <= "E0103"].reset_index(drop=True)
