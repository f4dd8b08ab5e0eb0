"""The life of an item: submitted (a tracking code), classified and assigned to a unit (due date
in working days), drafted by the unit, approved by the leader (answer sent, the item complete),
published with personal data removed, or withdrawn. Every step is audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, load_only

from ..cite import canonical_key
from ..messages import msg
from ..normalize import fold
from ..store.models import DocumentRow
from ..track import audit
from ..track.models import Unit, utcnow
from ..track.queries import UnitCounts
from ..track.status import DUE_SOON_DAYS, Status, due_soon, status, status_sql
from .attachments import Checked
from .calendar import due_date
from .mail import Mailer
from .models import Feedback, FeedbackFile
from .redact import Person, redact
from .rules import rules

STATES = ("new", "assigned", "drafted", "answered")
KINDS = ("phan_anh", "kien_nghi")
ABOUT = ("", "procedure", "unit", "document")
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
_CODE = re.compile(r"PA-[A-Z0-9]{5}-[A-Z0-9]{5}")
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s.]{2,24}")
_PHONE = re.compile(r"\+?[0-9][0-9 .-]{7,18}[0-9]")


class FeedbackError(ValueError):
    """A request the rules refuse, with the Vietnamese reason."""


def new_code() -> str:
    """A fresh tracking code, ``PA-XXXXX-XXXXX`` (about 49 bits of randomness)."""
    c = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))
    return f"PA-{c[:5]}-{c[5:]}"


def normal_code(code: str) -> str | None:
    """The code as stored (upper case, trimmed), or None when it cannot be one."""
    c = code.strip().upper()
    return c if _CODE.fullmatch(c) else None


@dataclass
class Submission:
    """What a citizen sends."""

    subject: str
    content: str
    name: str = ""
    contact: str = ""
    address: str = ""
    kind: str = "phan_anh"
    about_type: str = ""
    about: str = ""
    consent_public: bool = False


def split_contact(contact: str) -> tuple[str | None, str | None]:
    """(phone, e-mail) from what the citizen typed as contact; FeedbackError when it is neither."""
    c = contact.strip()
    if not c:
        return None, None
    if _EMAIL.fullmatch(c):
        return None, c
    if _PHONE.fullmatch(c):
        return c, None
    raise FeedbackError(msg("feedback.bad_contact"))


def _check(sub: Submission) -> None:
    r = rules()
    if not sub.subject.strip() or not sub.content.strip():
        raise FeedbackError(msg("feedback.need_text"))
    limits = (
        (sub.subject, r.max_subject, "subject"),
        (sub.content, r.max_content, "content"),
        (sub.name, r.max_name, "name"),
        (sub.contact, r.max_contact, "contact"),
        (sub.address, r.max_contact, "address"),
        (sub.about, r.max_subject, "about"),
    )
    for value, limit, field in limits:
        if len(value) > limit:
            raise FeedbackError(msg("feedback.too_long", field=msg(f"feedback.field_{field}"), n=limit))
    if sub.kind not in KINDS or sub.about_type not in ABOUT:
        raise FeedbackError(msg("feedback.bad_choice"))
    if "\x00" in sub.subject + sub.content + sub.name + sub.contact:
        raise FeedbackError(msg("feedback.bad_choice"))


def submit(s: Session, sub: Submission, files: Iterable[Checked], today: dt.date) -> Feedback:
    """Record a new item (in the caller's transaction) and return it with its code."""
    _check(sub)
    phone, email = split_contact(sub.contact)
    item = Feedback(
        code=new_code(),
        kind=sub.kind,
        name=sub.name.strip() or None,
        phone=phone,
        email=email,
        address=sub.address.strip() or None,
        about_type=sub.about_type,
        about=sub.about.strip(),
        subject=sub.subject.strip(),
        content=sub.content.strip(),
        consent_public=sub.consent_public,
        received_on=today,
        state="new",
        draft="",
        answer="",
        mail_status="",
        public=False,
        pub_subject="",
        pub_question="",
        pub_answer="",
        pub_search="",
    )
    for f in files:
        item.files.append(
            FeedbackFile(
                name=f.name,
                media=f.media,
                size=len(f.data),
                sha256=hashlib.sha256(f.data).hexdigest(),
                data=f.data,
            )
        )
    s.add(item)
    s.flush()
    audit.log(s, None, "submit", "feedback", item.id, None, _brief(item))
    return item


def _brief(item: Feedback) -> dict[str, Any]:
    """What the audit log keeps of an item (no personal data)."""
    keys = ("code", "state", "category", "unit_id", "due_on", "answered_on", "public", "published_at")
    snap = audit.snapshot(item)
    return {k: snap[k] for k in keys}


def _need(item: Feedback, *states: str) -> None:
    if item.state not in states:
        raise FeedbackError(msg("feedback.wrong_state", state=msg(f"feedback.state_{item.state}")))


def assign(s: Session, item: Feedback, user_id: int, category: str, unit_id: int) -> Feedback:
    """Classify the item, give it to a unit, and set its due date from the category's rule.

    The due date counts from the day the item was received; a re-assignment (another unit)
    keeps it."""
    _need(item, "new", "assigned")
    if category not in rules().categories:
        raise FeedbackError(msg("feedback.bad_category"))
    if s.get(Unit, unit_id) is None:
        raise FeedbackError(msg("feedback.bad_unit"))
    if not (item.name or item.phone or item.email) and category not in rules().anonymous:
        raise FeedbackError(msg("feedback.not_anonymous", category=rules().categories[category].label))
    before = _brief(item)
    if item.category != category or item.due_on is None:
        item.due_on = due_date(item.received_on, category)
    item.category, item.unit_id, item.state = category, unit_id, "assigned"
    s.flush()
    audit.log(s, user_id, "assign", "feedback", item.id, before, _brief(item))
    return item


def write_draft(s: Session, item: Feedback, user_id: int, text: str) -> Feedback:
    """The unit's draft answer; it waits for the leader's approval."""
    _need(item, "assigned", "drafted")
    if not text.strip():
        raise FeedbackError(msg("feedback.need_answer"))
    if len(text) > rules().max_content:
        raise FeedbackError(
            msg("feedback.too_long", field=msg("feedback.field_answer"), n=rules().max_content)
        )
    before = _brief(item)
    item.draft, item.state = text.strip(), "drafted"
    s.flush()
    audit.log(s, user_id, "draft", "feedback", item.id, before, {**_brief(item), "draft": item.draft})
    return item


def send_back(s: Session, item: Feedback, user_id: int) -> Feedback:
    """The leader returns the draft to the unit."""
    _need(item, "drafted")
    before = _brief(item)
    item.state = "assigned"
    s.flush()
    audit.log(s, user_id, "send_back", "feedback", item.id, before, _brief(item))
    return item


def approve(s: Session, item: Feedback, user_id: int, today: dt.date) -> Feedback:
    """The leader approves the draft: it becomes the answer and the item is complete today."""
    _need(item, "drafted")
    before = _brief(item)
    item.answer, item.answered_on, item.state = item.draft, today, "answered"
    s.flush()
    audit.log(s, user_id, "approve", "feedback", item.id, before, _brief(item))
    return item


def send_answer(item: Feedback, mailer: Mailer) -> str:
    """Mail the answer to the citizen (call it outside a write transaction: SMTP may be slow);
    ``sent``, ``failed``, or ``none`` without an e-mail address."""
    if not item.email:
        return "none"
    ok = mailer.send(
        item.email,
        msg("feedback.mail_subject", code=item.code),
        msg("feedback.mail_body", code=item.code, subject=item.subject, answer=item.answer),
    )
    return "sent" if ok else "failed"


def record_mail(s: Session, item: Feedback, user_id: int, outcome: str) -> None:
    """Remember how the answer went to the citizen (audited)."""
    item.mail_status = outcome
    s.flush()
    audit.log(s, user_id, "mail", "feedback", item.id, None, {"code": item.code, "mail": outcome})


def about_document(s: Session, item: Feedback) -> DocumentRow | None:
    """The archived document the item is about, when it names one by its number."""
    number = item.about.strip() if item.about_type == "document" else ""
    if not number:
        return None
    q = select(DocumentRow).where(
        DocumentRow.number_key == canonical_key(number, None, None), DocumentRow.deleted_at.is_(None)
    )
    return s.scalar(q.options(load_only(DocumentRow.id, DocumentRow.number, DocumentRow.doc_type)).limit(1))


def person(item: Feedback) -> Person:
    """What identifies the item's citizen."""
    return Person(item.name, item.phone, item.email, item.address)


def preview(item: Feedback) -> tuple[str, str, str]:
    """The subject, question and answer as they would be published."""
    who = person(item)
    return redact(item.subject, who), redact(item.content, who), redact(item.answer, who)


def publish(s: Session, item: Feedback, user_id: int) -> Feedback:
    """Publish the answered item with personal data removed."""
    _need(item, "answered")
    before = _brief(item)
    item.pub_subject, item.pub_question, item.pub_answer = preview(item)
    item.pub_search = fold(" ".join((item.pub_subject, item.pub_question, item.pub_answer)))
    item.pub_slug = item.pub_slug or secrets.token_urlsafe(9)
    item.public, item.published_at = True, utcnow()
    s.flush()
    audit.log(s, user_id, "publish", "feedback", item.id, before, _brief(item))
    return item


def withdraw(s: Session, item: Feedback, user_id: int) -> Feedback:
    """Take a published item off the public pages and feeds."""
    if not item.public:
        raise FeedbackError(msg("feedback.not_published"))
    before = _brief(item)
    item.public, item.published_at = False, None
    item.pub_subject = item.pub_question = item.pub_answer = item.pub_search = ""
    s.flush()
    audit.log(s, user_id, "unpublish", "feedback", item.id, before, _brief(item))
    return item


def status_of(item: Feedback, today: dt.date) -> Status | None:
    """The tracking status, once the item has a due date."""
    if item.due_on is None:
        return None
    return status(item.due_on, item.answered_on, today)


def citizen_view(item: Feedback, today: dt.date) -> dict[str, Any]:
    """What the holder of the code sees: the state, dates, the answer once approved — no names,
    contacts or other items."""
    st = status_of(item, today)
    return {
        "code": item.code,
        "subject": item.subject,
        "state": item.state,
        "state_label": msg(f"feedback.state_{item.state}"),
        "status": st.value if st else None,
        "received_on": item.received_on.isoformat(),
        "due_on": item.due_on.isoformat() if item.due_on else None,
        "answered_on": item.answered_on.isoformat() if item.answered_on else None,
        "answer": item.answer if item.state == "answered" else None,
        "published": item.public,
        "public_url": f"/public/answers/{item.pub_slug}" if item.public else None,
    }


def staff_view(item: Feedback, today: dt.date) -> dict[str, Any]:
    """Everything about the item, for the clerk, the unit and the leader."""
    return {
        **citizen_view(item, today),
        "id": item.id,
        "kind": item.kind,
        "name": item.name,
        "phone": item.phone,
        "email": item.email,
        "address": item.address,
        "about_type": item.about_type,
        "about": item.about,
        "content": item.content,
        "consent_public": item.consent_public,
        "category": item.category,
        "unit_id": item.unit_id,
        "unit": item.unit.name if item.unit else None,
        "draft": item.draft,
        "mail_status": item.mail_status,
        "files": [{"id": f.id, "name": f.name, "media": f.media, "size": f.size} for f in item.files],
    }


def select_items(
    today: dt.date,
    visible: frozenset[int] | None,
    state: str | None = None,
    status_: Status | None = None,
    unit_id: int | None = None,
    limit: int = 200,
) -> Select[Any]:
    """Items the user may see, newest first, optionally by state, status or unit."""
    q = select(Feedback).order_by(Feedback.id.desc()).limit(limit)
    if visible is not None:
        q = q.where(Feedback.unit_id.in_(visible))
    if state:
        q = q.where(Feedback.state == state)
    if unit_id is not None:
        q = q.where(Feedback.unit_id == unit_id)
    if status_ is not None:
        q = q.where(
            Feedback.due_on.is_not(None),
            status_sql(Feedback.due_on, Feedback.answered_on, today) == status_.value,
        )
    return q


def counts(s: Session, today: dt.date, visible: frozenset[int] | None) -> tuple[list[UnitCounts], int]:
    """Per-unit counts of assigned items in the four statuses, and the number not yet assigned."""
    st = status_sql(Feedback.due_on, Feedback.answered_on, today)
    q = (
        select(Feedback.unit_id, Unit.name, st, func.count())
        .join(Unit, Unit.id == Feedback.unit_id)
        .where(Feedback.due_on.is_not(None))
        .group_by(Feedback.unit_id, Unit.name, st)
    )
    if visible is not None:
        q = q.where(Feedback.unit_id.in_(visible))
    rows: dict[int, UnitCounts] = {}
    for uid, name, sv, n in s.execute(q):
        rows.setdefault(uid, UnitCounts(uid, name)).counts[Status(sv)] += n
    waiting = 0
    if visible is None:
        waiting = s.scalar(select(func.count()).select_from(Feedback).where(Feedback.state == "new")) or 0
    return sorted(rows.values(), key=lambda u: (-u.counts[Status.OVERDUE], -u.total, u.name)), waiting


def due_soon_items(
    s: Session, today: dt.date, visible: frozenset[int] | None, limit: int = 50
) -> list[tuple[Feedback, int]]:
    """Unanswered items due within the last warning window (7 days), with their warning level."""
    horizon = today + dt.timedelta(days=max(DUE_SOON_DAYS))
    q = (
        select(Feedback)
        .where(Feedback.answered_on.is_(None), Feedback.due_on >= today, Feedback.due_on <= horizon)
        .order_by(Feedback.due_on, Feedback.id)
        .limit(limit)
    )
    if visible is not None:
        q = q.where(Feedback.unit_id.in_(visible))
    return [(i, lvl) for i in s.scalars(q) if (lvl := due_soon(i.due_on, None, today))]


def panel(s: Session, today: dt.date, visible: frozenset[int] | None) -> dict[str, Any]:
    """The dashboard's feedback panel: per-unit counts, items waiting, items due soon."""
    units, waiting = counts(s, today, visible)
    return {"units": units, "waiting": waiting, "due_soon": due_soon_items(s, today, visible)}


def published(s: Session, query: str = "", limit: int = 100) -> list[Feedback]:
    """Published items, newest first, whose folded text holds every word of ``query``."""
    q = select(Feedback).where(Feedback.public.is_(True)).order_by(Feedback.published_at.desc()).limit(limit)
    for word in fold(query).split()[:8]:
        q = q.where(Feedback.pub_search.contains(word, autoescape=True))
    return list(s.scalars(q))
