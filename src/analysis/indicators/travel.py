"""Who travels to whom: direction of travel, the balance index, first visits after taking office."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from analysis.codes import COUNTERPART, HOST_SIDES, STATE_SIDE
from analysis.indicators.common import (
    check_choices,
    count_matrix,
    factor_codes,
    key_column,
    quoted,
    require_columns,
    safe_divide,
    summary_frame,
)
from analysis.indicators.levels import LEVELS, OFFICE_LEVEL, group_series

__all__ = ["HOST_SIDES", "compute_balance_index", "compute_direction_of_travel", "compute_first_visits"]


# --------------------------------------------------------------------------------------
# Direction of travel and balance index
# --------------------------------------------------------------------------------------

def _host_counts(engagements: pd.DataFrame, by: str | None, *, func: str) -> tuple[str | None, Any, np.ndarray]:
    require_columns(engagements, ("host_side",), name="engagements", func=func)
    host = engagements["host_side"]
    if host.isna().any():
        raise ValueError(f"{func}: engagements has missing host_side values")
    bad = host[~host.isin(HOST_SIDES)]
    if len(bad):
        raise ValueError(f"{func}: unknown host_side {bad.iloc[0]!r}; allowed: {quoted(HOST_SIDES)}")
    host_codes = factor_codes(host, HOST_SIDES)[0]
    if by is None:
        return None, None, count_matrix(np.zeros(len(host_codes), dtype=np.int64), 1,
                                         host_codes, len(HOST_SIDES))
    group = group_series(engagements, by, func=func)
    group_codes, groups = factor_codes(group)
    return by, key_column(groups, group), count_matrix(group_codes, len(groups), host_codes, len(HOST_SIDES))


def compute_direction_of_travel(engagements: pd.DataFrame, *, by: str | None = None) -> pd.DataFrame:
    """Where the engagements took place: in China, in Russia, in a third country or remotely.

    Definition: counts of engagements by ``host_side`` (the side on whose territory the
    principals met; the other side travelled), plus the balance index of
    :func:`compute_balance_index`. Units: engagements; index in [-1, 1].

    Parameters
    ----------
    engagements : DataFrame
        Needs ``host_side``. Not modified.
    by : str, optional
        Grouping column, e.g. ``"pairing"`` or ``"period"`` (derived with the default
        breaks if missing). Categorical groups all appear; rows with a missing group are
        left out.

    Returns
    -------
    DataFrame
        [``by``], ``n_engagements``, ``n_hosted_by_china``, ``n_hosted_by_russia``,
        ``n_third_country``, ``n_remote`` (int64) and ``balance_index`` (float).

    Notes
    -----
    Caveat: host side says where the meeting was, not who asked for it; a Russian leader
    attending a multilateral summit in China (Olympics, Belt and Road Forum) counts as
    hosted by China.
    """
    func = "compute_direction_of_travel"
    key_name, key, counts = _host_counts(engagements, by, func=func)
    china, russia, third, remote = (counts[:, HOST_SIDES.index(s)] for s in HOST_SIDES)
    return summary_frame(key_name, key, {
        "n_engagements": counts.sum(axis=1),
        "n_hosted_by_china": china,
        "n_hosted_by_russia": russia,
        "n_third_country": third,
        "n_remote": remote,
        "balance_index": safe_divide(china - russia, china + russia),
    })


def compute_balance_index(engagements: pd.DataFrame, *, by: str | None = None) -> pd.DataFrame:
    """Balance index of the direction of travel.

    Definition::

        B = (n_hosted_by_china - n_hosted_by_russia) / (n_hosted_by_china + n_hosted_by_russia)

    over bilateral in-person engagements (``host_side`` china or russia); third-country
    and remote engagements are excluded. Unit: dimensionless, in [-1, 1]. +1: every such
    engagement took place in China (the Soviet/Russian side always travelled); -1: always
    in Russia; 0: balanced. NaN when the denominator is 0. Example: 3 in China and 1 in
    Russia give B = (3 - 1) / (3 + 1) = 0.5.

    Parameters
    ----------
    engagements : DataFrame
        Needs ``host_side``. Not modified.
    by : str, optional
        Grouping column, as in :func:`compute_direction_of_travel`.

    Returns
    -------
    DataFrame
        [``by``], ``n_hosted_by_china``, ``n_hosted_by_russia`` (int64), ``balance_index``.

    Notes
    -----
    Caveats: small counts make B jumpy (one visit moves a period with two visits from 0
    to ±1); every engagement weighs the same, whatever its level, so filter first
    (:func:`analysis.indicators.frequency.filter_engagements`) for leader visits only; the engagements
    of one trip count separately (Xi met both Putin and Medvedev in May 2015).
    """
    func = "compute_balance_index"
    key_name, key, counts = _host_counts(engagements, by, func=func)
    china = counts[:, HOST_SIDES.index("china")]
    russia = counts[:, HOST_SIDES.index("russia")]
    return summary_frame(key_name, key, {
        "n_hosted_by_china": china,
        "n_hosted_by_russia": russia,
        "balance_index": safe_divide(china - russia, china + russia),
    })


# --------------------------------------------------------------------------------------
# First visits after taking office
# --------------------------------------------------------------------------------------

def compute_first_visits(engagements: pd.DataFrame, offices: pd.DataFrame, *,
                         levels: Any = ("leader",)) -> pd.DataFrame:
    """First in-person engagement in the counterpart's country after taking office, per term.

    Definition: for every office term at ``levels`` (default: leader offices) of a person
    of either side, the earliest engagement with that person as principal, ``mode`` in
    person and ``host_side`` equal to the *other* side (a Chinese principal in the
    USSR/Russia, or the reverse), whose start date lies within the term (on or after
    ``start_date``, on or before ``end_date`` if the term has ended).
    ``days_since_taking_office`` = engagement start date - term start date, in days.

    Parameters
    ----------
    engagements : DataFrame
        Needs ``engagement_id``, ``start_date``, ``mode``, ``host_side``,
        ``china_person_id``, ``russia_person_id``. Not modified.
    offices : DataFrame
        Office terms (``person_id``, ``office``, ``state``, ``start_date``, ``end_date``).
        Not modified.
    levels : str or iterable of str
        Levels of :data:`analysis.indicators.levels.LEVELS` whose terms are listed.

    Returns
    -------
    DataFrame
        One row per term, sorted by term start: ``side``, ``person_id``, ``office``,
        ``state``, ``term_start``, ``term_end`` (NaT while in office), ``first_visit_id``
        (NA when the data show none), ``first_visit_date``, ``days_since_taking_office``
        (Int64, days).

    Notes
    -----
    Caveats: only what the data show. The data are dyadic: a trip appears only through an
    engagement with a counterpart principal (attending an event on the other side's
    territory without a documented bilateral meeting is a co-attendance, not an
    engagement), so "first visit to Russia after taking office" here does not mean "first
    foreign trip", which cannot be derived from dyadic data. The record is complete only
    in the universes ``coverage.csv`` declares complete, and only the engagements passed
    count: a filtered selection (e.g. the article's engagements only) gives the first visit
    within that selection. Terms are used as recorded: a term that started before 1949
    (Mao's party chairmanship from 1943) measures days from that start.
    """
    func = "compute_first_visits"
    require_columns(engagements, ("engagement_id", "start_date", "mode", "host_side",
                                   "china_person_id", "russia_person_id"), name="engagements", func=func)
    require_columns(offices, ("person_id", "office", "state", "start_date", "end_date"),
                     name="offices", func=func)
    levels = check_choices(levels, LEVELS, param="levels", what="level", func=func)

    office = offices["office"].astype("string")
    unknown = sorted(set(office.dropna().unique()) - set(OFFICE_LEVEL))
    if unknown:
        raise ValueError(f"{func}: unknown office {unknown[0]!r} in offices; allowed: {quoted(OFFICE_LEVEL)}")
    state = offices["state"].astype("string")
    unknown = sorted(set(state.dropna().unique()) - set(STATE_SIDE))
    if unknown:
        raise ValueError(f"{func}: unknown state {unknown[0]!r} in offices; allowed: {quoted(STATE_SIDE)}")
    wanted = office.map(OFFICE_LEVEL).isin(levels).to_numpy(dtype=bool)
    terms = pd.DataFrame({
        "side": state.map(STATE_SIDE).astype("string"),
        "person_id": offices["person_id"].astype("string"),
        "office": office,
        "state": state,
        "term_start": offices["start_date"].astype("datetime64[ns]"),
        "term_end": offices["end_date"].astype("datetime64[ns]"),
    }).loc[wanted].reset_index(drop=True)
    terms["term"] = np.arange(len(terms), dtype=np.int64)

    # Visits of each side's principals to the other side's territory, stacked long.
    in_person = (engagements["mode"] == "in_person").to_numpy(dtype=bool)
    host = engagements["host_side"].astype("string")
    visits = []
    for side in ("china", "russia"):  # two sides, not a loop over engagements
        rows = in_person & (host == COUNTERPART[side]).fillna(False).to_numpy(dtype=bool)
        visits.append(pd.DataFrame({
            "side": side,
            "person_id": engagements.loc[rows, f"{side}_person_id"].astype("string").to_numpy(),
            "first_visit_id": engagements.loc[rows, "engagement_id"].astype("string").to_numpy(),
            "first_visit_date": engagements.loc[rows, "start_date"].to_numpy(dtype="datetime64[ns]"),
        }))
    visits = pd.concat(visits, ignore_index=True).astype({"side": "string", "person_id": "string",
                                                           "first_visit_id": "string"})

    matched = terms[["term", "side", "person_id", "term_start", "term_end"]].merge(
        visits, on=["side", "person_id"], how="inner")
    within = (matched["first_visit_date"] >= matched["term_start"]) & (
        matched["term_end"].isna() | (matched["first_visit_date"] <= matched["term_end"]))
    first = (matched[within.to_numpy(dtype=bool)]
             .sort_values(["term", "first_visit_date", "first_visit_id"], kind="stable")
             .drop_duplicates("term")[["term", "first_visit_id", "first_visit_date"]])
    result = terms.merge(first, on="term", how="left")
    days = (result["first_visit_date"] - result["term_start"]).dt.days
    result["days_since_taking_office"] = days.astype("Int64")
    result["side"] = pd.Categorical(result["side"], categories=["china", "russia"])
    result["first_visit_date"] = result["first_visit_date"].astype("datetime64[ns]")
    return (result.drop(columns="term")
            .sort_values(["term_start", "side", "person_id"], kind="stable")
            .reset_index(drop=True))


