"""``beyond-protocol report``: the offline site of every exhibit, checked as files and in Chromium.

The static tests read the HTML (every exhibit, caption, table row and provenance hash is there;
no external source; deterministic); the browser test serves the site from 127.0.0.1 and opens
it in Debian's Chromium through Playwright (mandatory when CI=true, skipped elsewhere).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import http.server
import json
import os
import re
import shutil
import threading
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import markupsafe
import pytest
from _system import launch_chromium, require_browser

from analysis import paths
from analysis.pipeline.cli import main
from analysis.pipeline.report import ReportError, build_report

pytestmark = pytest.mark.notebook
ROOT = paths.PROJECT_ROOT


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the ids of the page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def tags(path: Path) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.tags


def external_sources(path: Path) -> list[str]:
    """What the page would load from another host: script/img/iframe/... sources, style
    sheets and icons, and CSS url()/@import that are not data: URIs."""
    found = []
    for tag, attrs in tags(path):
        for attr in ("src", "srcset", "data"):
            if attrs.get(attr, "").strip().lower().startswith(("http:", "https:", "//")):
                found.append(f"<{tag} {attr}={attrs[attr]}>")
        if tag == "link" and attrs.get("href", "").strip().lower().startswith(("http:", "https:", "//")):
            found.append(f"<link href={attrs['href']}>")
    text = path.read_text(encoding="utf-8")
    found += re.findall(r"url\(\s*['\"]?(?:https?:)?//[^)]*\)", text)
    found += re.findall(r"@import\s+(?:url\()?\s*['\"]?(?:https?:)?//[^;]*", text)
    found += re.findall(r"import\(\s*['\"]https?://[^)]*\)", text)
    return found


def relative_links(path: Path) -> list[str]:
    out = []
    for _tag, attrs in tags(path):
        for attr in ("href", "src"):
            value = attrs.get(attr)
            if value is None:
                continue
            parsed = urllib.parse.urlsplit(value)
            if not parsed.scheme and not parsed.netloc and parsed.path:
                out.append(value)
    return out


def escaped(text: str) -> str:
    """``text`` as the report's templates write it (Jinja2 autoescape: markupsafe)."""
    return str(markupsafe.escape(text))


def manifest(root: Path) -> dict[str, dict]:
    entries = {}
    for sub in ("figures", "tables"):
        entries.update(json.loads((root / sub / "manifest.json").read_text(encoding="utf-8"))["outputs"])
    return entries


@pytest.fixture(scope="module")
def site(reproduced) -> Path:
    return reproduced / "reports"


def test_every_figure_is_shown_with_its_caption_and_formats(reproduced, site):
    page = (site / "index.html").read_text(encoding="utf-8")
    figures = {e["name"]: e for e in manifest(reproduced).values() if e["kind"] == "figure"}
    assert len(figures) >= 12
    images = [attrs["src"] for tag, attrs in tags(site / "index.html") if tag == "img"]
    assert sorted(images) == sorted(f"figures/{name}.png" for name in figures)
    for name, entry in figures.items():
        assert escaped(entry["caption"]) in page, name                 # the caption from the manifest
        for fmt in ("pdf", "svg", "png"):
            assert f'href="figures/{name}.{fmt}"' in page
            assert (site / "figures" / f"{name}.{fmt}").read_bytes() == (reproduced / "figures" / f"{name}.{fmt}").read_bytes()


def test_every_table_is_rendered_from_its_csv(reproduced, site):
    page = (site / "index.html").read_text(encoding="utf-8")
    tables = {e["name"] for e in manifest(reproduced).values() if e["kind"] == "table"}
    assert {"engagement_list", "pairing_rates", "macros"} <= tables
    for name in tables:
        anchor = "claims" if name == "claims_ledger" else f"table-{name}"
        start = page.index(f'id="{anchor}"')
        section = page[start:page.index("</section>", start)]
        source = reproduced / "tables" / f"{name}.csv"
        if source.exists():
            with open(source, newline="", encoding="utf-8") as handle:
                rows = list(csv.reader(handle))
            assert section.count("<tr>") == len(rows), name                # header + every row
            for cell in rows[-1]:
                assert escaped(cell) in section, (name, cell)
        else:                                                              # macros.tex: shown as source
            assert escaped((reproduced / "tables" / f"{name}.tex").read_text(encoding="utf-8")) in section


def test_dataset_summary_errata_and_citation(site):
    page = (site / "index.html").read_text(encoding="utf-8")
    descriptor = json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))
    assert f"version <strong>{descriptor['version']}</strong>" in page
    for resource in descriptor["resources"]:
        with open(paths.DATA_DIR / resource["path"], newline="", encoding="utf-8") as handle:
            n = len(list(csv.reader(handle))) - 1
        assert f"<td>{resource['path']}</td><td class=\"num\">{n}</td>" in page, resource["path"]
    with open(paths.DATA_DIR / "engagements.csv", newline="", encoding="utf-8") as handle:
        starts = [row["start_date"] for row in csv.DictReader(handle)]
    assert f"Engagements from <strong>{min(starts)}</strong>" in page
    errata = page[page.index('id="errata"'):]
    errata = errata[:errata.index("</section>")]
    with open(paths.DATA_DIR / "errata.csv", newline="", encoding="utf-8") as handle:
        ids = [row["erratum_id"] for row in csv.DictReader(handle)]
    assert errata.count("<tr>") == len(ids) + 1 and all(f"<td>{i}</td>" in errata for i in ids)
    assert "10.30574/wjarr.2025.27.2.2937" in page and "How to cite" in page
    assert (site / "CITATION.cff").exists() and 'href="CITATION.cff"' in page


def test_provenance_of_each_exhibit(reproduced, site):
    page = (site / "index.html").read_text(encoding="utf-8")
    entry = manifest(reproduced)["figures/timeline.pdf"]
    block = page[page.index('id="prov-figure-timeline"'):]
    block = block[:block.index("</div>")]
    engagements = hashlib.sha256((paths.DATA_DIR / "engagements.csv").read_bytes()).hexdigest()
    assert f"<code>data/engagements.csv</code> {engagements}" in block
    assert f"cell {entry['cell']}" in block and "notebooks/01_timeline.ipynb" in block
    assert "start_year=1949" in block and entry["sha256"] in block
    assert "trade.csv" not in block                                      # the timeline never reads it
    for name in {e["name"] for e in manifest(reproduced).values()}:
        assert f'id="prov-figure-{name}"' in page or f'id="prov-table-{name}"' in page


def test_executed_notebooks_are_rendered_and_linked(reproduced, site):
    page = (site / "index.html").read_text(encoding="utf-8")
    executed = sorted(p.stem for p in (reproduced / "build" / "notebooks").glob("*.ipynb"))
    assert "02_meeting_frequency" in executed and "06_paper_numbers" in executed
    assert sorted(p.stem for p in (site / "notebooks").glob("*.html")) == executed
    for stem in executed:
        assert f'href="notebooks/{stem}.html"' in page
    rendered = (site / "notebooks" / "02_meeting_frequency.html").read_text(encoding="utf-8")
    assert rendered.count("<img") >= 7 and "data:image/png;base64" in rendered   # the figures, inline


def test_the_site_loads_nothing_from_the_network_and_every_relative_link_exists(site):
    pages = [site / "index.html", *sorted((site / "notebooks").glob("*.html"))]
    for page in pages:
        assert external_sources(page) == [], page.name
        text = page.read_text(encoding="utf-8").lower()
        assert "cdnjs.cloudflare.com" not in text and "unpkg.com" not in text and "cdn.jsdelivr.net" not in text
        for link in relative_links(page):
            target = (page.parent / urllib.parse.unquote(urllib.parse.urlsplit(link).path)).resolve()
            assert target.is_file() and site.resolve() in target.parents, (page.name, link)


def test_offline_check_catches_an_external_source(tmp_path):
    """The check above is able to fail."""
    page = tmp_path / "page.html"
    page.write_text('<html><head><script src="https://cdn.example.org/x.js"></script>'
                    '<link rel="stylesheet" href="//fonts.example.org/a.css"><style>@import url("https://x.org/y.css");'
                    '</style></head><body><img src="http://example.org/a.png"></body></html>')
    found = " ".join(external_sources(page))
    assert all(url in found for url in ("cdn.example.org/x.js", "fonts.example.org/a.css", "x.org/y.css",
                                        "example.org/a.png"))


def test_same_run_same_report_bytes(reproduced, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(reproduced, copy, ignore=shutil.ignore_patterns("reports"))
    build_report(copy)
    first = {p.relative_to(copy / "reports"): p.read_bytes() for p in sorted((copy / "reports").rglob("*")) if p.is_file()}
    assert main(["report", "--output-dir", str(copy)]) == 0               # the command does the same
    again = {p.relative_to(copy / "reports"): p.read_bytes() for p in sorted((copy / "reports").rglob("*")) if p.is_file()}
    assert first == again and len(first) > 60
    assert [p.name for p in copy.iterdir() if p.name.startswith(".reports")] == []   # no leftovers


def test_claims_ledger_is_included_only_when_present(reproduced, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(reproduced, copy, ignore=shutil.ignore_patterns("reports"))
    for sub in ("tables",):                           # a run without a claims ledger
        path = copy / sub / "manifest.json"
        document = json.loads(path.read_text(encoding="utf-8"))
        document["outputs"] = {k: v for k, v in document["outputs"].items() if v["name"] != "claims_ledger"}
        path.write_text(json.dumps(document))
    for path in (copy / "tables").glob("claims_ledger.*"):
        path.unlink()
    page = build_report(copy).read_text(encoding="utf-8")
    assert 'id="claims"' not in page and 'href="#claims"' not in page
    (copy / "tables" / "claims_ledger.csv").write_text(
        "claim_id,claim,status,source_urls\nC9999,An invented claim <b>,consistent,https://example.org/a\n")
    page = build_report(copy).read_text(encoding="utf-8")
    section = page[page.index('id="claims"'):]
    section = section[:section.index("</section>")]
    assert "<td>C9999</td>" in section and "An invented claim &lt;b&gt;" in section
    assert '<a href="https://example.org/a"' in section and 'href="#claims"' in page
    assert (copy / "reports" / "tables" / "claims_ledger.csv").exists()


def test_report_without_a_run_is_refused(tmp_path, capsys):
    with pytest.raises(ReportError, match="run `beyond-protocol run` first"):
        build_report(tmp_path)
    assert main(["report", "--output-dir", str(tmp_path)]) == 1
    assert "beyond-protocol run" in capsys.readouterr().err
    assert not (tmp_path / "reports").exists()


def test_report_with_a_missing_output_is_refused(reproduced, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(reproduced, copy)
    (copy / "figures" / "timeline.png").unlink()
    before = (copy / "reports" / "index.html").read_bytes()
    with pytest.raises(ReportError, match=r"figures/timeline\.png"):
        build_report(copy)
    assert (copy / "reports" / "index.html").read_bytes() == before       # the previous report is kept


EVIL = '<script>alert("x")</script>'


def _hostile_run(tmp_path: Path) -> tuple[Path, Path]:
    """An output root and a data directory whose manifest, tables and data hold markup and a
    javascript: address in every place the report shows a value."""
    root, data = tmp_path / "run", tmp_path / "data"
    for directory in (root / "figures", root / "tables", data):
        directory.mkdir(parents=True)
    (data / "datapackage.json").write_text(json.dumps({
        "title": EVIL, "version": "1.0" + EVIL, "created": "2026", "licenses": [{"name": EVIL}],
        "contributors": [{"title": EVIL}], "sources": [{"title": EVIL, "path": "https://example.org/" + EVIL}],
        "resources": [{"name": "errata", "path": "errata.csv", "title": EVIL}]}), encoding="utf-8")
    (data / "errata.csv").write_text(f"erratum_id,kind,claim,source_urls\nER1,record,{EVIL},javascript:alert(1)\n",
                                     encoding="utf-8")
    (root / "figures" / "plot.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (root / "tables" / "hostile.csv").write_text(f'label,source_urls\n"{EVIL}",https://example.org/?q=<b>\n',
                                                 encoding="utf-8")
    (root / "tables" / "claims_ledger.csv").write_text(f"claim_id,claim,source_urls\nC1,{EVIL},javascript:alert(2)\n"
                                                       "C2,x,https://example.org/?q=<b>\n", encoding="utf-8")
    common = {"notebook": "notebooks/01_timeline.ipynb", "cell": 2, "package_version": EVIL, "git_commit": EVIL,
              "parameters": {"title": EVIL}, "inputs": {"data/" + EVIL + ".csv": EVIL}}
    outputs = {"figures": {"figures/plot.png": {**common, "kind": "figure", "name": "plot", "format": "png",
                                                "caption": EVIL, "sha256": EVIL}},
               "tables": {f"tables/{name}.csv": {**common, "kind": "table", "name": name, "format": "csv",
                                                 "caption": EVIL, "sha256": EVIL}
                          for name in ("hostile", "claims_ledger")}}
    for sub, entries in outputs.items():
        (root / sub / "manifest.json").write_text(json.dumps({"outputs": entries}), encoding="utf-8")
    return root, data


def test_markup_in_the_data_or_the_manifest_is_escaped(tmp_path):
    """A value holding <script> (caption, parameter, table cell, dataset title, licence, commit,
    data file name...) is shown as text, never as markup; only http(s) addresses become links."""
    root, data = _hostile_run(tmp_path)
    page = build_report(root, data_dir=data).read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert [tag for tag, _ in tags(root / "reports" / "index.html") if tag in ("script", "iframe", "object")] == []
    assert page.count(escaped(EVIL)) >= 12                     # every place a value is shown, as text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    hrefs = [attrs.get("href", "") for tag, attrs in tags(root / "reports" / "index.html") if tag == "a"]
    assert not [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:"))]
    assert "<td>javascript:alert(1)</td>" in page and "<td>javascript:alert(2)</td>" in page   # text, not links
    assert '<a href="https://example.org/?q=&lt;b&gt;" rel="noopener noreferrer">' in page     # escaped in the attribute


# ---------------------------------------------------------------------------------------
# In a real browser


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serve(directory: Path):
    """``directory`` served over HTTP on 127.0.0.1 (a free port) by a thread; shut down after."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="report-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def check_in_browser(root: Path, profile: Path, *, screenshot: Path | None = None) -> dict:
    """Open ``root``/reports/index.html from a local server in Chromium; return what it saw:
    the images and whether each decoded, relative links that do not answer 200, in-page anchors
    without a target, console errors, failed or 4xx/5xx requests, requests to any other host,
    and the notebook pages that did not render."""
    from playwright.sync_api import sync_playwright

    seen = {"images": [], "undecoded": [], "broken_links": {}, "missing_anchors": [], "errors": [],
            "external": [], "relative_links": [], "notebook_pages": {}}
    with serve(root) as base, sync_playwright() as playwright:
        def route(request_route):
            url = request_route.request.url
            if url.startswith((base + "/", "data:")):
                request_route.continue_()
            else:                                            # the site must not need any other host
                seen["external"].append(url)
                request_route.abort()

        context = launch_chromium(playwright, profile)
        try:
            context.route("**/*", route)
            page = context.new_page()
            errors = seen["errors"]
            page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
            page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
            page.on("response", lambda r: errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
            index = f"{base}/reports/index.html"
            response = page.goto(index, wait_until="load", timeout=60_000)
            assert response is not None and response.status == 200
            page.wait_for_function("Array.from(document.images).every(i => i.complete)", timeout=60_000)
            images = page.evaluate("Array.from(document.images).map(i => [i.getAttribute('src'), i.naturalWidth])")
            seen["images"] = sorted(src for src, _ in images)
            seen["undecoded"] = sorted(src for src, width in images if not width > 0)
            hrefs = page.evaluate("Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))")
            relative = sorted({h for h in hrefs if not urllib.parse.urlsplit(h).scheme and not h.startswith("#")})
            seen["relative_links"] = relative
            seen["broken_links"] = {h: s for h in relative if (s := _status(urllib.parse.urljoin(index, h))) != 200}
            ids = set(page.evaluate("Array.from(document.querySelectorAll('[id]')).map(e => e.id)"))
            seen["missing_anchors"] = sorted({h[1:] for h in hrefs if h.startswith("#")} - ids)
            if screenshot is not None:                   # the top of the page and the first figures
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                page.set_viewport_size({"width": 1280, "height": 1500})
                page.screenshot(path=str(screenshot))
            for link in sorted(h for h in relative if h.startswith("notebooks/") and h not in seen["broken_links"]):
                response = page.goto(urllib.parse.urljoin(index, link), wait_until="load", timeout=60_000)
                seen["notebook_pages"][link] = (response.status, page.locator(".jp-Notebook").count(),
                                                page.locator(".jp-OutputArea-output img").count())
        finally:
            context.close()
    return seen


def test_report_in_chromium(reproduced, tmp_path):
    require_browser()
    figures = {e["name"] for e in manifest(reproduced).values() if e["kind"] == "figure"}
    shot = paths.BUILD_DIR / "report-screenshot.png"
    seen = check_in_browser(reproduced, tmp_path / "profile", screenshot=shot)
    assert seen["images"] == sorted(f"figures/{n}.png" for n in figures)
    assert seen["undecoded"] == []                                   # every image loaded (naturalWidth > 0)
    assert len(seen["relative_links"]) > 3 * len(figures)
    assert seen["broken_links"] == {}                                # every relative href answers 200
    assert seen["missing_anchors"] == []
    assert seen["errors"] == [] and seen["external"] == []          # no console errors, nothing fetched outside
    executed = sorted(p.stem for p in (reproduced / "build" / "notebooks").glob("*.ipynb"))
    assert sorted(seen["notebook_pages"]) == [f"notebooks/{stem}.html" for stem in executed]
    assert all(status == 200 and notebooks == 1 for status, notebooks, _ in seen["notebook_pages"].values())
    assert seen["notebook_pages"]["notebooks/02_meeting_frequency.html"][2] >= 7   # its figures, inline
    assert shot.stat().st_size > 10_000
    # The README's screenshot is refreshed on request only (UPDATE_SCREENSHOT=1), not on every test run.
    if os.environ.get("UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(shot, ROOT / "docs" / "report-screenshot.png")


def test_browser_check_catches_a_broken_site(reproduced, tmp_path):
    """The same check on a damaged copy: a missing image, a missing notebook page, an external image."""
    require_browser()
    copy = tmp_path / "copy"
    shutil.copytree(reproduced / "reports", copy / "reports")
    (copy / "reports" / "figures" / "timeline.png").unlink()
    (copy / "reports" / "notebooks" / "04_trade.html").unlink()
    index = copy / "reports" / "index.html"
    index.write_text(index.read_text(encoding="utf-8").replace(
        "</main>", '<img src="https://example.org/pixel.png" alt="x"><a href="#nowhere">x</a></main>'), encoding="utf-8")
    seen = check_in_browser(copy, tmp_path / "profile")
    assert seen["undecoded"] == ["figures/timeline.png", "https://example.org/pixel.png"]
    assert seen["broken_links"] == {"figures/timeline.png": 404, "notebooks/04_trade.html": 404}
    assert seen["external"] == ["https://example.org/pixel.png"] and seen["missing_anchors"] == ["nowhere"]
    assert any("404" in e for e in seen["errors"])
