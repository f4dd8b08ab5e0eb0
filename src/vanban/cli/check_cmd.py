"""``vanban check``: format, consistency and spelling problems of each document."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from ..errors import VanbanError
from ..messages import msg
from .app import app

_err = Console(stderr=True)
_LABEL = {"error": ("LỖI", "red"), "warning": ("CẢNH BÁO", "yellow"), "info": ("GHI CHÚ", "cyan")}


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _report(con: Console, name: str, checked) -> None:
    text = checked.document.text
    probs = checked.problems
    con.print(f"[bold]{escape(name)}[/bold] — {escape(checked.profile.title)}", highlight=False)
    if not probs:
        con.print("  không thấy vấn đề nào.")
        return
    for sev in ("error", "warning", "info"):
        group = [p for p in probs if p.severity == sev]
        if not group:
            continue
        label, colour = _LABEL[sev]
        con.print(f"  [{colour}]{label}[/{colour}] ({len(group)})")
        for p in group:
            where = ""
            if p.span:
                snippet = " ".join(text[p.span[0] : p.span[1]].split())
                snippet = snippet if len(snippet) <= 70 else snippet[:67] + "…"
                where = f"dòng {_line(text, p.span[0])}: “{snippet}” "
            fix = f" → {p.suggestion}" if p.suggestion else ""
            con.print(f"    {escape(where)}[dim]{p.rule}[/dim]{escape(fix)}", highlight=False)
            con.print(f"      {escape(p.message)}", highlight=False)


@app.command("check")
def check_cmd(
    files: Annotated[list[Path], typer.Argument(help=msg("cli.help.check_files"))],
    as_json: Annotated[bool, typer.Option("--json", help=msg("cli.help.json_lines"))] = False,
    profile: Annotated[
        str | None,
        typer.Option(help=msg("cli.help.check_profile")),
    ] = None,
    fix: Annotated[
        Path | None,
        typer.Option(help=msg("cli.help.check_fix")),
    ] = None,
    final: Annotated[
        bool,
        typer.Option(
            "--final",
            help=msg("cli.help.check_final"),
        ),
    ] = False,
) -> None:
    """Kiểm tra thể thức (NĐ 30/2020, HD 36), tính nhất quán của trích dẫn và chính tả; mã thoát 1 khi có lỗi."""
    from ..check import check_file
    from ..check.fix import write_docx, write_text

    if fix is not None and len(files) > 1:
        fix.mkdir(parents=True, exist_ok=True)
    con = Console()
    errors = failed = 0
    for f in files:
        try:
            checked = check_file(f, profile, final=final)
        except VanbanError as exc:
            failed += 1
            _err.print(f"[red]lỗi[/red] {escape(str(exc))}", highlight=False)
            continue
        errors += sum(p.severity == "error" for p in checked.problems)
        if as_json:
            rec = {
                "source": str(f),
                "profile": checked.profile.name,
                "problems": [
                    {
                        "rule": p.rule,
                        "severity": p.severity,
                        "message": p.message,
                        "span": list(p.span) if p.span else None,
                        "suggestion": p.suggestion,
                    }
                    for p in checked.problems
                ],
            }
            sys.stdout.write(json.dumps(rec, ensure_ascii=False) + "\n")
        else:
            _report(con, str(f), checked)
        if fix is not None:
            out = fix / f.name if fix.is_dir() else fix
            try:
                if f.suffix.lower() == ".docx":
                    n = write_docx(f, out, checked.problems, checked.profile)
                else:
                    n = write_text(f, out, checked.document.text, checked.problems, checked.profile)
            except VanbanError as exc:
                failed += 1
                _err.print(f"[red]lỗi[/red] {escape(str(exc))}", highlight=False)
                continue
            _err.print(f"đã sửa {n} chỗ → {out}", highlight=False)
    if errors or failed:
        raise typer.Exit(1)
