"""A self-contained, offline HTML report of one run: ``reports/index.html``.

``beyond-protocol report`` (and ``make reproduce``, after the run) reads what ``beyond-protocol
run`` wrote under an output root — ``figures/`` and ``tables/`` with their manifests and the
executed notebooks in ``build/notebooks/`` — and builds ``<root>/reports/``:

* ``index.html``: the dataset (rows per table, date range, version, how to cite), a gallery of
  every figure (the PNG shown, links to PDF/SVG/PNG, the caption from the manifest), every table
  rendered from its CSV, the claims ledger (``tables/claims_ledger.csv``, when a run wrote it),
  the errata (``data/errata.csv``), the executed notebooks and the provenance of every exhibit
  (notebook, cell, parameters, sha256 of each data file read);
* copies of the figures, tables and manifests it links to, and each executed notebook rendered
  to HTML with nbconvert, so the directory can be zipped and read anywhere.

The page is rendered from ``templates/report.html.j2`` (with ``report.css``), package data read
through :class:`jinja2.PackageLoader` with autoescape on: this module passes plain values and the
template escapes every one of them, so markup in the data or a manifest is shown as text; only
http(s) addresses become links. Nothing is fetched from the network: no script, style sheet,
font or image has an external source (``templates/offline-notebook.html.j2`` leaves out
nbconvert's require.js, MathJax, Mermaid and widget loaders). The output is deterministic — no
time stamps — so the same run gives the same bytes.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
from functools import cache
from pathlib import Path

import jinja2

from analysis import paths
from analysis.pipeline.extras import NOTEBOOKS_EXTRA
from analysis.pipeline.provenance import KIND_DIR, manifest_entries
from analysis.version import __version__

REPORT_DIR = "reports"
CLAIMS_LEDGER = "claims_ledger"
FIGURE_FORMATS = ("png", "pdf", "svg")
TABLE_FORMATS = ("csv", "tex", "md")
TEMPLATES = "templates"                      # analysis/pipeline/templates/, shipped in the wheel
INDEX_TEMPLATE = "report.html.j2"
NOTEBOOK_TEMPLATE = "offline-notebook.html.j2"
LINK_SCHEMES = ("http://", "https://")       # only these become links: never javascript: or data:

# Browsers ask the server for /favicon.ico unless the page names an icon: name an empty one.
_NO_FAVICON = '<link rel="icon" href="data:,">'


class ReportError(Exception):
    """Nothing to report: no run has recorded outputs under the output root."""


@cache
def environment() -> jinja2.Environment:
    """The templates of the report, read from the package; every value is escaped."""
    return jinja2.Environment(loader=jinja2.PackageLoader("analysis.pipeline", TEMPLATES), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() != "" and text.strip().lower() not in ("nan", "inf", "-inf", "infinity")


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    return (rows[0], rows[1:]) if rows else ([], [])


def _table(header: list[str], rows: list[list[str]], *, links: tuple[str, ...] = ()) -> dict:
    """A table for the template; cells of the columns in ``links`` holding web addresses become links."""
    numeric = [bool(rows) and all(_is_number(r[i]) or r[i] == "" for r in rows if i < len(r))
               and any(_is_number(r[i]) for r in rows if i < len(r)) for i in range(len(header))]
    body = []
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            urls = value.split() if i < len(header) and header[i] in links and value else []
            cells.append({"text": value, "num": i < len(numeric) and numeric[i],
                          "urls": urls if urls and all(u.lower().startswith(LINK_SCHEMES) for u in urls) else []})
        body.append(cells)
    return {"header": header, "rows": body}


def _count_rows(path: Path) -> int:
    return len(_read_csv(path)[1]) if path.exists() else 0


def _data_dir(entries: dict[str, dict]) -> Path:
    """The data directory the run read: its ``data_dir`` parameter when all exhibits agree."""
    chosen = {e.get("parameters", {}).get("data_dir") or "" for e in entries.values()}
    if len(chosen) == 1 and (value := chosen.pop()):
        return Path(value)
    return paths.DATA_DIR


def _notebook_page(notebook: str) -> str:
    return f"notebooks/{Path(notebook).stem}.html"


def _is_library_or_notebook(name: str) -> bool:
    """A provenance input that is code (a library module, the notebook), not data; in a checkout
    the names are ``src/...`` and ``notebooks/...``, installed they may be absolute paths."""
    return name.startswith(("src/", "notebooks/")) or name.endswith((".py", ".ipynb"))


def _exhibits(entries: dict[str, dict]) -> list[dict]:
    """One record per (kind, name) for the template: files, captions and provenance, in notebook order."""
    grouped: dict[tuple[str, str], dict] = {}
    for output, entry in sorted(entries.items()):
        key = (entry["kind"], entry["name"])
        exhibit = grouped.setdefault(key, {"kind": entry["kind"], "name": entry["name"], "entry": entry,
                                           "files": {}, "hashes": []})
        exhibit["files"][entry.get("format") or Path(output).suffix[1:]] = output
        exhibit["hashes"].append((output, entry["sha256"]))
    exhibits = sorted(grouped.values(), key=lambda x: (x["entry"]["notebook"], x["entry"].get("cell") or 0, x["name"]))
    for x in exhibits:
        e, formats = x["entry"], FIGURE_FORMATS if x["kind"] == "figure" else TABLE_FORMATS
        inputs = e.get("inputs", {})
        x.update(
            anchor="claims" if x["kind"] == "table" and x["name"] == CLAIMS_LEDGER else f'{x["kind"]}-{x["name"]}',
            caption=e.get("caption") or "", notebook=e["notebook"], notebook_page=_notebook_page(e["notebook"]),
            links=[(fmt.upper(), x["files"][fmt]) for fmt in formats if fmt in x["files"]],
            cell="" if e.get("cell") is None else e["cell"], notebook_sha256=inputs.get(e["notebook"], ""),
            parameters=", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}"
                                 for k, v in sorted(e.get("parameters", {}).items())),
            data=[(n, d) for n, d in sorted(inputs.items()) if not _is_library_or_notebook(n)],
            library=sum(1 for n in inputs if n.endswith(".py")),
            package_version=e.get("package_version") or "", git_commit=e.get("git_commit") or "n/a",
            image=x["files"].get("png") or x["files"].get("svg") or "")
    return exhibits


# ---------------------------------------------------------------------------------------
# Sections


def _dataset(data_dir: Path, site: Path) -> dict:
    own = data_dir / "datapackage.json"
    descriptor = json.loads((own if own.exists() else paths.DATAPACKAGE).read_text(encoding="utf-8"))
    rows = [[resource.get("path", ""), str(_count_rows(data_dir / resource.get("path", f"{resource['name']}.csv"))),
             resource.get("title", "")] for resource in descriptor.get("resources", [])]
    engagements = data_dir / "engagements.csv"
    first = last = ""
    if engagements.exists():
        header, body = _read_csv(engagements)
        starts = [r[header.index("start_date")] for r in body if r[header.index("start_date")]]
        ends = [r[header.index("end_date")] or r[header.index("start_date")] for r in body] if "end_date" in header else starts
        if starts:
            first, last = min(starts), max(e for e in ends if e)
    source = (descriptor.get("sources") or [{}])[0]
    contributors = ", ".join(c.get("title", "") for c in descriptor.get("contributors", [])) or "Beyond Protocol contributors"
    version = descriptor.get("version", "")
    citation = (f"{contributors} ({(descriptor.get('created') or '')[:4]}). {descriptor.get('title', '')}, dataset "
                f"version {version}. Derived from {source.get('title', '')} {source.get('path', '')}").strip()
    return {"title": descriptor.get("title", ""), "version": version, "first": first, "last": last,
            "licences": ", ".join(lic.get("name", "") for lic in descriptor.get("licenses", [])),
            "table": _table(["table", "rows", "what"], rows), "citation": citation,
            "cff": (site / "CITATION.cff").exists()}


def _table_content(table: dict, site: Path) -> None:
    """The table itself from its CSV, else the Markdown or LaTeX source shown as text."""
    files = table["files"]
    table["table"], table["source"] = None, None
    if "csv" in files:
        table["table"] = _table(*_read_csv(site / files["csv"]))
    else:
        fmt = next((f for f in ("md", "tex") if f in files), None)
        if fmt:
            table["source"] = (site / files[fmt]).read_text(encoding="utf-8")


def _errata_kinds(header: list[str], rows: list[list[str]]) -> str:
    kinds: dict[str, int] = {}
    if "kind" in header:
        for row in rows:
            kinds[row[header.index("kind")]] = kinds.get(row[header.index("kind")], 0) + 1
    return ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))


# ---------------------------------------------------------------------------------------
# Notebooks


def render_notebook(path: Path) -> str:
    """An executed notebook as a standalone HTML page that loads nothing from the network."""
    try:
        from nbconvert import HTMLExporter
    except ImportError as exc:
        raise ReportError(f"rendering the executed notebooks needs nbconvert, which is not installed: "
                          f"{NOTEBOOKS_EXTRA}") from exc

    exporter = HTMLExporter(extra_loaders=[jinja2.PackageLoader("analysis.pipeline", TEMPLATES)],
                            template_file=NOTEBOOK_TEMPLATE)
    exporter.require_js_url = ""
    exporter.mathjax_url = ""
    body, _ = exporter.from_filename(str(path))
    return body.replace("<head>", "<head>\n" + _NO_FAVICON, 1)


# ---------------------------------------------------------------------------------------
# The site


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def render_index(root: Path, site: Path, *, data_dir: Path | None = None) -> str:
    """The HTML of ``index.html`` for the outputs under ``root``; ``site`` holds the copies."""
    entries = manifest_entries(root)
    exhibits = _exhibits(entries)
    data_dir = Path(data_dir) if data_dir else _data_dir(entries)
    figures = [x for x in exhibits if x["kind"] == "figure"]
    tables = [x for x in exhibits if x["kind"] == "table" and x["name"] != CLAIMS_LEDGER]
    for table in tables:
        _table_content(table, site)
    executed = root / "build" / "notebooks"
    notebooks = [{"stem": nb.stem, "made": [x for x in exhibits if Path(x["notebook"]).stem == nb.stem]}
                 for nb in (sorted(executed.glob("*.ipynb")) if executed.exists() else [])]
    claims_path, errata_path = root / "tables" / f"{CLAIMS_LEDGER}.csv", data_dir / "errata.csv"
    claims = _table(*_read_csv(claims_path), links=("source_urls", "sources")) if claims_path.exists() else None
    errata = _table(*_read_csv(errata_path), links=("source_urls",)) if errata_path.exists() else None
    sections = [("dataset", "Dataset"), ("figures", f"Figures ({len(figures)})"), ("tables", f"Tables ({len(tables)})")]
    sections += [("claims", "Claims ledger")] if claims else []
    sections += [("errata", "Errata")] if errata else []
    sections += [("notebooks", "Notebooks"), ("provenance", "Provenance")]
    versions = sorted({x["package_version"] for x in exhibits})
    return environment().get_template(INDEX_TEMPLATE).render(
        dataset=_dataset(data_dir, site), figures=figures, tables=tables, claims=claims, errata=errata,
        errata_kinds=_errata_kinds(*_read_csv(errata_path)) if errata else "", claims_ledger=CLAIMS_LEDGER,
        notebooks=notebooks, exhibits=exhibits, sections=sections,
        versions=", ".join(versions) or __version__, commits=", ".join(sorted({x["git_commit"] for x in exhibits})))


def build_report(output_root: str | Path | None = None, *, data_dir: str | Path | None = None) -> Path:
    """Build ``<output_root>/reports/`` from a run's outputs; return the path of ``index.html``.

    ``output_root`` is what ``beyond-protocol run --output-dir`` wrote to (default: the project
    root in a checkout, the current directory for an installed package). ``data_dir`` defaults to the ``data_dir`` parameter the run used (else ``data/``).
    The directory is built aside and swapped in whole, so a reader never sees half a report.
    Raises :class:`ReportError` when no run has recorded outputs there, or a recorded output is gone.
    """
    root = (Path(output_root) if output_root else paths.OUTPUT_ROOT).resolve()
    entries = manifest_entries(root)
    if not entries:
        raise ReportError(f"no outputs recorded under {root} (figures/manifest.json, tables/manifest.json): "
                          "run `beyond-protocol run` first")
    missing = sorted(output for output in entries if not (root / output).is_file())
    if missing:
        raise ReportError(f"outputs recorded in the manifests are missing under {root}: {', '.join(missing)}; "
                          "re-run `beyond-protocol run` (`beyond-protocol status` lists them)")
    data = Path(data_dir) if data_dir else _data_dir(entries)
    final = root / REPORT_DIR
    site = Path(tempfile.mkdtemp(prefix=f".{REPORT_DIR}-", dir=root))
    try:
        for output in sorted(entries):
            _copy(root / output, site / output)
        for sub in KIND_DIR.values():
            if (root / sub / "manifest.json").exists():
                _copy(root / sub / "manifest.json", site / "manifests" / f"{sub}.json")
        claims = root / "tables" / f"{CLAIMS_LEDGER}.csv"
        if claims.exists():
            _copy(claims, site / "tables" / claims.name)
        for name in ("errata.csv", "datapackage.json"):
            source = data / name if (data / name).exists() else paths.DATA_DIR / name
            if source.exists():
                _copy(source, site / name)
        if (paths.PROJECT_ROOT / "CITATION.cff").exists():
            _copy(paths.PROJECT_ROOT / "CITATION.cff", site / "CITATION.cff")
        executed = root / "build" / "notebooks"
        for nb in sorted(executed.glob("*.ipynb")) if executed.exists() else []:
            (site / "notebooks").mkdir(exist_ok=True)
            (site / "notebooks" / f"{nb.stem}.html").write_text(render_notebook(nb), encoding="utf-8")
        (site / "index.html").write_text(render_index(root, site, data_dir=data), encoding="utf-8")
        os.chmod(site, 0o755)
        old = None
        if final.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{REPORT_DIR}-old-", dir=root))
            os.replace(final, old / REPORT_DIR)
        os.replace(site, final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(site, ignore_errors=True)
        raise
    return final / "index.html"


__all__ = ["REPORT_DIR", "ReportError", "build_report", "render_index", "render_notebook"]
