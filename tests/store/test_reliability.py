"""Reliability: kill -9 mid-add, add while searching, read-only and full data directories."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from vanban.store import Archive, ArchiveError
from vanban.store.models import DocTextRow, DocumentRow, OriginalRow

from .conftest import KE_HOACH, corpus, write

CLI = [sys.executable, "-c", "from vanban.cli import main; main()"]


def tiny_files(folder: Path, n: int) -> Path:
    """``n`` small distinct plans, each citing a directive."""
    for i in range(n):
        write(
            folder / f"{i // 500:02d}" / f"kh{i:05d}.txt",
            KE_HOACH.format(
                number=i + 1, cited=f"Chỉ thị số {i % 97 + 1}-CT/TU ngày 05/3/2019", extra=f"đợt {i}"
            ),
        )
    return folder


def count(ar: Archive) -> int:
    with ar.Session() as s:
        return s.scalar(select(func.count()).select_from(DocumentRow)) or 0


def assert_consistent(ar: Archive) -> None:
    """Every document has its text, index entry and original; every original file has its row."""
    with ar.Session() as s:
        docs = s.execute(select(DocumentRow.id, DocumentRow.sha256)).all()
        shas = set(s.scalars(select(OriginalRow.sha256)))
        n_text = s.scalar(select(func.count()).select_from(DocTextRow))
        if ar.sqlite:
            s.execute(text("INSERT INTO doc_fts(doc_fts) VALUES ('integrity-check')"))
            n_fts = s.scalar(text("SELECT count(*) FROM doc_fts"))
            assert n_fts == len(docs)
    assert n_text == len(docs)
    assert {sha for _i, sha in docs} <= shas
    for sha in shas:
        assert ar.blobs.locate(sha) is not None, f"original {sha} missing"
    ar.recover()
    assert set(ar.blobs.all_shas()) == shas, "orphan or missing originals"
    assert not list(ar.blobs.staging.iterdir())


@pytest.mark.slow
def test_kill_9_in_the_middle_of_add(home: Path, db_url: str, tmp_path: Path) -> None:
    n = 5000
    src = tiny_files(tmp_path / "inbox", n)
    args = [*CLI, "add", str(src), "--jobs", "2", "--home", str(home), "--db", db_url]
    with Archive.open(home, db_url) as ar:
        proc = subprocess.Popen(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        deadline = time.monotonic() + 120
        while count(ar) < 700 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.13)  # land inside a batch rather than just after a commit
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        done = count(ar)
        assert 0 < done < n, "the kill must land mid-run"
        assert_consistent(ar)
    rerun = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    with Archive.open(home, db_url) as ar:
        assert count(ar) == n
        with ar.Session() as s:
            assert s.scalar(select(func.count(func.distinct(OriginalRow.sha256)))) == n
        assert_consistent(ar)
        assert ar.search('"dot 4321"').total == 1
    again = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "trùng" in again.stderr


def test_add_and_search_at_the_same_time(home: Path, db_url: str, tmp_path: Path) -> None:
    n = 600
    src = tiny_files(tmp_path / "inbox", n)
    with Archive.open(home, db_url) as ar:
        proc = subprocess.Popen(
            [*CLI, "add", str(src), "--home", str(home), "--db", db_url],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        totals = []
        while proc.poll() is None:
            totals.append(ar.search("ke hoach ky cuong", limit=5).total or 0)
            time.sleep(0.05)
        assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
        totals.append(ar.search("ke hoach ky cuong", limit=5).total or 0)
        assert totals == sorted(totals), "a search saw the index go backwards"
        assert totals[-1] == n and len(set(totals)) > 2, "searches ran while documents were added"


@contextmanager
def small_fs(path: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` at ``path`` (root only), unmounted afterwards."""
    path.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True
    )
    if r.returncode:
        pytest.skip(f"cannot mount a tmpfs here ({r.stderr.decode().strip()}): needs root with CAP_SYS_ADMIN")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _readonly(path: Path) -> Iterator[None]:
    if os.geteuid() != 0:
        path.chmod(0o500)
        yield
        path.chmod(0o700)
        return
    subprocess.run(["mount", "-o", "remount,ro", str(path)], check=True)
    yield
    subprocess.run(["mount", "-o", "remount,rw", str(path)], check=True)


def test_read_only_data_directory(db_url: str, tmp_path: Path) -> None:
    mount = tmp_path / "mnt"
    with small_fs(mount, "64m") if os.geteuid() == 0 else _nullcontext(mount):
        home = mount / "home"
        url = db_url if not db_url.startswith("sqlite") else f"sqlite+pysqlite:///{home / 'vanban.db'}"
        with Archive.open(home, url) as ar:
            ar.add_file(corpus("gold/008.txt")[0])
        for _ in _readonly(mount if os.geteuid() == 0 else home):
            with pytest.raises(ArchiveError, match="not writable"), Archive.open(home, url) as ar:
                ar.add_file(corpus("gold/009.txt")[0])
            r = subprocess.run(
                [*CLI, "add", str(corpus("gold/009.txt")[0]), "--home", str(home), "--db", url],
                capture_output=True,
                text=True,
            )
            assert r.returncode == 2 and "not writable" in r.stderr and "Traceback" not in r.stderr
        with Archive.open(home, url) as ar:
            assert count(ar) == 1
            assert_consistent(ar)


def test_full_data_directory(db_url: str, tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("filling a file system needs a tmpfs mount (root)")
    with small_fs(tmp_path / "mnt", "3m") as mount:
        home = mount / "home"
        url = db_url if not db_url.startswith("sqlite") else f"sqlite+pysqlite:///{home / 'vanban.db'}"
        big = tmp_path / "big"
        for i in range(40):  # 40 distinct documents of ~100 KB: more than the 3 MB disk
            write(
                big / f"{i:02d}.txt",
                KE_HOACH.format(number=i + 1, cited="Chỉ thị số 24-CT/TU", extra="x " * 50_000 + str(i)),
            )
        with Archive.open(home, url) as ar:
            with pytest.raises(ArchiveError, match="full"):
                ar.add_paths([big])
            n = count(ar)
            assert n < 40
        for p in (mount / "home" / "staging").iterdir():
            assert p.name.endswith(".tmp") is False
        # free the space the failed batch may hold (SQLite's WAL), then check and complete
        with Archive.open(home, url) as ar:
            assert_consistent(ar)
            assert count(ar) == n


@contextmanager
def _nullcontext(path: Path) -> Iterator[Path]:
    yield path
