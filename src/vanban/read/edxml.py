"""edXML packets (QCVN 102:2016/BTTTT) and the e-office export that travels beside a PDF.

``parse_packet`` checks a packet's structure (the envelope, the MessageHeader fields the
standard requires, dates, base64 attachments) and returns its ``Packet``: the metadata of
the MessageHeader and the attached files. ``read_edxml`` reads the attachments as any file is
read and hands the metadata on in ``Extracted.meta`` (``Packet.meta()``: flat keys such as
``number``, ``date``, ``signer.name``), which ``vanban.metadata`` lays over the parsed record.
An ``<EXPORTMAIL>`` export (STRKYHIEU, STRNGAYKY…) gives the same metadata without files.
Malformed packets raise ``ReadError`` with a Vietnamese message.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache

from lxml import etree

from ..errors import ReadError
from ..messages import msg
from ..rules import table
from .base import Extracted

__all__ = [
    "Attachment",
    "Organ",
    "Packet",
    "Reference",
    "Status",
    "packet_meta",
    "parse_packet",
    "parse_status",
    "read_edxml",
]

_DATE_FORMATS = ("%Y/%m/%d", "%Y-%m-%d", "%d/%m/%Y", "%Y/%m/%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")
_HAS_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.I)


@cache
def rules() -> dict:
    """The ``data/edxml.toml`` table."""
    return table("edxml")


@dataclass(frozen=True)
class Organ:
    """A body in a packet (From, To): its name and, when given, its identifier (mã định danh)."""

    name: str
    id: str = ""
    in_charge: str = ""  # OrganizationInCharge: the parent body
    address: str = ""
    email: str = ""
    telephone: str = ""


@dataclass(frozen=True)
class Attachment:
    """A file carried in the packet (base64 in AttachmentEncoded)."""

    name: str
    content_type: str
    data: bytes
    description: str = ""


@dataclass(frozen=True)
class Reference:
    """ResponseFor: the document a packet (or a status) answers."""

    number: str
    date: dt.date | None = None
    organ_id: str = ""
    document_id: str = ""


@dataclass(frozen=True)
class Packet:
    """The metadata of one document packet and its attachments."""

    number: str | None
    date: dt.date | None
    doc_type: str | None
    subject: str | None
    issuer: Organ | None
    recipients: tuple[Organ, ...] = ()
    places: tuple[str, ...] = ()  # ToPlaces: other recipients named in Nơi nhận
    place: str | None = None
    signer_name: str | None = None
    signer_title: str | None = None
    signer_authority: str | None = None  # Competence: TM., KT., TL., TUQ. (None: signs directly)
    deadline: dt.date | None = None
    urgency: str | None = None
    content: str | None = None
    response_for: tuple[Reference, ...] = ()
    document_id: str | None = None
    attachments: tuple[Attachment, ...] = field(default=())
    kind: str = "edxml"  # or "eoffice" (<EXPORTMAIL>)

    def meta(self) -> dict[str, str]:
        """The metadata as flat string keys (``Extracted.meta`` and the record's ``metadata``)."""
        vals: dict[str, str | None] = {
            "format": self.kind,
            "number": self.number,
            "date": self.date.isoformat() if self.date else None,
            "doc_type": self.doc_type,
            "subject": self.subject,
            "issuer": self.issuer.name if self.issuer else None,
            "issuer_parent": self.issuer.in_charge if self.issuer else None,
            "issuer_id": self.issuer.id if self.issuer else None,
            "place": self.place,
            "signer.name": self.signer_name,
            "signer.title": self.signer_title,
            "signer.authority": self.signer_authority,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "urgency": self.urgency,
            "recipients": "\n".join(o.name for o in self.recipients),
            "places": "\n".join(self.places),
            "response_for": "\n".join(
                f"{r.number}|{r.date.isoformat() if r.date else ''}" for r in self.response_for
            ),
            "document_id": self.document_id,
            "attachments": "\n".join(a.name for a in self.attachments),
        }
        return {k: v for k, v in vals.items() if v}


@dataclass(frozen=True)
class Status:
    """A status packet (edXML:Status): what happened to a document at its recipient."""

    code: str
    description: str
    response_for: Reference
    organ: Organ | None
    timestamp: dt.datetime | None
    staff: str = ""

    @property
    def name(self) -> str:
        """The status code's Vietnamese name (``03`` → ``Đã tiếp nhận (vào sổ)``)."""
        return rules()["status"][self.code]


# --- XML helpers --------------------------------------------------------------------------


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _children(el: etree._Element | None, name: str) -> Iterator[etree._Element]:
    if el is None:
        return
    for c in el:
        if _local(c) == name:
            yield c


def _child(el: etree._Element | None, path: str) -> etree._Element | None:
    """The first descendant along ``a/b/c`` (local names, any namespace)."""
    for part in path.split("/"):
        el = next(_children(el, part), None)
        if el is None:
            return None
    return el


def _text(el: etree._Element | None, path: str) -> str | None:
    node = _child(el, path)
    if node is None or node.text is None:
        return None
    value = " ".join(node.text.split())
    return value or None


def parse_date(value: str | None, name: str, what: str) -> dt.date | None:
    """A packet date (``yyyy/MM/dd`` in the standard's samples; ISO and dd/MM/yyyy tolerated)."""
    if not value:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    raise ReadError(msg("edxml.bad_date", name=name, what=msg(f"edxml.what.{what}"), value=value))


def _timestamp(value: str | None) -> dt.datetime | None:
    for fmt in (*_DATE_FORMATS[3:], "%Y/%m/%d %H:%M"):
        try:
            return dt.datetime.strptime((value or "").strip(), fmt)
        except ValueError:
            continue
    return None


def _root(data: bytes, name: str) -> etree._Element:
    """Parse ``data`` safely (no DTD, no entities, no network)."""
    if _HAS_DOCTYPE.search(data[:4096]):
        raise ReadError(msg("edxml.doctype", name=name))
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True, remove_comments=True
    )
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ReadError(msg("edxml.not_xml", name=name, detail=exc.msg or str(exc))) from None


def _envelope_header(root: etree._Element, name: str) -> etree._Element:
    if _local(root) != "edXML":
        raise ReadError(msg("edxml.root", name=name, root=_local(root)))
    ns = etree.QName(root).namespace or ""
    if ns != rules()["namespace"]:
        raise ReadError(msg("edxml.namespace", name=name, expected=rules()["namespace"], got=ns))
    header = _child(root, "edXMLEnvelope/edXMLHeader")
    if header is None:
        raise ReadError(msg("edxml.missing", name=name, what="edXMLHeader", path="edXMLEnvelope/edXMLHeader"))
    return header


def _organ(el: etree._Element | None) -> Organ | None:
    if el is None:
        return None
    name = _text(el, "OrganName")
    if not name:
        return None
    return Organ(
        name=name,
        id=_text(el, "OrganId") or "",
        in_charge=_text(el, "OrganizationInCharge") or "",
        address=_text(el, "OrganAdd") or "",
        email=_text(el, "Email") or "",
        telephone=_text(el, "Telephone") or "",
    )


def join_code(number: str | None, notation: str | None) -> str | None:
    """``CodeNumber`` and ``CodeNotation`` as one number: ``3241`` + ``UBND-KGVX`` →
    ``3241/UBND-KGVX``; a Party notation (``CV/ĐU``) joins with a hyphen: ``1138-CV/ĐU``."""
    number, notation = (number or "").strip(), (notation or "").strip()
    if not notation:
        return number or None
    if not number:
        return notation
    party = "/" in notation and not re.match(r"(?:19|20)\d\d/", notation)
    return f"{number}{'-' if party else '/'}{notation}"


def _reference(el: etree._Element, name: str) -> Reference:
    code = _text(el, "Code") or join_code(_text(el, "Code/CodeNumber"), _text(el, "Code/CodeNotation"))
    return Reference(
        number=code or "",
        date=parse_date(_text(el, "PromulgationDate"), name, "date"),
        organ_id=_text(el, "OrganId") or "",
        document_id=_text(el, "DocumentId") or "",
    )


def _attachments(root: etree._Element, name: str) -> tuple[Attachment, ...]:
    out = []
    limit = int(rules()["max_attachment_bytes"])
    for att in _children(_child(root, "AttachmentEncoded"), "Attachment"):
        label = _text(att, "AttachmentName") or _text(att, "ContentId") or f"tệp {len(out) + 1}"
        enc = _child(att, "ContentTransferEncoded")
        raw = re.sub(r"\s+", "", "".join(enc.itertext())) if enc is not None else ""
        if len(raw) * 3 // 4 > limit:
            raise ReadError(msg("edxml.too_large", name=name, attachment=label, limit=limit // 2**20))
        try:
            data = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            raise ReadError(msg("edxml.bad_base64", name=name, attachment=label)) from None
        out.append(
            Attachment(
                name=label,
                content_type=_text(att, "ContentType") or "application/octet-stream",
                data=data,
                description=_text(att, "Description") or "",
            )
        )
    return tuple(out)


# --- document packets ---------------------------------------------------------------------


def parse_packet(data: bytes, name: str = "input") -> Packet:
    """The ``Packet`` of an edXML document packet; ``ReadError`` when its structure is wrong."""
    root = _root(data, name)
    if _local(root) == "EXPORTMAIL":
        return _eoffice(root, name)
    header = _envelope_header(root, name)
    mh = _child(header, "MessageHeader")
    if mh is None:
        status = _child(header, "Status") is not None
        raise ReadError(msg("edxml.is_status" if status else "edxml.no_header", name=name))
    for path, what in rules()["required"].items():
        if not _text(mh, path):
            raise ReadError(msg("edxml.missing", name=name, what=msg(f"edxml.what.{what}"), path=path))
    competence = _text(mh, "SignerInfo/Competence")
    priority = _text(mh, "OtherInfo/Priority") or "0"
    return Packet(
        number=join_code(_text(mh, "Code/CodeNumber"), _text(mh, "Code/CodeNotation")),
        date=parse_date(_text(mh, "PromulgationInfo/PromulgationDate"), name, "date"),
        doc_type=_type_name(_text(mh, "DocumentType/TypeName")),
        subject=_text(mh, "Subject"),
        issuer=_organ(_child(mh, "From")),
        recipients=tuple(o for o in map(_organ, _children(mh, "To")) if o),
        places=tuple(" ".join(e.text.split()) for e in _children(_child(mh, "ToPlaces"), "Place") if e.text),
        place=_text(mh, "PromulgationInfo/Place"),
        signer_name=_text(mh, "SignerInfo/FullName"),
        signer_title=_text(mh, "SignerInfo/Position"),
        signer_authority=None if competence in (None, rules()["competence"]["direct"]) else competence,
        deadline=parse_date(_text(mh, "DueDate"), name, "due"),
        urgency=rules()["priority"].get(priority) or None,
        content=_text(mh, "Content"),
        response_for=tuple(_reference(e, name) for e in _children(mh, "ResponseFor") if _text(e, "Code")),
        document_id=_text(mh, "DocumentId"),
        attachments=_attachments(root, name),
    )


def _type_name(value: str | None) -> str | None:
    """A type name as the record spells it (``Công Văn`` → ``Công văn``)."""
    if not value:
        return None
    from ..lexicon.numbers import type_names

    folded = value.casefold()
    return next((t for t in type_names() if t.casefold() == folded), value[:1].upper() + value[1:].lower())


def _eoffice(root: etree._Element, name: str) -> Packet:
    """An ``<EXPORTMAIL>`` export of an e-office system."""
    got = {f: _text(root, tag) for tag, f in rules()["eoffice"].items()}
    issuer = got["issuer"]
    return Packet(
        number=re.sub(r"\s+", "", got["number"]) if got["number"] else None,
        date=parse_date(got["date"], name, "date"),
        doc_type=_type_name(got["doc_type"]),
        subject=got["subject"],
        issuer=Organ(issuer) if issuer else None,
        signer_name=got["signer.name"],
        signer_title=got["signer.title"],
        kind="eoffice",
    )


def packet_meta(data: bytes, name: str = "input") -> dict[str, str]:
    """The metadata of a sidecar file (an e-office export or an edXML packet), attachments aside."""
    from .detect import sniff

    if sniff(data) != "edxml":
        raise ReadError(msg("edxml.not_metadata", name=name))
    return parse_packet(data, name).meta()


def read_edxml(data: bytes, name: str, read_bytes: Callable[[bytes, str], Extracted]) -> Extracted:
    """The attachments' text (each read by ``read_bytes`` as its own file), the packet's
    metadata in ``meta``."""
    p = parse_packet(data, name)
    texts: list[str] = []
    pages: list[int] = []
    notes: list[str] = []
    kinds: list[str] = []
    at = 0
    for a in p.attachments:
        try:
            ex = read_bytes(a.data, a.name)
        except ReadError as exc:
            notes.append(msg("edxml.attachment_unreadable", attachment=a.name, error=exc))
            continue
        text = ex.text if ex.text.endswith("\n") or not ex.text else ex.text + "\n"
        pages += [at + o for o in (ex.pages or (0,))]
        texts.append(text)
        kinds.append(ex.kind)
        notes += [f"{a.name}: {n}" for n in ex.problems]
        at += len(text)
    if not p.attachments:
        notes.append(msg("edxml.no_attachment"))
    kind = f"edxml+{kinds[0]}" if kinds else "edxml"
    return Extracted("".join(texts), kind, tuple(pages) if len(pages) > 1 else (), tuple(notes), p.meta())


# --- status packets -----------------------------------------------------------------------


def parse_status(data: bytes, name: str = "input") -> Status:
    """The ``Status`` of an edXML status packet; ``ReadError`` when malformed."""
    header = _envelope_header(_root(data, name), name)
    st = _child(header, "Status")
    if st is None:
        raise ReadError(msg("edxml.no_header", name=name))
    code = _text(st, "StatusCode")
    if not code:
        raise ReadError(
            msg("edxml.missing", name=name, what=msg("edxml.what.status_code"), path="Status/StatusCode")
        )
    if code not in rules()["status"]:
        raise ReadError(msg("edxml.bad_status", name=name, code=code))
    rf = _child(st, "ResponseFor")
    if rf is None or not _text(rf, "Code"):
        raise ReadError(
            msg(
                "edxml.missing",
                name=name,
                what=msg("edxml.what.response_for"),
                path="Status/ResponseFor/Code",
            )
        )
    return Status(
        code=code,
        description=_text(st, "Description") or "",
        response_for=_reference(rf, name),
        organ=_organ(_child(st, "From")),
        timestamp=_timestamp(_text(st, "Timestamp")),
        staff=_text(st, "StaffInfo/Staff") or "",
    )
