"""A consume folder: files dropped into it are added once they stop changing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .archive import AddResult, Archive, Summary, iter_files

DONE = ".done"


class Watcher:
    """Polls ``folder``; a file is added when its size and mtime are the same on two scans.

    With ``consume``, added files (including those stored with a parse failure) move into
    ``<folder>/.done/``; otherwise they stay and are added again only when they change.
    """

    def __init__(self, archive: Archive, folder: Path, consume: bool = False, jobs: int = 1) -> None:
        self.archive = archive
        self.folder = folder
        self.consume = consume
        self.jobs = jobs
        self._pending: dict[Path, tuple[int, int]] = {}
        self._added: dict[Path, tuple[int, int]] = {}

    def scan(self) -> Summary:
        """One poll: add the files that are ready, return what happened to them."""
        ready: list[Path] = []
        now: dict[Path, tuple[int, int]] = {}
        for p in iter_files([self.folder]):
            try:
                st = p.stat()
            except OSError:
                continue
            sig = (st.st_size, st.st_mtime_ns)
            now[p] = sig
            if self._added.get(p) == sig:
                continue
            if self._pending.get(p) == sig:
                ready.append(p)
        self._pending = {p: sig for p, sig in now.items() if self._added.get(p) != sig}
        self._added = {p: sig for p, sig in self._added.items() if p in now}
        if not ready:
            return Summary()
        summary = self.archive.add_paths(ready, jobs=self.jobs)
        for r in summary.results:
            self._settle(r, now)
        return summary

    def _settle(self, r: AddResult, sigs: dict[Path, tuple[int, int]]) -> None:
        p = Path(r.path)
        self._pending.pop(p, None)
        if r.status == "error":
            return
        if not self.consume:
            self._added[p] = sigs[p]
            return
        dst = self.folder / DONE / p.relative_to(self.folder)
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(p, dst)
        parent = p.parent
        while parent != self.folder and not any(parent.iterdir()):
            os.rmdir(parent)
            parent = parent.parent
