"""Open results: the public index of published directive pages and answers (searchable), each
directive's page with its results per unit and the units commended, Atom feeds for the press and
portals; the staff's confirmation before a directive is published, and commendations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..feedback import service as fs
from ..feedback.feeds import Entry, atom
from ..feedback.models import Commendation, Feedback
from ..messages import msg
from ..normalize import fold
from ..track import audit, queries
from ..track.models import PublishedDirective, Unit
from ..track.roles import Action
from ..track.status import Status
from ..track.tracker import directive_key
from . import services as sv
from .deps import db
from .pages import Me, _directive_ctx, back, page
from .security import check_csrf

router = APIRouter(include_in_schema=False)
DB = Annotated[Session, Depends(db)]
FEED_TYPE = "application/atom+xml; charset=utf-8"


@dataclass
class UnitResult:
    """One unit's share of a directive: its tasks by status, its last final report, its commendation."""

    unit_id: int | None
    name: str
    counts: dict[Status, int] = field(default_factory=lambda: dict.fromkeys(Status, 0))
    reported_on: dt.date | None = None
    note: str = ""
    commended: Commendation | None = None


def unit_results(nodes: list[queries.ChainNode], commended: dict[int, Commendation]) -> list[UnitResult]:
    """Per-unit results over every node of a directive's chain, commended units first."""
    out: dict[Any, UnitResult] = {}
    for n in nodes:
        for t, u, st, reps in n.tasks:
            key = t.unit_id if t.unit_id is not None else t.assignee
            r = out.setdefault(key, UnitResult(t.unit_id, u.name if u else t.assignee))
            r.counts[st] += 1
            for rep in reps:
                if rep.final and (r.reported_on is None or rep.reported_on >= r.reported_on):
                    r.reported_on, r.note = rep.reported_on, rep.note
    for r in out.values():
        r.commended = commended.get(r.unit_id) if r.unit_id is not None else None
    return sorted(out.values(), key=lambda r: (r.commended is None, -r.counts[Status.DONE_ON_TIME], r.name))


def _commendations(s: Session, key: str) -> dict[int, Commendation]:
    return {c.unit_id: c for c in s.scalars(select(Commendation).where(Commendation.directive_key == key))}


@dataclass
class DirectiveCard:
    """A published directive as the index lists it."""

    slug: str
    number: str
    title: str
    published_at: dt.datetime


def _directives(s: Session, on: dt.date, query: str = "") -> list[DirectiveCard]:
    words = fold(query).split()
    out = []
    for pub in s.scalars(select(PublishedDirective).order_by(PublishedDirective.published_at.desc())):
        root = queries.chain(s, pub.directive_key, on, None, max_depth=0)
        card = DirectiveCard(pub.slug, root.number or pub.directive_key, root.title or "", pub.published_at)
        hay = fold(f"{card.number} {card.title}")
        if all(w in hay for w in words):
            out.append(card)
    return out


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/public")
def index(request: Request, s: DB, q: str = "") -> HTMLResponse:
    on = sv.today(request)
    q = q[:200]
    return page(
        request,
        "public_index.html",
        None,
        q=q,
        directives=_directives(s, on, q),
        answers=fs.published(s, q),
    )


def _answer_entry(base: str, i: Feedback) -> Entry:
    return Entry(
        id=f"{base}/public/answers/{i.pub_slug}",
        title=msg("public.feed_answer", subject=i.pub_subject),
        link=f"{base}/public/answers/{i.pub_slug}",
        updated=i.published_at or dt.datetime(2000, 1, 1),
        summary=i.pub_answer,
    )


@router.get("/public/feed.xml")
def feed(request: Request, s: DB) -> Response:
    base, on = _base(request), sv.today(request)
    entries = [_answer_entry(base, i) for i in fs.published(s, limit=50)]
    for d in _directives(s, on)[:50]:
        entries.append(
            Entry(
                id=f"{base}/public/{d.slug}",
                title=msg("public.feed_directive", number=d.number),
                link=f"{base}/public/{d.slug}",
                updated=d.published_at,
                summary=d.title,
            )
        )
    body = atom(msg("public.feed_title"), f"{base}/public/feed.xml", f"{base}/public", entries)
    return Response(body, media_type=FEED_TYPE)


@router.get("/public/answers/{slug}")
def answer(request: Request, s: DB, slug: str) -> HTMLResponse:
    item = s.scalar(select(Feedback).where(Feedback.pub_slug == slug, Feedback.public.is_(True)))
    if item is None:
        raise HTTPException(404, msg("public.not_found"))
    return page(request, "public_answer.html", None, item=item)


def _published(s: Session, slug: str) -> PublishedDirective:
    pub = s.scalar(select(PublishedDirective).where(PublishedDirective.slug == slug))
    if pub is None:
        raise HTTPException(404, msg("public.not_found"))
    return pub


@router.get("/public/{slug}")
def directive_page(request: Request, s: DB, slug: str) -> HTMLResponse:
    pub = _published(s, slug)
    ctx = _directive_ctx(s, pub.directive_key, sv.today(request), None)
    results = unit_results(ctx["nodes"], _commendations(s, pub.directive_key))
    return page(request, "public.html", None, pub=pub, results=results, **ctx)


@router.get("/public/{slug}/feed.xml")
def directive_feed(request: Request, s: DB, slug: str) -> Response:
    pub = _published(s, slug)
    base, on = _base(request), sv.today(request)
    ctx = _directive_ctx(s, pub.directive_key, on, None)
    number = ctx["root"].number or pub.directive_key
    page_url = f"{base}/public/{slug}"
    entries = [
        Entry(
            id=f"{page_url}#unit-{r.unit_id or r.name}-{r.reported_on}",
            title=msg("public.feed_result", unit=r.name, number=number),
            link=page_url,
            updated=dt.datetime.combine(r.reported_on, dt.time()),
            summary=r.note or msg("public.reported_on", date=r.reported_on.strftime("%d/%m/%Y")),
        )
        for r in unit_results(ctx["nodes"], {})
        if r.reported_on is not None
    ]
    for c in _commendations(s, pub.directive_key).values():
        entries.append(
            Entry(
                id=f"{page_url}#commend-{c.id}",
                title=msg("public.feed_commend", unit=c.unit.name, number=number),
                link=page_url,
                updated=c.at,
                summary=c.note,
            )
        )
    title = msg("public.feed_directive", number=number)
    return Response(atom(title, f"{page_url}/feed.xml", page_url, entries), media_type=FEED_TYPE)


# --- staff: confirmation before publishing, commendations --------------------------------------


@router.get("/directive/publish/confirm")
def publish_confirm(request: Request, s: DB, p: Me, key: str, on: bool = True) -> HTMLResponse:
    sv.require(p, Action.PUBLISH)
    k = directive_key(key)
    root = queries.chain(s, k, sv.today(request), None, max_depth=0)
    return page(request, "public_confirm.html", p, key=k, on=on, root=root)


@router.get("/directive/commend")
def commend_form(request: Request, s: DB, p: Me, key: str) -> HTMLResponse:
    sv.require(p, Action.PUBLISH)
    k = directive_key(key)
    ctx = _directive_ctx(s, k, sv.today(request), None)
    results = unit_results(ctx["nodes"], _commendations(s, k))
    return page(request, "public_commend.html", p, key=k, root=ctx["root"], results=results)


@router.post("/directive/commend")
def commend(
    s: DB,
    p: Me,
    key: Annotated[str, Form()],
    unit_id: Annotated[int, Form()],
    csrf: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    on: Annotated[bool, Form()] = True,
) -> Response:
    check_csrf(p, csrf)
    sv.require(p, Action.PUBLISH)
    k = directive_key(key)
    if s.get(Unit, unit_id) is None:
        raise HTTPException(422, msg("feedback.bad_unit"))
    c = s.scalar(select(Commendation).where(Commendation.directive_key == k, Commendation.unit_id == unit_id))
    if on:
        before = audit.snapshot(c) if c else None
        if c is None:
            c = Commendation(directive_key=k, unit_id=unit_id, by=p.user.id)
            s.add(c)
        c.note = note.strip()[:1000]
        s.flush()
        audit.log(s, p.user.id, "commend", "commendation", c.id, before, audit.snapshot(c))
    elif c is not None:
        audit.log(s, p.user.id, "uncommend", "commendation", c.id, audit.snapshot(c), None)
        s.delete(c)
    s.commit()
    return back(f"/directive/commend?key={quote(k)}")
