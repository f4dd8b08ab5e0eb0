"""The văn thư's review of a document's key fields (issue 18): the "cần kiểm tra" mark, the
review form on the document page with the page-image crop of each field, the queue of
documents to check, and the same over the REST API.

Pages: ``POST /documents/{id}/fields`` (the one-step form), ``GET /documents/{id}/fields/crop/
{field}.png`` (the crop, rendered from the stored original and cached), ``GET /review/fields``
(the queue). API: ``GET``/``POST /api/v1/documents/{id}/review``. The templates call
``field_review(doc, me)`` and ``review_flags(request, hits)`` (Jinja globals set by ``install``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from ..messages import msg
from ..model import Document, Reading
from ..rules import table
from ..store import archive as store_archive
from ..store import review
from ..store.models import DocumentRow, OriginalRow
from ..track import audit
from ..track.models import User
from ..track.roles import Action
from . import api, pages
from . import services as sv
from .deps import db
from .security import Principal, check_csrf

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1", tags=["vanban"])
DB = Annotated[Session, Depends(db)]
QUEUE_PAGE = 50
DEFAULT_DPI = 150  # a crop of a page read without zones
IMAGES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".gif"}


# --- what the page and the API show -----------------------------------------------------------


def _pct(c: float | None) -> str:
    return f"{round(c * 100)} %" if c is not None else msg("review.change.no_confidence")


def source_label(source: str | None) -> str:
    """``zone`` → ``vùng ảnh đọc riêng``; an unknown source as it is."""
    if not source:
        return "—"
    key = f"review.source.{source}"
    from ..messages import catalogue

    return msg(key) if key in catalogue() else msg("review.source.other", source=source)


def shown(field: str, value: str | None) -> str:
    """A value as people read it (a date dd/mm/yyyy)."""
    if value is None:
        return ""
    if field == "date":
        try:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return value


def _evidence(doc: Document, field: str) -> list[Reading]:
    prefix = {"number": "number.", "date": "date.", "signer.name": "signer.name"}.get(field)
    if prefix is None:
        return []
    return [r for r in doc.readings if r.field.startswith(prefix)]


def crop_region(rec: dict[str, Any], field: str) -> tuple[int, tuple[int, int, int, int] | None, int] | None:
    """``(page, box, dpi)`` of a field's crop on a scan: its zone (a date's day, month and year
    together), or ``box`` None for the top of page 1 (a field read without a zone); None for a
    record not read from page images."""
    if not review.is_scan(rec):
        return None
    doc = Document.from_dict(rec)
    ev = _evidence(doc, field)
    if not ev:  # the top of page 1, at the resolution the zones were read at
        dpis = [r.dpi for r in doc.readings if r.dpi]
        return 1, None, dpis[0] if dpis else DEFAULT_DPI
    page, dpi = ev[0].page, ev[0].dpi
    boxes = [r.box for r in ev if r.page == page]
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    if field == "number":
        x1 += (x1 - x0) * review.crop_settings()["number_widen"]
    return page, (int(x0), int(y0), int(x1), int(y1)), dpi


def _passage(s: Session, doc_id: int, rec: dict[str, Any], field: str) -> Any:
    span = (rec.get("spans") or {}).get(field)
    if not span or len(span) != 2:
        return None
    return sv.passage(s, doc_id, span[0], span[1], context=120)


def field_rows(s: Session, doc: DocumentRow) -> list[dict[str, Any]]:
    """Each reviewable field: value, confidence, source, pending, evidence, crop or passage."""
    rec = doc.record or {}
    typed = Document.from_dict(rec) if rec else Document(text="")
    conf, srcs, todo = typed.confidence, typed.sources, set(review.pending(rec))
    out = []
    for f in review.fields():
        value = review.value_of(rec, f)
        c = conf.get(f)
        region = crop_region(rec, f)
        out.append(
            {
                "field": f,
                "label": msg(f"review.field.{f}"),
                "value": value,
                "shown": shown(f, value),
                "confidence": float(c) if c is not None else None,
                "confidence_pct": _pct(float(c)) if c is not None else "",
                "source": srcs.get(f),
                "source_label": source_label(srcs.get(f)),
                "pending": f in todo,
                "confirmed": srcs.get(f) == review.CONFIRMED,
                "evidence": [r.to_dict() for r in _evidence(typed, f)],
                "crop": f"/documents/{doc.id}/fields/crop/{f}.png" if region else None,
                "page": region[0] if region else None,
                "passage": None if region else _passage(s, doc.id, rec, f),
            }
        )
    return sorted(out, key=lambda r: not r["pending"])


def _local_time(at: dt.datetime | None) -> str:
    if at is None:
        return "—"
    if at.tzinfo is not None:
        hours = table("assess")["date"]["utc_offset_hours"]
        at = at.astimezone(dt.timezone(dt.timedelta(hours=hours)))
    return at.strftime("%d/%m/%Y %H:%M")


def signatures(doc: Document) -> list[dict[str, Any]]:
    """The PDF's digital signatures as the page shows them."""
    out = []
    for sg in doc.signatures:
        intact, trusted = sg.intact, sg.trusted
        out.append(
            {
                "signer": sg.signer or "—",
                "organization": " · ".join(x for x in (sg.organization, sg.unit) if x) or "—",
                "signed_at": _local_time(sg.signed_at),
                "intact": intact,
                "integrity": msg(
                    "review.signature."
                    + ("intact" if intact else "modified" if intact is False else "intact_unknown")
                ),
                "trusted": trusted,
                "trust": msg(
                    "review.signature."
                    + ("trusted" if trusted else "untrusted" if trusted is False else "unverified")
                ),
                "problems": list(sg.problems),
            }
        )
    return out


def decision_sentences(s: Session, doc_id: int) -> list[str]:
    """The decisions on a document, newest first, as sentences with before → after."""
    names = dict(s.execute(select(User.id, User.full_name)).all())
    out = []
    for c in review.history(s, doc_id):
        who = names.get(c.user_id) or msg("common.unknown")
        when = _local_time(c.at.replace(tzinfo=dt.UTC))
        label = msg(f"review.field.{c.field}") if c.field in review.fields() else c.field
        if c.corrected:
            text = msg(
                "review.change.correct",
                who=who,
                field=label.lower(),
                id=doc_id,
                before=shown(c.field, c.proposed) or msg("review.missing"),
                after=shown(c.field, c.value),
            )
        else:
            text = msg(
                "review.change.confirm",
                who=who,
                field=label.lower(),
                id=doc_id,
                value=shown(c.field, c.value),
                confidence=_pct(c.confidence),
            )
        out.append(f"{when} — {text}")
    return out


def view(doc: DocumentRow, me: Principal | None) -> dict[str, Any]:
    """What the document page's review section shows (a Jinja global: the page's session is
    the document's)."""
    s = object_session(doc)
    assert s is not None
    rec = doc.record or {}
    rows = field_rows(s, doc)
    return {
        "needs": doc.needs_review,
        "pending": [r for r in rows if r["pending"]],
        "rows": rows,
        "assessed": "confidence" in rec,
        "can_edit": bool(me and me.can(Action.ADD_DOCUMENT)) and doc.status == "ok",
        "threshold": round(review.threshold() * 100),
        "signatures": signatures(Document.from_dict(rec)) if rec else [],
        "history": decision_sentences(s, doc.id),
    }


def flags(request: Request, hits: list[Any]) -> dict[int, list[str]]:
    """For the hits of a list that are "cần kiểm tra": the labels of their unconfirmed fields."""
    ids = [h.id for h in hits]
    if not ids:
        return {}
    with sv.archive(request).Session() as s:
        rows = s.execute(
            select(DocumentRow.id, DocumentRow.record).where(
                DocumentRow.id.in_(ids), DocumentRow.needs_review.is_(True)
            )
        ).all()
    return {i: [msg(f"review.field.{f}") for f in review.pending(rec)] for i, rec in rows}


# --- deciding ---------------------------------------------------------------------------------


def _document(s: Session, doc_id: int) -> DocumentRow:
    d = s.get(DocumentRow, doc_id)
    if d is None or d.deleted_at is not None:
        raise HTTPException(404, "Không tìm thấy văn bản.")
    return d


def save(s: Session, doc: DocumentRow, values: dict[str, Any], user_id: int) -> list[review.Decision]:
    """Confirm or correct ``values`` (field → value) on ``doc`` in the caller's transaction:
    the decisions stored, the document rewritten with them, one audit entry (before → after).
    422 with the reason for a bad value."""
    if doc.status != "ok" or not doc.record:
        raise HTTPException(422, msg("review.error.failed"))
    try:
        decisions = review.decide(doc.record, values)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    if not decisions:
        return []
    review.record(s, doc.id, decisions, user_id)
    store_archive.refresh(s, doc.id)
    audit.log(
        s,
        user_id,
        "review",
        "document",
        doc.id,
        {d.field: d.proposed for d in decisions},
        {d.field: d.value for d in decisions},
    )
    s.flush()
    s.expire(doc)
    return decisions


def proposals(doc: DocumentRow) -> dict[str, str]:
    """The pending fields' proposed values (what "confirm all" accepts)."""
    rec = doc.record or {}
    return {f: v for f in review.pending(rec) if (v := review.value_of(rec, f)) is not None}


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


@router.post("/documents/{doc_id}/fields")
def review_form(
    s: DB, p: pages.Me, doc_id: int, form: Annotated[dict[str, str], Depends(_form)]
) -> RedirectResponse:
    check_csrf(p, form.get("csrf"))
    sv.require(p, Action.ADD_DOCUMENT)
    doc = _document(s, doc_id)
    rec = doc.record or {}
    if form.get("confirm_all"):
        values = proposals(doc)
    else:
        todo = set(review.pending(rec))
        values = {}
        for f in review.fields():
            v = " ".join(form.get(f"f.{f}", "").split())
            current = " ".join(shown(f, review.value_of(rec, f)).split())
            if v and (f in todo or v != current):
                values[f] = v
    save(s, doc, values, p.user.id)
    s.commit()
    return RedirectResponse(f"/documents/{doc_id}#field-review", status_code=303)


@router.get("/review/fields")
def queue(request: Request, s: DB, p: pages.Me, before: int | None = None) -> HTMLResponse:
    sv.require(p, Action.ADD_DOCUMENT)
    q = select(DocumentRow).where(DocumentRow.needs_review.is_(True), DocumentRow.deleted_at.is_(None))
    if before is not None:
        q = q.where(DocumentRow.id < before)
    docs = list(s.scalars(q.order_by(DocumentRow.id.desc()).limit(QUEUE_PAGE + 1)))
    more = len(docs) > QUEUE_PAGE
    docs = docs[:QUEUE_PAGE]
    rows = [(d, [msg(f"review.field.{f}") for f in review.pending(d.record)]) for d in docs]
    return pages.page(request, "field_queue.html", p, rows=rows, next=docs[-1].id if more and docs else None)


# --- the crop ---------------------------------------------------------------------------------


_PAGES: OrderedDict[tuple[str, int, int], Any] = OrderedDict()  # the last pages rendered
_PAGES_LOCK = threading.Lock()


def _page_image(data: bytes, page: int, dpi: int) -> Any:
    """Page ``page`` of a PDF as a PIL image at ``dpi``; the last few kept, since a page's
    crops are asked for together. One render at a time: pdfium is not thread-safe, and a
    page asked for twice at once is rendered once."""
    key = (hashlib.sha256(data).hexdigest(), page, dpi)
    with _PAGES_LOCK:
        if key in _PAGES:
            _PAGES.move_to_end(key)
            return _PAGES[key]
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(data)
        try:
            if not 1 <= page <= len(pdf):
                raise ValueError(f"page {page}")
            img = pdf[page - 1].render(scale=dpi / 72).to_pil()
        finally:
            pdf.close()
        _PAGES[key] = img
        while len(_PAGES) > 2:
            _PAGES.popitem(last=False)
        return img


def _render(data: bytes, name: str, page: int, box: tuple[int, int, int, int] | None, dpi: int) -> bytes:
    """The PNG of a zone of a page of the original (the top of page 1 without a box)."""
    from PIL import Image

    cfg = review.crop_settings()
    if Path(name).suffix.lower() in IMAGES:
        img = Image.open(io.BytesIO(data))
        img.seek(min(page - 1, getattr(img, "n_frames", 1) - 1))
        img = img.convert("RGB")
    else:
        img = _page_image(data, page, dpi)
    w, h = img.size
    if box is None:
        region = (0, 0, w, int(h * cfg["top_fraction"]))
    else:
        pad = int(cfg["pad"])
        region = (max(0, box[0] - pad), max(0, box[1] - pad), min(w, box[2] + pad), min(h, box[3] + pad))
    out = img.crop(region)
    if out.width > cfg["max_width"]:
        out = out.resize((cfg["max_width"], round(out.height * cfg["max_width"] / out.width)))
    buf = io.BytesIO()
    out.save(buf, "PNG", optimize=True)
    return buf.getvalue()


def _cache(path: Path, png: bytes) -> None:
    """Keep a rendered crop; two requests rendering the same crop at once must not collide."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as tmp:
            tmp.write(png)
        os.replace(tmp.name, path)
    except OSError:  # a full or read-only cache only costs a re-render next time
        return


@router.get("/documents/{doc_id}/fields/crop/{field}.png")
def crop(request: Request, s: DB, p: pages.Me, doc_id: int, field: str) -> Response:
    doc = _document(s, doc_id)
    rec = doc.record or {}
    region = crop_region(rec, field) if field in review.fields() else None
    if region is None:
        raise HTTPException(404, msg("review.error.no_crop"))
    page, box, dpi = region
    arc = sv.archive(request)
    key = hashlib.sha256(repr((doc.sha256, page, box, dpi, review.crop_settings())).encode()).hexdigest()[:32]
    path = arc.home / "cache" / "crops" / f"{key}.png"
    if path.exists():
        png = path.read_bytes()
    else:
        name = s.scalar(select(OriginalRow.name).where(OriginalRow.sha256 == doc.sha256)) or ""
        try:
            png = _render(arc.blobs.read(doc.sha256), name, page, box, dpi)
        except Exception as exc:  # a damaged original: say so, do not crash the page
            raise HTTPException(422, msg("review.error.crop_failed", error=type(exc).__name__)) from None
        _cache(path, png)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=86400"})


# --- the REST API -----------------------------------------------------------------------------


class ReviewIn(BaseModel):
    fields: dict[str, Any] = {}
    confirm_all: bool = False


def _review_out(s: Session, doc: DocumentRow) -> dict[str, Any]:
    rows = field_rows(s, doc)
    keep = ("value", "confidence", "source", "pending", "confirmed", "evidence", "crop")
    return {
        "id": doc.id,
        "needs_review": doc.needs_review,
        "threshold": review.threshold(),
        "pending": [r["field"] for r in rows if r["pending"]],
        "fields": {r["field"]: {k: r[k] for k in keep} for r in rows},
        "signatures": (doc.record or {}).get("signatures") or [],
        "history": [
            {
                "field": c.field,
                "value": c.value,
                "proposed": c.proposed,
                "confidence": c.confidence,
                "source": c.source,
                "corrected": c.corrected,
                "user_id": c.user_id,
                "at": c.at.isoformat(),
            }
            for c in review.history(s, doc.id)
        ],
    }


@api_router.get("/documents/{doc_id}/review", summary="Các trường cần kiểm tra của văn bản")
def api_review(s: DB, p: api.Me, doc_id: int) -> dict[str, Any]:
    return _review_out(s, _document(s, doc_id))


@api_router.post("/documents/{doc_id}/review", summary="Xác nhận / sửa các trường (văn thư)")
def api_decide(s: DB, p: api.Me, doc_id: int, body: ReviewIn) -> dict[str, Any]:
    sv.require(p, Action.ADD_DOCUMENT)
    doc = _document(s, doc_id)
    values = {**(proposals(doc) if body.confirm_all else {}), **body.fields}
    save(s, doc, values, p.user.id)
    s.commit()
    return _review_out(s, doc)


def install(app: FastAPI) -> None:
    """Add the routes and the templates' helpers to ``app``."""
    env = app.state.templates.env
    env.globals.update(field_review=view, review_flags=flags, msg=msg)
    app.include_router(router)
    app.include_router(api_router)
