"""The loader: validated tables typed from the descriptor, joins, sorting, bad directories.

Expected values are read off the CSV files of ``tests/fixtures/minimal`` by hand.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis import paths
from analysis.data.load import (
    Dataset,
    join_engagement_details,
    load_dataset,
    load_documents,
    load_engagements,
    load_offices,
    load_subsections,
    load_table,
)
from analysis.data.validate import DataValidationError

# Engagements of the fixture by start date (the file lists E0006, dated 1964, last).
SORTED_IDS = ["E0001", "E0006", "E0002", "E0003", "E0004", "E0005"]


def descriptor_enum(resource: str, field: str) -> list[str]:
    descriptor = json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))
    [res] = [r for r in descriptor["resources"] if r["name"] == resource]
    [fld] = [f for f in res["schema"]["fields"] if f["name"] == field]
    return fld["constraints"]["enum"]


def is_nullable_string(series: pd.Series) -> bool:
    return isinstance(series.dtype, pd.StringDtype) and series.dtype.na_value is pd.NA


@pytest.fixture
def dataset(minimal_dir) -> Dataset:
    return load_dataset(minimal_dir)


# ---------------------------------------------------------------------------------------
# Types


def test_dates_are_datetime64(dataset):
    for frame, column in [(dataset.engagements, "start_date"), (dataset.engagements, "end_date"),
                          (dataset.offices, "start_date"), (dataset.offices, "end_date"),
                          (dataset.documents, "signed_date"), (dataset.periods, "start_date")]:
        assert str(frame[column].dtype) == "datetime64[ns]", column
    assert dataset.engagements["start_date"].iloc[1] == pd.Timestamp("2015-05-08")
    assert dataset.periods["end_date"].iloc[0] == pd.Timestamp("1979-12-31")


@pytest.mark.parametrize(("resource", "field"), [
    ("engagements", "mode"), ("engagements", "visit_type"), ("engagements", "host_side"),
    ("engagements", "china_office"), ("engagements", "forum"), ("persons", "side"),
    ("offices", "state"), ("documents", "doc_type"), ("errata", "confidence"),
])
def test_enums_are_categories_in_declared_order(dataset, resource, field):
    series = getattr(dataset, resource)[field]
    assert isinstance(series.dtype, pd.CategoricalDtype)
    assert list(series.cat.categories) == descriptor_enum(resource, field)


def test_enum_categories_include_values_absent_from_the_data(dataset):
    # No fixture row uses video or virtual_conference, yet they are categories.
    mode = dataset.engagements["mode"]
    assert list(mode.cat.categories) == ["in_person", "phone", "video", "virtual_conference"]
    assert mode.value_counts().to_dict() == {"in_person": 5, "phone": 1, "video": 0, "virtual_conference": 0}


def test_ids_and_free_text_are_nullable_strings(dataset):
    for frame, column in [(dataset.engagements, "engagement_id"), (dataset.engagements, "trip_id"),
                          (dataset.persons, "person_id"), (dataset.persons, "notes"),
                          (dataset.documents, "engagement_id"), (dataset.subsections, "subsection")]:
        assert is_nullable_string(frame[column]), column
    assert dataset.subsections["subsection"].tolist() == ["2.1", "2.2", "2.3"]


def test_in_article_is_bool(dataset):
    in_article = dataset.engagements["in_article"]
    assert in_article.dtype == bool
    assert in_article.tolist() == [True, True, True, True, True, False]


def test_empty_optional_date_is_nat(dataset):
    end = dataset.offices["end_date"]
    # zhang_wei as head of state and petrov_pyotr are still in office (rows 3 and 5).
    assert end.isna().tolist() == [False, False, True, False, True]
    assert dataset.documents["signed_date"].isna().tolist() == [False, False, True]
    assert dataset.documents["signed_date"].iloc[2] is pd.NaT


def test_empty_optional_string_is_na(dataset):
    trip = dataset.engagements["trip_id"]
    assert trip.isna().tolist() == [True, False, True, True, True, True]
    assert trip.iloc[0] is pd.NA
    assert trip.iloc[1] == "T0001"
    assert dataset.engagements["city"].iloc[4] is pd.NA  # the phone call


def test_empty_optional_enum_is_missing(dataset):
    visit = dataset.engagements["visit_type"]
    assert visit.isna().tolist() == [False, False, False, False, False, True]  # E0006
    assert visit.tolist()[:5] == ["official", "state", "none", "state", "none"]


def test_multiline_cell_is_loaded_intact(dataset):
    assert dataset.persons["notes"].iloc[0] == (
        "Synthetic person for the test fixture.\nThe note spans two lines to check line counting.")


# ---------------------------------------------------------------------------------------
# Directory, version, tables


def test_loads_from_a_custom_directory(minimal_dir, dataset):
    assert dataset.data_dir == minimal_dir
    assert {name: len(frame) for name, frame in dataset.tables().items()} == {
        "subsections": 3, "persons": 4, "offices": 5, "leaders": 4, "engagements": 6, "coattendance": 1, "coverage": 6,
        "documents": 3, "periods": 1, "errata": 1, "reported_figures": 2,
        "trade": 3, "economy": 2, "announced_counts": 2, "claims": 3}
    assert dataset.engagements["engagement_id"].tolist() == [f"E000{i}" for i in range(1, 7)]


def test_version_comes_from_the_descriptor(dataset):
    descriptor = json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))
    assert dataset.version == descriptor["version"] == "0.6.0"


def test_columns_follow_the_descriptor(dataset):
    descriptor = json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        frame = getattr(dataset, resource["name"])
        assert list(frame.columns) == [f["name"] for f in resource["schema"]["fields"]]
        assert frame.attrs["resource"] == resource["name"]


def test_single_table_loaders_accept_a_directory(minimal_dir):
    assert load_offices(minimal_dir)["person_id"].tolist() == [
        "li_ming", "zhang_wei", "zhang_wei", "ivanov_ivan", "petrov_pyotr"]
    assert load_documents(minimal_dir)["document_id"].tolist() == ["D0001", "D0002", "D0003"]


def test_default_directory_is_the_shipped_data(shipped_data_dir):
    dataset = load_dataset()
    assert dataset.data_dir == shipped_data_dir
    assert len(load_subsections()) == 48


# ---------------------------------------------------------------------------------------
# Engagements: sorting and joins


def test_engagements_are_sorted_by_start_date(minimal_dir):
    engagements = load_engagements(minimal_dir)
    assert engagements["engagement_id"].tolist() == SORTED_IDS
    assert engagements["start_date"].is_monotonic_increasing
    assert engagements.index.tolist() == list(range(6))


def test_equal_start_dates_are_ordered_by_id_not_by_file_order(fixture_copy):
    d = fixture_copy()
    # E0004 (Moscow) now starts the same day as E0003 (Tashkent), and the rows are reversed.
    d.set_cell("engagements.csv", "E0004", "start_date", "2016-06-23")
    d.set_cell("engagements.csv", "E0004", "end_date", "2016-06-24")
    header, *body = d.rows("engagements.csv")
    d.write_rows("engagements.csv", [header, *reversed(body)])
    ids = load_engagements(d.dir)["engagement_id"].tolist()
    assert ids == ["E0001", "E0006", "E0002", "E0003", "E0004", "E0005"]


def test_with_persons_adds_names(minimal_dir):
    engagements = load_engagements(minimal_dir, with_persons=True)
    assert engagements["china_name"].tolist() == [
        "Li Ming", "Li Ming", "Zhang Wei", "Zhang Wei", "Zhang Wei", "Zhang Wei"]
    assert engagements["russia_name"].tolist() == [
        "Ivan Ivanov", "Ivan Ivanov", "Pyotr Petrov", "Pyotr Petrov", "Pyotr Petrov", "Pyotr Petrov"]
    assert is_nullable_string(engagements["china_name"])
    assert "n_documents" not in engagements.columns


def test_with_documents_counts_documents(minimal_dir):
    engagements = load_engagements(minimal_dir, with_documents=True)
    # D0001 -> E0001; D0002 and D0003 -> E0002; none for the others.
    assert engagements["n_documents"].tolist() == [1, 0, 2, 0, 0, 0]
    assert engagements["n_documents"].dtype == "int64"
    assert engagements["document_types"].tolist() == [
        "treaty", "", "agreement;joint_statement", "", "", ""]
    assert "china_name" not in engagements.columns


def test_with_documents_when_there_are_no_documents(fixture_copy):
    d = fixture_copy()
    d.header_only("documents.csv")
    engagements = load_engagements(d.dir, with_documents=True)
    assert engagements["n_documents"].tolist() == [0] * 6
    assert engagements["document_types"].tolist() == [""] * 6


@pytest.mark.filterwarnings("error")
def test_with_documents_when_there_are_no_documents_does_not_warn(fixture_copy):
    d = fixture_copy()
    d.header_only("documents.csv")
    engagements = load_engagements(d.dir, with_documents=True)
    assert engagements["document_types"].tolist() == [""] * 6


def test_plain_engagements_have_only_the_table_columns(minimal_dir, dataset):
    assert list(load_engagements(minimal_dir).columns) == list(dataset.engagements.columns)


def test_join_engagement_details_does_not_modify_the_dataset(dataset):
    before = dataset.engagements.copy()
    joined = join_engagement_details(dataset)
    assert {"china_name", "russia_name", "n_documents", "document_types"} <= set(joined.columns)
    pd.testing.assert_frame_equal(dataset.engagements, before)


# ---------------------------------------------------------------------------------------
# Bad directories


def test_bad_directory_raises_and_returns_nothing(fixture_copy):
    d = fixture_copy()
    d.set_cell("engagements.csv", "E0005", "city", "Beijing")
    with pytest.raises(DataValidationError) as info:
        load_dataset(d.dir)
    assert [str(p) for p in info.value.problems] == [
        f"{d.label('engagements.csv')}:6: column 'city': value 'Beijing' — "
        "a phone engagement has no place: leave city empty"]
    assert info.value.data_dir == d.dir


def test_bad_directory_raises_from_every_loader(fixture_copy):
    d = fixture_copy()
    d.delete("periods.csv")
    for loader in (load_engagements, load_subsections, load_documents):
        with pytest.raises(DataValidationError, match=r"periods\.csv: file not found"):
            loader(d.dir)


def test_missing_directory_raises(tmp_path):
    with pytest.raises(DataValidationError, match="data directory not found"):
        load_dataset(tmp_path / "nowhere")


# ---------------------------------------------------------------------------------------
# load_table: one table, the directory validated once per content of its files


@pytest.fixture
def count_validations(monkeypatch):
    """Count the validations the loader runs (it calls check_dataset once per validation)."""
    import analysis.data.load as load

    calls = []
    real = load.check_dataset

    def counting(directory, **kwargs):
        calls.append(directory)
        return real(directory, **kwargs)
    monkeypatch.setattr(load, "check_dataset", counting)
    monkeypatch.setattr(load, "_VALIDATED", type(load._VALIDATED)())   # start from an empty cache
    return calls


def test_load_table_returns_one_typed_table(minimal_dir):
    offices = load_table("offices", minimal_dir)
    assert offices["person_id"].tolist() == ["li_ming", "zhang_wei", "zhang_wei", "ivanov_ivan", "petrov_pyotr"]
    assert str(offices["start_date"].dtype) == "datetime64[ns]"
    pd.testing.assert_frame_equal(offices, load_dataset(minimal_dir).offices)


def test_load_table_refuses_an_unknown_table(minimal_dir):
    with pytest.raises(KeyError, match="has no table 'meetings'; its tables are subsections, persons, "):
        load_table("meetings", minimal_dir)


def test_every_loader_reuses_one_validation(fixture_copy, count_validations):
    d = fixture_copy()
    for loader in (load_offices, load_documents, load_subsections, load_engagements, load_dataset):
        loader(d.dir)
    load_table("trade", d.dir)
    assert count_validations == [d.dir]


def test_a_changed_file_is_validated_again(fixture_copy, count_validations):
    d = fixture_copy()
    assert load_table("persons", d.dir)["name"].tolist()[1] == "Zhang Wei"
    d.set_cell("persons.csv", "zhang_wei", "name", "Zhang Wei-Min")
    assert load_table("persons", d.dir)["name"].tolist()[1] == "Zhang Wei-Min"
    d.set_cell("persons.csv", "zhang_wei", "name", "")
    with pytest.raises(DataValidationError, match="missing required value"):
        load_table("persons", d.dir)
    with pytest.raises(DataValidationError, match="missing required value"):   # the failure is kept too
        load_offices(d.dir)
    assert count_validations == [d.dir] * 3


def test_a_changed_descriptor_is_validated_again(fixture_copy, count_validations):
    d = fixture_copy()
    load_dataset(d.dir)
    descriptor = json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))
    d.write_text("datapackage.json", json.dumps({**descriptor, "version": "9.9.9"}))
    assert load_dataset(d.dir).version == "9.9.9"
    assert len(count_validations) == 2


def test_each_call_returns_its_own_frames(minimal_dir):
    first = load_table("persons", minimal_dir)
    first.loc[0, "name"] = "changed by the caller"
    del load_dataset(minimal_dir).persons["notes"]
    again = load_table("persons", minimal_dir)
    assert again.loc[0, "name"] == "Li Ming" and "notes" in again.columns


# ---------------------------------------------------------------------------------------
# The version is that of the data read


def test_version_is_the_directorys_own(fixture_copy):
    d = fixture_copy()
    descriptor = json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))
    assert load_dataset(d.dir).version == descriptor["version"]          # no descriptor: the packaged one
    d.write_text("datapackage.json", json.dumps({**descriptor, "version": "9.9.9"}, indent=2))
    assert load_dataset(d.dir).version == "9.9.9"


def test_macros_and_provenance_report_the_version_of_the_data_read(fixture_copy):
    from analysis.exhibits.macros import compute_paper_numbers
    from analysis.pipeline.study import prepare_study

    d = fixture_copy()
    descriptor = json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))
    d.write_text("datapackage.json", json.dumps({**descriptor, "version": "9.9.9"}, indent=2))
    study = prepare_study("test", start_year=1949, end_year=2025, data_dir=str(d.dir))
    numbers = compute_paper_numbers(study).set_index("macro")["value"]
    assert numbers["DatasetVersion"] == "9.9.9"
    assert study.provenance["dataset_version"] == "9.9.9"


def test_a_table_the_directorys_descriptor_adds_is_loaded_too(fixture_copy):
    d = fixture_copy()
    descriptor = json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))
    descriptor["resources"].append({"name": "visits", "path": "visits.csv", "schema": {
        "fields": [{"name": "engagement_id", "type": "string", "constraints": {"required": True}},
                   {"name": "guests", "type": "integer", "constraints": {"minimum": 0}}],
        "foreignKeys": [{"fields": "engagement_id", "reference": {"resource": "engagements", "fields": "engagement_id"}}]}})
    d.write_text("datapackage.json", json.dumps(descriptor, indent=2))
    d.write_text("visits.csv", "engagement_id,guests\nE0002,12\nE0004,\n")
    visits = load_table("visits", d.dir)
    assert visits["engagement_id"].tolist() == ["E0002", "E0004"]
    assert visits["guests"].tolist() == [12, pd.NA] and str(visits["guests"].dtype) == "Int64"
    d.write_text("visits.csv", "engagement_id,guests\nE0009,-1\n")
    with pytest.raises(DataValidationError) as info:
        load_table("visits", d.dir)
    assert [str(p) for p in info.value.problems] == [
        f"{d.label('visits.csv')}:2: column 'engagement_id': value 'E0009' — does not match any engagements.engagement_id",
        f"{d.label('visits.csv')}:2: column 'guests': value '-1' — below the minimum 0",
    ]


def test_every_table_has_its_own_loader():
    """One name per concept: table ``x`` of the Dataset is ``analysis.load_x()``, equal frame for frame."""
    import analysis
    from analysis.data.load import TABLES

    dataset = load_dataset()
    for name in TABLES:
        loader = getattr(analysis, f"load_{name}")
        expected = getattr(dataset, name)
        if name == "engagements":                       # documented: sorted by start date, then id
            expected = expected.sort_values(["start_date", "engagement_id"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(loader().reset_index(drop=True), expected)
    # the three tables of the complete record, by hand from data/: 17 leader terms, and the
    # coverage rows the codebook lists for leader, head_of_government, cross_level
    assert len(analysis.load_leaders()) == 17
    assert {"leader", "head_of_government", "cross_level"} <= set(analysis.load_coverage()["universe"])
