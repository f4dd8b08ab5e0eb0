"""Archive commands: add, watch, reparse, rm, restore, search, show, export."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, SpinnerColumn, TextColumn
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from ..messages import msg
from ..model import Document, value_of
from ..store import Archive, ArchiveError, Filters, review
from ..store.archive import AddResult, Summary
from ..store.link import Brief, Node
from .app import app
from .common import err as _err
from .common import open_archive as _archive
from .common import out as _out
from .track_cmd import print_chain, track_results

HOME = typer.Option(None, "--home", envvar="VANBAN_HOME", help=msg("cli.store.home"))
PATHS = typer.Argument(..., help=msg("cli.store.paths"))
FOLDER = typer.Argument(..., exists=True, file_okay=False, help=msg("cli.store.folder"))
REFS = typer.Argument(..., help=msg("cli.store.refs"))
IDS = typer.Argument(..., help=msg("cli.store.ids"))
OUTPUT = typer.Option(None, "--output", "-o", help=msg("cli.store.output"))
DB = typer.Option(None, "--db", envvar="VANBAN_DB", help=msg("cli.store.db"))


class _Rate(ProgressColumn):
    """Documents per second."""

    def render(self, task) -> Text:  # type: ignore[no-untyped-def]
        return Text(f"{task.speed or 0:,.0f} văn bản/s", style="progress.data.speed", no_wrap=True)


_LABEL = {
    "added": "thêm mới",
    "version": "phiên bản mới",
    "duplicate": "trùng",
    "retried": "đọc lại được",
    "reparsed": "đọc lại",
    "failed": "lỗi đọc (đã lưu)",
    "error": "không lưu được",
    "skipped": "bỏ qua",
}
FOLLOW = typer.Option(False, "--follow-symlinks", help=msg("cli.store.follow_symlinks"))


def _run_with_progress(title: str, work) -> Summary:  # type: ignore[no-untyped-def]
    counts: Counter[str] = Counter()
    progress = Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        _Rate(),
        TextColumn("{task.fields[counts]}"),
        console=_err,
        transient=False,
    )
    with progress:
        task = progress.add_task(title, total=None, counts="")

        def on_total(n: int) -> None:
            progress.update(task, total=n)

        def on_result(r: AddResult) -> None:
            counts[r.status] += 1
            shown = " ".join(f"{_LABEL[k]} {v}" for k, v in sorted(counts.items()))
            progress.update(task, advance=1, counts=shown)

        return work(on_total, on_result)


def _print_summary(summary: Summary, seconds: float) -> None:
    tb = Table(title="Kết quả", show_header=False, title_justify="left")
    tb.add_column("", style="bold")
    tb.add_column("", justify="right")
    for k in ("added", "version", "retried", "reparsed", "duplicate", "failed", "error", "skipped"):
        n = summary.count(k)
        if n or k in ("added", "duplicate", "failed"):
            tb.add_row(_LABEL[k], str(n))
    n = len(summary.results)
    tb.add_row("thời gian", f"{seconds:.1f} s ({n / seconds if seconds else 0:,.0f} văn bản/s)")
    _err.print(tb)
    for r in summary.results:
        if r.status == "skipped":
            _err.print(f"[yellow]{_LABEL[r.status]}[/yellow] {escape(r.path)}: {escape(r.error or '')}")
    for r in summary.failures:
        _err.print(f"[red]{_LABEL[r.status]}[/red] {escape(r.path)}: {escape(r.error or '')}")


@app.command("add")
def add_cmd(
    paths: list[Path] = PATHS,
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help=msg("cli.store.jobs")),
    follow_symlinks: bool = FOLLOW,
    home: Path | None = HOME,
    db: str | None = DB,
) -> None:
    """Lưu văn bản vào kho: bản gốc (SHA-256), bản ghi, trích dẫn, chỉ mục tìm kiếm.

    Mã thoát: 0 khi mọi tệp đã lưu (hoặc trùng, hoặc được bỏ qua có ghi chú), 1 khi có tệp
    không đọc được hay không lưu được, 2 khi kho không ghi được."""
    with _archive(home, db) as ar:
        t0 = time.perf_counter()
        try:
            summary = _run_with_progress(
                "Đang lưu",
                lambda tot, res: ar.add_paths(
                    paths, jobs=jobs, on_total=tot, on_result=res, follow_symlinks=follow_symlinks
                ),
            )
        except ArchiveError as exc:
            _err.print(f"[red]lỗi[/red] {escape(str(exc))}")
            raise typer.Exit(2) from None
        _print_summary(summary, time.perf_counter() - t0)
        _track(ar, summary)
        if summary.failures:
            _err.print(msg("ingest.failed_exit", count=len(summary.failures)))
            raise typer.Exit(1)


@app.command("watch")
def watch_cmd(
    folder: Path = FOLDER,
    interval: float = typer.Option(2.0, "--interval", min=0.1, help=msg("cli.store.interval")),
    consume: bool = typer.Option(False, "--consume", help=msg("cli.store.consume")),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1),
    once: bool = typer.Option(False, "--once", help=msg("cli.store.once")),
    follow_symlinks: bool = FOLLOW,
    home: Path | None = HOME,
    db: str | None = DB,
) -> None:
    """Theo dõi một thư mục: văn bản mới bỏ vào được lưu vào kho."""
    from ..store.watch import Watcher

    with _archive(home, db) as ar:
        w = Watcher(ar, folder, consume=consume, jobs=jobs, follow_symlinks=follow_symlinks)
        _err.print(f"Theo dõi {escape(str(folder))} (Ctrl+C để dừng)")
        scans = 0
        try:
            while True:
                scanned = w.scan()
                _track(ar, scanned)
                for r in scanned.results:
                    style = {"failed": "red", "error": "red", "skipped": "yellow"}.get(r.status, "green")
                    doc = f" #{r.document_id}" if r.document_id else ""
                    why = f": {escape(r.error)}" if r.error else ""
                    _err.print(f"[{style}]{_LABEL[r.status]}[/{style}]{doc} {escape(r.path)}{why}")
                scans += 1
                if once and scans >= 2:
                    return
                time.sleep(interval)
        except KeyboardInterrupt:
            return
        except ArchiveError as exc:
            _err.print(f"[red]lỗi[/red] {escape(str(exc))}")
            raise typer.Exit(2) from None


def _track(ar: Archive, summary: Summary) -> None:
    """The tracking step on what was just stored (the same one a web upload runs)."""
    track_results(ar, [r.document_id for r in summary.results if r.document_id is not None])


@app.command("reparse")
def reparse_cmd(
    failed: bool = typer.Option(False, "--failed", help=msg("cli.store.failed")),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1),
    home: Path | None = HOME,
    db: str | None = DB,
) -> None:
    """Đọc lại các bản gốc đã lưu bằng bộ phân tích hiện tại."""
    with _archive(home, db) as ar:
        t0 = time.perf_counter()
        summary = _run_with_progress(
            "Đang đọc lại", lambda tot, res: ar.reparse(failed, jobs=jobs, on_total=tot, on_result=res)
        )
        _print_summary(summary, time.perf_counter() - t0)


@app.command("rm")
def rm_cmd(
    refs: list[str] = REFS,
    home: Path | None = HOME,
    db: str | None = DB,
) -> None:
    """Gỡ văn bản khỏi tìm kiếm và liên kết (giữ bản gốc; khôi phục bằng 'vanban restore')."""
    with _archive(home, db) as ar:
        for ref in refs:
            try:
                d = ar.remove(ar.find(ref).id)
            except ArchiveError as exc:
                _err.print(f"[red]lỗi[/red] {escape(str(exc))}")
                raise typer.Exit(1) from None
            _err.print(f"đã gỡ #{d.id} {escape(d.number or d.source or '')}")


@app.command("restore")
def restore_cmd(refs: list[str] = IDS, home: Path | None = HOME, db: str | None = DB) -> None:
    """Khôi phục văn bản đã gỡ."""
    with _archive(home, db) as ar:
        for ref in refs:
            try:
                d = ar.restore(int(ref.lstrip("#")))
            except (ArchiveError, ValueError) as exc:
                _err.print(f"[red]lỗi[/red] {escape(str(exc))}")
                raise typer.Exit(1) from None
            _err.print(f"đã khôi phục #{d.id} {escape(d.number or d.source or '')}")


def _filters(
    doc_type: str | None,
    issuer: str | None,
    year: int | None,
    date_from: str | None,
    date_to: str | None,
    number: str | None,
    system: str | None,
    failed: bool,
    removed: bool,
) -> Filters:
    try:
        d1 = dt.date.fromisoformat(date_from) if date_from else None
        d2 = dt.date.fromisoformat(date_to) if date_to else None
    except ValueError as exc:
        raise typer.BadParameter(msg("cli.store.bad_dates", error=exc)) from None
    return Filters(doc_type, issuer, year, d1, d2, number, system, "failed" if failed else None, removed)


TYPE = typer.Option(None, "--type", "-t", help=msg("cli.help.search_type"))
ISSUER = typer.Option(None, "--issuer", "-i", help=msg("cli.store.issuer"))
YEAR = typer.Option(None, "--year", "-y")
FROM = typer.Option(None, "--from", help=msg("cli.store.date_from"))
TO = typer.Option(None, "--to", help=msg("cli.store.date_to"))
NUMBER = typer.Option(None, "--number", "-n", help=msg("cli.help.search_number"))
SYSTEM = typer.Option(None, "--system", help=msg("cli.store.system"))
FAILED = typer.Option(False, "--failed", help=msg("cli.store.failed"))
REMOVED = typer.Option(False, "--removed", help=msg("cli.store.removed"))


@app.command("search")
def search_cmd(
    query: str = typer.Argument("", help=msg("cli.store.search_query")),
    doc_type: str | None = TYPE,
    issuer: str | None = ISSUER,
    year: int | None = YEAR,
    date_from: str | None = FROM,
    date_to: str | None = TO,
    number: str | None = NUMBER,
    system: str | None = SYSTEM,
    failed: bool = FAILED,
    removed: bool = REMOVED,
    limit: int = typer.Option(10, "--limit", min=1, max=500),
    after: str | None = typer.Option(None, "--after", help=msg("cli.store.after")),
    as_json: bool = typer.Option(False, "--json", help=msg("cli.store.search_json")),
    home: Path | None = HOME,
    db: str | None = DB,
) -> None:
    """Tìm văn bản: không phân biệt dấu, cụm từ trong ngoặc kép, tiền tố, lọc theo loại/cơ quan/năm/số."""
    filters = _filters(doc_type, issuer, year, date_from, date_to, number, system, failed, removed)
    with _archive(home, db) as ar:
        t0 = time.perf_counter()
        try:
            page = ar.search(query, filters, limit=limit, after=after)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from None
        ms = (time.perf_counter() - t0) * 1000
    if as_json:
        out = {
            "total": page.total,
            "next": page.next,
            "facets": {k: [[v, n] for v, n in vs] for k, vs in page.facets.items()},
            "hits": [
                {
                    "id": h.id,
                    "number": h.number,
                    "doc_type": h.doc_type,
                    "date": h.date.isoformat() if h.date else None,
                    "issuer": h.issuer,
                    "subject": h.subject,
                    "status": h.status,
                    "score": h.score,
                    "snippet": h.snippet,
                    "highlights": [list(x) for x in h.highlights],
                }
                for h in page.hits
            ],
        }
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        return
    if page.total is not None:
        _out.print(f"[bold]{page.total}[/bold] văn bản ({ms:.0f} ms)")
    for h in page.hits:
        head = " · ".join(x for x in (h.doc_type, h.number, h.date.isoformat() if h.date else None) if x)
        _out.print(f"[bold cyan]#{h.id}[/bold cyan] [bold]{escape(head or '(không số)')}[/bold]")
        if h.subject:
            _out.print(f"  {escape(h.subject)}")
        if h.status == "failed":
            _out.print("  [red]lỗi đọc[/red]")
        snip = Text("  " + h.snippet, style="dim")
        for a, b in h.highlights:
            snip.stylize("bold yellow", a + 2, b + 2)
        _out.print(snip)
    if page.facets:
        parts = []
        for name, label in (("doc_type", "loại"), ("year", "năm"), ("system", "hệ thống")):
            vals = ", ".join(f"{v if v is not None else '?'} ({n})" for v, n in page.facets.get(name, []))
            if vals:
                parts.append(f"[bold]{label}:[/bold] {escape(vals)}")
        if parts:
            _out.print("\n".join(parts))
    if page.next:
        _out.print(f"[dim]trang sau: --after {page.next}[/dim]")


def _brief(b: Brief, relation: str | None = None) -> str:
    rel = f"[magenta]{relation}[/magenta] " if relation else ""
    head = " ".join(x for x in (b.doc_type, b.number) if x) or "(không số)"
    date = f" ngày {b.date.isoformat()}" if b.date else ""
    subj = f" — {b.subject}" if b.subject else ""
    return f"{rel}[cyan]#{b.id}[/cyan] {escape(head + date + subj)}"


def _tree(node: Node, tree: Tree) -> None:
    for child in node.children:
        _tree(child, tree.add(_brief(child.doc, child.relation)))


@app.command("show")
def show_cmd(
    ref: str = typer.Argument(..., help=msg("cli.store.show_ref")),
    as_json: bool = typer.Option(False, "--json", help=msg("cli.store.show_json")),
    home: Path | None = HOME,
    db: str | None = DB,
) -> None:
    """Xem văn bản: bản ghi, văn bản được trích dẫn, văn bản trích dẫn nó, chuỗi triển khai."""
    with _archive(home, db) as ar:
        try:
            d = ar.find(ref)
        except ArchiveError as exc:
            if not as_json and print_chain(ar, ref, None, archived=False):
                return
            _err.print(f"[red]lỗi[/red] {escape(str(exc))}")
            raise typer.Exit(1) from None
        cites, cited, tree = ar.citing(d.id), ar.cited_by(d.id), ar.implementation_tree(d.id)
    if as_json:
        sys.stdout.write(
            json.dumps({"id": d.id, "record": d.record, "error": d.error}, ensure_ascii=False) + "\n"
        )
        return
    tb = Table(
        title=f"#{d.id}" + (" (đã gỡ)" if d.deleted_at else ""), show_header=False, title_justify="left"
    )
    tb.add_column("", style="bold cyan", no_wrap=True)
    tb.add_column("")
    rec = d.record or {}
    sg = Document.from_dict(rec).signer if rec else None
    rows = [
        ("Số, ký hiệu", d.number),
        ("Tên loại", d.doc_type),
        ("Cơ quan ban hành", d.issuer),
        ("Ngày", d.date.isoformat() if d.date else None),
        ("Trích yếu", d.subject),
        (
            "Người ký",
            (" · ".join(x for x in (value_of(sg.title), value_of(sg.name)) if x) or None) if sg else None,
        ),
        ("Hệ thống", d.system),
        ("Trạng thái", "ok" if d.status == "ok" else f"[red]lỗi:[/red] {escape(d.error or '')}"),
        (msg("review.needs"), _unconfirmed(rec)),
        ("Nguồn", d.source),
        (
            "Phiên bản",
            "\n".join(
                f"v{v.version} {v.sha256[:12]} {v.size} B {v.added_at:%Y-%m-%d %H:%M}" for v in d.versions
            ),
        ),
    ]
    for k, v in rows:
        tb.add_row(k, v if k == "Trạng thái" else (escape(v) if v else "[dim]—[/dim]"))
    _out.print(tb)
    if cites:
        t = Tree("[bold]Trích dẫn[/bold]")
        for c in cites:
            label = " ".join(x for x in (c.doc_type, c.number or c.title) if x)
            date = f" ngày {c.date.isoformat()}" if c.date else ""
            node = t.add(f"[magenta]{c.relation}[/magenta] {escape(label + date)}")
            if not c.targets:
                node.add("[dim]chưa có trong kho[/dim]")
            for b in c.targets:
                node.add(_brief(b))
        _out.print(t)
    if cited:
        t = Tree("[bold]Được trích dẫn bởi[/bold]")
        for rel, b in cited:
            t.add(_brief(b, rel))
        _out.print(t)
    if tree and tree.children:
        t = Tree("[bold]Chuỗi triển khai[/bold] " + _brief(tree.doc))
        _tree(tree, t)
        _out.print(t)
    with _archive(home, db) as ar:
        print_chain(ar, ref, d.key, archived=True)


def _unconfirmed(rec: dict[str, Any]) -> str | None:
    """The fields of a record still to be checked by a văn thư, or None."""
    todo = [msg(f"review.field.{f}") for f in review.pending(rec)]
    return f"{', '.join(todo)} ({msg('review.unconfirmed')})" if todo else None


CSV_FIELDS = (
    "id",
    "number",
    "doc_type",
    "date",
    "issuer",
    "subject",
    "system",
    "status",
    "error",
    "source",
    "sha256",
    "version",
)


@app.command("export")
def export_cmd(
    query: str = typer.Argument("", help=msg("cli.store.query")),
    fmt: str = typer.Option("jsonl", "--format", "-f", help=msg("cli.store.format")),
    output: Path | None = OUTPUT,
    doc_type: str | None = TYPE,
    issuer: str | None = ISSUER,
    year: int | None = YEAR,
    date_from: str | None = FROM,
    date_to: str | None = TO,
    number: str | None = NUMBER,
    system: str | None = SYSTEM,
    failed: bool = FAILED,
    removed: bool = REMOVED,
    home: Path | None = HOME,
    db: str | None = DB,
) -> None:
    """Xuất bản ghi (JSON Lines hoặc CSV), cùng bộ lọc với 'vanban search'."""
    if fmt not in ("jsonl", "csv"):
        raise typer.BadParameter(msg("cli.store.bad_format"))
    filters = _filters(doc_type, issuer, year, date_from, date_to, number, system, failed, removed)
    fh = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout  # noqa: SIM115
    n = 0
    try:
        with _archive(home, db) as ar:
            writer = csv.DictWriter(fh, CSV_FIELDS) if fmt == "csv" else None
            if writer:
                writer.writeheader()
            for d in ar.iter_documents(query, filters):
                row = {
                    "id": d.id,
                    "number": d.number,
                    "doc_type": d.doc_type,
                    "date": d.date.isoformat() if d.date else None,
                    "issuer": d.issuer,
                    "subject": d.subject,
                    "system": d.system,
                    "status": d.status,
                    "error": d.error,
                    "source": d.source,
                    "sha256": d.sha256,
                    "version": d.version,
                }
                if writer:
                    writer.writerow(row)
                else:
                    fh.write(json.dumps({**row, "record": d.record}, ensure_ascii=False) + "\n")
                n += 1
    finally:
        if output:
            fh.close()
    _err.print(f"đã xuất {n} văn bản")
