"""Write edXML packets (QCVN 102:2016/BTTTT): a document with its original attached, and the
status packets (01 đã đến … 06 hoàn thành) a recipient sends back.

The envelope follows the standards note (reference/standards.md §3.2): the root ``edXML`` in the
namespace ``http://www.mic.gov.vn/TBT/QCVN_102_2016``, every envelope element with the
``edXML:`` prefix, dates as ``yyyy/MM/dd``, attachments base64 in ``AttachmentEncoded``.
Reading is ``vanban.read.edxml``.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from xml.sax.saxutils import escape

from .model import Document, Relation, value_of
from .read.detect import sniff
from .read.edxml import Attachment, Organ, Packet, Reference, parse_packet, rules

__all__ = [
    "attachments_of",
    "build_packet",
    "build_status",
    "export_archived",
    "packet_from_document",
    "reference_of",
    "split_code",
]

_EXT = {"pdf": "pdf", "docx": "docx", "ole": "doc", "odt": "odt", "rtf": "rtf", "html": "html", "text": "txt"}


def _date(d: dt.date | None) -> str:
    return d.strftime("%Y/%m/%d") if d else ""


def split_code(number: str) -> tuple[str, str]:
    """``CodeNumber`` and ``CodeNotation`` of a number: ``3241/UBND-KGVX`` → (``3241``,
    ``UBND-KGVX``); ``15/2020/NĐ-CP`` → (``15``, ``2020/NĐ-CP``); ``1138-CV/ĐU`` → (``1138``, ``CV/ĐU``)."""
    m = re.match(r"(\d+(?:\.\d+)?)[/-](.+)", number)
    return (m.group(1), m.group(2)) if m else ("", number)


class _Xml:
    """A tiny writer: ``edXML:``-prefixed elements, escaped text, no empty optional leaves."""

    def __init__(self) -> None:
        self.out: list[str] = []

    def leaf(self, tag: str, value: object, keep: bool = False) -> None:
        if value in (None, "") and not keep:
            return
        self.out.append(f"<edXML:{tag}>{escape(str(value if value is not None else ''))}</edXML:{tag}>")

    def open(self, tag: str) -> None:
        self.out.append(f"<edXML:{tag}>")

    def close(self, tag: str) -> None:
        self.out.append(f"</edXML:{tag}>")

    def organ(self, tag: str, o: Organ | None) -> None:
        self.open(tag)
        o = o or Organ("")
        for name, value in (
            ("OrganId", o.id),
            ("OrganizationInCharge", o.in_charge),
            ("OrganName", o.name),
            ("OrganAdd", o.address),
            ("Email", o.email),
            ("Telephone", o.telephone),
        ):
            self.leaf(name, value, keep=True)
        self.close(tag)

    def reference(self, r: Reference) -> None:
        self.open("ResponseFor")
        self.leaf("OrganId", r.organ_id, keep=True)
        self.leaf("Code", r.number, keep=True)
        self.leaf("PromulgationDate", _date(r.date), keep=True)
        self.leaf("DocumentId", r.document_id, keep=True)
        self.close("ResponseFor")

    def document(self, envelope: list[str], attachments: list[str] | None = None) -> bytes:
        ns = rules()["namespace"]
        head = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<edXML xmlns="{ns}">'
            f'<edXML:edXMLEnvelope xmlns:edXML="{ns}" xmlns:xlink="{rules()["xlink"]}">'
        )
        tail = "</edXML:edXMLEnvelope>"
        if attachments is not None:
            tail += "<AttachmentEncoded>" + "".join(attachments) + "</AttachmentEncoded>"
        return (head + "".join(envelope) + tail + "</edXML>\n").encode("utf-8")


def build_packet(p: Packet, timestamp: dt.datetime | None = None) -> bytes:
    """The edXML document packet of ``p``, its attachments encoded."""
    x = _Xml()
    x.open("edXMLHeader")
    x.open("MessageHeader")
    x.organ("From", p.issuer)
    for r in p.recipients:
        x.organ("To", r)
    code_number, notation = split_code(p.number or "")
    x.open("Code")
    x.leaf("CodeNumber", code_number, keep=True)
    x.leaf("CodeNotation", notation, keep=True)
    x.close("Code")
    x.open("PromulgationInfo")
    x.leaf("Place", p.place, keep=True)
    x.leaf("PromulgationDate", _date(p.date), keep=True)
    x.close("PromulgationInfo")
    x.open("DocumentType")
    x.leaf("Type", 1 if p.doc_type == "Công văn" else 0, keep=True)  # the integers differ between SDKs
    x.leaf("TypeName", p.doc_type, keep=True)
    x.close("DocumentType")
    x.leaf("Subject", p.subject, keep=True)
    x.leaf("Content", p.content)
    x.open("SignerInfo")
    x.leaf("Competence", p.signer_authority or rules()["competence"]["direct"], keep=True)
    x.leaf("Position", p.signer_title, keep=True)
    x.leaf("FullName", p.signer_name, keep=True)
    x.close("SignerInfo")
    x.leaf("DueDate", _date(p.deadline))
    x.open("ToPlaces")
    for place in p.places:
        x.leaf("Place", place)
    x.close("ToPlaces")
    priority = {v: k for k, v in rules()["priority"].items() if v}.get(p.urgency or "", "0")
    x.open("OtherInfo")
    x.leaf("Priority", priority, keep=True)
    x.leaf("PageAmount", "")
    x.close("OtherInfo")
    for r in p.response_for:
        x.reference(r)
    x.leaf("SteeringType", 1)
    x.leaf("DocumentId", p.document_id or _document_id(p))
    x.close("MessageHeader")
    x.open("TraceHeaderList")
    x.open("TraceHeader")
    x.leaf("OrganId", p.issuer.id if p.issuer else "", keep=True)
    x.leaf("Timestamp", (timestamp or _now()).strftime("%Y/%m/%d %H:%M:%S"))
    x.close("TraceHeader")
    x.close("TraceHeaderList")
    x.close("edXMLHeader")
    x.open("edXMLBody")
    x.open("edXMLManifest")
    encoded = []
    for n, a in enumerate(p.attachments, 1):
        cid = f"cid:{n:03d}"
        x.out.append(f'<edXML:Reference xlink:href="{cid}">')
        x.leaf("Description", a.description or a.name, keep=True)
        x.leaf("AttachmentName", a.name, keep=True)
        x.leaf("ContentType", a.content_type, keep=True)
        x.leaf("ContentId", cid, keep=True)
        x.close("Reference")
        encoded.append(
            "<Attachment>"
            f"<ContentType>{escape(a.content_type)}</ContentType><ContentId>{cid}</ContentId>"
            f"<Description>{escape(a.description or a.name)}</Description>"
            f"<AttachmentName>{escape(a.name)}</AttachmentName>"
            f"<ContentTransferEncoded>{base64.b64encode(a.data).decode('ascii')}</ContentTransferEncoded>"
            "</Attachment>"
        )
    x.close("edXMLManifest")
    x.close("edXMLBody")
    return x.document(x.out, encoded)


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _document_id(p: Packet) -> str:
    """``{senderOrgId},{yyyy/MM/dd},{number}`` as the standard's samples build it."""
    return f"{p.issuer.id if p.issuer else ''},{_date(p.date)},{p.number or ''}"


def attachments_of(data: bytes, name: str) -> list[Attachment]:
    """The files to attach for an original: a packet's own attachments, else the file itself."""
    kind = sniff(data)
    if kind == "edxml":
        packet = parse_packet(data, name)
        if packet.kind == "edxml":
            return list(packet.attachments)
    ctype = rules()["content_type"].get(kind, "application/octet-stream")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return [Attachment(f"{stem}.{_EXT[kind]}" if kind in _EXT else name, ctype, data)]


def packet_from_document(
    doc: Document, attachments: list[Attachment], *, deadline: dt.date | None = None
) -> Packet:
    """The packet of an archived document with ``attachments``."""
    meta = dict(doc.meta)
    sg = doc.signer
    responds = [
        Reference(c.number, c.date) for c in doc.citations if c.relation == Relation.responds and c.number
    ]
    due = deadline or (dt.date.fromisoformat(meta["deadline"]) if meta.get("deadline") else None)
    return Packet(
        number=value_of(doc.number),
        date=doc.date.value if doc.date else None,
        doc_type=value_of(doc.doc_type),
        subject=value_of(doc.subject),
        issuer=Organ(
            value_of(doc.issuer) or "",
            id=meta.get("issuer_id", ""),
            in_charge=value_of(doc.issuer_parent) or "",
        ),
        recipients=tuple(Organ(r.value) for r in doc.recipients),
        places=tuple(d.value for d in doc.distribution if not d.value.lower().startswith("lưu")),
        place=value_of(doc.place),
        signer_name=value_of(sg.name) if sg else None,
        signer_title=value_of(sg.title) if sg else None,
        signer_authority=sg.authority if sg else None,
        deadline=due,
        urgency=value_of(doc.urgency),
        response_for=tuple(responds),
        document_id=meta.get("document_id"),
        attachments=tuple(attachments),
    )


def build_status(
    code: str,
    about: Reference,
    organ: Organ | None,
    *,
    description: str = "",
    staff: str = "",
    at: dt.datetime | None = None,
) -> bytes:
    """A status packet (edXML:Status) for the document ``about``; ``code`` as in QCVN 102."""
    if code not in rules()["status"]:
        raise ValueError(f"unknown status code {code!r}")
    x = _Xml()
    x.open("edXMLHeader")
    x.open("Status")
    x.reference(about)
    x.organ("From", organ)
    x.open("StaffInfo")
    x.leaf("Staff", staff, keep=True)
    x.close("StaffInfo")
    x.leaf("StatusCode", code)
    x.leaf("Description", description or rules()["status"][code], keep=True)
    x.leaf("Timestamp", (at or _now()).strftime("%Y/%m/%d %H:%M:%S"))
    x.close("Status")
    x.close("edXMLHeader")
    x.open("edXMLBody")
    x.close("edXMLBody")
    return x.document(x.out)


def reference_of(doc: Document) -> Reference:
    """The ``ResponseFor`` naming an archived document (its number, date, sender and DocumentId)."""
    meta = dict(doc.meta)
    return Reference(
        number=value_of(doc.number) or "",
        date=doc.date.value if doc.date else None,
        organ_id=meta.get("issuer_id", ""),
        document_id=meta.get("document_id", ""),
    )


def export_archived(doc: Document, original: tuple[str, bytes]) -> bytes:
    """The packet of an archived document: its record and its original attached."""
    name, data = original
    return build_packet(packet_from_document(doc, attachments_of(data, name)))
