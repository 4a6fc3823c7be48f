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

Nothing is fetched from the network: no script, style sheet, font or image has an external
source (nbconvert's require.js, MathJax, Mermaid and widget loaders are left out). The output
is deterministic — no time stamps — so the same run gives the same bytes.
"""

from __future__ import annotations

import csv
import html
import json
import os
import shutil
import tempfile
from pathlib import Path

from analysis import paths
from analysis.pipeline.provenance import KIND_DIR, manifest_entries
from analysis.version import __version__

REPORT_DIR = "reports"
CLAIMS_LEDGER = "claims_ledger"
FIGURE_FORMATS = ("png", "pdf", "svg")
TABLE_FORMATS = ("csv", "tex", "md")

# nbconvert's lab template without anything that loads from a CDN.
_OFFLINE_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
"""

_CSS = """
:root { --fg: #1b1b1b; --muted: #5a5a5a; --rule: #d8d8d8; --accent: #0072b2; --bg-alt: #f6f7f8; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", system-ui, sans-serif; color: var(--fg); margin: 0; line-height: 1.45;
       font-size: 15px; }
header { background: #14324a; color: #fff; padding: 1.4rem 2rem 1rem; }
header h1 { margin: 0 0 .3rem; font-size: 1.6rem; }
header p { margin: .2rem 0; color: #d6e4ef; }
nav { position: sticky; top: 0; background: #fff; border-bottom: 1px solid var(--rule); padding: .5rem 2rem;
      z-index: 2; }
nav a { margin-right: 1.1rem; color: var(--accent); text-decoration: none; font-weight: 600; }
main { padding: 0 2rem 3rem; max-width: 1400px; }
h2 { border-bottom: 2px solid var(--accent); padding-bottom: .2rem; margin-top: 2.2rem; }
h3 { margin-bottom: .3rem; }
a { color: var(--accent); }
.muted { color: var(--muted); }
.gallery { display: grid; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); gap: 1.2rem; }
figure { margin: 0; border: 1px solid var(--rule); border-radius: 6px; padding: .7rem; background: #fff; }
figure img { width: 100%; height: auto; display: block; }
figcaption { font-size: .9rem; margin-top: .5rem; }
.links { font-size: .85rem; margin-top: .35rem; }
.links a { margin-right: .6rem; }
.scroll { display: inline-block; max-width: 100%; overflow-x: auto; max-height: 32rem; overflow-y: auto;
          border: 1px solid var(--rule); }
table { border-collapse: collapse; font-size: .85rem; }
th, td { padding: .25rem .55rem; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
th { background: var(--bg-alt); position: sticky; top: 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
pre { background: var(--bg-alt); padding: .6rem; overflow-x: auto; font-size: .8rem; }
code { font-size: .85em; }
dl.prov { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .8rem; font-size: .85rem; }
dl.prov dt { font-weight: 600; }
dl.prov dd { margin: 0; word-break: break-all; }
.prov-entry { border-top: 1px solid var(--rule); padding-top: .4rem; }
"""


# Browsers ask the server for /favicon.ico unless the page names an icon: name an empty one.
_NO_FAVICON = '<link rel="icon" href="data:,">'


class ReportError(Exception):
    """Nothing to report: no run has recorded outputs under the output root."""


def _e(text) -> str:
    return html.escape("" if text is None else str(text), quote=True)


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


def _html_table(header: list[str], rows: list[list[str]], *, links: tuple[str, ...] = ()) -> str:
    """An HTML table; cells of the columns in ``links`` become (external) links, one per URL."""
    numeric = [bool(rows) and all(_is_number(r[i]) or r[i] == "" for r in rows if i < len(r))
               and any(_is_number(r[i]) for r in rows if i < len(r)) for i in range(len(header))]
    out = ['<div class="scroll"><table>', "<thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in header) + "</tr></thead>",
           "<tbody>"]
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            name = header[i] if i < len(header) else ""
            if name in links and value:
                content = " ".join(f'<a href="{_e(url)}" rel="noopener noreferrer">{_e(url)}</a>'
                                   for url in value.split())
            else:
                content = _e(value)
            cls = ' class="num"' if i < len(numeric) and numeric[i] else ""
            cells.append(f"<td{cls}>{content}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table></div>")
    return "\n".join(out)


def _count_rows(path: Path) -> int:
    return len(_read_csv(path)[1]) if path.exists() else 0


def _data_dir(entries: dict[str, dict]) -> Path:
    """The data directory the run read: its ``data_dir`` parameter when all exhibits agree."""
    chosen = {e.get("parameters", {}).get("data_dir") or "" for e in entries.values()}
    if len(chosen) == 1 and (value := chosen.pop()):
        return Path(value)
    return paths.DATA_DIR


def _exhibits(entries: dict[str, dict]) -> list[dict]:
    """One record per (kind, name): its files by format and its manifest entry, in notebook order."""
    grouped: dict[tuple[str, str], dict] = {}
    for output, entry in sorted(entries.items()):
        key = (entry["kind"], entry["name"])
        exhibit = grouped.setdefault(key, {"kind": entry["kind"], "name": entry["name"], "entry": entry,
                                           "files": {}, "hashes": {}})
        exhibit["files"][entry.get("format") or Path(output).suffix[1:]] = output
        exhibit["hashes"][output] = entry["sha256"]
    return sorted(grouped.values(), key=lambda x: (x["entry"]["notebook"], x["entry"].get("cell") or 0, x["name"]))


def _anchor(exhibit: dict) -> str:
    """The id of an exhibit's entry in the figures, tables or claims section."""
    if exhibit["kind"] == "table" and exhibit["name"] == CLAIMS_LEDGER:
        return "claims"
    return f'{exhibit["kind"]}-{exhibit["name"]}'


def _notebook_page(notebook: str) -> str:
    return f"notebooks/{Path(notebook).stem}.html"


def _file_links(exhibit: dict, formats: tuple[str, ...]) -> str:
    return " ".join(f'<a href="{_e(exhibit["files"][fmt])}">{fmt.upper()}</a>' for fmt in formats
                    if fmt in exhibit["files"])


# ---------------------------------------------------------------------------------------
# Sections


def _dataset_section(data_dir: Path, site: Path) -> str:
    descriptor = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8")) \
        if (data_dir / "datapackage.json").exists() else json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))
    version = descriptor.get("version", "")
    rows = []
    for resource in descriptor.get("resources", []):
        path = data_dir / resource.get("path", f"{resource['name']}.csv")
        rows.append([resource.get("path", ""), str(_count_rows(path)), resource.get("title", "")])
    engagements = data_dir / "engagements.csv"
    first = last = ""
    if engagements.exists():
        header, body = _read_csv(engagements)
        starts = [r[header.index("start_date")] for r in body if r[header.index("start_date")]]
        ends = [r[header.index("end_date")] or r[header.index("start_date")] for r in body] if "end_date" in header else starts
        if starts:
            first, last = min(starts), max(e for e in ends if e)
    licences = ", ".join(lic.get("name", "") for lic in descriptor.get("licenses", []))
    source = (descriptor.get("sources") or [{}])[0]
    contributors = ", ".join(c.get("title", "") for c in descriptor.get("contributors", [])) or "Beyond Protocol contributors"
    year = (descriptor.get("created") or "")[:4]
    citation = (f"{contributors} ({year}). {descriptor.get('title', '')}, dataset version {version}. "
                f"Derived from {source.get('title', '')} {source.get('path', '')}").strip()
    cff = ('; machine-readable metadata in <a href="CITATION.cff">CITATION.cff</a>'
           if (site / "CITATION.cff").exists() else "")
    return "\n".join([
        '<section id="dataset"><h2>Dataset</h2>',
        f"<p><strong>{_e(descriptor.get('title', ''))}</strong>, version <strong>{_e(version)}</strong> "
        f'(<a href="datapackage.json">datapackage.json</a>); licence {_e(licences)}.</p>',
        f"<p>Engagements from <strong>{_e(first)}</strong> to <strong>{_e(last)}</strong>.</p>",
        _html_table(["table", "rows", "what"], rows),
        "<h3>How to cite</h3>",
        f"<blockquote>{_e(citation)}</blockquote>",
        f"<p class=\"muted\">Cite the article and the dataset with its version{cff}.</p>",
        "</section>"])


def _figures_section(figures: list[dict]) -> str:
    out = ['<section id="figures"><h2>Figures</h2>', '<div class="gallery">']
    for number, fig in enumerate(figures, 1):
        entry = fig["entry"]
        image = fig["files"].get("png") or fig["files"].get("svg")
        img = (f'<a href="{_e(image)}"><img src="{_e(image)}" alt="{_e(entry.get("caption") or fig["name"])}"></a>'
               if image else '<p class="muted">(no PNG or SVG written)</p>')
        out.append("\n".join([
            f'<figure id="figure-{_e(fig["name"])}">', img,
            f"<figcaption><strong>Figure {number}</strong> (<code>{_e(fig['name'])}</code>). "
            f"{_e(entry.get('caption'))}</figcaption>",
            f'<div class="links">{_file_links(fig, FIGURE_FORMATS)} '
            f'<a href="#prov-figure-{_e(fig["name"])}">provenance</a> '
            f'<a href="{_e(_notebook_page(entry["notebook"]))}">notebook</a></div>',
            "</figure>"]))
    out += ["</div>", "</section>"]
    return "\n".join(out)


def _table_body(table: dict, site: Path) -> str:
    files = table["files"]
    if "csv" in files:
        return _html_table(*_read_csv(site / files["csv"]))
    for fmt in ("md", "tex"):
        if fmt in files:
            return f"<pre>{_e((site / files[fmt]).read_text(encoding='utf-8'))}</pre>"
    return '<p class="muted">(no file)</p>'


def _tables_section(tables: list[dict], site: Path) -> str:
    out = ['<section id="tables"><h2>Tables</h2>']
    for number, table in enumerate(tables, 1):
        entry = table["entry"]
        out.append("\n".join([
            f'<section id="table-{_e(table["name"])}" class="exhibit">',
            f"<h3>Table {number} (<code>{_e(table['name'])}</code>)</h3>",
            f"<p>{_e(entry.get('caption'))}</p>",
            f'<div class="links">{_file_links(table, TABLE_FORMATS)} '
            f'<a href="#prov-table-{_e(table["name"])}">provenance</a> '
            f'<a href="{_e(_notebook_page(entry["notebook"]))}">notebook</a></div>',
            _table_body(table, site), "</section>"]))
    out.append("</section>")
    return "\n".join(out)


def _claims_section(path: Path) -> str:
    header, rows = _read_csv(path)
    return "\n".join([
        '<section id="claims"><h2>Claims ledger</h2>',
        f'<p>Every checkable claim of the article and what the data say ({len(rows)} claims; '
        f'<a href="tables/{CLAIMS_LEDGER}.csv">CSV</a>).</p>',
        _html_table(header, rows, links=("source_urls", "sources")), "</section>"])


def _errata_section(path: Path) -> str:
    header, rows = _read_csv(path)
    kinds = {}
    if "kind" in header:
        for row in rows:
            kinds[row[header.index("kind")]] = kinds.get(row[header.index("kind")], 0) + 1
    summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    return "\n".join([
        '<section id="errata"><h2>Errata</h2>',
        f"<p>Where the article contradicts itself (<em>internal</em>) or the record (<em>record</em>): "
        f'{len(rows)} errata ({_e(summary)}); <a href="errata.csv">errata.csv</a>.</p>',
        _html_table(header, rows, links=("source_urls",)), "</section>"])


def _notebooks_section(notebooks: list[Path], exhibits: list[dict]) -> str:
    out = ['<section id="notebooks"><h2>Notebooks</h2>',
           "<p>Each notebook as executed by <code>beyond-protocol run</code>, with its outputs.</p><ul>"]
    for nb in notebooks:
        made = [x for x in exhibits if Path(x["entry"]["notebook"]).stem == nb.stem]
        names = ", ".join(f'<a href="#{_e(_anchor(x))}">{_e(x["name"])}</a>' for x in made)
        out.append(f'<li><a href="notebooks/{_e(nb.stem)}.html">{_e(nb.stem)}</a>'
                   + (f" — {names}" if names else "") + "</li>")
    out += ["</ul>", "</section>"]
    return "\n".join(out)


def _provenance_section(exhibits: list[dict]) -> str:
    out = ['<section id="provenance"><h2>Provenance</h2>',
           '<p>For every exhibit: the notebook and cell that wrote it, the parameters, and the sha256 of '
           'each data file it read (the library modules\' hashes are in the manifests: '
           '<a href="manifests/figures.json">figures</a>, <a href="manifests/tables.json">tables</a>).</p>']
    for x in exhibits:
        e = x["entry"]
        params = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in sorted(e.get("parameters", {}).items()))
        data = "".join(f"<li><code>{_e(name)}</code> {_e(digest)}</li>" for name, digest in sorted(e["inputs"].items())
                       if not name.startswith(("src/", "notebooks/")))
        files = "".join(f"<li><code>{_e(name)}</code> {_e(digest)}</li>" for name, digest in sorted(x["hashes"].items()))
        library = sum(1 for name in e["inputs"] if name.startswith("src/"))
        out.append("\n".join([
            f'<div class="prov-entry" id="prov-{x["kind"]}-{_e(x["name"])}">',
            f'<h3>{x["kind"]} <a href="#{_e(_anchor(x))}"><code>{_e(x["name"])}</code></a></h3>',
            '<dl class="prov">',
            f'<dt>notebook</dt><dd><a href="{_e(_notebook_page(e["notebook"]))}">{_e(e["notebook"])}</a>, '
            f'cell {_e(e.get("cell"))} (sha256 {_e(e["inputs"].get(e["notebook"], ""))})</dd>',
            f"<dt>parameters</dt><dd><code>{_e(params)}</code></dd>",
            f"<dt>data read</dt><dd><ul>{data}</ul></dd>",
            f"<dt>files</dt><dd><ul>{files}</ul></dd>",
            f"<dt>software</dt><dd>beyond-protocol {_e(e.get('package_version'))}, commit "
            f"<code>{_e(e.get('git_commit') or 'n/a')}</code>, {library} library modules</dd>",
            "</dl></div>"]))
    out.append("</section>")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------
# Notebooks


def render_notebook(path: Path) -> str:
    """An executed notebook as a standalone HTML page that loads nothing from the network."""
    import jinja2
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(extra_loaders=[jinja2.DictLoader({"offline.html.j2": _OFFLINE_TEMPLATE})],
                            template_file="offline.html.j2")
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
    notebooks = sorted((root / "build" / "notebooks").glob("*.ipynb")) if (root / "build" / "notebooks").exists() else []
    claims = root / "tables" / f"{CLAIMS_LEDGER}.csv"
    errata = data_dir / "errata.csv"
    versions = sorted({x["entry"].get("package_version") or "" for x in exhibits})
    commits = sorted({x["entry"].get("git_commit") or "n/a" for x in exhibits})
    sections = [("dataset", "Dataset"), ("figures", f"Figures ({len(figures)})"), ("tables", f"Tables ({len(tables)})")]
    if claims.exists():
        sections.append(("claims", "Claims ledger"))
    if errata.exists():
        sections.append(("errata", "Errata"))
    sections += [("notebooks", "Notebooks"), ("provenance", "Provenance")]
    body = [_dataset_section(data_dir, site), _figures_section(figures), _tables_section(tables, site)]
    if claims.exists():
        body.append(_claims_section(claims))
    if errata.exists():
        body.append(_errata_section(errata))
    body += [_notebooks_section(notebooks, exhibits), _provenance_section(exhibits)]
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        _NO_FAVICON,
        "<title>Beyond Protocol — report</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<header><h1>Beyond Protocol: China–Soviet/Russian high-level engagements</h1>",
        f"<p>Report of the analyses: {len(figures)} figures, {len(tables)} tables, {len(notebooks)} notebooks. "
        f"Generated by beyond-protocol {_e(', '.join(versions) or __version__)} "
        f"(<code>beyond-protocol report</code>); git commit: {_e(', '.join(commits))}.</p></header>",
        "<nav>" + "".join(f'<a href="#{key}">{_e(title)}</a>' for key, title in sections) + "</nav>",
        "<main>", *body, "</main>",
        "</body>",
        "</html>",
    ]) + "\n"


def build_report(output_root: str | Path | None = None, *, data_dir: str | Path | None = None) -> Path:
    """Build ``<output_root>/reports/`` from a run's outputs; return the path of ``index.html``.

    ``output_root`` is what ``beyond-protocol run --output-dir`` wrote to (default: the project
    root). ``data_dir`` defaults to the ``data_dir`` parameter the run used (else ``data/``).
    The directory is built aside and swapped in whole, so a reader never sees half a report.
    Raises :class:`ReportError` when no run has recorded outputs there, or a recorded output is gone.
    """
    root = Path(output_root).resolve() if output_root else paths.PROJECT_ROOT
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
