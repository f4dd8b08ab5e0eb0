"""Detection by content, plain text and legacy Vietnamese encodings."""

from __future__ import annotations

import unicodedata

import pytest

from vanban.errors import ReadError
from vanban.read import read_bytes
from vanban.read.detect import sniff
from vanban.read.encoding import convert, syllable_share, to_unicode
from vanban.read.quality import judge

from .conftest import make_pdf, make_zip

SAMPLE = "Quyết định số 15/2010/QĐ-UBND của Ủy ban nhân dân thành phố Hà Nội ngày 26 tháng 4 năm 2010"


def cp1258(text: str) -> bytes:
    """Encode as Windows-1258, which spells toned letters as base letter + combining tone."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            d = unicodedata.normalize("NFD", ch)
            tone = next(c for c in d if c in "\u0300\u0301\u0303\u0309\u0323")
            base = unicodedata.normalize("NFC", d.replace(tone, ""))
            out += base.encode("cp1258") + tone.encode("cp1258")
    return out


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"", "empty"),
        (b"%PDF-1.7\n...", "pdf"),
        (b"\x89PNG\r\n\x1a\n....", "image"),
        (b"\xff\xd8\xff\xe0....", "image"),
        (b"II*\x00....", "image"),
        (b"{\\rtf1\\ansi ...}", "rtf"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1....", "ole"),
        (b"<!DOCTYPE html><html><body>x</body></html>", "html"),
        ("  <html lang='vi'><p>Số: 12</p>".encode(), "html"),
        ("Số: 12/UBND-VX".encode(), "text"),
        (b"\x7fELF\x02\x01\x01", "binary:executable"),
        (make_zip({"a.txt": b"x"}), "zip"),
        (make_zip({"word/document.xml": b"<x/>"}), "docx"),
        (make_zip({"mimetype": b"application/vnd.oasis.opendocument.text"}), "odt"),
        (b"PK\x03\x04garbage", "binary:damaged_zip"),
    ],
)
def test_sniff(data: bytes, kind: str) -> None:
    assert sniff(data) == kind


def test_detection_ignores_the_extension() -> None:
    ex = read_bytes(make_pdf([["Hello"]]), "van-ban.txt")
    assert ex.kind in ("pdf", "ocr", "pdf+ocr")


@pytest.mark.parametrize(
    ("data", "note"),
    [
        (SAMPLE.encode("utf-8"), None),
        (unicodedata.normalize("NFD", SAMPLE).encode("utf-8"), None),
        (cp1258(SAMPLE), "Windows-1258"),
        ("\ufeff".encode() + SAMPLE.encode(), None),
        (SAMPLE.encode("utf-16"), None),
    ],
)
def test_text_decodings(data: bytes, note: str | None) -> None:
    ex = read_bytes(data, "t.txt")
    assert ex.text.strip() == SAMPLE
    assert unicodedata.is_normalized("NFC", ex.text)
    assert (note is None and not ex.problems) or (note and note in ex.problems[0])


TCVN3 = "Quyết định số 15 của Ủy ban nhân dân, người đứng đầu, chất lượng đảng viên"


def _to_tcvn3(text: str) -> str:
    from vanban.read.encoding import _tcvn3

    back = {v: chr(k) for k, v in _tcvn3().items()}
    return "".join(back.get(c, c) for c in text.lower())


def _to_vni(text: str) -> str:
    from vanban.read.encoding import _vni

    back = {v: k for k, v in _vni()[1].items()}
    return "".join(back.get(c, c) for c in text)


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_legacy_round_trip(encoding: str) -> None:
    legacy = _to_tcvn3(TCVN3) if encoding == "tcvn3" else _to_vni(TCVN3)
    assert legacy != TCVN3
    assert convert(legacy, encoding) == (TCVN3.lower() if encoding == "tcvn3" else TCVN3)
    # as a file: TCVN3 is stored byte for byte as Latin-1, VNI as cp1252
    raw = legacy.encode("latin-1" if encoding == "tcvn3" else "cp1252")
    ex = read_bytes(raw, "legacy.txt")
    assert ex.text.strip().lower() == TCVN3.lower()
    assert ex.problems


def test_tcvn3_capitals_font() -> None:
    assert convert("§¶ng céng s¶n viÖt nam", "tcvn3", upper=True) == "ĐẢNG CỘNG SẢN VIỆT NAM"


@pytest.mark.parametrize(
    ("text", "converted"),
    [
        (
            "§¶ng bé c¬ quan UBND huyÖn LÖ Thuû, ngµy 29 th¸ng 11",
            "Đảng bộ cơ quan UBND huyện Lệ Thuỷ, ngày 29 tháng 11",
        ),
        ("Hà Nội, ngày 05 tháng 3 năm 2020; é á ó ò ù", None),  # real Unicode is left alone
        ("Price: 5 € © 2020 ± 3 §1", None),
        # Tesseract's reading of hn-dev 12: junk in a handwritten number, not a .VnTime font
        (
            "ỦY BAN NHÂN DÂN CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTHÀNH PHÓ HÀ NỘI Độc lập - Tự do"
            " - Hạnh phúc\nVĂN PHÒNG\nsố: WÊ” mc-vp : Hà Nội, ngày 31 tháng 7 năm 2020 ụ\nPHIẾU "
            "CHUYÊN VĂN BẢN\nKính gửi: Sở Tài chính\nỦy ban nhân dân Thành phố nhận được Công văn "
            "SỐ 8810/BTC/QLCS ngày 22/07/2020 của Bộ Tài Chính Về việc lấy ý kiến. ÑĐ ¡ Ð",
            None,
        ),
    ],
)
def test_mojibake_in_unicode_text(text: str, converted: str | None) -> None:
    out, enc = to_unicode(text)
    assert out == (converted or text)
    assert (enc is None) == (converted is None)


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        (SAMPLE * 3, None),
        ("", "không có lớp chữ"),
        ("Quyet dinh so 15 cua Uy ban nhan dan thanh pho Ha Noi ngay 26 thang 4 nam 2010 " * 3, "mất dấu"),
        ("\ufffd\ufffd Qu\ufffdy\ue001t \ufffd\ufffd " * 20 + SAMPLE, "ký tự rác"),
        ("Quyeỏt ủũnh soỏ 15 ngaứy thaựng naờm cuỷa Uỷy ban nhaõn daõn " * 4, "sai bảng mã"),
    ],
)
def test_text_layer_quality(text: str, verdict: str | None) -> None:
    got = judge(text)
    assert (got is None) if verdict is None else (got is not None and verdict in got)


def test_syllable_share() -> None:
    assert syllable_share("người nghiêng khuya giữa quốc ngoặc Thừa Thiên Huế")[0] == 1.0
    assert syllable_share("Quyeỏt ủũnh ngaứy thaựng naờm")[0] < 0.5


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "tệp trống"),
        (b"   \n\t ", "tệp trống"),
        (b"\x7fELF\x02\x01\x01\x00" + bytes(200), "chương trình"),
        (b"ID3\x03\x00" + bytes(300), "MP3"),
        (bytes(range(256)) * 8, "nội dung nhị phân"),
        (make_zip({"notes.txt": b"hello"}), "tệp nén ZIP"),
    ],
)
def test_not_a_document(data: bytes, message: str) -> None:
    with pytest.raises(ReadError, match=message):
        read_bytes(data, "x.docx")


def test_zero_byte_file(tmp_path) -> None:
    from vanban.read import read_file

    p = tmp_path / "empty.pdf"
    p.write_bytes(b"")
    with pytest.raises(ReadError, match="tệp trống"):
        read_file(p)
