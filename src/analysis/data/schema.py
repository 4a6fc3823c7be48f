"""The data package descriptor (``data/datapackage.json``) as typed Python objects.

The descriptor is the contract for every table: the validator and the loader both read
their rules from here, so a field's type or enum is declared exactly once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from analysis import paths


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: str
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    minimum: str | None = None
    maximum: str | None = None


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class Resource:
    name: str
    path: str
    title: str
    description: str
    delimiter: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no field {name!r}")


@dataclass(frozen=True)
class Package:
    name: str
    title: str
    version: str
    resources: tuple[Resource, ...]
    descriptor: dict

    def resource(self, name: str) -> Resource:
        for r in self.resources:
            if r.name == name:
                return r
        raise KeyError(f"the data package has no resource {name!r}")

    @property
    def resource_names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.resources)


def _as_tuple(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _parse_field(raw: dict) -> Field:
    constraints = raw.get("constraints", {})
    enum = constraints.get("enum")
    return Field(
        name=raw["name"],
        type=raw.get("type", "string"),
        description=raw.get("description", ""),
        required=bool(constraints.get("required", False)),
        unique=bool(constraints.get("unique", False)),
        enum=tuple(enum) if enum is not None else None,
        pattern=constraints.get("pattern"),
        minimum=constraints.get("minimum"),
        maximum=constraints.get("maximum"),
    )


def _parse_resource(raw: dict) -> Resource:
    schema = raw["schema"]
    return Resource(
        name=raw["name"],
        path=raw["path"],
        title=raw.get("title", raw["name"]),
        description=raw.get("description", ""),
        delimiter=raw.get("dialect", {}).get("delimiter", ","),
        fields=tuple(_parse_field(f) for f in schema["fields"]),
        primary_key=_as_tuple(schema.get("primaryKey")),
        foreign_keys=tuple(
            ForeignKey(
                fields=_as_tuple(fk["fields"]),
                resource=fk["reference"]["resource"],
                reference_fields=_as_tuple(fk["reference"]["fields"]),
            )
            for fk in schema.get("foreignKeys", [])
        ),
    )


@lru_cache(maxsize=4)
def _load_package_cached(path: str, mtime_ns: int) -> Package:
    descriptor = json.loads(Path(path).read_text(encoding="utf-8"))
    return Package(
        name=descriptor["name"],
        title=descriptor.get("title", descriptor["name"]),
        version=descriptor["version"],
        resources=tuple(_parse_resource(r) for r in descriptor["resources"]),
        descriptor=descriptor,
    )


def load_package(descriptor_path: Path | str | None = None) -> Package:
    """Read the data package descriptor (the packaged one by default)."""
    path = Path(descriptor_path) if descriptor_path is not None else paths.DATAPACKAGE
    return _load_package_cached(str(path.resolve()), path.stat().st_mtime_ns)
