"""One paper style for every figure: sizes, fonts, colour-blind-safe palette.

Figures are sized for journal columns (single ≈ 3.5 in, double ≈ 7.2 in) and set in DejaVu
Sans, which ships with matplotlib, so the same glyphs are embedded on every machine. Colours
come from the Okabe–Ito palette, distinguishable under the common forms of colour blindness;
each coded category keeps the same colour in every figure.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager

import matplotlib

# Headless by default: Agg, unless the user chose a backend (MPLBACKEND) or we run inside a
# Jupyter kernel, whose inline backend is itself headless and shows figures in the notebook.
if "MPLBACKEND" not in os.environ and "ipykernel" not in sys.modules:
    matplotlib.use("Agg")

import matplotlib.pyplot as plt
import seaborn as sns

SINGLE_COLUMN_IN = 3.5
DOUBLE_COLUMN_IN = 7.2
FONT_SIZE_PT = 8

# Okabe, M. & Ito, K. (2008) Color Universal Design: colours safe for colour-blind readers.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",
}
PALETTE = [OKABE_ITO[k] for k in ("blue", "orange", "bluish_green", "vermillion", "reddish_purple",
                                  "sky_blue", "yellow", "black")]

# Fixed colours per category, so a category looks the same in every figure.
CATEGORY_COLOURS = {
    "level": {"leader": OKABE_ITO["blue"], "head_of_government": OKABE_ITO["orange"],
              "minister": OKABE_ITO["bluish_green"]},
    "mode": {"in_person": OKABE_ITO["blue"], "phone": OKABE_ITO["vermillion"],
             "video": OKABE_ITO["reddish_purple"], "virtual_conference": OKABE_ITO["sky_blue"]},
    "host_side": {"china": OKABE_ITO["vermillion"], "russia": OKABE_ITO["blue"],
                  "third_country": OKABE_ITO["grey"], "none": OKABE_ITO["yellow"]},
    "lower_ranked_side": {"equal": OKABE_ITO["grey"], "china": OKABE_ITO["vermillion"],
                          "russia": OKABE_ITO["blue"]},
    "universe": {"leader": OKABE_ITO["blue"], "head_of_government": OKABE_ITO["orange"],
                 "cross_level": OKABE_ITO["sky_blue"], "remote": OKABE_ITO["vermillion"],
                 "minister": OKABE_ITO["bluish_green"]},
}
MODE_MARKERS = {"in_person": "o", "phone": "^", "video": "s", "virtual_conference": "D"}

RC_PARAMS = {
    "font.family": "DejaVu Sans",
    "font.size": FONT_SIZE_PT,
    "axes.titlesize": FONT_SIZE_PT + 1,
    "axes.labelsize": FONT_SIZE_PT,
    "xtick.labelsize": FONT_SIZE_PT - 1,
    "ytick.labelsize": FONT_SIZE_PT - 1,
    "legend.fontsize": FONT_SIZE_PT - 1,
    "legend.title_fontsize": FONT_SIZE_PT,
    "axes.linewidth": 0.6,
    "lines.linewidth": 1.2,
    "patch.linewidth": 0.4,
    "figure.dpi": 100,
    "savefig.dpi": 300,
    # Constrained layout instead of a tight bounding box keeps the saved width exactly the
    # column width the figure was made for.
    "figure.constrained_layout.use": True,
    # Embedding and byte-stability: TrueType (Type 42) fonts in PDF, text as paths in SVG,
    # and a fixed salt so SVG element ids do not change between runs.
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "svg.fonttype": "path",
    "svg.hashsalt": "beyond-protocol",
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
}


def set_paper_style() -> None:
    """Apply the paper style globally (seaborn 'ticks' theme at paper scale + our rcParams)."""
    sns.set_theme(context="paper", style="ticks", palette=PALETTE, rc=RC_PARAMS)


@contextmanager
def paper_style():
    """The paper style for the duration of a ``with`` block only."""
    with plt.rc_context():
        set_paper_style()
        yield


def figure_size(width: str = "single", aspect: float = 0.62) -> tuple[float, float]:
    """(width, height) in inches for a single or double journal column; height = width × aspect."""
    widths = {"single": SINGLE_COLUMN_IN, "double": DOUBLE_COLUMN_IN}
    if width not in widths:
        raise ValueError(f"width must be 'single' or 'double', not {width!r}")
    if not aspect > 0:
        raise ValueError(f"aspect must be positive, not {aspect!r}")
    w = widths[width]
    return (w, round(w * aspect, 3))


def new_figure(width: str = "single", aspect: float = 0.62, **subplot_kw):
    """A figure and axes in the paper style, sized for a journal column."""
    set_paper_style()
    return plt.subplots(figsize=figure_size(width, aspect), **subplot_kw)


def colours_for(variable: str, categories) -> list[str]:
    """Colours of ``categories`` of a coded variable, fixed across figures."""
    fixed = CATEGORY_COLOURS.get(variable, {})
    spare = iter(c for c in PALETTE if c not in fixed.values())
    return [fixed.get(str(c)) or next(spare, OKABE_ITO["grey"]) for c in categories]
