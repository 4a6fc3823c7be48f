"""The benchmark script: it records results only for a clean tree, and it times every indicator.

The measurements themselves are not run here (they take many minutes and depend on the
machine); what is tested is what decides whether a result may be recorded, which functions
are timed, and that every recipe still calls its function correctly.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from analysis import paths

BENCHMARKS = paths.PROJECT_ROOT / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
import recipes  # noqa: E402

spec = importlib.util.spec_from_file_location("bench_run", BENCHMARKS / "run.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def fake_git(status: str, commit: str = COMMIT):
    """A stand-in for bench.git: HEAD is ``commit`` ('' = not a checkout), ``status`` its porcelain."""
    def git(*args):
        if args[0] == "rev-parse":
            return subprocess.CompletedProcess(args, 0 if commit else 128, commit + "\n" if commit else "", "")
        assert args[:3] == ("status", "--porcelain", "--untracked-files=no") and args[4:] == bench.RECORDED_PATHS
        return subprocess.CompletedProcess(args, 0, status, "")
    return git


@pytest.fixture
def nothing_measured(monkeypatch):
    """Fail the test if the benchmark gets as far as measuring anything."""
    def forbidden(*args, **kwargs):
        raise AssertionError("the benchmark started measuring")
    for name in ("_ensure_environment", "machine", "naive_once", "cold_once", "bench_indicators"):
        monkeypatch.setattr(bench, name, forbidden)


def test_a_dirty_tree_is_refused_before_measuring(monkeypatch, capsys, nothing_measured):
    monkeypatch.setattr(bench, "git", fake_git(" M src/analysis/pipeline/run.py\nM  data/trade.csv\n"))
    assert bench.main([]) == 2
    out = capsys.readouterr().out
    assert out.startswith("refusing to write benchmark results: 2 tracked file(s) under src/, notebooks/, data/, "
                          "benchmarks/ differ from commit 0123456789ab: src/analysis/pipeline/run.py, data/trade.csv.")
    assert "--allow-dirty" in out


def test_a_tree_that_is_not_a_checkout_is_refused(monkeypatch, capsys, nothing_measured):
    monkeypatch.setattr(bench, "git", fake_git("", commit=""))
    assert bench.main([]) == 2
    assert "is not a git checkout, so the results could not name the commit" in capsys.readouterr().out


def test_allow_dirty_never_writes_the_record(monkeypatch, capsys, nothing_measured, tmp_path):
    monkeypatch.setattr(bench, "git", fake_git(" M notebooks/01_timeline.ipynb\n"))
    assert bench.main(["--allow-dirty", "--output", str(bench.DEFAULT_OUTPUT)]) == 2
    assert "refusing to write benchmarks/results.md from a dirty tree" in capsys.readouterr().out
    args = bench.argparse.Namespace(quick=False, output=None, allow_dirty=True)
    problem = bench.record_problem(*bench.tree_state())
    assert bench.choose_output(args, problem) == (bench.SCRATCH_OUTPUT, None)
    args.output = tmp_path / "mine.md"
    assert bench.choose_output(args, problem) == (tmp_path / "mine.md", None)


def test_a_clean_tree_is_recorded_in_results_md(monkeypatch):
    monkeypatch.setattr(bench, "git", fake_git(""))
    assert bench.tree_state() == (COMMIT, [])
    assert bench.record_problem(COMMIT, []) is None
    args = bench.argparse.Namespace(quick=False, output=None, allow_dirty=False)
    assert bench.choose_output(args, None) == (bench.DEFAULT_OUTPUT, None)
    args.quick = True                                    # --quick without --output only prints
    assert bench.choose_output(args, None) == (None, None)


def test_ideal_two_worker_bound():
    # half of the total, unless one notebook alone is longer
    assert bench.ideal_bound({"a": 3.0, "b": 3.0, "c": 4.0}) == pytest.approx(5.0)
    assert bench.ideal_bound({"a": 7.6, "b": 4.0, "c": 3.0}) == pytest.approx(7.6)


def test_every_public_indicator_function_has_a_recipe():
    import analysis

    names = recipes.check_recipes()
    assert names == sorted(n for n in analysis.__all__ if n.startswith(("compute_", "add_", "compare_", "count_")))
    assert "compute_cumulative" in names and "add_levels" in names and "count_visits" in names
    assert "filter_engagements" not in names and "load_dataset" not in names


def test_a_function_without_a_recipe_stops_the_benchmark(monkeypatch, capsys, nothing_measured):
    with pytest.raises(recipes.MissingRecipe, match="no input recipe for compute_something_new"):
        recipes.check_recipes(["compute_cumulative", "compute_something_new", "load_dataset"])
    monkeypatch.setattr(bench, "git", fake_git(""))
    monkeypatch.setattr(bench, "_ensure_environment", lambda: None)
    monkeypatch.delitem(recipes.RECIPES, "compute_cumulative")
    assert bench.main(["--quick"]) == 2
    assert capsys.readouterr().out.startswith("error: no input recipe for compute_cumulative:")


def test_every_recipe_calls_its_function_at_a_small_size():
    base = recipes.Base()
    tables = recipes.Tables(base, 300)
    for name in recipes.check_recipes():
        recipes.timed_call(name, tables)()
    assert len(tables.eng) == 300 and tables.eng["engagement_id"].is_unique
    leaders, persons = tables.leaders
    assert len(leaders) == 300 and set(leaders["person_id"]) == set(persons["person_id"])
    assert len(tables.table("errata")) == 300 and tables.table("errata")["erratum_id"].is_unique
