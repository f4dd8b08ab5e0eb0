"""Attachments a citizen may send: a few types, each recognised by its leading bytes (a file whose
content does not match its name is refused), at most a few files of a few MB."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from ..messages import msg
from .rules import FileType, rules


class AttachmentError(ValueError):
    """An attachment refused, with the Vietnamese reason."""


@dataclass(frozen=True)
class Checked:
    """An accepted attachment."""

    name: str
    media: str
    data: bytes


def _type_of(name: str) -> FileType | None:
    low = name.lower()
    return next((t for t in rules().types if low.endswith(t.suffixes)), None)


def check(name: str, data: bytes) -> Checked:
    """The attachment, if its size and content fit its name; else :class:`AttachmentError`."""
    r = rules()
    if not data:
        raise AttachmentError(msg("feedback.file_empty", name=name))
    if len(data) > r.max_bytes:
        raise AttachmentError(msg("feedback.file_too_large", name=name, mb=r.max_bytes // (1024 * 1024)))
    ft = _type_of(name)
    if ft is None:
        allowed = ", ".join(s for t in r.types for s in t.suffixes)
        raise AttachmentError(msg("feedback.file_type", name=name, allowed=allowed))
    if not data.startswith(ft.magic) or (ft.key == "docx" and not _is_docx(data)):
        raise AttachmentError(msg("feedback.file_lies", name=name))
    return Checked(name, ft.media, data)


def _is_docx(data: bytes) -> bool:
    """A ZIP whose members include the Word main part (not just any ZIP named .docx)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "word/document.xml" in z.namelist()
    except zipfile.BadZipFile:
        return False


def check_all(files: list[tuple[str, bytes]]) -> list[Checked]:
    """Every attachment checked; too many files refused."""
    if len(files) > rules().max_files:
        raise AttachmentError(msg("feedback.too_many_files", n=rules().max_files))
    return [check(n, d) for n, d in files]
