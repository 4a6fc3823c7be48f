"""Write tables for papers as CSV, LaTeX (booktabs, ready for ``\\input``) and Markdown.

One table, three files with the same content: ``<output_dir>/tables/<name>.csv`` for data
reuse, ``<name>.tex`` (a ``tabular`` with ``\\toprule``/``\\midrule``/``\\bottomrule``; put it in
your own ``table`` float with ``\\input{tables/<name>}`` and the booktabs package), and
``<name>.md`` (a pipe table, with the caption as a pandoc ``Table:`` line). Output is
deterministic: fixed line endings, fixed number formatting, no time stamps.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from analysis.exhibits.outputs import check_output_request, record_output, resolve_output_dir, write_atomically

FORMATS = ("csv", "tex", "md")
LATEX_SPECIAL = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
                 "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}"}


def latex_escape(text: str) -> str:
    """Escape LaTeX's special characters in plain text."""
    return "".join(LATEX_SPECIAL.get(c, c) for c in text)


def _format_cell(value, decimals: int) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.{decimals}f}"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _cells(table: pd.DataFrame, decimals: int) -> list[list[str]]:
    return [[_format_cell(v, decimals) for v in row] for row in table.itertuples(index=False, name=None)]


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def to_latex(table: pd.DataFrame, *, caption: str | None = None, decimals: int = 2) -> str:
    """A booktabs ``tabular``: numbers right-aligned, text left-aligned."""
    align = "".join("r" if _is_numeric(table[c]) else "l" for c in table.columns)
    lines = []
    if caption:
        lines.append(f"% {caption}")
    lines += [f"\\begin{{tabular}}{{{align}}}", "\\toprule",
              " & ".join(latex_escape(str(c)) for c in table.columns) + " \\\\", "\\midrule"]
    lines += [" & ".join(latex_escape(c) for c in row) + " \\\\" for row in _cells(table, decimals)]
    lines += ["\\bottomrule", "\\end{tabular}"]
    return "\n".join(lines) + "\n"


def to_markdown(table: pd.DataFrame, *, caption: str | None = None, decimals: int = 2) -> str:
    """A pipe table (GitHub/pandoc), with ``Table: caption`` after it when a caption is given."""
    def esc(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    header = "| " + " | ".join(esc(str(c)) for c in table.columns) + " |"
    rule = "|" + "|".join("---:" if _is_numeric(table[c]) else "---" for c in table.columns) + "|"
    rows = ["| " + " | ".join(esc(c) for c in row) + " |" for row in _cells(table, decimals)]
    text = "\n".join([header, rule, *rows]) + "\n"
    return text + (f"\nTable: {caption}\n" if caption else "")


def to_csv(table: pd.DataFrame) -> str:
    """CSV with '\\n' line endings and ISO dates."""
    return table.to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%d")


def write_table(table: pd.DataFrame, name: str, *, output_dir: str | Path | None = None,
                caption: str | None = None, formats=FORMATS, decimals: int = 2) -> list[Path]:
    """Write ``table`` as ``<output_dir>/tables/<name>.{csv,tex,md}``; return the paths.

    The index is not written: reset it first if it carries data. ``decimals`` applies to
    floats in the LaTeX and Markdown versions; the CSV keeps full precision.
    """
    formats = check_output_request("table", name, formats, FORMATS)
    render = {"csv": lambda: to_csv(table),
              "tex": lambda: to_latex(table, caption=caption, decimals=decimals),
              "md": lambda: to_markdown(table, caption=caption, decimals=decimals)}
    directory = resolve_output_dir(output_dir) / "tables"
    written = []
    for fmt in formats:
        path = directory / f"{name}.{fmt}"
        write_atomically(path, render[fmt]().encode("utf-8"))
        written.append(path)
    record_output("table", name, written, caption)
    return written


__all__ = ["FORMATS", "latex_escape", "to_csv", "to_latex", "to_markdown", "write_table"]
