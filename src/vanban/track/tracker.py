"""Tasks from documents, the clerk's confirmation, reports back and their automatic linking.

Works over the archive's session and its ``documents`` rows (their stored record is the
parsed ``Document.to_dict()``): the tracker never parses, the archive does.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from ..messages import msg
from ..model import Document, Role
from ..normalize import fold
from ..rules import table
from ..store.models import CitationRow, DocTextRow, DocumentRow
from . import audit, orgs, registry
from .models import Report, Task, TrackedDocument, Unit, utcnow
from .recurrence import RECURRENCES, Period, canonical, expand

ROLES: dict[str, str] = {"lead": "Chủ trì", "coordinate": "Phối hợp", "execute": "Thực hiện"}
REPORT_RELATIONS = frozenset({"reports", "responds"})
PERIOD_WINDOW = 400  # days: the longest period (a year) and some, to find the next one in


def directive_key(key: str) -> str:
    """A citation key without its ``@year`` (citations without a date carry none)."""
    return key.split("@", 1)[0]


def document_of(row: DocumentRow) -> Document | None:
    """The stored record of ``row`` as the parsed ``Document`` (None for a file not read)."""
    return Document.from_dict(row.record) if row.record else None


def is_report(doc: Document | None) -> bool:
    """A Báo cáo (a report back) rather than a document that assigns work."""
    return doc is not None and doc.doc_type is not None and doc.doc_type.value.lower() == "báo cáo"


class Tracker:
    """The tracking operations on one session; ``today`` fixes the date for tests."""

    def __init__(self, s: Session, today: dt.date | None = None) -> None:
        self.s = s
        self.today = today or dt.date.today()

    # --- tasks from documents -------------------------------------------------------------

    def tasks_from_document(self, doc: DocumentRow, user_id: int | None) -> list[Task]:
        """Proposals: one per unit of the organisation (collectives expanded) per extracted
        assignment; idempotent. Assignments to bodies outside the organisation make none and are
        recorded on the document (``TrackedDocument.elsewhere``)."""
        if self.s.get(TrackedDocument, doc.id) is not None or self.s.scalar(
            select(Task.id).where(Task.document_id == doc.id).limit(1)
        ):
            return []
        rec = document_of(doc)
        own_org = orgs.has_organisation(self.s)
        issuer = self._issuer(rec, own_org, user_id)
        made: list[Task] = []
        elsewhere: list[dict[str, Any]] = []
        for i, t in enumerate(rec.tasks if rec else ()):
            seen: set[int] = set()
            recurrence = t.deadline.recurrence.value if t.deadline and t.deadline.recurrence else None
            outside: list[str] = []
            for a in t.assignees:
                name = a.name
                where = orgs.place(self.s, name, issuer, own_org, user_id)
                if where.elsewhere:
                    outside.append(name)
                for u in where.units:
                    if u.id in seen:
                        continue
                    seen.add(u.id)
                    made.append(
                        self._create(
                            doc,
                            index=i,
                            unit=u,
                            assignee=name,
                            via=where.via if where.via is not None and where.via.id != u.id else None,
                            role=a.role.value if a.role in ROLES else Role.execute.value,
                            action=t.action.value,
                            span=t.action.span,
                            deadline=t.deadline.explicit if t.deadline else None,
                            recurrence=canonical(recurrence)
                            if recurrence and canonical(recurrence) in RECURRENCES
                            else None,
                            user_id=user_id,
                        )
                    )
            if outside:
                elsewhere.append({"index": i, "names": outside, "action": t.action.value[:300]})
        self.s.add(TrackedDocument(document_id=doc.id, elsewhere=elsewhere or None))
        self.s.flush()
        return made

    def _issuer(self, rec: Document | None, own_org: bool, user_id: int | None) -> Unit | None:
        """The issuing unit: found in the registry; created only for a tracker without one."""
        name = rec.issuer.value if rec and rec.issuer else None
        if not name:
            return None
        unit = registry.find(self.s, name)
        if unit is None and not own_org:
            unit = registry.ensure(self.s, name, user_id=user_id)
        return unit

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
        recurrence: str | None,
        user_id: int | None,
        confirmed: bool = False,
    ) -> Task:
        """One task (a proposal unless ``confirmed``); a confirmed recurring one gets its periods."""
        t = Task(
            document_id=doc.id,
            task_index=index,
            unit_id=unit.id,
            assignee=assignee,
            via_group_id=via.id if via else None,
            role=role,
            action=action,
            span_start=span[0],
            span_end=span[1],
            deadline=deadline,
            recurrence=recurrence,
        )
        if confirmed:
            t.confirmed_at, t.confirmed_by = utcnow(), user_id
        self.s.add(t)
        self.s.flush()
        audit.log(self.s, user_id, "create", "task", t.id, None, audit.snapshot(t))
        if confirmed and recurrence:
            self._start_series(t, user_id)
        return t

    def assign(
        self,
        doc: DocumentRow,
        unit: Unit,
        user_id: int | None,
        *,
        role: str = "lead",
        deadline: dt.date | None = None,
        note: str = "",
        recurrence: str | None = None,
    ) -> Task:
        """A confirmed task from a leader's assignment (routing a document to a unit): it needs
        no second confirmation. ``ValueError`` for an unknown role or recurrence."""
        if role not in ROLES:
            raise ValueError(msg("track.bad_role", role=role))
        recurrence = canonical(recurrence) if recurrence is not None else None
        if recurrence is not None and recurrence not in RECURRENCES:
            raise ValueError(msg("track.bad_recurrence", recurrence=recurrence))
        index = -1 - (
            self.s.scalar(select(func.count()).where(Task.document_id == doc.id, Task.task_index < 0)) or 0
        )
        return self._create(
            doc,
            index=index,
            unit=unit,
            assignee=unit.name,
            via=None,
            role=role,
            action=note.strip() or (doc.subject or ""),
            span=(None, None),
            deadline=deadline,
            recurrence=recurrence,
            user_id=user_id,
            confirmed=True,
        )

    # --- recurring duties: periods from the confirmation on, as time passes ----------------

    def _start_series(self, head: Task, user_id: int | None) -> None:
        """Make ``head`` the first period due on or after today (its deadline, if any, is the
        anchor: the weekday or the day of the month), then the periods already due."""
        assert head.recurrence
        first = self._next_period(head, self.today)
        head.deadline, head.period = first.deadline, first.label
        self.s.flush()
        self._extend(head, user_id)

    @staticmethod
    def _next_period(head: Task, start: dt.date) -> Period:
        """The first period of ``head``'s duty due on or after ``start``, its day anchored by
        ``head.deadline`` (the weekday, or the day of the month) when it has one."""
        assert head.recurrence
        return expand(head.recurrence, head.deadline, start, start + dt.timedelta(days=PERIOD_WINDOW))[0]

    def _extend(self, head: Task, user_id: int | None) -> list[Task]:
        """Create the periods of ``head``'s series up to the first one due on or after today."""
        assert head.recurrence and head.deadline
        last = self.s.scalar(
            select(func.max(Task.deadline)).where(or_(Task.id == head.id, Task.series_id == head.id))
        )
        out: list[Task] = []
        cols = ("document_id", "task_index", "unit_id", "assignee", "via_group_id", "role", "action")
        while last is not None and last < self.today:
            p = self._next_period(head, last + dt.timedelta(days=1))
            t = Task(
                **{c: getattr(head, c) for c in cols},
                span_start=head.span_start,
                span_end=head.span_end,
                recurrence=head.recurrence,
                deadline=p.deadline,
                period=p.label,
                series_id=head.id,
                confirmed_at=head.confirmed_at,
                confirmed_by=head.confirmed_by,
            )
            self.s.add(t)
            out.append(t)
            last = p.deadline
        self.s.flush()
        for t in out:
            audit.log(self.s, user_id, "create", "task", t.id, None, audit.snapshot(t))
        return out

    def advance(self) -> list[Task]:
        """As time passes: every confirmed recurring duty gets its periods up to today's (one
        query finds the series whose last period is past; usually none)."""
        last = (
            select(
                func.coalesce(Task.series_id, Task.id).label("head"), func.max(Task.deadline).label("last")
            )
            .where(Task.recurrence.is_not(None), Task.confirmed_at.is_not(None))
            .group_by(func.coalesce(Task.series_id, Task.id))
            .subquery()
        )
        heads = self.s.scalars(
            select(Task)
            .join(last, last.c.head == Task.id)
            .where(last.c.last < self.today, Task.series_id.is_(None))
        ).all()
        return [t for h in heads for t in self._extend(h, None)]

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
        """Confirm (and correct) a task: unit, lead/coordinating, deadline, recurrence.

        A recurring duty gets its periods from today on (the deadline, if any, anchors their
        day); changing the recurrence or the deadline regenerates the later periods without a
        report. ``ValueError`` (a message for the user) on a bad value.
        """
        if role not in ROLES:
            raise ValueError(msg("track.bad_role", role=role))
        recurrence = canonical(recurrence) if recurrence is not None else None
        if recurrence is not None and recurrence not in RECURRENCES:
            raise ValueError(msg("track.bad_recurrence", recurrence=recurrence))
        if unit_id is not None and self.s.get(Unit, unit_id) is None:
            raise ValueError(msg("track.unknown_unit", unit=unit_id))
        before = audit.snapshot(task)
        fresh = task.confirmed_at is None
        reshape = (
            fresh or recurrence != task.recurrence or (recurrence is not None and deadline != task.deadline)
        )
        task.unit_id, task.role = unit_id, role
        if fresh:
            task.confirmed_at, task.confirmed_by = utcnow(), user_id
        if task.series_id is None:
            if reshape:
                self.s.execute(
                    delete(Task).where(
                        Task.series_id == task.id, ~Task.reports.any(), Task.completed_on.is_(None)
                    )
                )
                self.s.flush()
            for t in self.s.scalars(select(Task).where(Task.series_id == task.id)):
                t.unit_id, t.role = unit_id, role
        task.recurrence, task.deadline = recurrence, deadline
        if recurrence and reshape and task.series_id is None:
            self._start_series(task, user_id)
            self._dedupe_periods(task)
        elif not recurrence:
            task.period = None
        self.s.flush()
        audit.log(self.s, user_id, "confirm", "task", task.id, before, audit.snapshot(task))
        if fresh:
            for rd in self._earlier_reports(task):
                self.link_report(rd, user_id, tasks=[task])
        return task

    def _earlier_reports(self, task: Task) -> list[DocumentRow]:
        """Báo cáo already archived from the task's unit that cite its document (a report added
        before the clerk confirmed): they answer it now, in the order of their dates."""
        doc = self.s.get(DocumentRow, task.document_id)
        if doc is None or not doc.key:
            return []
        keys = {k for k in (doc.key, doc.number_key) if k}
        rows = self.s.scalars(
            select(DocumentRow)
            .join(CitationRow, CitationRow.document_id == DocumentRow.id)
            .where(CitationRow.key.in_(keys), DocumentRow.deleted_at.is_(None), DocumentRow.id != doc.id)
            .order_by(DocumentRow.date, DocumentRow.id)
        ).unique()
        out = []
        for rd in rows:
            rec = document_of(rd)
            unit = registry.find(self.s, rec.issuer.value) if rec and is_report(rec) and rec.issuer else None
            if unit is not None and unit.id == task.unit_id and task.completed_on is None:
                out.append(rd)
        return out

    def confirm_as_is(self, tasks: list[Task], user_id: int | None) -> list[Task]:
        """Confirm proposals as extracted (all of a document's at once, or the ids given)."""
        return [
            self.confirm(
                t, user_id, unit_id=t.unit_id, role=t.role, deadline=t.deadline, recurrence=t.recurrence
            )
            for t in tasks
            if t.confirmed_at is None
        ]

    def reject(self, task: Task, user_id: int | None) -> None:
        """Drop a proposal (the audit log keeps it); ``ValueError`` for a confirmed task."""
        if task.confirmed_at is not None:
            raise ValueError(msg("track.reject_confirmed", id=task.id))
        audit.log(self.s, user_id, "reject", "task", task.id, audit.snapshot(task), None)
        self.s.delete(task)
        self.s.flush()

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
        """Record progress on ``task``; a final report completes it on ``reported_on`` (the
        report's own date; today when it has none)."""
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

    def answered_tasks(self, doc: DocumentRow, as_report: bool = False) -> list[Task]:
        """The confirmed open tasks a report document answers: those of its issuing unit (that
        unit only) in the documents it cites (any citation when it is a Báo cáo or ``as_report``,
        else only ``báo cáo``/``trả lời`` ones), not yet linked to it; of a recurring duty, the
        earliest open period."""
        rec = document_of(doc)
        unit = registry.find(self.s, rec.issuer.value) if rec and rec.issuer else None
        if unit is None:
            return []
        targets = self.cited_documents(doc, None if as_report or is_report(rec) else REPORT_RELATIONS)
        if not targets:
            return []
        already = select(Report.task_id).where(Report.document_id == doc.id)
        rows = self.s.scalars(
            select(Task)
            .where(
                Task.document_id.in_([d.id for d in targets]),
                Task.unit_id == unit.id,
                Task.confirmed_at.is_not(None),
                Task.completed_on.is_(None),
                Task.id.not_in(already),
            )
            .order_by(Task.document_id, Task.task_index, func.coalesce(Task.deadline, dt.date.max), Task.id)
        ).all()
        seen: set[tuple[int, int, int | None]] = set()
        out = []
        for t in rows:
            k = (t.document_id, t.task_index, t.series_id or (t.id if t.recurrence else None))
            if t.recurrence and k in seen:
                continue
            seen.add(k)
            out.append(t)
        return out

    def link_report(
        self, doc: DocumentRow, user_id: int | None, *, tasks: list[Task] | None = None, final: bool = False
    ) -> list[Report]:
        """Link a report document to the tasks it answers (``tasks``, or :meth:`answered_tasks`).

        Each gets a report dated by the document's own date (the upload date only when it has
        none); the report is final — the task completed on that date — when ``final`` or when
        the document says the work is done (:func:`says_done`), interim otherwise.
        """
        rec = document_of(doc)
        answered = self.answered_tasks(doc) if tasks is None else tasks
        if not answered:
            return []
        text = self.s.get(DocTextRow, doc.id)
        subject = rec.subject.value if rec and rec.subject else ""
        done = final or says_done(subject, text.text if text else "")
        on = doc.date or self.today
        doc_type = rec.doc_type.value if rec and rec.doc_type else None
        number = rec.number.value if rec and rec.number else None
        label = " ".join(x for x in (doc_type or "Văn bản", number) if x)
        note = msg("track.report_note_final" if done else "track.report_note_interim", document=label)
        return [
            self.report(
                t, user_id, note=note, final=done, document_id=doc.id, reported_on=on, auto=tasks is None
            )
            for t in answered
        ]


@cache
def _report_cues() -> tuple[tuple[str, ...], tuple[str, ...]]:
    t = table("track")["report"]
    return tuple(t["done"]), tuple(t["ongoing"])


def says_done(subject: str, text: str) -> bool:
    """A report says the work is done: a done phrase (``đã hoàn thành``, ``kết quả thực hiện``)
    in its subject or text, and no phrase saying it goes on (``tiến độ``, ``sơ kết`` in the
    subject; ``chưa hoàn thành``, ``đang triển khai`` anywhere)."""
    done, ongoing = _report_cues()
    subject = fold(subject).lower()
    body = fold(text).lower()
    if any(c in subject for c in ongoing) or any(c in body for c in ongoing[:3]):
        return False
    return any(c in subject or c in body for c in done)


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
