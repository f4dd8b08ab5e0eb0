"""Resource limits of the readers: a huge page, thousands of pages, a huge or noisy image, a
ZIP bomb — each a clear error (or a bounded time), in a few seconds and well under 1 GB."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PIL import Image

from vanban.errors import ReadError, VanbanError
from vanban.read import read_bytes

from .conftest import make_pdf, needs_tesseract

# Reads one file in a process of its own and prints what happened, the time and the peak memory.
_PROBE = textwrap.dedent(
    """
    import json, resource, sys, time
    from vanban.read import read_bytes
    data = open(sys.argv[1], "rb").read()
    t0 = time.monotonic()
    try:
        ex = read_bytes(data, "probe")
        out = {"ok": True, "text": ex.text[:200]}
    except Exception as exc:
        out = {"ok": False, "type": type(exc).__name__, "error": str(exc)}
    out["seconds"] = time.monotonic() - t0
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))
    """
)


def probe(tmp_path: Path, data: bytes, timeout: float, **env: str) -> dict:
    """Read ``data`` in a child process; fail the test if it runs past ``timeout`` seconds."""
    path = tmp_path / "probe.bin"
    path.write_bytes(data)
    try:
        r = subprocess.run(
            [sys.executable, "-c", _PROBE, str(path)],
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, **env},
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"reading ran past {timeout} s")
    assert r.returncode == 0, r.stderr[-2000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


def one_page_pdf(width_pt: int, height_pt: int) -> bytes:
    """A blank one-page PDF of the given size (a few hundred bytes)."""
    return (
        b"%%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 %d %d]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%%%EOF\n" % (width_pt, height_pt)
    )


def test_a_200_inch_page_is_a_clear_error_in_seconds_and_little_memory(tmp_path: Path) -> None:
    data = one_page_pdf(14400, 14400)  # 200 × 200 inches, the most PDF allows
    assert len(data) < 500
    out = probe(tmp_path, data, timeout=60)
    assert out["type"] == "ReadError" and "200 × 200 inch" in out["error"] and "quá khổ" in out["error"]
    assert out["seconds"] < 10 and out["rss_mb"] < 1024


def test_a_2000_page_blank_pdf_is_refused_at_once(tmp_path: Path) -> None:
    out = probe(tmp_path, make_pdf([[] for _ in range(2000)]), timeout=60)
    assert out["type"] == "ReadError" and "2000 trang" in out["error"] and "1000" in out["error"]
    assert out["seconds"] < 10


def test_pages_needing_ocr_are_limited(tmp_path: Path) -> None:
    out = probe(tmp_path, make_pdf([[] for _ in range(5)]), timeout=60, VANBAN_READ_MAX_OCR_PAGES="3")
    assert out["type"] == "ReadError" and "5 trang cần nhận dạng chữ" in out["error"]


def _png(im: Image.Image) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    return buf.getvalue()


def test_an_image_of_too_many_pixels_is_refused_before_decoding(tmp_path: Path) -> None:
    data = _png(Image.new("1", (12000, 12000), 1))  # 144 megapixels in a small file
    assert len(data) < 1_000_000
    out = probe(tmp_path, data, timeout=60)
    assert out["type"] in ("ReadError", "MissingToolError")
    if out["type"] == "ReadError":
        assert "144 triệu" in out["error"]
    assert out["seconds"] < 10 and out["rss_mb"] < 1024


@needs_tesseract
def test_a_noise_image_stops_at_the_time_per_page(tmp_path: Path) -> None:
    noise = Image.frombytes("L", (1400, 1400), os.urandom(1400 * 1400))
    data = _png(noise)
    assert len(data) > 1_900_000
    out = probe(tmp_path, data, timeout=60, VANBAN_READ_PAGE_SECONDS="1")
    # Tesseract takes several seconds on this page: it is stopped at the time per page
    assert not out["ok"] and "OCR" in out["error"] and "1 giây" in out["error"]
    assert out["seconds"] < 15  # the page's OCR and its orientation check, each stopped at 1 s


def test_a_page_with_too_much_text_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VANBAN_READ_MAX_PAGE_CHARS", "50")
    with pytest.raises(ReadError, match=r"trang 1 có .* ký tự"):
        read_bytes(make_pdf([["Quyet dinh so 15 cua Uy ban nhan dan thanh pho Ha Noi"] * 3]), "dense.pdf")


def test_each_limit_is_a_setting_overridable_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from vanban.read import limits

    base = limits.current()
    assert base.max_pages == 1000 and base.page_seconds == 60
    monkeypatch.setenv("VANBAN_READ_MAX_PAGES", "2")
    monkeypatch.setenv("VANBAN_READ_PAGE_SECONDS", "2.5")
    assert limits.current().max_pages == 2 and limits.current().page_seconds == 2.5
    with pytest.raises(ReadError, match="3 trang, quá giới hạn 2 trang"):
        read_bytes(make_pdf([["a"], ["b"], ["c"]]), "three.pdf")
    monkeypatch.setenv("VANBAN_READ_MAX_PIXELS", "many")
    with pytest.raises(VanbanError, match="VANBAN_READ_MAX_PIXELS=many"):
        limits.current()


def test_a_big_page_is_rendered_for_ocr_within_the_pixel_limit() -> None:
    from vanban.read import limits

    most = limits.current().max_pixels
    a4 = limits.fit_scale(595, 842, 300 / 72)
    assert a4 == 300 / 72  # an ordinary page keeps its resolution
    a0 = limits.fit_scale(2384, 3370, 300 / 72)
    assert a0 < 300 / 72 and 2384 * 3370 * a0 * a0 <= most * 1.0001


def test_a_file_larger_than_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VANBAN_READ_MAX_FILE_BYTES", "1000")
    with pytest.raises(ReadError, match="quá giới hạn"):
        read_bytes(b"x" * 2000, "big.txt")
