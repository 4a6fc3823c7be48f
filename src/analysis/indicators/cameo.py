"""Derive CAMEO event codes from engagements, for joins with GDELT/ICEWS-style event data.

Codes are strings ("042"), never integers, as in the CAMEO code tables.

Coding rules (documented in ``docs/codebook.md``):

* phone and video → 041 *Discuss by telephone* (CAMEO predates video calls; a video call is
  coded as its closest extension, 041);
* virtual conference → 040 *Consult, not specified below* (remote participation in a
  multilateral conference fits none of the specific consult codes);
* in person on one side's territory → 042 *Make a visit* for the travelling side and
  043 *Host a visit* for the host;
* in person in a third country → 044 *Meet at a "third" location*, for both sides;
* each treaty, agreement, joint statement or memorandum signed → 057 *Sign formal
  agreement* (commercial contracts between companies are not state agreements: no code).

ICEWS lets 046 *Engage in negotiation* take precedence over 042/043 for "holding talks";
we do not, because almost every visit here involves talks and the distinction would carry
no information.
"""

from __future__ import annotations

import pandas as pd

CAMEO_LABELS: dict[str, str] = {
    "040": "Consult, not specified below",
    "041": "Discuss by telephone",
    "042": "Make a visit",
    "043": "Host a visit",
    "044": 'Meet at a "third" location',
    "057": "Sign formal agreement",
}

# CAMEO actor codes are ISO 3166-1 alpha-3 country codes; the Soviet side is coded RUS
# (the column russia_state keeps USSR and Russia apart for those who need it).
ACTOR = {"china": "CHN", "russia": "RUS"}
AGREEMENT_TYPES = frozenset({"treaty", "agreement", "joint_statement", "memorandum"})


def _primary_code(mode: str, host_side: str) -> tuple[str, str | None]:
    """(code, acting side) of an engagement from the travelling side's point of view."""
    if mode in ("phone", "video"):
        return "041", None
    if mode == "virtual_conference":
        return "040", None
    if host_side == "third_country":
        return "044", None
    visitor = "russia" if host_side == "china" else "china"
    return "042", visitor


def add_cameo_code(engagements: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``engagements`` with ``cameo_code`` and ``cameo_source``.

    ``cameo_code`` is the engagement's consult code (040–044) as seen from the travelling
    side; ``cameo_source`` is that side's actor code (``CHN``/``RUS``) for 042 and empty
    for symmetric codes (040, 041, 044).
    """
    result = engagements.copy()
    pairs = [_primary_code(m, h) for m, h in zip(result["mode"].astype(str), result["host_side"].astype(str), strict=False)]
    result["cameo_code"] = pd.Series([c for c, _ in pairs], index=result.index, dtype="string")
    result["cameo_source"] = pd.Series([ACTOR[s] if s else pd.NA for _, s in pairs],
                                       index=result.index, dtype="string")
    return result


def compute_cameo_events(engagements: pd.DataFrame, documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Expand engagements (and signed documents) into directed CAMEO events.

    Returns one row per directed event with columns ``engagement_id``, ``event_date``,
    ``source``, ``target``, ``cameo_code``, ``cameo_label`` and ``document_id`` (empty for
    consult events), sorted by date, engagement, code and source.
    """
    records = []
    for row in engagements.itertuples(index=False):
        code, visitor = _primary_code(str(row.mode), str(row.host_side))
        if code == "042":
            host = "china" if visitor == "russia" else "russia"
            directed = [(visitor, host, "042"), (host, visitor, "043")]
        else:
            directed = [("china", "russia", code), ("russia", "china", code)]
        for source, target, c in directed:
            records.append((row.engagement_id, row.start_date, ACTOR[source], ACTOR[target], c, pd.NA))
    if documents is not None and len(documents):
        starts = engagements.set_index("engagement_id")["start_date"]
        for doc in documents.itertuples(index=False):
            if str(doc.doc_type) not in AGREEMENT_TYPES or doc.engagement_id not in starts.index:
                continue
            when = doc.signed_date if pd.notna(doc.signed_date) else starts[doc.engagement_id]
            for source, target in (("china", "russia"), ("russia", "china")):
                records.append((doc.engagement_id, when, ACTOR[source], ACTOR[target], "057", doc.document_id))
    events = pd.DataFrame.from_records(
        records, columns=["engagement_id", "event_date", "source", "target", "cameo_code", "document_id"])
    events = events.astype({"engagement_id": "string", "source": "string", "target": "string",
                            "cameo_code": "string", "document_id": "string"})
    events["event_date"] = pd.to_datetime(events["event_date"])
    events["cameo_label"] = events["cameo_code"].map(CAMEO_LABELS).astype("string")
    return (events.sort_values(["event_date", "engagement_id", "cameo_code", "source"], kind="stable")
            .reset_index(drop=True)[["engagement_id", "event_date", "source", "target",
                                     "cameo_code", "cameo_label", "document_id"]])
