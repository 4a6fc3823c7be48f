"""The library's layering, checked on the source: no cycles, no upward imports, no private names shared.

Layers, lowest first (a module may import from its own layer or lower ones, never higher):

0. ``analysis.paths``, ``analysis.codes``, ``analysis.version`` — locations and code lists;
1. ``analysis.data`` — schema, validation, loading, codebook;
2. ``analysis.indicators`` — DataFrame in, new DataFrame out;
3. ``analysis.exhibits`` — style, plots, figures, tables, macros;
4. ``analysis.pipeline`` — parameters, study, runner, provenance, report, CLI;
5. ``analysis`` itself (the lazy public facade) and ``analysis.__main__``.

Every import counts, including those inside functions (a late import hides a cycle, it does not
remove it).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from analysis import paths

PACKAGE = Path(paths.__file__).resolve().parent
LAYER = {"paths": 0, "codes": 0, "version": 0, "data": 1, "indicators": 2, "exhibits": 3, "pipeline": 4}
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> int:
    parts = module.split(".")
    if parts[0] != "analysis":
        raise ValueError(module)
    if len(parts) == 1 or parts[1] == "__main__":
        return 5
    return LAYER[parts[1]]


def imports_of(path: Path) -> list[tuple[str, list[str], int]]:
    """(module imported, names imported, line) for every import of the package in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names if alias.name.startswith("analysis")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "analysis":
                continue
            names = [alias.name for alias in node.names]
            # `from analysis.data import load` imports a module: record it as such
            submodules = [n for n in names if (PACKAGE.parent / Path(*target.split("."), n)).with_suffix(".py").exists()
                          or (PACKAGE.parent / Path(*target.split("."), n)).is_dir()]
            for name in submodules:
                found.append((f"{target}.{name}", [], node.lineno))
            rest = [n for n in names if n not in submodules]
            if rest or not names:
                found.append((target, rest, node.lineno))
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))
GRAPH = {module_name(p): imports_of(p) for p in MODULES}


def test_the_package_was_found():
    assert "analysis.indicators.levels" in GRAPH and "analysis.pipeline.cli" in GRAPH


def test_no_upward_import():
    upward = [f"{m} (layer {layer_of(m)}) imports {t} (layer {layer_of(t)}) at line {line}"
              for m, edges in GRAPH.items() for t, _, line in edges
              if t != "analysis" and layer_of(t) > layer_of(m)]
    # the facade `analysis` (layer 5) may only be imported by nothing inside the package
    facade = [f"{m} imports the facade `analysis` ({names}) at line {line}"
              for m, edges in GRAPH.items() for t, names, line in edges if t == "analysis" and m != "analysis"]
    assert upward + facade == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module, or a self-loop (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph.get(v, ()):
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _module_graph() -> dict[str, set[str]]:
    return {m: {t for t, _, _ in edges if t in GRAPH and t != m and not m.startswith(t + ".")
                and not (GRAPH.get(t) is not None and t.count(".") < m.count(".") and m.startswith(t))}
            for m, edges in GRAPH.items()}


def test_no_import_cycle_including_function_level_imports():
    assert _cycles(_module_graph()) == []


def test_the_cycle_check_can_fail():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_private_name_imported_across_modules():
    private = [f"{m} imports {n} from {t} at line {line}" for m, edges in GRAPH.items()
               for t, names, line in edges for n in names if n.startswith("_") and n != "__version__"]
    assert private == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_module_fits_in_one_sitting(path):
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{path.relative_to(PACKAGE)} has {n} lines (> {MAX_LINES}); split it by job"


def test_imports_are_parsed_including_function_level(tmp_path):
    # a late import inside a function is seen, and relative imports are resolved
    fake = PACKAGE / "indicators" / "levels.py"
    edges = {t for t, _, _ in imports_of(fake)}
    assert "analysis.indicators.periods" in edges and "analysis.indicators.common" in edges
