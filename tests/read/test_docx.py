"""DOCX built here from a corpus text (real header table), hostile ZIPs, and the corpus .doc files."""

from __future__ import annotations

import io
import re
import zipfile

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from vanban.errors import ReadError
from vanban.read import read_bytes, read_file

from .conftest import corpus, make_zip, needs_soffice

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _borderless(table) -> None:
    tblpr = table._tbl.tblPr
    tblpr.append(
        parse_xml(
            f"<w:tblBorders {nsdecls('w')}>"
            + "".join(
                f'<w:{e} w:val="nil"/>' for e in ("top", "left", "bottom", "right", "insideH", "insideV")
            )
            + "</w:tblBorders>"
        )
    )


def build_docx(legacy: bool = False) -> bytes:
    """A công văn laid out the way offices do: a borderless 2x2 header table, V/v under the
    number, a text box, a signature table, and a footnote (added to the package by hand)."""
    src = corpus("seeds", "002_852c67c28b4a1981.txt")  # noqa: F841  (the text this fixture follows)
    d = docx.Document()
    t = d.add_table(rows=2, cols=2)
    _borderless(t)
    t.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HÀ NỘI"
    t.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    t.cell(1, 0).text = "Số: 3241/UBND-KGVX\nV/v triển khai các nhiệm vụ trọng tâm"
    t.cell(1, 1).text = "Hà Nội, ngày 12 tháng 6 năm 2024"
    p = d.add_paragraph("Kính gửi: Sở Giáo dục và Đào tạo.")
    box = (
        f'<w:r {nsdecls("w")} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml"><mc:AlternateContent><mc:Choice Requires="wps">'
        "<w:drawing><wps:txbx><w:txbxContent><w:p><w:r><w:t>KHẨN</w:t></w:r></w:p></w:txbxContent></wps:txbx>"
        "</w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox><w:txbxContent><w:p><w:r><w:t>KHẨN</w:t>"
        "</w:r></w:p></w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )
    p._p.append(parse_xml(box))
    body = d.add_paragraph("Thực hiện chỉ đạo của Thành phố")
    body._p.append(
        parse_xml(
            f'<w:r {nsdecls("w")}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="1"/></w:r>'
        )
    )
    body.add_run(", Ủy ban nhân dân Thành phố đề nghị các đơn vị báo cáo trước ngày 30/6/2024.")
    if legacy:
        q = d.add_paragraph()
        r = q.add_run("§¶ng bé c¬ quan ")
        r.font.name = ".VnTime"
        r2 = q.add_run("uû ban nh©n d©n")
        r2.font.name = ".VnTimeH"
    s = d.add_table(rows=1, cols=2)
    _borderless(s)
    s.cell(0, 0).text = "Nơi nhận:\n- Như trên;\n- Lưu: VT, KGVX."
    s.cell(0, 1).text = "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nVũ Thu Hà"
    buf = io.BytesIO()
    d.save(buf)
    return _add_footnote(buf.getvalue(), "Kế hoạch số 12/KH-UBND ngày 05/01/2024 của UBND Thành phố.")


def _add_footnote(data: bytes, text: str) -> bytes:
    zin = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    notes = (
        f'<w:footnotes xmlns:w="{W}"><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        f'</w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:footnote></w:footnotes>'
    )
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in zin.infolist():
            blob = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                blob = blob.replace(
                    b"</Types>",
                    b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>',
                )
            if item.filename == "word/_rels/document.xml.rels":
                blob = blob.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdFn1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/footnotes" Target="footnotes.xml"/></Relationships>',
                )
            z.writestr(item, blob)
        z.writestr("word/footnotes.xml", notes)
    return out.getvalue()


def test_docx_header_table_by_columns() -> None:
    ex = read_bytes(build_docx(), "cv.docx")
    lines = [x for x in ex.text.splitlines() if x.strip()]
    assert lines[:6] == [
        "ỦY BAN NHÂN DÂN",
        "THÀNH PHỐ HÀ NỘI",
        "Số: 3241/UBND-KGVX",
        "V/v triển khai các nhiệm vụ trọng tâm",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert lines[6] == "Hà Nội, ngày 12 tháng 6 năm 2024"
    assert ex.kind == "docx"


def test_docx_text_box_once_signature_before_list_and_footnote() -> None:
    text = read_bytes(build_docx(), "cv.docx").text
    assert text.count("KHẨN") == 1
    assert text.index("PHÓ CHỦ TỊCH") < text.index("Nơi nhận:")
    assert re.search(r"(?m)^\[1\] Kế hoạch số 12/KH-UBND", text)


def test_docx_legacy_font_runs_converted() -> None:
    ex = read_bytes(build_docx(legacy=True), "cv.docx")
    assert "Đảng bộ cơ quan UỶ BAN NHÂN DÂN" in ex.text  # .VnTimeH prints capitals
    assert any("TCVN3" in p for p in ex.problems)


def test_docx_parses() -> None:
    import vanban

    doc = vanban.parse(read_bytes(build_docx(), "cv.docx").text)
    assert doc.to_dict()["number"] == "3241/UBND-KGVX"
    assert doc.to_dict()["doc_type"] == "Công văn"


def test_renamed_zip_is_not_a_docx() -> None:
    with pytest.raises(ReadError, match="tệp nén ZIP, không phải văn bản"):
        read_bytes(make_zip({"photo.jpg": b"\xff\xd8\xff" + bytes(100)}), "hoso.docx")


def test_zip_bomb_disguised_as_docx() -> None:
    bomb = make_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\0" * (64 * 2**20)})
    assert len(bomb) < 200_000
    with pytest.raises(ReadError, match="bom ZIP"):
        read_bytes(bomb, "bomb.docx")


@pytest.mark.parametrize(
    "members",
    [
        {"word/document.xml": b"<w:document><not-closed>"},
        {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<x/>"},
    ],
)
def test_damaged_docx(members: dict[str, bytes]) -> None:
    with pytest.raises(ReadError, match="damaged Word file"):
        read_bytes(make_zip(members), "broken.docx")


@needs_soffice
@pytest.mark.parametrize(
    ("name", "expect"),
    [
        (
            "qd-15-2010-ubnd-hanoi.doc",
            ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HÀ NỘI", "______", "Số: 15/2010/QĐ-UBND"],
        ),
        ("ct-09-2009-ubnd-binhduong.doc", ["ỦY BAN NHÂN DÂN", "TỈNH BÌNH DƯƠNG", "Số: 09/2009/CT-UBND"]),
        ("kiem-diem-dang-vien-tcvn3.doc", ["ĐẢNG BỘ CƠ QUAN UBND", "HUYỆN LỆ THUỶ", "CHI BỘ THANH TRA"]),
    ],
)
def test_word97_via_libreoffice(name: str, expect: list[str]) -> None:
    ex = read_file(corpus("office", name))
    lines = [x.strip() for x in ex.text.splitlines() if x.strip()]
    assert lines[: len(expect)] == expect
    assert ex.kind == "doc"


def test_missing_libreoffice_names_the_package(monkeypatch) -> None:
    import vanban.read.office as office
    from vanban.errors import MissingToolError

    monkeypatch.setattr(office.shutil, "which", lambda name: None)
    with pytest.raises(MissingToolError, match="apt-get install libreoffice-writer-nogui"):
        read_bytes(b"{\\rtf1\\ansi Hello}", "a.rtf")
