"""PDF digital signatures: real hn-dev e-office mail, tampered copies, synthetic certificates."""

from __future__ import annotations

import io
import json
import re
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from vanban.messages import msg
from vanban.read.signatures import PdfSignature, read_signatures, stamp_fields

from .conftest import CORPUS, corpus, make_pdf

VN = timezone(timedelta(hours=7))
UBND = "Văn phòng Ủy ban Nhân dân Thành phố"
STNMT = "Sở Tài nguyên và Môi trường"

# file, signer CN, OU, signed_at, time_source, digest — read once from the files.
REAL = [
    ("01.pdf", UBND, None, datetime(2020, 8, 2, 15, 11, 7, tzinfo=VN), "signer", "sha256"),
    ("02.pdf", "Văn phòng Sở", STNMT, datetime(2020, 8, 3, 2, 20, 53, tzinfo=UTC), "timestamp", "sha1"),
    (
        "14.pdf",
        "Ủy ban Nhân dân quận Đống Đa",
        None,
        datetime(2020, 8, 3, 9, 16, 37, tzinfo=UTC),
        "timestamp",
        "sha256",
    ),
    ("19.pdf", UBND, None, datetime(2020, 8, 3, 11, 13, 24, tzinfo=VN), "signer", "sha256"),
    ("40.pdf", "Văn phòng Sở", STNMT, datetime(2020, 8, 3, 9, 0, 58, tzinfo=UTC), "timestamp", "sha1"),
]


def _one(data: bytes, **kw: object) -> PdfSignature:
    sigs = read_signatures(data, **kw)  # type: ignore[arg-type]
    assert len(sigs) == 1
    return sigs[0]


@pytest.mark.parametrize(("name", "cn", "ou", "when", "source", "digest"), REAL)
def test_real_signatures(
    name: str, cn: str, ou: str | None, when: datetime, source: str, digest: str
) -> None:
    s = _one(corpus("hn-dev", name).read_bytes())
    assert (s.field, s.signer, s.unit, s.organization, s.locality) == (
        "Signature1",
        cn,
        ou,
        "Thành phố Hà Nội",
        "Hà Nội",
    )
    assert s.signed_at == when and s.time_source == source and s.digest == digest
    assert s.intact is True and s.coverage == "entire_file" and s.trusted is None
    assert msg("signature.no_trust_roots") in s.problems
    assert (msg("signature.weak_digest", algo="SHA-1") in s.problems) == (digest == "sha1")
    assert s.stamp and s.stamp.startswith("Ký bởi: " + cn)
    json.dumps(s.to_dict(), ensure_ascii=False)


def test_cms_time_written_as_local_is_corrected() -> None:
    """01.pdf's CMS signing-time says 15:11:08 "UTC": it is Vietnam time; /M (15:11:07+07:00) wins."""
    s = _one(corpus("hn-dev", "01.pdf").read_bytes())
    assert s.signed_at is not None and s.signed_at.astimezone(UTC) == datetime(
        2020, 8, 2, 8, 11, 7, tzinfo=UTC
    )
    assert msg("signature.time_local_as_utc") in s.problems
    assert s.stamp == f"Ký bởi: {UBND} Ngày ký: 02/08/2020 15:11:07 +07:00"


def test_stamp_fields() -> None:
    s = _one(corpus("hn-dev", "02.pdf").read_bytes())
    f = stamp_fields(s.stamp or "")
    assert f["signer"] == "Văn phòng Sở" and f["email"] == "vanthu_sotnmt@hanoi.gov.vn"
    assert f["organization"] == "Sở Tài nguyên và Môi trường, Thành phố Hà Nội"
    assert f["time"] == "03.08.2020 09:20:49 +07:00"
    assert stamp_fields("x" * 10_000 + "Ký bởi:" * 2_000) == {}  # linear, no value


def test_hn_dev_is_fast() -> None:
    files = sorted((CORPUS / "hn-dev").glob("*.pdf"))
    if len(files) < 40:
        pytest.skip("hn-dev corpus missing")
    read_signatures(files[0].read_bytes())  # imports
    blobs = [f.read_bytes() for f in files]
    t = time.process_time()  # CPU time: the machine may be shared
    sigs = [s for b in blobs for s in read_signatures(b)]
    assert time.process_time() - t < 10
    assert len(sigs) == 40 and all(s.intact for s in sigs)


def _signed_range_offset(data: bytes) -> int:
    """An offset inside an image stream covered by the signature (before /Contents)."""
    br = re.search(rb"/ByteRange\s*\[\s*0\s+(\d+)", data)
    assert br
    for m in re.finditer(rb"/Subtype\s*/Image", data):
        start = data.find(b"stream", m.end())
        if 0 < start < int(br.group(1)) - 200:
            return start + 100
    raise AssertionError("no image stream in the signed range")


def test_altered_signed_bytes() -> None:
    data = bytearray(corpus("hn-dev", "01.pdf").read_bytes())
    data[_signed_range_offset(bytes(data))] ^= 0xFF
    s = _one(bytes(data))
    assert s.intact is False and msg("signature.altered") in s.problems
    assert s.signer == UBND  # who claims to have signed is still read


def test_incremental_update_after_signing() -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    data = corpus("hn-dev", "06.pdf").read_bytes()
    w = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    w.root["/Lang"] = generic.TextStringObject("vi")
    w.update_root()
    out = io.BytesIO()
    w.write(out)
    s = _one(out.getvalue())
    assert s.intact is True and s.coverage != "entire_file"
    assert msg("signature.added_after") in s.problems


def test_damaged_signature_falls_back_to_stamp() -> None:
    data = corpus("hn-dev", "19.pdf").read_bytes()
    m = re.search(rb"/Contents\s*<", data)
    assert m
    damaged = data[: m.end()] + b"0" * 64 + data[m.end() + 64 :]
    s = _one(damaged)
    assert s.intact is None and s.coverage == "unknown" and s.trusted is None
    assert (s.signer, s.time_source) == (UBND, "stamp")
    assert s.signed_at == datetime(2020, 8, 3, 11, 13, 24, tzinfo=VN)
    assert msg("signature.stamp_only") in s.problems


@pytest.mark.parametrize("data", [b"", b"garbage" * 100, b"%PDF-1.4\n" + bytes(range(256)) * 10])
def test_garbage_gives_nothing(data: bytes) -> None:
    assert read_signatures(data) == ()


def test_unsigned_pdf() -> None:
    assert read_signatures(make_pdf([["Hello"]])) == ()


# --- trust roots: synthetic certificates -------------------------------------------------------


def _cert(cn: str, issuer: tuple[object, object] | None = None, ca: bool = False) -> tuple[object, object]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, cn), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Thử")]
    )
    issuer_cert, issuer_key = issuer or (None, key)
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer_cert.subject if issuer_cert else name)  # type: ignore[attr-defined]
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, ca, ca, False, False),
            critical=True,
        )
        .sign(issuer_key, hashes.SHA256())  # type: ignore[arg-type]
    )
    return cert, key


def _pem(cert: object) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding

    return cert.public_bytes(Encoding.PEM)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def signed_pdf() -> tuple[bytes, bytes]:
    """A tiny PDF signed by a leaf of a fresh CA; the CA's PEM."""
    from asn1crypto import keys, x509
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    ca, ca_key = _cert("CA thử", ca=True)
    leaf, leaf_key = _cert("Văn thư thử", issuer=(ca, ca_key))
    der = leaf_key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())  # type: ignore[attr-defined]
    signer = signers.SimpleSigner(
        signing_cert=x509.Certificate.load(leaf.public_bytes(Encoding.DER)),  # type: ignore[attr-defined]
        signing_key=keys.PrivateKeyInfo.load(der),
        cert_registry=SimpleCertificateStore.from_certs(
            [x509.Certificate.load(ca.public_bytes(Encoding.DER))]
        ),  # type: ignore[attr-defined]
    )
    w = IncrementalPdfFileWriter(io.BytesIO(make_pdf([["Signed"]])))
    out = signers.sign_pdf(w, signers.PdfSignatureMetadata(field_name="Sig1"), signer=signer)
    return out.getvalue(), _pem(ca)


def test_trusted_with_its_root(signed_pdf: tuple[bytes, bytes]) -> None:
    data, ca = signed_pdf
    s = _one(data, trust_roots=[ca])
    assert (s.field, s.signer, s.organization) == ("Sig1", "Văn thư thử", "Thử")
    assert s.intact is True and s.trusted is True and s.coverage == "entire_file"
    assert (
        s.time_source == "signer"
        and s.signed_at
        and abs(s.signed_at - datetime.now(UTC)) < timedelta(hours=1)
    )
    assert s.stamp is None and s.problems == ()
    assert _one(data).trusted is None


def test_unrelated_root_is_untrusted(signed_pdf: tuple[bytes, bytes], tmp_path: Path) -> None:
    other, _ = _cert("Gốc khác", ca=True)
    data = corpus("hn-dev", "01.pdf").read_bytes()
    s = _one(data, trust_roots=[_pem(other)])
    assert s.trusted is False and s.intact is True and msg("signature.untrusted") in s.problems
    assert _one(signed_pdf[0], trust_roots=[_pem(other)]).trusted is False


def test_trust_roots_setting(
    signed_pdf: tuple[bytes, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ca.pem").write_bytes(signed_pdf[1])
    (tmp_path / "broken.pem").write_bytes(b"not a certificate")
    monkeypatch.setenv("VANBAN_TRUST_ROOTS", str(tmp_path))
    s = _one(signed_pdf[0])
    assert s.trusted is True
    assert msg("signature.bad_trust_root", name=str(tmp_path / "broken.pem")) in s.problems
