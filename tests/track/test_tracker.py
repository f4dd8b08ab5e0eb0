"""Registry matching, collective expansion, tasks from a document, report linking, merging."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from vanban.errors import RecordError
from vanban.store import Archive
from vanban.store.models import DocumentRow
from vanban.track import registry, seed, service
from vanban.track.models import Task, Unit
from vanban.track.tracker import Tracker

SEED = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "seeds" / "002_852c67c28b4a1981.txt"
REPORT = Path(__file__).parents[1] / "web" / "fixtures" / "bao_cao_stttt.txt"
TODAY = dt.date(2023, 10, 25)


@pytest.fixture
def arc(tmp_path: Path) -> Iterator[Archive]:
    a = Archive.open(tmp_path / "home")
    yield a
    a.close()


def _add(arc: Archive, path: Path, s: Session) -> DocumentRow:
    s.commit()  # the archive writes on its own connection
    res = arc.add_file(path)
    s.commit()
    doc = s.get(DocumentRow, res.document_id)
    assert doc is not None
    return doc


def test_aliases_and_keys_match(arc: Archive) -> None:
    with arc.Session() as s:
        seed.seed_hanoi(s)
        a = registry.find(s, "Sở TT&TT")
        assert a is not None and a.name == "Sở Thông tin và Truyền thông"
        assert registry.find(s, "SỞ THÔNG TIN VÀ TRUYỀN THÔNG") is a
        assert registry.find(s, "Sở Thông tin - Truyền thông") is a
        assert registry.find(s, "Sở Y tế") is None
        g = registry.find(s, "Các Sở, ban, ngành")
        assert g is not None and g.kind == "group"
        assert {u.name for u in registry.expand(s, g)} >= {"Sở Nội vụ", "Sở Thông tin và Truyền thông"}
        assert registry.guess_kind("Đảng ủy Sở Giáo dục và Đào tạo") == "party"
        ubnd = registry.find(s, "UBND Thành phố")
        assert ubnd is not None and a.id in registry.subtree(s, ubnd.id)


def test_tasks_without_a_registry_are_seeded_from_assignees(arc: Archive) -> None:
    if not SEED.exists():
        pytest.skip(f"seed missing: {SEED}")
    with arc.Session() as s:
        doc = _add(arc, SEED, s)
        tasks = Tracker(s, TODAY).tasks_from_document(doc, None)
        s.commit()
        assert sorted({t.task_index for t in tasks}) == [0, 1, 2, 3]
        units = {u.name: u for u in s.scalars(select(Unit))}
        assert units["Sở Thông tin và Truyền thông"].parent_id == units["ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI"].id
        group = units["Các Sở, ban, ngành"]
        assert group.kind == "group"  # no members yet: the group itself holds the task
        assert any(t.unit_id == group.id for t in tasks)
        assert Tracker(s, TODAY).tasks_from_document(doc, None) == []  # idempotent


@pytest.mark.parametrize(
    ("old", "new"),
    [("tasks", "duties"), ("issuer", "organ"), ("doc_type", "type"), ("spans", "where")],
)
def test_a_renamed_field_of_the_record_fails_loudly(arc: Archive, old: str, new: str) -> None:
    """The tracker reads the typed record: a record whose field was renamed is an error, not a
    document without tasks."""
    if not SEED.exists():
        pytest.skip(f"seed missing: {SEED}")
    with arc.Session() as s:
        doc = _add(arc, SEED, s)
        rec = dict(doc.record or {})
        rec[new] = rec.pop(old)
        doc.record = rec
        with pytest.raises(RecordError, match=old):
            Tracker(s, TODAY).tasks_from_document(doc, None)


def test_report_links_only_to_its_units_tasks(arc: Archive) -> None:
    if not SEED.exists():
        pytest.skip(f"seed missing: {SEED}")
    with arc.Session() as s:
        seed.seed_hanoi(s)
        doc = _add(arc, SEED, s)
        tr = Tracker(s, TODAY)
        tr.confirm_as_is(tr.tasks_from_document(doc, None), None)
        rep = _add(arc, REPORT, s)
        out = service.track_document(s, rep, today=TODAY)
        tasks, reports = out.proposals, out.reports
        s.commit()
        assert tasks == []  # a Báo cáo creates no tasks
        done = {r.task.unit.name for r in reports}
        assert done == {"Sở Thông tin và Truyền thông"}
        assert len(reports) == 2  # the Sở's share of item 1 (all Sở) and its own item 2
        assert all(r.final and r.auto and r.reported_on == dt.date(2023, 10, 20) for r in reports)
        others = s.scalars(select(Task).where(Task.completed_on.is_not(None))).all()
        assert {t.unit.name for t in others} == {"Sở Thông tin và Truyền thông"}
        assert tr.link_report(rep, None) == []  # not twice


def test_merge_moves_tasks_and_keeps_the_name(arc: Archive) -> None:
    if not SEED.exists():
        pytest.skip(f"seed missing: {SEED}")
    with arc.Session() as s:
        seed.seed_hanoi(s)
        dup = registry.ensure(s, "Sở Văn hoá, Thể thao Hà Nội", kind="state")
        keep = registry.find(s, "Sở Văn hóa và Thể thao")
        assert keep is not None
        doc = _add(arc, SEED, s)
        Tracker(s, TODAY).tasks_from_document(doc, None)
        t = s.scalars(select(Task).where(Task.unit_id == keep.id)).first()
        assert t is not None
        t.unit_id = dup.id
        s.flush()
        pairs = {(d.a.id, d.b.id) for d in registry.duplicates(s, threshold=70)}
        assert (keep.id, dup.id) in pairs or (dup.id, keep.id) in pairs
        registry.merge(s, keep, dup)
        s.commit()
        assert s.get(Task, t.id).unit_id == keep.id
        assert registry.find(s, "Sở Văn hoá, Thể thao Hà Nội") is keep
        with pytest.raises(ValueError):
            registry.merge(s, keep, keep)
