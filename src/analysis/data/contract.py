"""Which descriptor a data directory is checked against, and whether the library can use it.

A directory with its own ``datapackage.json`` is checked against that descriptor (its tables,
paths, constraints and version), after the descriptor itself has been read strictly
(:func:`~analysis.data.schema.load_package`) and compared with the packaged contract where the
library relies on it: every table the library reads, with every field it reads, of the same
type, and — for coded fields — no value the library does not know (codes are mapped, counted
and plotted by name). Anything more the directory declares (tables, fields, tighter
constraints) is checked too. A directory without a descriptor is checked against the packaged
contract, and the result says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from analysis import paths
from analysis.data.problems import Problem, display_label
from analysis.data.schema import DescriptorError, Package, load_package

DESCRIPTOR_NAME = "datapackage.json"


@dataclass(frozen=True)
class Contract:
    """The descriptor a directory is checked against."""

    package: Package
    descriptor: Path            # the file read: DIR/datapackage.json or the packaged one
    note: str | None = None     # said once when the packaged contract stands in for a missing one

    @property
    def version(self) -> str:
        return self.package.version


def compare_with_contract(package: Package, required: Package) -> list[Problem]:
    """Where ``package`` breaks what the library relies on in ``required`` (the packaged contract)."""
    problems: list[Problem] = []
    where = f"(the packaged contract {required.source} has it, and the library reads it)"

    def add(message: str, *path) -> None:
        problems.append(Problem(package.source, package.line_of(*path), None, None, message))

    if not package.version:
        add("descriptor: no \"version\": the library reports the version of the data it reads "
            "(paper macros, provenance); add one, e.g. \"version\": \"1.0.0\"")
    names = package.resource_names
    for need in required.resources:
        if need.name not in names:
            add(f"resource '{need.name}' is missing {where}", "resources")
            continue
        index = names.index(need.name)
        have = package.resource(need.name)
        for f in need.fields:
            if f.name not in have.field_names:
                add(f"resource '{need.name}': field '{f.name}' ({f.type}) is missing {where}",
                    "resources", index, "schema", "fields")
                continue
            at = ("resources", index, "schema", "fields", have.field_names.index(f.name))
            mine = have.field(f.name)
            if mine.type != f.type:
                add(f"resource '{need.name}', field '{f.name}': type '{mine.type}', but the library relies on "
                    f"type '{f.type}' (packaged contract {required.source})", *at, "type")
            if f.enum is None:
                continue
            if mine.enum is None:
                add(f"resource '{need.name}', field '{f.name}': no enum, but the library relies on the codes "
                    f"{', '.join(f.enum)} (packaged contract {required.source})", *at)
            elif unknown := [v for v in mine.enum if v not in f.enum]:
                add(f"resource '{need.name}', field '{f.name}': enum values the library does not know: "
                    f"{', '.join(unknown)} (packaged contract: {', '.join(f.enum)})", *at, "constraints", "enum")
    return problems


def resolve_contract(data_dir: Path | str) -> Contract:
    """The descriptor for ``data_dir``; raise DescriptorError if it is unusable."""
    data_dir = Path(data_dir)
    own = data_dir / DESCRIPTOR_NAME
    required = load_package()
    if not own.exists():
        note = (f"{data_dir} has no {DESCRIPTOR_NAME}: checked against the packaged contract "
                f"{display_label(paths.DATAPACKAGE)} (version {required.version})")
        return Contract(required, paths.DATAPACKAGE, note)
    if own.resolve() == paths.DATAPACKAGE.resolve():
        return Contract(required, paths.DATAPACKAGE)
    package = load_package(own)
    problems = compare_with_contract(package, required)
    if problems:
        raise DescriptorError(problems, data_dir)
    return Contract(package, own)
