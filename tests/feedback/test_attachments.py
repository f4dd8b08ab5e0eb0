"""Attachments: checked by their leading bytes; a file lying about its type is refused."""

from __future__ import annotations

import io
import zipfile

import pytest

from vanban.feedback.attachments import AttachmentError, check, check_all
from vanban.feedback.rules import rules

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def _zip(member: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo(member, date_time=(2020, 1, 1, 0, 0, 0)), "<w:document/>")
    return buf.getvalue()


def test_true_files_pass() -> None:
    assert check("anh.PNG", PNG).media == "image/png"
    assert check("don.pdf", PDF).media == "application/pdf"
    assert check("don.docx", _zip("word/document.xml")).media.endswith("wordprocessingml.document")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("don.pdf", PNG),  # a picture named .pdf
        ("anh.png", b"MZ\x90\x00" + b"\x00" * 60),  # a Windows program named .png
        ("anh.jpg", b"<html><script>alert(1)</script>"),
        ("don.docx", _zip("payload.exe")),  # a ZIP that is not a Word document
        ("don.docx", PDF),
    ],
)
def test_lying_files_are_refused(name: str, data: bytes) -> None:
    with pytest.raises(AttachmentError, match="không đúng với loại tệp"):
        check(name, data)


def test_types_sizes_and_counts() -> None:
    with pytest.raises(AttachmentError, match="Không nhận loại tệp"):
        check("virus.exe", b"MZ")
    with pytest.raises(AttachmentError, match="rỗng"):
        check("a.png", b"")
    with pytest.raises(AttachmentError, match="quá lớn"):
        check("a.pdf", b"%PDF" + b"0" * rules().max_bytes)
    with pytest.raises(AttachmentError, match="tối đa"):
        check_all([("a.png", PNG)] * (rules().max_files + 1))
