"""Tasks from documents, the clerk's confirmation, reports back and their automatic linking.

Works over the archive's session and its ``documents`` rows (their stored record is the
parsed ``Document.to_dict()``): the tracker never parses, the archive does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from ..store.models import CitationRow, DocumentRow
from ..units import is_collective
from . import audit, registry
from .models import Report, Task, Unit, utcnow
from .recurrence import RECURRENCES, expand

ROLES: dict[str, str] = {"lead": "Chủ trì", "coordinate": "Phối hợp", "execute": "Thực hiện"}
REPORT_RELATIONS = frozenset({"reports", "responds"})
HORIZON_DAYS = 366  # recurring duties get one task per period for a year from the document's date


def directive_key(key: str) -> str:
    """A citation key without its ``@year`` (citations without a date carry none)."""
    return key.split("@", 1)[0]


def is_report(rec: dict[str, Any]) -> bool:
    """A Báo cáo (a report back) rather than a document that assigns work."""
    return (rec.get("doc_type") or "").lower() == "báo cáo"


class Tracker:
    """The tracking operations on one session; ``today`` fixes the date for tests."""

    def __init__(self, s: Session, today: dt.date | None = None) -> None:
        self.s = s
        self.today = today or dt.date.today()

    # --- tasks from documents -------------------------------------------------------------

    def on_document_added(self, doc: DocumentRow, user_id: int | None) -> tuple[list[Task], list[Report]]:
        """Track a newly added document: its assignments become tasks, a report links to its task."""
        rec = doc.record or {}
        tasks = [] if is_report(rec) else self.tasks_from_document(doc, user_id)
        return tasks, self.link_report(doc, user_id)

    def tasks_from_document(self, doc: DocumentRow, user_id: int | None) -> list[Task]:
        """One task per matched unit (collectives expanded) per extracted assignment; idempotent."""
        if self.s.scalar(select(Task.id).where(Task.document_id == doc.id).limit(1)) is not None:
            return []
        rec = doc.record or {}
        issuer = registry.ensure(self.s, rec["issuer"], user_id=user_id) if rec.get("issuer") else None
        made: list[Task] = []
        for i, t in enumerate(rec.get("tasks") or []):
            seen: set[int] = set()
            deadline = dt.date.fromisoformat(t["deadline"]) if t.get("deadline") else None
            span = t.get("span") or [None, None]
            for name in t.get("assignees") or []:
                unit = registry.find(self.s, name) or registry.ensure(
                    self.s,
                    name,
                    parent=issuer,
                    kind="group" if is_collective(name) else None,
                    user_id=user_id,
                )
                role = (t.get("roles") or {}).get(name, "execute")
                for u in registry.expand(self.s, unit):
                    if u.id in seen:
                        continue
                    seen.add(u.id)
                    made += self._create(
                        doc,
                        index=i,
                        unit=u,
                        assignee=name,
                        via=unit if unit.id != u.id else None,
                        role=role if role in ROLES else "execute",
                        action=t.get("action") or "",
                        span=(span[0], span[1]),
                        deadline=deadline,
                        deadline_text=None,
                        recurrence=t.get("recurrence") if t.get("recurrence") in RECURRENCES else None,
                        user_id=user_id,
                    )
        return made

    def _create(
        self,
        doc: DocumentRow,
        *,
        index: int,
        unit: Unit,
        assignee: str,
        via: Unit | None,
        role: str,
        action: str,
        span: tuple[int | None, int | None],
        deadline: dt.date | None,
        deadline_text: str | None,
        recurrence: str | None,
        user_id: int | None,
    ) -> list[Task]:
        base = {
            "document_id": doc.id,
            "task_index": index,
            "unit_id": unit.id,
            "assignee": assignee,
            "via_group_id": via.id if via else None,
            "role": role,
            "action": action,
            "span_start": span[0],
            "span_end": span[1],
            "deadline_text": deadline_text,
        }
        if not recurrence:
            t = Task(**base, deadline=deadline)
            self.s.add(t)
            self.s.flush()
            audit.log(self.s, user_id, "create", "task", t.id, None, audit.snapshot(t))
            return [t]
        head = Task(**base, recurrence=recurrence)
        return self._series(head, doc.date or self.today, deadline, user_id)

    def _series(self, head: Task, start: dt.date, anchor: dt.date | None, user_id: int | None) -> list[Task]:
        """Give ``head`` the first period of its recurrence and create one task per later period."""
        assert head.recurrence
        periods = expand(head.recurrence, anchor, start, start + dt.timedelta(days=HORIZON_DAYS))
        head.deadline, head.period = periods[0].deadline, periods[0].label
        self.s.add(head)
        self.s.flush()
        out = [head]
        cols = ("document_id", "task_index", "unit_id", "assignee", "via_group_id", "role", "action")
        for p in periods[1:]:
            t = Task(
                **{c: getattr(head, c) for c in cols},
                span_start=head.span_start,
                span_end=head.span_end,
                deadline_text=head.deadline_text,
                recurrence=head.recurrence,
                deadline=p.deadline,
                period=p.label,
                series_id=head.id,
                confirmed_at=head.confirmed_at,
                confirmed_by=head.confirmed_by,
            )
            self.s.add(t)
            out.append(t)
        self.s.flush()
        for t in out:
            audit.log(self.s, user_id, "create", "task", t.id, None, audit.snapshot(t))
        return out

    # --- the clerk's confirmation ---------------------------------------------------------

    def confirm(
        self,
        task: Task,
        user_id: int | None,
        *,
        unit_id: int | None,
        role: str,
        deadline: dt.date | None,
        recurrence: str | None,
    ) -> Task:
        """Confirm (and correct) a task: assignee, lead/coordinating, deadline, recurrence.

        Changing the recurrence or the deadline of a recurring task regenerates its later
        periods (those without a report).
        """
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        if recurrence is not None and recurrence not in RECURRENCES:
            raise ValueError(f"unknown recurrence {recurrence!r}")
        if unit_id is not None and self.s.get(Unit, unit_id) is None:
            raise ValueError(f"unknown unit {unit_id}")
        before = audit.snapshot(task)
        reshape = recurrence != task.recurrence or (recurrence is not None and deadline != task.deadline)
        task.unit_id, task.role = unit_id, role
        task.confirmed_at, task.confirmed_by = utcnow(), user_id
        if task.series_id is None:
            self.s.execute(
                delete(Task).where(
                    Task.series_id == task.id, ~Task.reports.any(), Task.completed_on.is_(None)
                )
            )
            self.s.flush()
            later = list(self.s.scalars(select(Task).where(Task.series_id == task.id)))
            for t in later:
                t.unit_id, t.role, t.confirmed_at, t.confirmed_by = unit_id, role, task.confirmed_at, user_id
        task.recurrence = recurrence
        if reshape and recurrence and task.series_id is None:
            doc = self.s.get(DocumentRow, task.document_id)
            start = (doc.date if doc and doc.date else None) or self.today
            self._series(task, start, deadline, user_id)
            self._dedupe_periods(task)
        else:
            task.deadline = deadline
            if not recurrence:
                task.period = None
        self.s.flush()
        audit.log(self.s, user_id, "confirm", "task", task.id, before, audit.snapshot(task))
        return task

    def _dedupe_periods(self, head: Task) -> None:
        """Drop regenerated periods that a kept (reported) period already covers."""
        rows = list(self.s.scalars(select(Task).where(Task.series_id == head.id).order_by(Task.id)))
        keep: dict[str | None, Task] = {head.period: head}
        for t in rows:
            if t.period in keep and not t.reports and t.completed_on is None:
                self.s.delete(t)
            else:
                keep.setdefault(t.period, t)
        self.s.flush()

    # --- reports back ---------------------------------------------------------------------

    def report(
        self,
        task: Task,
        user_id: int | None,
        *,
        note: str,
        final: bool,
        document_id: int | None = None,
        reported_on: dt.date | None = None,
        auto: bool = False,
    ) -> Report:
        """Record progress on ``task``; a final report completes it (on the day it is recorded)."""
        on = reported_on or self.today
        r = Report(
            task_id=task.id,
            user_id=user_id,
            document_id=document_id,
            note=note,
            final=final,
            reported_on=on,
            auto=auto,
        )
        self.s.add(r)
        before = audit.snapshot(task)
        if final and task.completed_on is None:
            task.completed_on = on
        self.s.flush()
        audit.log(self.s, user_id, "report", "report", r.id, None, audit.snapshot(r))
        if before != audit.snapshot(task):
            audit.log(self.s, user_id, "complete", "task", task.id, before, audit.snapshot(task))
        return r

    def cited_documents(self, doc: DocumentRow, relations: frozenset[str] | None = None) -> list[DocumentRow]:
        """The archived documents ``doc`` cites (optionally only by ``relations``)."""
        out: list[DocumentRow] = []
        for c in doc.citations:
            if relations is not None and c.relation not in relations:
                continue
            n = directive_key(c.key)
            target = self.s.scalar(
                select(DocumentRow)
                .where(
                    DocumentRow.deleted_at.is_(None),
                    DocumentRow.id != doc.id,
                    or_(DocumentRow.key == c.key, DocumentRow.number_key == n),
                )
                .order_by(DocumentRow.id)
                .limit(1)
            )
            if target is not None and target not in out:
                out.append(target)
        return out

    def link_report(self, doc: DocumentRow, user_id: int | None) -> list[Report]:
        """Link a report document to the open tasks it answers, when it cites the assigning document.

        The report's issuer must be (or be above) the unit of the task; each answered
        assignment gets its earliest open period completed.
        """
        rec = doc.record or {}
        rels = None if is_report(rec) else REPORT_RELATIONS
        if not rec.get("issuer"):
            return []
        unit = registry.find(self.s, rec["issuer"])
        if unit is None:
            return []
        units = registry.subtree(self.s, unit.id)
        out: list[Report] = []
        for target in self.cited_documents(doc, rels):
            already = select(Report.task_id).where(Report.document_id == doc.id)
            open_tasks = self.s.scalars(
                select(Task)
                .where(
                    Task.document_id == target.id,
                    Task.unit_id.in_(units),
                    Task.completed_on.is_(None),
                    Task.id.not_in(already),
                )
                .order_by(Task.task_index, func.coalesce(Task.deadline, dt.date.max), Task.id)
            ).all()
            done: set[tuple[int, int | None]] = set()
            for t in open_tasks:
                if (t.task_index, t.unit_id) in done:
                    continue
                done.add((t.task_index, t.unit_id))
                note = f"Tự động liên kết: {rec.get('doc_type') or 'văn bản'} {rec.get('number') or ''} trích dẫn văn bản giao nhiệm vụ."
                out.append(self.report(t, user_id, note=note, final=True, document_id=doc.id, auto=True))
        return out


def citing_documents(s: Session, key: str) -> list[tuple[DocumentRow, str]]:
    """Archived documents that cite the document with citation ``key`` (any year), with the relation."""
    n = directive_key(key)
    rows = s.execute(
        select(DocumentRow, CitationRow.relation)
        .join(CitationRow, CitationRow.document_id == DocumentRow.id)
        .where(DocumentRow.deleted_at.is_(None), or_(CitationRow.key == n, CitationRow.key.like(f"{n}@%")))
        .order_by(DocumentRow.date, DocumentRow.id)
    ).all()
    out: dict[int, tuple[DocumentRow, str]] = {}
    for d, rel in rows:
        out.setdefault(d.id, (d, rel))
    return list(out.values())
