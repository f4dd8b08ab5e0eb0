"""Request-level security: who is asking (session cookie or bearer token), CSRF, file names."""

from __future__ import annotations

import hmac
import re
import secrets
import unicodedata
from dataclasses import dataclass

from fastapi import HTTPException, Request
from sqlalchemy.orm import Session

from ..track import accounts, registry
from ..track.models import User, UserSession
from ..track.roles import Action, Role, can

SESSION_COOKIE = "vb_session"
LOGIN_CSRF_COOKIE = "vb_login_csrf"


@dataclass
class Principal:
    """The signed-in user, their units (own unit and sub-units) and session (None via API token)."""

    user: User
    units: frozenset[int]
    session: UserSession | None

    @property
    def role(self) -> Role:
        """The user's role."""
        return Role(self.user.role)

    def can(self, action: Action) -> bool:
        """Whether the user's role grants ``action``."""
        return can(self.role, action)

    @property
    def visible(self) -> frozenset[int] | None:
        """Units whose tasks the user sees (None: all)."""
        return None if self.can(Action.READ_ALL) else self.units

    @property
    def csrf(self) -> str:
        """The CSRF token forms of this session carry."""
        return self.session.csrf if self.session else ""


def _principal(s: Session, user: User, session: UserSession | None) -> Principal:
    units = registry.subtree(s, user.unit_id) if user.unit_id is not None else frozenset()
    return Principal(user, units, session)


def from_cookie(request: Request, s: Session) -> Principal | None:
    """The principal of the session cookie, if valid and not expired."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    found = accounts.session_user(s, token)
    return _principal(s, *found) if found else None


def from_bearer(request: Request, s: Session) -> Principal | None:
    """The principal of an ``Authorization: Bearer`` API token."""
    h = request.headers.get("authorization", "")
    if not h.lower().startswith("bearer "):
        return None
    u = accounts.token_user(s, h[7:].strip())
    return _principal(s, u, None) if u else None


def check_csrf(p: Principal, token: str | None) -> None:
    """403 unless ``token`` is this session's CSRF token."""
    if p.session is None or not token or not hmac.compare_digest(p.session.csrf, token):
        raise HTTPException(403, "Phiên làm việc không hợp lệ (CSRF). Hãy tải lại trang và thử lại.")


def new_login_csrf() -> str:
    """A random token for the double-submit login form."""
    return secrets.token_urlsafe(24)


_UNSAFE = re.compile(r"[^\w.\- ()]+")


def safe_filename(name: str | None, default: str = "tai-lieu.txt") -> str:
    """A file name reduced to its last component, without control, path or shell characters."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name or ""))[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = _UNSAFE.sub("_", base).strip(" .")
    base = base.lstrip(".-")
    if not base:
        return default
    if len(base) > 120:
        stem, dot, ext = base.rpartition(".")
        base = (stem[:110] + dot + ext[:9]) if dot else base[:120]
    return base
