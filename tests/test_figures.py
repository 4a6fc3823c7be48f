"""save_figure: formats, byte-stable output, embedded fonts, metadata."""

import struct
import zlib

import matplotlib.pyplot as plt
import pytest

from analysis.exhibits.figures import save_figure
from analysis.exhibits.style import new_figure


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _figure():
    fig, ax = new_figure("single")
    ax.plot([1949, 1989, 2025], [1, 3, 2], label="engagements")
    ax.set_title("Test figure")
    ax.legend()
    return fig


def _png_chunks(data: bytes) -> dict[bytes, list[bytes]]:
    chunks, pos = {}, 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunks.setdefault(kind, []).append(data[pos + 8:pos + 8 + length])
        pos += 12 + length
    return chunks


def test_writes_each_format_under_figures(tmp_path):
    paths = save_figure(_figure(), "demo", output_dir=tmp_path, caption="A caption.")
    assert [p.relative_to(tmp_path).as_posix() for p in paths] == ["figures/demo.pdf", "figures/demo.svg", "figures/demo.png"]
    assert all(p.stat().st_size > 0 for p in paths)


def test_same_figure_same_bytes(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = [p.read_bytes() for p in save_figure(_figure(), "a", output_dir=tmp_path / "1")]
    second = [p.read_bytes() for p in save_figure(_figure(), "a", output_dir=tmp_path / "2")]
    assert first == second


def test_no_time_or_software_stamps(tmp_path):
    pdf, svg, png = (p.read_bytes() for p in save_figure(_figure(), "s", output_dir=tmp_path))
    assert b"/CreationDate" not in pdf and b"/Producer" not in pdf and b"/Creator" not in pdf
    assert b"<dc:date>" not in svg and b"Matplotlib v" not in svg
    assert all(not c.startswith(b"Software") for c in _png_chunks(png).get(b"tEXt", []))


def test_pdf_embeds_truetype_fonts(tmp_path):
    pdf = save_figure(_figure(), "f", output_dir=tmp_path, formats=["pdf"])[0].read_bytes()
    assert b"/FontFile2" in pdf          # embedded TrueType program (Type 42)
    assert b"/Subtype /Type3" not in pdf  # no bitmap-like Type 3 fonts


def test_png_is_300_dpi_at_column_width(tmp_path):
    png = save_figure(_figure(), "p", output_dir=tmp_path, formats=["png"])[0].read_bytes()
    chunks = _png_chunks(png)
    width, _height = struct.unpack(">II", chunks[b"IHDR"][0][:8])
    assert width == round(3.5 * 300)                      # single column: 3.5 in at 300 dpi
    ppm_x, _ppm_y, unit = struct.unpack(">IIB", chunks[b"pHYs"][0])
    assert unit == 1 and round(ppm_x * 0.0254) == 300     # pixels per metre -> dots per inch


def test_caption_and_provenance_in_metadata(tmp_path):
    prov = {"notebook": "02_meeting_frequency", "parameters": {"start_year": 1990}}
    pdf, svg, png = (p.read_bytes() for p in save_figure(_figure(), "m", output_dir=tmp_path,
                                                            caption="Engagements per year.", provenance=prov))
    assert b"Engagements per year." in pdf and b"02_meeting_frequency" in pdf
    assert b"Engagements per year." in svg and b"02_meeting_frequency" in svg
    text = b"".join(_png_chunks(png).get(b"tEXt", []) + [zlib.decompress(c.split(b"\0", 2)[2])
                                                          for c in _png_chunks(png).get(b"zTXt", [])])
    assert b"Engagements per year." in text and b"02_meeting_frequency" in text


def test_closes_the_figure_unless_asked(tmp_path):
    fig = _figure()
    save_figure(fig, "c", output_dir=tmp_path, formats=["svg"], close=False)
    assert plt.fignum_exists(fig.number)
    save_figure(fig, "c", output_dir=tmp_path, formats=["svg"])
    assert not plt.fignum_exists(fig.number)


@pytest.mark.parametrize(("name", "formats"), [("bad name", ["pdf"]), ("ok", ["jpg"]), ("ok", [])])
def test_rejects_bad_names_and_formats(tmp_path, name, formats):
    with pytest.raises(ValueError, match=r"name|format"):
        save_figure(_figure(), name, output_dir=tmp_path, formats=formats)
    assert not (tmp_path / "figures").exists() or not any((tmp_path / "figures").iterdir())
