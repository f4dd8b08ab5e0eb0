"""DOC, ODT and RTF: converted to DOCX by LibreOffice headless, then read as DOCX."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import MissingToolError, ReadError
from ..rules import table
from .base import Extracted
from .docx import read_docx

__all__ = ["read_office"]

_FORMATS = {"ole": ("doc", "Word 97-2003"), "odt": ("odt", "OpenDocument"), "rtf": ("rtf", "RTF")}


def _soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise MissingToolError(
            "reading DOC/ODT/RTF files needs LibreOffice: apt-get install libreoffice-writer-nogui"
        )
    return exe


def read_office(data: bytes, name: str, kind: str) -> Extracted:
    """Convert a Word 97 (``ole``), ODT or RTF file to DOCX and read that."""
    ext, label = _FORMATS[kind]
    if kind == "ole" and "WordDocument".encode("utf-16-le") not in data:
        raise ReadError(f"{name}: an OLE file that is not a Word document (Excel or PowerPoint?)")
    exe = _soffice()
    timeout = table("read")["office"]["timeout_s"]
    with tempfile.TemporaryDirectory(prefix="vanban-lo-") as tmp:
        src = Path(tmp, f"input.{ext}")
        src.write_bytes(data)
        cmd = [
            exe,
            f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            tmp,
            str(src),
        ]
        try:
            res = subprocess.run(cmd, capture_output=True, timeout=timeout, cwd=tmp)
        except subprocess.TimeoutExpired:
            raise ReadError(f"{name}: LibreOffice took longer than {timeout} s to convert it") from None
        out = Path(tmp, "input.docx")
        if res.returncode != 0 or not out.exists():
            raise ReadError(f"{name}: LibreOffice could not read this {label} file (damaged?)")
        ex = read_docx(out.read_bytes(), name)
    return Extracted(
        ex.text,
        ext,
        ex.pages,
        (f"chuyển {label} sang DOCX bằng LibreOffice", *ex.problems),
        ex.meta,
        ex.warnings,
    )
