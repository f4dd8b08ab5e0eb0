"""What every reader returns: the text, where its pages start, and what went wrong."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Extracted:
    """Text extracted from one input file.

    ``pages`` holds the offset in ``text`` where each page starts (empty for unpaged input);
    ``kind`` names the format read (``text``, ``pdf``, ``ocr``, ``docx``, ``html``…);
    ``problems`` are human-readable notes (a page that was OCR'd, an encoding converted…).
    """

    text: str
    kind: str
    pages: tuple[int, ...] = ()
    problems: tuple[str, ...] = field(default=())
    meta: dict[str, str] = field(default_factory=dict)
