"""``vanban edxml`` and ``vanban edxml-status``: documents and status packets as edXML (QCVN 102:2016)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.markup import escape

from ..errors import VanbanError
from ..messages import msg
from ..model import Document, value_of
from ..store import Archive, ArchiveError
from ..store.archive import StoredDocument
from .app import app
from .common import err as _err
from .common import open_archive as _archive
from .common import out as _out
from .store_cmd import DB, HOME

OUT = typer.Option(None, "--output", "-o", help=msg("cli.help.edxml_out"))
META = typer.Option(None, "--meta", help=msg("cli.help.meta"))


def _fail(text: str, code: int = 1) -> typer.Exit:
    _err.print(f"[red]lỗi[/red] {escape(text)}")
    return typer.Exit(code)


def _write(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise _fail(f"{output}: {exc.strerror or exc}") from None


def _find(ar: Archive, ref: str) -> StoredDocument:
    try:
        return ar.find(ref)
    except ArchiveError:
        raise _fail(msg("edxml.not_found", ref=ref)) from None


def _document(d: StoredDocument) -> Document:
    """The stored record as a ``Document`` (an empty one for a file that was not read)."""
    return Document.from_dict(d.record) if d.record else Document(text="")


@app.command("edxml")
def edxml_cmd(
    ref: str = typer.Argument(..., help=msg("cli.help.edxml_ref")),
    output: Path | None = OUT,
    meta: Path | None = META,
    home: Path | None = HOME,
    db: str | None = DB,
) -> None:
    """Xuất văn bản thành gói tin edXML (QCVN 102:2016) kèm bản gốc."""
    import vanban

    from ..exchange import export_archived

    if Path(ref).is_file():
        try:
            doc = vanban.parse_file(ref, meta)
        except VanbanError as exc:
            raise _fail(str(exc)) from None
        original = (Path(ref).name, Path(ref).read_bytes())
    else:
        with _archive(home, db) as ar:
            d = _find(ar, ref)
            doc, original = _document(d), ar.original(d.id)
    if doc.number is None:
        raise _fail(msg("edxml.no_number"))
    _write(export_archived(doc, original), output)
    if output is not None:
        _out.print(msg("edxml.written", file=output))


@app.command("edxml-status")
def edxml_status_cmd(
    ref: str | None = typer.Argument(None, help=msg("cli.help.edxml_status_ref")),
    code: str | None = typer.Option(None, "--code", "-c", help=msg("cli.help.edxml_code")),
    note: str = typer.Option("", "--note", help=msg("cli.help.edxml_note")),
    pending: bool = typer.Option(
        False,
        "--pending",
        help=msg("cli.help.edxml_pending"),
    ),
    output: Path | None = OUT,
    home: Path | None = HOME,
    db: str | None = DB,
) -> None:
    """Đọc gói tin trạng thái edXML, tạo gói tin trạng thái cho một văn bản, hoặc xuất các gói tin đang chờ gửi."""
    from ..desk.settings import organ
    from ..exchange import build_status, reference_of
    from ..read.edxml import rules

    if pending:
        _export_pending(output or Path("."), home, db)
        return
    if ref is None:
        raise _fail(msg("edxml.need_ref"), 2)
    if code is None and Path(ref).is_file():
        _print_status(Path(ref))
        return
    if code not in rules()["status"]:
        raise _fail(msg("edxml.bad_status", name="--code", code=code or ""), 2)
    with _archive(home, db) as ar:
        doc = _document(_find(ar, ref))
    _write(build_status(code, reference_of(doc), organ(), description=note), output)
    if output is not None:
        _out.print(
            msg(
                "edxml.status_written",
                code=code,
                name=rules()["status"][code],
                number=value_of(doc.number),
                file=output,
            )
        )


def _print_status(path: Path) -> None:
    from ..read.edxml import parse_status

    try:
        st = parse_status(path.read_bytes(), str(path))
    except VanbanError as exc:
        raise _fail(str(exc)) from None
    _out.print(
        msg(
            "edxml.status_read",
            code=st.code,
            name=st.name,
            number=st.response_for.number,
            date=st.response_for.date.strftime("%d/%m/%Y") if st.response_for.date else "—",
            organ=st.organ.name if st.organ else "—",
            time=st.timestamp.strftime("%d/%m/%Y %H:%M") if st.timestamp else "—",
        )
    )


def _export_pending(folder: Path, home: Path | None, db: str | None) -> None:
    from ..desk.outbox import pending

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _fail(f"{folder}: {exc.strerror or exc}") from None
    with _archive(home, db) as ar, ar.Session() as s:
        rows = pending(s, mark=True)
        for r in rows:
            (folder / f"status-{r.document_id}-{r.code}.xml").write_text(r.packet, encoding="utf-8")
        s.commit()
    _out.print(msg("desk.exported", n=len(rows), folder=folder) if rows else msg("desk.none_pending"))
