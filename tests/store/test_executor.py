"""Ingest on an executor: a Dask cluster gives the same archive as the local process pool."""

from __future__ import annotations

import shutil
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vanban.cli import app
from vanban.store import Archive, ArchiveError
from vanban.store import executor as executor_mod

from .conftest import BACKENDS, CORPUS, backend_url

distributed = pytest.importorskip("distributed")

# real documents: web transcriptions, gold texts, a PDF with a text layer (and, in ``inbox``, a copy)
FILES = [
    "tvpl/005d8820eb95c1cb.txt",
    "tvpl/02b9be7711f88c70.txt",
    "tvpl/0326977b5d611b9a.txt",
    "gold/008.txt",
    "gold/013.txt",
    "pdf/thong-tu-so-02-2026-tt-btc-468745.pdf",
]


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A Dask ``LocalCluster`` of two workers in this process (threads); its scheduler address."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address="127.0.0.1:0"
    ) as c:
        yield c.scheduler_address


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    out = tmp_path / "inbox"
    for i, name in enumerate(FILES):
        (out / str(i % 2)).mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / name, out / str(i % 2) / Path(name).name)
    shutil.copy(CORPUS / FILES[0], out / "copy.txt")
    return out


def _open(tmp: Path) -> Archive:
    """A fresh archive under ``tmp`` (SQLite: the database of a local run)."""
    tmp.mkdir(parents=True, exist_ok=True)
    return Archive.open(tmp / "home", f"sqlite+pysqlite:///{tmp / 'vanban.db'}")


def _url(backend: str, tmp: Path) -> Iterator[str]:
    """A fresh database of ``backend`` under ``tmp`` (a new schema on PostgreSQL)."""
    tmp.mkdir(parents=True, exist_ok=True)
    yield from backend_url(backend, tmp)


def _stored(home: Path, url: str, inbox: Path, **how: object) -> tuple[list[tuple[str, str]], list[object]]:
    """``(file name, status)`` of each file added, and every record with its number's search hits."""
    with Archive.open(home, url) as ar:
        s = ar.add_paths([inbox], **how)  # type: ignore[arg-type]
        docs = [ar.get(i) for i in range(1, ar.stats()["documents"] + 1)]
        hits = [[h.id for h in ar.search(d.number or "").hits] for d in docs if d]
        return [(Path(r.path).name, r.status) for r in s.results], [
            (d.source and Path(d.source).name, d.number, d.record, d.status, h)
            for d, h in zip(docs, hits, strict=True)
            if d
        ]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("how", [{"jobs": 2}, {"jobs": 1}])
def test_dask_cluster_stores_what_the_local_pool_stores(
    cluster: str, inbox: Path, tmp_path: Path, how: dict[str, int], backend: str
) -> None:
    urls = [_url(backend, tmp_path / "pool"), _url(backend, tmp_path / "dask")]
    local = _stored(tmp_path / "pool" / "home", next(urls[0]), inbox, **how)
    dask = _stored(tmp_path / "dask" / "home", next(urls[1]), inbox, dask=cluster)
    for u in urls:
        u.close()  # drops the PostgreSQL schema
    assert dask == local
    statuses = [status for _name, status in local[0]]
    assert statuses.count("duplicate") == 1 and statuses.count("added") == len(FILES) == len(local[1])


@pytest.mark.parametrize("backend", BACKENDS)
def test_workers_on_other_machines_need_postgresql(
    cluster: str, inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    monkeypatch.setattr(executor_mod, "_hosts", lambda info: {"192.0.2.7", "127.0.0.1"})
    url = _url(backend, tmp_path)
    with Archive.open(tmp_path / "home", next(url)) as ar:
        if ar.sqlite:  # a local SQLite file: refused, nothing stored
            with pytest.raises(ArchiveError, match="PostgreSQL") as err:
                ar.add_paths([inbox], dask=cluster)
            assert "192.0.2.7" in str(err.value) and "127.0.0.1" not in str(err.value)
            assert ar.stats()["documents"] == 0
        else:
            assert ar.add_paths([inbox], dask=cluster).count("added") == len(FILES)
    url.close()


@pytest.mark.parametrize(
    ("host", "here"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        (socket.gethostname(), True),
        ("192.0.2.7", False),  # TEST-NET-1: never this machine
        ("workers.example", False),
    ],
)
def test_which_hosts_are_this_machine(host: str, here: bool) -> None:
    assert executor_mod._is_here(host) is here


@pytest.mark.parametrize(
    ("address", "error"),
    [
        ("local:0", "không hợp lệ"),
        ("local:two", "không hợp lệ"),
        ("scheduler:8786", "không hợp lệ"),
        ("tcp://127.0.0.1:9", "không kết nối được"),
    ],
)
def test_bad_cluster_address_is_a_clear_error(
    address: str, error: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(executor_mod, "CONNECT_TIMEOUT", 1)
    with _open(tmp_path) as ar:
        with pytest.raises(ArchiveError, match=error):
            ar.add_paths([CORPUS / FILES[0]], dask=address)
        assert ar.stats()["documents"] == 0


def test_add_without_dask_installed_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # ``import distributed`` fails
    r = CliRunner().invoke(
        app,
        ["add", str(CORPUS / FILES[0]), "--dask", "local:2", "--home", str(tmp_path / "home")],
        env={"VANBAN_DB": ""},
    )
    assert r.exit_code == 2
    assert "chưa cài Dask" in r.stderr and "pip install 'vanban[dask]'" in r.stderr


@pytest.mark.slow
def test_add_dask_local_cluster_from_the_command_line(inbox: Path, tmp_path: Path) -> None:
    """``vanban add DIR --dask local:1``: a cluster of worker processes, started and stopped by the command."""
    runner = CliRunner()
    out = {}
    for how in (["--dask", "local:1"], ["--jobs", "2"]):
        home = tmp_path / how[1].replace(":", "")
        r = runner.invoke(app, ["add", str(inbox), *how, "--home", str(home)], env={"VANBAN_DB": ""})
        assert r.exit_code == 0, r.stderr
        with Archive.open(home) as ar:
            out[how[0]] = [(d.number, d.record) for d in ar.iter_documents()]
    assert out["--dask"] == out["--jobs"] and len(out["--dask"]) == len(FILES)
