"""The parse engine: normalized text → ``Document`` (header, recipients, body, signature,
distribution, citations, tasks), every value with its span in the original text."""

from __future__ import annotations

import re
from dataclasses import replace

from .. import cite, tasks
from ..lexicon.numbers import type_of
from ..lexicon.sections import sections as find_sections
from ..model import (
    Assignee,
    Citation,
    Date,
    Deadline,
    Document,
    Number,
    Problem,
    Section,
    Signer,
    Task,
    Text,
)
from ..normalize import Normalized, normalize
from .header import DateAt, Header, identity_fallback, parse_header
from .lines import Item
from .tail import distribution, end_mark, recipients, signature, signature_around

__all__ = ["parse"]

_WORDS = re.compile(r"[^\W\d_]{2,}")


def parse(text: str, source: str | None = None, pages: tuple[int, ...] = ()) -> Document:
    """Parse the text of one official document into its record."""
    n = normalize(text)
    t = n.text
    problems: list[Problem] = []
    if not _WORDS.search(t[:100000]):
        problems.append(Problem("input.empty", "error", "Văn bản trống: không có chữ nào để đọc."))
        return Document(text=text, source=source, pages=pages, problems=tuple(problems))

    h = parse_header(t)
    # the header lost (no Số line at all): the document may name itself further down
    fallback = None if h.number or h.number_line else identity_fallback(t)
    recips, rend = recipients(t, h.end, 1500)
    body_start = max(h.end, rend)
    dist, dist_span = distribution(t, body_start)
    sig = signature(t, body_start, dist_span[0] if dist_span else end_mark(t, body_start))
    if sig is None and dist_span:  # two columns read one after the other: marker, Nơi nhận list, name
        sig = signature_around(t, dist_span)
    body_end = len(t)
    for cand in (sig.start if sig else None, dist_span[0] if dist_span else None):
        if cand is not None and body_start < cand < body_end:
            body_end = cand
    secs = find_sections(t, body_start, body_end)

    if fallback:  # the header is gone: the document names itself in a summary or appendix caption
        h.number = own = fallback.number
        p, sp, fdate = own.parsed, (own.start, own.end), fallback.date
        if not h.type_line:
            h.type_line = Item(fallback.doc_type, *sp)
        if fdate and not h.date:
            h.date = DateAt(fdate, fdate.isoformat(), *sp)
        problems.append(
            Problem(
                "header.missing",
                "info",
                "Không thấy phần đầu văn bản: số và ngày lấy từ câu giới thiệu hoặc phụ lục.",
                n.span(*sp),
            )
        )
        if h.system == "other":
            h.system = "party" if p.party else "state"
    if h.system == "other" and not (h.issuer or h.number) and sig and sig.authority:
        h.system = "party" if "/" in sig.authority else "state"  # header lost: the signature tells
    number = None
    if h.number:
        p = h.number.parsed
        number = Number(p.value, n.span(h.number.start, h.number.end), p.seq, p.year, p.type_abbr, p.symbols)

    doc_type = _doc_type(h, n)
    if doc_type is None and recips and h.system == "state" and not h.type_line:
        doc_type = Text("Công văn", n.span(recips[0].start, recips[0].end))  # a letter: Kính gửi, no type
    mentions = cite.get_citations(t, 0, len(t), own=h.number.parsed.value if h.number else None)
    main_end = max(sig.end if sig else 0, dist_span[1] if dist_span else 0)
    if main_end:  # numbers only inside appendix tables (lists of procedures, forms) are not citations
        mentions = [
            mt for mt in mentions if mt.span[0] < main_end or not _in_table(text, n.to_original(mt.span[0]))
        ]
    citations: list[Citation] = [_map_citation(c, n) for c in cite.resolve_citations(mentions)]
    for cf in cite.inconsistencies(mentions):
        msg = (
            f"Văn bản {cf.number} được dẫn với hai ngày khác nhau."
            if cf.kind == "date"
            else f"Trích yếu của văn bản {cf.number} được dẫn theo hai cách khác nhau."
        )
        problems.append(Problem(f"cite.{cf.kind}", "warning", msg, n.span(*cf.other.span)))

    issued = h.date.value if h.date else None
    issuer = h.issuer.text if h.issuer else None
    found = tasks.find_tasks(t, (body_start, body_end), secs, issued, issuer)
    if main_end and main_end < len(t):  # a plan or regulation issued with the document (ban hành kèm theo)
        rest = find_sections(t, main_end, len(t))
        found += [
            f
            for f in tasks.find_tasks(t, (main_end, len(t)), rest, issued, issuer)
            if not _in_table(text, n.to_original(f.action[0]))
        ]
    task_objs = tuple(_map_task(a, n, t) for a in (_addressed(f, recips, t) for f in found) if a)

    signer = None
    if sig:
        signer = Signer(
            sig.authority,
            tuple(Text(m.text, n.span(m.start, m.end)) for m in sig.markers),
            Text(sig.title.text, n.span(sig.title.start, sig.title.end)) if sig.title else None,
            Text(sig.name.text, n.span(sig.name.start, sig.name.end)) if sig.name else None,
            n.span(sig.start, sig.end),
        )
    transcription = bool(sig and sig.signed_caption) or "(Đã ký)" in t[body_end : body_end + 3000]

    if not (h.number or h.date or h.issuer or h.type_line):
        problems.append(
            Problem(
                "input.not_official",
                "warning",
                "Không thấy số, ngày, cơ quan ban hành hay tên loại: có thể đây không phải văn bản hành chính.",
            )
        )

    def tx(v: Item | None) -> Text | None:
        return Text(v.text, n.span(v.start, v.end)) if v else None

    date = None
    if h.date and h.date.value:
        date = Date(h.date.value, h.date.text, n.span(h.date.start, h.date.end))
    return Document(
        text=text,
        source=source,
        system=h.system,
        issuer=tx(h.issuer),
        issuer_parent=tx(h.issuer_parent),
        number=number,
        doc_type=doc_type,
        place=tx(h.place),
        date=date,
        subject=tx(h.subject),
        urgency=tx(h.urgency),
        secrecy=tx(h.secrecy),
        recipients=tuple(Text(r.text, n.span(r.start, r.end)) for r in recips),
        body=Text(t[body_start:body_end].strip(), n.span(body_start, body_end))
        if body_end > body_start
        else None,
        sections=tuple(Section(x.label, x.heading, n.span(x.start, x.end), x.level) for x in secs),
        signer=signer,
        distribution=tuple(Text(d.text, n.span(d.start, d.end)) for d in dist),
        citations=tuple(citations),
        tasks=task_objs,
        transcription=transcription,
        pages=pages,
        problems=tuple(problems),
    )


def _addressed(f: tasks.Found, recips: list[Item], t: str) -> tasks.Found | None:
    """ "Các đơn vị …" in a letter means its addressees (Kính gửi): name them — unless it is the
    closing request ("Đề nghị các cơ quan, đơn vị khẩn trương triển khai, thực hiện./.")."""
    if not (f.assignees and all(a.name.lower() in tasks.generic_addressees() for a in f.assignees)):
        return f
    if "./." in t[f.action[0] : f.action[1] + 4]:
        return None
    if recips:
        return replace(
            f, assignees=[tasks.FoundAssignee(r.text, "addressee", r.start, r.end) for r in recips]
        )
    return f


def _in_table(original: str, pos: int) -> bool:
    """Whether ``pos`` stands in a table of the original text (cells delimited by ``|``)."""
    lo = original.rfind("\n", 0, max(0, pos - 400))
    window = original[lo + 1 : pos + 400]
    return (
        sum(1 for line in window.splitlines() if line.lstrip().startswith("|")) >= 3
        or window.count("</td>") >= 2
    )


def _doc_type(h: Header, n: Normalized) -> Text | None:
    """Tên loại: the type line; else ``V/v`` → Công văn; else the number's abbreviation."""
    if h.type_line:
        return Text(h.type_line.text, n.span(h.type_line.start, h.type_line.end))
    if h.number:
        p, sp = h.number.parsed, (h.number.start, h.number.end)
        named = type_of(p)
        if p.party and named:
            return Text(named, n.span(*sp))
        if h.vv:
            return Text("Công văn", n.span(*sp))
        if named:
            return Text(named, n.span(*sp))
        if h.system == "state" and not p.year:
            return Text("Công văn", n.span(*sp))
    elif h.vv and h.subject:
        return Text("Công văn", n.span(h.subject.start, h.subject.end))
    return None


def _map_citation(c: Citation, n: Normalized) -> Citation:
    return replace(c, span=n.span(*c.span))


def _map_task(f: tasks.Found, n: Normalized, t: str) -> Task:
    assignees = tuple(
        Assignee(x.name, x.role, tasks.key_of(x.name), tasks.collective(x.name), n.span(x.start, x.end))
        for x in f.assignees
    )
    dl = None
    if f.deadline:
        fd = f.deadline
        dl = Deadline(fd.date, fd.kind, fd.text, n.span(fd.start, fd.end), fd.recurrence)
    a, b = f.action
    return Task(assignees, Text(" ".join(t[a:b].split())[:1000], n.span(a, b)), dl, f.report_to, f.report_via)
