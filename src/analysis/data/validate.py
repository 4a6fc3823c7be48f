"""Validate a directory of CSV tables: the facade over the descriptor, the table and the rule checks.

Every check reports a :class:`Problem` with file, line, column and value; all problems of all
tables are collected before anything is raised, so one run lists everything to fix (at most
:data:`~analysis.data.problems.CAP_PER_KIND` of each kind per file, and how many more).

In order:

1. the descriptor (:mod:`analysis.data.contract`): ``DIR/datapackage.json`` if there is one,
   read strictly and compared with the packaged contract, else the packaged contract;
2. each table against its Table Schema (:mod:`analysis.data.tableschema`): the file, the
   columns, types, constraints, unique and primary keys; then the foreign keys;
3. the domain rules a Table Schema cannot express (:mod:`analysis.data.rules`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from analysis import paths
from analysis.data.contract import Contract, resolve_contract
from analysis.data.problems import DESCRIPTOR, FILE, RULE, DataValidationError, Problem, ProblemLog, display_label
from analysis.data.rules import check_rules
from analysis.data.schema import DescriptorError
from analysis.data.tableschema import Table, check_foreign_keys, read_table


@dataclass
class Validation:
    """The outcome of checking one data directory."""

    data_dir: Path
    contract: Contract | None = None          # None when the descriptor is unusable
    tables: dict[str, Table] = field(default_factory=dict)
    log: ProblemLog = field(default_factory=ProblemLog)

    @property
    def ok(self) -> bool:
        return not self.log

    @property
    def note(self) -> str | None:
        """One line of information (which contract was used), or None."""
        return self.contract.note if self.contract else None

    @property
    def version(self) -> str:
        """The version of the data read: the version in the descriptor checked against."""
        return self.contract.version if self.contract else ""

    def counts(self) -> dict[str, int]:
        """Rows per table, in the descriptor's order."""
        return {name: len(self.tables[name].rows) for name in self.contract.package.resource_names}

    def error(self) -> DataValidationError:
        return self.log.error(self.data_dir)


def check_dataset(data_dir: Path | str | None = None, *, today: date | None = None) -> Validation:
    """Check a data directory (the packaged ``data/`` by default); never raises for bad data."""
    data_dir = Path(data_dir) if data_dir is not None else paths.DATA_DIR
    result = Validation(data_dir)
    if not data_dir.is_dir():
        result.log.add(FILE, Problem(str(data_dir), None, None, None, "data directory not found"))
        return result
    try:
        result.contract = resolve_contract(data_dir)
    except DescriptorError as exc:
        result.log.add_all(DESCRIPTOR, exc.problems)
        return result
    for resource in result.contract.package.resources:
        path = data_dir / resource.path
        table = read_table(path, display_label(path), resource, result.log)
        if table is not None:
            result.tables[resource.name] = table
    check_foreign_keys(result.tables, result.log)
    result.log.add_all(RULE, check_rules(result.tables, today or date.today()))
    return result


def read_tables(data_dir: Path | str | None = None, *,
                today: date | None = None) -> tuple[dict[str, Table], list[Problem]]:
    """The tables that could be read and the problems listed (the API before :func:`check_dataset`)."""
    result = check_dataset(data_dir, today=today)
    return result.tables, result.log.problems()


def content_digest(data_dir: Path | str) -> str | None:
    """sha256 of everything a validation of ``data_dir`` reads, or None if it has no usable descriptor.

    The loader caches validations under this digest. (It lives here so that every file the
    validation pass opens is opened from this module: the runner tells those opens apart from
    a notebook's own reads by this module's frames.)
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        return None
    try:
        contract = resolve_contract(data_dir)
    except DescriptorError:
        return None
    digest = hashlib.sha256()
    for path in [paths.DATAPACKAGE, contract.descriptor, *(data_dir / r.path for r in contract.package.resources)]:
        digest.update(str(path).encode() + b"\0")
        if not path.is_file():
            digest.update(b"missing\0")
            continue
        with open(path, "rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
    return digest.hexdigest()


def validation_key(data_dir: Path | str) -> tuple[str, str, str] | None:
    """What a validation of ``data_dir`` depends on besides the code: the directory, today's date
    (dates in the future are refused) and :func:`content_digest`; None without a usable descriptor
    (such a directory fails validation, and a failure is not worth caching)."""
    digest = content_digest(data_dir)
    return None if digest is None else (str(Path(data_dir).resolve()), date.today().isoformat(), digest)


def validate_dataset(data_dir: Path | str | None = None, *, today: date | None = None) -> dict[str, int]:
    """Validate a data directory; return row counts per table or raise DataValidationError."""
    result = check_dataset(data_dir, today=today)
    if not result.ok:
        raise result.error()
    return result.counts()


__all__ = ["DataValidationError", "Problem", "Validation", "check_dataset", "content_digest", "read_tables",
           "validate_dataset", "validation_key"]
