"""Lay the metadata that came with a document (an edXML packet's MessageHeader, an e-office
export) over the record parsed from its text.

The metadata's values become the record's (``sources`` says ``metadata``, ``confidence`` 1.0);
where the text says something else, the document gets a ``metadata.mismatch`` problem at the
text's value. A value the text prints the same way (case and marks aside) keeps its span.
A ``ResponseFor`` becomes a citation with the relation ``responds``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from rapidfuzz import fuzz

from .cite import canonical_key
from .lexicon import pattern
from .lexicon.numbers import NUMBER_RE, from_match
from .messages import msg
from .model import Citation, Date, Document, Number, Problem, Signer, Text
from .normalize import fold

__all__ = ["apply"]

NOWHERE = (0, 0)  # the span of a value that is not printed in the text
_SUBJECT_LEAD = pattern("metadata.subject_lead")


def _same(a: str, b: str, fuzzy: int = 100) -> bool:
    fa, fb = (" ".join(fold(x).split()) for x in (a, b))
    return fa == fb if fuzzy >= 100 else fuzz.token_set_ratio(fa, fb) >= fuzzy


def _locate(text: str, value: str) -> tuple[int, int]:
    i = text.find(value)
    return (i, i + len(value)) if i >= 0 else NOWHERE


class _Merge:
    """The record being merged: the fields set and the problems found."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.changes: dict[str, object] = {}
        self.sources: list[tuple[str, str]] = []
        self.problems: list[Problem] = []

    def mismatch(
        self, what: str, meta: str, text: str, span: tuple[int, int], severity: str = "warning"
    ) -> None:
        self.problems.append(
            Problem(
                "metadata.mismatch",
                severity,
                msg("edxml.mismatch", what=msg(f"edxml.field.{what}"), meta=meta, text=text),
                span,
                meta,
            )
        )

    def text_field(self, name: str, value: str | None, what: str | None = None, fuzzy: int = 100) -> None:
        """Set a ``Text`` field; ``what`` names it in a mismatch problem (none: no check)."""
        if not value:
            return
        old: Text | None = getattr(self.doc, name)
        self.sources.append((name, "metadata"))
        if old is not None and _same(_SUBJECT_LEAD.sub("", old.value), _SUBJECT_LEAD.sub("", value), fuzzy):
            return
        if old is not None and what:
            self.mismatch(what, value, old.value, old.span, "warning" if fuzzy >= 100 else "info")
        self.changes[name] = Text(value, old.span if old else _locate(self.doc.text, value))

    def number(self, value: str | None) -> None:
        if not value:
            return
        value = re.sub(r"\s+", "", value)
        old = self.doc.number
        self.sources.append(("number", "metadata"))
        if old is not None and _same(old.value, value):
            return
        if old is not None:
            self.mismatch("number", value, old.value, old.span)
        span = old.span if old else _locate(self.doc.text, value)
        m = NUMBER_RE.fullmatch(value)
        if m:
            p = from_match(m)
            self.changes["number"] = Number(value, span, p.seq, p.year, p.type_abbr, p.symbols)
        else:
            self.changes["number"] = Number(value, span)

    def date(self, value: str | None) -> None:
        if not value:
            return
        day = dt.date.fromisoformat(value)
        old = self.doc.date
        self.sources.append(("date", "metadata"))
        if old is not None and old.value == day:
            return
        if old is not None:
            self.mismatch("date", day.strftime("%d/%m/%Y"), old.value.strftime("%d/%m/%Y"), old.span)
        self.changes["date"] = Date(
            day, old.text if old else day.strftime("%d/%m/%Y"), old.span if old else NOWHERE
        )

    def signer(self, name: str | None, title: str | None, authority: str | None) -> None:
        old = self.doc.signer
        if not (name or title):
            return
        new_name = old.name if old else None
        if name:
            self.sources.append(("signer.name", "metadata"))
            if old is None or old.name is None or not _same(old.name.value, name):
                if old is not None and old.name is not None:
                    self.mismatch("signer", name, old.name.value, old.name.span)
                new_name = Text(name, old.name.span if old and old.name else _locate(self.doc.text, name))
        new_title = old.title if old else None
        if title:
            self.sources.append(("signer.title", "metadata"))
        if title and (new_title is None or not _same(new_title.value, title)):
            new_title = Text(title, new_title.span if new_title else _locate(self.doc.text, title))
        self.changes["signer"] = Signer(
            authority=(old.authority if old else None) or authority,
            markers=old.markers if old else (),
            title=new_title,
            name=new_name,
            span=old.span if old else NOWHERE,
        )

    def responds(self, refs: str | None) -> None:
        """Each ``ResponseFor`` (``number|date`` lines) as a ``responds`` citation."""
        cites = list(self.doc.citations)
        known = {re.sub(r"\s+", "", c.number or "").upper() for c in cites}
        for line in (refs or "").splitlines():
            number, _, day = line.partition("|")
            if not number or number.upper() in known:
                continue
            date = dt.date.fromisoformat(day) if day else None
            cites.append(
                Citation(
                    number, None, date, None, None, "responds", canonical_key(number, None, date), NOWHERE
                )
            )
        if len(cites) != len(self.doc.citations):
            self.changes["citations"] = tuple(cites)


def apply(doc: Document, meta: dict[str, str]) -> Document:
    """``doc`` with the values of ``meta`` (``Packet.meta()``) and the problems where they differ."""
    if not meta:
        return doc
    m = _Merge(doc)
    m.number(meta.get("number"))
    m.date(meta.get("date"))
    m.text_field("doc_type", meta.get("doc_type"), "doc_type")
    m.text_field("subject", meta.get("subject"))
    m.text_field("issuer", meta.get("issuer"), "issuer", fuzzy=85)
    m.text_field("issuer_parent", meta.get("issuer_parent"))
    m.text_field("place", meta.get("place"))
    m.text_field("urgency", meta.get("urgency"))
    m.signer(meta.get("signer.name"), meta.get("signer.title"), meta.get("signer.authority"))
    m.responds(meta.get("response_for"))
    problems = doc.problems
    if doc.number is None and doc.date is None and any(p.rule == "input.empty" for p in problems):
        problems = tuple(p for p in problems if p.rule != "input.empty")  # the metadata is the record
    return replace(
        doc,
        **m.changes,  # type: ignore[arg-type]
        problems=problems + tuple(m.problems),
        meta=tuple(sorted(meta.items())),
        sources={**doc.sources, **dict(m.sources)},
        confidence={**doc.confidence, **{f: 1.0 for f, _ in m.sources}},
    )
