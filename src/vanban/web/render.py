"""Rendering helpers: the document text with its citations and tasks highlighted at their spans
(always escaped), and the layout of a directive's graph as inline SVG."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..track.queries import ChainNode
from ..track.status import Status


@dataclass(frozen=True)
class Mark:
    """A highlighted span of the text: CSS class, anchor id at its start, optional link and title."""

    start: int
    end: int
    cls: str
    anchor: str | None = None
    href: str | None = None
    title: str | None = None


def highlight(text: str, marks: list[Mark]) -> Markup:
    """``text`` escaped, each elementary segment wrapped in the classes of the marks covering it."""
    n = len(text)
    ok = [m for m in marks if 0 <= m.start < m.end <= n]
    cuts = sorted({0, n, *(m.start for m in ok), *(m.end for m in ok)})
    out: list[str] = []
    for a, b in itertools.pairwise(cuts):
        seg = str(escape(text[a:b]))
        cover = [m for m in ok if m.start <= a and b <= m.end]
        if not cover:
            out.append(seg)
            continue
        ids = "".join(f' id="{escape(m.anchor)}"' for m in cover if m.anchor and m.start == a)
        titles = " · ".join(m.title for m in cover if m.title)
        attrs = f' class="{escape(" ".join(m.cls for m in cover))}"{ids}'
        if titles:
            attrs += f' title="{escape(titles)}"'
        link = next((m.href for m in reversed(cover) if m.href), None)
        if link:
            seg = f'<a href="{escape(link)}">{seg}</a>'
        out.append(f"<span{attrs}>{seg}</span>")
    return Markup("".join(out))


STATUS_CLASS: dict[Status, str] = {
    Status.DONE_ON_TIME: "st-ontime",
    Status.DONE_LATE: "st-late",
    Status.OPEN: "st-open",
    Status.OVERDUE: "st-overdue",
}


@dataclass
class GNode:
    """A node of the directive graph, placed."""

    x: int
    y: int
    label: str
    cls: str
    href: str
    kind: str  # doc, task


@dataclass
class Graph:
    """Placed nodes and edges (coordinates in SVG units)."""

    width: int
    height: int
    nodes: list[GNode]
    edges: list[tuple[int, int, int, int, str]]


COL_W, ROW_H, DOC_W, DOC_H = 230, 46, 190, 32


def graph(root: ChainNode, doc_href: str, task_href: str, limit_tasks: int = 40) -> Graph:
    """Layered layout: the directive left, implementing documents to the right by depth, each
    document's tasks (coloured by status) in the column after it."""
    cols: dict[int, int] = {}
    nodes: list[GNode] = []
    edges: list[tuple[int, int, int, int, str]] = []

    def place(col: int) -> tuple[int, int]:
        row = cols.get(col, 0)
        cols[col] = row + 1
        return 10 + col * COL_W, 10 + row * ROW_H

    def visit(node: ChainNode, col: int, parent: tuple[int, int] | None) -> None:
        x, y = place(col)
        label = (node.number or node.key)[:28]
        href = doc_href.format(id=node.doc.id) if node.doc else "#"
        nodes.append(GNode(x, y, label, "doc" if node.doc else "doc missing", href, "doc"))
        if parent:
            edges.append((parent[0] + DOC_W, parent[1] + DOC_H // 2, x, y + DOC_H // 2, node.relation or ""))
        for t, u, st, _reps in node.tasks[:limit_tasks]:
            tx, ty = place(col + 1)
            nodes.append(
                GNode(
                    tx,
                    ty,
                    ((u.name if u else t.assignee) or "")[:30],
                    STATUS_CLASS[st],
                    task_href.format(id=t.id),
                    "task",
                )
            )
            edges.append((x + DOC_W, y + DOC_H // 2, tx, ty + DOC_H // 2, "task"))
        for c in node.children:
            visit(c, col + 2 if node.tasks else col + 1, (x, y))

    visit(root, 0, None)
    width = 20 + (max(cols) + 1) * COL_W if cols else 300
    height = 20 + max(cols.values(), default=1) * ROW_H
    return Graph(width, height, nodes, edges)
