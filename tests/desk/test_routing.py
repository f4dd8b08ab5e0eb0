"""Routing through the web app: the clerk registers (confirming an entry filled from the record)
and sends to the leader; the leader's phiếu giải quyết makes confirmed tasks for the lead and
coordinating units; every hand-over is on the trail; the status packets wait in the outbox."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook
from sqlalchemy import select

from vanban.desk import routing
from vanban.desk.models import Handover, Notification, Outbox
from vanban.read.edxml import parse_packet, parse_status
from vanban.store import Archive
from vanban.track.models import Task, Unit
from vanban.web import WebConfig, create_app

from .conftest import SEED, csrf_of, login

TODAY = dt.date(2023, 10, 5)


def _unit(arc: Archive, name: str) -> int:
    with arc.Session() as s:
        return s.scalars(select(Unit.id).where(Unit.name == name)).one()


def test_register_send_direct_trail_and_outbox(office: Archive) -> None:
    app = create_app(WebConfig(home=office.home, today=lambda: TODAY), office)
    clerk = login(app, "vanthu")
    page = clerk.get("/documents/1/desk")
    assert page.status_code == 200
    assert (
        'value="3241/UBND-KGVX"' in page.text and 'value="2023-10-04"' in page.text
    )  # filled from the record
    token = csrf_of(clerk, "/documents/1/desk")

    member = login(app, "sotttt")  # a unit member may not register
    r = member.post("/documents/1/desk/register", data={"csrf": csrf_of(member)}, follow_redirects=False)
    assert r.status_code == 403
    r = clerk.post("/documents/1/desk/send", data={"csrf": token, "leader_id": 3}, follow_redirects=False)
    assert r.status_code == 409 and "chưa vào sổ" in r.text  # not before it is registered

    form = {
        "csrf": token,
        "at": "2023-10-05T08:30",
        "sender": "UBND Thành phố Hà Nội",
        "doc_number": "3241/UBND-KGVX",
        "doc_date": "2023-10-04",
        "subject": "Tuyên truyền Chỉ thị 24-CT/TU",
        "channel": "Trục liên thông (edXML)",
        "deadline": "2023-10-20",
    }
    assert clerk.post("/documents/1/desk/register", data=form, follow_redirects=False).status_code == 303
    page = clerk.get("/documents/1/desk").text
    assert 'id="entry-number">1<' in page and "20/10/2023" in page
    assert clerk.post("/documents/1/desk/register", data=form).status_code == 409  # once

    leader_id = 3  # lanhdao (admin 1, vanthu 2)
    r = clerk.post(
        "/documents/1/desk/send", data={"csrf": token, "leader_id": leader_id, "note": "Kính trình"}
    )
    assert r.status_code == 200
    leader = login(app, "lanhdao")
    inbox = leader.get("/notifications").text
    assert 'id="leader-inbox"' in inbox and "3241/UBND-KGVX" in inbox

    lead, coord = _unit(office, "Sở Thông tin và Truyền thông"), _unit(office, "Sở Văn hóa và Thể thao")
    r = leader.post(
        "/documents/1/desk/direct",
        data={
            "csrf": csrf_of(leader, "/documents/1/desk"),
            "opinion": "Giao Sở TT&TT chủ trì tuyên truyền, báo cáo kết quả",
            "lead_unit_id": lead,
            "coordinate_ids": [coord],
            "deadline": "2023-10-20",
        },
    )
    assert r.status_code == 200
    assert 'id="leader-inbox"' not in leader.get("/notifications").text  # directed: out of the inbox

    with office.Session() as s:
        tasks = s.scalars(select(Task).where(Task.document_id == 1).order_by(Task.id)).all()
        assert [(t.unit_id, t.role, t.deadline) for t in tasks] == [
            (lead, "lead", dt.date(2023, 10, 20)),
            (coord, "coordinate", dt.date(2023, 10, 20)),
        ]
        assert all(t.confirmed_at is not None for t in tasks)  # no second confirmation
        trail = s.scalars(select(Handover).where(Handover.document_id == 1).order_by(Handover.id)).all()
        assert [h.action for h in trail] == ["register", "send", "direct", "assign", "assign"]
        assert trail[1].to_user_id == leader_id and trail[1].note == "Kính trình"
        assert "Giao Sở TT&TT chủ trì" in trail[2].note and trail[2].detail["coordinate"] == [coord]
        notes = s.scalars(select(Notification).where(Notification.event.startswith("assigned:"))).all()
        assert {n.user_id for n in notes} == {4, 5}  # sotttt and sovhtt, members of the two units
        codes = [o.code for o in s.scalars(select(Outbox).order_by(Outbox.id))]
        assert codes == ["01", "03", "04"]
        st = parse_status(s.scalars(select(Outbox).where(Outbox.code == "04")).one().packet.encode())
        assert st.response_for.number == "3241/UBND-KGVX" and st.staff == "Trần Văn Lãnh Đạo"

    # the unit sees its task; the other unit's member does not see it
    assert "Giao Sở TT&amp;TT chủ trì" in member.get("/tasks").text
    # the phiếu's trail is on the desk page
    page = clerk.get("/documents/1/desk").text
    assert page.count('data-action="assign"') == 2 and "Trần Văn Lãnh Đạo" in page

    # the document as an edXML packet, with its original
    r = clerk.get("/documents/1/edxml")
    assert r.status_code == 200 and "3241_UBND-KGVX.edxml" in r.headers["content-disposition"]
    assert parse_packet(r.content).number == "3241/UBND-KGVX"

    # the register page and its print
    page = clerk.get("/registers?kind=in&start=2023-10-01&end=2023-10-31").text
    assert 'id="register-table"' in page and "3241/UBND-KGVX" in page
    xl = clerk.get("/registers.xlsx?kind=in&start=2023-10-01&end=2023-10-31")
    ws = load_workbook(io.BytesIO(xl.content)).active
    assert ws["B6"].value == 1 and ws["D6"].value == "3241/UBND-KGVX"
    assert clerk.get("/registers?start=2023-10-31&end=2023-10-01").status_code == 422
    assert clerk.get("/registers?start=31/13/2023").status_code == 422
    assert member.get("/registers").status_code == 403


def test_leader_only_directs_and_bad_units_are_refused(office: Archive) -> None:
    app = create_app(WebConfig(home=office.home, today=lambda: TODAY), office)
    clerk = login(app, "vanthu")
    token = csrf_of(clerk, "/documents/1/desk")
    clerk.post("/documents/1/desk/register", data={"csrf": token, "at": "2023-10-05T08:30"})
    r = clerk.post("/documents/1/desk/direct", data={"csrf": token, "lead_unit_id": 1})
    assert r.status_code == 403  # a clerk does not direct
    r = clerk.post("/documents/1/desk/send", data={"csrf": token, "leader_id": 4})
    assert r.status_code == 409 and "lãnh đạo" in r.text  # sotttt is no leader
    leader = login(app, "lanhdao")
    lt = csrf_of(leader, "/documents/1/desk")
    assert (
        leader.post("/documents/1/desk/direct", data={"csrf": lt, "lead_unit_id": 99999}).status_code == 422
    )
    assert leader.post("/documents/1/desk/direct", data={"csrf": lt, "lead_unit_id": "x"}).status_code == 422
    assert leader.post("/documents/1/desk/direct", data={"csrf": "bad", "lead_unit_id": 1}).status_code == 403
    with office.Session() as s:
        assert s.scalars(select(Task)).all() == []


def test_status_packets_for_the_hub(office: Archive, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Registering queues 01 and 03, directing 04, completing every task 06; ``edxml-status
    --pending`` writes each once."""
    from typer.testing import CliRunner

    from vanban.cli import app as cli
    from vanban.desk import registers
    from vanban.desk.outbox import queue
    from vanban.store.models import DocumentRow
    from vanban.track.models import User
    from vanban.track.tracker import Tracker

    lead = _unit(office, "Sở Thông tin và Truyền thông")
    with office.Session() as s:
        d = s.get(DocumentRow, 1)
        registers.register(s, registers.draft_from_document(d), None)
        queue(s, d, "01")
        queue(s, d, "03")
        leader = s.scalars(select(User).where(User.username == "lanhdao")).one()
        (task,) = routing.direct(
            s, d, leader, opinion="Triển khai", lead_unit_id=lead, coordinate_ids=[], deadline=None
        )
        s.commit()
    run = lambda *a: CliRunner().invoke(cli, [*a, "--home", str(office.home), "--db", str(office.engine.url)])  # noqa: E731
    out = tmp_path / "hub"
    r = run("edxml-status", "--pending", "-o", str(out))
    assert r.exit_code == 0 and "3 gói tin" in r.stdout
    assert sorted(p.name for p in out.iterdir()) == ["status-1-01.xml", "status-1-03.xml", "status-1-04.xml"]
    assert "Không có gói tin" in run("edxml-status", "--pending", "-o", str(out)).stdout
    with office.Session() as s:
        Tracker(s).report(s.get(Task, task.id), None, note="Xong", final=True)
        s.commit()
    r = run("edxml-status", "--pending", "-o", str(out))
    assert "1 gói tin" in r.stdout
    assert parse_status((out / "status-1-06.xml").read_bytes()).name == "Hoàn thành"
    assert run("edxml-status").exit_code == 2


def test_desk_tables_match_the_migration(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The models and migration desk_0001 describe the same tables (nothing for autogenerate)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from vanban.store.db import Base

    with Archive.open(tmp_path / "home") as ar, ar.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    ours = [d for d in diff if "desk_" in repr(d)]
    assert ours == []


def test_the_desk_over_the_rest_api(office: Archive) -> None:
    from fastapi.testclient import TestClient

    from web.vbweb_helpers import token

    app = create_app(WebConfig(home=office.home, today=lambda: TODAY), office)
    api, clerk, leader = TestClient(app), token(app, "vanthu"), token(app, "lanhdao")
    r = api.post(
        "/api/v1/documents/1/register",
        json={"at": "2023-10-05T08:30:00", "channel": "Thư điện tử", "deadline": "2023-10-20"},
        headers=clerk,
    )
    assert r.status_code == 201, r.text
    e = r.json()
    assert (e["number"], e["doc_number"], e["channel"], e["deadline"]) == (
        1,
        "3241/UBND-KGVX",
        "Thư điện tử",
        "2023-10-20",
    )
    assert api.post("/api/v1/documents/1/register", json={}, headers=clerk).status_code == 409
    assert api.post("/api/v1/documents/1/send", json={"leader_id": 3}, headers=clerk).json() == {"ok": True}
    lead = _unit(office, "Sở Thông tin và Truyền thông")
    r = api.post(
        "/api/v1/documents/1/direct", json={"opinion": "Triển khai", "lead_unit_id": lead}, headers=clerk
    )
    assert r.status_code == 403
    r = api.post(
        "/api/v1/documents/1/direct", json={"opinion": "Triển khai", "lead_unit_id": lead}, headers=leader
    )
    assert r.status_code == 201 and [t["role"] for t in r.json()] == ["lead"]
    trail = api.get("/api/v1/documents/1/trail", headers=clerk).json()
    assert [h["action"] for h in trail] == ["register", "send", "direct", "assign"]
    reg = api.get("/api/v1/registers/in?start=2023-01-01&end=2023-12-31", headers=leader).json()
    assert [x["number"] for x in reg["entries"]] == [1]
    notes = api.get("/api/v1/notifications", headers=token(app, "sotttt")).json()
    assert notes and notes[0]["event"].startswith("assigned:")
    assert api.get("/api/v1/registers/in").status_code == 401
    assert api.get("/api/v1/registers/x", headers=clerk).status_code == 404


def test_outgoing_numbers_from_the_desk_and_the_api(office: Archive) -> None:
    from fastapi.testclient import TestClient

    from web.vbweb_helpers import token

    app = create_app(WebConfig(home=office.home, today=lambda: TODAY), office)
    clerk = login(app, "vanthu")
    r = clerk.post(
        "/documents/1/desk/register", data={"csrf": csrf_of(clerk, "/documents/1/desk"), "kind": "out"}
    )
    assert r.status_code == 200 and 'id="out-number">1<' in r.text and 'id="register-form"' in r.text
    api = TestClient(app)
    r = api.post(
        "/api/v1/registers/out",
        json={"subject": "Báo cáo quý I"},
        headers=token(app, "vanthu"),
    )
    assert r.status_code == 201 and r.json()["number"] == 2 and r.json()["document_id"] is None
    with office.Session() as s:
        from vanban.desk import registers as regs

        out = regs.entries(s, "out", dt.date.today().replace(month=1, day=1), dt.date.today())
        assert [(e.number, e.doc_number) for e in out] == [(1, "3241/UBND-KGVX"), (2, "")]
        assert "Các Sở, Ban, ngành Thành phố" in out[0].recipient


def test_an_uploaded_packet_is_read_with_its_metadata(office: Archive, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from vanban.exchange import build_packet
    from vanban.read.edxml import Attachment, Organ, Packet
    from web.vbweb_helpers import wait_job

    packet = Packet(
        number="512/SCT-QLTM",
        date=dt.date(2023, 10, 2),
        doc_type="Công văn",
        subject="báo cáo tình hình thị trường",
        issuer=Organ("SỞ CÔNG THƯƠNG", id="000.00.21.H26"),
        deadline=dt.date(2023, 10, 16),
        attachments=(Attachment("cv.txt", "text/plain", SEED.read_bytes()),),
    )
    app = create_app(WebConfig(home=office.home, today=lambda: TODAY), office)
    clerk = login(app, "vanthu")
    r = clerk.post(
        "/upload",
        data={"csrf": csrf_of(clerk)},
        files={"files": ("goi-tin.edxml", build_packet(packet), "application/xml")},
        headers={"accept": "application/json"},
    )
    assert r.status_code == 202, r.text  # read in a background job
    job = wait_job(clerk, r.json()["files"][0]["url"])
    app.state.jobs.close()
    assert job["status"] == "done", job
    doc_id = job["document_id"]
    page = clerk.get(f"/documents/{doc_id}/desk").text
    # the entry is filled from the packet: its number, sender, deadline and channel
    assert 'value="512/SCT-QLTM"' in page and 'value="SỞ CÔNG THƯƠNG"' in page
    assert 'value="2023-10-16"' in page and "<option selected>Trục liên thông (edXML)</option>" in page
    doc = clerk.get(f"/documents/{doc_id}").text
    # the attachment's text says 3241/UBND-KGVX: a problem on the document
    assert "Số, ký hiệu trong siêu dữ liệu là «512/SCT-QLTM», văn bản ghi «3241/UBND-KGVX»" in doc
