"""write_table: CSV, booktabs LaTeX and Markdown from one table."""

import pandas as pd
import pytest

from analysis.exhibits.tables import latex_escape, write_table


def _table():
    return pd.DataFrame({"pairing": ["Xi–Putin", "Hu_Jintao & Putin"], "engagements": [20, 3],
                         "rate_per_year": [1.6666, float("nan")]})


def test_writes_three_formats(tmp_path):
    paths = write_table(_table(), "rates", output_dir=tmp_path, caption="Rates per pairing.")
    assert [p.relative_to(tmp_path).as_posix() for p in paths] == ["tables/rates.csv", "tables/rates.tex", "tables/rates.md"]


def test_csv_keeps_full_precision(tmp_path):
    csv = write_table(_table(), "t", output_dir=tmp_path, formats=["csv"])[0].read_text(encoding="utf-8")
    assert csv == "pairing,engagements,rate_per_year\nXi–Putin,20,1.6666\nHu_Jintao & Putin,3,\n"


def test_latex_is_booktabs_and_escaped(tmp_path):
    tex = write_table(_table(), "t", output_dir=tmp_path, formats=["tex"], caption="Rates.")[0].read_text(encoding="utf-8")
    assert tex.splitlines() == [
        "% Rates.",
        "\\begin{tabular}{lrr}",
        "\\toprule",
        "pairing & engagements & rate\\_per\\_year \\\\",
        "\\midrule",
        "Xi–Putin & 20 & 1.67 \\\\",
        "Hu\\_Jintao \\& Putin & 3 &  \\\\",
        "\\bottomrule",
        "\\end{tabular}",
    ]


def test_markdown_pipe_table_with_caption(tmp_path):
    md = write_table(_table(), "t", output_dir=tmp_path, formats=["md"], caption="Rates.")[0].read_text(encoding="utf-8")
    assert md.splitlines() == [
        "| pairing | engagements | rate_per_year |",
        "|---|---:|---:|",
        "| Xi–Putin | 20 | 1.67 |",
        "| Hu_Jintao & Putin | 3 |  |",
        "",
        "Table: Rates.",
    ]


def test_dates_are_iso(tmp_path):
    table = pd.DataFrame({"start_date": pd.to_datetime(["2013-03-22"])})
    assert write_table(table, "d", output_dir=tmp_path, formats=["md"])[0].read_text().splitlines()[2] == "| 2013-03-22 |"


def test_latex_escape_all_specials():
    assert latex_escape("50% of $1 & #2_{x}~^\\") == r"50\% of \$1 \& \#2\_\{x\}\textasciitilde{}\textasciicircum{}\textbackslash{}"


def test_rejects_unknown_format(tmp_path):
    with pytest.raises(ValueError, match="xlsx"):
        write_table(_table(), "t", output_dir=tmp_path, formats=["xlsx"])
