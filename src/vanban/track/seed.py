"""The demo's registry (the bundled Hà Nội one, ``data/registries/hanoi.toml``) and one demo
account per role, for ``vanban demo`` and the tests."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import accounts, orgs
from .models import Unit, User
from .roles import Role


def seed_hanoi(s: Session) -> dict[str, Unit]:
    """Load the bundled Hà Nội registry (idempotent); its units by name."""
    return orgs.load_registry(s, "hanoi").units


def hanoi_units(kinds: tuple[str, ...] = ("state",)) -> list[str]:
    """The names of the Hà Nội registry's units of ``kinds`` below the city (the bench's assignees)."""
    data = orgs.read_registry("hanoi")
    return [u["name"] for u in data["unit"] if u.get("parent") and (u.get("kind") or "state") in kinds]


@dataclass(frozen=True)
class DemoAccount:
    """A demo account and its (fresh) password."""

    username: str
    password: str
    role: Role
    unit: str | None


DEMO_USERS = (
    ("admin", "Quản trị hệ thống", Role.ADMIN, None),
    ("vanthu", "Nguyễn Thị Văn Thư", Role.CLERK, "Văn phòng UBND Thành phố"),
    ("lanhdao", "Trần Văn Lãnh Đạo", Role.LEADER, "Ủy ban nhân dân Thành phố Hà Nội"),
    ("sotttt", "Lê Văn Thông Tin", Role.MEMBER, "Sở Thông tin và Truyền thông"),
    ("sovhtt", "Phạm Thị Văn Hóa", Role.MEMBER, "Sở Văn hóa và Thể thao"),
)


def demo_accounts(
    s: Session, units: dict[str, Unit], passwords: dict[str, str] | None = None
) -> list[DemoAccount]:
    """One account per role (existing ones get a new password); random passwords unless given."""
    out = []
    for username, full_name, role, unit_name in DEMO_USERS:
        pw = (passwords or {}).get(username) or secrets.token_urlsafe(9)
        unit = units[unit_name] if unit_name else None
        u = s.scalar(select(User).where(User.username == username))
        if u is None:
            accounts.create_user(
                s, username, pw, role, full_name=full_name, unit_id=unit.id if unit else None
            )
        else:
            accounts.set_password(s, u, pw)
            u.role, u.unit_id, u.active = role.value, unit.id if unit else None, True
        out.append(DemoAccount(username, pw, role, unit_name))
    s.flush()
    return out
