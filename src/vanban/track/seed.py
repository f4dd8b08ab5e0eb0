"""A starting registry (Hà Nội: the People's Committee and its departments, districts, press;
the city Party committee and the Party committee of the Department of Education) and one demo
account per role, for ``vanban demo`` and the tests."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import accounts, registry
from .models import Unit, User
from .roles import Role

# name, kind, aliases, children
_Tree = tuple[str, str, tuple[str, ...], tuple["_Tree", ...]]

SO = (
    ("Sở Thông tin và Truyền thông", ("Sở TT&TT",), ("Phòng Thông tin - Báo chí - Xuất bản",)),
    ("Sở Văn hóa và Thể thao", ("Sở VH&TT",), ()),
    ("Sở Giáo dục và Đào tạo", ("Sở GD&ĐT",), ()),
    ("Sở Nội vụ", (), ()),
    ("Sở Kế hoạch và Đầu tư", ("Sở KH&ĐT",), ()),
)
DISTRICTS = ("UBND quận Hoàn Kiếm", "UBND quận Ba Đình", "UBND huyện Sóc Sơn", "UBND thị xã Sơn Tây")
PRESS = ("Báo Hà Nội mới", "Báo Kinh tế và Đô thị", "Đài Phát thanh và Truyền hình Hà Nội")
PARTY = ("Ban Tuyên giáo Thành ủy", "Ban Tổ chức Thành ủy", "Văn phòng Thành ủy")
SCHOOL_CELLS = ("Chi bộ Văn phòng Sở Giáo dục và Đào tạo", "Đảng bộ Trường THPT Chu Văn An")

# group name, aliases, member names
GROUPS = (
    ("Các Sở, ban, ngành Thành phố", ("Các Sở, ban, ngành", "Các sở, ngành"), [n for n, _, _ in SO]),
    ("UBND các quận, huyện, thị xã", ("UBND quận, huyện, thị xã",), list(DISTRICTS)),
    ("Các cơ quan báo chí thành phố Hà Nội", ("Các cơ quan báo chí Thành phố",), list(PRESS)),
    ("Các đảng bộ, chi bộ trực thuộc", ("Các đảng bộ, chi bộ trực thuộc Đảng ủy Sở",), list(SCHOOL_CELLS)),
)


def seed_hanoi(s: Session) -> dict[str, Unit]:
    """Create the Hà Nội registry (idempotent); the units by name."""
    out: dict[str, Unit] = {}

    def add(name: str, parent: Unit | None, aliases: tuple[str, ...] = (), kind: str | None = None) -> Unit:
        u = registry.ensure(s, name, parent=parent, aliases=aliases, kind=kind)
        out[name] = u
        return u

    ubnd = add("Ủy ban nhân dân Thành phố Hà Nội", None, ("UBND Thành phố", "UBND Thành phố Hà Nội"), "state")
    add("Văn phòng UBND Thành phố", ubnd, ("VPUB",))
    for name, aliases, kids in SO:
        so = add(name, ubnd, aliases, "state")
        for k in kids:
            add(k, so, (), "state")
    for d in DISTRICTS:
        add(d, ubnd, (), "state")
    for p in PRESS:
        add(p, ubnd, (), "state")
    tu = add("Thành ủy Hà Nội", None, ("Ban Thường vụ Thành ủy",), "party")
    for p in PARTY:
        add(p, tu, (), "party")
    du = add("Đảng ủy Sở Giáo dục và Đào tạo", tu, (), "party")
    for c in SCHOOL_CELLS:
        add(c, du, (), "party")
    for name, aliases, member_names in GROUPS:
        g = add(name, None, aliases, "group")
        if not registry.members(s, g):
            registry.set_members(s, g, [out[m] for m in member_names])
    s.flush()
    return out


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
