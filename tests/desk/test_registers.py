"""Registers: numbers in sequence under concurrent clerks, never reused, per year; entries
filled from the record and its metadata; the XLSX print."""

from __future__ import annotations

import datetime as dt
import io
import threading
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import func, select

from vanban.desk import registers
from vanban.desk.models import INCOMING, OUTGOING, Entry, Handover
from vanban.model import Document
from vanban.store import Archive
from vanban.store.models import DocumentRow

WRITERS = 20


def test_concurrent_clerks_get_consecutive_numbers(any_db: str, tmp_path: Path) -> None:
    """20 clerks take outgoing and incoming numbers at once: 1…20 in each register, no gap, no twin."""
    with Archive.open(tmp_path / "home", any_db) as ar:
        start = threading.Barrier(WRITERS)
        errors: list[BaseException] = []

        def clerk(i: int) -> None:
            try:
                start.wait()
                for kind in (OUTGOING, INCOMING):
                    with ar.Session() as s:
                        draft = registers.Draft(
                            kind=kind, at=dt.datetime(2026, 3, 2, 8, i), subject=f"văn bản {i}"
                        )
                        registers.register(s, draft, None)
                        s.commit()
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=clerk, args=(i,)) for i in range(WRITERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert not errors, errors
        with ar.Session() as s:
            for kind in (OUTGOING, INCOMING):
                rows = registers.entries(s, kind, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
                assert sorted(e.number for e in rows) == list(range(1, WRITERS + 1))
                assert len({e.subject for e in rows}) == WRITERS


def test_numbers_are_never_reused_and_restart_each_year(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "home") as ar, ar.Session() as s:
        first = registers.register(s, registers.Draft(kind=OUTGOING, at=dt.datetime(2025, 12, 30, 9)), None)
        second = registers.register(s, registers.Draft(kind=OUTGOING, at=dt.datetime(2025, 12, 31, 9)), None)
        second.cancelled = True  # withdrawn: the number stays used
        third = registers.register(s, registers.Draft(kind=OUTGOING, at=dt.datetime(2025, 12, 31, 10)), None)
        new_year = registers.register(s, registers.Draft(kind=OUTGOING, at=dt.datetime(2026, 1, 2, 8)), None)
        incoming = registers.register(s, registers.Draft(kind=INCOMING, at=dt.datetime(2026, 1, 2, 8)), None)
        other_org = registers.register(
            s, registers.Draft(kind=INCOMING, at=dt.datetime(2026, 1, 2, 8)), None, org_id=7
        )
        s.commit()
        assert [first.number, second.number, third.number] == [1, 2, 3]
        assert (new_year.number, incoming.number, other_org.number) == (1, 1, 1)
        # a transaction that fails gives its number back with the entry
        registers.register(s, registers.Draft(kind=OUTGOING, at=dt.datetime(2026, 1, 3, 8)), None)
        s.rollback()
        assert (
            registers.register(s, registers.Draft(kind=OUTGOING, at=dt.datetime(2026, 1, 3, 9)), None).number
            == 2
        )


def test_entry_filled_from_record_and_metadata(office: Archive, tmp_path: Path) -> None:
    """The draft takes number, date, type, subject, sender from the record; the deadline and the
    channel from the edXML packet it came in."""
    from vanban.exchange import export_archived

    with office.Session() as s:
        d = s.get(DocumentRow, 1)
        draft = registers.draft_from_document(d, INCOMING, dt.datetime(2023, 10, 5, 8, 30))
        assert (draft.doc_number, draft.doc_date, draft.doc_type) == (
            "3241/UBND-KGVX",
            dt.date(2023, 10, 4),
            "Công văn",
        )
        assert draft.sender == "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI" and "Chỉ thị số 24-CT/TU" in draft.subject
        assert draft.channel == "" and draft.deadline is None
        rec = Document.from_dict(dict(d.record, metadata={"deadline": "2023-10-20", "format": "edxml"}))
        packet = export_archived(rec, office.original(1))
    p = tmp_path / "in.edxml"
    p.write_bytes(packet)
    doc_id = office.add_file(p).document_id
    with office.Session() as s:
        d2 = s.get(DocumentRow, doc_id)
        draft = registers.draft_from_document(d2, INCOMING)
        assert draft.deadline == dt.date(2023, 10, 20) and draft.channel == "Trục liên thông (edXML)"
        e = registers.register(s, draft, None)
        s.commit()
        assert registers.entry_of(s, doc_id) is e
        trail = s.scalars(select(Handover).where(Handover.document_id == doc_id)).all()
        assert [h.action for h in trail] == ["register"] and "số 1" in trail[0].note


def test_xlsx_print_of_a_date_range(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "home") as ar, ar.Session() as s:
        for day in (1, 15, 28):
            draft = registers.Draft(
                kind=INCOMING,
                at=dt.datetime(2026, 2, day, 9, 5),
                sender="SỞ TÀI CHÍNH",
                doc_number=f"{day}/STC-NS",
                doc_date=dt.date(2026, 2, day),
                doc_type="Công văn",
                subject=f"việc ngày {day}",
                deadline=dt.date(2026, 3, day),
            )
            registers.register(s, draft, None)
        s.commit()
        rows = registers.entries(s, INCOMING, dt.date(2026, 2, 10), dt.date(2026, 2, 28))
        assert [e.number for e in rows] == [2, 3]
        wb = load_workbook(
            io.BytesIO(registers.xlsx(rows, INCOMING, dt.date(2026, 2, 10), dt.date(2026, 2, 28)))
        )
        ws = wb.active
        assert ws["A2"].value == "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN NĂM 2026"
        assert ws["A3"].value == "Từ ngày 10/02/2026 đến ngày 28/02/2026"
        header = [c.value for c in ws[5]]
        assert header[:3] == ["Ngày, giờ đến", "Số đến", "Tác giả"] and "Thời hạn giải quyết" in header
        assert [ws.cell(row=r, column=2).value for r in (6, 7)] == [2, 3]
        assert ws["A6"].value == "15/02/2026 09:05" and ws["D7"].value == "28/STC-NS"
        assert ws.max_row == 7
        assert s.scalar(select(func.count()).select_from(Entry)) == 3
