"""Fixtures of the review tests: scans parsed without OCR (``fake_scans``), the drawn scan, an archive."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from review_helpers import SEED, scan_pdf, scan_record

from vanban.store import Archive
from vanban.store import ingest as archive

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # vbweb_helpers


@pytest.fixture
def fake_scans(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ``*.pdf`` added parses to ``scan_record`` of the seed (no OCR); a reparse too."""
    real = archive.parse_bytes
    text = SEED.read_text(encoding="utf-8")

    def parse(data: bytes, name: str) -> archive.Parsed:
        if not name.endswith(".pdf"):
            return real(data, name)
        return archive.Parsed(json.loads(json.dumps(scan_record(text))), text, None)

    monkeypatch.setattr(archive, "parse_bytes", parse)


@pytest.fixture
def scan(tmp_path: Path) -> Path:
    """The drawn scan, as a file to add."""
    p = tmp_path / "in" / "ub-3580.pdf"
    p.parent.mkdir()
    p.write_bytes(scan_pdf())
    return p


@pytest.fixture
def arc(tmp_path: Path) -> Iterator[Archive]:
    a = Archive.open(tmp_path / "home")
    yield a
    a.close()


@pytest.fixture
def app(arc: Archive, scan: Path, fake_scans: None):  # type: ignore[no-untyped-def]
    """The web app with the demo accounts and the drawn scan added (document #1)."""
    from vbweb_helpers import PASSWORDS, TODAY

    from vanban.web import WebConfig, create_app
    from vanban.web.demo import setup

    setup(arc, [scan], PASSWORDS)
    return create_app(WebConfig(home=arc.home, today=lambda: TODAY), arc)
