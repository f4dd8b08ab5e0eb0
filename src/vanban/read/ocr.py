"""OCR with Tesseract (``vie``): page images to text, header columns kept apart.

Each page is one ``tesseract`` process (single-threaded), so pages run in parallel, one per
core; at most a few page images are held in memory at a time, whatever the page count.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache

from PIL import Image, ImageSequence

from ..errors import MissingToolError, ReadError
from ..lexicon.marks import restore_marks, restore_read_marks
from ..messages import msg as message  # (``msg`` names Tesseract's output below)
from ..rules import table
from . import limits
from .base import Extracted, Reading
from .encoding import nfc
from .layout import Seg, arrange, split_line
from .scan import Word, color_separate, read_signature, read_zones, skew_angle

__all__ = ["PageText", "check_tesseract", "clean_line", "ocr_images", "read_image", "workers"]

_APT = "apt-get install tesseract-ocr tesseract-ocr-vie"
_ROTATE = re.compile(r"Rotate:\s*(\d+)")
_SPECK = re.compile(r"^[.,`'‘’“”~|]{1,2}\s+(?=\w)")


@dataclass(frozen=True)
class PageText:
    """The OCR result of one page: its lines, mean word confidence, what was noted, and the
    zones read again on their own (the number and date of a first page)."""

    lines: tuple[str, ...]
    confidence: float
    rotated: int = 0
    readings: tuple[Reading, ...] = ()


def _cfg() -> dict:
    return table("read")["ocr"]


@cache
def check_tesseract() -> str:
    """The path of ``tesseract``; ``MissingToolError`` naming the package if it or ``vie`` is missing."""
    exe = shutil.which("tesseract")
    if not exe:
        raise MissingToolError(f"OCR needs Tesseract, which is not installed: {_APT}")
    try:
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise MissingToolError(f"Tesseract does not run ({exc}): reinstall it with {_APT}") from None
    need = _cfg()["lang"]
    if need not in langs.split():
        raise MissingToolError(f"Tesseract has no Vietnamese language pack ({need}): {_APT}")
    return exe


def workers() -> int:
    """Parallel OCR processes: one per core (``VANBAN_OCR_JOBS`` overrides)."""
    env = os.environ.get("VANBAN_OCR_JOBS", "")
    return max(1, int(env)) if env.isdigit() else max(1, os.cpu_count() or 1)


def _tesseract(img: bytes, args: list[str]) -> str:
    exe = check_tesseract()
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    try:
        # a PGM file, not stdin: Leptonica reads PNM from a file fastest and from a pipe slowest
        with tempfile.NamedTemporaryFile(suffix=".pgm", prefix="vanban-ocr-") as fh:
            fh.write(img)
            fh.flush()
            res = subprocess.run(
                [exe, fh.name, "stdout", *args],
                capture_output=True,
                timeout=limits.page_seconds(),
                env=env,
            )
    except subprocess.TimeoutExpired:
        raise ReadError(message("read.ocr_timeout", limit=f"{limits.page_seconds():g}")) from None
    if res.returncode != 0:
        msg = res.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ReadError(f"Tesseract failed on a page: {msg[-1] if msg else res.returncode}")
    return res.stdout.decode("utf-8", "replace")


def ocr_batch(images: Sequence[Image.Image], args: Sequence[str]) -> list[str]:
    """OCR several small images (zone crops) in one Tesseract run: the model loads once.
    One text per image, in order."""
    exe = check_tesseract()
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    with tempfile.TemporaryDirectory(prefix="vanban-zones-") as tmp:
        paths = []
        for k, im in enumerate(images):
            path = os.path.join(tmp, f"{k}.pgm")
            with open(path, "wb") as fh:
                fh.write(_encode(im))
            paths.append(path)
        listing = os.path.join(tmp, "list.txt")
        with open(listing, "w") as fh:
            fh.write("\n".join(paths) + "\n")
        try:
            res = subprocess.run(
                [exe, listing, "stdout", *args], capture_output=True, timeout=limits.page_seconds(), env=env
            )
        except subprocess.TimeoutExpired:
            raise ReadError(message("read.ocr_timeout", limit=f"{limits.page_seconds():g}")) from None
    texts = res.stdout.decode("utf-8", "replace").split("\f")
    return [texts[k] if k < len(texts) else "" for k in range(len(images))]


def _encode(im: Image.Image) -> bytes:
    """The page as an uncompressed grayscale PGM. Tesseract works in grayscale anyway; measured
    per 300-dpi A4 page it OCRs a PGM file in 1.75 s, against 2.1 s for the colour PNG file and
    3.2 s for a colour PPM piped on stdin."""
    if im.mode != "L":
        im = im.convert("L")
    buf = io.BytesIO()
    im.save(buf, format="PPM")
    return buf.getvalue()


def _parse_tsv(tsv: str) -> tuple[list[Seg], float, list[Word]]:
    lines: dict[tuple[str, ...], list[tuple[str, float, float, float, float]]] = {}
    confs: list[float] = []
    words: list[Word] = []
    for row in tsv.splitlines()[1:]:
        f = row.split("\t")
        if len(f) < 12 or f[0] != "5" or not f[11].strip():
            continue
        x, y, w, h = (float(v) for v in f[6:10])
        confs.append(float(f[10]))
        key = tuple(f[1:5])
        lines.setdefault(key, []).append((f[11] + " ", x, y, x + w, y + h))
        words.append(Word(nfc(f[11]), (int(x), int(y), int(x + w), int(y + h)), float(f[10]), key))
    gap = table("read")["pdf"]["column_gap"]
    segs = [s for pieces in lines.values() for s in split_line(pieces, gap)]
    return segs, (sum(confs) / len(confs) if confs else 0.0), words


def _ocr_one(im: Image.Image, dpi: int, page_no: int = 1, first: bool = True) -> PageText:
    """OCR page ``page_no`` (seal red and pen blue taken off first); a page with poor
    confidence is checked for rotation (OSD) and redone. Then the zones are read again on
    their own: the number and date of a ``first`` page (on the page with the pen's ink kept: a
    văn thư writes them in blue), the signature block of any page."""
    cfg = _cfg()
    colour = im.mode not in ("1", "L", "LA", "I", "I;16", "F")
    pen = color_separate(im, pen=True) if colour and first else None
    im = color_separate(im)
    redo: list[Callable[[Image.Image], Image.Image]] = []  # what the page went through, for the pen layer
    if dpi < cfg["min_dpi"]:  # Tesseract reads small print far better enlarged to ~300 dpi
        f = limits.fit_scale(im.width, im.height, min(cfg["dpi"] / dpi, 3.0))
        size = (round(im.width * f), round(im.height * f))
        redo.append(lambda x: x.resize(size, Image.Resampling.LANCZOS))
        im, dpi = redo[-1](im), round(dpi * f)
    data = _encode(im)
    base = ["-l", cfg["lang"], "--dpi", str(dpi), "--psm", "3"]
    segs, conf, words = _parse_tsv(_tesseract(data, [*base, "tsv"]))
    rotated = 0
    if conf < cfg["min_confidence"] or len(segs) < 3:
        try:
            osd = _tesseract(data, ["-l", "osd", "--dpi", str(dpi), "--psm", "0"])
        except ReadError:  # too little text to tell the orientation
            osd = ""
        m = _ROTATE.search(osd)
        if m and int(m.group(1)) % 360:
            rotated = int(m.group(1))
            turned = im.rotate(-rotated, expand=True)
            segs2, conf2, words2 = _parse_tsv(_tesseract(_encode(turned), [*base, "tsv"]))
            if conf2 > conf:
                segs, conf, words, im = segs2, conf2, words2, turned
                redo.append(lambda x: x.rotate(-rotated, expand=True))
            else:
                rotated = 0
    if not rotated and conf < table("read")["scan"]["deskew_below"]:
        segs, conf, words, im, angle = _deskewed(im, dpi, base, segs, conf, words)
        if angle:
            redo.append(
                lambda x: x.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
            )
    lines = tuple(x for x in (clean_line(nfc(line)) for line in arrange(segs)) if x)
    if lines:  # chỉ phí → chi phí; đầu tranh phòng, chống → đấu tranh
        lines = tuple(restore_read_marks(restore_marks("\n".join(lines))[0], bare=False)[0].split("\n"))
    readings: list[Reading] = []
    if first:
        for op in redo if pen is not None else ():
            pen = op(pen)
        readings = read_zones(im if pen is None else pen, words, page_no, dpi, ocr_batch)
    sig = read_signature(im, words, page_no, dpi, ocr_batch)
    return PageText(lines, conf, rotated, (*readings, *([sig] if sig else [])))


def _deskewed(
    im: Image.Image, dpi: int, base: list[str], segs: list[Seg], conf: float, words: list[Word]
) -> tuple[list[Seg], float, list[Word], Image.Image, float]:
    """The page straightened and read again when it is skewed; the better reading is kept
    (with the angle it was turned by, 0 when it was not)."""
    angle = skew_angle(im)
    if abs(angle) < table("read")["scan"]["skew_min_degrees"]:
        return segs, conf, words, im, 0.0
    level = im.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    segs2, conf2, words2 = _parse_tsv(_tesseract(_encode(level), [*base, "tsv"]))
    if conf2 > conf:
        return segs2, conf2, words2, level, angle
    return segs, conf, words, im, 0.0


def clean_line(line: str) -> str:
    """Drop scanner specks Tesseract reads as punctuation: lines of 1-3 such marks, and one
    leading before a word (list dashes stay); a character misread between words put right."""
    line = line.strip()
    if len(line) <= 3 and not any(c.isalnum() for c in line):
        return ""
    for read, printed in table("read")["ocr"]["between_words"].items():
        line = line.replace(f" {read} ", f" {printed} ")
    return _SPECK.sub("", line)


def ocr_images(
    images: Iterable[tuple[Image.Image, int]], jobs: int | None = None, first_page: int = 1
) -> Iterator[PageText]:
    """OCR (image, dpi) pairs in parallel, yielding results in input order; at most a few
    images wait in memory at once. The image numbered ``first_page`` (1-based, 0 for none)
    is a document's first page: its zones are read too."""
    check_tesseract()
    n = jobs or workers()
    pending: deque[Future[PageText]] = deque()
    with ThreadPoolExecutor(max_workers=n) as pool:
        for no, (im, dpi) in enumerate(images, 1):
            pending.append(pool.submit(_ocr_one, im, dpi, no, no == first_page))
            while len(pending) > n:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _dpi(im: Image.Image) -> int:
    """The image's resolution; when it has none, assume the page is A4 (short side 8.27 in)."""
    dpi = im.info.get("dpi")
    if dpi and dpi[0] and dpi[0] >= 70:
        return round(float(dpi[0]))
    return max(70, min(600, int(min(im.size) / 8.27)))


def read_image(data: bytes, name: str) -> Extracted:
    """OCR an image file (PNG, JPEG, TIFF with any number of pages, GIF, BMP, WebP)."""
    check_tesseract()
    try:
        im = Image.open(io.BytesIO(data))
        limits.check_image(im, name)
        im.load()
    except Image.DecompressionBombError:
        raise ReadError(f"{name}: the image is too large to be a page scan") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise ReadError(f"{name}: damaged or unreadable image ({exc})") from None

    def frames() -> Iterator[tuple[Image.Image, int]]:
        for frame in ImageSequence.Iterator(im):
            yield frame.copy(), _dpi(frame)

    return from_pages(ocr_images(frames()), "ocr", name)


def from_pages(pages: Iterable[PageText], kind: str, name: str) -> Extracted:
    """Join OCR'd pages into one ``Extracted`` with page offsets and notes."""
    parts: list[str] = []
    starts: list[int] = []
    problems: list[str] = []
    readings: list[Reading] = []
    pos = 0
    for no, page in enumerate(pages, 1):
        starts.append(pos)
        readings += page.readings
        text = "\n".join(page.lines)
        if page.rotated:
            problems.append(f"trang {no}: ảnh bị xoay, đã xoay {page.rotated}° trước khi nhận dạng")
        if not text.strip():
            problems.append(f"trang {no}: không nhận ra chữ nào (trang trắng hoặc không có chữ)")
        parts.append(text + "\n")
        pos += len(parts[-1])
    if not starts:
        raise ReadError(f"{name}: the image has no pages")
    meta = {"ocr_pages": str(len(starts))}
    return Extracted("".join(parts), kind, tuple(starts), tuple(problems), meta, tuple(readings))
