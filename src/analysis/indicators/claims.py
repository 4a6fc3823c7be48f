"""The claims ledger: each checkable claim of the article evaluated against the data.

Claims are data (``data/claims.csv``): each row is a small declarative specification —
what to count or look up, with which filter, and how to compare — not a function per claim.
:func:`compute_claims_ledger` evaluates every row:

* ``count``: the engagements matching the filter (principals, modes, host side, date range;
  each trip once with ``distinct = trips``), compared with the article's value;
* ``ordinal``: the position of ``engagement_id`` among the matching engagements (from
  ``from_date``, in date order);
* ``trade``: the trade value of ``year`` from the first of ``reporters`` that has one,
  consistent when within ``tolerance_pct``;
* ``target``: a target is not an outcome: not checkable, the official value for the
  target year shown for context;
* ``not_checkable``: the ``reason`` says why.

Comparisons follow the article's qualifier: ``exact`` equal (within tolerance for trade),
``over`` strictly greater, ``about`` within 10 % (at least 1).
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.indicators.common import qualifier_holds

STATUSES = ("consistent", "inconsistent", "not checkable")


def _select(engagements: pd.DataFrame, claim) -> pd.DataFrame:
    rows = engagements
    for column in ("china_person_id", "russia_person_id", "host_side"):
        value = getattr(claim, column)
        if isinstance(value, str) and value:
            rows = rows[rows[column] == value]
    if isinstance(claim.modes, str) and claim.modes:
        rows = rows[rows["mode"].astype(str).isin(claim.modes.split(";"))]
    if pd.notna(claim.from_date):
        rows = rows[rows["start_date"] >= claim.from_date]
    if pd.notna(claim.to_date):
        rows = rows[rows["start_date"] <= claim.to_date]
    return rows.sort_values(["start_date", "engagement_id"], kind="stable")


def _keys(rows: pd.DataFrame, distinct: str) -> pd.Series:
    if distinct == "trips":
        return rows["trip_id"].astype(object).where(rows["trip_id"].notna(), rows["engagement_id"].astype(object))
    return rows["engagement_id"].astype(object)


def _compare(data_value: float, article_value: float, qualifier: str, tolerance_pct: float = 0.0) -> bool:
    if qualifier in ("over", "about"):
        return qualifier_holds(data_value, article_value, qualifier)
    if tolerance_pct:
        return abs(data_value - article_value) <= tolerance_pct / 100 * abs(data_value)
    return math.isclose(data_value, article_value)


def _trade_totals(trade: pd.DataFrame) -> dict[tuple[int, str], float]:
    """{(year, reporter): total_usd_bn} of the first row with a total, in file order (one pass)."""
    known = trade[trade["total_usd_bn"].notna()].drop_duplicates(["year", "reporter"], keep="first")
    return {(int(y), str(r)): float(v) for y, r, v in
            zip(known["year"], known["reporter"].astype(str), known["total_usd_bn"], strict=True)}


def _trade_value(totals: dict[tuple[int, str], float], year: int, reporters: str) -> tuple[float, str] | None:
    """The first of the ';'-separated ``reporters`` with a total for ``year``, and its name."""
    for reporter in reporters.split(";"):
        if (year, reporter) in totals:
            return totals[(year, reporter)], reporter
    return None


def _rule(claim) -> str:
    parts = []
    if isinstance(claim.china_person_id, str) and claim.china_person_id:
        parts.append(f"China: {claim.china_person_id}")
    if isinstance(claim.russia_person_id, str) and claim.russia_person_id:
        parts.append(f"USSR/Russia: {claim.russia_person_id}")
    parts.append(f"modes: {claim.modes.replace(';', ', ')}" if isinstance(claim.modes, str) and claim.modes
                 else "all modes")
    if isinstance(claim.host_side, str) and claim.host_side:
        parts.append(f"held in: {claim.host_side}")
    start = claim.from_date.date().isoformat() if pd.notna(claim.from_date) else "start"
    end = claim.to_date.date().isoformat() if pd.notna(claim.to_date) else "end"
    parts.append(f"{start} to {end}")
    if claim.distinct == "trips":
        parts.append("each trip once")
    return "; ".join(parts)


def _number(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def compute_claims_ledger(claims: pd.DataFrame, engagements: pd.DataFrame, trade: pd.DataFrame | None = None
                          ) -> pd.DataFrame:
    """Evaluate every claim specification; one ledger row per claim.

    Columns: ``claim_id``, ``section``, ``claim``, ``article_value`` (e.g. "over 45"),
    ``rule`` (what was counted or looked up), ``data_value``, ``official_value`` (trade
    claims: the reporter's figure, e.g. "244.81 (china_customs)"), ``status`` (consistent /
    inconsistent / not checkable) and ``explanation``.
    """
    rows = []
    totals = _trade_totals(trade) if trade is not None else None
    for c in claims.sort_values("claim_id").itertuples(index=False):
        article = "" if pd.isna(c.article_value) else (
            ("" if c.qualifier in ("exact", None) or pd.isna(c.qualifier) else f"{c.qualifier} ")
            + _number(float(c.article_value)))
        rule, data_value, official, status, explanation = "", "", "", "not checkable", ""
        check = str(c.check)
        if check == "count":
            selected = _select(engagements, c)
            n = int(_keys(selected, str(c.distinct or "engagements")).nunique())
            rule, data_value = _rule(c), str(n)
            ok = _compare(n, float(c.article_value), str(c.qualifier or "exact"))
            status = "consistent" if ok else "inconsistent"
            ids = ", ".join(selected["engagement_id"].astype(str).head(12))
            explanation = (f"{n} matching engagement(s)" + (f": {ids}" if 0 < n <= 12 else "") + ".")
        elif check == "ordinal":
            selected = _select(engagements, c)
            keys = _keys(selected, str(c.distinct or "engagements"))
            target = selected.loc[selected["engagement_id"] == c.engagement_id]
            rule = _rule(c)
            if target.empty:
                explanation = f"{c.engagement_id} does not match the filter."
            else:
                position = int(pd.unique(keys[: selected.index.get_loc(target.index[0]) + 1]).size)
                data_value = str(position)
                status = "consistent" if position == float(c.article_value) else "inconsistent"
                explanation = f"{c.engagement_id} is number {position} of the matching engagements in date order."
        elif check in ("trade", "target"):
            found = _trade_value(totals, int(c.year), str(c.reporters)) if totals is not None else None
            rule = f"trade {int(c.year)}, reporters: {str(c.reporters).replace(';', ', ')}"
            if found is not None:
                official = f"{found[0]:g} ({found[1]})"
            if check == "target":
                explanation = "A target, not an outcome" + (f"; the {int(c.year)} value was {official}." if found else ".")
            elif found is None:
                explanation = f"No figure for {int(c.year)} from {str(c.reporters).replace(';', ', ')} in trade.csv."
            else:
                data_value = f"{found[0]:g}"
                tolerance = 0.0 if pd.isna(c.tolerance_pct) else float(c.tolerance_pct)
                ok = _compare(found[0], float(c.article_value), str(c.qualifier or "exact"), tolerance)
                status = "consistent" if ok else "inconsistent"
                diff = (float(c.article_value) - found[0]) / found[0] * 100
                explanation = f"Article {diff:+.1f} % against the {found[1]} figure (tolerance {tolerance:g} %)."
        else:
            explanation = str(c.reason)
        if isinstance(c.notes, str) and c.notes:
            explanation = f"{explanation} {c.notes}".strip()
        rows.append({"claim_id": c.claim_id, "section": c.article_section, "claim": c.claim,
                     "article_value": article, "rule": rule, "data_value": data_value,
                     "official_value": official, "status": status, "explanation": explanation})
    return pd.DataFrame(rows, columns=["claim_id", "section", "claim", "article_value", "rule", "data_value",
                                       "official_value", "status", "explanation"])


def compute_reported_vs_official(reported: pd.DataFrame, trade: pd.DataFrame,
                                 reporters=("china_customs", "china_official", "unattributed")) -> pd.DataFrame:
    """The article's trade figures for a year beside the official series for the same year.

    For every reported figure of China–Russia trade (actual values and targets), the value of
    the first of ``reporters`` with a figure for that year; ``difference`` = article − official
    (US$ billion) and ``difference_pct`` relative to the official value.
    """
    rows = []
    figures = reported[(reported["quantity"] == "China-Russia trade") & reported["year"].notna()]
    totals = _trade_totals(trade)
    for f in figures.sort_values(["year", "figure_id"]).itertuples(index=False):
        found = _trade_value(totals, int(f.year), ";".join(reporters))
        official = found[0] if found else float("nan")
        rows.append({"figure_id": f.figure_id, "section": f.article_section, "year": int(f.year),
                     "kind": f.kind, "article_usd_bn": float(f.value),
                     "official_usd_bn": official, "reporter": found[1] if found else "",
                     "difference_usd_bn": float(f.value) - official,
                     "difference_pct": (float(f.value) - official) / official * 100 if found else float("nan")})
    return pd.DataFrame(rows, columns=["figure_id", "section", "year", "kind", "article_usd_bn", "official_usd_bn",
                                       "reporter", "difference_usd_bn", "difference_pct"])


def compute_errata_table(errata: pd.DataFrame) -> pd.DataFrame:
    """The errata, ordered by subsection, for presentation beside the ledger."""
    order = errata["article_subsection"].str.split(".", expand=True)[1].astype(int)
    table = errata.assign(_order=order).sort_values(["_order", "erratum_id"], kind="stable")
    return pd.DataFrame({"erratum": table["erratum_id"].astype(str).to_numpy(),
                         "section": table["article_subsection"].astype(str).to_numpy(),
                         "aspect": table["aspect"].astype(str).to_numpy(),
                         "kind": table["kind"].astype(str).to_numpy(),
                         "article says": table["article_says"].astype(str).to_numpy(),
                         "record says": table["record_says"].astype(str).to_numpy(),
                         "confidence": table["confidence"].astype(str).to_numpy()})


__all__ = ["STATUSES", "compute_claims_ledger", "compute_errata_table", "compute_reported_vs_official"]
