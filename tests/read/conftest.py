"""Fixtures for the reader tests: corpus paths and small generated files."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

CORPUS = Path(__file__).parents[2] / ".." / "shared" / "corpus"
DATA = Path(__file__).parent / "data"

needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None,
    reason="tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-vie)",
)
needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice is not installed (apt-get install libreoffice-writer-nogui)",
)


def corpus(*parts: str) -> Path:
    """A corpus file; the test is skipped when the shared corpus is not there."""
    p = CORPUS.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"corpus file missing: {p}")
    return p


def _esc(s: str) -> str:
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: list[list[str]], encrypt: bool = False) -> bytes:
    """A tiny PDF with one Helvetica text line per item of each page (Latin-1 text only)."""
    objs: list[bytes] = []
    kids = []
    n_fixed = 3
    for i, lines in enumerate(pages):
        page_no = n_fixed + 2 * i + 1
        kids.append(f"{page_no} 0 R")
        body = "BT /F1 12 Tf 72 770 Td 14 TL " + " ".join(f"({_esc(x)}) '" for x in lines) + " ET"
        stream = body.encode("latin-1")
        objs.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            f"/Contents {page_no + 1} 0 R >>".encode()
        )
        objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    head = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(pages)} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    allobjs = head + objs
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for k, o in enumerate(allobjs, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % k + o + b"\nendobj\n")
    extra = ""
    if encrypt:  # a user password is set: /U cannot match the empty password
        offsets.append(out.tell())
        enc_no = len(allobjs) + 1
        out.write(
            b"%d 0 obj\n<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >>\nendobj\n"
            % (enc_no, b"41" * 32, b"42" * 32)
        )
        extra = f" /Encrypt {enc_no} 0 R /ID [<00112233445566778899aabbccddeeff><00112233445566778899aabbccddeeff>]"
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(
        f"trailer\n<< /Size {len(offsets) + 1} /Root 1 0 R{extra} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def make_zip(members: dict[str, bytes]) -> bytes:
    """A ZIP archive (deflated) holding ``members``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(
                zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED
            )  # same bytes each run
    return buf.getvalue()
