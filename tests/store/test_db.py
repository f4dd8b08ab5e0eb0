"""Database plumbing: migrations, SQLite pragmas, URLs, the watcher without consuming."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text

from vanban.store import Archive, Filters
from vanban.store.db import make_engine, migrate, normalize_url
from vanban.store.watch import Watcher

from .conftest import CHI_THI, corpus, write


def test_migrations_are_idempotent(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine)
    migrate(engine)
    tables = set(inspect(engine).get_table_names())
    assert {"documents", "originals", "citations", "doc_text", "alembic_version"} <= tables
    with engine.connect() as c:
        heads = set(c.scalars(text("SELECT version_num FROM alembic_version")))
        applied = {r.revision for r in _script().iterate_revisions(list(heads), "base")}
        assert {"0001_archive", *_script().get_heads()} <= applied  # every branch (archive, track)
        if engine.dialect.name == "sqlite":
            assert c.scalar(text("PRAGMA journal_mode")) == "wal"
            assert c.scalar(text("PRAGMA foreign_keys")) == 1
    engine.dispose()


def _script():  # type: ignore[no-untyped-def]
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from vanban.store.db import MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg)


def test_postgres_urls_use_psycopg() -> None:
    assert normalize_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("sqlite:///x.db") == "sqlite:///x.db"


def test_default_home_from_environment(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("VANBAN_HOME", str(tmp_path / "h"))
    monkeypatch.delenv("VANBAN_DB", raising=False)
    with Archive.open() as ar:
        assert ar.home == tmp_path / "h" and (tmp_path / "h" / "vanban.db").exists()


def test_watcher_adds_settled_files_and_new_versions(archive: Archive, tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    p = write(inbox / "ct.txt", CHI_THI.format(extra="x"))
    w = Watcher(archive, inbox)
    assert w.scan().results == []  # seen once: may still be being written
    assert [r.status for r in w.scan().results] == ["added"]
    assert w.scan().results == []  # unchanged: not added again
    write(p, CHI_THI.format(extra="y"))
    w.scan()
    assert [r.status for r in w.scan().results] == ["version"]


def test_migration_builds_the_same_filter_tokens_as_python(archive: Archive) -> None:
    import importlib

    mig = importlib.import_module("vanban.store.migrations.versions.0002_filter_tokens")
    archive.add_paths(
        [
            *corpus("gold/008.txt", "gold/001.txt"),
            write(archive.home / "in" / "ct.txt", CHI_THI.format(extra="x")),
        ]
    )
    with archive.Session() as s:
        rows = s.execute(
            text(f"SELECT t.meta, {mig.META_SQL} FROM doc_text t JOIN documents d ON d.id = t.document_id")
        ).all()
    assert len(rows) == 3 and all(py == sql for py, sql in rows)
    assert any("sparty" in py and "tchithi" in py and "y2019" in py for py, _sql in rows)


def test_downgrade_and_upgrade_again(archive: Archive) -> None:
    from alembic import command
    from alembic.config import Config

    from vanban.store.db import MIGRATIONS

    archive.add_file(corpus("gold/008.txt")[0])
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with archive.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001_archive")
    migrate(archive.engine)
    assert archive.search("thue suat", Filters(year=2025)).total == 1
