"""What the routes share: a database session per request, the write lock, the sign-in redirect.

The app (``app.create_app``) puts its state on ``app.state`` (archive, config, jobs, templates,
caches); the routes reach it through the request (``request.app.state``) and these dependencies,
so no route module imports the app module.
"""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request  # at run time: FastAPI reads the dependencies' annotations
from sqlalchemy import text
from sqlalchemy.orm import Session


class LoginRequired(Exception):
    """A browser page needs a signed-in user: redirect to the login form."""


def db(request: Request) -> Iterator[Session]:
    """A session on the archive's database for one request; a changing request takes the write
    lock first, so that its reads and writes form one transaction no concurrent writer breaks
    (signing in takes it only after the password check, not to serialize Argon2)."""
    with request.app.state.archive.Session() as s:
        if request.method not in ("GET", "HEAD") and request.url.path != "/login":
            begin_write(s)
        yield s


def begin_write(s: Session) -> None:
    """End the current transaction and start one holding the write lock (SQLite: waits its turn
    instead of failing with ``database is locked`` when a read snapshot would be upgraded)."""
    s.commit()
    s.execute(text("UPDATE units SET id = id WHERE id = -1"))
