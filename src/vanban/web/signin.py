"""Signing in: throttled per account and per address, the password hash off the event loop.

Argon2id costs about half a second of CPU and 64 MiB per check; it runs in a small thread pool
of its own (at most as many checks at once as there are cores), while no database connection
is held. Ten wrong passwords within a minute for one account, or from one address, and the
next attempt is refused (429, ``Retry-After``) until the oldest of them is a minute old; a
successful sign-in clears the account's count. The counts are kept per server process.
"""

from __future__ import annotations

import asyncio
import math
import os
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from fastapi import HTTPException, Request
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from ..messages import msg
from ..store import Archive
from ..track import accounts
from ..track.models import User

LIMIT = 10  # wrong passwords …
WINDOW = 60.0  # … within this many seconds
MAX_KEYS = 100_000  # remembered accounts and addresses (old ones are dropped first)

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


class Throttle:
    """Wrong passwords per key (``user:<name>``, ``addr:<ip>``) in a sliding window."""

    def __init__(self, limit: int = LIMIT, window: float = WINDOW) -> None:
        self.limit, self.window = limit, window
        self._fails: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._fails.get(key)
        if q is None:
            return deque()
        while q and now - q[0] >= self.window:
            q.popleft()
        if not q:
            del self._fails[key]
        return q

    def check(self, keys: list[str], now: float | None = None) -> None:
        """Raise :class:`Throttled` when any key has ``limit`` wrong passwords in the window."""
        now = time.monotonic() if now is None else now
        with self._lock:
            waits = [
                self.window - (now - q[0])
                for q in (self._recent(k, now) for k in keys)
                if len(q) >= self.limit
            ]
        if waits:
            raise Throttled(max(1, math.ceil(max(waits))))

    def fail(self, keys: list[str], now: float | None = None) -> None:
        """Count a wrong password against every key."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if len(self._fails) >= MAX_KEYS:
                for k in list(self._fails):
                    self._recent(k, now)
                while len(self._fails) >= MAX_KEYS:
                    del self._fails[next(iter(self._fails))]
            for k in keys:
                q = self._fails.setdefault(k, deque())
                q.append(now)
                if len(q) > self.limit:
                    q.popleft()

    def clear(self, key: str) -> None:
        """Forget the wrong passwords of ``key``."""
        with self._lock:
            self._fails.pop(key, None)


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
    user_key = "user:" + username.casefold()
    keys = [user_key, "addr:" + (request.client.host if request.client else "?")]
    throttle.check(keys)
    account = await run_in_threadpool(_lookup, request.app.state.archive, username)
    ok = await asyncio.get_running_loop().run_in_executor(_HASHER, _verify, account, password)
    if not ok or account is None:
        throttle.fail(keys)
        return None
    throttle.clear(user_key)
    return account.id
