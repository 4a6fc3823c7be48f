"""Plan a run: which notebooks, with which parameters, on which data — all checked before any kernel.

1. **Discover** the numbered notebooks of a directory and the parameters their ``parameters``
   cells declare (read by papermill itself, cached per notebook content).
2. **Select** those named on the command line.
3. **Merge** the committed defaults (``notebooks/params.yml``), a ``--params-file`` and
   ``-p NAME=VALUE`` overrides, and check names, types and values.
4. **Check the data** every planned notebook reads (validated once per content).

Every problem is collected and raised as one :class:`RunError` (exit code 2).
"""

from __future__ import annotations

import ast
import csv
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from analysis import paths
from analysis.exhibits.outputs import write_atomically
from analysis.pipeline import provenance
from analysis.pipeline.parameters import ParameterSpec, check_parameters, check_person_ids, check_types

NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"


class RunError(Exception):
    """A problem found before execution; exit code 2."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Notebook:
    stem: str                      # "02_meeting_frequency"
    path: Path
    specs: dict[str, ParameterSpec]

    @property
    def short(self) -> str:        # "meeting_frequency"
        return self.stem.split("_", 1)[1]


def cached_json(cache_dir: Path | None, name: str, key: str, compute: Callable[[], object]):
    """A JSON value computed once per content key (``cache_dir`` None: no caching)."""
    path = cache_dir / "cache" / f"{name}.json" if cache_dir else None
    if path is not None and path.exists():
        try:
            cached = json.loads(path.read_text(encoding="utf-8"))
            if cached.get("key") == key:
                return cached["value"]
        except ValueError:
            pass
    value = compute()
    if path is not None:
        write_atomically(path, json.dumps({"key": key, "value": value}, sort_keys=True).encode())
    return value


def discover_notebooks(directory: Path | None = None, *, cache_dir: Path | None = None) -> list[Notebook]:
    """The numbered notebooks of ``directory`` with the parameters their cells declare.

    The parameters are read by papermill itself (``inspect_notebook``), so what is checked is
    exactly what papermill will inject; the result is cached per notebook content. A missing
    directory, or one without a notebook, is a :class:`RunError`: a run with nothing to run is
    a mistake (a wrong ``--notebooks-dir``), not a success.
    """
    directory = Path(directory) if directory else paths.NOTEBOOKS_DIR
    if not directory.is_dir():
        raise RunError([f"{directory}: notebooks directory not found"])
    notebooks = []
    for path in sorted(directory.glob(NOTEBOOK_GLOB)):
        def inspect(path=path):
            from analysis.pipeline.fastimport import import_papermill

            return import_papermill().inspect_notebook(str(path))

        declared = cached_json(cache_dir, f"parameters-{path.stem}", provenance.sha256_file(path), inspect)
        specs = {name: ParameterSpec(name, (p.get("inferred_type_name") or "None").split("[")[0],
                                     literal(p.get("default")), p.get("help") or "")
                 for name, p in declared.items()}
        notebooks.append(Notebook(path.stem, path, specs))
    if not notebooks:
        raise RunError([f"{directory}: no notebook to run (notebooks are named like 01_name.ipynb)"])
    return notebooks


def literal(text):
    """A parameter default as papermill reports it (its source text) → a Python value."""
    if text is None:
        return None
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def select_notebooks(notebooks: list[Notebook], names: list[str]) -> list[Notebook]:
    """Notebooks named by stem ('02_meeting_frequency'), short name ('meeting_frequency') or number."""
    if not names:
        return notebooks
    chosen, problems = [], []
    for name in names:
        matches = [nb for nb in notebooks if name in (nb.stem, nb.short, nb.stem.split("_", 1)[0])]
        if not matches:
            problems.append(f"notebook '{name}': no such notebook (choose from: "
                            + ", ".join(nb.short for nb in notebooks) + ")")
        chosen += [m for m in matches if m not in chosen]
    if problems or not chosen:
        raise RunError(problems or ["the selection matches no notebook"])
    return chosen


def parse_override(text: str) -> tuple[str, object]:
    """``NAME=VALUE`` with VALUE read as YAML (``1990``, ``true``, ``[leader, minister]``, ``text``)."""
    name, sep, raw = text.partition("=")
    if not sep or not name.strip():
        raise RunError([f"-p {text!r}: expected NAME=VALUE"])
    try:
        value = yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError as exc:
        raise RunError([f"-p {text!r}: cannot read the value ({exc.problem})"]) from None
    return name.strip(), ("" if value is None else value)


def load_params_file(path: Path) -> tuple[dict, dict]:
    """(defaults for all notebooks, {notebook stem or short name: parameters})."""
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise RunError([f"{path}: parameters file not found"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise RunError([f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})"]) from None
    if not isinstance(content, dict) or set(content) - {"defaults", "notebooks"}:
        raise RunError([f"{path}: expected a mapping with the keys 'defaults' and 'notebooks'"])
    defaults, per_notebook = content.get("defaults") or {}, content.get("notebooks") or {}
    if not isinstance(defaults, dict) or not isinstance(per_notebook, dict):
        raise RunError([f"{path}: 'defaults' and 'notebooks' must be mappings"])
    return defaults, per_notebook


def plan(notebooks: list[Notebook], *, params_files: list[Path], overrides: dict,
         available: list[Notebook] | None = None) -> list[tuple[Notebook, dict]]:
    """Effective parameters per notebook; raise RunError listing every problem.

    ``available`` are all notebooks of the directory (default: ``notebooks``): a parameters
    file may configure notebooks that are not selected for this run.
    """
    available = available if available is not None else notebooks
    problems: list[str] = []
    declared_selected = set().union(*(nb.specs for nb in notebooks)) if notebooks else set()
    # a file's defaults may serve notebooks that are not selected for this run
    declared_anywhere = set().union(*(nb.specs for nb in available)) if available else set()
    layers: list[tuple[str, dict, dict]] = []
    for path in params_files:
        defaults, per_notebook = load_params_file(path)
        layers.append((str(path), defaults, per_notebook))
        known = {nb.stem for nb in available} | {nb.short for nb in available}
        for key in per_notebook:
            if key not in known:
                problems.append(f"{path}: notebooks.{key}: no such notebook")
    for name in overrides:
        if name not in declared_selected:
            problems.append(f"parameter '{name}': value {overrides[name]!r} — unknown parameter "
                            f"(the notebooks have: {', '.join(sorted(declared_selected))})")
    planned = []
    for nb in notebooks:
        values: dict = {}
        for source, defaults, per_notebook in layers:
            values.update({k: v for k, v in defaults.items() if k in nb.specs})
            unknown_defaults = [k for k in defaults if k not in declared_anywhere]
            problems += [f"{source}: defaults.{k}: no notebook declares this parameter" for k in unknown_defaults
                         if f"{source}: defaults.{k}: no notebook declares this parameter" not in problems]
            specific = per_notebook.get(nb.stem, per_notebook.get(nb.short, {})) or {}
            problems += [f"{source}: notebooks.{nb.stem}.{p}" for p in check_types(specific, nb.specs)]
            values.update(specific)
        values.update({k: v for k, v in overrides.items() if k in nb.specs})
        problems += [f"{nb.stem}: {p}" for p in check_parameters(values, nb.specs)
                     if not any(p in q for q in problems)]
        planned.append((nb, values))
    if problems:
        raise RunError(problems)
    return planned


def check_data(planned: list[tuple[Notebook, dict]], *, cache_dir: Path | None = None) -> None:
    """Validate every data directory the plan reads, and person parameters against it.

    A directory whose files and validation code are byte-for-byte those of an earlier
    successful validation is not validated again (content-hash cache).
    """
    from analysis.data.validate import DataValidationError, validate_dataset, validation_key

    problems, person_ids = [], {}
    for nb, values in planned:
        data_dir = values.get("data_dir") or ""
        if data_dir not in person_ids:
            directory = Path(data_dir) if data_dir else paths.DATA_DIR
            # the loader's key (every file the validation reads, the directory's own descriptor
            # included, and today) plus all of the data layer's code: a change to any validates again
            code = sorted(Path(paths.__file__).with_name("data").glob("*.py"))
            key = provenance.sha256_json([validation_key(directory), provenance.file_hashes(code)])

            def validate(directory=directory):
                validate_dataset(directory)
                with open(directory / "persons.csv", newline="", encoding="utf-8") as handle:
                    return sorted(row["person_id"] for row in csv.DictReader(handle))
            name = "validated-" + provenance.sha256_json(str(directory.resolve()))[:12]
            try:
                person_ids[data_dir] = cached_json(cache_dir, name, key, validate)
            except DataValidationError as exc:
                person_ids[data_dir] = None
                problems.append(str(exc))
        if person_ids[data_dir] is not None:
            problems += [f"{nb.stem}: {p}" for p in check_person_ids(values, person_ids[data_dir])]
    if problems:
        raise RunError(problems)


__all__ = ["NOTEBOOK_GLOB", "Notebook", "RunError", "cached_json", "check_data", "discover_notebooks", "literal",
           "load_params_file", "parse_override", "plan", "select_notebooks"]
