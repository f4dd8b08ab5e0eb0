"""OCR of the corpus scans against reference header lines read from the images by eye."""

from __future__ import annotations

import io
import json
import re

import pytest
from PIL import Image
from rapidfuzz.distance import Levenshtein

import vanban
from vanban.errors import MissingToolError, ReadError
from vanban.read import read_bytes, read_file

from .conftest import DATA, corpus, needs_tesseract

REF = json.loads((DATA / "scan_headers.json").read_text("utf-8"))


def header_cer(text: str, ref: list[str]) -> float:
    """Character error rate of the reference lines, each against its closest OCR line
    (white space ignored: spacing is not what a clerk checks)."""
    got = [re.sub(r"\s+", "", x) for x in text.splitlines()[:40] if x.strip()]
    errs = total = 0
    for line in ref:
        want = re.sub(r"\s+", "", line)
        errs += min(Levenshtein.distance(want, g) for g in got) if got else len(want)
        total += len(want)
    return errs / total


pytestmark = [pytest.mark.ocr, needs_tesseract]


# measured CER (white space ignored) with a margin; which record fields come out right
@pytest.mark.parametrize(
    ("name", "max_cer", "fields"),
    [
        ("sample_ocr_page_0001.png", 0.06, ("number", "issuer")),  # date: "11" read as "I1"
        ("pline_1.jpg", 0.18, ("number", "date")),  # top of the page cut off: no issuer
        ("sample_ocr_page_0003.png", 0.22, ()),
        ("experiment_cut_imgs_008e497b78d72ee780d22dd2fcdf11dd.jpg", 0.2, ()),
    ],
)
def test_scan_header_lines_and_record(name: str, max_cer: float, fields: tuple[str, ...]) -> None:
    ref = REF[name]
    ex = read_file(corpus("scans", name))
    assert ex.kind == "ocr" and len(ex.pages) == 1
    assert header_cer(ex.text, ref["lines"]) <= max_cer
    rec = vanban.parse(ex.text).to_dict()
    for f in fields:
        assert rec[f] == ref[f], f


def test_header_columns_from_word_boxes() -> None:
    lines = read_file(corpus("scans", "sample_ocr_page_0001.png")).text.splitlines()
    number = next(i for i, x in enumerate(lines) if "3467" in x)
    motto = next(i for i, x in enumerate(lines) if x.startswith("CỘNG HÒA"))
    assert lines[0] == "BỘ Y TẾ" and number < motto  # left column, then right column
    assert "Hà Nội" not in lines[number]


def _png(im: Image.Image, fmt: str = "PNG", **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format=fmt, **kw)
    return buf.getvalue()


def test_multipage_tiff() -> None:
    a = Image.open(corpus("scans", "sample_ocr_page_0001.png")).convert("L")
    b = Image.open(corpus("scans", "pline_1.jpg")).convert("L")
    a, b = a.crop((0, 0, a.width, a.height // 4)), b.crop((0, 0, b.width, b.height // 5))
    data = _png(a, "TIFF", save_all=True, append_images=[b], compression="tiff_lzw", dpi=(150, 150))
    ex = read_bytes(data, "scan.tif")
    assert len(ex.pages) == 2
    assert "3467" in ex.text[: ex.pages[1]] and "28/2021/NĐ-CP" in ex.text[ex.pages[1] :]


def test_photo_without_text() -> None:
    ex = read_file(corpus("scans", "experiment_imager_5_12265_700.jpg"))
    assert ex.text.strip() == ""
    assert "không nhận ra chữ nào" in ex.problems[0]


def test_blank_page_image() -> None:
    ex = read_bytes(_png(Image.new("L", (1240, 1754), 255)), "blank.png")
    assert ex.text.strip() == "" and ex.problems


def test_sideways_scan_is_turned() -> None:
    im = Image.open(corpus("scans", "sample_ocr_page_0001.png")).convert("L")
    im = im.crop((0, 0, im.width, im.height // 2)).rotate(90, expand=True)
    ex = read_bytes(_png(im), "sideways.png")
    assert any("xoay" in p for p in ex.problems)
    assert "3467" in ex.text


def test_damaged_image() -> None:
    with pytest.raises(ReadError, match="damaged or unreadable image"):
        read_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64), "broken.png")


def test_missing_tesseract_names_the_package(monkeypatch) -> None:
    import vanban.read.ocr as ocr

    ocr.check_tesseract.cache_clear()
    monkeypatch.setattr(ocr.shutil, "which", lambda name: None)
    try:
        with pytest.raises(MissingToolError, match="apt-get install tesseract-ocr tesseract-ocr-vie"):
            read_bytes(_png(Image.new("L", (50, 50), 255)), "a.png")
    finally:
        ocr.check_tesseract.cache_clear()


@pytest.mark.parametrize(
    ("line", "clean"),
    [
        ("di tích Hà Nội — Toulouse về hỗ trợ", "di tích Hà Nội – Toulouse về hỗ trợ"),  # hn-dev 25
        ("'. Kính gửi: Sở Tài chính", "Kính gửi: Sở Tài chính"),  # a speck before a word
        ("~.", ""),  # a line of specks
        ("- Như trên;", "- Như trên;"),  # a list's dash stays
        ("Khoản 1—3", "Khoản 1—3"),  # a dash inside a word stays as read
    ],
)
def test_a_line_as_tesseract_reads_it_is_cleaned(line: str, clean: str) -> None:
    from vanban.read.ocr import clean_line

    assert clean_line(line) == clean


def test_the_page_ocr_has_its_misread_tone_marks_weighed(monkeypatch) -> None:
    """hn-dev/32: Tesseract reads ``đấu tranh phòng, chống ma túy`` as ``đầu tranh``; the page's
    words are respelled where the pair counts find another spelling likelier by more than the
    odds that OCR read it right (as for a text OCR'd before it came)."""
    from vanban.read import ocr

    words = [
        "cá",
        "nhân",
        "có",
        "thành",
        "tích",
        "trong",
        "công",
        "tác",
        "đầu",
        "tranh",
        "phòng,",
        "chống",
        "ma",
        "túy",
    ]
    rows = ["level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"]
    rows += [f"5\t1\t1\t1\t1\t{i}\t{100 + 60 * i}\t100\t50\t30\t95\t{w}" for i, w in enumerate(words, 1)]
    monkeypatch.setattr(ocr, "_tesseract", lambda data, args: "\n".join(rows))
    page = ocr._ocr_one(Image.new("L", (1200, 400), 255), 300, first=False)
    assert "công tác đấu tranh phòng, chống ma túy" in "\n".join(page.lines)
