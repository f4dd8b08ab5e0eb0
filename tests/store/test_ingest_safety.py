"""Adding a folder safely: special files and symbolic links are skipped with a note and never
opened, every failed file makes ``add`` exit non-zero, worker processes die with ``add``, and an
``add`` run after ``kill -9`` completes the ingest without a duplicate."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner, Result

from vanban.cli import app
from vanban.store import Archive
from vanban.store.models import DocumentRow, OriginalRow
from vanban.store.watch import Watcher

from .conftest import CHI_THI, KE_HOACH, write
from .test_reliability import CLI, assert_consistent, count, tiny_files


def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    write(inbox / "a.txt", CHI_THI.format(extra="a"))
    write(inbox / "z.txt", KE_HOACH.format(number=7, cited="Chỉ thị số 24-CT/TU", extra="z"))
    return inbox


def _add(home: Path, db_url: str, *args: str) -> Result:
    """``vanban add`` in this process."""
    return CliRunner().invoke(app, ["add", *args, "--home", str(home), "--db", db_url])


def _add_apart(home: Path, db_url: str, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    """``vanban add`` in a process of its own, given up after ``timeout`` (it must not hang)."""
    return subprocess.run(
        [*CLI, "add", *args, "--home", str(home), "--db", db_url],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def test_a_fifo_in_a_folder_is_skipped_not_opened(home: Path, db_url: str, tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    os.mkfifo(inbox / "m.pipe")  # opening it for reading would wait for a writer forever
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(inbox / "n.sock"))
        r = _add_apart(home, db_url, str(inbox), "--jobs", "2", timeout=60)
    assert r.returncode == 0, r.stderr
    assert "m.pipe" in r.stderr and "FIFO" in r.stderr and "n.sock" in r.stderr and "bỏ qua" in r.stderr
    with Archive.open(home, db_url) as ar:
        assert count(ar) == 2  # the files beside them were added


def test_special_files_are_skipped_by_the_library(archive: Archive, tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    os.mkfifo(inbox / "m.pipe")
    s = archive.add_paths([inbox, "/dev/null"])
    by_name = {Path(r.path).name: r for r in s.results}
    assert by_name["a.txt"].status == by_name["z.txt"].status == "added"
    assert by_name["m.pipe"].status == "skipped" and "FIFO" in (by_name["m.pipe"].error or "")
    assert by_name["null"].status == "skipped" and "thiết bị" in (by_name["null"].error or "")
    assert not s.failures


def test_symlinks_are_not_followed_unless_asked(home: Path, db_url: str, tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    secret = write(tmp_path / "outside" / "secret.txt", CHI_THI.format(extra="bí mật"))
    (inbox / "passwd.txt").symlink_to(secret)
    (inbox / "etc").symlink_to(secret.parent, target_is_directory=True)
    (inbox / "loop").symlink_to(inbox, target_is_directory=True)
    r = _add(home, db_url, str(inbox))
    assert r.exit_code == 0, r.stderr
    assert "passwd.txt" in r.stderr and "liên kết tượng trưng" in r.stderr
    with Archive.open(home, db_url) as ar:
        assert count(ar) == 2
        assert ar.search('"bi mat"').total == 0, "a file outside the folder was archived"
    r = _add(home, db_url, str(inbox), "--follow-symlinks")
    assert r.exit_code == 0, r.stderr  # the link loop ends: each folder is walked once
    with Archive.open(home, db_url) as ar:
        assert count(ar) == 3 and ar.search('"bi mat"').total == 1


def test_a_named_symlink_is_not_followed_either(archive: Archive, tmp_path: Path) -> None:
    target = write(tmp_path / "real.txt", CHI_THI.format(extra="x"))
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    assert archive.add_file(link).status == "skipped"
    assert archive.add_paths([link], follow_symlinks=True).results[0].status == "added"


def test_the_watcher_does_not_follow_symlinks(archive: Archive, tmp_path: Path) -> None:
    drop = _inbox(tmp_path)
    (drop / "hostname").symlink_to("/etc/hostname")
    os.mkfifo(drop / "m.pipe")
    w = Watcher(archive, drop, consume=True)
    w.scan()
    results = w.scan().results
    by_name = {Path(r.path).name: r.status for r in results}
    assert by_name == {"a.txt": "added", "z.txt": "added", "hostname": "skipped", "m.pipe": "skipped"}
    assert (drop / "hostname").is_symlink() and (drop / "m.pipe").exists()  # left where they are
    assert not w.scan().results  # noted once


def test_add_exits_non_zero_when_a_file_failed(home: Path, db_url: str, tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    r = _add(home, db_url, str(inbox))
    assert r.exit_code == 0, r.stderr
    (inbox / "junk.txt").write_bytes(bytes(range(1, 32)) * 4)  # stored as failed: not a text
    r = _add(home, db_url, str(inbox))
    assert r.exit_code == 1 and "junk.txt" in r.stderr
    r = _add(home, db_url, str(tmp_path / "missing.txt"))
    assert r.exit_code == 1


def _children(pid: int) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[1]) == pid:
                out.append(int(d.name))
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] not in "ZX"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the worker processes")
def test_kill_9_of_add_leaves_no_worker_and_the_next_add_completes(
    home: Path, db_url: str, tmp_path: Path
) -> None:
    n = 1500
    src = tiny_files(tmp_path / "inbox", n)
    args = [*CLI, "add", str(src), "--jobs", "2", "--home", str(home), "--db", db_url]
    with Archive.open(home, db_url) as ar:
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        workers: list[int] = []
        try:
            deadline = time.monotonic() + 120
            while count(ar) < 200 and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            workers = _children(proc.pid)
            assert len(workers) >= 2 and proc.poll() is None, "add must be parsing in its workers"
            os.kill(proc.pid, signal.SIGKILL)  # the parent only, as a crash or the OOM killer would
            proc.wait()
            deadline = time.monotonic() + 10
            while any(map(_alive, workers)) and time.monotonic() < deadline:
                time.sleep(0.05)
            left = [w for w in workers if _alive(w)]
        finally:
            for w in workers:  # the ones this test started, should they have outlived add
                if _alive(w):
                    os.kill(w, signal.SIGKILL)
        assert not left, f"workers {left} outlived add"
        done = count(ar)
        assert 0 < done < n, "the kill must land mid-run"
    rerun = subprocess.run(args, capture_output=True, text=True, timeout=240)
    assert rerun.returncode == 0, rerun.stderr
    with Archive.open(home, db_url) as ar:
        assert count(ar) == n
        with ar.Session() as s:
            assert s.scalar(select(func.count(func.distinct(OriginalRow.sha256)))) == n
            assert s.scalar(select(func.count(func.distinct(DocumentRow.sha256)))) == n
        assert_consistent(ar)
