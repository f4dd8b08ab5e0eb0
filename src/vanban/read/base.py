"""What every reader returns: the text, where its pages start, and what went wrong."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Box, Reading

__all__ = ["Box", "Extracted", "Reading"]


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
