"""Load the curated dataset as typed pandas DataFrames.

This is the one place that fixes types: every table is validated first (a bad directory
raises :class:`~analysis.data.validate.DataValidationError` and nothing is returned), then each
column is converted from the type the data package declares:

* ``date`` → ``datetime64[ns]`` (missing → ``NaT``)
* ``string`` with an ``enum`` → ``category`` with the declared categories, in declared order
* other ``string`` (ids, names, notes, URLs) → pandas ``string`` (missing → ``<NA>``)
* ``boolean`` → ``bool``; ``integer`` → ``Int64``; ``number`` → ``float64``
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

import pandas as pd

from analysis.data.schema import Resource, load_package
from analysis.data.validate import DataValidationError, RawTable, read_tables
from analysis.exhibits.outputs import record_input


@dataclass(frozen=True)
class Dataset:
    """All tables of one data directory, validated and typed."""

    subsections: pd.DataFrame
    persons: pd.DataFrame
    offices: pd.DataFrame
    leaders: pd.DataFrame
    engagements: pd.DataFrame
    coattendance: pd.DataFrame
    coverage: pd.DataFrame
    documents: pd.DataFrame
    periods: pd.DataFrame
    errata: pd.DataFrame
    reported_figures: pd.DataFrame
    trade: pd.DataFrame
    economy: pd.DataFrame
    announced_counts: pd.DataFrame
    claims: pd.DataFrame
    version: str
    data_dir: Path

    def __getattribute__(self, name: str):
        value = object.__getattribute__(self, name)
        # Tell the runner which tables a notebook actually reads: a change to another table
        # then does not make its outputs stale.
        if isinstance(value, pd.DataFrame) and not name.startswith("_"):
            record_input(object.__getattribute__(self, "data_dir") / f"{name}.csv")
        return value

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name, in the data package's order."""
        return {f.name: getattr(self, f.name) for f in fields(self)
                if isinstance(getattr(self, f.name), pd.DataFrame)}


def _typed_frame(table: RawTable) -> pd.DataFrame:
    resource: Resource = table.resource
    columns: dict[str, pd.Series] = {}
    for field in resource.fields:
        values = [row[field.name] for row in table.typed]
        if field.type == "date":
            series = pd.Series(pd.to_datetime(pd.Series(values, dtype="object"), format="ISO8601"),
                               dtype="datetime64[ns]")
        elif field.type == "boolean":
            series = pd.Series(values, dtype="boolean" if any(v is None for v in values) else "bool")
        elif field.type == "integer":
            series = pd.Series(values, dtype="Int64")
        elif field.type == "number":
            series = pd.Series(values, dtype="float64")
        elif field.enum is not None:
            series = pd.Series(pd.Categorical(values, categories=list(field.enum)))
        else:
            series = pd.Series(values, dtype="string")
        columns[field.name] = series
    frame = pd.DataFrame(columns, columns=list(resource.field_names))
    frame.attrs["resource"] = resource.name
    return frame


def load_dataset(data_dir: Path | str | None = None) -> Dataset:
    """Validate and load every table of a data directory (the packaged ``data/`` by default).

    The directory must follow the packaged ``datapackage.json`` schema; its CSV files are
    checked against it, so a copy for another dyad in the same schema loads the same way.
    """
    package = load_package()
    tables, problems = read_tables(data_dir, package=package)
    from analysis import paths  # late import keeps the default visible in one place

    directory = Path(data_dir) if data_dir is not None else paths.DATA_DIR
    if problems:
        raise DataValidationError(problems, directory)
    record_input(directory / "datapackage.json" if (directory / "datapackage.json").exists() else paths.DATAPACKAGE)
    frames = {name: _typed_frame(table) for name, table in tables.items()}
    return Dataset(**frames, version=package.version, data_dir=directory)


def load_subsections(data_dir: Path | str | None = None) -> pd.DataFrame:
    """The article's section-2 subsections with their printed headings."""
    return load_dataset(data_dir).subsections


def load_persons(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Persons who appear as principals."""
    return load_dataset(data_dir).persons


def load_offices(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Office terms, one row per person, office and term."""
    return load_dataset(data_dir).offices


def load_documents(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Outcome documents keyed by engagement."""
    return load_dataset(data_dir).documents


def load_periods(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Periods documented as having no engagements."""
    return load_dataset(data_dir).periods


def load_errata(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Where the article contradicts itself or the record."""
    return load_dataset(data_dir).errata


def load_reported_figures(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Every quantitative figure the article states, with where it says it."""
    return load_dataset(data_dir).reported_figures


def load_trade(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Annual China–USSR/Russia trade, one row per year and reporter (never averaged)."""
    return load_dataset(data_dir).trade


def load_economy(data_dir: Path | str | None = None) -> pd.DataFrame:
    """China's and Russia's GDP and total trade, one row per year, country and indicator."""
    return load_dataset(data_dir).economy


def load_claims(data_dir: Path | str | None = None) -> pd.DataFrame:
    """The claims ledger's specifications (see analysis.compute_claims_ledger)."""
    return load_dataset(data_dir).claims


def load_announced_counts(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Counts and ordinals of Xi–Putin meetings and visits as officials or media announced them."""
    return load_dataset(data_dir).announced_counts


def load_engagements(data_dir: Path | str | None = None, *, with_persons: bool = False,
                     with_documents: bool = False) -> pd.DataFrame:
    """Engagements, one row each, sorted by start date then id.

    with_persons
        Add ``china_name`` and ``russia_name`` from the persons table.
    with_documents
        Add ``n_documents`` (documents signed during the engagement) and ``document_types``
        (their distinct types, ';'-separated, empty string when none).
    """
    dataset = load_dataset(data_dir)
    return join_engagement_details(dataset, with_persons=with_persons, with_documents=with_documents)


def join_engagement_details(dataset: Dataset, *, with_persons: bool = True,
                            with_documents: bool = True) -> pd.DataFrame:
    """Engagements of an already loaded dataset with person names and document counts joined."""
    result = dataset.engagements.copy()
    if with_persons:
        names = dataset.persons.set_index("person_id")["name"]
        result["china_name"] = result["china_person_id"].map(names).astype("string")
        result["russia_name"] = result["russia_person_id"].map(names).astype("string")
    if with_documents:
        docs = dataset.documents
        counts = docs.groupby("engagement_id", observed=True).size()
        kinds = (docs.assign(doc_type=docs["doc_type"].astype("string"))
                 .groupby("engagement_id")["doc_type"]
                 .agg(lambda s: ";".join(sorted(set(s)))))
        result["n_documents"] = result["engagement_id"].map(counts).fillna(0).astype("int64")
        result["document_types"] = result["engagement_id"].map(kinds).astype("string").fillna("")
    return result.sort_values(["start_date", "engagement_id"], kind="stable").reset_index(drop=True)


__all__ = [
    "DataValidationError",
    "Dataset",
    "join_engagement_details",
    "load_announced_counts",
    "load_claims",
    "load_dataset",
    "load_documents",
    "load_economy",
    "load_engagements",
    "load_errata",
    "load_offices",
    "load_periods",
    "load_persons",
    "load_reported_figures",
    "load_subsections",
    "load_trade",
]
