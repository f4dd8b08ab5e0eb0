"""Adding: content addressing, duplicates, versions, failures stored and retried."""

from __future__ import annotations

from pathlib import Path

import pytest

import vanban.store.ingest as archive_mod
from vanban.store import Archive, Filters

from .conftest import CHI_THI, CORPUS, corpus, write

GOLD = corpus(
    "gold/008.txt",
    "gold/009.txt",
    "gold/013.txt",
    *(f"seeds/{p.name}" for p in sorted((CORPUS / "seeds").glob("*.txt"))),
)


def test_add_folder_and_files(archive: Archive) -> None:
    s = archive.add_paths(GOLD)
    assert s.count("added") == len(s.results) >= 5
    assert not s.failures
    # every original is stored under its SHA-256, and reads back identical
    for r in s.results:
        d = archive.get(r.document_id)
        assert d is not None and d.status == "ok" and d.number
        name, data = archive.original(d.id)
        assert data == Path(r.path).read_bytes() and name == Path(r.path).name
        assert archive.blobs.path(d.sha256).exists()


def test_add_folder_recursively_skipping_hidden(archive: Archive, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    for i, src in enumerate(GOLD[:3]):
        write(inbox / f"d{i}" / "sub" / src.name, src.read_text(encoding="utf-8"))
    write(inbox / ".hidden" / "x.txt", CHI_THI.format(extra="x"))
    write(inbox / ".~lock.txt", CHI_THI.format(extra="y"))
    s = archive.add_paths([inbox])
    assert s.count("added") == 3 and len(s.results) == 3


def test_same_file_twice_is_one_document(archive: Archive, tmp_path: Path) -> None:
    src = corpus("gold/008.txt")[0]
    copy = tmp_path / "copy" / "other-name.txt"
    copy.parent.mkdir()
    copy.write_bytes(src.read_bytes())
    first = archive.add_paths([src, src, copy])
    assert [r.status for r in first.results] == ["added", "duplicate", "duplicate"]
    again = archive.add_file(src)
    assert again.status == "duplicate" and again.document_id == first.results[0].document_id
    assert archive.stats()["documents"] == 1 and archive.stats()["originals"] == 1


def test_changed_file_is_a_new_version(archive: Archive, tmp_path: Path) -> None:
    p = write(tmp_path / "in" / "ct.txt", CHI_THI.format(extra="phòng chống tham nhũng"))
    r1 = archive.add_file(p)
    write(p, CHI_THI.format(extra="cải cách hành chính"))
    r2 = archive.add_file(p)
    assert (r1.status, r2.status) == ("added", "version")
    assert r2.document_id == r1.document_id and r2.version == 2
    d = archive.get(r1.document_id)
    assert d is not None and [v.version for v in d.versions] == [1, 2]
    assert archive.original(d.id, 1)[1] != archive.original(d.id)[1]
    # the index follows the edit in the same transaction: old words gone, new ones found
    assert archive.search("tham nhung").total == 0
    assert [h.id for h in archive.search("cai cach hanh chinh").hits] == [d.id]


def test_unreadable_file_is_stored_with_its_error(archive: Archive, tmp_path: Path) -> None:
    bad = tmp_path / "in" / "scan.txt"
    bad.parent.mkdir()
    bad.write_bytes(b"\x00\x01\x02 binary junk " * 50)
    empty = corpus("tvpl/c245527d1c70c596.txt")[0]  # an empty page in the corpus
    s = archive.add_paths([bad, empty])
    assert [r.status for r in s.results] == ["failed", "failed"]
    assert "nhị phân" in (s.results[0].error or "") and "trống" in (s.results[1].error or "")
    d = archive.get(s.results[0].document_id)
    assert d is not None and d.status == "failed" and "nhị phân" in (d.error or "")
    assert archive.original(d.id)[1] == bad.read_bytes()
    # visible: listed by the failed filter, found by its file name
    assert {h.id for h in archive.search("", Filters(status="failed")).hits} == {
        r.document_id for r in s.results
    }
    assert [h.id for h in archive.search("scan").hits] == [d.id]


def test_failed_parse_is_retried_by_reparse_and_by_adding_again(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = write(tmp_path / "in" / "ct.txt", CHI_THI.format(extra="x"))
    real = archive_mod.parse_bytes
    monkeypatch.setattr(archive_mod, "parse_bytes", lambda data, name: archive_mod.Parsed(None, "", "boom"))
    r = archive.add_file(p)
    assert r.status == "failed" and r.error == "boom"
    assert archive.reparse(failed_only=True).count("failed") == 1  # still broken
    monkeypatch.setattr(archive_mod, "parse_bytes", real)
    s = archive.reparse(failed_only=True)
    assert s.count("reparsed") == 1
    d = archive.get(r.document_id)
    assert d is not None and d.status == "ok" and d.error is None and d.number == "24-CT/TU"
    assert archive.search("", Filters(number="24-ct/tu")).total == 1
    # a failed document is also retried when the same file is added again
    q = write(tmp_path / "in" / "other.txt", CHI_THI.format(extra="y"))
    monkeypatch.setattr(archive_mod, "parse_bytes", lambda data, name: archive_mod.Parsed(None, "", "boom"))
    assert archive.add_file(q).status == "failed"
    monkeypatch.setattr(archive_mod, "parse_bytes", real)
    assert archive.add_file(q).status == "retried"


def test_parallel_add_matches_serial(home: Path, db_url: str, tmp_path: Path) -> None:
    files = sorted((corpus("gold")[0]).glob("0[0-2]*.txt"))
    with Archive.open(home, db_url) as ar:
        s = ar.add_paths(files, jobs=2)
        assert s.count("added") == len(files)
        parallel = {d.number for d in ar.iter_documents()}
    with Archive.open(tmp_path / "serial") as ar:
        ar.add_paths(files, jobs=1)
        assert {d.number for d in ar.iter_documents()} == parallel


@pytest.mark.parametrize("jobs", [1, 2])
def test_duplicates_across_pipelined_batches(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    # batches of 2: the workers parse batch k+1 while batch k is written, so a copy in the next
    # batch is seen before its twin is stored; it must still be one document
    monkeypatch.setattr(archive_mod, "BATCH", 2)
    texts = [CHI_THI.format(extra=w) for w in ("an toàn giao thông", "đầu tư công", "đất đai")]
    paths = [
        write(tmp_path / "in" / f"{i}.txt", t) for i, t in enumerate([*texts, texts[1], texts[2], texts[0]])
    ]
    s = archive.add_paths(paths, jobs=jobs)
    assert [r.status for r in s.results] == ["added"] * 3 + ["duplicate"] * 3
    ids = [r.document_id for r in s.results]
    assert ids[3:] == [ids[1], ids[2], ids[0]] and len(set(ids)) == 3
    assert archive.stats()["documents"] == 3 and archive.stats()["originals"] == 3


def test_reparse_all_keeps_documents(archive: Archive) -> None:
    s = archive.add_paths(GOLD)
    before = {r.document_id: archive.get(r.document_id).record for r in s.results}  # type: ignore[union-attr]
    again = archive.reparse()
    assert again.count("reparsed") == len(before)
    assert {i: archive.get(i).record for i in before} == before  # type: ignore[union-attr]


def test_remove_and_restore(archive: Archive) -> None:
    r = archive.add_file(corpus("gold/008.txt")[0])
    assert archive.search("thue suat").total == 1
    archive.remove(r.document_id)
    assert archive.search("thue suat").total == 0
    assert [h.id for h in archive.search("thue suat", Filters(deleted=True)).hits] == [r.document_id]
    assert archive.add_file(corpus("gold/008.txt")[0]).status == "duplicate"
    archive.restore(r.document_id)
    assert archive.search("thue suat").total == 1


def test_batches_are_bounded_by_count_and_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive_mod, "BATCH", 3)
    monkeypatch.setattr(archive_mod, "BATCH_BYTES", 100)
    files = [write(tmp_path / f"{i}.txt", "x" * size) for i, size in enumerate([10, 10, 10, 10, 95, 200, 10])]
    batches = [[p.name for p in b] for b in archive_mod._file_batches([*files, tmp_path / "missing.txt"])]
    assert batches == [["0.txt", "1.txt", "2.txt"], ["3.txt"], ["4.txt"], ["5.txt"], ["6.txt", "missing.txt"]]
