"""``vanban remind`` (for cron) and ``vanban register-print``: the clerk's desk from the command line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from ..messages import msg
from .app import app
from .common import err as _err
from .common import open_archive as _archive
from .common import out as _out
from .store_cmd import DB, HOME


def _date(value: str | None, default: dt.date) -> dt.date:
    if not value:
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _err.print(f"[red]lỗi[/red] {msg('desk.bad_date', value=value)}")
        raise typer.Exit(2) from None


XLSX_OUT = typer.Option(..., "--output", "-o", help=msg("cli.help.xlsx_out"))


@app.command("remind")
def remind_cmd(
    today: str | None = typer.Option(None, "--today", help=msg("cli.help.remind_today")),
    home: Path | None = HOME,
    db: str | None = DB,
) -> None:
    """Nhắc hạn nhiệm vụ (7, 3, 1 ngày trước hạn và khi quá hạn): thông báo và thư tổng hợp mỗi ngày."""
    from ..desk.notify import remind, send_digests
    from ..desk.settings import smtp

    day = _date(today, dt.date.today())
    cfg = smtp()
    with _archive(home, db) as ar, ar.Session() as s:
        added = remind(s, day)
        s.commit()
        sent = send_digests(s, cfg, day)
    if cfg is None:
        _err.print(msg("desk.no_smtp"))
    for line in sent.failed:
        _err.print(f"[yellow]{line}[/yellow]")
    _out.print(msg("desk.remind_done", day=day.strftime("%d/%m/%Y"), notes=added, mails=sent.mails))
    if sent.failed:
        raise typer.Exit(1)


@app.command("register-print")
def register_print_cmd(
    output: Path = XLSX_OUT,
    kind: str = typer.Option("in", "--kind", help=msg("cli.help.register_kind")),
    start: str | None = typer.Option(None, "--from", help=msg("cli.help.register_from")),
    end: str | None = typer.Option(None, "--to", help=msg("cli.help.register_to")),
    home: Path | None = HOME,
    db: str | None = DB,
) -> None:
    """In sổ đăng ký văn bản đến/đi của một khoảng ngày ra tệp XLSX."""
    from ..desk import registers

    if kind not in registers.KINDS:
        _err.print("[red]lỗi[/red] --kind in|out")
        raise typer.Exit(2)
    today = dt.date.today()
    a, b = _date(start, today.replace(month=1, day=1)), _date(end, today)
    with _archive(home, db) as ar, ar.Session() as s:
        data = registers.xlsx(registers.entries(s, kind, a, b), kind, a, b)
    output.write_bytes(data)
    _out.print(msg("edxml.written", file=output))
