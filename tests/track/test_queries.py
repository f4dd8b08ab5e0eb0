"""The read-side queries against plain Python over a synthetic archive: task lists in order and
their keyset pages (every filter, one unit, several units, removed documents), per-unit counts,
the trend, due-soon; the indexes of migration track_0002 serve the lists."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from vanban.store import Archive
from vanban.store.models import DocumentRow
from vanban.track import queries, registry
from vanban.track.models import Task, Unit
from vanban.track.recurrence import add_months
from vanban.track.status import Status, due_soon, status

TODAY = dt.date(2024, 6, 15)


@pytest.fixture
def arc(tmp_path: Path) -> Iterator[Archive]:
    a = Archive.open(tmp_path / "home")
    with a.Session() as s:
        _fill(s)
        s.commit()
    yield a
    a.close()


def _fill(s: Session) -> None:
    rnd = random.Random(5)
    top = Unit(name="UBND Tỉnh", key="ubnd tinh", kind="state")
    s.add(top)
    s.flush()
    units = [top]
    for k in range(5):
        u = Unit(name=f"Sở {k}", key=f"so {k}", kind="state", parent_id=top.id)
        s.add(u)
        s.flush()
        units.append(u)
        units.append(Unit(name=f"Phòng {k}", key=f"phong {k}", kind="state", parent_id=u.id))
        s.add(units[-1])
    s.flush()
    for i in range(60):
        date = dt.date(2023, 1, 1) + dt.timedelta(days=rnd.randrange(500))
        d = DocumentRow(
            key=f"{i}/UBND@{date.year}",
            number=f"{i}/UBND",
            number_key=f"{i}/UBND",
            doc_type="Công văn",
            doc_type_f="cong van",
            issuer="UBND",
            issuer_f="ubnd",
            system="state",
            date=date,
            year=date.year,
            subject=f"việc {i}",
            status="ok",
            record={"tasks": []},
            source=f"t/{i}.txt",
            sha256=f"{i:064x}",
            version=1,
            deleted_at=dt.datetime(2024, 1, 1) if i % 20 == 7 else None,
        )
        s.add(d)
        s.flush()
        for k in range(rnd.randint(1, 8)):
            deadline = None if rnd.random() < 0.15 else date + dt.timedelta(days=rnd.choice((5, 30, 90, 400)))
            done = None
            if rnd.random() < 0.5:
                done = (deadline or date) + dt.timedelta(days=rnd.randint(-20, 20))
                done = done if done <= TODAY else None
            s.add(
                Task(
                    document_id=d.id,
                    task_index=k,
                    unit_id=rnd.choice(units).id if rnd.random() < 0.95 else None,
                    assignee="x",
                    role="execute",
                    action=f"nhiệm vụ {i}.{k}",
                    deadline=deadline,
                    completed_on=done,
                    created_at=dt.datetime.combine(date, dt.time(8)),
                    confirmed_at=None if rnd.random() < 0.1 else dt.datetime.combine(date, dt.time(9)),
                )
            )
    # completed on the first day of TODAY's 12-month trend window, on its deadline
    s.add(
        Task(
            document_id=d.id,
            task_index=99,
            unit_id=top.id,
            assignee="x",
            role="execute",
            action="biên",
            deadline=dt.date(2023, 7, 1),
            completed_on=dt.date(2023, 7, 1),
            created_at=dt.datetime(2023, 6, 1),
            confirmed_at=dt.datetime(2023, 6, 1),
        )
    )
    # many tasks on one deadline day, so that pages split ties (same due, ordered by id)
    d0 = s.scalars(select(DocumentRow).where(DocumentRow.deleted_at.is_(None))).first()
    assert d0 is not None
    for k in range(40):
        s.add(
            Task(
                document_id=d0.id,
                task_index=100 + k,
                unit_id=units[1 + k % 3].id,
                assignee="x",
                role="execute",
                action="cùng hạn",
                deadline=TODAY + dt.timedelta(days=3),
                created_at=dt.datetime(2024, 1, 2),
                confirmed_at=dt.datetime(2024, 1, 2),
            )
        )


def _alive(s: Session, proposals: bool = False) -> list[Task]:
    """The tasks of documents not removed: the confirmed ones (they alone count), or all."""
    removed = set(s.scalars(select(DocumentRow.id).where(DocumentRow.deleted_at.is_not(None))))
    return [
        t
        for t in s.scalars(select(Task))
        if t.document_id not in removed and (proposals or t.confirmed_at is not None)
    ]


def _order(t: Task) -> tuple[dt.date, int]:
    return (t.deadline or queries.NO_DEADLINE, t.id)


def _expected(s: Session, visible: frozenset[int] | None, st: Status | None, unit: int | None) -> list[int]:
    out = [
        t
        for t in _alive(s)
        if (visible is None or t.unit_id in visible)
        and (unit is None or t.unit_id == unit)
        and (st is None or status(t.deadline, t.completed_on, TODAY) is st)
    ]
    return [t.id for t in sorted(out, key=_order)]


def _walk(
    s: Session, visible: frozenset[int] | None, st: Status | None, unit: int | None, n: int
) -> list[int]:
    """Every task, page by page with the keyset cursor, as the task list page does."""
    seen: list[int] = []
    after = None
    for _ in range(5000):  # bounded: a wrong cursor would repeat a page for ever
        q = queries.task_select(TODAY, visible, status_=st, unit_id=unit, after=after, limit=n + 1)
        rows = s.execute(q).all()
        for t, _u, d, sv in rows[:n]:
            assert d.deleted_at is None and Status(sv) is status(t.deadline, t.completed_on, TODAY)
        seen += [r[0].id for r in rows[:n]]
        if len(rows) <= n:
            return seen
        after = queries.parse_cursor(queries.cursor_of(rows[n - 1][0]))
    raise AssertionError("the pages never end")


@pytest.mark.parametrize("st", [None, *Status])
def test_lists_and_keyset_pages_match_python(arc: Archive, st: Status | None) -> None:
    with arc.Session() as s:
        units = list(s.scalars(select(Unit.id)))
        sub = registry.subtree(s, units[1])
        assert len(sub) == 2  # a Sở and its Phòng: the per-unit merged pages
        cases = [(None, None), (sub, None), (frozenset({units[1]}), None), (None, units[2])]
        cases.append((frozenset(units), None))  # more units than PER_UNIT_PAGES? no: 11 units, merged too
        for visible, unit in cases:
            want = _expected(s, visible, st, unit)
            full = [r[0].id for r in s.execute(queries.task_select(TODAY, visible, status_=st, unit_id=unit))]
            assert full == want
            for n in (1, 7, 50):
                assert _walk(s, visible, st, unit, n) == want, (visible, unit, n)


def test_many_units_fall_back_to_one_scan(arc: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queries, "PER_UNIT_PAGES", 2)
    with arc.Session() as s:
        units = frozenset(s.scalars(select(Unit.id)))
        assert _walk(s, units, None, None, 9) == _expected(s, units, None, None)


def test_pending_and_due_between(arc: Archive) -> None:
    with arc.Session() as s:
        pending = [r[0].id for r in s.execute(queries.task_select(TODAY, None, pending=True, limit=10_000))]
        want = [t.id for t in sorted(_alive(s, proposals=True), key=_order) if t.confirmed_at is None]
        assert pending == want and 10 < len(want) < 60  # proposals: listed apart, counted nowhere
        both = [r[0].id for r in s.execute(queries.task_select(TODAY, None, proposals=True))]
        assert both == [t.id for t in sorted(_alive(s, proposals=True), key=_order)]
        soon = queries.due_soon_tasks(s, TODAY, None, limit=1000)
        want = [
            t
            for t in sorted(_alive(s), key=_order)
            if t.completed_on is None and t.deadline and TODAY <= t.deadline <= TODAY + dt.timedelta(days=7)
        ]
        assert [r[0].id for r, _lvl in soon] == [t.id for t in want]
        assert [lvl for _r, lvl in soon] == [due_soon(t.deadline, None, TODAY) for t in want]
        assert len(queries.due_soon_tasks(s, TODAY, None, limit=5)) == 5


def test_counts_by_unit_match_python(arc: Archive) -> None:
    with arc.Session() as s:
        names = dict(s.execute(select(Unit.id, Unit.name)).all())
        for on in (TODAY, dt.date(2023, 3, 1), dt.date(2030, 1, 1)):
            for visible in (None, registry.subtree(s, min(names))):
                want: dict[int | None, dict[Status, int]] = {}
                for t in _alive(s):
                    if visible is None or t.unit_id in visible:
                        c = want.setdefault(t.unit_id, dict.fromkeys(Status, 0))
                        c[status(t.deadline, t.completed_on, on)] += 1
                got = queries.counts_by_unit(s, on, visible)
                assert {u.unit_id: u.counts for u in got} == want
                assert all(u.name == names.get(u.unit_id, "(chưa xác định đơn vị)") for u in got)
                keys = [(-u.counts[Status.OVERDUE], -u.total, u.name) for u in got]
                assert keys == sorted(keys)


def test_trend_matches_its_definition(arc: Archive) -> None:
    with arc.Session() as s:
        for on in (TODAY, dt.date(2023, 8, 31), dt.date(2024, 2, 29)):
            for visible in (None, registry.subtree(s, s.scalar(select(func.min(Unit.id))) or 0)):
                tasks = [t for t in _alive(s) if visible is None or t.unit_id in visible]
                first = add_months(on.replace(day=1), -11)
                want = []
                for k in range(12):
                    a = add_months(first, k)
                    e = min(add_months(a, 1) - dt.timedelta(days=1), on)
                    done = [t for t in tasks if t.completed_on and a <= t.completed_on <= e]
                    ontime = sum(status(t.deadline, t.completed_on, e) is Status.DONE_ON_TIME for t in done)
                    over = sum(
                        t.deadline is not None
                        and t.deadline < e
                        and t.created_at.date() <= e
                        and (t.completed_on is None or t.completed_on > e)
                        for t in tasks
                    )
                    want.append((f"{a.month}/{a.year}", ontime, len(done) - ontime, over))
                got = [(p.label, p.on_time, p.late, p.overdue) for p in queries.trend(s, on, 12, visible)]
                assert got == want, on


def test_cursor_round_trip_and_bad_cursors() -> None:
    t = Task(id=12, deadline=dt.date(2024, 2, 3))
    assert queries.parse_cursor(queries.cursor_of(t)) == (dt.date(2024, 2, 3), 12)
    assert queries.parse_cursor(queries.cursor_of(Task(id=3))) == (queries.NO_DEADLINE, 3)
    for bad in ("", "x", "2024-02-30_1", "2024-01-01_", "2024-01-01_a"):
        with pytest.raises(ValueError):
            queries.parse_cursor(bad)


def test_the_list_indexes_serve_the_lists(arc: Archive) -> None:
    if not arc.sqlite:
        pytest.skip("SQLite query plans")
    with arc.Session() as s:
        names = {r[0] for r in s.execute(text("SELECT name FROM sqlite_master WHERE tbl_name = 'tasks'"))}
        assert {"ix_tasks_due_order", "ix_tasks_unit_due_order", "ix_tasks_open_due_order"} <= names
        assert "ix_tasks_unit_id" not in names  # a prefix of ix_tasks_unit_due_order

        def plan(q) -> str:  # type: ignore[no-untyped-def]
            sql = q.compile(dialect=s.get_bind().dialect, compile_kwargs={"literal_binds": True})
            return " | ".join(r[-1] for r in s.execute(text(f"EXPLAIN QUERY PLAN {sql}")))

        leader = plan(queries.task_select(TODAY, None, limit=51))
        assert (
            "ix_tasks_due_order" in leader
            and "documents USING INDEX ix_documents_deleted_at (deleted_at=?)" not in leader
        )
        assert "ix_tasks_open_due_order" in plan(
            queries.task_select(TODAY, None, status_=Status.OVERDUE, limit=51)
        )
        one = plan(queries.task_select(TODAY, frozenset({2}), limit=51))
        assert "ix_tasks_unit_due_order" in one
