"""Atom feeds (RFC 4287) of what is published: answers to citizens and directive results."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from xml.etree import ElementTree as ET

ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class Entry:
    """One feed entry; ``link`` is absolute."""

    id: str
    title: str
    link: str
    updated: dt.datetime
    summary: str


def _stamp(t: dt.datetime) -> str:
    return t.replace(microsecond=0).isoformat() + ("Z" if t.tzinfo is None else "")


def atom(title: str, self_url: str, site_url: str, entries: list[Entry]) -> bytes:
    """The feed document, newest entry first."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "vi"})
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = self_url
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": self_url})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "href": site_url})
    ordered = sorted(entries, key=lambda e: e.updated, reverse=True)
    newest = ordered[0].updated if ordered else dt.datetime(2000, 1, 1)
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _stamp(newest)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "vanban"
    for e in ordered:
        el = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(el, f"{{{ATOM}}}id").text = e.id
        ET.SubElement(el, f"{{{ATOM}}}title").text = e.title
        ET.SubElement(el, f"{{{ATOM}}}link", {"rel": "alternate", "href": e.link})
        ET.SubElement(el, f"{{{ATOM}}}updated").text = _stamp(e.updated)
        ET.SubElement(el, f"{{{ATOM}}}summary").text = e.summary
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
