"""Check notebook parameters before anything runs.

papermill injects parameters without checking names or types, so a typo or a wrong type
would only surface as a failure deep inside a notebook, or not at all. The runner calls
:func:`check_parameters` for every notebook before any kernel starts, and each notebook calls
:func:`validate_parameters` in its first cell, so a direct ``papermill ... -p start_year 2030``
run fails just as clearly.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path

from analysis.codes import FIGURE_FORMATS, LEVELS, MODES, TRADE_REPORTERS, UNIVERSES

FIRST_YEAR = 1949  # the People's Republic was founded on 1949-10-01


class ParameterError(ValueError):
    """One or more parameters are invalid; ``problems`` lists them all."""

    def __init__(self, problems: list[str], context: str = ""):
        self.problems = list(problems)
        head = f"invalid parameters{f' for {context}' if context else ''}:"
        super().__init__("\n".join([head, *(f"  {p}" for p in self.problems)]))


@dataclass(frozen=True)
class ParameterSpec:
    """A parameter as declared in a notebook's ``parameters`` cell."""

    name: str
    type_name: str
    default: object
    help: str = ""


def _type_ok(value, type_name: str) -> bool:
    if type_name == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if type_name == "float":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if type_name == "bool":
        return isinstance(value, bool)
    if type_name == "str":
        return isinstance(value, str)
    if type_name == "list":
        return isinstance(value, list)
    return True


def describe(value) -> str:
    return repr(value)


def check_types(values: dict, specs: dict[str, ParameterSpec]) -> list[str]:
    """Unknown names and values of the wrong type, one message each."""
    problems = []
    for name, value in values.items():
        spec = specs.get(name)
        if spec is None:
            problems.append(f"parameter '{name}': value {describe(value)} — unknown parameter "
                            f"(this notebook has: {', '.join(sorted(specs))})")
        elif not _type_ok(value, spec.type_name):
            problems.append(f"parameter '{name}': value {describe(value)} — expected {spec.type_name}, "
                            f"got {type(value).__name__}")
    return problems


def _check_subset(name: str, values, allowed: tuple[str, ...]) -> list[str]:
    if not isinstance(values, list):
        return []  # reported by the type check
    if not values:
        return [f"parameter '{name}': value [] — choose at least one of: {', '.join(allowed)}"]
    bad = [v for v in values if v not in allowed]
    return [f"parameter '{name}': value {describe(v)} — not one of: {', '.join(allowed)}" for v in bad]


def check_values(values: dict, *, this_year: int | None = None) -> list[str]:
    """Semantic checks of the parameters shared by the notebooks (only those present)."""
    this_year = this_year or _dt.date.today().year
    problems = []
    for key in ("start_year", "end_year"):
        year = values.get(key)
        if isinstance(year, int) and not isinstance(year, bool) and not FIRST_YEAR <= year <= this_year:
            problems.append(f"parameter '{key}': value {year} — outside {FIRST_YEAR}..{this_year}")
    start, end = values.get("start_year"), values.get("end_year")
    if isinstance(start, int) and isinstance(end, int) and start > end:
        problems.append(f"parameter 'start_year': value {start} — after end_year {end}")
    if "universes" in values:
        problems += _check_subset("universes", values["universes"], UNIVERSES)
    if "levels" in values:
        problems += _check_subset("levels", values["levels"], LEVELS)
    if "modes" in values:
        problems += _check_subset("modes", values["modes"], MODES)
    if "formats" in values:
        problems += _check_subset("formats", values["formats"], FIGURE_FORMATS)
    if "trade_reporters" in values:
        problems += _check_subset("trade_reporters", values["trade_reporters"], tuple(TRADE_REPORTERS))
    data_dir = values.get("data_dir")
    if isinstance(data_dir, str) and data_dir and not Path(data_dir).is_dir():
        problems.append(f"parameter 'data_dir': value {describe(data_dir)} — no such directory")
    output_dir = values.get("output_dir")
    if isinstance(output_dir, str) and output_dir and Path(output_dir).exists() and not Path(output_dir).is_dir():
        problems.append(f"parameter 'output_dir': value {describe(output_dir)} — exists and is not a directory")
    return problems


def check_person_ids(values: dict, person_ids, keys=("pair_china", "pair_russia")) -> list[str]:
    """Person parameters must name persons in the data."""
    known = set(person_ids)
    return [f"parameter '{k}': value {describe(values[k])} — no such person_id in persons.csv"
            for k in keys if isinstance(values.get(k), str) and values[k] not in known]


def check_parameters(values: dict, specs: dict[str, ParameterSpec], *, context: str = "") -> list[str]:
    """Every problem with ``values`` for a notebook declaring ``specs``: names, types, values."""
    problems = check_types(values, specs)
    typed_ok = {k: v for k, v in values.items() if k in specs and _type_ok(v, specs[k].type_name)}
    return problems + check_values(typed_ok)


def validate_parameters(**values) -> dict:
    """Check the shared parameters inside a notebook; raise ParameterError listing every problem."""
    problems = check_values(values)
    if problems:
        raise ParameterError(problems)
    return values


__all__ = ["MODES", "ParameterError", "ParameterSpec", "check_parameters", "check_person_ids",
           "check_types", "check_values", "validate_parameters"]
