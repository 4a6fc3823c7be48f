"""Code lists shared by the library, the runner and the parameter checks.

Kept in a module without heavy imports so the command line can check parameters without
loading pandas or matplotlib.
"""

LEVELS: tuple[str, ...] = ("leader", "head_of_government", "minister")
"""Levels of office, highest rank first (see :mod:`analysis.indicators.levels`)."""

MODES: tuple[str, ...] = ("in_person", "phone", "video", "virtual_conference")
"""Values of ``engagements.mode``."""

REMOTE_MODES: tuple[str, ...] = ("phone", "video", "virtual_conference")
"""Modes in which the principals did not meet face to face."""

FIGURE_FORMATS: tuple[str, ...] = ("pdf", "svg", "png")
"""Formats :func:`analysis.save_figure` writes."""

HOST_SIDES: tuple[str, ...] = ("china", "russia", "third_country", "none")
"""Values of ``engagements.host_side``: on whose territory the principals met (``none`` = remote)."""

STATE_SIDE: dict[str, str] = {"PRC": "china", "USSR": "russia", "Russia": "russia"}
"""The side each state of ``offices.state`` belongs to."""

COUNTRY_SIDE: dict[str, str] = {"CHN": "china", "RUS": "russia", "SUN": "russia"}
"""The side whose territory a country code is (the USSR as SUN); any other country is a third country."""

COUNTERPART: dict[str, str] = {"china": "russia", "russia": "china"}
"""The other side."""

CODE_LABELS: dict[str, str] = {
    "leader": "Leader", "head_of_government": "Head of government", "minister": "Minister",
    "in_person": "In person", "phone": "Phone", "video": "Video", "virtual_conference": "Virtual conference",
    "china": "China", "russia": "USSR/Russia", "third_country": "Third country", "none": "Remote",
    "equal": "Equal rank", "cross_level": "Cross-level", "remote": "Calls (remote)",
    "bilateral_visit": "Bilateral visit", "multilateral": "Multilateral event",
}
"""Readable labels of codes, for figures and tables."""

OFFICE_LABELS: dict[str, str] = {
    "head_of_state": "head of state", "head_of_government": "head of government",
    "party_leader": "party leader", "military_commission_chair": "CMC chairman",
    "foreign_minister": "foreign minister", "defence_minister": "defence minister",
    "security_council_secretary": "Security Council secretary",
}
"""Readable labels of the offices of ``offices.office``."""


def label(code) -> str:
    """Human-readable label of a code (falls back to the code itself)."""
    return CODE_LABELS.get(str(code), str(code))

OFFICE_LEVEL: dict[str, str] = {
    "head_of_state": "leader",
    "party_leader": "leader",
    "military_commission_chair": "leader",
    "head_of_government": "head_of_government",
    "foreign_minister": "minister",
    "defence_minister": "minister",
    "security_council_secretary": "minister",
}
"""Level of each office of the data package's ``office`` enum."""

UNIVERSES: tuple[str, ...] = ("leader", "head_of_government", "cross_level", "remote", "minister")
"""The universes of engagements, each with its own coverage (``coverage.csv``)."""

MEETING_UNIVERSES: tuple[str, ...] = ("leader", "head_of_government", "cross_level")
"""The complete universes of meetings of leaders and premiers (in person; the premiers' regular
meetings held by video in 2020-2022 included): the default of the analyses."""


TRADE_REPORTERS: dict[str, str] = {
    "china_customs": "China's customs (GAC)",
    "china_official": "Chinese government (MOFCOM, officials)",
    "russia_customs": "Russia's customs (FCS)",
    "russia_official": "Russian government",
    "unattributed": "No reporter named",
}
"""The reporters of ``trade.csv``, with the labels figures and tables use."""

CHINA_SIDE_REPORTERS: tuple[str, ...] = ("china_customs", "china_official")
"""The China-side trade series, in order of preference: each year takes China's customs figure
and, where no customs release was found, a Chinese government figure (MOFCOM, officials), which
states the same customs statistics at second hand."""


def universe_of(china_office: str, russia_office: str, mode: str) -> str:
    """The universe of an engagement, from its principals' offices and its mode.

    * ``minister`` if either principal is a minister (or security official), whatever the mode;
    * ``remote`` for a phone call, video call or virtual conference of leaders or premiers,
      except video meetings of the two heads of government (``head_of_government``: the regular
      premiers' meetings of 2020-2022 were held by video);
    * ``leader`` (both leaders), ``head_of_government`` (both premiers) or ``cross_level``.
    """
    china, russia = OFFICE_LEVEL[china_office], OFFICE_LEVEL[russia_office]
    if "minister" in (china, russia):
        return "minister"
    if china == russia == "head_of_government" and mode in ("in_person", "video"):
        return "head_of_government"
    if mode != "in_person":
        return "remote"
    return china if china == russia else "cross_level"
