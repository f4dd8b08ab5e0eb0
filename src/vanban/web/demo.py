"""The demo setup: the Hà Nội registry, the seed documents tracked, one account per role."""

from __future__ import annotations

from pathlib import Path

from ..store import Archive
from ..store.models import DocumentRow
from ..track import seed
from ..track.tracker import Tracker


def setup(
    arc: Archive, documents: list[Path], passwords: dict[str, str] | None = None
) -> list[seed.DemoAccount]:
    """Seed the registry and accounts, add and track ``documents``; the demo accounts."""
    with arc.Session() as s:
        units = seed.seed_hanoi(s)
        accs = seed.demo_accounts(s, units, passwords)
        s.commit()
    for path in documents:
        res = arc.add_file(path)
        if res.document_id is None:
            continue
        with arc.Session() as s:
            doc = s.get(DocumentRow, res.document_id)
            if doc is not None and doc.status == "ok":
                Tracker(s).on_document_added(doc, None)
                s.commit()
    return accs
