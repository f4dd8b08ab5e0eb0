"""Fixtures of the store tests: an archive on SQLite and, with ``VANBAN_TEST_PG``, on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from vanban.store import Archive

CORPUS = Path(__file__).parents[2] / ".." / "shared" / "corpus"

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _pg_schema_url(base: str) -> Iterator[str]:
    """A fresh schema on the test server; the URL puts it first on the search path."""
    from sqlalchemy import create_engine, text

    from vanban.store.db import normalize_url

    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(normalize_url(base))
    with admin.begin() as c:
        c.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as c:
            c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def backend_url(backend: str, tmp: Path) -> Iterator[str]:
    """``sqlite`` (a file under ``tmp/db``) or ``postgres`` (a fresh schema on ``VANBAN_TEST_PG``)."""
    if backend == "sqlite":
        (tmp / "db").mkdir(exist_ok=True)
        yield f"sqlite+pysqlite:///{tmp / 'db' / 'vanban.db'}"
        return
    base = os.environ.get("VANBAN_TEST_PG")
    if not base:
        pytest.skip("PostgreSQL run skipped: set VANBAN_TEST_PG to a server URL (scripts/ci-postgres.sh)")
    yield from _pg_schema_url(base)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The database of one test, on each backend."""
    yield from backend_url(request.param, tmp_path)


@pytest.fixture
def home(tmp_path: Path, db_url: str) -> Path:
    """The data directory (the SQLite file goes next to it, under tmp/db)."""
    return tmp_path / "home"


@pytest.fixture
def archive(home: Path, db_url: str) -> Iterator[Archive]:
    with Archive.open(home, db_url) as ar:
        yield ar


def corpus(*names: str) -> list[Path]:
    """Real documents of the shared corpus, by ``set/file`` name."""
    return [CORPUS / n for n in names]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


CHI_THI = """TỈNH ỦY HÀ GIANG
Số 24-CT/TU
ĐẢNG CỘNG SẢN VIỆT NAM
Hà Giang, ngày 05 tháng 3 năm 2019

CHỈ THỊ
về tăng cường kỷ luật, kỷ cương hành chính và {extra}

Các cấp ủy thực hiện nghiêm.

T/M BAN THƯỜNG VỤ
BÍ THƯ
Nguyễn Văn A
"""

KE_HOACH = """UỶ BAN NHÂN DÂN
TỈNH HÀ GIANG
Số: {number}/KH-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hà Giang, ngày 10 tháng 4 năm 2019

KẾ HOẠCH
Thực hiện {cited} của Ban Thường vụ Tỉnh ủy về tăng cường kỷ luật, kỷ cương

Để triển khai thực hiện {cited}, UBND tỉnh ban hành kế hoạch {extra}.

TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Trần Văn B
"""
