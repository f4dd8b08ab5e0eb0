"""The clerk's reading of a scanned page: colours off, zones found and read again on their own.

Real pages of the hn-dev mailbox (scans with handwritten numbers and days, seals over the
signature). Each case renders the first page the way the reader does and checks the zones.
"""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw

from vanban.read import ocr, scan

from .conftest import corpus, needs_tesseract


def test_colour_separation_keeps_print_and_drops_seal_and_pen() -> None:
    im = Image.new("RGB", (200, 100), "white")
    d = ImageDraw.Draw(im)
    d.rectangle((10, 10, 60, 60), fill=(20, 20, 20))  # print
    d.ellipse((80, 10, 130, 60), fill=(220, 30, 40))  # seal red
    d.rectangle((150, 10, 190, 60), fill=(30, 40, 200))  # pen blue
    out = scan.color_separate(im)
    assert out.mode == "L"
    assert out.getpixel((30, 30)) < 60
    assert out.getpixel((105, 35)) == 255
    assert out.getpixel((170, 35)) == 255


def test_bilevel_scan_passes_through() -> None:
    im = Image.new("1", (20, 20), 1)
    assert scan.color_separate(im).mode == "L"


def _page(name: str, index: int = 0) -> tuple[Image.Image, list[scan.Word]]:
    doc = pdfium.PdfDocument(str(corpus("hn-dev", name)))
    page = doc[index]
    im = scan.color_separate(page.render(scale=300 / 72, may_draw_forms=False, draw_annots=False).to_pil())
    _, _, words = ocr._parse_tsv(
        ocr._tesseract(ocr._encode(im), ["-l", "vie", "--dpi", "300", "--psm", "3", "tsv"])
    )
    return im, words


# (file, zone, what a clerk reads there, whether the readings must agree on it)
ZONES = [
    ("19.pdf", "number.seq", "3580", True),  # handwritten; whole-page OCR gave "$6Š§Õ"
    ("19.pdf", "date.year", "2020", True),  # printed
    ("08.pdf", "date.year", "2020", True),
    ("02.pdf", "date.month", "7", False),  # a crossed 7 run into "năm": OCR read "7năm" as "năm"
]


@pytest.mark.ocr
@needs_tesseract
@pytest.mark.parametrize(("name", "field", "value", "agreed"), ZONES)
def test_header_zone_read_digit_only(name: str, field: str, value: str, agreed: bool) -> None:
    im, words = _page(name)
    got = {r.field: r for r in scan.read_zones(im, words, 1, 300, ocr.ocr_batch)}
    assert field in got, f"zone {field} not found"
    r = got[field]
    assert value in r.readings
    if agreed:
        assert r.value == value and r.agreement >= 0.3


@pytest.mark.ocr
@needs_tesseract
def test_zones_are_where_the_clerk_writes() -> None:
    """On 19.pdf the number's zone lies between "Số:" and "/UBND-KT", the day's between
    "ngày" and "tháng", all in the top fifth of the page; none of them is garbage-free OCR."""
    im, words = _page("19.pdf")
    zones = scan._header_zones(words, im.width, im.height)
    assert {"number.seq", "date.day", "date.month", "date.year"} <= set(zones)
    for box in zones.values():
        assert box[3] < im.height * 0.2
    assert zones["number.seq"][2] < im.width * 0.45 < zones["date.day"][0]


@pytest.mark.ocr
@needs_tesseract
@pytest.mark.parametrize(
    ("name", "signer"),
    [
        ("08.pdf", "Vũ Đăng Định"),  # the seal's ring covers the V of Vũ
        ("13.pdf", "Vũ Đăng Định"),  # a black seal: page OCR lost the block, found beside Nơi nhận
    ],
)
def test_signature_block_read_through_the_seal(name: str, signer: str) -> None:
    """The block read on its own gives the name the seal hid from the page's OCR."""
    im, words = _page(name)
    r = scan.read_signature(im, words, 1, 300, ocr.ocr_batch)
    assert r is not None and r.value == signer


@pytest.mark.ocr
@needs_tesseract
def test_signature_block_keeps_its_raw_lines() -> None:
    """hn-dev/28: no reading makes a name of the block; its lines keep what the seal left
    (the given name), for matching a known signer."""
    im, words = _page("28.pdf")
    r = scan.read_signature(im, words, 1, 300, ocr.ocr_batch)
    assert r is not None and r.value is None
    assert any("Định" in line for line in r.lines)
    assert any("CHÁNH VĂN PHÒNG" in line for line in r.lines)


@pytest.mark.ocr
@needs_tesseract
def test_illegible_zone_is_reported_not_guessed() -> None:
    """A zone whose readings disagree has no value, but keeps its readings and box."""
    im = Image.new("L", (2480, 3508), 255)
    d = ImageDraw.Draw(im)
    for k in range(40):  # scribbles where a number would be
        d.line((500 + 7 * k, 430 + (k * 37) % 60, 520 + 9 * k, 480 - (k * 23) % 50), fill=0, width=3)
    words = [
        scan.Word("Số:", (390, 432, 456, 481), 90.0, ("1", "3", "1", "1")),
        scan.Word("/UBND-KT", (820, 442, 1070, 481), 90.0, ("1", "3", "1", "1")),
    ]
    got = {r.field: r for r in scan.read_zones(im, words, 1, 300, ocr.ocr_batch)}
    r = got["number.seq"]
    assert r.box[0] >= 456 and r.box[2] <= 830
    assert r.value is None or len(set(x for x in r.readings if x)) == 1


@pytest.mark.parametrize("tilt", [0.0, 2.0, -3.0])
def test_skew_is_measured_from_the_lines(tilt: float) -> None:
    im = Image.new("L", (2480, 3508), 255)
    d = ImageDraw.Draw(im)
    for y in range(300, 3200, 60):  # lines of "text" of varying length
        d.rectangle((300, y, 2100 - (y * 7) % 500, y + 22), fill=0)
    assert scan.skew_angle(im.rotate(tilt, fillcolor=255)) == pytest.approx(-tilt, abs=0.3)


@pytest.mark.parametrize(
    ("readings", "value"),
    [
        (["6624", "", "24", "24"], "6624"),  # Tesseract cut the handwritten number short twice
        (["3580", "5580", "3580", "6"], "3580"),
        (["6633", "6633", "6653", ""], "6633"),
        (["3575", "3535", "3545", ""], None),  # no two agree
        (["", "", "", ""], None),
    ],
)
def test_vote_lets_a_cut_reading_support_the_whole(readings: list[str], value: str | None) -> None:
    assert scan._vote(readings, 1, 6)[0] == value


@pytest.mark.parametrize(
    ("readings", "hand", "value"),
    [
        (["0", "1", "0", ""], "587", "587"),  # hn-dev/10: two cut readings do not outweigh it
        (["3575", "3535", "3545", ""], "3575", "3575"),  # the reader and one Tesseract reading
        (["6546", "", "695", "656"], "6575", "6575"),  # the reader alone outweighs one reading
        (["6546", "6546", "", ""], "6576", "6576"),  # two agreeing readings do not outweigh it
        (["6633", "6633", "6633", ""], "66331", "6633"),  # three do (a speck read as a digit)
    ],
)
def test_the_handwritten_digit_reader_weighs_more(readings: list[str], hand: str, value: str | None) -> None:
    """The handwritten-digit reader's reading counts ``hand_weight`` (2.5) times: Tesseract
    reads a pen's ``587`` as ``0`` twice, which alone made the zone's value."""
    assert scan._vote(readings, 1, 6, hand)[0] == value


@pytest.mark.parametrize(
    ("text", "x"),
    [
        ("/UBND-KT", 100),  # the symbol starts the word
        ("3580/UBND-KT", 100 + round(90 * 4 / 12)),  # digits read into the symbol's word
        ("215-CV/TU", 100 + round(90 * 3 / 9)),  # a Party number: its type is no digit's place
        ("-CV/TU", 100),
        ("2020/NĐ-CP", 100 + round(90 * 4 / 10)),
    ],
)
def test_the_number_zone_ends_where_the_symbol_starts(text: str, x: int) -> None:
    """The number's zone ends where the printed symbol starts: at the slash of a State number,
    at the hyphen before a Party number's type (``215-CV/TU``), so the digit-only reading does
    not read ``CV`` as digits (a synthetic Party page: ``4270`` read for a pen's ``4870``)."""
    assert scan._slash_x(scan.Word(text, (100, 0, 190, 30), 90.0, ())) == x


@pytest.mark.parametrize(
    ("text", "pitch", "x"),
    [
        ("333/QĐ-UBND", 5.0, 190 - 40),  # a pen's 3339, one digit dropped, wide: measured from the right
        ("3339/QĐ-UBND", 10.0, 100 + round(90 * 4 / 12)),  # print as wide: the letters' share
        ("/UBND-KT", 10.0, 100),
    ],
)
def test_the_symbol_is_measured_from_the_right_in_print_pitch(text: str, pitch: float, x: int) -> None:
    """Handwritten digits are wider than the printed symbol beside them: the zone ends where the
    symbol's letters, at the print's pitch, start back from the word's right end (hn-dev 23:
    ``3339`` was cut to ``333``)."""
    assert scan._slash_x(scan.Word(text, (100, 0, 190, 30), 90.0, ()), pitch) == x
