"""Helpers for the review tests: a scanned-looking document without OCR: a one-page PDF drawn here, its record the Hanoi seed's
with the confidence, sources and zones an assessment of a scan gives (``scan_record``)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import vanban

SEED = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "seeds" / "002_852c67c28b4a1981.txt"
DPI = 100  # the page is drawn at 100 dpi: A4 is 827 x 1169 px
BOXES = {
    "number.seq": (120, 150, 220, 190),
    "date.day": (560, 150, 600, 190),
    "date.month": (640, 150, 680, 190),
    "date.year": (700, 150, 790, 190),
    "signer.name": (480, 900, 780, 980),
}


def scan_pdf() -> bytes:
    """A one-page PDF image of a page with the header lines drawn at the zones' places."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (827, 1169), "white")
    d = ImageDraw.Draw(img)
    d.text((60, 60), "UY BAN NHAN DAN THANH PHO HA NOI", fill="black")
    for field, box in BOXES.items():
        d.rectangle(box, outline="red")
        d.text((box[0] + 4, box[1] + 10), field, fill="black")
    buf = io.BytesIO()
    img.save(buf, "PDF", resolution=DPI)
    return buf.getvalue()


def scan_record(text: str) -> dict[str, Any]:
    """The seed's record as if read from a scan: low confidence on date and issuer, zones."""
    rec = vanban.parse(text).to_dict(spans=True)
    rec["confidence"] = {"number": 0.96, "date": 0.55, "doc_type": 0.95, "issuer": 0.4, "signer.name": 0.9}
    rec["sources"] = {
        "number": "metadata+zone",
        "date": "signature",
        "doc_type": "ocr",
        "issuer": "ocr",
        "signer.name": "zone",
    }
    rec["evidence"] = [
        {"field": f, "value": None, "readings": [], "agreement": 0.0, "page": 1, "box": list(b), "dpi": DPI}
        for f, b in BOXES.items()
    ]
    rec["signatures"] = [
        {
            "field": "Signature1",
            "signer": "Văn phòng Ủy ban Nhân dân Thành phố",
            "organization": "Thành phố Hà Nội",
            "unit": None,
            "locality": "Hà Nội",
            "email": None,
            "signed_at": "2020-08-03T03:21:05+00:00",
            "time_source": "signer",
            "intact": True,
            "coverage": "entire_file",
            "trusted": None,
            "digest": "sha256",
            "stamp": None,
            "problems": [],
        }
    ]
    return rec
