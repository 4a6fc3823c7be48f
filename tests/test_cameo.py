"""CAMEO codes derived from engagements, checked on a hand-built fixture."""

import pandas as pd

from analysis import CAMEO_LABELS, add_cameo_code, compute_cameo_events


def _engagements():
    return pd.DataFrame({
        "engagement_id": pd.array(["E1", "E2", "E3", "E4", "E5"], dtype="string"),
        "start_date": pd.to_datetime(["2020-01-01", "2020-02-01", "2020-03-01", "2020-04-01", "2020-05-01"]),
        # E1 Russians visit China; E2 Chinese visit Russia; E3 third country; E4 phone; E5 virtual conference
        "mode": pd.Categorical(["in_person", "in_person", "in_person", "phone", "virtual_conference"]),
        "host_side": pd.Categorical(["china", "russia", "third_country", "none", "none"]),
    })


def test_add_cameo_code_primary_codes():
    result = add_cameo_code(_engagements())
    assert list(result["cameo_code"]) == ["042", "042", "044", "041", "040"]
    # the travelling side acts in 042: Russia travelled to China in E1, China to Russia in E2
    assert list(result["cameo_source"].fillna("")) == ["RUS", "CHN", "", "", ""]


def test_add_cameo_code_does_not_mutate_input():
    data = _engagements()
    before = data.copy(deep=True)
    add_cameo_code(data)
    pd.testing.assert_frame_equal(data, before)


def test_compute_cameo_events_directed_pairs_and_agreements():
    documents = pd.DataFrame({
        "document_id": pd.array(["D1", "D2"], dtype="string"),
        "engagement_id": pd.array(["E1", "E1"], dtype="string"),
        "doc_type": pd.Categorical(["treaty", "contract"]),
        "signed_date": pd.to_datetime(["2020-01-02", None]),
    })
    events = compute_cameo_events(_engagements(), documents)
    rows = set(zip(events["engagement_id"], events["source"], events["target"], events["cameo_code"], strict=False))
    # 5 engagements x 2 directions + 1 treaty x 2 directions; the contract gets no 057
    assert len(events) == 12
    assert ("E1", "RUS", "CHN", "042") in rows and ("E1", "CHN", "RUS", "043") in rows
    assert ("E2", "CHN", "RUS", "042") in rows and ("E2", "RUS", "CHN", "043") in rows
    assert ("E3", "CHN", "RUS", "044") in rows and ("E3", "RUS", "CHN", "044") in rows
    signed = events[events["cameo_code"] == "057"]
    assert list(signed["document_id"]) == ["D1", "D1"]
    assert set(signed["event_date"]) == {pd.Timestamp("2020-01-02")}
    assert events["cameo_label"].tolist()[0] == CAMEO_LABELS[events["cameo_code"].tolist()[0]]


def test_codes_are_strings_on_shipped_data():
    from analysis import load_dataset

    data = load_dataset()
    events = compute_cameo_events(data.engagements, data.documents)
    assert events["cameo_code"].map(type).eq(str).all()
    # 1949 Mao visit to Moscow: China makes a visit (042), the USSR hosts (043)
    first = events[events["engagement_id"] == "E0001"]
    assert set(zip(first["source"], first["cameo_code"], strict=False)) >= {("CHN", "042"), ("RUS", "043"), ("CHN", "057")}
