"""Decoding says what it did: byte-order marks are honoured, replaced bytes and guessed or wrong
charsets leave a warning on the record, binary junk is refused instead of stored as ``ok``."""

from __future__ import annotations

import random

import pytest

import vanban
from vanban.errors import ReadError
from vanban.read import read_bytes

TEXT = (
    "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HÀ NỘI\nSố: 15/2010/QĐ-UBND\n"
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
    "Hà Nội, ngày 26 tháng 4 năm 2010\n\nQUYẾT ĐỊNH\nVề việc ban hành quy chế quản lý tài liệu lưu trữ\n"
)


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-be", "utf-16", "utf-16-be", "utf-8-sig"])
def test_a_byte_order_mark_is_honoured(encoding: str) -> None:
    data = TEXT.encode(encoding)
    if encoding == "utf-32-be":
        data = "\ufeff".encode(encoding) + data
    if encoding == "utf-16-be":
        data = "\ufeff".encode(encoding) + data
    ex = read_bytes(data, "bom.txt")
    assert ex.text == TEXT and not ex.warnings


def test_utf16_without_a_mark_is_read_and_said_to_be_a_guess() -> None:
    ex = read_bytes(TEXT.encode("utf-16-le"), "no-bom.txt")
    assert ex.text == TEXT and ex.warnings and "UTF-16" in ex.warnings[0]


def test_utf8_with_invalid_bytes_keeps_its_letters_and_warns() -> None:
    data = TEXT.encode("utf-8")
    damaged = data.replace(b"NAM\n", b"NAM\xff\xfe\n", 1).replace(b"2010\n\n", b"2010\xc3\n\n", 1)
    ex = read_bytes(damaged, "damaged.txt")
    assert "Về việc ban hành quy chế" in ex.text and "THÀNH PHỐ HÀ NỘI" in ex.text  # no mojibake
    assert ex.warnings and "đã thay bằng" in ex.warnings[0]
    doc = vanban.parse_bytes(damaged, "damaged.txt")
    assert doc.number is not None and doc.number.value == "15/2010/QĐ-UBND"
    warning = [p for p in doc.problems if p.rule == "read.warning"]
    assert warning and warning[0].severity == "warning" and "đã thay bằng" in warning[0].message


def _page(charset: str) -> str:
    return f'<html><head><meta charset="{charset}"><title>x</title></head><body><p>{TEXT}</p></body></html>'


def test_a_wrong_html_charset_does_not_give_mojibake() -> None:
    ex = read_bytes(_page("iso-8859-1").encode("utf-8"), "page.html")
    assert "Về việc ban hành quy chế" in ex.text and "á»" not in ex.text
    assert ex.warnings and "iso-8859-1" in ex.warnings[0] and "UTF-8" in ex.warnings[0]


def test_an_unknown_html_charset_is_said() -> None:
    ex = read_bytes(_page("x-no-such-charset").encode("utf-8"), "page.html")
    assert "Về việc ban hành quy chế" in ex.text and ex.warnings and "x-no-such-charset" in ex.warnings[0]


def test_a_right_html_charset_reads_without_warning() -> None:
    ex = read_bytes(_page("utf-8").encode(), "p.html")
    assert "Về việc ban hành quy chế" in ex.text and not ex.warnings


@pytest.mark.parametrize("seed", range(20))
def test_random_bytes_are_refused_not_stored_as_a_document(seed: int) -> None:
    junk = random.Random(seed).randbytes(17)
    with pytest.raises(ReadError, match="không phải văn bản"):
        read_bytes(junk, "junk.bin")
