"""Parameter checks shared by the runner and the notebooks."""

import pytest

from analysis.pipeline.parameters import ParameterError, ParameterSpec, check_parameters, validate_parameters

SPECS = {n: ParameterSpec(n, t, d) for n, t, d in [
    ("start_year", "int", 1949), ("end_year", "int", 2025), ("levels", "list", ["leader"]),
    ("modes", "list", ["phone"]), ("formats", "list", ["pdf"]), ("data_dir", "str", ""), ("flag", "bool", True)]}


def test_valid_values_pass():
    assert check_parameters({"start_year": 1990, "end_year": 2000, "levels": ["leader", "minister"]}, SPECS) == []


def test_unknown_name():
    assert check_parameters({"start_yr": 1990}, SPECS) == [
        "parameter 'start_yr': value 1990 — unknown parameter (this notebook has: data_dir, end_year, "
        "flag, formats, levels, modes, start_year)"]


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("start_year", "1990", "parameter 'start_year': value '1990' — expected int, got str"),
    ("start_year", True, "parameter 'start_year': value True — expected int, got bool"),
    ("levels", "leader", "parameter 'levels': value 'leader' — expected list, got str"),
    ("flag", 1, "parameter 'flag': value 1 — expected bool, got int"),
])
def test_wrong_type(name, value, expected):
    assert check_parameters({name: value}, SPECS) == [expected]


def test_impossible_values_all_reported():
    problems = check_parameters({"start_year": 2010, "end_year": 1990, "levels": ["leader", "king"],
                                 "modes": [], "formats": ["jpg"], "data_dir": "/no/such/dir"}, SPECS)
    assert problems == [
        "parameter 'start_year': value 2010 — after end_year 1990",
        "parameter 'levels': value 'king' — not one of: leader, head_of_government, minister",
        "parameter 'modes': value [] — choose at least one of: in_person, phone, video, virtual_conference",
        "parameter 'formats': value 'jpg' — not one of: pdf, svg, png",
        "parameter 'data_dir': value '/no/such/dir' — no such directory",
    ]


def test_year_outside_study_period():
    assert check_parameters({"start_year": 1900}, SPECS) == ["parameter 'start_year': value 1900 — outside 1949.."
                                                             f"{__import__('datetime').date.today().year}"]


def test_validate_parameters_raises_with_every_problem():
    with pytest.raises(ParameterError) as err:
        validate_parameters(start_year=2020, end_year=2000, levels=["x"])
    assert len(err.value.problems) == 2
    assert "after end_year 2000" in str(err.value)


def test_trade_reporters_must_be_reporter_codes():
    assert check_parameters({"trade_reporters": ["china_customs", "gac"]},
                            {"trade_reporters": ParameterSpec("trade_reporters", "list", [])}) == [
        "parameter 'trade_reporters': value 'gac' — not one of: china_customs, china_official, "
        "russia_customs, russia_official, unattributed"]
