"""Load run of the web app on loopback: 50 concurrent clients for 60 s over the dashboard,
search and task pages, on an archive of 10,000 documents. Prints requests, errors, p50/p99.

    python bench/bench_web.py [--docs 10000] [--clients 50] [--seconds 60] [--think 1] [--workers 2]

The archive is synthesized once (records derived from the Hanoi seed's shape, with varied
numbers, dates, subjects and assignees, then tracked) and reused from ``--home``. The server
runs as production would, ``vanban serve --workers N`` (default 2: SQLite in WAL mode, the
worker processes read concurrently), bound to 127.0.0.1 only; every request goes to that
address, the number of clients and the duration are bounded, and the run stops by itself.
Each simulated user pauses ``--think`` seconds on average between requests (uniform 0..2×);
``--think 0`` is a closed loop (every client fires its next request as soon as one returns).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx

WORDS = [
    "tuyên",
    "truyền",
    "chuyển",
    "đổi",
    "số",
    "cải",
    "cách",
    "hành",
    "chính",
    "phòng",
    "chống",
    "thiên",
    "tai",
    "an",
    "toàn",
    "giao",
    "thông",
    "giáo",
    "dục",
    "đào",
    "tạo",
    "y",
    "tế",
    "dự",
    "phòng",
    "kỷ",
    "luật",
    "kỷ",
    "cương",
    "báo",
    "chí",
    "văn",
    "hóa",
    "thể",
    "thao",
    "đầu",
    "tư",
    "công",
    "xây",
    "dựng",
    "Đảng",
    "quốc",
    "phòng",
    "an",
    "ninh",
    "môi",
    "trường",
    "nông",
    "thôn",
    "mới",
    "thuế",
    "ngân",
    "sách",
]
PASSWORD = "bench-mat-khau-1"


def build(home: Path, n: int) -> None:
    """Create the archive with ``n`` documents and their tasks (skipped when already there)."""
    from sqlalchemy import func, select

    from vanban.normalize import fold
    from vanban.parse import parse
    from vanban.store import Archive
    from vanban.store.models import CitationRow, DocTextRow, DocumentRow
    from vanban.store.search import shadow
    from vanban.track import seed
    from vanban.track.tracker import Tracker
    from vanban.web.demo import setup

    arc = Archive.open(home)
    with arc.Session() as s:
        have = s.scalar(select(func.count()).select_from(DocumentRow)) or 0
    if have >= n:
        arc.close()
        return
    setup(arc, [], dict.fromkeys(("admin", "vanthu", "lanhdao", "sotttt", "sovhtt"), PASSWORD))
    rnd = random.Random(7)
    units = seed.hanoi_units()
    t0 = time.time()
    with arc.Session() as s:
        for i in range(have, n):
            date = dt.date(2023, 1, 1) + dt.timedelta(days=rnd.randrange(700))
            num = f"{1000 + i}/UBND-KGVX"
            subj = " ".join(rnd.sample(WORDS, 6))
            assignees = rnd.sample(units, rnd.randint(1, 3))
            deadline = date + dt.timedelta(days=rnd.choice((15, 30, 60, 90)))
            body = "\n\n".join(
                f"{k + 1}. {a}\n\n- Thực hiện {subj} theo Chỉ thị số 24-CT/TU, "
                f"hoàn thành trước ngày {deadline:%d/%m/%Y}."
                for k, a in enumerate(assignees)
            )
            text = (
                f"ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HÀ NỘI\n\nSố: {num}\nV/v {subj}\n\n"
                f"Hà Nội, ngày {date.day} tháng {date.month} năm {date.year}\n\n{body}\n"
            )
            rec = parse(text).to_dict()  # a real record: the tracker reads it as a Document
            d = DocumentRow(
                key=f"{num}@{date.year}",
                number=num,
                number_key=num,
                doc_type="Công văn",
                doc_type_f="cong van",
                issuer=rec["issuer"] or "",
                issuer_f=fold(rec["issuer"] or ""),
                system="state",
                date=date,
                year=date.year,
                subject=subj,
                status="ok",
                record=rec,
                source=f"bench/{i}.txt",
                sha256=f"{i:064x}",
                version=1,
            )
            s.add(d)
            s.flush()
            s.add(
                CitationRow(
                    document_id=d.id,
                    seq=0,
                    key="24-CT/TU@2023",
                    number="24-CT/TU",
                    doc_type="Chỉ thị",
                    relation="implements",
                )
            )
            s.add(
                DocTextRow(
                    document_id=d.id,
                    text=text,
                    head=shadow(f"{num} Công văn {rec['issuer'] or ''} {subj}"),
                    body=shadow(text),
                )
            )
            for t in Tracker(s, dt.date(2024, 12, 1)).tasks_from_document(d, None):
                if rnd.random() < 0.95:  # the clerk confirmed most proposals; the rest wait
                    t.confirmed_at = dt.datetime.combine(date, dt.time(9))
                if t.confirmed_at and rnd.random() < 0.6:
                    t.completed_on = (
                        t.deadline + dt.timedelta(days=rnd.randint(-20, 10)) if t.deadline else date
                    )
            if i % 500 == 499:
                s.commit()
                print(f"  {i + 1} văn bản ({time.time() - t0:.0f} s)", file=sys.stderr)
        s.commit()
    arc.close()


async def _login(c: httpx.AsyncClient, user: str, gate: asyncio.Semaphore) -> bool:
    async with gate:
        r = await c.get("/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)  # type: ignore[union-attr]
        r = await c.post("/login", data={"username": user, "password": PASSWORD, "csrf": csrf})
        return r.status_code == 303


async def _client(
    c: httpx.AsyncClient,
    urls: list[str],
    until: list[float],
    lat: list[float],
    errors: list[str],
    think: float,
    by_kind: dict[str, list[float]],
) -> None:
    rnd = random.Random(id(c))
    while time.perf_counter() < until[0]:
        if think:
            await asyncio.sleep(rnd.uniform(0, 2 * think))
        url = rnd.choice(urls)
        t = time.perf_counter()
        try:
            r = await c.get(url)
            if r.status_code != 200:
                errors.append(f"{url}: {r.status_code}")
        except httpx.HTTPError as exc:
            errors.append(f"{url}: {type(exc).__name__}")
        lat.append(time.perf_counter() - t)
        by_kind.setdefault(_kind(url), []).append(lat[-1])


def _kind(url: str) -> str:
    path = url.split("?", 1)[0]
    return "task" if re.fullmatch(r"/tasks/\d+", path) else path.strip("/")


def _pct(lat: list[float], p: float) -> float:
    return round(1000 * lat[min(len(lat) - 1, int(p * len(lat)))], 1) if lat else 0.0


async def load(base: str, clients: int, seconds: float, think: float) -> dict[str, object]:
    lat: list[float] = []
    errors: list[str] = []
    by_kind: dict[str, list[float]] = {}
    leader = [
        "/dashboard",
        "/search?q=chuyển+đổi+số",
        "/search?q=tuyên+truyền&year=2024",
        "/tasks?status=overdue",
        "/tasks/5",
        "/tasks/123",
    ]
    member = ["/tasks", "/tasks?status=open", "/search?q=giáo+dục"]
    users = ["lanhdao" if k % 2 == 0 else "sotttt" for k in range(clients)]
    conns = [httpx.AsyncClient(base_url=base, timeout=10, follow_redirects=False) for _ in users]
    gate = asyncio.Semaphore(4)  # users sign in over a few seconds, not all at one instant
    t_login = time.perf_counter()
    ok = await asyncio.gather(*(_login(c, u, gate) for c, u in zip(conns, users, strict=True)))
    t_login = time.perf_counter() - t_login
    errors += [f"login {u}" for u, good in zip(users, ok, strict=True) if not good]
    # Signing everyone in takes longer than the server keeps an idle connection open (uvicorn:
    # 5 s): the first users' connections would be closed under them just as the load starts.
    # Each user goes on with its session cookie on a fresh connection instead.
    fresh = [
        httpx.AsyncClient(base_url=base, timeout=10, follow_redirects=False, cookies=c.cookies) for c in conns
    ]
    for c in conns:
        await c.aclose()
    conns = fresh
    until = [time.perf_counter() + seconds]
    t0 = time.perf_counter()
    await asyncio.gather(
        *(
            _client(c, leader if u == "lanhdao" else member, until, lat, errors, think, by_kind)
            for c, u, good in zip(conns, users, ok, strict=True)
            if good
        )
    )
    wall = time.perf_counter() - t0
    for c in conns:
        await c.aclose()
    lat.sort()
    for v in by_kind.values():
        v.sort()

    def pct(p: float) -> float:
        return _pct(lat, p)

    return {
        "requests": len(lat),
        "errors": len(errors),
        "error_samples": errors[:5],
        "rps": round(len(lat) / wall, 1),
        "p50_ms": pct(0.50),
        "p90_ms": pct(0.90),
        "p99_ms": pct(0.99),
        "max_ms": round(1000 * lat[-1], 1) if lat else 0.0,
        "sign_in_s": round(t_login, 1),
        "pages": {
            k: {"n": len(v), "p50_ms": _pct(v, 0.5), "p99_ms": _pct(v, 0.99)}
            for k, v in sorted(by_kind.items())
        },
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument(
        "--think", type=float, default=1.0, help="mean pause of a user between requests, s (0: closed loop)"
    )
    ap.add_argument("--home", type=Path, default=Path("bench/out/web-home"))
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--workers", type=int, default=2, help="server processes (vanban serve --workers)")
    a = ap.parse_args()
    if not 1 <= a.clients <= 500 or not 0 < a.seconds <= 600:
        ap.error("--clients must be 1..500 and --seconds 0..600")
    build(a.home, a.docs)
    server = subprocess.Popen(
        [
            *("vanban", "serve", "--home", str(a.home), "--host", "127.0.0.1", "--port", str(a.port)),
            *("--workers", str(a.workers)),
        ],
    )
    try:
        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{a.port}/login", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        res = asyncio.run(load(f"http://127.0.0.1:{a.port}", a.clients, a.seconds, a.think))
    finally:
        server.terminate()
        server.wait(10)
    res.update(docs=a.docs, clients=a.clients, seconds=a.seconds, think=a.think, workers=a.workers)
    print(json.dumps(res, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
