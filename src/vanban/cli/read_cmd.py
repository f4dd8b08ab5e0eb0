"""``vanban ocr``: print the text vanban extracts from each file (what the parser sees)."""

from __future__ import annotations

import itertools
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ..errors import VanbanError
from ..messages import msg
from .app import app

_err = Console(stderr=True)


@app.command("ocr")
def ocr_cmd(
    files: Annotated[list[Path], typer.Argument(help=msg("cli.help.ocr_files"))],
    pages: Annotated[bool, typer.Option("--pages", help=msg("cli.help.ocr_pages"))] = False,
    notes: Annotated[bool, typer.Option("--notes/--no-notes", help=msg("cli.help.ocr_notes"))] = True,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help=msg("cli.help.ocr_jobs"))] = 0,
) -> None:
    """In chữ đọc được từ tệp (lớp chữ PDF, OCR ảnh quét, Word, HTML) — đúng như bộ phân tích thấy."""
    from ..read import read_file

    if jobs > 0:
        os.environ["VANBAN_OCR_JOBS"] = str(jobs)
    failed = 0
    for path in files:
        try:
            ex = read_file(path)
        except VanbanError as exc:
            failed += 1
            _err.print(f"[red]lỗi[/red] {exc}", highlight=False)
            continue
        if len(files) > 1:
            sys.stdout.write(f"==> {path} <==\n")
        if pages and ex.pages:
            bounds = [*ex.pages, len(ex.text)]
            for no, (a, b) in enumerate(itertools.pairwise(bounds), 1):
                sys.stdout.write(f"--- trang {no} ---\n{ex.text[a:b]}")
        else:
            sys.stdout.write(ex.text)
        for warning in ex.warnings:  # the text may be wrong: always said
            _err.print(f"[yellow]cảnh báo[/yellow] {path}: {warning}", highlight=False)
        if notes:
            for note in ex.problems:
                _err.print(f"[yellow]ghi chú[/yellow] {path}: {note}", highlight=False)
    if failed:
        raise typer.Exit(1)
