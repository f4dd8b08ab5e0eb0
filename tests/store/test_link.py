"""Linking: citations resolve by canonical key, also to documents that arrive later."""

from __future__ import annotations

from pathlib import Path

from vanban.store import Archive

from .conftest import CHI_THI, KE_HOACH, write


def _plan(tmp: Path, number: int, cited: str) -> Path:
    return write(tmp / f"kh{number}.txt", KE_HOACH.format(number=number, cited=cited, extra=f"số {number}"))


def test_citation_resolves_when_the_cited_document_arrives(archive: Archive, tmp_path: Path) -> None:
    plan = archive.add_file(_plan(tmp_path, 15, "Chỉ thị số 24-CT/TU ngày 05/3/2019"))
    [link] = [c for c in archive.citing(plan.document_id) if c.number == "24-CT/TU"]
    assert link.relation == "implements" and link.targets == ()
    ct = archive.add_file(write(tmp_path / "ct.txt", CHI_THI.format(extra="x")))
    [link] = [c for c in archive.citing(plan.document_id) if c.number == "24-CT/TU"]
    assert [t.id for t in link.targets] == [ct.document_id]
    assert archive.cited_by(ct.document_id) == [("implements", archive_brief(archive, plan.document_id))]
    archive.remove(ct.document_id)
    assert next(c for c in archive.citing(plan.document_id) if c.number == "24-CT/TU").targets == ()
    archive.restore(ct.document_id)
    assert next(c for c in archive.citing(plan.document_id) if c.number == "24-CT/TU").targets


def test_dateless_citation_matches_by_number(archive: Archive, tmp_path: Path) -> None:
    ct = archive.add_file(write(tmp_path / "ct.txt", CHI_THI.format(extra="x")))
    plan = archive.add_file(_plan(tmp_path, 16, "Chỉ thị số 24-CT/TU"))
    [link] = [c for c in archive.citing(plan.document_id) if c.number == "24-CT/TU"]
    assert [t.id for t in link.targets] == [ct.document_id]


def test_implementation_chain_is_a_tree(archive: Archive, tmp_path: Path) -> None:
    ct = archive.add_file(write(tmp_path / "ct.txt", CHI_THI.format(extra="x")))
    kh15 = archive.add_file(_plan(tmp_path, 15, "Chỉ thị số 24-CT/TU ngày 05/3/2019"))
    kh16 = archive.add_file(_plan(tmp_path, 16, "Chỉ thị số 24-CT/TU ngày 05/3/2019"))
    kh17 = archive.add_file(_plan(tmp_path, 17, "Kế hoạch số 15/KH-UBND ngày 10/4/2019"))
    tree = archive.implementation_tree(ct.document_id)
    assert tree is not None and tree.doc.id == ct.document_id

    def shape(n):  # type: ignore[no-untyped-def]
        return (n.doc.id, sorted((shape(c) for c in n.children), key=lambda x: x[0]))

    assert shape(tree) == (
        ct.document_id,
        [(kh15.document_id, [(kh17.document_id, [])]), (kh16.document_id, [])],
    )
    assert [c.relation for c in tree.children] == ["implements", "implements"]


def archive_brief(archive: Archive, doc_id: int):  # type: ignore[no-untyped-def]
    from vanban.store.link import Brief

    d = archive.get(doc_id)
    assert d is not None
    return Brief(d.id, d.number, d.doc_type, d.date, d.subject)
