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

COUNTERPART: dict[str, str] = {"china": "russia", "russia": "china"}
"""The other side."""
