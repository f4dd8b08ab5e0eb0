"""The content-addressed store of originals under the data directory, and the writer lock.

An original lives at ``originals/<sha[:2]>/<sha>``. Writing goes through ``staging/``: the file
is staged before the database transaction that records it and moved into place after the
commit, so a crash (``kill -9``) leaves at most staged files, which ``recover`` settles under
the writer lock — moved into place if the database knows them, deleted if not. No orphan
original and no record without its original survive a restart.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import ArchiveError


def sha256(data: bytes) -> str:
    """The hex SHA-256 that names an original."""
    return hashlib.sha256(data).hexdigest()


def os_error(exc: OSError, where: Path) -> ArchiveError:
    """A clerk-readable error for a failed write into the data directory."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return ArchiveError(f"the data directory {where} is full ({exc.strerror}); nothing was added")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return ArchiveError(f"the data directory {where} is not writable ({exc.strerror})")
    return ArchiveError(f"cannot write to the data directory {where}: {exc.strerror or exc}")


class BlobStore:
    """Originals named by SHA-256 under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.final = root / "originals"
        self.staging = root / "staging"

    def prepare(self) -> None:
        """Create the directories; ``ArchiveError`` when the data directory cannot be written."""
        try:
            self.final.mkdir(parents=True, exist_ok=True)
            self.staging.mkdir(parents=True, exist_ok=True)
            probe = self.staging / f".probe-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise os_error(exc, self.root) from None

    def path(self, sha: str) -> Path:
        """Where the original ``sha`` lives once committed."""
        return self.final / sha[:2] / sha

    def locate(self, sha: str) -> Path | None:
        """The file holding ``sha`` (committed, or staged by a run that died after its commit)."""
        for p in (self.path(sha), self.staging / sha):
            if p.exists():
                return p
        return None

    def read(self, sha: str) -> bytes:
        """The bytes of an original; ``ArchiveError`` if it is missing."""
        p = self.locate(sha)
        if p is None:
            raise ArchiveError(f"the original {sha} is missing from {self.final}")
        return p.read_bytes()

    def stage(self, sha: str, data: bytes) -> None:
        """Write ``data`` to ``staging/<sha>`` atomically (a partial write never has that name)."""
        if self.path(sha).exists():
            return
        tmp = self.staging / f"{sha}.tmp-{os.getpid()}"
        try:
            with open(tmp, "wb") as fh:
                fh.write(data)
            os.replace(tmp, self.staging / sha)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise os_error(exc, self.root) from None

    def publish(self, shas: Iterable[str]) -> None:
        """Move committed originals from staging into place."""
        for sha in shas:
            src = self.staging / sha
            if not src.exists():
                continue
            dst = self.path(sha)
            try:
                dst.parent.mkdir(exist_ok=True)
                os.replace(src, dst)
            except OSError as exc:
                raise os_error(exc, self.root) from None

    def discard(self, shas: Iterable[str]) -> None:
        """Delete staged originals whose transaction rolled back."""
        for sha in shas:
            (self.staging / sha).unlink(missing_ok=True)

    def recover(self, known: Callable[[list[str]], set[str]]) -> tuple[int, int]:
        """Settle what a crashed run left in staging: ``(published, deleted)``.

        ``known(shas)`` says which SHA-256s the database records. Call only under the writer lock.
        """
        staged: list[str] = []
        deleted = 0
        for p in self.staging.iterdir():
            if len(p.name) == 64 and "." not in p.name:
                staged.append(p.name)
            else:
                p.unlink(missing_ok=True)
                deleted += 1
        keep = known(staged) if staged else set()
        self.publish(s for s in staged if s in keep)
        drop = [s for s in staged if s not in keep]
        self.discard(drop)
        return len(keep), deleted + len(drop)

    def all_shas(self) -> Iterator[str]:
        """Every committed original (for consistency checks)."""
        for d in self.final.iterdir():
            if d.is_dir():
                yield from (p.name for p in d.iterdir())


@contextmanager
def writer_lock(root: Path) -> Iterator[None]:
    """Hold the archive's single-writer lock (``flock`` on ``<root>/lock``) for a write."""
    try:
        fh = open(root / "lock", "a+b")  # noqa: SIM115  (held for the block)
    except OSError as exc:
        raise os_error(exc, root) from None
    try:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()
