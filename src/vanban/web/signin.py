"""Signing in: throttled per account and per address, the password hash off the event loop.

Argon2id costs about half a second of CPU and 64 MiB per check; it runs in a small thread pool
of its own (at most as many checks at once as there are cores), while no database connection
is held. Ten wrong passwords within a minute for one account, or from one address, and the
next attempt is refused (429, ``Retry-After``) until the oldest of them is a minute old; a
successful sign-in clears the account's count. The counts are kept in the database, shared by
every server process.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from fastapi import HTTPException, Request
from sqlalchemy import DateTime, Index, String, delete, func, insert, select
from sqlalchemy.orm import Mapped, mapped_column
from starlette.concurrency import run_in_threadpool

from ..messages import msg
from ..store import Archive
from ..store.db import Base
from ..track import accounts
from ..track.models import User, utcnow

LIMIT = 10  # wrong passwords …
WINDOW = 60.0  # … within this many seconds

_HASHER = ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1)), thread_name_prefix="argon2")


class Throttled(Exception):
    """Too many wrong passwords: try again in ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after

    @property
    def message(self) -> str:
        """What the user reads."""
        return msg("web.signin.throttled", seconds=self.retry_after)

    def http(self) -> HTTPException:
        """The 429 answer of the API."""
        return HTTPException(429, self.message, headers={"Retry-After": str(self.retry_after)})


class SignInFailure(Base):
    """A wrong password: when, and for which key (migration ``jobs_0002``)."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (Index("ix_sign_in_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))  # user:<name> or addr:<ip>
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


class Throttle:
    """Wrong passwords per key (``user:<name>``, ``addr:<ip>``) in a sliding window, kept in the
    database so that every server process counts them together."""

    def __init__(self, arc: Archive, limit: int = LIMIT, window: float = WINDOW) -> None:
        self.arc, self.limit = arc, limit
        self.window = dt.timedelta(seconds=window)

    def check(self, keys: list[str], now: dt.datetime | None = None) -> dict[str, int]:
        """The wrong passwords in the window per key; :class:`Throttled` when a key has ``limit``."""
        now = now or utcnow()
        with self.arc.Session() as s:
            rows = s.execute(
                select(SignInFailure.key, func.count(), func.min(SignInFailure.at))
                .where(SignInFailure.key.in_(keys), SignInFailure.at > now - self.window)
                .group_by(SignInFailure.key)
            ).all()
        waits = [(first + self.window - now).total_seconds() for _k, n, first in rows if n >= self.limit]
        if waits:
            raise Throttled(max(1, math.ceil(max(waits))))
        return {k: n for k, n, _first in rows}

    def fail(self, keys: list[str], now: dt.datetime | None = None) -> None:
        """Count a wrong password against every key (and forget those older than the window)."""
        now = now or utcnow()
        with self.arc.Session() as s:
            s.execute(delete(SignInFailure).where(SignInFailure.at <= now - self.window))
            s.execute(insert(SignInFailure), [{"key": k, "at": now} for k in keys])
            s.commit()

    def clear(self, key: str) -> None:
        """Forget the wrong passwords of ``key``."""
        with self.arc.Session() as s:
            s.execute(delete(SignInFailure).where(SignInFailure.key == key))
            s.commit()


@dataclass(frozen=True)
class _Account:
    id: int
    password_hash: str
    active: bool


def _lookup(arc: Archive, username: str) -> _Account | None:
    with arc.Session() as s:
        row = s.execute(
            select(User.id, User.password_hash, User.active).where(User.username == username)
        ).first()
    return _Account(*row) if row else None


def _verify(account: _Account | None, password: str) -> bool:
    if account is None:
        accounts.hash_password(password)  # the same work whether or not the user exists
        return False
    return accounts.check_password(account.password_hash, password) and account.active


async def authenticate(request: Request, username: str, password: str) -> int | None:
    """The id of the active user with these credentials, or None; :class:`Throttled` when the
    account or the address has had too many wrong passwords."""
    throttle: Throttle = request.app.state.throttle
    user_key = "user:" + username.casefold()[:190]
    keys = [user_key, "addr:" + (request.client.host if request.client else "?")[:190]]
    failures = await run_in_threadpool(throttle.check, keys)
    account = await run_in_threadpool(_lookup, request.app.state.archive, username)
    ok = await asyncio.get_running_loop().run_in_executor(_HASHER, _verify, account, password)
    if not ok or account is None:
        await run_in_threadpool(throttle.fail, keys)
        return None
    if failures.get(user_key):
        await run_in_threadpool(throttle.clear, user_key)
    return account.id
