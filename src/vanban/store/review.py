"""The văn thư's review of the key fields (cần kiểm tra): corrections that stick.

``vanban.assess`` gives each key field of a record a confidence; a value below the review
threshold (``review`` in ``data/assess.toml``), or missing where one is expected, is *pending*:
the document is "cần kiểm tra" until a văn thư confirms or corrects it. Each decision is a row
of ``field_corrections`` (the value, who, when, the value and confidence proposed before); the
newest per field wins. ``apply`` lays them over a record — value set, confidence 1.0, source
``confirmed`` — and the archive does so whenever it writes a record (add of a new version,
``reparse``), so a correction is never overwritten and every reader of the stored record (the
document page, search columns and facets, ``vanban show``, export) sees the corrected value.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..messages import msg
from ..rules import table
from .db import Base

CONFIRMED = "confirmed"  # the source of a value a văn thư confirmed or corrected
MAX_CHARS = {"number": 200, "doc_type": 200, "signer.name": 200, "issuer": 500, "subject": 2000}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class FieldCorrection(Base):
    """One decision on one field of a document: the value confirmed (the proposal) or corrected."""

    __tablename__ = "field_corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(Text)
    proposed: Mapped[str | None] = mapped_column(Text)  # the value shown before the decision
    confidence: Mapped[float | None] = mapped_column(Float)  # and its confidence
    source: Mapped[str | None] = mapped_column(String(40))  # and where it came from
    # users.id (the migration's foreign key; not declared here: the store does not import track)
    user_id: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)

    @property
    def corrected(self) -> bool:
        """Whether the value differs from the proposal (a correction, not a confirmation)."""
        return self.value != self.proposed


@cache
def _cfg() -> dict[str, Any]:
    return table("review")


def threshold() -> float:
    """Below this confidence a value is shown for review (``review`` in ``assess.toml``)."""
    return float(table("assess")["review"])


def fields() -> list[str]:
    """The fields a văn thư may confirm or correct, in the form's order."""
    return list(_cfg()["fields"])


def crop_settings() -> dict[str, Any]:
    """Padding and sizes of the page-image crops (``[crop]`` in ``review.toml``)."""
    return dict(_cfg()["crop"])


def value_of(rec: dict[str, Any], field: str) -> str | None:
    """The record's value of ``field`` (``signer.name`` inside ``signer``)."""
    if field == "signer.name":
        return (rec.get("signer") or {}).get("name")
    v = rec.get(field)
    return v if isinstance(v, str) and v else None


def is_scan(rec: dict[str, Any]) -> bool:
    """Whether the record was read from page images (OCR): zones read, or OCR sources."""
    srcs = set((rec.get("sources") or {}).values())
    return bool(rec.get("evidence")) or bool({"ocr", "zone"} & srcs)


def pending(rec: dict[str, Any] | None) -> list[str]:
    """The assessed fields of ``rec`` a văn thư must still check: below the threshold, or
    missing where a value is expected; never a confirmed one. A record from before the
    assessment (no ``confidence``) has none."""
    if not rec or "confidence" not in rec:
        return []
    conf, srcs = rec.get("confidence") or {}, rec.get("sources") or {}
    expected = _cfg()["expected_scan" if is_scan(rec) else "expected"]
    out = []
    for f in _cfg()["assessed"]:
        if srcs.get(f) == CONFIRMED:
            continue
        if value_of(rec, f) is None:
            if f in expected:
                out.append(f)
        elif float(conf.get(f, 0.0)) < threshold():
            out.append(f)
    return out


def held(rec: dict[str, Any] | None) -> set[str]:
    """The pending fields whose proposal was read from page images or metadata rather than a
    text layer: the archive keeps them out of the columns filters and facets count (type,
    issuer, year) until a văn thư confirms them; the record keeps the proposal."""
    srcs = (rec or {}).get("sources") or {}
    return {f for f in pending(rec) if srcs.get(f) not in (None, "text")}


def parse_value(field: str, raw: Any) -> str:
    """A submitted value, cleaned (a date as ISO); ``ValueError`` with a Vietnamese message."""
    if field not in fields():
        raise ValueError(msg("review.error.unknown_field", field=field, fields=", ".join(fields())))
    name = msg(f"review.field.{field}")
    text = " ".join(str(raw if raw is not None else "").split())
    if not text:
        raise ValueError(msg("review.error.empty", field=name))
    if field == "date":
        return _date(text).isoformat()
    n = MAX_CHARS[field]
    if len(text) > n:
        raise ValueError(msg("review.error.too_long", field=name, n=n))
    return text


def _date(text: str) -> dt.date:
    m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
    try:
        if m:
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(msg("review.error.bad_date", value=text)) from None


def apply(rec: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """A copy of ``rec`` with ``values`` (field → value) set, confidence 1.0, source confirmed."""
    out = copy.deepcopy(rec)
    conf, srcs = dict(out.get("confidence") or {}), dict(out.get("sources") or {})
    for f, v in values.items():
        if f == "signer.name":
            out["signer"] = {
                "authority": None,
                "markers": [],
                "title": None,
                **(out.get("signer") or {}),
                "name": v,
            }
        else:
            out[f] = v
        if f == "number":
            out["number_parts"] = _number_parts(v)
        conf[f], srcs[f] = 1.0, CONFIRMED
    out["confidence"], out["sources"] = conf, srcs
    return out


def _number_parts(value: str) -> dict[str, Any] | None:
    from ..lexicon.numbers import NUMBER_RE, from_match

    m = NUMBER_RE.fullmatch(value)
    if not m:
        return None
    p = from_match(m)
    return {"seq": p.seq, "year": p.year, "type_abbr": p.type_abbr, "symbols": list(p.symbols)}


def latest(s: Session, doc_id: int) -> dict[str, str]:
    """The value each corrected field of ``doc_id`` stands at (the newest decision per field)."""
    rows = s.execute(
        select(FieldCorrection.field, FieldCorrection.value)
        .where(FieldCorrection.document_id == doc_id)
        .order_by(FieldCorrection.id)
    )
    return dict(rows.all())


def history(s: Session, doc_id: int) -> list[FieldCorrection]:
    """Every decision on ``doc_id``, newest first."""
    q = select(FieldCorrection).where(FieldCorrection.document_id == doc_id)
    return list(s.scalars(q.order_by(FieldCorrection.id.desc())))


@dataclass(frozen=True)
class Decision:
    """One field decided: the proposal it replaced and the value it stands at."""

    field: str
    proposed: str | None
    confidence: float | None
    source: str | None
    value: str

    @property
    def corrected(self) -> bool:
        """Whether the value differs from the proposal."""
        return self.value != self.proposed


def decide(rec: dict[str, Any], values: dict[str, Any]) -> list[Decision]:
    """The decisions ``values`` (field → submitted value) make on ``rec``, validated
    (``ValueError`` for the first bad one). A value equal to the current one confirms it, and
    counts only if it was not confirmed already."""
    conf, srcs = rec.get("confidence") or {}, rec.get("sources") or {}
    out = []
    for f, raw in values.items():
        v = parse_value(f, raw)
        before = value_of(rec, f)
        if before is not None and v == " ".join(before.split()):
            v = before  # the proposal as it stands (line breaks kept): a confirmation
            if srcs.get(f) == CONFIRMED:
                continue
        c = conf.get(f)
        out.append(Decision(f, before, float(c) if c is not None else None, srcs.get(f), v))
    return out


def record(s: Session, doc_id: int, decisions: list[Decision], user_id: int | None) -> None:
    """Store ``decisions`` on ``doc_id`` (in the caller's transaction)."""
    now = _now()
    for d in decisions:
        s.add(
            FieldCorrection(
                document_id=doc_id,
                field=d.field,
                value=d.value,
                proposed=d.proposed,
                confidence=d.confidence,
                source=d.source,
                user_id=user_id,
                at=now,
            )
        )
    s.flush()
