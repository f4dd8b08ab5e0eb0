"""The e-office export (``NN.xml``, ``<EXPORTMAIL>``) or edXML packet that travels beside a
document (``NN.pdf``): found beside it or in an ``xml/`` folder next to it, read with it, and not
added as a document of its own when the document is added too."""

from __future__ import annotations

from pathlib import Path

from ..read.detect import sniff

__all__ = ["drop_sidecars", "sidecar_of"]


def _is_metadata(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return sniff(fh.read(4096)) == "edxml"
    except OSError:
        return False


def _candidates(path: Path) -> tuple[Path, Path]:
    return path.with_suffix(".xml"), path.parent / "xml" / f"{path.stem}.xml"


def sidecar_of(path: Path) -> bytes | None:
    """The content of ``path``'s metadata file, if it has one."""
    if path.suffix.lower() == ".xml":
        return None
    for c in _candidates(path):
        if c.is_file() and _is_metadata(c):
            try:
                return c.read_bytes()
            except OSError:
                return None
    return None


def drop_sidecars(files: list[Path]) -> list[Path]:
    """``files`` without the metadata files of documents among them."""
    paired = {c.resolve() for f in files if f.suffix.lower() != ".xml" for c in _candidates(f)}
    return [
        f for f in files if f.suffix.lower() != ".xml" or f.resolve() not in paired or not _is_metadata(f)
    ]
