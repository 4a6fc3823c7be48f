"""The full engagement list, as a table for a paper's appendix."""

from __future__ import annotations

import pandas as pd

from analysis.codes import OFFICE_LABELS, label


def _dates(start: pd.Series, end: pd.Series) -> pd.Series:
    first, last = start.dt.strftime("%Y-%m-%d"), end.dt.strftime("%Y-%m-%d")
    return first.where(start == end, first + " to " + last)


def compute_engagement_list(engagements: pd.DataFrame) -> pd.DataFrame:
    """One line per engagement, in date order, with readable principals, offices and places.

    Expects the columns of :func:`analysis.load_engagements` with ``with_persons=True`` and
    ``with_documents=True`` (as prepared by :func:`analysis.prepare_study`). Engagements not
    described by the article are marked with "*" after their id.
    """
    e = engagements.sort_values(["start_date", "engagement_id"], kind="stable")
    place = e["city"].fillna("").astype(str)
    place = place.where(place == "", place + ", " + e["country"].fillna("").astype(str))
    return pd.DataFrame({
        "id": (e["engagement_id"].astype(str) + e["in_article"].map({True: "", False: "*"})).to_numpy(),
        "dates": _dates(e["start_date"], e["end_date"]).to_numpy(),
        "China": (e["china_name"].astype(str) + " (" + e["china_office"].astype(str).map(OFFICE_LABELS) + ")").to_numpy(),
        "USSR/Russia": (e["russia_name"].astype(str) + " (" + e["russia_office"].astype(str).map(OFFICE_LABELS) + ")").to_numpy(),
        "mode": e["mode"].astype(str).map(label).to_numpy(),
        "place": place.replace("", "remote").to_numpy(),
        "forum": e["forum"].astype(object).fillna("").to_numpy(),
        "section": e["article_subsection"].fillna("").astype(str).to_numpy(),
        "documents": e["n_documents"].to_numpy(),
    })


__all__ = ["compute_engagement_list"]
