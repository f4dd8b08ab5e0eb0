"""``vanban users add|list|passwd``: accounts from the command line, so that an installation can
be set up without the demo."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..messages import msg
from ..track import accounts, registry
from ..track.models import Unit, User
from ..track.roles import Role
from .app import app
from .common import open_archive as _archive
from .store_cmd import DB, HOME

users = typer.Typer(help=msg("users.help"), no_args_is_help=True)
app.add_typer(users, name="users")

MIN_PASSWORD = 10  # as the users page asks
_out = Console(highlight=False)
_err = Console(stderr=True, highlight=False, soft_wrap=True)

Stdin = Annotated[bool, typer.Option("--password-stdin", help=msg("users.stdin_help"))]


def _fail(text: str) -> typer.Exit:
    _err.print(f"[red]lỗi[/red] {escape(text)}")
    return typer.Exit(2)


def _password(from_stdin: bool) -> str:
    """The new password: the first line of standard input, or asked twice at the terminal."""
    if from_stdin:
        pw = sys.stdin.readline().rstrip("\r\n")
    else:
        pw = typer.prompt(msg("users.password_prompt"), hide_input=True, confirmation_prompt=True)
    if len(pw) < MIN_PASSWORD:
        raise _fail(msg("users.short_password", n=MIN_PASSWORD))
    return pw


def _user(s: Session, name: str) -> User:
    u = s.scalar(select(User).where(User.username == name))
    if u is None:
        raise _fail(msg("users.no_user", name=name))
    return u


@users.command("add", help=msg("users.add_help"))
def add(
    name: Annotated[str, typer.Argument(help=msg("cli.help.username"))],
    role: Annotated[Role, typer.Option("--role", help=msg("users.role_help"), case_sensitive=False)],
    unit: Annotated[str | None, typer.Option("--unit", help=msg("users.unit_help"))] = None,
    full_name: Annotated[str, typer.Option("--full-name", help=msg("users.full_name_help"))] = "",
    password_stdin: Stdin = False,
    home: Path | None = HOME,
    db: str | None = DB,
) -> None:
    name = name.strip()
    if not 0 < len(name) <= 80 or any(ch.isspace() for ch in name):
        raise _fail(msg("users.bad_name"))
    if role is Role.MEMBER and not unit:
        raise _fail(msg("users.member_needs_unit"))
    with _archive(home, db) as arc, arc.Session() as s:
        if s.scalar(select(User.id).where(User.username == name)) is not None:
            raise _fail(msg("users.exists", name=name))
        found: Unit | None = None
        if unit:
            found = registry.find(s, unit)
            if found is None:
                raise _fail(msg("users.no_unit", unit=unit))
        pw = _password(password_stdin)
        accounts.create_user(
            s, name, pw, role, full_name=full_name.strip(), unit_id=found.id if found else None
        )
        s.commit()
    _out.print(msg("users.added", name=name, role=role.label))


@users.command("list", help=msg("users.list_help"))
def list_(home: Path | None = HOME, db: str | None = DB) -> None:
    with _archive(home, db) as arc, arc.Session() as s:
        rows = s.execute(
            select(User, Unit).outerjoin(Unit, Unit.id == User.unit_id).order_by(User.username)
        ).all()
    if not rows:
        _out.print(msg("users.none"))
        return
    tb = Table()
    for key in ("col_name", "col_full_name", "col_role", "col_unit", "col_active"):
        tb.add_column(msg(f"users.{key}"))
    for u, un in rows:
        tb.add_row(
            escape(u.username),
            escape(u.full_name),
            Role(u.role).label,
            escape(un.name) if un else "—",
            msg("common.yes") if u.active else msg("common.no"),
        )
    _out.print(tb)


@users.command("passwd", help=msg("users.passwd_help"))
def passwd(
    name: Annotated[str, typer.Argument(help=msg("cli.help.username"))],
    password_stdin: Stdin = False,
    home: Path | None = HOME,
    db: str | None = DB,
) -> None:
    with _archive(home, db) as arc, arc.Session() as s:
        u = _user(s, name.strip())
        accounts.set_password(s, u, _password(password_stdin))
        s.commit()
    _out.print(msg("users.changed", name=name.strip()))
