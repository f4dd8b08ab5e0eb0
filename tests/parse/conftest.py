"""Fixtures for the parse-engine tests: the shared corpora, read in place (never copied)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
CORPUS = SHARED / "corpus"


def gold_rows(corpus_set: str) -> list[dict]:
    path = CORPUS / corpus_set / "gold.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def corpus_text(corpus_set: str, name: str) -> str:
    return (CORPUS / corpus_set / name).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def score():
    """The project's scorer (../shared/eval/score.py), imported as a module."""
    spec = importlib.util.spec_from_file_location("score", SHARED / "eval" / "score.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader
    spec.loader.exec_module(mod)
    return mod
