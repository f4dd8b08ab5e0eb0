"""Shared helpers: real corpus documents, read in place (never copied into the project)."""

from __future__ import annotations

from pathlib import Path

import pytest

CORPUS = Path(__file__).parents[2] / ".." / "shared" / "corpus"


def read_corpus(rel: str) -> str:
    """The text of a corpus file (the test is skipped when the corpus is absent)."""
    path = CORPUS / rel
    if not path.is_file():
        pytest.skip(f"corpus file {rel} not available")
    return path.read_text(encoding="utf-8")


@pytest.fixture
def corpus_text():
    return read_corpus
