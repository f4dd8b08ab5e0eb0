"""Database plumbing shared by the archive and every package that stores rows next to it.

``make_engine(url)`` opens SQLite (WAL, foreign keys, busy timeout) or PostgreSQL with the same
options everywhere; ``Base`` is the one declarative base all models share (``vanban.track`` adds
its tables to the same metadata); ``migrate(engine)`` brings a database to the newest schema
with Alembic, so a model change always ships as a revision under ``store/migrations/versions``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from .errors import ArchiveError

MIGRATIONS = Path(__file__).parent / "migrations"

_NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """The declarative base of every vanban table (one ``MetaData``, one migration history)."""

    metadata = MetaData(naming_convention=_NAMING)


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of a SQLite file."""
    return f"sqlite+pysqlite:///{path}"


def normalize_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` and use the psycopg 3 driver for them."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, ``synchronous=NORMAL``, foreign keys, 30 s busy wait.

    pysqlite's own transaction handling is switched off so that ``BEGIN`` is emitted by
    SQLAlchemy: DDL runs inside transactions too (migrations are all-or-nothing).
    """
    url = normalize_url(url)
    if url.startswith("postgresql"):
        # The tsvector lives in TOAST, which the planner does not cost: with the default
        # random_page_cost (4, for spinning disks) it reads every document's tsvector (a seq
        # scan: 240 ms at 20k documents) rather than the GIN index (12 ms). 1.1 is the usual
        # value for SSDs; a server's own setting is overridden for vanban's connections only.
        own = make_url(url).query.get("options", ())  # e.g. a search_path given in the URL
        opts = [own] if isinstance(own, str) else list(own)
        opts.append("-c random_page_cost=1.1")
        return create_engine(url, pool_pre_ping=True, future=True, connect_args={"options": " ".join(opts)})
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, future=True)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, future=True)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout = 30000")
        mode = cur.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode != "wal" and url != "sqlite+pysqlite://" and ":memory:" not in url:
            raise ArchiveError(f"cannot switch the database to WAL mode (got {mode!r}); is it writable?")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA cache_size = -65536")
        cur.execute("PRAGMA temp_store = MEMORY")
        cur.execute("PRAGMA mmap_size = 268435456")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN")

    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to ``engine`` that keep loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False, future=True)


def migrate(engine: Engine, extra_version_dirs: Iterable[Path] = ()) -> None:
    """Upgrade the database to the newest revision (every branch head).

    Other packages keep their own revisions in their own folder (a branch with its own
    ``branch_labels``, ``depends_on`` the archive's revision when their tables refer to it) and
    pass the folder here.
    """
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    dirs = [MIGRATIONS / "versions", *map(Path, extra_version_dirs)]
    cfg.set_main_option("version_locations", " ".join(str(d) for d in dirs))
    cfg.set_main_option("path_separator", "space")
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")
