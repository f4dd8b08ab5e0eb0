"""Nội dung: the body's numbered parts (Phần, Chương, Mục, Điều, I., 1., a)) and their headings;
the grammar is ``body.section`` of ``data/lexicon/grammar.toml``."""

from __future__ import annotations

from dataclasses import dataclass

from . import pattern

SECTION = pattern("body.section")


def level_of(label: str) -> int:
    """Depth of a section label: Phần/Chương 1, Mục 2, Điều/I. 3, 1. 4, 1.1. 5, a) 6."""
    if label[:4] in ("Phần", "PHẦN") or label[:6] in ("Chương", "CHƯƠNG"):
        return 1
    if label[:3] in ("Mục", "MỤC"):
        return 2
    if label.startswith("Điều") or (label.endswith(".") and label[0] in "IVXLC" and not label[0].isdigit()):
        return 3
    if label.endswith(")"):
        return 6
    return 4 + label.rstrip(".").count(".")


@dataclass(frozen=True)
class Heading:
    """A numbered line: its label ("Điều 3.", "2.", "a)"), the words after it, its span in the
    text and its depth (``level_of``)."""

    label: str
    heading: str
    start: int
    end: int
    level: int


def sections(t: str, start: int, end: int) -> list[Heading]:
    """Every numbered line in ``t[start:end]``."""
    out = []
    for m in SECTION.finditer(t, start, end):
        label = m.group("label").strip()
        if label.isdigit():  # "2025 …" or a bare count is not a label
            continue
        heading = m.group("heading").strip(" *")
        s = m.start("label")
        out.append(Heading(label, heading, s, m.end(), level_of(label)))
    return out
