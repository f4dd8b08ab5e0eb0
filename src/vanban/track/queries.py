"""Read-side queries: task lists with their computed status, per-unit counts, the overdue
list, the trend, and the directive chain (a directive, the documents implementing it down
the chain, their tasks and reports)."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, and_, func, literal_column, or_, select, union_all
from sqlalchemy.orm import Session, load_only, selectinload

from ..store.models import CitationRow, DocumentRow
from .models import Report, Task, Unit
from .recurrence import add_months
from .status import Status, due_soon, status, status_sql, status_where
from .tracker import citing_documents, directive_key

NO_DEADLINE = dt.date(9999, 12, 31)  # where tasks without a deadline sort (last)


def due_key() -> ColumnElement[dt.date]:
    """The task lists' sort key, ``coalesce(deadline, '9999-12-31')``: the same text as the
    expression indexes of migration ``track_0002`` (a bound parameter would not match them)."""
    return func.coalesce(Task.deadline, literal_column(f"'{NO_DEADLINE.isoformat()}'"))


def cursor_of(t: Task) -> str:
    """The keyset cursor of a task in a list: the page after it starts after this."""
    return f"{(t.deadline or NO_DEADLINE).isoformat()}_{t.id}"


def parse_cursor(cursor: str) -> tuple[dt.date, int]:
    """``(due, id)`` of a cursor from :func:`cursor_of`; ValueError when malformed."""
    day, _, tid = cursor.partition("_")
    return dt.date.fromisoformat(day), int(tid)


# What a task list shows of a task's document (its stored record, text and names stay unloaded).
DOC_BRIEF = (
    DocumentRow.id,
    DocumentRow.key,
    DocumentRow.number,
    DocumentRow.doc_type,
    DocumentRow.date,
    DocumentRow.subject,
    DocumentRow.status,
    DocumentRow.deleted_at,
)


def removed_documents() -> Select:
    """Ids of removed documents (an indexed lookup; usually none): their tasks are not listed.

    Filtering tasks by this instead of by the joined ``documents.deleted_at`` lets the task
    indexes drive the lists (SQLite would otherwise start from the documents table).
    """
    return select(DocumentRow.id).where(DocumentRow.deleted_at.is_not(None))


PER_UNIT_PAGES = 16  # up to this many visible units, a page is merged from per-unit index scans


def _page_ids(
    cond: list[ColumnElement[bool]], due: ColumnElement[dt.date], limit: int, units: frozenset[int] | None
) -> Select:
    """The ids of the first ``limit`` tasks meeting ``cond`` in list order. For a few units, one
    ordered scan of ``ix_tasks_unit_due_order`` per unit, merged (``unit_id IN (…)`` would sort
    every task of those units; SQLite before 3.41 cannot read the key from the index)."""
    if units is None or not 1 < len(units) <= PER_UNIT_PAGES:
        return select(Task.id).where(*cond).order_by(due, Task.id).limit(limit)
    parts = [
        select(Task.id.label("id"), due.label("due"))
        .where(*cond, Task.unit_id == u)
        .order_by(due, Task.id)
        .limit(limit)
        .subquery()
        for u in sorted(units)
    ]
    merged = union_all(*(select(p.c.id, p.c.due) for p in parts)).subquery()
    return select(merged.c.id).order_by(merged.c.due, merged.c.id).limit(limit)


def task_select(
    today: dt.date,
    visible: frozenset[int] | None,
    *,
    unit_id: int | None = None,
    document_id: int | None = None,
    status_: Status | None = None,
    document_ids: Iterable[int] | None = None,
    pending: bool = False,
    proposals: bool = False,
    due_between: tuple[dt.date, dt.date] | None = None,
    after: tuple[dt.date, int] | None = None,
    limit: int | None = None,
) -> Select:
    """Tasks (with their unit and document) a user may see, filtered, with a ``status`` column,
    in deadline order (no deadline last).

    Only confirmed tasks count: ``pending`` lists the proposals instead, ``proposals`` both;
    ``due_between``: open with a deadline in that closed range;
    ``after``: the keyset page start ``(due, id)`` (see :func:`cursor_of`); ``limit``: at most
    that many, chosen by a subquery over ``tasks`` alone (index order, or a sort of ids), so
    only the rows shown are joined and loaded. The document comes with :data:`DOC_BRIEF` only.
    """
    due = due_key()
    cond: list[ColumnElement[bool]] = [Task.document_id.not_in(removed_documents())]
    if visible is not None:
        cond.append(Task.unit_id.in_(visible))
    if unit_id is not None:
        cond.append(Task.unit_id == unit_id)
    if document_id is not None:
        cond.append(Task.document_id == document_id)
    if document_ids is not None:
        cond.append(Task.document_id.in_(list(document_ids)))
    if status_ is not None:
        cond.append(status_where(status_, Task.deadline, Task.completed_on, today))
        if status_ is Status.OVERDUE:  # the same rule on the sort key: an index range
            cond.append(due < today)
        elif status_ is Status.OPEN:
            cond.append(due >= today)
    if pending:
        cond.append(Task.confirmed_at.is_(None))
    elif not proposals:
        cond.append(Task.confirmed_at.is_not(None))
    if due_between is not None:  # on the sort key (an index range over the open tasks)
        cond += [Task.completed_on.is_(None), due >= due_between[0], due <= due_between[1]]
    if after is not None:  # (due, id) > after, with the index range on due spelled out
        cond += [due >= after[0], or_(due > after[0], Task.id > after[1])]
    if limit is not None:
        cond = [Task.id.in_(_page_ids(cond, due, limit, visible if unit_id is None else None))]
    st = status_sql(Task.deadline, Task.completed_on, today).label("status")
    return (
        select(Task, Unit, DocumentRow, st)
        .outerjoin(Unit, Unit.id == Task.unit_id)
        .join(DocumentRow, DocumentRow.id == Task.document_id)
        .where(*cond)
        .options(load_only(*DOC_BRIEF))
        .order_by(due, Task.id)
    )


@dataclass
class UnitCounts:
    """A unit's tasks in the four statuses."""

    unit_id: int | None
    name: str
    counts: dict[Status, int] = field(default_factory=lambda: dict.fromkeys(Status, 0))

    @property
    def total(self) -> int:
        """All of the unit's tasks."""
        return sum(self.counts.values())


def counts_by_unit(s: Session, today: dt.date, visible: frozenset[int] | None = None) -> list[UnitCounts]:
    """Per-unit counts of the confirmed tasks in the four statuses, units with most overdue first.

    Two grouped counts: every confirmed task (read from the covering index
    ``ix_tasks_unit_status``, no join), less the tasks of removed documents.
    """
    st = status_sql(Task.deadline, Task.completed_on, today)
    q = (
        select(Task.unit_id, st, func.count())
        .where(Task.confirmed_at.is_not(None))
        .group_by(Task.unit_id, st)
    )
    if visible is not None:
        q = q.where(Task.unit_id.in_(visible))
    gone = q.join(DocumentRow, DocumentRow.id == Task.document_id).where(DocumentRow.deleted_at.is_not(None))
    counts: dict[int | None, dict[Status, int]] = {}
    for sign, query in ((1, q), (-1, gone)):
        for uid, sv, n in s.execute(query):
            c = counts.setdefault(uid, dict.fromkeys(Status, 0))
            c[Status(sv)] += sign * n
    names = dict(
        s.execute(select(Unit.id, Unit.name).where(Unit.id.in_([u for u in counts if u is not None]))).all()
    )
    out = [
        UnitCounts(uid, names.get(uid) or "(chưa xác định đơn vị)", c)
        for uid, c in counts.items()
        if any(c.values())
    ]
    return sorted(out, key=lambda u: (-u.counts[Status.OVERDUE], -u.total, u.name))


def totals(rows: Iterable[UnitCounts]) -> dict[Status, int]:
    """The four counts summed over units."""
    t = dict.fromkeys(Status, 0)
    for r in rows:
        for k, v in r.counts.items():
            t[k] += v
    return t


@dataclass(frozen=True)
class TrendPoint:
    """One month: tasks completed on time and late during it, and overdue at its end."""

    label: str
    on_time: int
    late: int
    overdue: int


def trend(
    s: Session, today: dt.date, months: int = 12, visible: frozenset[int] | None = None
) -> list[TrendPoint]:
    """The last ``months`` months up to ``today`` (confirmed tasks), from one query: the tasks completed since the
    first month began, and those open or completed after it with a deadline before today (the
    only ones that can be overdue at a month's end); removed documents' tasks left out."""
    first = add_months(today.replace(day=1), -(months - 1))
    q = select(Task.deadline, Task.completed_on, Task.created_at).where(
        Task.document_id.not_in(removed_documents()),
        Task.confirmed_at.is_not(None),
        or_(
            Task.completed_on >= first,
            and_(Task.deadline < today, or_(Task.completed_on.is_(None), Task.completed_on > first)),
        ),
    )
    if visible is not None:
        q = q.where(Task.unit_id.in_(visible))
    starts = [add_months(first, k) for k in range(months)]
    ends = [min(add_months(a, 1) - dt.timedelta(days=1), today) for a in starts]
    on_time, late, delta = [0] * months, [0] * months, [0] * (months + 1)
    for deadline, completed, created in s.execute(q):
        if completed is not None and first <= completed <= today:
            k = bisect.bisect_right(starts, completed) - 1  # the month it was completed in
            if status(deadline, completed, ends[k]) is Status.DONE_ON_TIME:
                on_time[k] += 1
            else:
                late[k] += 1
        if deadline is None:
            continue
        # overdue at the end e of month k: deadline < e, created by e, not completed by e
        lo = max(bisect.bisect_right(ends, deadline), bisect.bisect_left(ends, created.date()))
        hi = months if completed is None else bisect.bisect_left(ends, completed)
        if lo < hi:
            delta[lo] += 1
            delta[hi] -= 1
    overdue = list(itertools.accumulate(delta[:months]))
    return [TrendPoint(f"{a.month}/{a.year}", on_time[k], late[k], overdue[k]) for k, a in enumerate(starts)]


def due_soon_tasks(
    s: Session, today: dt.date, visible: frozenset[int] | None = None, limit: int = 50
) -> list:
    """Open tasks due within 7 days, soonest first, with their warning level."""
    q = task_select(today, visible, due_between=(today, today + dt.timedelta(days=7)), limit=limit)
    return [(row, due_soon(row[0].deadline, None, today)) for row in s.execute(q).all()]


@dataclass
class ChainNode:
    """A document in a directive's chain, its tasks (with reports) and the documents implementing it."""

    key: str
    doc: DocumentRow | None
    relation: str | None
    number: str | None
    title: str | None
    tasks: list[tuple[Task, Unit | None, Status, list[Report]]] = field(default_factory=list)
    children: list[ChainNode] = field(default_factory=list)


def chain(
    s: Session, key: str, today: dt.date, visible: frozenset[int] | None = None, max_depth: int = 6
) -> ChainNode:
    """The directive with citation key ``key`` and everything implementing it, down the chain."""
    n = directive_key(key)
    doc = s.scalar(
        select(DocumentRow)
        .where(DocumentRow.deleted_at.is_(None), or_(DocumentRow.key == key, DocumentRow.number_key == n))
        .limit(1)
    )
    cite = s.scalar(
        select(CitationRow).where(or_(CitationRow.key == n, CitationRow.key.like(f"{n}@%"))).limit(1)
    )
    root = ChainNode(
        key=n,
        doc=doc,
        relation=None,
        number=(doc.number if doc else None) or (cite.number if cite else n),
        title=(doc.subject if doc else None) or (cite.title if cite else None),
    )
    report_docs = set(s.scalars(select(Report.document_id).where(Report.document_id.is_not(None))))
    seen: set[int] = {doc.id} if doc else set()
    _fill(s, root, today, visible)
    todo = [(root, 0)]
    while todo:
        node, depth = todo.pop(0)
        if depth >= max_depth:
            continue
        keys = {node.key} | ({directive_key(node.doc.key)} if node.doc and node.doc.key else set())
        for k in keys:
            for d, rel in citing_documents(s, k):
                if d.id in seen or d.id in report_docs:
                    continue
                seen.add(d.id)
                child = ChainNode(directive_key(d.key or f"doc:{d.id}"), d, rel, d.number, d.subject)
                _fill(s, child, today, visible)
                node.children.append(child)
                todo.append((child, depth + 1))
    return root


def _fill(s: Session, node: ChainNode, today: dt.date, visible: frozenset[int] | None) -> None:
    if node.doc is None:
        return
    q = task_select(today, visible, document_id=node.doc.id).options(selectinload(Task.reports))
    for t, u, _d, st in s.execute(q).all():
        node.tasks.append((t, u, Status(st), list(t.reports)))


def walk(node: ChainNode) -> Iterable[ChainNode]:
    """Every node of a chain, depth first."""
    yield node
    for c in node.children:
        yield from walk(c)
