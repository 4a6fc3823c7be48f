"""The paper style: column sizes, colour-blind-safe palette, fixed category colours."""

import matplotlib
import matplotlib.pyplot as plt
import pytest

from analysis.exhibits import style


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_column_sizes():
    assert style.figure_size("single") == (3.5, 2.17)
    assert style.figure_size("double", aspect=0.5) == (7.2, 3.6)
    with pytest.raises(ValueError, match="single"):
        style.figure_size("triple")
    with pytest.raises(ValueError, match="aspect"):
        style.figure_size("single", aspect=0)


def test_palette_is_okabe_ito():
    assert style.PALETTE[:4] == ["#0072B2", "#E69F00", "#009E73", "#D55E00"]
    assert set(style.PALETTE) <= set(style.OKABE_ITO.values())


def test_category_colours_fixed_across_figures():
    assert style.colours_for("mode", ["video", "in_person"]) == ["#CC79A7", "#0072B2"]
    # unknown categories draw from the palette colours the variable does not use
    assert style.colours_for("mode", ["other"]) == ["#E69F00"]


def test_new_figure_applies_embedding_settings():
    fig, _ax = style.new_figure("double")
    assert tuple(fig.get_size_inches()) == pytest.approx((7.2, 4.464))
    assert matplotlib.rcParams["pdf.fonttype"] == 42
    assert matplotlib.rcParams["svg.hashsalt"] == "beyond-protocol"
    assert matplotlib.rcParams["font.size"] == 8


def test_headless_backend():
    assert matplotlib.get_backend().lower() == "agg"
