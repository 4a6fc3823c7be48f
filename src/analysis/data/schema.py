"""A data package descriptor (``datapackage.json``) as typed Python objects, read strictly.

The descriptor is the contract for every table: the validator and the loader both read
their rules from here, so a field's type or enum is declared exactly once.

Reading is strict. A descriptor that is not JSON, does not have the structure of a Data
Package with Table Schemas (resources with a name, a path and ``schema.fields``; keys that
name existing fields and resources), or uses a feature this package does not implement
(another field type, a ``format``, ``missingValues`` other than ``[""]``, a constraint such as
``minLength``, an unknown property) raises :class:`DescriptorError` listing every such
problem as ``file:line`` — it is never silently ignored.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from analysis import paths
from analysis.data.jsontext import parse_json_with_lines
from analysis.data.problems import DataValidationError, Problem, display_label

SUPPORTED_TYPES = ("string", "integer", "number", "boolean", "date")
TABLE_SCHEMA_TYPES = frozenset({"string", "number", "integer", "boolean", "object", "array", "date", "time",
                                "datetime", "year", "yearmonth", "duration", "geopoint", "geojson", "any", "list"})
SUPPORTED_CONSTRAINTS = ("required", "unique", "enum", "pattern", "minimum", "maximum")
TABLE_SCHEMA_CONSTRAINTS = frozenset({*SUPPORTED_CONSTRAINTS, "minLength", "maxLength", "exclusiveMinimum",
                                      "exclusiveMaximum", "jsonSchema"})
TRUE_VALUES = ("true", "True", "TRUE", "1")
FALSE_VALUES = ("false", "False", "FALSE", "0")
# Properties that only describe (never change how a value is read); anything else is refused.
FIELD_METADATA = frozenset({"name", "type", "title", "description", "example", "rdfType", "constraints", "format"})
SCHEMA_KEYS = frozenset({"fields", "primaryKey", "foreignKeys", "missingValues", "title", "description", "$schema"})
RESOURCE_KEYS = frozenset({"name", "path", "profile", "format", "mediatype", "encoding", "dialect", "schema", "title",
                           "description", "licenses", "sources", "homepage", "keywords", "contributors", "$schema"})
# Dialect properties: the supported value of each (None: any single character).
DIALECT = {"delimiter": None, "header": True, "quoteChar": '"', "doubleQuote": True, "skipInitialSpace": False,
           "lineTerminator": ("\r\n", "\n", "\r"), "csvddfVersion": 1.2}
PACKAGE_PROFILES = ("data-package", "tabular-data-package")
NAME_RE = re.compile(r"^[a-z0-9._-]+$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
INTEGER_RE = re.compile(r"^[+-]?\d+$")
NUMBER_RE = re.compile(r"^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|NaN|INF|-INF)$")


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: str
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    minimum: str | int | float | None = None    # as written in the descriptor
    maximum: str | int | float | None = None
    minimum_value: object = field(default=None, compare=False, repr=False)   # as the field's type
    maximum_value: object = field(default=None, compare=False, repr=False)


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
    source: str = ""                                     # the descriptor file, as named in messages
    lines: dict = field(default_factory=dict, compare=False, repr=False)   # JSON path -> line

    def resource(self, name: str) -> Resource:
        for r in self.resources:
            if r.name == name:
                return r
        raise KeyError(f"the data package has no resource {name!r}")

    @property
    def resource_names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.resources)

    def line_of(self, *path) -> int | None:
        """Line of the JSON value at ``path`` (or of its nearest enclosing value)."""
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path)


class DescriptorError(DataValidationError):
    """The descriptor cannot be used: not JSON, not a valid Data Package, or unsupported."""


def parse_value(f: Field, text: str):
    """Convert one non-empty cell to its Python value; raise ValueError with the reason."""
    if f.type == "date":
        if not DATE_RE.match(text):
            raise ValueError("not a date in the form YYYY-MM-DD")
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError("impossible date (no such day in the calendar)") from None
    if f.type == "boolean":
        if text in TRUE_VALUES:
            return True
        if text in FALSE_VALUES:
            return False
        raise ValueError("not a boolean: use true or false")
    if f.type == "integer":
        if not INTEGER_RE.match(text):
            raise ValueError("not an integer")
        return int(text)
    if f.type == "number":
        if not NUMBER_RE.match(text):
            raise ValueError("not a number")
        return float(text)
    return text


# ---------------------------------------------------------------------------------------
# Reading a descriptor


def _names(value) -> tuple[str, ...] | None:
    """A field list as a tuple of names (a string means one name); None if malformed."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


class _Reader:
    """Collects the problems of one descriptor, each at the line of the value at fault."""

    def __init__(self, label: str, lines: dict[tuple, int]):
        self.label, self.lines, self.problems = label, lines, []

    def problem(self, path: tuple, where: str, message: str) -> None:
        while path and path not in self.lines:
            path = path[:-1]
        self.problems.append(Problem(self.label, self.lines.get(path), None, None, f"{where}: {message}"))

    def field(self, raw, path: tuple, where: str) -> Field | None:
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"]:
            self.problem(path, where, "a field needs a \"name\" (a non-empty string)")
            return None
        where = f"{where}, field '{raw['name']}'"
        kind = raw.get("type", "string")
        ok = True
        if kind not in SUPPORTED_TYPES:
            why = "is not supported" if kind in TABLE_SCHEMA_TYPES else "is not a Table Schema type"
            self.problem((*path, "type"), where, f"type {kind!r} {why} (supported: {', '.join(SUPPORTED_TYPES)})")
            return None
        for key in sorted(set(raw) - FIELD_METADATA):
            self.problem((*path, key), where, f"property {key!r} is not supported: it may change how values are "
                                              "read, and this validator does not implement it")
            ok = False
        if raw.get("format", "default") != "default":
            self.problem((*path, "format"), where, f"format {raw['format']!r} is not supported (only \"default\")")
            ok = False
        constraints = raw.get("constraints", {})
        if not isinstance(constraints, dict):
            self.problem((*path, "constraints"), where, "\"constraints\" must be an object")
            return None
        for key in sorted(set(constraints) - set(SUPPORTED_CONSTRAINTS)):
            why = "is not supported" if key in TABLE_SCHEMA_CONSTRAINTS else "is not a Table Schema constraint"
            self.problem((*path, "constraints", key), where,
                         f"constraint {key!r} {why} (supported: {', '.join(SUPPORTED_CONSTRAINTS)})")
            ok = False
        at = (*path, "constraints")
        for key in ("required", "unique"):
            if not isinstance(constraints.get(key, False), bool):
                self.problem((*at, key), where, f"constraint {key!r} must be true or false")
                ok = False
        enum, pattern = constraints.get("enum"), constraints.get("pattern")
        if enum is not None and (kind != "string" or not isinstance(enum, list) or not enum
                                 or not all(isinstance(v, str) for v in enum)):
            self.problem((*at, "enum"), where, "enum is supported on string fields only, as a non-empty list of strings")
            ok = False
        if pattern is not None:
            try:
                if kind != "string" or not isinstance(pattern, str):
                    raise re.error("pattern is supported on string fields only, as a string")
                re.compile(pattern)
            except re.error as exc:
                self.problem((*at, "pattern"), where, f"invalid pattern: {exc}")
                ok = False
        bounds = {}
        for key in ("minimum", "maximum"):
            if key not in constraints:
                continue
            bound = constraints[key]
            try:
                if kind not in ("integer", "number", "date") or isinstance(bound, bool):
                    raise ValueError(f"{key} is supported on integer, number and date fields only")
                if kind == "date" and not isinstance(bound, str):
                    raise ValueError("a date bound is written as a string YYYY-MM-DD")
                bounds[key] = parse_value(Field(raw["name"], kind, ""), str(bound))
            except ValueError as exc:
                self.problem((*at, key), where, f"{key} {bound!r}: {exc}")
                ok = False
        if not ok:
            return None
        return Field(name=raw["name"], type=kind, description=raw.get("description", ""),
                     required=constraints.get("required", False), unique=constraints.get("unique", False),
                     enum=tuple(enum) if enum is not None else None, pattern=pattern,
                     minimum=constraints.get("minimum"), maximum=constraints.get("maximum"),
                     minimum_value=bounds.get("minimum"), maximum_value=bounds.get("maximum"))

    def resource(self, raw, path: tuple) -> Resource | None:
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not NAME_RE.match(raw["name"]):
            self.problem(path, f"resources[{path[-1]}]",
                         "a resource needs a \"name\" of lower-case letters, digits, '.', '-' or '_'")
            return None
        own = raw["name"]
        where = f"resource '{own}'"
        before = len(self.problems)
        for key in sorted(set(raw) - RESOURCE_KEYS):
            self.problem((*path, key), where, f"property {key!r} is not supported (e.g. inline data, compression, "
                                              "hash or bytes checks are not implemented)")
        location = raw.get("path")
        if not isinstance(location, str) or not location:
            self.problem((*path, "path"), where, "needs a \"path\" to one CSV file (a string; multipart is not supported)")
        elif location.startswith("/") or ".." in location.split("/") or re.match(r"^[a-z][a-z0-9+.-]*:", location):
            self.problem((*path, "path"), where, f"path {location!r} must be relative to the descriptor, "
                                                 "without '..' and not a URL")
        expected = {"profile": ("tabular-data-resource",), "format": ("csv",), "mediatype": ("text/csv",),
                    "encoding": ("utf-8", "utf8")}
        for key, allowed in expected.items():
            if key in raw and str(raw[key]).lower() not in allowed:
                self.problem((*path, key), where, f"{key} {raw[key]!r} is not supported (only {allowed[0]!r})")
        dialect = raw.get("dialect", {})
        if not isinstance(dialect, dict):
            self.problem((*path, "dialect"), where, "\"dialect\" must be an object")
            dialect = {}
        for key, value in dialect.items():
            supported = DIALECT.get(key, KeyError)
            if key == "delimiter":
                good = isinstance(value, str) and len(value) == 1 and value not in '"\r\n'
            else:
                good = value in supported if isinstance(supported, tuple) else value == supported
            if not good:
                self.problem((*path, "dialect", key), where, f"dialect {key} {value!r} is not supported")
        schema = raw.get("schema")
        if not isinstance(schema, dict):
            self.problem((*path, "schema"), where, "needs an inline \"schema\" object with \"fields\"")
            return None
        at = (*path, "schema")
        for key in sorted(set(schema) - SCHEMA_KEYS):
            self.problem((*at, key), where, f"schema property {key!r} is not supported")
        if schema.get("missingValues", [""]) != [""]:
            self.problem((*at, "missingValues"), where, f"missingValues {schema['missingValues']!r} is not supported: "
                                                        "only [\"\"] (an empty cell is a missing value)")
        raw_fields = schema.get("fields")
        if not isinstance(raw_fields, list) or not raw_fields:
            self.problem((*at, "fields"), where, "schema needs a non-empty list of \"fields\"")
            return None
        fields = [self.field(f, (*at, "fields", i), where) for i, f in enumerate(raw_fields)]
        names: list[str] = []
        for i, f in enumerate(fields):
            if f is not None and f.name in names:
                self.problem((*at, "fields", i), where, f"field '{f.name}' appears twice")
            names += [f.name] if f is not None else []
        primary_key = ()
        if "primaryKey" in schema:
            primary_key = _names(schema["primaryKey"])
            if primary_key is None:
                self.problem((*at, "primaryKey"), where, "primaryKey must be a field name or a list of them")
                primary_key = ()
            for name in primary_key:
                if name not in names:
                    self.problem((*at, "primaryKey"), where, f"primaryKey names '{name}', which is not a field")
        foreign_keys = []
        for i, fk in enumerate(schema.get("foreignKeys", [])):
            fk_path = (*at, "foreignKeys", i)
            local = _names(fk.get("fields")) if isinstance(fk, dict) else None
            ref = fk.get("reference") if isinstance(fk, dict) else None
            remote = _names(ref.get("fields")) if isinstance(ref, dict) else None
            target = ref.get("resource", "") if isinstance(ref, dict) else None
            if local is None or remote is None or not isinstance(target, str) or len(local) != len(remote):
                self.problem(fk_path, where, "a foreign key needs \"fields\" and a \"reference\" with a \"resource\" "
                                             "and as many \"fields\"")
                continue
            for name in local:
                if name not in names:
                    self.problem((*fk_path, "fields"), where, f"foreign key names '{name}', which is not a field")
            foreign_keys.append(ForeignKey(local, target or own, remote))
        if len(self.problems) > before:
            return None
        return Resource(name=own, path=location, title=raw.get("title", own), description=raw.get("description", ""),
                        delimiter=dialect.get("delimiter", ","), fields=tuple(fields), primary_key=primary_key,
                        foreign_keys=tuple(foreign_keys))


def parse_package(text: str, label: str) -> Package:
    """Read descriptor text (``label`` names the file in messages); raise DescriptorError."""
    try:
        descriptor, lines = parse_json_with_lines(text)
    except json.JSONDecodeError as exc:
        problem = Problem(label, exc.lineno, None, None, f"not valid JSON (column {exc.colno}): {exc.msg}")
        raise DescriptorError([problem], Path(label).parent) from None
    reader = _Reader(label, lines)
    resources: list[Resource] = []
    if not isinstance(descriptor, dict):
        reader.problem((), "descriptor", "must be a JSON object")
    elif not isinstance(descriptor.get("resources"), list) or not descriptor["resources"]:
        reader.problem(("resources",), "descriptor", "needs a non-empty list of \"resources\"")
    else:
        profile = descriptor.get("profile", "data-package")
        if profile not in PACKAGE_PROFILES:
            reader.problem(("profile",), "descriptor", f"profile {profile!r} is not supported "
                                                       f"(only {' or '.join(PACKAGE_PROFILES)})")
        for key in ("name", "version", "title"):
            if not isinstance(descriptor.get(key, ""), str):
                reader.problem((key,), "descriptor", f"{key} must be a string")
        parsed = [reader.resource(r, ("resources", i)) for i, r in enumerate(descriptor["resources"])]
        resources = [r for r in parsed if r is not None]
        by_name = {r.name: r for r in resources}
        declared = {r.get("name") for r in descriptor["resources"] if isinstance(r, dict)}  # incl. unreadable ones
        for i, r in enumerate(parsed):
            if r is None:
                continue
            if by_name[r.name] is not r:
                reader.problem(("resources", i, "name"), f"resource '{r.name}'", "the name is used twice")
            for j, fk in enumerate(r.foreign_keys):
                at = ("resources", i, "schema", "foreignKeys", j, "reference")
                target = by_name.get(fk.resource)
                if target is None and fk.resource not in declared:
                    reader.problem(at, f"resource '{r.name}'", f"foreign key refers to resource '{fk.resource}', "
                                                               "which is not in the descriptor")
                for name in fk.reference_fields:
                    if target is not None and name not in target.field_names:
                        reader.problem(at, f"resource '{r.name}'",
                                       f"foreign key refers to {fk.resource}.{name}, which is not a field")
    if reader.problems:
        raise DescriptorError(reader.problems, Path(label).parent)
    return Package(name=descriptor.get("name", ""), title=descriptor.get("title", descriptor.get("name", "")),
                   version=descriptor.get("version", ""), resources=tuple(resources), descriptor=descriptor,
                   source=label, lines=lines)


@lru_cache(maxsize=8)
def _parse_cached(text: str, label: str) -> Package:
    return parse_package(text, label)


def load_package(descriptor_path: Path | str | None = None) -> Package:
    """Read a data package descriptor (the packaged one by default); raise DescriptorError."""
    path = Path(descriptor_path) if descriptor_path is not None else paths.DATAPACKAGE
    label = display_label(path)
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except FileNotFoundError:
        raise DescriptorError([Problem(label, None, None, None, "file not found")], path.parent) from None
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise DescriptorError([Problem(label, line, None, None, "not UTF-8: re-save the file as UTF-8")],
                              path.parent) from None
    return _parse_cached(text, label)
