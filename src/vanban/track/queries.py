"""Read-side queries: task lists with their computed status, per-unit counts, the overdue
list, the trend, and the directive chain (a directive, the documents implementing it down
the chain, their tasks and reports)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from ..store.models import CitationRow, DocumentRow
from .models import Report, Task, Unit
from .recurrence import add_months
from .status import Status, due_soon, status, status_sql, status_where
from .tracker import citing_documents, directive_key


def task_select(
    today: dt.date,
    visible: frozenset[int] | None,
    *,
    unit_id: int | None = None,
    document_id: int | None = None,
    status_: Status | None = None,
    document_ids: Iterable[int] | None = None,
) -> Select:
    """Tasks (with their unit and document) a user may see, filtered, with a ``status`` column."""
    st = status_sql(Task.deadline, Task.completed_on, today).label("status")
    q = (
        select(Task, Unit, DocumentRow, st)
        .outerjoin(Unit, Unit.id == Task.unit_id)
        .join(DocumentRow, DocumentRow.id == Task.document_id)
        .where(DocumentRow.deleted_at.is_(None))
    )
    if visible is not None:
        q = q.where(Task.unit_id.in_(visible))
    if unit_id is not None:
        q = q.where(Task.unit_id == unit_id)
    if document_id is not None:
        q = q.where(Task.document_id == document_id)
    if document_ids is not None:
        q = q.where(Task.document_id.in_(list(document_ids)))
    if status_ is not None:
        q = q.where(status_where(status_, Task.deadline, Task.completed_on, today))
    return q.order_by(func.coalesce(Task.deadline, dt.date.max), Task.id)


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
    """Per-unit counts in the four statuses, units with most overdue first."""
    st = status_sql(Task.deadline, Task.completed_on, today)
    q = (
        select(Task.unit_id, Unit.name, st, func.count())
        .outerjoin(Unit, Unit.id == Task.unit_id)
        .join(DocumentRow, DocumentRow.id == Task.document_id)
        .where(DocumentRow.deleted_at.is_(None))
        .group_by(Task.unit_id, Unit.name, st)
    )
    if visible is not None:
        q = q.where(Task.unit_id.in_(visible))
    out: dict[int | None, UnitCounts] = {}
    for uid, name, sv, n in s.execute(q):
        out.setdefault(uid, UnitCounts(uid, name or "(chưa xác định đơn vị)")).counts[Status(sv)] += n
    return sorted(out.values(), key=lambda u: (-u.counts[Status.OVERDUE], -u.total, u.name))


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
    """The last ``months`` months up to ``today``."""
    first = add_months(today.replace(day=1), -(months - 1))
    alive = DocumentRow.deleted_at.is_(None)
    done_q = (
        select(Task.deadline, Task.completed_on)
        .join(DocumentRow, DocumentRow.id == Task.document_id)
        .where(alive, Task.completed_on >= first)
    )
    if visible is not None:
        done_q = done_q.where(Task.unit_id.in_(visible))
    done = s.execute(done_q).all()
    out = []
    for k in range(months):
        start = add_months(first, k)
        end = min(add_months(start, 1) - dt.timedelta(days=1), today)
        on_time = late = 0
        for deadline, completed in done:
            if start <= completed <= end:
                if status(deadline, completed, end) is Status.DONE_ON_TIME:
                    on_time += 1
                else:
                    late += 1
        oq = (
            select(func.count())
            .select_from(Task)
            .join(DocumentRow, DocumentRow.id == Task.document_id)
            .where(
                alive,
                Task.created_at < end + dt.timedelta(days=1),
                Task.deadline < end,
                or_(Task.completed_on.is_(None), Task.completed_on > end),
            )
        )
        if visible is not None:
            oq = oq.where(Task.unit_id.in_(visible))
        out.append(TrendPoint(f"{start.month}/{start.year}", on_time, late, s.scalar(oq) or 0))
    return out


def due_soon_tasks(
    s: Session, today: dt.date, visible: frozenset[int] | None = None, limit: int = 50
) -> list:
    """Open tasks due within 7 days, soonest first, with their warning level."""
    q = task_select(today, visible).where(
        Task.completed_on.is_(None),
        and_(Task.deadline >= today, Task.deadline <= today + dt.timedelta(days=7)),
    )
    return [(row, due_soon(row[0].deadline, None, today)) for row in s.execute(q.limit(limit)).all()]


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
    for t, u, _d, st in s.execute(task_select(today, visible, document_id=node.doc.id)).all():
        node.tasks.append((t, u, Status(st), list(t.reports)))


def walk(node: ChainNode) -> Iterable[ChainNode]:
    """Every node of a chain, depth first."""
    yield node
    for c in node.children:
        yield from walk(c)
