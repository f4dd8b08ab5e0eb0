"""What every reader returns: the text, where its pages start, and what went wrong."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class Reading:
    """A zone of a page read on its own (``number.seq``, ``date.day``, ``date.month``, ``signer``).

    ``value`` is what the readings agree on, or None (illegible); ``readings`` are all of them;
    ``box`` is the zone in the page image (pixels at ``dpi``) for the review crop.
    """

    field: str
    value: str | None
    readings: tuple[str, ...]
    agreement: float
    page: int
    box: Box
    dpi: int

    def to_dict(self) -> dict[str, object]:
        return {
            "field": self.field,
            "value": self.value,
            "readings": list(self.readings),
            "agreement": round(self.agreement, 3),
            "page": self.page,
            "box": list(self.box),
            "dpi": self.dpi,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Reading:
        """The reading ``to_dict`` wrote."""
        return cls(
            d["field"], d["value"], tuple(d["readings"]), d["agreement"], d["page"], _box(d["box"]), d["dpi"]
        )


def _box(v: Any) -> Box:
    a, b, c, e = v
    return (a, b, c, e)


@dataclass(frozen=True)
class Extracted:
    """Text extracted from one input file.

    ``pages`` holds the offset in ``text`` where each page starts (empty for unpaged input);
    ``kind`` names the format read (``text``, ``pdf``, ``ocr``, ``docx``, ``html``…);
    ``problems`` are human-readable notes (a page that was OCR'd, an encoding converted…);
    ``readings`` are the zones of a scanned page read again on their own (``scan``);
    ``signatures`` the PDF's digital signatures (``signatures.PdfSignature``);
    ``warnings`` say where the text may be wrong because of how it was read (bytes replaced
    while decoding, an encoding guessed): both go onto the document's problems, the notes as
    ``read.note`` (info), the warnings as ``read.warning``.
    """

    text: str
    kind: str
    pages: tuple[int, ...] = ()
    problems: tuple[str, ...] = field(default=())
    meta: dict[str, str] = field(default_factory=dict)
    readings: tuple[Reading, ...] = ()
    signatures: tuple = ()
    warnings: tuple[str, ...] = ()
