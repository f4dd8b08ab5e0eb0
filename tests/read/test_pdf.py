"""PDF text layers (real gazette PDFs), damaged and hostile PDFs, mixed scanned pages."""

from __future__ import annotations

import io
import re
import time
import tracemalloc
import unicodedata

import pypdfium2 as pdfium
import pytest

from vanban.errors import ReadError
from vanban.read import read_bytes, read_file

from .conftest import corpus, make_pdf, needs_tesseract

# file, issuer line, number line, place/date line
HEADERS = [
    (
        "thong-tu-so-01-2026-tt-btc-468744.pdf",
        "BỘ TÀI CHÍNH",
        "Số: 01/2026/TT-BTC",
        "Hà Nội, ngày 01 tháng 01 năm 2026",
    ),
    (
        "quyet-dinh-so-169-qd-bldtbxh-44203.pdf",
        "BỘ LAO ĐỘNG - THƯƠNG BINH",
        "Số: 169/QĐ-BLĐTBXH",
        "Hà Nội, ngày 24 tháng 01 năm 2025",
    ),
    ("nghi-quyet-so-113-nq-cp-469448.pdf", "CHÍNH PHỦ", "Số: 113/NQ-CP", "Hà Nội, ngày 25 tháng 4 năm 2026"),
    (
        "party-06-hd-tw-2025.pdf",
        "BAN CHẤP HÀNH TRUNG ƯƠNG",
        "Số 06-HD/TW",
        "Hà Nội, ngày 09 tháng 6 năm 2025",
    ),
    ("nghi-dinh-so-38-2022-nd-cp-37348.pdf", "CHÍNH PHỦ", "Số: 38/2022/NĐ-CP", None),
]


@pytest.mark.parametrize(("name", "issuer", "number", "date"), HEADERS)
def test_header_columns_unmerged(name: str, issuer: str, number: str, date: str | None) -> None:
    ex = read_file(corpus("pdf", name))
    lines = [x.strip() for x in ex.text.splitlines()[:12]]
    assert lines[0] == issuer, lines  # gazette labels and running heads are gone
    assert number in lines, lines
    motto = next(i for i, x in enumerate(lines) if x.startswith(("CỘNG HÒA", "CỘNG HOÀ", "ĐẢNG CỘNG SẢN")))
    assert lines.index(number) < motto  # left column first, then the right one
    if date:
        assert any(x.startswith(date) for x in lines[motto:]), lines


@pytest.mark.parametrize(
    "name",
    [
        "chi-thi-so-21-ct-ttg-469580.pdf",
        "nghi-dinh-so-111-2022-nd-cp-38434.pdf",
        "quyet-dinh-so-28-2021-qd-ttg-34546.pdf",
    ],
)
def test_running_heads_removed_and_pages_recorded(name: str) -> None:
    path = corpus("pdf", name)
    ex = read_file(path)
    n = len(pdfium.PdfDocument(path))
    assert len(ex.pages) == n and ex.pages[0] == 0 and list(ex.pages) == sorted(ex.pages)
    assert "CÔNG BÁO" not in ex.text
    assert not re.search(r"(?m)^\s*\d{1,3}\s*$", ex.text)  # no lone page numbers
    assert unicodedata.is_normalized("NFC", ex.text)
    assert ex.kind == "pdf" and not ex.problems


def test_page_of_offsets() -> None:
    import vanban

    doc = vanban.parse_file(corpus("pdf", "quyet-dinh-so-798-qd-ttg-469485.pdf"))
    assert doc.pages and doc.page_of(0) in (0, 1)
    last = doc.pages[-1]
    assert doc.page_of(last) == doc.page_of(len(doc.text) - 1)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (make_pdf([["Hello"]], encrypt=True), "encrypted"),
        (make_pdf([]), "no pages"),
        (make_pdf([["Hello"]])[:150], "damaged"),
        (b"%PDF-1.4\n" + bytes(range(256)) * 40, "damaged"),
    ],
)
def test_bad_pdfs(data: bytes, message: str) -> None:
    with pytest.raises(ReadError, match=message):
        read_bytes(data, "bad.pdf")


def test_truncated_real_pdf() -> None:
    data = corpus("pdf", "nghi-quyet-so-113-nq-cp-469448.pdf").read_bytes()
    with pytest.raises(ReadError, match="damaged"):
        read_bytes(data[: len(data) // 3], "cut.pdf")


def test_thousand_pages_streamed() -> None:
    """A 1,000-page PDF: read page by page, quickly, with little Python memory."""
    words = [
        "mot",
        "hai",
        "ba",
        "bon",
        "nam",
        "sau",
        "bay",
        "tam",
        "chin",
        "muoi",
        "tram",
        "nghin",
        "trieu",
        "ty",
        "van",
        "ban",
        "nha",
        "nuoc",
    ]

    def line(p: int, i: int) -> str:
        return f"Dieu {i}. " + " ".join(words[(p * 7 + i * 3 + k * k) % len(words)] for k in range(8))

    data = make_pdf([[line(p, i) for i in range(6)] for p in range(1000)])
    tracemalloc.start()
    t = time.perf_counter()
    import vanban.read.pdf as pdfmod

    # no OCR here: the pages are taken as text (ASCII is fine for a size test)
    orig = pdfmod.judge
    pdfmod.judge = lambda text: None
    try:
        ex = pdfmod.read_pdf(data, "big.pdf")
    finally:
        pdfmod.judge = orig
    elapsed = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(ex.pages) == 1000
    assert ex.text.count("Dieu 5.") == 1000 and ex.text.count("\n") == 6 * 1000
    assert ex.text[ex.pages[500] :].startswith(line(500, 0))
    assert peak < 40 * 2**20 + 4 * len(data)
    assert elapsed < 45  # under tracemalloc, several times slower than bench/bench_read.py


@pytest.mark.ocr
@needs_tesseract
def test_mixed_pdf_ocrs_only_the_scanned_page() -> None:
    src = pdfium.PdfDocument(corpus("pdf", "nghi-quyet-so-113-nq-cp-469448.pdf"))
    out = pdfium.PdfDocument.new()
    out.import_pages(src, [1])
    # page 2: a picture of the top of the source's page 1, no text layer
    pil = src[0].render(scale=300 / 72, grayscale=True).to_pil()
    pil = pil.crop((0, 0, pil.width, pil.height // 3))
    w, h = 595, 842 / 3
    page = out.new_page(w, h)
    img = pdfium.PdfImage.new(out)
    img.set_bitmap(pdfium.PdfBitmap.from_pil(pil))
    img.set_matrix(pdfium.PdfMatrix().scale(w, h))
    page.insert_obj(img)
    page.gen_content()
    buf = io.BytesIO()
    out.save(buf)
    ex = read_bytes(buf.getvalue(), "mixed.pdf")
    assert ex.kind == "pdf+ocr"
    assert len(ex.problems) == 1 and ex.problems[0].startswith("trang 2: không có lớp chữ")
    scanned = ex.text[ex.pages[1] :]
    assert "113/NQ-CP" in scanned and "CHÍNH PHỦ" in scanned
    assert scanned.index("113/NQ-CP") < scanned.index("CỘNG HÒA")


@pytest.mark.ocr
@needs_tesseract
def test_text_layer_without_diacritics_is_ocrd() -> None:
    lines = [
        "Cong hoa xa hoi chu nghia Viet Nam",
        "Doc lap - Tu do - Hanh phuc",
        "Quyet dinh so 15 ngay 26 thang 4",
    ]
    ex = read_bytes(make_pdf([lines]), "old-ocr.pdf")
    assert ex.kind == "ocr"
    assert "mất dấu" in ex.problems[0]
    assert "Cong hoa" in ex.text


@pytest.mark.ocr
@needs_tesseract
def test_blank_pdf_page() -> None:
    doc = pdfium.PdfDocument.new()
    doc.new_page(595, 842)
    buf = io.BytesIO()
    doc.save(buf)
    ex = read_bytes(buf.getvalue(), "blank.pdf")
    assert ex.text.strip() == ""
    assert any("trang trắng" in p for p in ex.problems)
