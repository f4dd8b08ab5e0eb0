"""Whether a text layer can be trusted, or the page must be OCR'd instead."""

from __future__ import annotations

import re

from ..rules import table
from .encoding import syllable_share

__all__ = ["judge"]

_JUNK = re.compile(r"[\ufffd\ue000-\uf8ff\x00-\x08\x0e-\x1f]|\(cid:\d+\)")


def judge(text: str) -> str | None:
    """None when ``text`` reads as Vietnamese; else why not (in Vietnamese, for the notes)."""
    q = table("read")["quality"]
    letters = [c for c in text if c.isalpha()]
    if len(letters) < q["min_letters"]:
        return "không có lớp chữ"
    if len(_JUNK.findall(text)) > q["max_junk_ratio"] * len(letters):
        return "lớp chữ lỗi phông (ký tự rác)"
    if sum(not c.isascii() for c in letters) < q["min_diacritic_ratio"] * len(letters):
        return "lớp chữ mất dấu tiếng Việt"
    share, n = syllable_share(text)
    if n >= 20 and share < q["min_valid_syllables"]:
        return "lớp chữ sai bảng mã"
    return None
