"""Tracking commands a clerk scripts against: ``units``, ``tasks``, ``report``, ``dashboard``,
and the tracking chain ``vanban show`` prints."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..cite import canonical_key
from ..messages import msg
from ..store import Archive, ArchiveError
from ..store.models import DocumentRow
from ..track import orgs, queries, service
from ..track.labels import relation_label
from ..track.models import Task, Unit
from ..track.status import Status
from ..track.tracker import Tracker
from .app import app
from .common import open_archive as _archive

_out = Console(highlight=False, soft_wrap=True)
_err = Console(stderr=True, highlight=False, soft_wrap=True)

HOME = typer.Option(None, "--home", envvar="VANBAN_HOME", help=msg("cli.help.home"))
DB = typer.Option(None, "--db", envvar="VANBAN_DB", help=msg("cli.help.db"))
JSON = typer.Option(False, "--json", help=msg("cli.help.json"))
TASK_IDS = typer.Argument(None, help=msg("cli.help.tasks_ids"))
REPORT_FILE = typer.Argument(..., exists=True, dir_okay=False, help=msg("cli.help.report_file"))

units_app = typer.Typer(help=msg("cli.help.units"), no_args_is_help=False)
tasks_app = typer.Typer(help=msg("cli.help.tasks"), no_args_is_help=False)
app.add_typer(units_app, name="units")
app.add_typer(tasks_app, name="tasks")


def vndate(d: dt.date | None) -> str:
    """dd/mm/yyyy for people; an empty mark without a date."""
    return d.strftime("%d/%m/%Y") if d else "—"


def _fail(text: str, code: int = 1) -> typer.Exit:
    _err.print(f"[red]{msg('cli.error')}[/red] {escape(text)}")
    return typer.Exit(code)


def _jsonl(rows: list[dict[str, Any]]) -> None:
    sys.stdout.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


# --- units ----------------------------------------------------------------------------------


@units_app.callback(invoke_without_command=True)
def units_list(
    ctx: typer.Context, as_json: bool = JSON, home: Path | None = HOME, db: str | None = DB
) -> None:
    """Danh mục đơn vị của tổ chức theo dõi (JSON Lines với --json)."""
    if ctx.invoked_subcommand is not None:
        return
    with _archive(home, db) as ar, ar.Session() as s:
        units = list(s.scalars(select(Unit).order_by(Unit.name)))
        names = {u.id: u.name for u in units}
        rows = [
            {
                "id": u.id,
                "name": u.name,
                "kind": u.kind,
                "parent": names.get(u.parent_id) if u.parent_id else None,
                "parent_id": u.parent_id,
                "own": u.own,
                "aliases": [a.name for a in u.aliases],
            }
            for u in units
        ]
    if as_json:
        _jsonl(rows)
        return
    if not rows:
        _err.print(msg("cli.units.none"))
        return
    tb = Table(show_lines=False)
    for c in ("col_id", "col_name", "col_kind", "col_parent", "col_own"):
        tb.add_column(msg(f"cli.units.{c}"))
    for r in rows:
        own = msg("common.yes") if r["own"] else msg("common.no")
        kind = msg(f"cli.units.kind_{r['kind']}")
        tb.add_row(str(r["id"]), escape(r["name"]), kind, escape(r["parent"] or "—"), own)
    _out.print(tb)


@units_app.command("load", help=msg("cli.help.units_load"))
def units_load(
    ref: str = typer.Argument(..., help=msg("cli.help.units_ref")),
    home: Path | None = HOME,
    db: str | None = DB,
) -> None:
    with _archive(home, db) as ar, ar.Session() as s:
        try:
            loaded = orgs.load_registry(s, ref)
        except orgs.RegistryError as exc:
            raise _fail(str(exc)) from None
        s.commit()
        _err.print(msg("cli.units.loaded", n=len(loaded.units), org=loaded.organisation or ref))


# --- tasks ----------------------------------------------------------------------------------


def task_row(t: Task, u: Unit | None, d: DocumentRow, st: str) -> dict[str, Any]:
    """A task as a JSON object (ISO dates)."""
    return {
        "id": t.id,
        "unit": u.name if u else None,
        "unit_id": t.unit_id,
        "document": d.number or f"#{d.id}",
        "document_id": d.id,
        "deadline": t.deadline.isoformat() if t.deadline else None,
        "status": st,
        "confirmed": t.confirmed_at is not None,
        "completed_on": t.completed_on.isoformat() if t.completed_on else None,
        "role": t.role,
        "assignee": t.assignee,
        "action": t.action,
        "recurrence": t.recurrence,
        "period": t.period,
        "task_index": t.task_index,
    }


@tasks_app.callback(invoke_without_command=True)
def tasks_list(
    ctx: typer.Context,
    include_all: bool = typer.Option(False, "--all", help=msg("cli.help.tasks_all")),
    as_json: bool = JSON,
    home: Path | None = HOME,
    db: str | None = DB,
) -> None:
    """Nhiệm vụ đang theo dõi (chỉ nhiệm vụ đã xác nhận, trừ khi có --all)."""
    if ctx.invoked_subcommand is not None:
        return
    today = dt.date.today()
    with _archive(home, db) as ar, ar.Session() as s:
        service.advance(s, today)
        s.commit()
        rows = [
            task_row(*r) for r in s.execute(queries.task_select(today, None, proposals=include_all)).all()
        ]
    if as_json:
        _jsonl(rows)
        return
    if not rows:
        _err.print(msg("cli.tasks.none"))
        return
    tb = Table()
    for c in (
        "col_id",
        "col_unit",
        "col_document",
        "col_deadline",
        "col_status",
        "col_confirmed",
        "col_done",
    ):
        tb.add_column(msg(f"cli.tasks.{c}"), min_width=10 if c in ("col_deadline", "col_done") else None)
    for r in rows:
        dl, done = (dt.date.fromisoformat(r[k]) if r[k] else None for k in ("deadline", "completed_on"))
        tb.add_row(
            str(r["id"]),
            escape(r["unit"] or msg("track.no_unit_name")),
            escape(r["document"]),
            vndate(dl) + (f" ({r['period']})" if r["period"] else ""),
            Status(r["status"]).label,
            msg("common.yes") if r["confirmed"] else msg("cli.tasks.proposal"),
            vndate(done) if done else "",
        )
    _out.print(tb)


def _find_document(ar: Archive, ref: str) -> int:
    try:
        return ar.find(ref).id
    except ArchiveError:
        raise _fail(msg("cli.tasks.no_document", ref=ref)) from None


@tasks_app.command("confirm", help=msg("cli.help.tasks_confirm"))
def tasks_confirm(
    ids: list[str] = TASK_IDS,
    document: str | None = typer.Option(None, "--document", help=msg("cli.help.tasks_document")),
    home: Path | None = HOME,
    db: str | None = DB,
) -> None:
    if not ids and not document:
        raise _fail(msg("cli.tasks.confirm_what"), 2)
    with _archive(home, db) as ar, ar.Session() as s:
        picked: list[Task] = []
        if document:
            picked += service.proposals_of(s, _find_document(ar, document))
        for ref in ids or []:
            if not ref.lstrip("#").isdigit():
                raise _fail(msg("cli.tasks.bad_id", ref=ref), 2)
            t = s.get(Task, int(ref.lstrip("#")))
            if t is None:
                raise _fail(msg("cli.tasks.no_task", id=ref.lstrip("#")))
            picked.append(t)
        done = Tracker(s).confirm_as_is(picked, None)
        s.commit()
    _err.print(msg("cli.tasks.confirmed", n=len(done)) if done else msg("cli.tasks.nothing_to_confirm"))


# --- reports --------------------------------------------------------------------------------


@app.command("report", help=msg("cli.help.report"))
def report_cmd(
    file: Path = REPORT_FILE,
    task: int | None = typer.Option(None, "--task", help=msg("cli.help.report_task")),
    final: bool = typer.Option(False, "--final", help=msg("cli.help.report_final")),
    home: Path | None = HOME,
    db: str | None = DB,
) -> None:
    with _archive(home, db) as ar:
        try:
            res = ar.add_file(file)
        except ArchiveError as exc:
            raise _fail(str(exc), 2) from None
        if res.document_id is None:
            raise _fail(msg("cli.report.not_stored", path=str(file), error=res.error or res.status))
        with ar.Session() as s:
            doc = s.get(DocumentRow, res.document_id)
            assert doc is not None
            try:
                reports = service.record_report(s, doc, task_id=task, final=final)
            except ValueError as exc:
                raise _fail(str(exc)) from None
            s.commit()
            for r in reports:
                t = r.task
                key = "cli.report.final" if r.final else "cli.report.interim"
                unit = t.unit.name if t.unit else t.assignee
                _out.print(msg(key, id=t.id, unit=unit, date=vndate(r.reported_on)))
            if not reports:
                label = doc.number or file.name
                _err.print(
                    f"[yellow]{msg('cli.warning')}[/yellow] "
                    + escape(msg("cli.report.none", document=label, unit=doc.issuer or "?"))
                )


# --- dashboard ------------------------------------------------------------------------------


@app.command("dashboard", help=msg("cli.help.dashboard"))
def dashboard_cmd(as_json: bool = JSON, home: Path | None = HOME, db: str | None = DB) -> None:
    today = dt.date.today()
    with _archive(home, db) as ar, ar.Session() as s:
        service.advance(s, today)
        s.commit()
        units = queries.counts_by_unit(s, today)
        pending = len(s.execute(queries.task_select(today, None, pending=True)).all())
    totals = queries.totals(units)
    if as_json:
        sys.stdout.write(json.dumps({st.value: totals[st] for st in Status}) + "\n")
        return
    tb = Table(title=msg("cli.dashboard.title", date=vndate(today)), title_justify="left")
    tb.add_column(msg("cli.tasks.col_unit"))
    for st in Status:
        tb.add_column(st.label, justify="right")
    for u in units:
        tb.add_row(escape(u.name), *(str(u.counts[st]) for st in Status))
    tb.add_row(f"[bold]{msg('cli.dashboard.total')}[/bold]", *(f"[bold]{totals[st]}[/bold]" for st in Status))
    _out.print(tb)
    if pending:
        _err.print(msg("cli.dashboard.proposals", n=pending))


# --- what `add`, `watch` and `show` call ----------------------------------------------------


def track_results(ar: Archive, ids: list[int]) -> None:
    """Run the tracking step on the documents just stored and say what it did."""
    if not ids:
        return
    with ar.Session() as s:
        out = service.track_ids(s, ids)
        s.commit()
        n = (len(out.proposals), len(out.reports), sum(len(e["names"]) for e in out.elsewhere))
    if any(n):
        _err.print(msg("cli.track.summary", proposals=n[0], reports=n[1], elsewhere=n[2]))


def print_chain(ar: Archive, ref: str, key: str | None, archived: bool) -> bool:
    """Print the archived documents implementing the document ``key`` (or the number ``ref``),
    with their tasks and reports; False when there is nothing to print."""
    today = dt.date.today()
    with ar.Session() as s:
        root = queries.chain(s, key or canonical_key(ref, None, None), today)
        if not root.children and not (archived and root.tasks):
            return False
        report_docs = _report_docs(s, root)
        head = (
            msg("cli.chain.title") if archived else msg("cli.chain.not_archived", number=root.number or ref)
        )
        tree = Tree(f"[bold]{escape(head)}[/bold]")
        if archived:
            _tasks(tree, root, report_docs)
        for child in root.children:
            _node(tree, child, report_docs)
    _out.print(tree)
    return True


def _report_docs(s: Session, root: queries.ChainNode) -> dict[int, DocumentRow]:
    ids = {r.document_id for n in queries.walk(root) for *_x, rs in n.tasks for r in rs if r.document_id}
    return {d.id: d for d in s.scalars(select(DocumentRow).where(DocumentRow.id.in_(ids)))} if ids else {}


def _node(tree: Tree, node: queries.ChainNode, report_docs: dict[int, DocumentRow]) -> None:
    d = node.doc
    assert d is not None
    rel = relation_label(node.relation)
    head = " ".join(x for x in (d.doc_type, d.number) if x) + (f" ngày {vndate(d.date)}" if d.date else "")
    branch = tree.add(f"[magenta]{escape(rel)}[/magenta] [cyan]#{d.id}[/cyan] {escape(head)}")
    _tasks(branch, node, report_docs)
    for c in node.children:
        _node(branch, c, report_docs)


def _tasks(tree: Tree, node: queries.ChainNode, report_docs: dict[int, DocumentRow]) -> None:
    if not node.tasks:
        tree.add(f"[dim]{msg('cli.chain.no_tasks')}[/dim]")
    for t, u, st, reports in node.tasks:
        line = msg(
            "cli.chain.task",
            id=t.id,
            unit=u.name if u else t.assignee,
            status=st.label,
            deadline=msg("cli.chain.deadline", date=vndate(t.deadline)) if t.deadline else "",
            done=msg("cli.chain.done", date=vndate(t.completed_on)) if t.completed_on else "",
        )
        branch = tree.add(escape(line))
        for r in reports:
            rd = report_docs.get(r.document_id) if r.document_id else None
            kind = msg("cli.chain.report_final" if r.final else "cli.chain.report_interim")
            label = (rd.number or f"#{rd.id}") if rd else r.note[:60]
            branch.add(escape(msg("cli.chain.report", document=label, date=vndate(r.reported_on), kind=kind)))
