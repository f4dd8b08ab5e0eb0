"""The intake's flood limit in the database: a sliding minute per hashed client, refused attempts
not counted, old rows forgotten, the table as its migration builds it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from vanban.feedback.flood import FloodGate, IntakeHit, client_key
from vanban.store import Archive

T0 = dt.datetime(2026, 1, 5, 9, 0, 0)


def test_a_sliding_minute_per_client(tmp_path: Path) -> None:
    gate = FloodGate(limit=3)
    with Archive.open(tmp_path / "home") as ar, ar.Session() as s:

        def allow(address: str, second: int) -> bool:
            return gate.allow(s, address, T0 + dt.timedelta(seconds=second))

        assert allow("10.0.0.1", 0) and allow("10.0.0.1", 10) and allow("10.0.0.1", 20)
        assert not allow("10.0.0.1", 30)
        assert allow("10.0.0.2", 30)  # another client
        assert not allow("10.0.0.1", 59)
        assert allow("10.0.0.1", 60)  # the first attempt left the window
        rows = s.execute(select(IntakeHit.client, IntakeHit.at)).all()
        assert (client_key("10.0.0.1"), T0) not in rows  # deleted once older than the window
        assert all("10.0.0" not in c for c, _ in rows)
        assert len([r for r in rows if r.client == client_key("10.0.0.1")]) == 3  # refusals not kept


def test_the_table_matches_its_migration(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from vanban.store.db import Base

    with Archive.open(tmp_path / "home") as ar, ar.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diff if "feedback_intake_hits" in repr(d)] == []
