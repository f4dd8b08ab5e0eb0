"""Users, passwords (Argon2id), browser sessions that expire, and API tokens.

Secrets are never stored: a session cookie and an API token are random, the tables keep their
SHA-256; passwords are kept as Argon2id hashes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from . import audit
from .models import ApiToken, User, UserSession, utcnow
from .roles import Role

_HASHER = PasswordHasher()  # Argon2id, the library's RFC 9106 defaults
SESSION_TTL = dt.timedelta(hours=8)


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password``."""
    return _HASHER.hash(password)


def check_password(stored: str, password: str) -> bool:
    """Whether ``password`` matches the ``stored`` hash."""
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(
    s: Session,
    username: str,
    password: str,
    role: Role | str,
    *,
    full_name: str = "",
    unit_id: int | None = None,
    by: int | None = None,
) -> User:
    """A new active user."""
    u = User(
        username=username,
        full_name=full_name or username,
        password_hash=hash_password(password),
        role=Role(role).value,
        unit_id=unit_id,
        active=True,
    )
    s.add(u)
    s.flush()
    audit.log(s, by, "create", "user", u.id, None, audit.snapshot(u))
    return u


def set_password(s: Session, user: User, password: str, by: int | None = None) -> None:
    """Replace the password of ``user`` and end their sessions."""
    user.password_hash = hash_password(password)
    s.execute(delete(UserSession).where(UserSession.user_id == user.id))
    audit.log(s, by, "password", "user", user.id)


def authenticate(s: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    u = s.scalar(select(User).where(User.username == username))
    if u is None:
        _HASHER.hash(password)  # same work whether or not the user exists
        return None
    if not u.active or not check_password(u.password_hash, password):
        return None
    return u


def open_session(s: Session, user: User, ttl: dt.timedelta = SESSION_TTL) -> tuple[str, UserSession]:
    """A new session for ``user``: the cookie value and its row (with its CSRF token)."""
    token = secrets.token_urlsafe(32)
    row = UserSession(
        token_hash=_digest(token), user_id=user.id, csrf=secrets.token_urlsafe(32), expires_at=utcnow() + ttl
    )
    s.add(row)
    s.flush()
    return token, row


def session_user(s: Session, token: str, now: dt.datetime | None = None) -> tuple[User, UserSession] | None:
    """The user and session of a cookie value, unless unknown, expired or the user disabled."""
    found = s.execute(
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == _digest(token))
    ).first()
    if found is None:
        return None
    row, u = found
    if row.expires_at <= (now or utcnow()) or not u.active:
        return None
    return u, row


def close_session(s: Session, token: str) -> None:
    """End a session (log out)."""
    s.execute(delete(UserSession).where(UserSession.token_hash == _digest(token)))


def purge_sessions(s: Session, now: dt.datetime | None = None) -> None:
    """Delete expired sessions."""
    s.execute(delete(UserSession).where(UserSession.expires_at <= (now or utcnow())))


def issue_token(s: Session, user: User, label: str = "", ttl: dt.timedelta | None = None) -> str:
    """A new API token for ``user`` (returned once; only its digest is kept)."""
    token = "vb_" + secrets.token_urlsafe(32)
    s.add(
        ApiToken(
            token_hash=_digest(token),
            user_id=user.id,
            label=label,
            expires_at=utcnow() + ttl if ttl else None,
        )
    )
    s.flush()
    audit.log(s, user.id, "create", "api_token", None, None, {"label": label})
    return token


def token_user(s: Session, token: str, now: dt.datetime | None = None) -> User | None:
    """The active user of an API token, unless unknown or expired."""
    row = s.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or (row.expires_at is not None and row.expires_at <= (now or utcnow())):
        return None
    u = s.get(User, row.user_id)
    return u if u is not None and u.active else None
