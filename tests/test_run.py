"""The headless runner: full runs, narrowed runs, refusals before any kernel, failures kept apart.

These tests start Jupyter kernels (a few seconds each); they run in `make test` like all others.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import papermill
import pytest

from analysis import paths
from analysis.pipeline.cli import main
from analysis.pipeline.parameters import ParameterSpec
from analysis.pipeline.planning import Notebook, RunError, plan

pytestmark = pytest.mark.notebook

FIGURES = {
    "01_timeline": ["timeline"],
    "02_meeting_frequency": ["engagements_per_year", "engagements_per_year_by_mode", "pairing_rates",
                             "pairing_counts", "mode_mix", "level_mix", "cumulative_pair", "counting_rules"],
    "03_asymmetry": ["direction_by_pairing", "direction_by_period", "protocol_asymmetry", "economic_asymmetry"],
    "04_trade": ["trade"],
    "05_claims": [],
}
TABLES = {
    "01_timeline": ["engagement_list"],
    "02_meeting_frequency": ["engagements_per_decade", "pairing_rates", "remote_share_by_period", "cumulative_pair",
                             "announced_counts_comparison"],
    "03_asymmetry": ["direction_by_pairing", "direction_by_period", "protocol_asymmetry", "first_visits",
                     "economic_asymmetry"],
    "04_trade": ["trade_series", "reported_vs_official", "reported_trade_figures"],
    "05_claims": ["claims_ledger", "errata"],
}


def run(*args) -> int:
    return main(["run", "--quiet", *map(str, args)])


@pytest.fixture(scope="module")
def full_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("full")
    code = run("--output-dir", out)
    return code, out


def test_every_notebook_writes_its_figures_and_tables(full_run):
    code, out = full_run
    assert code == 0
    for stem in FIGURES:
        assert (out / "build" / "notebooks" / f"{stem}.ipynb").exists()
        for name in FIGURES[stem]:
            for fmt in ("pdf", "svg", "png"):
                assert (out / "figures" / f"{name}.{fmt}").stat().st_size > 0, f"{stem}: {name}.{fmt}"
        for name in TABLES[stem]:
            for fmt in ("csv", "tex", "md"):
                assert (out / "tables" / f"{name}.{fmt}").stat().st_size > 0, f"{stem}: {name}.{fmt}"
    assert not (out / "build" / "staging").exists() or not any((out / "build" / "staging").iterdir())


MINISTERIAL = {"foreign_minister", "defence_minister", "security_council_secretary"}


def meetings_in_csv(data_dir: Path = paths.DATA_DIR) -> pd.DataFrame:
    """The engagements of the analyses' default universes, read straight from the CSV by the rule
    of docs (coverage): no minister on either side, and in person — or the two heads of
    government by video (their regular meetings of 2020-2022)."""
    rows = pd.read_csv(data_dir / "engagements.csv", dtype=str)
    ministerial = rows["china_office"].isin(MINISTERIAL) | rows["russia_office"].isin(MINISTERIAL)
    premiers_by_video = (rows["mode"] == "video") & (rows["china_office"] == "head_of_government") \
        & (rows["russia_office"] == "head_of_government")
    return rows[~ministerial & ((rows["mode"] == "in_person") | premiers_by_video)]


def test_full_run_tables_match_the_data(full_run):
    _, out = full_run
    listing = pd.read_csv(out / "tables" / "engagement_list.csv")
    meetings = meetings_in_csv()
    assert len(listing) == (meetings["start_date"].str[:4].astype(int) <= 2025).sum()
    rates = pd.read_csv(out / "tables" / "pairing_rates.csv").set_index("pairing")
    # Hu–Medvedev: Medvedev's presidency 2008-05-07 to 2012-05-07 is exactly 4 years (1461 days);
    # its engagements are those that start in it.
    assert rates.loc["Hu–Medvedev", "years"] == pytest.approx(4.0)
    in_term = meetings["start_date"].between("2008-05-07", "2012-05-06")
    assert rates.loc["Hu–Medvedev", "n_engagements"] == in_term.sum()


def test_narrowed_period(tmp_path):
    assert run("meeting_frequency", "-p", "start_year=1990", "-p", "end_year=2012", "--output-dir", tmp_path) == 0
    decades = pd.read_csv(tmp_path / "tables" / "engagements_per_decade.csv")
    assert decades["decade"].tolist() == [1990, 2000, 2010]
    years = meetings_in_csv()["start_date"].str[:4].astype(int)
    expected = [years.between(1990, 1999).sum(), years.between(2000, 2009).sum(), years.between(2010, 2012).sum()]
    assert decades["n_engagements"].tolist() == expected
    assert not (tmp_path / "figures" / "timeline.pdf").exists()  # only the named notebook ran


@pytest.mark.parametrize(("args", "message"), [
    (["-p", "start_yr=1990"], "parameter 'start_yr': value 1990 — unknown parameter"),
    (["-p", "start_year=nineteen"], "parameter 'start_year': value 'nineteen' — expected int, got str"),
    (["-p", "start_year=2010", "-p", "end_year=2000"], "parameter 'start_year': value 2010 — after end_year 2000"),
    (["-p", "levels=[leader, king]"], "parameter 'levels': value 'king' — not one of: leader, head_of_government, minister"),
    (["-p", "pair_china=nobody"], "parameter 'pair_china': value 'nobody' — no such person_id in persons.csv"),
    (["no_such_notebook"], "notebook 'no_such_notebook': no such notebook"),
])
def test_bad_parameters_refused_before_any_kernel(tmp_path, capsys, args, message):
    assert run(*args, "--output-dir", tmp_path) == 2
    out = capsys.readouterr().out
    assert "refused before running anything" in out and message in out
    assert not (tmp_path / "build" / "notebooks").exists()   # no notebook was executed
    assert not (tmp_path / "figures").exists()


def test_bad_data_refused_before_any_kernel(tmp_path, capsys):
    bad = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, bad)
    (bad / "engagements.csv").write_text((bad / "engagements.csv").read_text().replace("2013-03-22", "2013-02-30", 1))
    assert run("timeline", "-p", f"data_dir={bad}", "--output-dir", tmp_path / "out") == 2
    out = capsys.readouterr().out
    assert "engagements.csv" in out and "'2013-02-30' — impossible date" in out
    assert not (tmp_path / "out" / "build" / "notebooks").exists()


@pytest.mark.parametrize("case", ["empty directory", "missing directory", "selection matching nothing"])
def test_nothing_to_run_is_refused(tmp_path, capsys, case):
    nbdir = tmp_path / "notebooks"
    names = []
    if case == "empty directory":
        nbdir.mkdir()
        (nbdir / "params.yml").write_text("defaults: {}\n")   # parameters, but no notebook
        expected = f"{nbdir}: no notebook to run (notebooks are named like 01_name.ipynb)"
    elif case == "missing directory":
        expected = f"{nbdir}: notebooks directory not found"
    else:
        nbdir.mkdir()
        shutil.copy(paths.NOTEBOOKS_DIR / "01_timeline.ipynb", nbdir)
        names = ["trade"]
        expected = "notebook 'trade': no such notebook (choose from: timeline)"
    code = main(["run", "--quiet", *names, "--notebooks-dir", str(nbdir), "--output-dir", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 2
    assert out.splitlines() == ["refused before running anything:", f"  {expected}"]
    assert not (tmp_path / "out" / "build" / "notebooks").exists()   # no kernel started


def test_defaults_may_serve_notebooks_that_are_not_selected(tmp_path):
    year = ParameterSpec("start_year", "int", 1949)
    a = Notebook("01_a", tmp_path / "01_a.ipynb", {"start_year": year})
    b = Notebook("02_b", tmp_path / "02_b.ipynb", {"start_year": year, "pair_china": ParameterSpec("pair_china", "str", "")})
    params = tmp_path / "params.yml"
    params.write_text("defaults:\n  start_year: 1990\n  pair_china: xi_jinping\n")
    assert plan([a], params_files=[params], overrides={}, available=[a, b]) == [(a, {"start_year": 1990})]
    with pytest.raises(RunError, match="parameter 'pair_china': value 'li_peng' — unknown parameter"):
        plan([a], params_files=[params], overrides={"pair_china": "li_peng"}, available=[a, b])
    params.write_text("defaults:\n  no_such: 1\n")
    with pytest.raises(RunError, match=r"defaults\.no_such: no notebook declares this parameter"):
        plan([a], params_files=[params], overrides={}, available=[a, b])


def test_papermill_is_imported_without_the_iri_grammar():
    """The runner's papermill import skips jsonschema's IRI checker (1.4 s); notebooks still validate."""
    code = ("import sys\nfrom analysis.pipeline.fastimport import import_papermill\n"
            "papermill = import_papermill()\n"
            "assert 'rfc3987_syntax' not in sys.modules, 'the grammar was imported'\n"
            "import nbformat\n"
            "nbformat.validate(nbformat.read(sys.argv[1], as_version=4))\n"
            "import rfc3987_syntax\n"          # still importable afterwards
            "assert import_papermill() is papermill\n")
    done = subprocess.run([sys.executable, "-c", code, str(paths.NOTEBOOKS_DIR / "01_timeline.ipynb")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


@pytest.fixture
def notebooks_with_a_failing_one(tmp_path):
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    shutil.copy(paths.NOTEBOOKS_DIR / "01_timeline.ipynb", nbdir)
    (nbdir / "params.yml").write_text((paths.NOTEBOOKS_DIR / "params.yml").read_text().split("notebooks:")[0])
    nb = json.loads((paths.NOTEBOOKS_DIR / "04_trade.ipynb").read_text())
    nb["cells"][-1]["source"] = 'raise RuntimeError("injected failure")'
    (nbdir / "04_trade.ipynb").write_text(json.dumps(nb))
    return nbdir


def test_a_failing_notebook_does_not_hide_the_others(tmp_path, capsys, notebooks_with_a_failing_one):
    out = tmp_path / "out"
    previous = out / "figures" / "trade.svg"
    previous.parent.mkdir(parents=True)
    previous.write_text("previous figure")
    code = main(["run", "--quiet", "--notebooks-dir", str(notebooks_with_a_failing_one), "--output-dir", str(out)])
    text = capsys.readouterr().out
    assert code == 1
    assert (out / "figures" / "timeline.svg").exists()                 # the other notebook's outputs
    assert previous.read_text() == "previous figure"                   # previous output untouched
    assert not (out / "tables" / "reported_trade_figures.csv").exists()  # nothing partial promoted
    kept = out / "build" / "notebooks" / "04_trade.ipynb"
    assert "FAILED 04_trade: cell" in text and "RuntimeError: injected failure" in text
    assert str(kept.relative_to(Path.cwd()) if kept.is_relative_to(Path.cwd()) else kept) in text
    assert "injected failure" in kept.read_text()                      # kept with its traceback


def test_papermill_directly_with_a_narrowed_period(tmp_path):
    papermill.execute_notebook(str(paths.NOTEBOOKS_DIR / "02_meeting_frequency.ipynb"), str(tmp_path / "out.ipynb"),
                               parameters={"start_year": 1990, "output_dir": str(tmp_path)}, progress_bar=False)
    per_decade = pd.read_csv(tmp_path / "tables" / "engagements_per_decade.csv")
    assert per_decade["decade"].iloc[0] == 1990


def test_generic_dyad_runs_on_synthetic_data(tmp_path):
    from conftest import MINIMAL_DIR

    code = run("-p", f"data_dir={MINIMAL_DIR}", "-p", "pair_china=zhang_wei", "-p", "pair_russia=petrov_pyotr",
               "-p", "start_year=1957", "-p", "end_year=2020", "-p", "formats=[svg]", "--output-dir", tmp_path)
    assert code == 0
    listing = pd.read_csv(tmp_path / "tables" / "engagement_list.csv")
    # by hand from tests/fixtures/minimal/engagements.csv: in date order, E0006 (1964) not in the
    # article (*); E0005 is a phone call of the two presidents, outside the default meeting universes
    assert listing["id"].tolist() == ["E0001", "E0006*", "E0002", "E0003", "E0004"]
    assert (tmp_path / "figures" / "timeline.svg").exists() and not (tmp_path / "figures" / "timeline.pdf").exists()


def test_the_validation_cache_sees_a_directory_s_own_descriptor(tmp_path):
    """A cached validation is reused only for the same files: editing the copy's own
    datapackage.json so that it breaks the contract must be caught on the next plan."""
    from analysis.pipeline.planning import check_data

    data = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, data)
    cache = tmp_path / "cache"
    planned = [(Notebook("x", tmp_path / "x.ipynb", {}), {"data_dir": str(data)})]
    check_data(planned, cache_dir=cache)                                   # valid, and now cached
    assert any(cache.iterdir())
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    fields = next(r for r in descriptor["resources"] if r["name"] == "engagements")["schema"]["fields"]
    next(f for f in fields if f["name"] == "start_date")["type"] = "integer"
    (data / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    with pytest.raises(RunError, match="start_date"):
        check_data(planned, cache_dir=cache)
