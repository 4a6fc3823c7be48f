"""Plot functions draw what they should: checked on the artists, on a hand-built fixture."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection

import analysis as bp
from analysis.exhibits.style import colours_for


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def dataset():
    from conftest import MINIMAL_DIR

    return bp.load_dataset(MINIMAL_DIR)


@pytest.fixture(scope="module")
def engagements(dataset):
    labelled, _ = bp.label_engagements(dataset, as_of="2020-12-31")
    return labelled


def _bar_heights(ax):
    return [round(p.get_height(), 6) for p in ax.patches]


def test_functions_follow_seaborn_shape(engagements, dataset):
    _, pairings = bp.label_engagements(dataset, as_of="2020-12-31")
    for plot, kwargs in [(bp.plot_timeline, {}), (bp.plot_engagements_per_year, {}),
                         (bp.plot_pairing_rates, {"pairings": pairings}), (bp.plot_mix, {}),
                         (bp.plot_direction_of_travel, {"by": "period"}), (bp.plot_protocol_asymmetry, {"by": "period"}),
                         (bp.plot_cumulative, {"china_person_id": "zhang_wei", "russia_person_id": "petrov_pyotr"})]:
        fig, ax = plt.subplots()
        assert plot(engagements, ax=ax, **kwargs) is ax, plot.__name__   # draws on the given axes
        assert plot(engagements, **kwargs).figure is not fig               # or on a new figure


def test_engagements_per_year_stacks_counts(engagements):
    # fixture engagements by start year: 1957, 1964, 2015, 2016, 2019 in person; 2020 by phone
    ax = bp.plot_engagements_per_year(engagements, hue="mode", start_year=2014, end_year=2020)
    in_person = [p for p in ax.patches if p.get_facecolor()[:3] == plt.matplotlib.colors.to_rgb(colours_for("mode", ["in_person"])[0])]
    heights = {round(p.get_x() + p.get_width() / 2): p.get_height() for p in in_person}
    assert heights == {2014: 0, 2015: 1, 2016: 1, 2017: 0, 2018: 0, 2019: 1, 2020: 0}
    phone = [p for p in ax.patches if p.get_facecolor()[:3] == plt.matplotlib.colors.to_rgb(colours_for("mode", ["phone"])[0])]
    assert {round(p.get_x() + p.get_width() / 2): p.get_height() for p in phone}[2020] == 1


def test_timeline_one_point_per_engagement(engagements, dataset):
    ax = bp.plot_timeline(engagements, periods=dataset.periods, start_year=1949, end_year=2020)
    points = sum(len(c.get_offsets()) for c in ax.collections if isinstance(c, PathCollection))
    assert points == len(engagements) == 6
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Minister", "Head of government", "Leader"]
    assert any("no engagements" in t.get_text() for t in ax.texts)  # the silent period is labelled


def test_direction_of_travel_bars_and_index(engagements):
    ax = bp.plot_direction_of_travel(engagements, by="period")
    table = bp.compute_direction_of_travel(engagements, by="period")
    hosted = [p.get_width() for p in ax.patches][: len(table)]  # the first series drawn: hosted in China
    assert hosted == table["n_hosted_by_china"].tolist()
    labels = [t.get_text().strip() for t in ax.texts]
    assert labels == [("B = n/a" if pd.isna(b) else f"B = {b:+.2f}") for b in table["balance_index"]]


def test_cumulative_steps_to_the_count(engagements):
    ax = bp.plot_cumulative(engagements, china_person_id="zhang_wei", russia_person_id="petrov_pyotr")
    # zhang_wei and petrov_pyotr: 2015, 2016, 2019 in person and a 2020 phone call
    assert list(ax.lines[0].get_ydata()) == [1, 2, 3, 4]


def test_trade_plot_shows_gaps_and_reported_points():
    trade = pd.DataFrame({"year": [2000, 2002], "reporter": ["china_customs"] * 2,
                          "total_usd_bn": [8.0, 12.0], "china_exports_usd_bn": [2.0, 5.0],
                          "china_imports_usd_bn": [6.0, 7.0]})
    reported = pd.DataFrame({"quantity": ["China-Russia trade"] * 2, "year": [2001, 2003],
                             "value": [9.0, 20.0], "kind": ["actual", "target"]})
    ax = bp.plot_trade(trade, reported=reported, start_year=2000, end_year=2003)
    total = ax.lines[0].get_ydata()
    assert total[0] == 8.0 and np.isnan(total[1]) and total[2] == 12.0   # 2001 missing: a gap, not a zero
    balance = [p.get_height() for p in ax.patches]
    assert balance[0] == 4.0 and balance[2] == 2.0                       # Russia's surplus = imports - exports
    offsets = [c.get_offsets().tolist() for c in ax.collections if isinstance(c, PathCollection)]
    assert offsets == [[[2001.0, 9.0]], [[2003.0, 20.0]]]


def test_bad_arguments_are_refused(engagements):
    with pytest.raises(ValueError, match="hue"):
        bp.plot_engagements_per_year(engagements, hue="country")
    with pytest.raises(ValueError, match="metric"):
        bp.plot_pairing_rates(engagements, pairings=pd.DataFrame(), metric="speed")


def test_trade_plot_marks_years_from_the_second_reporter():
    # 2000 from China's customs; 2001 only from a Chinese official figure: an open circle there.
    trade = pd.DataFrame({"year": [2000, 2001, 2001], "reporter": ["china_customs", "china_official", "unattributed"],
                          "total_usd_bn": [8.0, 10.0, 9.0], "china_exports_usd_bn": [np.nan] * 3,
                          "china_imports_usd_bn": [np.nan] * 3})
    ax = bp.plot_trade(trade, start_year=2000, end_year=2001)
    assert list(ax.lines[0].get_ydata()) == [8.0, 10.0]
    marked = {c.get_label(): c.get_offsets().tolist() for c in ax.collections if isinstance(c, PathCollection)}
    assert marked == {"Total, Chinese government (no China's customs figure)": [[2001.0, 10.0]],
                      "Total, other reporters and figures": [[2001.0, 9.0]]}
