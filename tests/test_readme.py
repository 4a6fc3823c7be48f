"""The README states nothing the data contradict: its table of tables and its table of notebooks."""

from __future__ import annotations

import csv
import re

import pytest

from analysis import paths

ROOT = paths.PROJECT_ROOT
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_row_counts_of_the_tables_are_those_of_the_files():
    stated = dict(re.findall(r"^\| `(\w+)\.csv` \| (\d+) \|", README, re.M))
    files = sorted(p.stem for p in paths.DATA_DIR.glob("*.csv"))
    assert sorted(stated) == files
    for name in files:
        with open(paths.DATA_DIR / f"{name}.csv", newline="", encoding="utf-8") as handle:
            assert int(stated[name]) == sum(1 for _ in csv.DictReader(handle)), name


def test_every_notebook_is_in_the_notebook_table():
    listed = set(re.findall(r"^\| `(\d\d_\w+)` \|", README, re.M))
    assert listed == {p.stem for p in paths.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb")}


@pytest.mark.notebook
def test_every_exhibit_of_a_run_is_named_in_the_notebook_table(reproduced):
    table = README[README.index("| notebook | shows |"):]
    table = table[:table.index("\n\n")]
    named = set(re.findall(r"`(\w+)`", table))
    produced = {p.stem for sub in ("figures", "tables") for p in (reproduced / sub).glob("*.*")
                if p.name != "manifest.json"}
    assert produced and sorted(produced - named) == []
