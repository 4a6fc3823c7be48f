"""paper/main.tex builds with the exhibits of a run: pages, figures, fonts and quoted numbers.

`make paper-pdf EXHIBITS=<run> PAPER_OUT=<tmp>` (the target `make paper` uses after the run)
compiles the paper with latexmk/pdflatex against a temporary run's figures/ and tables/; the PDF
is then inspected with poppler (pdfinfo, pdffonts, pdftotext) and its bytes: pdfTeX records the
source of every included PDF figure as /PTEX.FileName. Mandatory when CI=true; skipped with the
apt-get command elsewhere.
"""

from __future__ import annotations

import csv
import re
import subprocess

import pytest
from _system import INSTALL_POPPLER, INSTALL_TEX, require_tool

from analysis import paths

pytestmark = pytest.mark.notebook
ROOT = paths.PROJECT_ROOT
PAPER = ROOT / "paper" / "main.tex"
EXPECTED_PAGES = 3          # title, abstract and text; the wide figure and table; the last figure
FIGURES = ["timeline", "engagements_per_year", "pairing_rates", "direction_by_pairing", "era_rates"]


def macros(path) -> dict[str, str]:
    return dict(re.findall(r"^\\newcommand\{\\(\w+)\}\{([^}]*)\}", path.read_text(encoding="utf-8"), re.M))


def text_of(pdf) -> str:
    # -raw keeps the content stream's order: a paragraph stays whole beside a float in the other column
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = text.replace("-\n", "").replace("\u2013\n", "\u2013")      # words and ranges broken at a line end
    text = text.replace("\u2019", "'")                                   # typeset apostrophes read as '
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def paper(reproduced, tmp_path_factory):
    for tool in ("latexmk", "pdflatex"):
        require_tool(tool, INSTALL_TEX)
    for tool in ("pdfinfo", "pdffonts", "pdftotext"):
        require_tool(tool, INSTALL_POPPLER)
    require_tool("make", "sudo apt-get install -y make")
    out = tmp_path_factory.mktemp("paper")
    before = sorted(p.name for p in PAPER.parent.iterdir())
    done = subprocess.run(["make", "-s", "--no-print-directory", "paper-pdf", f"EXHIBITS={reproduced}",
                           f"PAPER_OUT={out}"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert sorted(p.name for p in PAPER.parent.iterdir()) == before        # no aux files in paper/
    return out / "main.pdf"


def test_paper_has_the_expected_pages(paper):
    info = subprocess.run(["pdfinfo", str(paper)], capture_output=True, text=True, check=True).stdout
    assert int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1)) == EXPECTED_PAGES
    assert re.search(r"^CreationDate:.*2000", info, re.M)                   # SOURCE_DATE_EPOCH: no build time


def test_paper_includes_each_figure_pdf_once(paper, reproduced):
    included = re.findall(rb"/PTEX\.FileName \(([^)]*)\)", paper.read_bytes())
    assert sorted(p.decode() for p in included) == sorted(str(reproduced / "figures" / f"{n}.pdf") for n in FIGURES)
    source = PAPER.read_text(encoding="utf-8")
    assert len(re.findall(r"\\includegraphics\[width=\\(?:columnwidth|textwidth)\]\{figures/\w+\.pdf\}", source)) \
        == len(FIGURES)


def test_paper_fonts_are_embedded_outlines(paper):
    fonts = subprocess.run(["pdffonts", str(paper)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts)                 # every font embedded
    assert not any("Type 3" in line for line in fonts)                      # no bitmap fonts


def test_numbers_in_the_text_come_from_the_macros(paper, reproduced):
    values = macros(reproduced / "tables" / "macros.tex")
    text = text_of(paper)
    assert (f"{values['TotalEngagements']} engagements from {values['FirstEngagementYear']} to "
            f"{values['LastEngagementYear']}") in text
    assert f"Xi Jinping and Vladimir Putin met {values['XiPutinMeetings']} times in person" in text
    assert (f"The article describes {values['RecordMeetingsInArticle']} of the record's "
            f"{values['RecordMeetings']} meetings") in text
    assert f"holds {values['SplitMeetings']} meetings in the record" in text
    assert (f"were {values['RatePartnershipRecord']} in 1992–2012 and {values['RateXiRecord']} from 2013, "
            f"a ratio of {values['RiseXiRecord']}") in text
    assert f"{values['ErrataCount']} in all" in text and f"Dataset version {values['DatasetVersion']}" in text
    assert f"USD {values['TradeTwentyTwentyFour']} billion" in text
    assert (f"has a figure for {values['TradeSeriesYears']} of the {values['TradeSeriesSpan']} years, "
            f"{values['TradeCustomsYears']} of them from China's customs") in text
    assert f"exports and imports are known for {values['TradeSplitYears']} years" in text
    assert "??" not in text                                                  # every reference resolved
    # the tables are the run's booktabs tables: Xi-Putin's row as in pairing_rates.csv
    with open(reproduced / "tables" / "pairing_rates.csv", newline="", encoding="utf-8") as handle:
        xi_putin = next(r for r in csv.DictReader(handle) if r["pairing"] == "Xi–Putin")
    assert f"Xi–Putin {xi_putin['start']} {xi_putin['end']}" in text


def test_every_macro_the_paper_uses_is_generated(reproduced):
    used = set(re.findall(r"\\([A-Z][A-Za-z]+)\{\}|\\([A-Z][A-Za-z]+)\b", PAPER.read_text(encoding="utf-8")))
    used = {a or b for a, b in used} - {"TeX"}
    assert used and used <= set(macros(reproduced / "tables" / "macros.tex"))
