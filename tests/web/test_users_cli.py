"""``vanban users add|list|passwd``: an installation set up without the demo (issue 16)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from vanban.cli import app as cli
from vanban.store import Archive
from vanban.track import registry
from vanban.track.models import User, UserSession
from vanban.web import WebConfig, create_app


def _run(home: Path, *args: str, stdin: str = "") -> tuple[int, str]:
    r = CliRunner().invoke(cli, [*args, "--home", str(home)], input=stdin)
    return r.exit_code, r.output


def test_users_add_list_passwd_then_sign_in(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with Archive.open(home) as arc, arc.Session() as s:
        registry.ensure(s, "Sở Nội vụ")
        s.commit()
    code, out = _run(
        home, "users", "add", "quantri", "--role", "admin", "--password-stdin", stdin="mat-khau-quan-tri\n"
    )
    assert code == 0 and "Đã thêm tài khoản quantri (Quản trị hệ thống)" in out, out
    code, out = _run(
        home,
        "users",
        "add",
        "canbo",
        "--role",
        "member",
        "--unit",
        "sở nội vụ",
        "--full-name",
        "Nguyễn Văn A",
        "--password-stdin",
        stdin="mat-khau-can-bo\n",
    )
    assert code == 0, out
    code, out = _run(home, "users", "list")
    assert (
        code == 0
        and "quantri" in out
        and "Nguyễn Văn A" in out
        and "Sở Nội vụ" in out
        and "Cán bộ đơn vị" in out
    )

    with Archive.open(home) as arc:
        with arc.Session() as s:
            member = s.scalar(select(User).where(User.username == "canbo"))
            assert (
                member.role == "member"
                and member.unit_id is not None
                and member.password_hash.startswith("$argon2id$")
            )
        app = create_app(WebConfig(home=home), arc)
        try:
            c = TestClient(app)
            r = c.post("/api/v1/tokens", json={"username": "quantri", "password": "mat-khau-quan-tri"})
            assert r.status_code == 200, r.text
            me = c.get("/api/v1/me", headers={"Authorization": f"Bearer {r.json()['token']}"}).json()
            assert me["role"] == "admin"
            with arc.Session() as s:  # a browser session, ended by the password change
                u = s.scalar(select(User).where(User.username == "quantri"))
                s.add(
                    UserSession(
                        token_hash="x" * 64,
                        user_id=u.id,
                        csrf="c",
                        expires_at=u.created_at.replace(year=2999),
                    )
                )
                s.commit()
            code, out = _run(
                home, "users", "passwd", "quantri", "--password-stdin", stdin="mat-khau-moi-123\n"
            )
            assert code == 0 and "Đã đổi mật khẩu của quantri" in out, out
            old = c.post("/api/v1/tokens", json={"username": "quantri", "password": "mat-khau-quan-tri"})
            new = c.post("/api/v1/tokens", json={"username": "quantri", "password": "mat-khau-moi-123"})
            assert old.status_code == 401 and new.status_code == 200
            with arc.Session() as s:
                assert s.scalar(select(UserSession.id)) is None
        finally:
            app.state.jobs.close()


def test_users_add_refuses_bad_input(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ok = ("--password-stdin",)
    code, out = _run(home, "users", "add", "a", "--role", "clerk", *ok, stdin="ngan\n")
    assert code == 2 and "Mật khẩu cần ít nhất 10 ký tự" in out
    code, out = _run(home, "users", "add", "b", "--role", "member", *ok, stdin="mat-khau-dai-du\n")
    assert code == 2 and "cần có đơn vị" in out
    code, out = _run(
        home, "users", "add", "b", "--role", "member", "--unit", "Sở Không Có", *ok, stdin="mat-khau-dai-du\n"
    )
    assert code == 2 and "Không có đơn vị Sở Không Có" in out
    code, out = _run(home, "users", "add", "c d", "--role", "clerk", *ok, stdin="mat-khau-dai-du\n")
    assert code == 2 and "Tên đăng nhập không hợp lệ" in out
    code, out = _run(home, "users", "add", "c", "--role", "boss", *ok, stdin="mat-khau-dai-du\n")
    assert code == 2
    assert _run(home, "users", "add", "c", "--role", "clerk", *ok, stdin="mat-khau-dai-du\n")[0] == 0
    code, out = _run(home, "users", "add", "c", "--role", "clerk", *ok, stdin="mat-khau-dai-du\n")
    assert code == 2 and "đã tồn tại" in out
    code, out = _run(home, "users", "passwd", "khong-co", *ok, stdin="mat-khau-dai-du\n")
    assert code == 2 and "Không có tài khoản khong-co" in out
    with Archive.open(home) as arc, arc.Session() as s:
        assert list(s.scalars(select(User.username))) == ["c"]  # nothing of the refused ones
