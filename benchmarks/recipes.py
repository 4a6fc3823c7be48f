"""Inputs for timing every public indicator function of the library at the same input sizes.

The functions are found, not listed: every name of ``analysis.__all__`` that starts with
``compute_``, ``add_``, ``compare_`` or ``count_``. Each needs a *recipe* here — which of its
input tables grows to n rows, and how to call it; a function without one stops the benchmark
before anything is measured (:class:`MissingRecipe`), so a new function cannot go unmeasured.

Every function is timed at the same sizes n (10^3 ... 10^6 rows of its scaled table; the other
tables as shipped). The scaled table is sampled with replacement from the shipped one, with
fresh ids, except where dates or keys must not repeat: leader terms and coverage rows are
synthetic consecutive one-day spans (10^6 of them do not fit in pandas' datetime64[ns] range,
so those functions stop at 10^5), economic series are synthetic consecutive years.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

PREFIXES = ("compute_", "add_", "compare_", "count_")
PAIR = ("xi_jinping", "putin_vladimir")
DAY_SPAN_LIMIT = 10 ** 5   # one-day spans from 1949 reach 2086 at 10^5 rows; 10^6 overflow datetime64[ns]


class MissingRecipe(RuntimeError):
    """A public indicator function has no input recipe: add one to benchmarks/recipes.py."""

    def __init__(self, names: list[str]):
        self.names = names
        super().__init__("no input recipe for " + ", ".join(names) + ": every public compute_/add_/compare_/"
                         "count_ function of analysis.__all__ must be timed; add a recipe to "
                         "benchmarks/recipes.py (RECIPES) saying which table grows and how to call it")


@dataclass(frozen=True)
class Recipe:
    scaled: str                                             # what grows to n rows, e.g. "engagements"
    arguments: Callable[[Tables], tuple[tuple, dict]]      # (args, kwargs) of one call at that size
    max_rows: int = 10 ** 6


def public_functions(names=None) -> list[str]:
    """The indicator functions of the public API (``analysis.__all__`` by default)."""
    if names is None:
        import analysis

        names = analysis.__all__
    return sorted(n for n in names if n.startswith(PREFIXES))


def check_recipes(names=None) -> list[str]:
    """The public functions, after checking that each has a recipe (raises MissingRecipe)."""
    functions = public_functions(names)
    missing = [n for n in functions if n not in RECIPES]
    if missing:
        raise MissingRecipe(missing)
    return functions


class Base:
    """The shipped tables, loaded once: what every size is sampled from."""

    def __init__(self):
        import analysis as bp

        self.data = bp.load_dataset()
        self.labelled, self.pairings = bp.label_engagements(self.data)
        self.raw_columns = list(self.data.engagements.columns)
        self.as_of = pd.Timestamp(int(self.labelled["end_date"].dt.year.max()), 12, 31)

    @cached_property
    def comparison(self) -> pd.DataFrame:
        import analysis as bp

        return bp.compare_announced_counts(self.labelled, self.data.announced_counts,
                                           coattendance=self.data.coattendance)

    @cached_property
    def study(self):
        import analysis as bp

        return bp.prepare_study("06_paper_numbers", start_year=1949, end_year=int(self.as_of.year))


def _fresh_ids(frame: pd.DataFrame, column: str, prefix: str) -> pd.DataFrame:
    frame[column] = pd.array([f"{prefix}{i:07d}" for i in range(len(frame))], dtype="string")
    return frame


class Tables:
    """The inputs of every recipe at one size ``n`` (built on first use, outside the timings)."""

    def __init__(self, base: Base, n: int):
        self.base, self.n, self.data, self.pairings = base, n, base.data, base.pairings
        self.rng = np.random.default_rng(n)
        self._tables: dict[str, pd.DataFrame] = {}

    def sample(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame.take(self.rng.integers(0, len(frame), self.n)).reset_index(drop=True)

    @cached_property
    def eng(self) -> pd.DataFrame:
        """n engagements with names, documents, level, universe, pairing and period."""
        return _fresh_ids(self.sample(self.base.labelled), "engagement_id", "S")

    @cached_property
    def raw(self) -> pd.DataFrame:
        """n engagements as loaded (the columns of engagements.csv)."""
        return self.eng[self.base.raw_columns].copy()

    def table(self, name: str) -> pd.DataFrame:
        """n rows of a shipped table, fresh ids in its key column."""
        if name not in self._tables:
            frame = self.sample(getattr(self.data, name))
            key = frame.columns[0]
            self._tables[name] = _fresh_ids(frame, key, "S") if key.endswith("_id") else frame
        return self._tables[name]

    def _days(self, count: int) -> pd.Series:
        return pd.Series(pd.Timestamp("1949-10-01") + pd.to_timedelta(np.arange(count), unit="D"))

    @cached_property
    def leaders(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """n one-day leader terms, alternating sides, and the persons they name."""
        per_side = self.n // 2
        days = self._days(per_side)
        template = self.data.leaders.iloc[0]
        frames = []
        for side, prefix in (("china", "c"), ("russia", "r")):
            frame = pd.DataFrame({column: [template[column]] * per_side for column in self.data.leaders.columns})
            frame["side"] = side
            frame["person_id"] = [f"{prefix}{i:07d}" for i in range(per_side)]
            frame["start_date"] = days.to_numpy()
            frame["end_date"] = days.to_numpy()
            frames.append(frame)
        leaders = pd.concat(frames, ignore_index=True).astype({"start_date": "datetime64[ns]",
                                                               "end_date": "datetime64[ns]"})
        persons = pd.DataFrame({"person_id": leaders["person_id"],
                                "name": [f"{pid[0].upper()}{pid[1:]} Name" if pid[0] == "c" else f"Name {pid.upper()}"
                                         for pid in leaders["person_id"]]})
        return leaders, persons

    @cached_property
    def coverage(self) -> pd.DataFrame:
        """n one-day coverage rows, the universes in turn, complete and partial alternately."""
        from analysis.codes import UNIVERSES

        per_universe = self.n // len(UNIVERSES)
        days = self._days(per_universe)
        template = self.data.coverage.iloc[0]
        frames = []
        for universe in UNIVERSES:
            frame = pd.DataFrame({column: [template[column]] * per_universe for column in self.data.coverage.columns})
            frame["universe"] = universe
            frame["start_date"] = days.to_numpy()
            frame["end_date"] = days.to_numpy()
            frame["status"] = np.where(np.arange(per_universe) % 2 == 0, "complete", "partial")
            frames.append(frame)
        coverage = pd.concat(frames, ignore_index=True)
        for column in ("universe", "status"):
            coverage[column] = coverage[column].astype(self.data.coverage[column].dtype)
        return coverage.astype({"start_date": "datetime64[ns]", "end_date": "datetime64[ns]"})

    @cached_property
    def economic(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """n consecutive years of China-Russia trade, and both sides' GDP and total trade."""
        years = np.arange(1, self.n + 1, dtype=np.int64)
        values = self.rng.uniform(1, 300, size=(3, self.n))
        trade = pd.DataFrame({"year": years, "reporter": "china_customs", "total_usd_bn": values[0],
                              "china_exports_usd_bn": values[1], "china_imports_usd_bn": values[2]})
        gdp = pd.DataFrame({"year": np.repeat(years, 2), "country": np.tile(["CHN", "RUS"], self.n),
                            "gdp_usd_bn": self.rng.uniform(100, 20000, 2 * self.n),
                            "total_trade_usd_bn": self.rng.uniform(100, 6000, 2 * self.n)})
        return trade, gdp

    @cached_property
    def comparison(self) -> pd.DataFrame:
        """n rows of compare_announced_counts on the shipped data."""
        return _fresh_ids(self.sample(self.base.comparison), "milestone_id", "S")

    @cached_property
    def era_rates(self) -> pd.DataFrame:
        import analysis

        return analysis.compute_era_rates(self.eng, self.data.coverage)

    @cached_property
    def study(self):
        """The Study of notebook 06 (default parameters) with n engagements."""
        return dataclasses.replace(self.base.study, engagements=self.eng, all_engagements=self.eng)


def _pair() -> dict:
    return {"china_person_id": PAIR[0], "russia_person_id": PAIR[1]}


def _eng(t: Tables, **kwargs) -> tuple[tuple, dict]:
    return (t.eng,), kwargs


def _raw(t: Tables, *more, **kwargs) -> tuple[tuple, dict]:
    return (t.raw, *more), kwargs


FAR_FUTURE = pd.Timestamp("2262-01-01")   # end of observation after every synthetic term

# name → which table grows, and the arguments of one call at size n (built before the timing)
RECIPES: dict[str, Recipe] = {
    "add_cameo_code": Recipe("engagements", _raw),
    "add_levels": Recipe("engagements", _raw),
    "add_pairing": Recipe("engagements", lambda t: _raw(t, t.pairings)),
    "add_period": Recipe("engagements", _raw),
    "add_setting": Recipe("engagements", _raw),
    "add_universe": Recipe("engagements", _raw),
    "compare_announced_counts": Recipe("engagements", lambda t: (
        (t.eng, t.data.announced_counts), {"coattendance": t.data.coattendance})),
    "compute_article_selection": Recipe("engagements", lambda t: ((t.eng, t.data.coverage), {})),
    "compute_balance_index": Recipe("engagements", lambda t: _eng(t, by="period")),
    "compute_cameo_events": Recipe("engagements", lambda t: _raw(t, t.data.documents)),
    "compute_claims_ledger": Recipe("engagements", lambda t: ((t.data.claims, t.eng, t.data.trade), {})),
    "compute_complete_windows": Recipe("coverage rows (synthetic, one day each)", lambda t: ((t.coverage,), {}),
                                       DAY_SPAN_LIMIT),
    "compute_coverage_summary": Recipe("engagements", lambda t: ((t.eng, t.data.coverage), {})),
    "compute_cumulative": Recipe("engagements", lambda t: _eng(t, **_pair(), persons=t.data.persons)),
    "compute_cumulative_by_rule": Recipe("engagements", lambda t: _eng(t, **_pair())),
    "compute_direction_of_travel": Recipe("engagements", lambda t: _eng(t, by="period")),
    "compute_economic_asymmetry": Recipe("years of trade and GDP (synthetic)", lambda t: (t.economic, {})),
    "compute_trade_series": Recipe("years of trade (synthetic)", lambda t: ((t.economic[0],), {})),
    "compute_era_rates": Recipe("engagements", lambda t: ((t.eng, t.data.coverage), {})),
    "compute_engagement_list": Recipe("engagements", _eng),
    "compute_engagements_per_decade": Recipe("engagements", lambda t: _eng(t, by="level")),
    "compute_engagements_per_year": Recipe("engagements", lambda t: _eng(
        t, start_year=1949, end_year=int(t.base.as_of.year), by="level")),
    "compute_errata_table": Recipe("errata", lambda t: ((t.table("errata"),), {})),
    "compute_first_visits": Recipe("engagements", lambda t: ((t.eng, t.data.offices), {})),
    "compute_headline_contrasts": Recipe("engagements (its input: their era rates, one row per period)",
                                         lambda t: ((t.era_rates,), {})),
    "compute_leaders": Recipe("leader terms (synthetic, one day each)",
                              lambda t: (t.leaders, {"as_of": FAR_FUTURE}), DAY_SPAN_LIMIT),
    "compute_level_share": Recipe("engagements", _eng),
    "compute_pairing_rates": Recipe("engagements", lambda t: ((t.eng, t.pairings), {"coverage": t.data.coverage})),
    "compute_pairings": Recipe("leader terms (synthetic, one day each)",
                               lambda t: (t.leaders, {"as_of": FAR_FUTURE}), DAY_SPAN_LIMIT),
    "compute_omitted_kinds": Recipe("engagements", _eng),
    "compute_paper_numbers": Recipe("engagements", lambda t: ((t.study,), {})),
    "compute_periods": Recipe("engagements", _eng),
    "compute_rule_fit": Recipe("announced-count comparisons (of the shipped data, sampled)",
                               lambda t: ((t.comparison,), {})),
    "compute_protocol_asymmetry": Recipe("engagements", lambda t: _eng(t, by="pairing")),
    "compute_remote_share": Recipe("engagements", _eng),
    "compute_reported_vs_official": Recipe("reported figures", lambda t: (
        (t.table("reported_figures"), t.data.trade), {})),
    "count_visits": Recipe("engagements", lambda t: _eng(t, person_id=PAIR[0], side="china", until=t.base.as_of)),
}


def timed_call(name: str, tables: Tables) -> Callable[[], object]:
    """A no-argument callable running ``name`` once on ``tables`` (its inputs already built)."""
    import analysis

    function = getattr(analysis, name)
    args, kwargs = RECIPES[name].arguments(tables)
    return lambda: function(*args, **kwargs)
