"""The committed notebooks: thin, parameterised, without outputs, consistent with params.yml."""

import json

import papermill
import pytest
import yaml

from analysis import paths
from analysis.pipeline.run import discover_notebooks

NOTEBOOKS = sorted(paths.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
SHARED = {"data_dir", "output_dir", "formats"}
# the engagement filters, in every notebook whose exhibits count engagements
FILTERS = {"start_year", "end_year", "universes", "levels", "modes", "in_article_only"}
DECLARES = {"01_timeline": FILTERS, "02_meeting_frequency": FILTERS, "03_asymmetry": FILTERS,
            "04_trade": {"start_year", "end_year"}, "05_claims": set(), "06_paper_numbers": FILTERS,
            "07_article_selection": {"start_year", "end_year", "universes"}}


def test_the_four_analysis_notebooks_exist():
    assert [p.stem for p in NOTEBOOKS][:4] == ["01_timeline", "02_meeting_frequency", "03_asymmetry", "04_trade"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs_with_one_parameters_cell(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1 and tagged[0] is code[0]
    assert nb["metadata"]["kernelspec"]["name"] == "beyond-protocol"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_parameter_is_typed_commented_and_seen_by_papermill(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    lines = [line for line in "".join(cell["source"]).splitlines() if line.strip()]
    declared = papermill.inspect_notebook(str(path))
    # papermill skips lines it cannot parse (e.g. a second '=' in the comment): none may be lost
    assert len(declared) == len(lines)
    assert set(declared) >= SHARED | DECLARES[path.stem]
    assert not (set(declared) & (FILTERS - DECLARES[path.stem])), "a filter the notebook would ignore"
    for name, p in declared.items():
        assert p["inferred_type_name"] in ("int", "float", "str", "bool", "list"), name
        assert p["help"], f"{name} has no comment"


def test_defaults_agree_with_params_yml():
    committed = yaml.safe_load((paths.NOTEBOOKS_DIR / "params.yml").read_text(encoding="utf-8"))
    for nb in discover_notebooks():
        expected = {k: v for k, v in committed["defaults"].items() if k in nb.specs}
        expected.update(committed["notebooks"].get(nb.stem, {}))
        actual = {name: spec.default for name, spec in nb.specs.items()}
        assert actual == expected, nb.stem


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_are_thin(path):
    """Narrative plus calls into the library: no function or class definitions, short cells."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    assert not any(line.lstrip().startswith(("def ", "class ", "for ", "while ")) for src in code for line in src.splitlines())
    assert "bp.prepare_study(" in code[1]
    assert max(len(src.splitlines()) for src in code) <= 12
