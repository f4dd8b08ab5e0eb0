"""Registers (sổ đăng ký văn bản đến / đi, NĐ 30/2020 Điều 22 and Phụ lục IV).

Numbers follow each other per register (organisation, kind, year) and are never reused: the
number is taken by one ``UPDATE … RETURNING`` on the register row inside the transaction that
writes the entry, so concurrent clerks queue on that row (PostgreSQL) or on the write lock
(SQLite), and a transaction that fails gives its number back with everything else it wrote.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..messages import msg
from ..model import Document, value_of
from ..store.models import DocumentRow
from ..track import audit
from ..track.tracker import document_of
from .models import INCOMING, OUTGOING, Entry, Handover, Register

__all__ = ["Draft", "draft_from_document", "ensure_register", "entries", "register", "xlsx"]

KINDS = (INCOMING, OUTGOING)


def _write_lock(s: Session) -> None:
    """Take the database's write lock first (SQLite: wait for it rather than fail on upgrading a
    read snapshot); a no-op statement on PostgreSQL, where the register row's lock serializes."""
    s.execute(text("UPDATE desk_registers SET id = id WHERE id = -1"))


def ensure_register(s: Session, kind: str, year: int, org_id: int = 0) -> Register:
    """The register of ``kind`` (``in``/``out``) for ``year`` and ``org_id``, created when missing."""
    if kind not in KINDS:
        raise ValueError(f"unknown register kind {kind!r}")
    q = select(Register).where(Register.org_id == org_id, Register.kind == kind, Register.year == year)
    found = s.scalar(q)
    if found is not None:
        return found
    reg = Register(
        org_id=org_id, kind=kind, year=year, name=msg(f"desk.register.{kind}", year=year), last_number=0
    )
    try:
        with s.begin_nested():
            s.add(reg)
    except IntegrityError:  # another clerk created it at the same moment
        return s.scalars(q).one()
    return reg


@dataclass
class Draft:
    """What the clerk confirms: an entry filled from the record and its metadata."""

    kind: str = INCOMING
    document_id: int | None = None
    at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(second=0, microsecond=0))
    sender: str = ""
    doc_number: str = ""
    doc_date: dt.date | None = None
    doc_type: str = ""
    subject: str = ""
    signer: str = ""
    recipient: str = ""
    channel: str = ""
    urgency: str = ""
    secrecy: str = ""
    copies: int | None = None
    deadline: dt.date | None = None
    note: str = ""

    def values(self) -> dict[str, Any]:
        """The entry's columns."""
        return {k: v for k, v in self.__dict__.items() if k != "kind"}


def draft_from_document(doc: DocumentRow, kind: str = INCOMING, now: dt.datetime | None = None) -> Draft:
    """An entry filled from the document's record and the metadata that came with it."""
    rec = document_of(doc) or Document(text="")
    meta = dict(rec.meta)
    sg = rec.signer
    channel = "edxml" if meta.get("format") == "edxml" else ("eoffice" if meta else "")
    return Draft(
        kind=kind,
        document_id=doc.id,
        at=(now or dt.datetime.now()).replace(second=0, microsecond=0),
        sender=value_of(rec.issuer) or meta.get("issuer") or "",
        doc_number=value_of(rec.number) or "",
        doc_date=doc.date,
        doc_type=value_of(rec.doc_type) or "",
        subject=value_of(rec.subject) or "",
        signer=" ".join(x for x in (value_of(sg.title), value_of(sg.name)) if x) if sg else "",
        recipient="; ".join(r.value for r in rec.recipients) if kind == OUTGOING else "",
        channel=msg(f"desk.channel.{channel}") if channel else "",
        urgency=value_of(rec.urgency) or "",
        secrecy=value_of(rec.secrecy) or "",
        deadline=dt.date.fromisoformat(meta["deadline"]) if meta.get("deadline") else None,
    )


def register(s: Session, draft: Draft, user_id: int | None, org_id: int = 0) -> Entry:
    """Write ``draft`` into its register with the next number (in the caller's transaction)."""
    _write_lock(s)
    reg = ensure_register(s, draft.kind, draft.at.year, org_id)
    number = s.execute(
        update(Register)
        .where(Register.id == reg.id)
        .values(last_number=Register.last_number + 1)
        .returning(Register.last_number)
    ).scalar_one()
    e = Entry(register_id=reg.id, number=number, user_id=user_id, cancelled=False, **draft.values())
    s.add(e)
    s.flush()
    if draft.document_id is not None:
        s.add(
            Handover(
                document_id=draft.document_id,
                action="register",
                from_user_id=user_id,
                note=msg("desk.trail.registered", kind=msg(f"desk.kind.{draft.kind}"), number=number),
            )
        )
    audit.log(s, user_id, "register", "desk_entry", e.id, None, audit.snapshot(e))
    return e


def entries(s: Session, kind: str, start: dt.date, end: dt.date, org_id: int = 0) -> list[Entry]:
    """A register's entries dated ``start`` to ``end`` (inclusive), in number order."""
    q = (
        select(Entry)
        .join(Register, Register.id == Entry.register_id)
        .where(
            Register.kind == kind,
            Register.org_id == org_id,
            Entry.at >= dt.datetime.combine(start, dt.time.min),
            Entry.at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min),
        )
        .order_by(Register.year, Entry.number)
    )
    return list(s.scalars(q))


def entry_of(s: Session, document_id: int, kind: str = INCOMING) -> Entry | None:
    """The register entry of a document, if it is registered."""
    return s.scalar(
        select(Entry)
        .join(Register, Register.id == Entry.register_id)
        .where(Entry.document_id == document_id, Register.kind == kind, Entry.cancelled.is_(False))
        .order_by(Entry.id)
        .limit(1)
    )


def _d(d: dt.date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def columns(kind: str) -> list[str]:
    """The printed columns of a register (Phụ lục IV)."""
    return msg(f"desk.columns.{kind}").split("|")


def row(e: Entry, kind: str) -> list[Any]:
    """One entry as the printed columns."""
    kind_line = " ".join(x for x in (e.doc_type, e.subject) if x)
    if kind == INCOMING:
        return [
            e.at.strftime("%d/%m/%Y %H:%M"),
            e.number,
            e.sender,
            e.doc_number,
            _d(e.doc_date),
            kind_line,
            e.recipient,
            _d(e.deadline),
            e.channel,
            " ".join(x for x in (e.urgency, e.secrecy) if x),
            msg("desk.cancelled") if e.cancelled else e.note,
        ]
    return [
        f"{e.number}" + (f" ({e.doc_number})" if e.doc_number else ""),
        _d(e.doc_date),
        kind_line,
        e.signer,
        e.recipient,
        e.copies or "",
        e.at.strftime("%d/%m/%Y"),
        " ".join(x for x in (e.urgency, e.secrecy) if x),
        msg("desk.cancelled") if e.cancelled else e.note,
    ]


def xlsx(rows: list[Entry], kind: str, start: dt.date, end: dt.date, org: str = "") -> bytes:
    """The register for a date range as an XLSX workbook, laid out for printing (A4 landscape)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = msg(f"desk.kind.{kind}")[:31]
    title = msg(f"desk.register.{kind}", year=start.year).upper()
    ws.append([org.upper()] if org else [])
    ws.append([title])
    ws.append([msg("desk.range", start=_d(start), end=_d(end))])
    ws.append([])
    ws.append(columns(kind))
    for cell in ws[5]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    ws["A2"].font = Font(bold=True, size=14)
    for e in rows:
        ws.append(row(e, kind))
    for col, width in zip("ABCDEFGHIJK", (14, 8, 24, 16, 11, 40, 22, 11, 12, 12, 16), strict=False):
        ws.column_dimensions[col].width = width
    for r in ws.iter_rows(min_row=6):
        for cell in r:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.print_title_rows = "5:5"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
