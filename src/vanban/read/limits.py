"""What one input may cost a reader: bytes, pages, page size, pixels, unpacked bytes, time per page.

The limits are the ``[limits]`` table of ``data/read.toml``; each can be changed for a run with
an environment variable ``VANBAN_READ_<NAME>`` (``VANBAN_READ_MAX_PAGES=3000``). An input past a
limit is a ``ReadError`` that says which limit and by how much, in the user's language: a
200-inch page, a 2,000-page PDF or a ZIP bomb fails in well under a second instead of taking
gigabytes of memory or an hour of OCR.

The readers call these checks at a few places: ``check_size`` before reading a file,
``check_pdf`` once a PDF is open (page count and page sizes, without loading a page),
``page_guard`` around the reading of each page (text per page, time per page), ``fit_scale``
before a page is rendered or an image enlarged for OCR (the resolution is lowered until it
fits ``max_pixels``),
``check_ocr_pages``, ``check_image`` before an image is decoded, ``check_zip`` before a DOCX
is unpacked, and ``page_seconds`` as the OCR time-out.
"""

from __future__ import annotations

import io
import math
import os
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from functools import cache
from typing import Any

from ..errors import ReadError, VanbanError
from ..messages import msg
from ..rules import table

__all__ = [
    "Limits",
    "PageLimit",
    "check_image",
    "check_ocr_pages",
    "check_page_chars",
    "check_pdf",
    "check_size",
    "check_zip",
    "current",
    "fit_scale",
    "page_guard",
    "page_seconds",
]

ENV_PREFIX = "VANBAN_READ_"


@dataclass(frozen=True)
class Limits:
    """The limits in force (see ``[limits]`` in ``data/read.toml`` for what each means)."""

    max_file_bytes: int
    max_pages: int
    max_ocr_pages: int
    max_page_inches: float
    max_pixels: int
    max_page_chars: int
    page_seconds: float
    max_unzipped_bytes: int
    max_ratio: float


_FIELDS = fields(Limits)


def current() -> Limits:
    """The limits: ``read.toml``, each overridden by ``VANBAN_READ_<NAME>`` when that is set."""
    return _limits(tuple(os.environ.get(ENV_PREFIX + f.name.upper()) for f in _FIELDS))


@cache
def _limits(env: tuple[str | None, ...]) -> Limits:
    base: dict[str, Any] = table("read")["limits"]
    values: dict[str, Any] = {}
    for f, raw in zip(_FIELDS, env, strict=True):
        kind = float if f.type in ("float", float) else int
        if raw is None or not raw.strip():
            values[f.name] = kind(base[f.name])
            continue
        try:
            values[f.name] = kind(raw.replace("_", ""))
        except ValueError:
            raise VanbanError(
                msg("read.limit_setting", name=ENV_PREFIX + f.name.upper(), value=raw)
            ) from None
    return Limits(**values)


def page_seconds() -> float:
    """How long reading one page may take (the OCR time-out of a page)."""
    return current().page_seconds


def _mib(n: float) -> str:
    return f"{n / 2**20:,.0f}"


def check_size(size: int, name: str) -> None:
    """Refuse a file larger than ``max_file_bytes``."""
    limit = current().max_file_bytes
    if size > limit:
        raise ReadError(msg("read.file_too_big", name=name, size=_mib(size), limit=_mib(limit)))


def check_pdf(doc: Any, name: str) -> None:
    """Refuse a PDF (a ``pypdfium2.PdfDocument``) with too many pages or a page too large,
    from the page count and page boxes alone (no page is loaded or rendered)."""
    lim = current()
    n = len(doc)
    if n > lim.max_pages:
        raise ReadError(msg("read.too_many_pages", name=name, pages=n, limit=lim.max_pages))
    for i in range(n):
        w, h = doc.get_page_size(i)
        if max(w, h) / 72 > lim.max_page_inches:
            raise ReadError(
                msg(
                    "read.page_too_large",
                    name=name,
                    page=i + 1,
                    width=f"{w / 72:,.0f}",
                    height=f"{h / 72:,.0f}",
                    limit=f"{lim.max_page_inches:g}",
                )
            )


def check_ocr_pages(n: int, name: str) -> None:
    """Refuse a document that needs OCR on more than ``max_ocr_pages`` pages."""
    limit = current().max_ocr_pages
    if n > limit:
        raise ReadError(msg("read.too_many_ocr_pages", name=name, pages=n, limit=limit))


def fit_scale(width: float, height: float, scale: float) -> float:
    """``scale`` for an image of ``width`` × ``height`` (pixels, or a page's points) to be
    rendered or enlarged at, lowered so that the result has at most ``max_pixels`` pixels."""
    area = max(width, 1.0) * max(height, 1.0)
    most = current().max_pixels
    if area * scale * scale > most:
        scale = math.sqrt(most / area)
    return scale


def check_image(im: Any, name: str) -> None:
    """Refuse an image (opened, not yet decoded) with more than ``max_pixels`` pixels in a frame,
    or more frames than ``max_pages``."""
    lim = current()
    w, h = im.size
    if w * h > lim.max_pixels:
        raise ReadError(
            msg(
                "read.image_too_large",
                name=name,
                width=w,
                height=h,
                pixels=f"{w * h / 1e6:,.0f}",
                limit=f"{lim.max_pixels / 1e6:,.0f}",
            )
        )
    frames = getattr(im, "n_frames", 1)
    if frames > lim.max_pages:
        raise ReadError(msg("read.too_many_pages", name=name, pages=frames, limit=lim.max_pages))


class PageLimit(ReadError):
    """A page past a limit, raised where the file's name is not known; ``page_guard`` names it."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def check_page_chars(n: int) -> None:
    """Refuse a page whose text layer holds more than ``max_page_chars`` characters."""
    limit = current().max_page_chars
    if n > limit:
        raise PageLimit("read.page_too_dense", chars=f"{n:,}", limit=f"{limit:,}")


@contextmanager
def page_guard(name: str, page: int) -> Iterator[None]:
    """Around the reading of page ``page`` (0-based): a ``PageLimit`` inside becomes a
    ``ReadError`` naming the file and the page, and the page must not take more than
    ``page_seconds`` (checked when it is done: the pages after a slow one are not read)."""
    start = time.monotonic()
    try:
        yield
    except PageLimit as exc:
        raise ReadError(msg(exc.key, name=name, page=page + 1, **exc.values)) from None
    took = time.monotonic() - start
    limit = current().page_seconds
    if took > limit:
        raise ReadError(
            msg("read.page_too_slow", name=name, page=page + 1, seconds=f"{took:.0f}", limit=f"{limit:g}")
        )


def check_zip(data: bytes, name: str) -> None:
    """Refuse a ZIP package (DOCX) whose members would unpack beyond ``max_unzipped_bytes``, or
    a large member compressed more than ``max_ratio`` times (a ZIP bomb)."""
    lim = current()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            total = 0
            for info in z.infolist():
                total += info.file_size
                ratio = info.file_size / max(info.compress_size, 1)
                if total > lim.max_unzipped_bytes or (info.file_size > 2**20 and ratio > lim.max_ratio):
                    raise ReadError(
                        msg("read.zip_bomb", name=name, member=info.filename, size=_mib(info.file_size))
                    )
    except zipfile.BadZipFile as exc:
        raise ReadError(msg("read.docx_damaged", name=name, why=exc)) from None
