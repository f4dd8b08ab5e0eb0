"""Paths the tracking tests share: the corpus documents of the issue's scenario and fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
SEED_3241 = CORPUS / "seeds" / "002_852c67c28b4a1981.txt"
SEED_1138 = CORPUS / "seeds" / "000_ca0004599b82fec2.txt"
CT21 = CORPUS / "pdf" / "chi-thi-so-21-ct-ttg-469580.pdf"
FIXTURES = Path(__file__).parent / "fixtures"
REPORT_DONE = FIXTURES / "bao_cao_stttt_2024.txt"
REPORT_INTERIM = FIXTURES / "bao_cao_sovhtt_tien_do.txt"


def need(*paths: Path) -> None:
    """Skip unless the corpus files exist."""
    for p in paths:
        if not p.exists():
            pytest.skip(f"corpus file missing: {p}")
