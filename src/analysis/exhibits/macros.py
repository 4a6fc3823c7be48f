"""The numbers a paper quotes, as LaTeX macros computed from the data.

A paper should never type a count by hand: ``paper/main.tex`` writes ``\\TotalEngagements``
and ``\\input{tables/macros}`` defines it. :func:`compute_paper_numbers` computes every such
number from a :class:`~analysis.pipeline.study.Study` (so the notebook's parameters apply: period,
levels, modes); :func:`write_macros` writes them as ``<output_dir>/tables/macros.tex`` and
announces the file to the runner, which records it in ``tables/manifest.json`` with the data
files it was computed from. Output is deterministic (no time stamps).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis.codes import CHINA_SIDE_REPORTERS, MEETING_UNIVERSES, REMOTE_MODES
from analysis.exhibits.outputs import record_output, resolve_output_dir, write_atomically
from analysis.exhibits.tables import latex_escape
from analysis.indicators.coverage import filter_universes
from analysis.indicators.economy import compute_trade_series
from analysis.indicators.filters import filter_engagements
from analysis.indicators.pairings import compute_pairing_rates
from analysis.indicators.selection import compute_era_rates, compute_headline_contrasts

MACROS_NAME = "macros"
# The pair whose meetings the paper counts (persons.person_id).
XI, PUTIN = "xi_jinping", "putin_vladimir"
TRADE_YEAR, TRADE_REPORTER = 2024, "china_customs"
# The span of the China-side trade series the paper describes (compute_trade_series' default reporters).
TRADE_SERIES_YEARS = (1992, 2025)
_NAME = re.compile(r"^[A-Za-z]+$")
NOT_AVAILABLE = "n/a"


def _count(mask) -> int:
    return int(pd.Series(mask).fillna(False).astype(bool).sum())


def compute_paper_numbers(study) -> pd.DataFrame:
    """Every number the paper quotes: ``macro`` (a LaTeX command name, letters only),
    ``value`` (the text the macro expands to) and ``description``.

    Engagement counts are of ``study.engagements`` (the study's period, levels and modes);
    the Xi–Putin counts are of the engagements whose principals are exactly Xi Jinping and
    Vladimir Putin; errata count rows of ``errata.csv``; the trade value is the
    ``china_customs`` figure for 2024 in ``trade.csv`` (``n/a`` when the table lacks it).
    """
    engagements = study.engagements
    data = study.dataset
    in_article = engagements["in_article"].astype(bool)
    pair = engagements[(engagements["china_person_id"] == XI) & (engagements["russia_person_id"] == PUTIN)]
    errata = data.errata[data.errata["kind"].astype(str) != "note"]    # notes are not errors of fact
    trade = data.trade
    row = trade[(trade["year"] == TRADE_YEAR) & (trade["reporter"] == TRADE_REPORTER)]
    trade_value = f"{float(row['total_usd_bn'].iloc[0]):.1f}" if len(row) else NOT_AVAILABLE
    years = engagements["start_date"].dt.year
    rows = [
        ("DatasetVersion", data.version, "version of the data read (the datapackage.json it was checked against)"),
        ("StudyStartYear", study.parameters["start_year"], "first year of the study period (parameter start_year)"),
        ("StudyEndYear", study.parameters["end_year"], "last year of the study period (parameter end_year)"),
        ("TotalEngagements", len(engagements), "engagements in the study period, levels and modes"),
        ("EngagementsInArticle", _count(in_article), "of these, engagements the article describes"),
        ("EngagementsFromRecord", _count(~in_article), "of these, engagements added from the record"),
        ("InPersonEngagements", _count(engagements["mode"] == "in_person"), "of these, in person"),
        ("RemoteEngagements", _count(engagements["mode"].isin(REMOTE_MODES)), "of these, by phone, video or virtual conference"),
        ("FirstEngagementYear", int(years.min()) if len(engagements) else NOT_AVAILABLE, "year of the first engagement"),
        ("LastEngagementYear", int(years.max()) if len(engagements) else NOT_AVAILABLE, "year of the last engagement"),
        ("XiPutinEngagements", len(pair), "engagements between Xi Jinping and Vladimir Putin, all modes"),
        ("XiPutinMeetings", _count(pair["mode"] == "in_person"), "of these, in-person meetings"),
        ("XiPutinRemote", _count(pair["mode"].isin(REMOTE_MODES)), "of these, calls, video calls and virtual conferences"),
        ("ErrataCount", len(errata), "errata: where the article contradicts itself or the record"),
        ("ErrataInternal", _count(errata["kind"] == "internal"), "errata where the article contradicts itself"),
        ("ErrataRecord", _count(errata["kind"] == "record"), "errata where the article contradicts the record"),
        ("TradeYear", TRADE_YEAR, "year of the trade value quoted (TradeTwentyTwentyFour)"),
        ("TradeTwentyTwentyFour", trade_value,
         f"China-Russia trade in {TRADE_YEAR}, US$ billion ({TRADE_REPORTER} in trade.csv)"),
        *_trade_series_numbers(trade),
        *_selection_numbers(study),
    ]
    return pd.DataFrame([(name, str(value), text) for name, value, text in rows],
                        columns=["macro", "value", "description"])


def _selection_numbers(study) -> list[tuple[str, object, str]]:
    """The article's selection on the complete record (notebook 07), in the study's years."""
    data, params = study.dataset, study.parameters
    start, end = params.get("start_year"), params.get("end_year")
    record = filter_universes(filter_engagements(study.all_engagements, start_year=start, end_year=end),
                              MEETING_UNIVERSES)
    era = compute_era_rates(record, data.coverage, universes=MEETING_UNIVERSES, start_year=start, end_year=end)
    contrasts = compute_headline_contrasts(era).set_index("contrast")
    rates = compute_pairing_rates(record, study.pairings, coverage=data.coverage, universes=MEETING_UNIVERSES,
                                  start_year=start, end_year=end)
    described = _count(record["in_article"].astype(bool))

    def one(value: float) -> str:
        return NOT_AVAILABLE if pd.isna(value) else f"{value:.1f}"

    def row(name: str, column: str) -> float:
        return float(contrasts.loc[name, column])

    return [
        ("RecordMeetings", len(record), "meetings of leaders and premiers in the record (complete universes)"),
        ("RecordMeetingsInArticle", described, "of these, meetings the article describes"),
        ("ShareDescribedPercent", NOT_AVAILABLE if not len(record) else round(100 * described / len(record)),
         "share of the record's meetings the article describes, per cent"),
        ("SplitMeetings", int(row("engagements 1960-1988", "record")),
         "meetings of leaders and premiers 1960-1988 in the record (the article: none)"),
        ("RatePartnershipRecord", one(row("engagements per year 1992-2012", "record")),
         "meetings per year 1992-2012, complete record"),
        ("RateXiRecord", one(row("engagements per year 2013-", "record")), "meetings per year from 2013, complete record"),
        ("RatePartnershipArticle", one(row("engagements per year 1992-2012", "in_article")),
         "meetings per year 1992-2012 the article describes"),
        ("RateXiArticle", one(row("engagements per year 2013-", "in_article")),
         "meetings per year from 2013 the article describes"),
        ("RiseXiRecord", one(row("ratio of the rates, 2013- / 1992-2012", "record")),
         "ratio of the rates, 2013- / 1992-2012, complete record"),
        ("RiseXiArticle", one(row("ratio of the rates, 2013- / 1992-2012", "in_article")),
         "ratio of the rates, 2013- / 1992-2012, in the article's selection"),
        ("PairingsWithoutMeetings", int((rates["n_engagements"] == 0).sum()),
         "pairings of effective leaders without a single meeting"),
        ("PairingsCounted", len(rates), "pairings of effective leaders in the window"),
    ]


def _trade_series_numbers(trade: pd.DataFrame) -> list[tuple[str, object, str]]:
    """How complete the China-side trade series is over TRADE_SERIES_YEARS."""
    first, last = TRADE_SERIES_YEARS
    series = compute_trade_series(trade, reporter=CHINA_SIDE_REPORTERS, start_year=first, end_year=last)
    found = series[series["reporter"] != ""]
    both = found["china_exports_usd_bn"].notna() & found["china_imports_usd_bn"].notna()
    reporters = " then ".join(CHINA_SIDE_REPORTERS)
    return [
        ("TradeSeriesFrom", first, "first year of the China-side trade series described"),
        ("TradeSeriesTo", last, "last year of the China-side trade series described"),
        ("TradeSeriesSpan", last - first + 1, "years from TradeSeriesFrom to TradeSeriesTo"),
        ("TradeSeriesYears", len(found), f"of these, years with a China-side figure ({reporters})"),
        ("TradeCustomsYears", _count(found["reporter"] == CHINA_SIDE_REPORTERS[0]),
         f"of these, years from {CHINA_SIDE_REPORTERS[0]}"),
        ("TradeSplitYears", _count(both), "years of the series with China's exports and imports"),
    ]


def render_macros(numbers: pd.DataFrame) -> str:
    """``\\newcommand`` lines, one per number, each with its description as a comment."""
    lines = ["% Numbers quoted in the paper, computed from the data by analysis.exhibits.macros (do not edit:",
             "% `beyond-protocol run paper_numbers` regenerates this file). In text: \\TotalEngagements{} engagements."]
    seen = set()
    for name, value, description in numbers[["macro", "value", "description"]].itertuples(index=False):
        if not _NAME.match(name) or name in seen:
            raise ValueError(f"macro name must be letters only and unique: {name!r}")
        seen.add(name)
        lines.append(f"\\newcommand{{\\{name}}}{{{latex_escape(str(value))}}}% {description}")
    return "\n".join(lines) + "\n"


def write_macros(study, *, name: str = MACROS_NAME) -> Path:
    """Write ``<output_dir>/tables/macros.tex`` for ``\\input`` in a paper; return its path."""
    numbers = compute_paper_numbers(study)
    path = resolve_output_dir(study.output_dir) / "tables" / f"{name}.tex"
    write_atomically(path, render_macros(numbers).encode("utf-8"))
    record_output("table", name, [path], "Numbers quoted in the paper, as LaTeX macros for \\input{tables/macros}.")
    study.written.append(path)
    return path


__all__ = ["compute_paper_numbers", "render_macros", "write_macros"]
