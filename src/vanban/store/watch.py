"""A consume folder: files dropped into it are added once they stop changing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .archive import Archive
from .ingest import AddResult, Summary, iter_files

DONE = ".done"


class Watcher:
    """Polls ``folder``; a file is added when its size and mtime are the same on two scans.

    With ``consume``, added files (including those stored with a parse failure) move into
    ``<folder>/.done/``; otherwise they stay and are added again only when they change.
    Symbolic links are not followed unless ``follow_symlinks`` (a drop folder must not let
    anyone archive ``/etc/passwd``); they and special files (FIFOs, devices) are reported
    skipped once and left where they are.
    """

    def __init__(
        self,
        archive: Archive,
        folder: Path,
        consume: bool = False,
        jobs: int = 1,
        follow_symlinks: bool = False,
    ) -> None:
        self.archive = archive
        self.folder = folder
        self.consume = consume
        self.jobs = jobs
        self.follow_symlinks = follow_symlinks
        self._pending: dict[Path, tuple[int, int]] = {}
        self._added: dict[Path, tuple[int, int]] = {}

    def scan(self) -> Summary:
        """One poll: add the files that are ready, return what happened to them."""
        ready: list[Path] = []
        now: dict[Path, tuple[int, int]] = {}
        for p in iter_files([self.folder], self.follow_symlinks):
            try:
                st = p.stat() if self.follow_symlinks else p.lstat()
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
        summary = self.archive.add_paths(ready, jobs=self.jobs, follow_symlinks=self.follow_symlinks)
        for r in summary.results:
            self._settle(r, now)
        return summary

    def _settle(self, r: AddResult, sigs: dict[Path, tuple[int, int]]) -> None:
        p = Path(r.path)
        self._pending.pop(p, None)
        if r.status == "error":
            return
        if not self.consume or r.status == "skipped":  # a skipped entry stays, noted once
            self._added[p] = sigs[p]
            return
        dst = self.folder / DONE / p.relative_to(self.folder)
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(p, dst)
        parent = p.parent
        while parent != self.folder and not any(parent.iterdir()):
            os.rmdir(parent)
            parent = parent.parent
