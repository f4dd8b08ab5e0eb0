"""Reminders with a frozen clock against a local SMTP server (aiosmtpd on 127.0.0.1): 7, 3, 1
days before a deadline and the day after it passes, each member of the unit gets one
notification per stage and at most one digest a day; nothing is mailed twice; đôn đốc mails
now and is logged on the task."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from vanban.cli import app as cli
from vanban.desk import routing
from vanban.desk.models import Contact, Handover, Notification
from vanban.desk.notify import chase, remind, send_digests, stage
from vanban.desk.settings import Smtp
from vanban.store import Archive
from vanban.store.models import DocumentRow
from vanban.track.models import AuditEntry, Task, Unit, User

aiosmtpd = pytest.importorskip(
    "aiosmtpd.controller", reason="aiosmtpd is not installed (pip install aiosmtpd)"
)

DEADLINE = dt.date(2024, 3, 20)


@dataclass
class Inbox:
    """What the local SMTP server received."""

    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp_server() -> Iterator[tuple[Smtp, Inbox]]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = Inbox()
    ctl = aiosmtpd.Controller(inbox, hostname="127.0.0.1", port=port)
    ctl.start()
    try:
        yield Smtp("127.0.0.1", port, sender="vanban@so.gov.vn"), inbox
    finally:
        ctl.stop()


def _tasks(arc: Archive) -> dict[str, int]:
    """Two tasks for Sở TT&TT (lead, same deadline) and one for Sở VH&TT (a week later); the
    members' addresses."""
    with arc.Session() as s:
        doc = s.get(DocumentRow, 1)
        tt = s.scalars(select(Unit).where(Unit.name == "Sở Thông tin và Truyền thông")).one()
        vh = s.scalars(select(Unit).where(Unit.name == "Sở Văn hóa và Thể thao")).one()
        lead = routing.create_tasks(
            s, doc, [(tt, "lead")], action="Tuyên truyền", deadline=DEADLINE, user_id=None
        )
        more = routing.create_tasks(
            s, doc, [(tt, "lead")], action="Báo cáo kết quả", deadline=DEADLINE, user_id=None
        )
        later = routing.create_tasks(
            s, doc, [(vh, "lead")], action="Phối hợp", deadline=DEADLINE + dt.timedelta(days=7), user_id=None
        )
        users = {u.username: u.id for u in s.scalars(select(User))}
        s.add_all(
            [
                Contact(user_id=users["sotttt"], email="tt@so.gov.vn"),
                Contact(user_id=users["sovhtt"], email="vh@so.gov.vn"),
            ]
        )
        # a second member of Sở TT&TT, without an e-mail address: notified in the app only
        s.add(User(username="tt2", full_name="Cán bộ Hai", password_hash="x", role="member", unit_id=tt.id))
        s.commit()
        return {"lead": lead[0].id, "more": more[0].id, "later": later[0].id, **users}


@pytest.mark.parametrize(
    ("days_before", "expect"),
    [
        (8, None),
        (7, "due7"),
        (6, "due7"),
        (3, "due3"),
        (2, "due3"),
        (1, "due1"),
        (0, "due1"),
        (-1, "overdue"),
    ],
)
def test_stages(days_before: int, expect: str | None) -> None:
    assert stage(DEADLINE, DEADLINE - dt.timedelta(days=days_before)) == expect


def test_one_digest_per_person_per_day_and_never_twice(
    office: Archive, smtp_server: tuple[Smtp, Inbox]
) -> None:
    cfg, inbox = smtp_server
    ids = _tasks(office)

    def day(d: dt.date) -> tuple[int, int]:
        with office.Session() as s:
            added = remind(s, d)
            s.commit()
            return added, send_digests(s, cfg, d).mails

    assert day(DEADLINE - dt.timedelta(days=8)) == (0, 0)
    # 7 days before: both Sở TT&TT tasks, for its two members; one digest for the one with e-mail
    assert day(DEADLINE - dt.timedelta(days=7)) == (4, 1)
    (m,) = inbox.to("tt@so.gov.vn")
    body = m.get_content()
    assert "Còn 7 ngày đến hạn (20/03/2024): Tuyên truyền" in body and "Báo cáo kết quả" in body
    assert "13/03/2024" in m["Subject"] and "2 việc" in m["Subject"]
    # the same day again (the scheduler and cron both run): nothing new, nothing mailed
    assert day(DEADLINE - dt.timedelta(days=7)) == (0, 0)
    assert day(DEADLINE - dt.timedelta(days=5)) == (0, 0)
    # 3 days before: Sở TT&TT again; Sở VH&TT's deadline is 10 days away
    assert day(DEADLINE - dt.timedelta(days=3)) == (4, 1)
    assert day(DEADLINE - dt.timedelta(days=1)) == (4, 1)
    # Sở TT&TT completes one task; the other passes its deadline
    with office.Session() as s:
        s.get(Task, ids["lead"]).completed_on = DEADLINE
        s.commit()
    assert day(DEADLINE) == (1, 1)  # Sở VH&TT (one member): 7 days before its own deadline
    assert day(DEADLINE + dt.timedelta(days=1)) == (2, 1)  # the other task is overdue
    assert day(DEADLINE + dt.timedelta(days=2)) == (0, 0)
    tt, vh = inbox.to("tt@so.gov.vn"), inbox.to("vh@so.gov.vn")
    assert len(tt) == 4 and len(vh) == 1
    assert "Đã quá hạn (20/03/2024): Báo cáo kết quả" in tt[-1].get_content()
    with office.Session() as s:
        notes = s.scalars(select(Notification).where(Notification.user_id == ids["sotttt"])).all()
        assert len(notes) == 7 and all(n.mail_id for n in notes)
        events = [n.event for n in notes]
        assert len(set(events)) == len(events)
        tt2 = s.scalars(select(User.id).where(User.username == "tt2")).one()
        assert len(s.scalars(select(Notification).where(Notification.user_id == tt2)).all()) == 7


def test_a_failed_mail_is_sent_by_the_next_run(office: Archive, smtp_server: tuple[Smtp, Inbox]) -> None:
    cfg, inbox = smtp_server
    _tasks(office)
    d = DEADLINE - dt.timedelta(days=3)
    with office.Session() as s:
        remind(s, d)
        s.commit()
        closed = Smtp("127.0.0.1", 9, sender=cfg.sender)  # nothing listens on the discard port
        sent = send_digests(s, closed, d)
        assert sent.mails == 0 and sent.failed and "tt@so.gov.vn" in sent.failed[0]
        assert send_digests(s, cfg, d).mails == 1
        assert send_digests(s, cfg, d).mails == 0
    assert len(inbox.to("tt@so.gov.vn")) == 1


def test_chase_mails_now_and_is_logged_on_the_task(office: Archive, smtp_server: tuple[Smtp, Inbox]) -> None:
    cfg, inbox = smtp_server
    ids = _tasks(office)
    with office.Session() as s:
        leader = s.get(User, ids["lanhdao"])
        task = s.get(Task, ids["later"])
        members = chase(s, task, leader, cfg, "Đề nghị báo cáo trước thứ Sáu")
        assert [u.username for u in members] == ["sovhtt"]
        h = s.scalars(select(Handover).where(Handover.task_id == task.id, Handover.action == "chase")).one()
        assert h.from_user_id == leader.id and h.note == "Đề nghị báo cáo trước thứ Sáu"
        assert s.scalars(
            select(AuditEntry).where(AuditEntry.action == "chase", AuditEntry.entity_id == task.id)
        ).one()
    (m,) = inbox.to("vh@so.gov.vn")
    assert "Đôn đốc" in m["Subject"] and "Trần Văn Lãnh Đạo" in m.get_content()
    # the chase is not mailed again in the day's digest
    with office.Session() as s:
        assert send_digests(s, cfg, DEADLINE).mails == 0


def test_remind_command_for_cron(office: Archive, smtp_server: tuple[Smtp, Inbox], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    cfg, inbox = smtp_server
    _tasks(office)
    monkeypatch.setenv("VANBAN_SMTP_HOST", cfg.host)
    monkeypatch.setenv("VANBAN_SMTP_PORT", str(cfg.port))
    args = ["remind", "--today", "2024-03-13", "--home", str(office.home), "--db", str(office.engine.url)]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.stderr
    assert "4 thông báo mới, 1 thư đã gửi" in r.stdout
    r = CliRunner().invoke(cli, args)
    assert "0 thông báo mới, 0 thư đã gửi" in r.stdout
    assert len(inbox.to("tt@so.gov.vn")) == 1
    assert (
        CliRunner().invoke(cli, ["remind", "--today", "13/03/2024", "--home", str(office.home)]).exit_code
        == 2
    )
