"""Save figures for papers: the one place that knows formats and their metadata.

Each figure is written as vector PDF and SVG and as a 300-dpi PNG. Outputs are byte-stable:
the same figure gives the same bytes on every run with the same pinned software, because
every time stamp and software stamp is removed per format (PNG "Software"; PDF "Creator",
"Producer", "CreationDate"; SVG "Date", "Creator") and the SVG hash salt is fixed by the
paper style. Fonts are embedded as TrueType (PDF) or as glyph paths (SVG).

Descriptive metadata that does not vary between runs (title, caption, provenance) is written
into each file's own metadata: the PDF document information, PNG text chunks and SVG
``<metadata>``.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from analysis.codes import FIGURE_FORMATS as FORMATS
from analysis.exhibits.outputs import check_output_request, record_output, resolve_output_dir, write_atomically
from analysis.exhibits.style import set_paper_style

PNG_DPI = 300


def _metadata(fmt: str, title: str, caption: str | None, provenance: dict | None) -> dict:
    """Per-format metadata: stamps removed, descriptive fields set (keys differ per backend)."""
    description = caption or ""
    prov = json.dumps(provenance, sort_keys=True, separators=(",", ":")) if provenance else None
    if fmt == "pdf":
        meta = {"Creator": None, "Producer": None, "CreationDate": None, "ModDate": None,
                "Title": title, "Subject": description}
        if prov:
            meta["Keywords"] = prov
        return meta
    if fmt == "svg":
        meta = {"Date": None, "Creator": None, "Title": title, "Description": description}
        if prov:
            meta["Source"] = prov
        return meta
    if fmt == "png":
        meta = {"Software": None, "Title": title, "Description": description}
        if prov:
            meta["Source"] = prov
        return meta
    raise ValueError(f"unknown figure format {fmt!r}; use one of {', '.join(FORMATS)}")


def figure_bytes(fig: Figure, fmt: str, *, title: str = "", caption: str | None = None,
                 provenance: dict | None = None) -> bytes:
    """Render ``fig`` to bytes in one format with deterministic metadata."""
    buffer = io.BytesIO()
    kwargs = {"dpi": PNG_DPI} if fmt == "png" else {}
    fig.savefig(buffer, format=fmt, metadata=_metadata(fmt, title, caption, provenance), **kwargs)
    return buffer.getvalue()


def save_figure(fig: Figure, name: str, *, output_dir: str | Path | None = None,
                formats=FORMATS, caption: str | None = None, provenance: dict | None = None,
                close: bool = True) -> list[Path]:
    """Write ``fig`` as ``<output_dir>/figures/<name>.<fmt>`` for each format; return the paths.

    Parameters
    ----------
    fig
        The figure (made with the paper style, e.g. by :func:`analysis.exhibits.style.new_figure`).
    name
        File stem, e.g. ``"engagements_per_year"``; letters, digits, ``_`` and ``-`` only.
    output_dir
        Root directory for outputs; ``None`` or ``""`` means the project root.
    formats
        Any of ``"pdf"``, ``"svg"``, ``"png"`` (PNG at 300 dpi).
    caption
        The figure's caption, written once next to the code that makes the figure and
        embedded in the files' metadata.
    provenance
        Extra key/value metadata (notebook, parameters, data hashes) embedded in each file.
    close
        Close the figure after saving (frees memory in long notebooks).
    """
    formats = check_output_request("figure", name, formats, FORMATS)
    directory = resolve_output_dir(output_dir) / "figures"
    written = []
    for fmt in formats:
        path = directory / f"{name}.{fmt}"
        write_atomically(path, figure_bytes(fig, fmt, title=name, caption=caption, provenance=provenance))
        written.append(path)
    record_output("figure", name, written, caption)
    if close:
        plt.close(fig)
    return written


__all__ = ["FORMATS", "PNG_DPI", "figure_bytes", "save_figure", "set_paper_style"]
