"""A Hà Nội tracker: proposals before counts, assignments placed by organisation, reports that
close only their unit's tasks on their own date, recurring duties from the confirmation on."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from track_helpers import CT21, REPORT_DONE, REPORT_INTERIM, SEED_1138, SEED_3241, need

from vanban.store import Archive
from vanban.store.models import DocumentRow
from vanban.track import labels, orgs, queries, service
from vanban.track.models import AuditEntry, Task, TrackedDocument, Unit
from vanban.track.status import Status
from vanban.track.tracker import Tracker, says_done
from vanban.units import is_unit_name

TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def arc(tmp_path: Path) -> Iterator[Archive]:
    a = Archive.open(tmp_path / "home")
    with a.Session() as s:
        orgs.load_registry(s, "hanoi")
        s.commit()
    yield a
    a.close()


def _track(arc: Archive, s: Session, path: Path) -> tuple[DocumentRow, service.Tracked]:
    s.commit()
    res = arc.add_file(path)
    doc = s.get(DocumentRow, res.document_id)
    assert doc is not None and doc.status == "ok"
    return doc, service.track_document(s, doc, today=TODAY)


def _units(tasks: list[Task]) -> set[str]:
    return {t.unit.name for t in tasks if t.unit}


def test_3241_makes_proposals_that_count_only_once_confirmed(arc: Archive) -> None:
    need(SEED_3241)
    with arc.Session() as s:
        doc, out = _track(arc, s, SEED_3241)
        assert {"Sở Thông tin và Truyền thông", "Sở Văn hóa và Thể thao"} <= _units(out.proposals)
        assert all(t.unit.own and t.confirmed_at is None for t in out.proposals)
        assert queries.totals(queries.counts_by_unit(s, TODAY)) == dict.fromkeys(Status, 0)
        assert s.execute(queries.task_select(TODAY, None)).all() == []
        assert len(s.execute(queries.task_select(TODAY, None, pending=True)).all()) == len(out.proposals)
        assert service.track_document(s, doc, today=TODAY).proposals == []  # idempotent
        done = Tracker(s, TODAY).confirm_as_is(service.proposals_of(s, doc.id), None)
        assert len(done) == len(out.proposals) == 14
        assert sum(queries.totals(queries.counts_by_unit(s, TODAY)).values()) == 14


def test_21_ct_ttg_in_a_hanoi_tracker(arc: Archive) -> None:
    need(CT21)
    with arc.Session() as s:
        doc, out = _track(arc, s, CT21)
        assert 0 < len(out.proposals) <= 12
        registry_units = {u.id for u in s.scalars(select(Unit).where(Unit.own.is_(True)))}
        assert all(t.unit_id in registry_units for t in out.proposals)
        assert _units(out.proposals) == {"Ủy ban nhân dân Thành phố Hà Nội"}
        names = {n for e in out.elsewhere for n in e["names"]}
        assert {"Bộ Nội vụ", "Bộ Tài chính", "Bộ Công an"} <= names
        assert all(is_unit_name(n) for n in names)
        assert s.get(TrackedDocument, doc.id).elsewhere == out.elsewhere
        # recurring proposals have no periods yet: nothing back-dated
        assert all(t.period is None and t.series_id is None for t in out.proposals)


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("Bộ Công an, do", False),
        ("Ban tổ chức hoặc cơ quan", False),
        ("Ban Tuyên giáo và Dân vận Trung ương định hướng thông tin", False),
        ("Sở Thông tin và Truyền thông", True),
        ("Bộ Văn hóa, Thể thao và Du lịch", True),
        ("Ban Chỉ đạo 35 Thành phố", True),
        ("Ủy ban nhân dân các tỉnh, thành phố", True),
        ("các chuyên đề", False),
        ("Bộ Công an và", False),
    ],
)
def test_unit_grammar_rejects_fragments(name: str, ok: bool) -> None:
    assert is_unit_name(name) is ok


def test_outside_names() -> None:
    assert orgs.is_outside_name("Bộ Nội vụ") and orgs.is_outside_name("Ban Tuyên giáo và Dân vận Trung ương")
    assert not orgs.is_outside_name("Sở Y tế") and not orgs.is_outside_name("UBND quận Đống Đa")


def test_a_report_closes_its_units_tasks_on_its_own_date(arc: Archive) -> None:
    need(SEED_3241)
    with arc.Session() as s:
        _doc, out = _track(arc, s, SEED_3241)
        tr = Tracker(s, TODAY)
        tr.confirm_as_is(out.proposals, None)
        s.commit()
        before = {t.id: (t.completed_on, t.deadline) for t in s.scalars(select(Task))}
        _rep, got = _track(arc, s, REPORT_DONE)
        assert _units([r.task for r in got.reports]) == {"Sở Thông tin và Truyền thông"}
        assert len(got.reports) == 2 and all(r.final for r in got.reports)
        for t in s.scalars(select(Task)):
            if t.unit.name == "Sở Thông tin và Truyền thông":
                assert t.completed_on == dt.date(2024, 1, 15)
            else:
                assert (t.completed_on, t.deadline) == before[t.id]
        # an interim report: linked, nothing completed
        _rep2, got2 = _track(arc, s, REPORT_INTERIM)
        assert _units([r.task for r in got2.reports]) == {"Sở Văn hóa và Thể thao"}
        assert not any(r.final for r in got2.reports)
        assert all(r.task.completed_on is None for r in got2.reports)
        assert got2.reports[0].reported_on == dt.date(2023, 12, 10)


def test_record_report_final_flag_and_task(arc: Archive) -> None:
    need(SEED_3241)
    with arc.Session() as s:
        doc, out = _track(arc, s, SEED_3241)
        vh = [t for t in out.proposals if t.unit.name == "Sở Văn hóa và Thể thao"]
        with pytest.raises(ValueError, match="chưa được xác nhận"):
            service.record_report(s, doc, task_id=vh[0].id)
        Tracker(s, TODAY).confirm_as_is(vh, None)
        s.commit()
        res = arc.add_file(REPORT_INTERIM)
        rep = s.get(DocumentRow, res.document_id)
        got = service.record_report(s, rep, task_id=vh[1].id, final=True, today=TODAY)
        assert [r.task_id for r in got] == [vh[1].id] and got[0].final
        assert vh[1].completed_on == dt.date(2023, 12, 10) and vh[0].completed_on is None
        with pytest.raises(ValueError, match="Không có nhiệm vụ"):
            service.record_report(s, rep, task_id=999_999)


def test_says_done() -> None:
    assert says_done("Kết quả thực hiện Công văn 3241", "")
    assert says_done("Về việc X", "Các nhiệm vụ được giao đã hoàn thành.")
    assert says_done("Về việc X", "Sở đã hoàn tất việc tuyên truyền.")
    assert not says_done("Tiến độ thực hiện Công văn 3241", "đã hoàn thành một phần")
    assert not says_done("Về việc X", "Sở đang triển khai; đã hoàn thành bước 1")
    assert not says_done("Về việc X", "Sở đã nhận văn bản.")


def _weekly(arc: Archive, s: Session) -> Task:
    need(CT21)
    _doc, out = _track(arc, s, CT21)
    t = next(t for t in out.proposals if t.recurrence == "weekly")
    return t


def test_recurrence_starts_at_confirmation_and_follows_time(arc: Archive) -> None:
    with arc.Session() as s:
        t = _weekly(arc, s)
        on = dt.date(2026, 12, 2)  # a Wednesday, long after the directive's dates
        Tracker(s, on).confirm(t, None, unit_id=t.unit_id, role=t.role, deadline=None, recurrence="weekly")
        series = list(s.scalars(select(Task).where((Task.id == t.id) | (Task.series_id == t.id))))
        assert [x.deadline for x in series] == [dt.date(2026, 12, 4)]  # this week's Friday, no back-dating
        later = dt.date(2027, 3, 1)
        made = Tracker(s, later).advance()
        series = sorted(
            s.scalars(select(Task).where((Task.id == t.id) | (Task.series_id == t.id))),
            key=lambda x: x.deadline,
        )
        assert made and series[0].deadline == dt.date(2026, 12, 4)
        assert series[-1].deadline >= later > series[-2].deadline  # up to the current period
        assert all((b.deadline - a.deadline).days == 7 for a, b in itertools.pairwise(series))
        assert all(x.confirmed_at is not None for x in series)
        assert Tracker(s, later).advance() == []  # nothing twice


def test_recurrence_keeps_the_documents_weekday_and_day(arc: Archive) -> None:
    with arc.Session() as s:
        t = _weekly(arc, s)
        on = dt.date(2026, 12, 2)
        anchor = dt.date(2026, 6, 10)  # a Wednesday, in the past: the duty recurs on Wednesdays
        Tracker(s, on).confirm(t, None, unit_id=t.unit_id, role=t.role, deadline=anchor, recurrence="weekly")
        Tracker(s, dt.date(2026, 12, 31)).advance()
        dues = sorted(
            x.deadline for x in s.scalars(select(Task).where((Task.id == t.id) | (Task.series_id == t.id)))
        )
        assert dues[0] == dt.date(2026, 12, 2) and dues[-1] == dt.date(2027, 1, 6)  # the current period
        assert all(d.weekday() == 2 for d in dues) and len(dues) == 6
        m = s.scalars(select(Task).where(Task.recurrence.is_(None), Task.confirmed_at.is_(None))).first()
        Tracker(s, on).confirm(
            m, None, unit_id=m.unit_id, role=m.role, deadline=dt.date(2026, 5, 20), recurrence="monthly"
        )
        Tracker(s, dt.date(2027, 3, 1)).advance()
        months = sorted(
            x.deadline for x in s.scalars(select(Task).where((Task.id == m.id) | (Task.series_id == m.id)))
        )
        assert months == [
            dt.date(2026, 12, 20),
            dt.date(2027, 1, 20),
            dt.date(2027, 2, 20),
            dt.date(2027, 3, 20),
        ]


def test_a_yearly_duty_goes_on_past_one_year(arc: Archive) -> None:
    need(SEED_1138)
    with arc.Session() as s:
        _doc, out = _track(arc, s, SEED_1138)
        yearly = [t for t in out.proposals if t.recurrence == "yearly"]
        assert yearly
        t = yearly[0]
        Tracker(s, dt.date(2026, 6, 1)).confirm_as_is([t], None)
        Tracker(s, dt.date(2029, 2, 1)).advance()
        periods = sorted(
            x.period for x in s.scalars(select(Task).where((Task.id == t.id) | (Task.series_id == t.id)))
        )
        assert periods == ["Năm 2026", "Năm 2027", "Năm 2028", "Năm 2029"]


def test_leader_assignment_and_rejection(arc: Archive) -> None:
    need(SEED_3241)
    with arc.Session() as s:
        doc, out = _track(arc, s, SEED_3241)
        unit = s.scalar(select(Unit).where(Unit.name == "Sở Nội vụ"))
        t = service.assign(
            s, doc, unit, role="lead", deadline=dt.date(2024, 3, 31), note="Chủ trì tổng hợp", today=TODAY
        )
        assert t.confirmed_at is not None and t.task_index < 0 and t.action == "Chủ trì tổng hợp"
        assert queries.totals(queries.counts_by_unit(s, TODAY))[Status.OVERDUE] == 1
        with pytest.raises(ValueError, match="Vai trò"):
            service.assign(s, doc, unit, role="boss")
        tr = Tracker(s, TODAY)
        p = out.proposals[0]
        tr.reject(p, None)
        assert s.get(Task, p.id) is None
        with pytest.raises(ValueError, match="đã được xác nhận"):
            tr.reject(t, None)
        e = s.scalars(select(AuditEntry).where(AuditEntry.action == "reject")).one()
        assert labels.audit_sentence(e, "vanthu") == f"vanthu loại bỏ đề xuất nhiệm vụ #{p.id}"
        c = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "create", AuditEntry.entity == "task")
        ).all()[-1]
        lines = labels.changes(c.before, c.after, {unit.id: unit.name})
        assert "thời hạn: — → 31/03/2024" in lines and "đơn vị: — → Sở Nội vụ" in lines
        assert labels.changes(None, {"status": "duplicate"}, {}) == ["kết quả: — → đã có trong kho"]


def test_registry_files(tmp_path: Path, arc: Archive) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[[unit]\nname=", encoding="utf-8")
    with pytest.raises(orgs.RegistryError, match="không đúng định dạng"):
        orgs.read_registry(bad)
    with pytest.raises(orgs.RegistryError, match="Không đọc được"):
        orgs.read_registry(tmp_path / "missing.toml")
    empty = tmp_path / "empty.json"
    empty.write_text('{"unit": []}', encoding="utf-8")
    with pytest.raises(orgs.RegistryError, match="không có đơn vị"):
        orgs.read_registry(empty)
    ok = tmp_path / "hp.json"
    ok.write_text(
        '{"organisation": {"name": "UBND Hải Phòng"}, "unit": [{"name": "Ủy ban nhân dân Thành phố Hải Phòng"},'
        ' {"name": "Sở Y tế Hải Phòng", "parent": "Ủy ban nhân dân Thành phố Hải Phòng"}]}',
        encoding="utf-8",
    )
    with arc.Session() as s:
        got = orgs.load_registry(s, ok)
        assert got.organisation == "UBND Hải Phòng" and got.units["Sở Y tế Hải Phòng"].own
        orphan = tmp_path / "orphan.toml"
        orphan.write_text('[[unit]]\nname = "Sở A"\nparent = "Không có"\n', encoding="utf-8")
        with pytest.raises(orgs.RegistryError, match="chưa khai báo"):
            orgs.load_registry(s, orphan)


def test_a_report_added_before_confirmation_answers_once_confirmed(arc: Archive) -> None:
    need(SEED_3241)
    with arc.Session() as s:
        _doc, out = _track(arc, s, SEED_3241)
        _rep, early = _track(arc, s, REPORT_DONE)
        assert early.reports == []  # proposals are not answered
        tr = Tracker(s, TODAY)
        tr.confirm_as_is(out.proposals, None)
        done = {t.unit.name for t in out.proposals if t.completed_on == dt.date(2024, 1, 15)}
        assert done == {"Sở Thông tin và Truyền thông"}
        assert sum(t.unit.name == "Sở Thông tin và Truyền thông" for t in out.proposals) == 2
        assert all(
            t.completed_on is None for t in out.proposals if t.unit.name != "Sở Thông tin và Truyền thông"
        )


def test_half_yearly_duty_is_proposed_as_recurring(arc: Archive, tmp_path: Path) -> None:
    """``data/tasks.toml`` names the recurrence ``half_yearly``: the proposal keeps it (it was
    dropped while the tracker spelt it ``half-yearly``), and its series has two periods a year."""
    text = SEED_3241.read_text(encoding="utf-8").replace(
        "- Theo dõi, phát hiện",
        "- Định kỳ 6 tháng một lần báo cáo UBND Thành phố kết quả theo dõi, phát hiện",
        1,
    )
    assert "Định kỳ 6 tháng" in text
    path = tmp_path / "halfyear.txt"
    path.write_text(text, encoding="utf-8")
    with arc.Session() as s:
        _doc, out = _track(arc, s, path)
        halves = [t for t in out.proposals if t.recurrence == "half_yearly"]
        assert halves, [t.recurrence for t in out.proposals]
        t = halves[0]
        Tracker(s, TODAY).confirm(
            t, None, unit_id=t.unit_id, role=t.role, deadline=None, recurrence="half-yearly"
        )
        assert t.recurrence == "half_yearly"
        later = Tracker(s, dt.date(2027, 7, 15)).advance()
        assert later
        assert labels._value("recurrence", "half-yearly", {}) == "6 tháng"
