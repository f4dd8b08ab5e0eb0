"""Reminders that reach people: notifications in the app and e-mail.

``remind(s, today)`` gives each open task with a deadline one notification per stage — 7, 3 and 1
days before it and the day after it passes (a stage missed while nothing ran is caught up with
the current one) — to each member of the task's unit; ``send_digests`` then mails each person
one digest a day of what they have not been mailed yet. ``chase`` (đôn đốc) notifies a task's
unit now, mails its members, and is logged on the task. Notifications are unique per user and
event, digests per user and day, so running twice (the app's scheduler and ``vanban remind``
from cron) sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..messages import msg
from ..store.models import DocumentRow
from ..track import audit
from ..track.models import Task, Unit, User, utcnow
from .models import Contact, Handover, Mail, Notification
from .settings import Smtp

__all__ = ["chase", "notify", "remind", "send_digests", "stage", "unit_members"]

STAGES = (7, 3, 1)  # days before the deadline
OVERDUE_WINDOW = 31  # days after a deadline within which a missed overdue notice is still given


def unit_members(s: Session, unit_id: int | None) -> list[User]:
    """The active users of a unit."""
    if unit_id is None:
        return []
    return list(
        s.scalars(select(User).where(User.unit_id == unit_id, User.active.is_(True)).order_by(User.id))
    )


def notify(
    s: Session,
    user_id: int,
    event: str,
    message: str,
    *,
    task_id: int | None = None,
    document_id: int | None = None,
) -> Notification | None:
    """Add a notification unless ``user_id`` already has one for ``event``."""
    found = s.scalar(
        select(Notification.id).where(Notification.user_id == user_id, Notification.event == event)
    )
    if found is not None:
        return None
    n = Notification(user_id=user_id, event=event, message=message, task_id=task_id, document_id=document_id)
    try:
        with s.begin_nested():
            s.add(n)
    except IntegrityError:  # another run added it at the same moment
        return None
    return n


def stage(deadline: dt.date, today: dt.date) -> str | None:
    """The reminder stage of a deadline today: ``due7``, ``due3``, ``due1``, ``overdue`` or none."""
    days = (deadline - today).days
    if days < 0:
        return "overdue"
    for k in sorted(STAGES):
        if days <= k:
            return f"due{k}"
    return None


def _describe(s: Session, task: Task) -> tuple[str, str]:
    doc = s.get(DocumentRow, task.document_id)
    return (doc.number if doc and doc.number else f"#{task.document_id}"), (task.action or "")[:200]


def remind(s: Session, today: dt.date) -> int:
    """Notify the members of each open task's unit of the stage it is in; the count added."""
    horizon = today + dt.timedelta(days=max(STAGES))
    since = today - dt.timedelta(days=OVERDUE_WINDOW)
    tasks = s.scalars(
        select(Task).where(Task.completed_on.is_(None), Task.deadline.between(since, horizon))
    ).all()
    added = 0
    for task in tasks:
        assert task.deadline is not None
        st = stage(task.deadline, today)
        if st is None:
            continue
        number, action = _describe(s, task)
        when = task.deadline.strftime("%d/%m/%Y")
        if st == "overdue":
            text = msg("desk.notify.overdue", deadline=when, action=action, number=number)
        else:
            text = msg(
                "desk.notify.due",
                days=(task.deadline - today).days,
                deadline=when,
                action=action,
                number=number,
            )
        for u in unit_members(s, task.unit_id):
            event = f"{st}:{task.id}:{task.deadline.isoformat()}"
            if notify(s, u.id, event, text, task_id=task.id, document_id=task.document_id):
                added += 1
    return added


@dataclass(frozen=True)
class Sent:
    """What a mail run did: mails sent, and the addresses that failed."""

    mails: int
    failed: tuple[str, ...] = ()


def _send(cfg: Smtp, to: str, subject: str, body: str) -> None:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = cfg.sender, to, subject
    m.set_content(body)
    with smtplib.SMTP(cfg.host, cfg.port, timeout=30) as smtp:
        if cfg.starttls:
            smtp.starttls()
        if cfg.user:
            smtp.login(cfg.user, cfg.password)
        smtp.send_message(m)


def _claim(s: Session, user_id: int, kind: str, key: str, to: str, subject: str) -> Mail | None:
    """Record a mail before sending it; ``None`` when it was already sent."""
    m = Mail(user_id=user_id, kind=kind, key=key, to=to, subject=subject, sent_at=utcnow())
    try:
        with s.begin_nested():
            s.add(m)
    except IntegrityError:
        return None
    return m


def send_digests(s: Session, cfg: Smtp | None, today: dt.date) -> Sent:
    """One mail per person and day with the notifications not mailed yet (committed per mail,
    so a failure leaves the rest for the next run)."""
    if cfg is None:
        return Sent(0)
    rows = s.execute(
        select(Notification, Contact.email)
        .join(Contact, Contact.user_id == Notification.user_id)
        .where(Notification.mail_id.is_(None), ~Notification.event.startswith("chase:"))
        .order_by(Notification.user_id, Notification.id)
    ).all()
    by_user: dict[int, tuple[str, list[Notification]]] = {}
    for n, email in rows:
        by_user.setdefault(n.user_id, (email, []))[1].append(n)
    sent, failed = 0, []
    for user_id, (email, notes) in by_user.items():
        user = s.get(User, user_id)
        subject = msg("desk.mail.digest_subject", day=today.strftime("%d/%m/%Y"), n=len(notes))
        mail = _claim(s, user_id, "digest", today.isoformat(), email, subject)
        if mail is None:  # today's digest went out already: these wait for tomorrow's
            continue
        for n in notes:
            n.mail_id = mail.id
        s.commit()  # claimed before sending: no lock held while the SMTP server answers
        body = msg("desk.mail.digest_head", name=user.full_name if user else "")
        body += "".join(f"- {n.message}\n" for n in notes) + msg("desk.mail.digest_foot")
        try:
            _send(cfg, email, subject, body)
        except (OSError, smtplib.SMTPException) as exc:
            _unclaim(s, mail, notes)
            failed.append(msg("desk.mail_failed", to=email, error=exc))
            continue
        sent += 1
    return Sent(sent, tuple(failed))


def _unclaim(s: Session, mail: Mail, notes: list[Notification]) -> None:
    """Give a mail that could not be sent back to the next run."""
    for n in notes:
        n.mail_id = None
    s.delete(mail)
    s.commit()


def chase(s: Session, task: Task, by: User, cfg: Smtp | None, note: str = "") -> list[User]:
    """Đôn đốc: notify and mail the members of ``task``'s unit now; logged on the task's trail."""
    unit = s.get(Unit, task.unit_id) if task.unit_id else None
    h = Handover(
        document_id=task.document_id,
        action="chase",
        from_user_id=by.id,
        to_unit_id=task.unit_id,
        task_id=task.id,
        note=note or msg("desk.trail.chased", unit=unit.name if unit else ""),
    )
    s.add(h)
    s.flush()
    audit.log(s, by.id, "chase", "task", task.id, None, {"note": h.note, "handover": h.id})
    number, action = _describe(s, task)
    when = task.deadline.strftime("%d/%m/%Y") if task.deadline else msg("desk.notify.no_deadline")
    text = msg(
        "desk.notify.chase",
        who=by.full_name,
        action=action,
        number=number,
        deadline=when,
        note=f" — {note}" if note else "",
    )
    members = unit_members(s, task.unit_id)
    for u in members:
        notify(s, u.id, f"chase:{h.id}", text, task_id=task.id, document_id=task.document_id)
    s.commit()
    if cfg is None:
        return members
    subject = msg("desk.mail.chase_subject", number=number)
    for u in members:
        email = s.scalar(select(Contact.email).where(Contact.user_id == u.id))
        mail = _claim(s, u.id, "chase", str(h.id), email, subject) if email else None
        if mail is None:
            continue
        s.commit()
        try:
            _send(cfg, email, subject, text)
        except (OSError, smtplib.SMTPException):
            _unclaim(s, mail, [])
    return members
