"""Load the curated dataset as typed pandas DataFrames.

This is the one place that fixes types: every table is validated first (a bad directory
raises :class:`~analysis.data.validate.DataValidationError` and nothing is returned), then each
column is converted from the type the data package declares (the directory's own
``datapackage.json`` if it has one, else the packaged contract):

* ``date`` → ``datetime64[ns]`` (missing → ``NaT``)
* ``string`` with an ``enum`` → ``category`` with the declared categories, in declared order
* other ``string`` (ids, names, notes, URLs) → pandas ``string`` (missing → ``<NA>``)
* ``boolean`` → ``bool``; ``integer`` → ``Int64``; ``number`` → ``float64``

A directory is validated once per content of its files (a sha256 of the descriptor and every
table): ``load_table``, the ``load_*`` wrappers and ``load_dataset`` reuse that result until a
file changes, and each call returns fresh copies of the frames.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, fields
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.data.schema import Resource
from analysis.data.tableschema import Table
from analysis.data.validate import DataValidationError, check_dataset, validation_key

# Validated directories kept in memory: {(directory, day, content digest): (frames, version) or error}.
CACHE_SIZE = 4
_VALIDATED: OrderedDict[tuple, tuple[dict[str, pd.DataFrame], str] | DataValidationError] = OrderedDict()


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
    version: str        # the version of the data read (the descriptor it was checked against)
    data_dir: Path

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name, in the data package's order."""
        return {f.name: getattr(self, f.name) for f in fields(self)
                if isinstance(getattr(self, f.name), pd.DataFrame)}


TABLES = tuple(f.name for f in fields(Dataset) if f.name not in ("version", "data_dir"))


def _typed_frame(table: Table) -> pd.DataFrame:
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


def _validated_frames(directory: Path) -> tuple[dict[str, pd.DataFrame], str]:
    """The typed tables of ``directory`` and its version, validated once per content."""
    key = validation_key(directory)
    if key is not None and key in _VALIDATED:
        _VALIDATED.move_to_end(key)
        entry = _VALIDATED[key]
    else:
        result = check_dataset(directory)
        if result.ok:
            entry = ({name: _typed_frame(table) for name, table in result.tables.items()}, result.version)
        else:
            entry = result.error()
        if key is not None and key == validation_key(directory):  # unchanged while it was read
            _VALIDATED[key] = entry
            while len(_VALIDATED) > CACHE_SIZE:
                _VALIDATED.popitem(last=False)
    if isinstance(entry, DataValidationError):
        raise entry.with_traceback(None)
    return entry


def load_dataset(data_dir: Path | str | None = None) -> Dataset:
    """Validate and load every table of a data directory (the packaged ``data/`` by default).

    The directory is checked against its own ``datapackage.json`` if it has one (which must
    keep the tables, fields and codes the library relies on), else against the packaged one;
    ``Dataset.version`` is the version of that descriptor.
    """
    directory = Path(data_dir) if data_dir is not None else paths.DATA_DIR
    frames, version = _validated_frames(directory)
    return Dataset(**{name: frames[name].copy() for name in TABLES}, version=version, data_dir=directory)


def load_table(name: str, data_dir: Path | str | None = None) -> pd.DataFrame:
    """One table of a data directory (the packaged ``data/`` by default), validated and typed.

    The whole directory is validated (foreign keys and rules span tables), once per content of
    its files; the frame returned is a fresh copy. Raises KeyError for an unknown table.
    """
    directory = Path(data_dir) if data_dir is not None else paths.DATA_DIR
    frames, version = _validated_frames(directory)
    if name not in frames:
        raise KeyError(f"{directory} has no table {name!r}; its tables are {', '.join(frames)}")
    if name in TABLES:
        # Taken from a Dataset attribute, like ``data.trade``: the runner's kernel records that access
        # as a read of the table (analysis.pipeline.tracking); the view copies nothing.
        view = Dataset(**{table: frames[table] for table in TABLES}, version=version, data_dir=directory)
        return getattr(view, name).copy()
    return frames[name].copy()


def load_subsections(data_dir: Path | str | None = None) -> pd.DataFrame:
    """The article's section-2 subsections with their printed headings."""
    return load_table("subsections", data_dir)


def load_persons(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Every holder of the two sides' top offices since 1949, and every other principal."""
    return load_table("persons", data_dir)


def load_offices(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Office terms, one row per person, office and term."""
    return load_table("offices", data_dir)


def load_leaders(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Effective-leader terms, one row per side and term (the rule is in the codebook)."""
    return load_table("leaders", data_dir)


def load_coverage(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Which universe is complete, partial or a sample for which period, and how it was searched."""
    return load_table("coverage", data_dir)


def load_coattendance(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Multilateral events both principals attended where no source read documents a meeting of the two."""
    return load_table("coattendance", data_dir)


def load_documents(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Outcome documents keyed by engagement."""
    return load_table("documents", data_dir)


def load_periods(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Periods documented as having no engagements."""
    return load_table("periods", data_dir)


def load_errata(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Where the article contradicts itself or the record."""
    return load_table("errata", data_dir)


def load_reported_figures(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Every quantitative figure the article states, with where it says it."""
    return load_table("reported_figures", data_dir)


def load_trade(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Annual China–USSR/Russia trade, one row per year and reporter (never averaged)."""
    return load_table("trade", data_dir)


def load_economy(data_dir: Path | str | None = None) -> pd.DataFrame:
    """China's and Russia's GDP and total trade, one row per year, country and indicator."""
    return load_table("economy", data_dir)


def load_claims(data_dir: Path | str | None = None) -> pd.DataFrame:
    """The claims ledger's specifications (see analysis.compute_claims_ledger)."""
    return load_table("claims", data_dir)


def load_announced_counts(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Counts and ordinals of Xi–Putin meetings and visits as officials or media announced them."""
    return load_table("announced_counts", data_dir)


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
    "load_coattendance",
    "load_coverage",
    "load_dataset",
    "load_documents",
    "load_economy",
    "load_engagements",
    "load_errata",
    "load_leaders",
    "load_offices",
    "load_periods",
    "load_persons",
    "load_reported_figures",
    "load_subsections",
    "load_table",
    "load_trade",
]
