"""PDF digital signatures (chữ ký số): who signed, when, and whether the signed bytes are intact.

Vietnamese e-office mail carries a PKCS#7 (``adbe.pkcs7.detached``) signature of the sending
office, often with a visible stamp ("Ký bởi: … Ngày ký: …") drawn by the signature widget.
:func:`read_signatures` reads every signature field with pyHanko, offline: no OCSP, CRL or
AIA fetching. Integrity (digest and signature value) is always checked, SHA-1 included (it is
reported as a problem); trust is checked only against configured roots — Vietnamese government
roots are not bundled — so ``trusted`` is ``None`` ("not verified") when there are none.
Roots come from the ``trust_roots`` argument and ``VANBAN_TRUST_ROOTS`` (files or folders of
PEM/DER certificates, separated by ``os.pathsep``).

The stamp text is read from the widget's appearance stream (form XObjects, ToUnicode maps);
it is evidence only, and the source of signer and time when no PKCS#7 data can be read.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import tomllib
import unicodedata
import warnings
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta, timezone
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from vanban.messages import msg
from vanban.model import PdfSignature

__all__ = ["PdfSignature", "read_signatures", "stamp_fields"]

log = logging.getLogger(__name__)

MAX_SIGNATURES = 32  # signature fields read per file
MAX_STREAM = 256 * 1024  # bytes of one appearance content stream
MAX_DEPTH = 6  # nesting of appearance form XObjects
WEAK_DIGESTS = frozenset({"sha1", "md5", "md2"})
CLOCK_SLACK = timedelta(minutes=2)  # two signer-reported times this close agree

_COVERAGE = {
    "ENTIRE_FILE": "entire_file",
    "ENTIRE_REVISION": "entire_revision",
    "CONTIGUOUS_BLOCK_FROM_START": "partial",
    "UNCLEAR": "unknown",
}

# pyHanko logs path-building and algorithm errors with tracebacks at ERROR level; they are
# reported here as problems instead.
for _name in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)


# --- the stamp: vocabulary and parsing ---------------------------------------------------------


@cache
def _stamp_rules() -> tuple[re.Pattern[str], dict[str, str], timezone]:
    """The label regex, label (casefolded) → kind, and the default offset, read once."""
    with resources.files("vanban.data").joinpath("signature_stamp.toml").open("rb") as fh:
        data = tomllib.load(fh)
    kinds: dict[str, str] = {}
    for kind, labels in data["labels"].items():
        for label in labels:
            kinds[unicodedata.normalize("NFC", label).casefold()] = kind
    alts = "|".join(re.escape(k) for k in sorted(kinds, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)({alts})\s*:", re.IGNORECASE)
    offset = timezone(timedelta(minutes=int(data["time"]["default_offset_minutes"])))
    return pattern, kinds, offset


_DATE = re.compile(
    r"(?:(?P<d>\d{1,2})[./-](?P<m>\d{1,2})[./-](?P<y>\d{4})|(?P<Y>\d{4})-(?P<M>\d{1,2})-(?P<D>\d{1,2}))"
    r"(?:[\sT,]*(?:lúc\s*)?(?P<H>\d{1,2})[:h](?P<I>\d{2})(?::(?P<S>\d{2}))?)?"
    r"(?:\s*(?:GMT|UTC)?\s*(?P<z>[+-])(?P<zh>\d{1,2}):?(?P<zm>\d{2})?)?",
    re.IGNORECASE,
)


def _stamp_time(text: str) -> datetime | None:
    """The first date (and time, offset) in ``text``; Vietnam time when no offset is printed."""
    m = _DATE.search(text)
    if not m:
        return None
    g = m.groupdict()
    y, mo, d = (g["y"], g["m"], g["d"]) if g["y"] else (g["Y"], g["M"], g["D"])
    tz = _stamp_rules()[2]
    if g["z"]:
        minutes = int(g["zh"]) * 60 + int(g["zm"] or 0)
        tz = timezone(timedelta(minutes=minutes if g["z"] == "+" else -minutes))
    try:
        return datetime(
            int(y), int(mo), int(d), int(g["H"] or 0), int(g["I"] or 0), int(g["S"] or 0), tzinfo=tz
        )
    except ValueError:
        return None


def stamp_fields(stamp: str) -> dict[str, str]:
    """The labelled values of a stamp text: ``{"signer": …, "time": …, "email": …}`` (first of each)."""
    pattern, kinds, _ = _stamp_rules()
    hits = list(pattern.finditer(stamp))
    out: dict[str, str] = {}
    for i, h in enumerate(hits):
        end = hits[i + 1].start() if i + 1 < len(hits) else len(stamp)
        kind = kinds[unicodedata.normalize("NFC", h.group(1)).casefold()]
        value = " ".join(stamp[h.end() : end].split()).strip(" ,;")
        if kind == "email":
            value = value.replace(" ", "")
        if value and kind not in out:
            out[kind] = value
    return out


# --- the stamp: reading the appearance stream --------------------------------------------------

_DELIM = b"()<>[]{}/%"
_WS = b" \t\r\n\f\x00"


def _tokens(data: bytes) -> Iterator[tuple[str, Any]]:
    """Content-stream tokens: ("str", bytes), ("num", float), ("name", str), ("op", str), ("[", None)…"""
    i, n = 0, len(data)
    while i < n:
        c = data[i]
        if c in _WS:
            i += 1
        elif c == 0x25:  # % comment
            j = data.find(b"\n", i)
            i = n if j < 0 else j + 1
        elif c == 0x28:  # ( literal string )
            out, depth, i = bytearray(), 1, i + 1
            while i < n:
                c = data[i]
                if c == 0x5C and i + 1 < n:  # backslash
                    e = data[i + 1]
                    if e in b"01234567":
                        j = i + 1
                        while j < n and j < i + 4 and data[j] in b"01234567":
                            j += 1
                        out.append(int(data[i + 1 : j], 8) & 0xFF)
                        i = j
                        continue
                    out += {0x6E: b"\n", 0x72: b"\r", 0x74: b"\t", 0x62: b"\b", 0x66: b"\f"}.get(
                        e, bytes([e])
                    )
                    if e in b"\r\n":
                        out = out[:-1]
                    i += 2
                    continue
                if c == 0x28:
                    depth += 1
                elif c == 0x29:
                    depth -= 1
                    if depth == 0:
                        i += 1
                        break
                out.append(c)
                i += 1
            yield "str", bytes(out)
        elif c == 0x3C and data[i + 1 : i + 2] == b"<":
            yield "<<", None
            i += 2
        elif c == 0x3E and data[i + 1 : i + 2] == b">":
            yield ">>", None
            i += 2
        elif c == 0x3C:  # <hex string>
            j = data.find(b">", i)
            j = n if j < 0 else j
            hexd = bytes(b for b in data[i + 1 : j] if b not in _WS)
            if len(hexd) % 2:
                hexd += b"0"
            try:
                yield "str", bytes.fromhex(hexd.decode("ascii"))
            except ValueError:
                yield "str", b""
            i = j + 1
        elif c in b"[]{}":
            yield chr(c), None
            i += 1
        else:
            j = i + 1
            while j < n and data[j] not in _WS and data[j] not in _DELIM:
                j += 1
            word = data[i:j].decode("latin-1")
            i = max(j, i + 1)
            if c == 0x2F:
                yield "name", word
            elif re.fullmatch(r"[+-]?(?:\d+\.?\d*|\.\d+)", word):
                yield "num", float(word)
            elif word == "ID":  # inline image data: skip to EI
                k = data.find(b"EI", i)
                i = n if k < 0 else k + 2
            else:
                yield "op", word


_CMAP_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")


def _utf16(hexd: bytes) -> str:
    raw = bytes.fromhex(hexd.decode("ascii"))
    return raw.decode("utf-16-be", "replace") if len(raw) >= 2 else raw.decode("latin-1")


class _Font:
    """Bytes of a shown string → text, from the font's ToUnicode CMap (or cp1252 for simple fonts)."""

    def __init__(self, font: Any) -> None:
        self.width = 2 if str(font.get("/Subtype", "")) == "/Type0" else 1
        self.map: dict[int, str] | None = None
        try:
            cmap = font["/ToUnicode"].data[:MAX_STREAM]
        except Exception:  # no or damaged ToUnicode
            return
        self.map = {}
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
            pairs = _CMAP_HEX.findall(block)
            for src, dst in zip(pairs[::2], pairs[1::2], strict=False):
                self.map[int(src, 16)] = _utf16(dst)
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
            for m in re.finditer(
                rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])", block
            ):
                lo, hi = int(m.group(1), 16), int(m.group(2), 16)
                if hi - lo > 0xFFFF:
                    continue
                dst = m.group(3)
                if dst.startswith(b"["):
                    for k, item in enumerate(_CMAP_HEX.findall(dst)):
                        self.map[lo + k] = _utf16(item)
                else:
                    base = bytes.fromhex(dst[1:-1].decode("ascii"))
                    head, last = base[:-2], int.from_bytes(base[-2:], "big")
                    for k in range(hi - lo + 1):
                        self.map[lo + k] = (head + (last + k).to_bytes(2, "big")).decode(
                            "utf-16-be", "replace"
                        )

    def decode(self, raw: bytes) -> str:
        if self.map is None:
            return "" if self.width == 2 else raw.decode("cp1252", "replace")
        w = self.width
        return "".join(self.map.get(int.from_bytes(raw[i : i + w], "big"), "") for i in range(0, len(raw), w))


def _resolve(obj: Any) -> Any:
    return obj.get_object() if hasattr(obj, "get_object") else obj


def _stamp_lines(xobj: Any, out: list[str], seen: set[int], depth: int = 0) -> None:
    """Append the text lines drawn by form XObject ``xobj`` (and the forms it draws) to ``out``."""
    if depth > MAX_DEPTH or id(xobj) in seen or len(out) > 200:
        return
    seen.add(id(xobj))
    res = _resolve(xobj.get("/Resources")) or {}
    fonts = _resolve(res.get("/Font")) or {}
    xobjs = _resolve(res.get("/XObject")) or {}
    cache_: dict[str, _Font | None] = {}
    font: _Font | None = None
    line: list[str] = []
    operands: list[tuple[str, Any]] = []
    y: float | None = None

    def newline() -> None:
        text = "".join(line).strip()
        if text:
            out.append(text)
        line.clear()

    def show(raw: bytes) -> None:
        if font is not None:
            line.append(font.decode(raw))

    data = xobj.data[:MAX_STREAM]
    for kind, value in _tokens(data):
        if kind != "op":
            operands.append((kind, value))
            continue
        if value == "Tf" and len(operands) >= 2 and operands[-2][0] == "name":
            name = "/" + operands[-2][1][1:]
            if name not in cache_:
                try:
                    cache_[name] = _Font(_resolve(fonts[name]))
                except Exception:  # a missing or odd font shows nothing
                    cache_[name] = None
            font = cache_[name]
        elif value == "Tj" and operands and operands[-1][0] == "str":
            show(operands[-1][1])
        elif value == "TJ":
            for k, v in operands:
                if k == "str":
                    show(v)
                elif k == "num" and v < -200:
                    line.append(" ")
        elif value in ("'", '"'):
            newline()
            if operands and operands[-1][0] == "str":
                show(operands[-1][1])
        elif value in ("Td", "TD") and len(operands) >= 2:
            if operands[-1][1]:
                newline()
        elif value == "Tm" and len(operands) >= 6:
            if y is not None and operands[-1][1] != y:
                newline()
            y = operands[-1][1]
        elif value in ("T*", "ET", "BT"):
            newline()
        elif value == "Do" and operands and operands[-1][0] == "name":
            try:
                child = _resolve(xobjs["/" + operands[-1][1][1:]])
                if str(child.get("/Subtype", "")) == "/Form":
                    newline()
                    _stamp_lines(child, out, seen, depth + 1)
            except Exception:  # a missing XObject draws nothing
                pass
        operands.clear()
    newline()


def _stamp(field: Any) -> str | None:
    """The visible text of a signature widget's normal appearance, one line of NFC text."""
    try:
        ap = _resolve(_resolve(field.get("/AP")).get("/N"))
        if ap is None or str(ap.get("/Subtype", "")) != "/Form":
            return None
        lines: list[str] = []
        _stamp_lines(ap, lines, set())
    except Exception:  # a damaged appearance has no stamp
        return None
    text = " ".join(" ".join(ln.split()) for ln in lines)
    return unicodedata.normalize("NFC", text) or None


# --- trust roots -------------------------------------------------------------------------------


def _certs_from(blob: bytes) -> list[Any]:
    from asn1crypto import pem, x509

    if pem.detect(blob):
        return [
            x509.Certificate.load(der)
            for kind, _, der in pem.unarmor(blob, multiple=True)
            if kind == "CERTIFICATE"
        ]
    return [x509.Certificate.load(blob)]


def _root_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix.lower() in {".pem", ".crt", ".cer", ".der"})
    return [path]


@cache
def _env_roots(setting: str) -> tuple[tuple[Any, ...], tuple[str, ...]]:
    return _load_roots([Path(p) for p in setting.split(os.pathsep) if p])


def _load_roots(items: Iterable[bytes | Path]) -> tuple[tuple[Any, ...], tuple[str, ...]]:
    """Certificates from bytes, files and folders; and the names of those that could not be read."""
    certs: list[Any] = []
    bad: list[str] = []
    for item in items:
        sources = [("", item)] if isinstance(item, bytes) else [(str(p), p) for p in _root_files(Path(item))]
        for name, src in sources:
            try:
                blob = src if isinstance(src, bytes) else Path(src).read_bytes()
                for cert in _certs_from(blob):
                    cert.native  # noqa: B018 — parse now: a damaged certificate fails here, not later
                    certs.append(cert)
            except Exception:  # an unreadable root is reported, not raised
                bad.append(name or "(bytes)")
    return tuple(certs), tuple(bad)


# --- reading one signature ---------------------------------------------------------------------


def _name_part(subject: dict[str, Any], key: str) -> str | None:
    value = subject.get(key)
    if not value:
        return None
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return unicodedata.normalize("NFC", str(value)).strip() or None


def _email(cert: Any, subject: dict[str, Any]) -> str | None:
    email = _name_part(subject, "email_address")
    if email:
        return email
    try:
        for name in cert.subject_alt_name_value.native if cert.subject_alt_name_value else ():
            if isinstance(name, str) and "@" in name:
                return name
    except Exception:  # an odd extension is no email
        pass
    return None


def _signer_time(emb: Any, problems: list[str]) -> datetime | None:
    """The signer-reported time: the CMS signing-time attribute, or the signature dictionary's /M.

    Some Vietnamese signing tools write local time labelled UTC into the CMS attribute: when the two
    differ by exactly /M's offset, /M is the time."""
    from pyhanko.pdf_utils import generic
    from pyhanko.sign.validation import generic_cms

    cms_time = pdf_time = None
    with contextlib.suppress(Exception):
        cms_time = generic_cms.extract_self_reported_ts(emb.signer_info)
    with contextlib.suppress(Exception):
        pdf_time = generic.parse_pdf_date(emb.sig_object["/M"], strict=False)
    if cms_time is None or pdf_time is None:
        return cms_time or pdf_time
    gap = cms_time - pdf_time
    offset = pdf_time.utcoffset() or timedelta(0)
    if abs(gap) <= CLOCK_SLACK:
        return cms_time
    if offset and abs(gap - offset) <= CLOCK_SLACK:
        problems.append(msg("signature.time_local_as_utc"))
        return pdf_time
    problems.append(msg("signature.time_mismatch", cms=cms_time.isoformat(), pdf=pdf_time.isoformat()))
    return cms_time


def _validate(emb: Any, roots: Sequence[Any], moment: datetime | None) -> Any:
    """pyHanko's status of ``emb``: offline, every digest algorithm accepted, diff analysis skipped."""
    from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.policy_decl import AcceptAllAlgorithms

    vc = ValidationContext(
        trust_roots=list(roots),
        allow_fetching=False,
        revocation_mode="soft-fail",
        moment=moment,
        algorithm_usage_policy=AcceptAllAlgorithms(),
    )
    if str(emb.sig_object_type) == "/DocTimeStamp":
        return validate_pdf_timestamp(emb, validation_context=vc, skip_diff=True)
    return validate_pdf_signature(emb, signer_validation_context=vc, skip_diff=True)


def _from_stamp(name: str, stamp: str | None, problems: list[str]) -> PdfSignature:
    """A signature whose PKCS#7 data could not be read: what its visible stamp says."""
    fields = stamp_fields(stamp) if stamp else {}
    when = _stamp_time(fields.get("time", "")) if fields else None
    if not when:
        problems.append(msg("signature.no_time"))
    return PdfSignature(
        field=name,
        signer=fields.get("signer"),
        organization=fields.get("organization"),
        unit=None,
        locality=None,
        email=fields.get("email"),
        signed_at=when,
        time_source="stamp" if when else "none",
        intact=None,
        coverage="unknown",
        trusted=None,
        digest=None,
        stamp=stamp,
        problems=tuple(problems),
    )


def _read_one(
    reader: Any, name: str, field: Any, roots: Sequence[Any], bad_roots: Sequence[str]
) -> PdfSignature:
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

    stamp = _stamp(field)
    problems: list[str] = [msg("signature.bad_trust_root", name=b) for b in bad_roots]
    try:
        emb = EmbeddedPdfSignature(reader, field, name)
        cert = emb.signer_cert
        subject = cert.subject.native
        digest = str(emb.md_algorithm).replace("_", "-").lower() or None
    except Exception as exc:  # damaged signature dictionary or CMS data
        problems.append(msg("signature.unreadable", error=type(exc).__name__))
        if stamp is not None:
            problems.append(msg("signature.stamp_only"))
        return _from_stamp(name, stamp, problems)

    signer_time = _signer_time(emb, problems)
    intact: bool | None = None
    trusted: bool | None = None
    coverage = "unknown"
    ts_time: datetime | None = None
    try:
        status = _validate(emb, roots, signer_time)
        intact = bool(status.intact and status.valid)
        if not status.intact:
            problems.append(msg("signature.altered"))
        elif not status.valid:
            problems.append(msg("signature.bad_signature"))
        coverage = _COVERAGE.get(getattr(status.coverage, "name", ""), "unknown")
        if roots:
            trusted = bool(status.trusted)
        if str(emb.sig_object_type) == "/DocTimeStamp":
            ts_time = status.timestamp
        else:
            tsv = status.timestamp_validity
            if tsv is not None:
                if tsv.intact and tsv.valid:
                    ts_time = tsv.timestamp
                else:
                    problems.append(msg("signature.timestamp_invalid"))
    except Exception as exc:  # pyHanko refused: integrity not known
        problems.append(msg("signature.unchecked", error=f"{type(exc).__name__}: {exc}"[:200]))

    if digest in WEAK_DIGESTS:
        problems.append(msg("signature.weak_digest", algo=digest.upper().replace("SHA", "SHA-")))
    if coverage == "entire_revision":
        problems.append(msg("signature.added_after"))
    elif coverage == "partial":
        problems.append(msg("signature.partial"))
    elif coverage == "unknown" and intact is not None:
        problems.append(msg("signature.coverage_unknown"))
    if not roots:
        problems.append(msg("signature.no_trust_roots"))
    elif trusted is False:
        problems.append(msg("signature.untrusted"))

    signed_at, source = (ts_time, "timestamp") if ts_time else (signer_time, "signer")
    if signed_at is None:
        source = "none"
        problems.append(msg("signature.no_time"))
    return PdfSignature(
        field=name,
        signer=_name_part(subject, "common_name"),
        organization=_name_part(subject, "organization_name"),
        unit=_name_part(subject, "organizational_unit_name"),
        locality=_name_part(subject, "locality_name"),
        email=_email(cert, subject),
        signed_at=signed_at,
        time_source=source,
        intact=intact,
        coverage=coverage,
        trusted=trusted,
        digest=digest,
        stamp=stamp,
        problems=tuple(dict.fromkeys(problems)),
    )


def read_signatures(data: bytes, trust_roots: Sequence[bytes | Path] = ()) -> tuple[PdfSignature, ...]:
    """Every signature field of the PDF ``data`` (signed, or showing a signature stamp).

    Never raises: an unreadable or unsigned PDF gives ``()``; a damaged signature gives a
    ``PdfSignature`` with ``intact=None`` and a problem."""
    if b"/ByteRange" not in data:  # no signature value (it is never inside an object stream)
        return ()
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    roots, bad = _load_roots(trust_roots)
    setting = os.environ.get("VANBAN_TRUST_ROOTS", "").strip()
    if setting:
        env_roots, env_bad = _env_roots(setting)
        roots, bad = roots + env_roots, bad + env_bad
    out: list[PdfSignature] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            reader = PdfFileReader(io.BytesIO(data), strict=False)
            fields = []
            for name, value, field in enumerate_sig_fields(reader):
                fields.append((str(name), value, _resolve(field)))
                if len(fields) >= MAX_SIGNATURES:
                    break
        except Exception as exc:  # not a readable PDF: no signatures
            log.debug("no signature fields: %s", exc)
            return ()
        for name, value, field in fields:
            try:
                if value is None:  # an empty field: kept only when it shows a signature stamp
                    stamp = _stamp(field)
                    if stamp and "signer" in stamp_fields(stamp):
                        out.append(_from_stamp(name, stamp, [msg("signature.stamp_only")]))
                    continue
                out.append(_read_one(reader, name, field, roots, bad))
            except Exception as exc:  # the last guard: one field never spoils the rest
                log.debug("signature field %s: %s", name, exc)
                out.append(_from_stamp(name, None, [msg("signature.unreadable", error=type(exc).__name__)]))
    return tuple(out)
