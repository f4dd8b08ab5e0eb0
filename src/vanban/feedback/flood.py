"""The flood limit of the public intake, shared by every server process and kept across restarts.

Each submission attempt (form or API) is a row of ``feedback_intake_hits`` (migration
``flood_0001``): a hash of the client's address and the time. An attempt is allowed when the
client has fewer than ``per_minute`` (``data/feedback.toml``) in the last minute; rows older than
the window are deleted on every attempt, so no address, even hashed, outlives it. The attempt is
written first and counted with the others in one transaction, which SQLite runs one at a time;
on PostgreSQL, attempts of one client in the very same instant may each pass the count.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import DateTime, Index, String, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..store.db import Base
from ..track.models import utcnow

__all__ = ["FloodGate", "IntakeHit", "client_key"]


class IntakeHit(Base):
    """One submission attempt: whose (hashed address) and when."""

    __tablename__ = "feedback_intake_hits"
    __table_args__ = (Index("ix_feedback_intake_hits_client_at", "client", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client: Mapped[str] = mapped_column(String(32))
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


def client_key(address: str) -> str:
    """The stored name of a client: a hash of its address, never the address."""
    return hashlib.sha256(b"vanban-feedback\0" + address.encode()).hexdigest()[:32]


class FloodGate:
    """At most ``limit`` attempts per client in any ``window`` seconds, counted in the database."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit = limit
        self.window = dt.timedelta(seconds=window)

    def allow(self, s: Session, address: str, now: dt.datetime | None = None) -> bool:
        """Record an attempt by ``address`` and commit it; False (and nothing recorded) when it is
        over the limit. Ends the session's current transaction either way."""
        now = now or utcnow()
        key = client_key(address)
        s.execute(delete(IntakeHit).where(IntakeHit.at <= now - self.window))
        s.add(IntakeHit(client=key, at=now))
        s.flush()
        n = s.scalar(select(func.count()).where(IntakeHit.client == key, IntakeHit.at > now - self.window))
        if (n or 0) > self.limit:
            s.rollback()
            return False
        s.commit()
        return True
