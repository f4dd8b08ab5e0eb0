"""``vanban parse``: print the record of each document (JSON Lines or a readable summary)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..errors import EmptyInputError, VanbanError
from ..messages import msg
from ..model import Document, Problem, value_of
from .app import app

_err = Console(stderr=True)


def _parse_one(name: str, meta: Path | None = None) -> Document:
    import vanban

    if name == "-":
        data = sys.stdin.buffer.read()
        from ..read import read_bytes

        ex = read_bytes(data, "<stdin>")
        from ..parse import parse

        return parse(ex.text, "-", ex.pages)
    return vanban.parse_file(Path(name), meta)


@app.command("parse")
def parse_cmd(
    files: Annotated[list[str], typer.Argument(help=msg("cli.help.parse_files"))],
    as_json: Annotated[bool, typer.Option("--json", help=msg("cli.help.json_lines"))] = False,
    spans: Annotated[bool, typer.Option("--spans/--no-spans", help=msg("cli.help.parse_spans"))] = True,
    check: Annotated[bool, typer.Option("--check/--no-check", help=msg("cli.help.parse_check"))] = True,
    meta: Annotated[Path | None, typer.Option("--meta", help=msg("cli.help.meta"))] = None,
) -> None:
    """Đọc văn bản và in bản ghi: số, ngày, cơ quan, trích yếu, người ký, nơi nhận, trích dẫn, nhiệm vụ."""
    failed = 0
    out = sys.stdout
    if meta is not None and len(files) != 1:
        _err.print(f"[red]lỗi[/red] {msg('edxml.meta_one_file')}", highlight=False)
        raise typer.Exit(2)
    for name in files:
        try:
            doc = _parse_one(name, meta)
            if check:
                doc = _with_checks(doc)
        except EmptyInputError as exc:  # nothing to read: a record with empty fields says why
            doc = Document(
                text="", source=name, problems=(Problem("input.empty", "error", f"Văn bản trống: {exc}"),)
            )
        except VanbanError as exc:
            failed += 1
            _err.print(f"[red]lỗi[/red] {exc}", markup=True, highlight=False)
            continue
        except Exception as exc:
            failed += 1
            _err.print(f"[red]lỗi[/red] {name}: {type(exc).__name__}: {exc}", highlight=False)
            continue
        if as_json:
            rec = doc.to_dict(spans=spans)
            rec["source"] = name
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            out.flush()
        else:
            _summary(name, doc)
    if failed:
        raise typer.Exit(1)


def _with_checks(doc: Document) -> Document:
    """The record with the checker's findings (``vanban check``) in ``problems``; the checker's
    citation findings replace the parser's own of the same rule."""
    from dataclasses import replace

    from ..check import check

    found = check(doc)
    rules = {p.rule for p in found}
    kept = tuple(p for p in doc.problems if p.rule not in rules)
    return replace(doc, problems=kept + tuple(found))


def _summary(name: str, doc: Document) -> None:
    con = Console()
    tb = Table(title=name, show_header=False, title_justify="left", expand=False)
    tb.add_column("trường", style="bold cyan", no_wrap=True)
    tb.add_column("giá trị")
    s = doc.signer
    signer = (*(m.value for m in s.markers), value_of(s.title), value_of(s.name)) if s else ()
    date = doc.date.value.isoformat() if doc.date else None
    rows = [
        (
            "Hệ thống",
            {"state": "Nhà nước (NĐ 30/2020)", "party": "Đảng (HD 36)", "other": "khác"}[doc.system],
        ),
        ("Cơ quan chủ quản", value_of(doc.issuer_parent)),
        ("Cơ quan ban hành", value_of(doc.issuer)),
        ("Số, ký hiệu", value_of(doc.number)),
        ("Tên loại", value_of(doc.doc_type)),
        ("Địa danh, ngày", ", ".join(x for x in (value_of(doc.place), date) if x) or None),
        ("Trích yếu", value_of(doc.subject)),
        ("Độ khẩn / mật", " / ".join(x for x in (value_of(doc.urgency), value_of(doc.secrecy)) if x) or None),
        ("Kính gửi", "\n".join(r.value for r in doc.recipients) or None),
        ("Người ký", " · ".join(x for x in signer if x) or None),
        ("Nơi nhận", "\n".join(d.value for d in doc.distribution) or None),
        (
            "Trích dẫn",
            "\n".join(
                f"{c.doc_type or '?'} {c.number}"
                + (f" ngày {c.date.isoformat()}" if c.date else "")
                + f"  [{c.relation}]"
                for c in doc.citations
                if c.number
            )
            or None,
        ),
        (
            "Nhiệm vụ",
            "\n".join(
                "; ".join(a.name for a in t.assignees)
                + (f"  (hạn {t.deadline.explicit.isoformat()})" if t.deadline and t.deadline.explicit else "")
                for t in doc.tasks
            )
            or None,
        ),
        ("Vấn đề", "\n".join(f"{p.severity}: {p.message}" for p in doc.problems) or None),
    ]
    for k, v in rows:
        tb.add_row(k, v if v else "[dim]—[/dim]")
    con.print(tb)
