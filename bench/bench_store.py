"""Archive benchmark: ingest rate and memory, search latency at 100,000 documents, size on disk.

    python bench/bench_store.py                 # everything (about 10 minutes on 2 cores)
    python bench/bench_store.py --docs 20000    # a smaller search archive
    python bench/bench_store.py --docs 20000 --db postgresql://…   # build and search on PostgreSQL

Outputs go to ``bench/out/`` (git-ignored): the archives and ``bench_store.json``.

1. *Ingest, end to end*: ``Archive.add_paths(jobs=2)`` over copies of the corpus' text
   documents (each with an altered number, so each is a new document) — reading, hashing,
   parsing (the parse engine's cost), writing; RSS sampled as the archive grows.
2. *Ingest, split*: the same files parsed and prepared alone, then written alone (what the
   parser and the archive each cost per document).
3. *Ingest of short documents*: as 1, over only the corpus texts of at most 16 KB (công văn,
   local decisions and plans: the bulk of a clerk's archive; the corpus average is inflated by
   laws of several hundred KB).
4. *Search*: a 100k archive built from the corpus texts replicated with altered numbers and
   dates (parsed once per base text, written through the archive's batch writer), then 2–3-word
   queries with a filter: p50/p95/p99 with snippets and facets, and without facets.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import random
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

from vanban.store import Archive, Filters
from vanban.store.ingest import Parsed, Prepared, parse_bytes, prepare

ROOT = Path(__file__).resolve().parent
CORPUS = ROOT.parent.parent / "shared" / "corpus"
OUT = ROOT / "out"
SETS = ("gold", "seeds", "tvpl", "vbpl", "wild")

QUERIES = [
    "ke hoach thuc hien",
    "chi thi ky cuong",
    "thue gia tri gia tang",
    "cai cach hanh chinh",
    "phong chong tham nhung",
    "chuyen doi so",
    "bảo vệ môi trường",
    "an toàn giao thông",
    "đầu tư công",
    "quy hoạch đô thị",
    "giáo dục đào tạo",
    "ngân sách nhà nước",
    "thủ tục hải quan",
    "đất đai",
    "y tế cơ sở",
    "hòa giải",
    "công tác cán bộ",
    "phòng cháy chữa cháy",
]


def rss_mb(field: str = "VmRSS") -> float:
    """Resident memory of this process, MiB (``RssAnon``: the heap, without mapped database pages)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def du_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def base_texts(max_kb: int | None = None) -> list[Path]:
    out = []
    for s in SETS:
        out += sorted(
            p
            for p in (CORPUS / s).iterdir()
            if p.suffix in (".txt", ".md") and 200 < p.stat().st_size <= (max_kb or 10**6) * 1024
        )
    return out


def bench_ingest(n: int, jobs: int, max_kb: int | None = None) -> dict[str, object]:
    """``add --jobs`` end to end over ``n`` copies of the corpus texts (of at most ``max_kb``)."""
    bases = base_texts(max_kb)
    src = OUT / ("ingest-src" if max_kb is None else f"ingest-src-{max_kb}kb")
    shutil.rmtree(src, ignore_errors=True)
    numbers = re.compile(r"\b(\d{1,5})(/(?:\d{4}/)?[A-ZĐ][\wĐ&-]*)")
    for i in range(n):
        b = bases[i % len(bases)]
        t = b.read_text(encoding="utf-8", errors="replace")
        t = numbers.sub(
            lambda m, i=i: f"{int(m.group(1)) + 100000 * (1 + i // len(bases))}{m.group(2)}", t, count=1
        )
        (src / f"{i // 1000:03d}").mkdir(parents=True, exist_ok=True)
        (src / f"{i // 1000:03d}" / f"{i:06d}{b.suffix}").write_text(t + f"\n\n{i}\n", encoding="utf-8")
    home = OUT / ("ingest-home" if max_kb is None else f"ingest-home-{max_kb}kb")
    shutil.rmtree(home, ignore_errors=True)
    samples: list[tuple[int, float]] = []
    with Archive.open(home) as ar:
        seen = 0

        def tick(_r: object) -> None:
            nonlocal seen
            seen += 1
            if seen % max(1, n // 10) == 0:
                samples.append((seen, round(rss_mb(), 1), round(rss_mb("RssAnon"), 1)))

        t0 = time.perf_counter()
        s = ar.add_paths([src], jobs=jobs, on_result=tick)
        secs = time.perf_counter() - t0
        counts = {k: s.count(k) for k in ("added", "duplicate", "failed")}
    return {
        "docs": n,
        "jobs": jobs,
        "seconds": round(secs, 1),
        "docs_per_s": round(n / secs, 1),
        "mb_per_s": round(du_mb(src) / secs, 2),
        "base_texts": len(bases),
        "counts": counts,
        "docs_rss_anon_mb": samples,
        "avg_doc_kb": round(du_mb(src) * 1024 / n, 1),
    }


def bench_ingest_split(n: int, jobs: int) -> dict[str, object]:
    """Where the end-to-end time goes: the same files parsed and prepared alone (``jobs``
    processes, as ``add`` does: record, shadows, syllable pairs) and then written alone (hash,
    stage, one transaction per 200 documents with the record, citations, text, FTS5 and pair
    index), into a fresh archive."""
    from concurrent.futures import ProcessPoolExecutor

    from vanban.store.files import sha256

    files = sorted((OUT / "ingest-src").rglob("*.*"))[:n]
    items = [(p.read_bytes(), p.name) for p in files]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(jobs) as pool:
        prepared = list(pool.map(prepare, items, chunksize=8))
    parse_s = time.perf_counter() - t0
    sample = items[:: max(1, len(items) // 300)]  # every k-th file: the same mix of sizes as the whole
    t0 = time.perf_counter()
    for it in sample:
        parse_bytes(*it)
    parse_1 = (time.perf_counter() - t0) / len(sample)
    t0 = time.perf_counter()
    for it in sample:
        prepare(it)
    prepare_1 = (time.perf_counter() - t0) / len(sample)
    home = OUT / "ingest-split-home"
    shutil.rmtree(home, ignore_errors=True)
    with Archive.open(home) as ar:
        t0 = time.perf_counter()
        hash_s = 0.0
        for i in range(0, len(items), 200):
            h0 = time.perf_counter()
            batch = [
                (f, d, sha256(d), r, None)
                for f, (d, _n), r in zip(
                    files[i : i + 200], items[i : i + 200], prepared[i : i + 200], strict=True
                )
            ]
            hash_s += time.perf_counter() - h0
            ar._ingest.write(batch)
        store_s = time.perf_counter() - t0
    return {
        "docs": len(items),
        "jobs": jobs,
        "parse_and_prepare_docs_per_s": round(len(items) / parse_s, 1),
        "parse_ms_per_doc_one_process": round(parse_1 * 1000, 1),
        "parse_and_prepare_ms_per_doc_one_process": round(prepare_1 * 1000, 1),
        "write_only_docs_per_s": round(len(items) / store_s, 1),
        "write_ms_per_doc": round(store_s * 1000 / len(items), 2),
        "hash_ms_per_doc": round(hash_s * 1000 / len(items), 3),
    }


def parsed_bases(limit_chars: int | None) -> list[tuple[str, Parsed]]:
    out = []
    for p in base_texts():
        data = p.read_bytes()
        if limit_chars:
            data = data.decode("utf-8", "replace")[:limit_chars].encode()
        res = parse_bytes(data, p.name)
        if res.record is not None:
            out.append((p.name, res))
    return out


def replicate(bases: list[tuple[str, Parsed]], i: int, rnd: random.Random) -> tuple[str, bytes, Parsed]:
    name, base = bases[i % len(bases)]
    rec = copy.deepcopy(base.record)
    assert rec is not None
    year = rnd.randint(2005, 2025)
    old = rec.get("number")
    if old and re.match(r"\d+", old):
        rec["number"] = re.sub(r"^\d+", str(rnd.randint(1, 99999)), old)
        rec["number"] = re.sub(r"/(19|20)\d\d/", f"/{year}/", rec["number"])
    if rec.get("date"):
        d = dt.date.fromisoformat(rec["date"])
        rec["date"] = d.replace(year=year, day=min(d.day, 28)).isoformat()
    text = base.text.replace(old, rec["number"]) if old else base.text
    text += f"\n(bản {i})\n"  # distinct content even where the number did not change
    return f"r{i:07d}-{name}", text.encode(), Parsed(rec, text, None)


def _empty_postgresql(db_url: str) -> None:
    """Drop every table of the benchmark's PostgreSQL database (a fresh archive is built)."""
    from sqlalchemy import text

    from vanban.store.db import make_engine

    engine = make_engine(db_url)
    with engine.begin() as c:
        c.execute(text("DROP SCHEMA public CASCADE"))
        c.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _db_mb(ar: Archive, home: Path) -> float:
    if ar.sqlite:
        return round(sum(p.stat().st_size for p in home.glob("vanban.db*")) / 2**20, 1)
    with ar.engine.connect() as c:
        return round(c.exec_driver_sql("SELECT pg_database_size(current_database())").scalar() / 2**20, 1)


def build_archive(
    n: int, home: Path, limit_chars: int | None, db_url: str | None = None
) -> dict[str, object]:
    shutil.rmtree(home, ignore_errors=True)
    if db_url:
        _empty_postgresql(db_url)
    bases = parsed_bases(limit_chars)
    rnd = random.Random(5)
    samples = []
    t0 = time.perf_counter()
    with Archive.open(home, db_url) as ar:
        from vanban.store.files import sha256

        batch = []
        for i in range(n):
            name, data, res = replicate(bases, i, rnd)
            batch.append((Path("/bench") / name, data, sha256(data), Prepared.of(res, name), None))
            if len(batch) == 500 or i == n - 1:
                ar._ingest.write(batch)  # the archive's batch writer, without re-parsing replicas
                batch = []
            if (i + 1) % (n // 10) == 0:
                samples.append(
                    (
                        i + 1,
                        round(rss_mb(), 1),
                        round(rss_mb("RssAnon"), 1),
                        round(time.perf_counter() - t0, 1),
                    )
                )
                print(f"  built {i + 1} docs, RSS/anon MiB, s: {samples[-1][1:]}", file=sys.stderr)
        secs = time.perf_counter() - t0
        db_mb = _db_mb(ar, home)
    return {
        "docs": n,
        "base_texts": len(bases),
        "text_chars_cap": limit_chars,
        "seconds": round(secs, 1),
        "store_only_docs_per_s": round(n / secs, 1),
        "docs_rss_anon_mb_seconds": samples,
        "size_mb": {
            "database": db_mb,
            "originals": round(du_mb(home / "originals"), 1),
            "total": round(du_mb(home) + (db_mb if db_url else 0), 1),
        },
        "db": "postgresql" if db_url else str(home / "vanban.db"),
    }


def percentiles(xs: list[float]) -> dict[str, float]:
    xs = sorted(xs)

    def q(p: float) -> float:
        return round(xs[min(len(xs) - 1, int(p * len(xs)))], 1)

    return {
        "p50": q(0.5),
        "p95": q(0.95),
        "p99": q(0.99),
        "mean": round(statistics.mean(xs), 1),
        "n": len(xs),
    }


def bench_search(home: Path, rounds: int, db_url: str | None = None) -> dict[str, object]:
    rnd = random.Random(7)
    with Archive.open(home, db_url) as ar:
        types = [v for v, _n in ar.search("", facets=True, limit=1).facets["doc_type"] if v][:6]

        def filt() -> tuple[str, Filters]:
            k = rnd.randrange(4)
            if k == 0:
                return "year", Filters(year=rnd.randint(2005, 2025))
            if k == 1:
                return "doc_type", Filters(doc_type=rnd.choice(types))
            if k == 2:
                return "system", Filters(system=rnd.choice(["state", "party"]))
            y = rnd.randint(2005, 2024)
            return "date_range", Filters(date_from=dt.date(y, 1, 1), date_to=dt.date(y + 1, 6, 30))

        for q in QUERIES:  # warm the page cache
            ar.search(q, Filters(year=2020))
        out: dict[str, object] = {}
        for label, facets in (("with_facets", True), ("hits_only", False)):
            lat: list[float] = []
            by_kind: dict[str, list[float]] = {}
            by_size: dict[str, list[float]] = {"<=5000 matches": [], ">5000 matches": []}
            for _ in range(rounds):
                q, (kind, f) = rnd.choice(QUERIES), filt()
                t0 = time.perf_counter()
                ar.search(q, f, limit=20, facets=facets)
                ms = (time.perf_counter() - t0) * 1000
                lat.append(ms)
                by_kind.setdefault(kind, []).append(ms)
                matches = ar.search(q, f, limit=1, facets=True).total or 0
                by_size["<=5000 matches" if matches <= 5000 else ">5000 matches"].append(ms)
            out[label] = {
                "ms": percentiles(lat),
                "by_filter": {k: percentiles(v) for k, v in sorted(by_kind.items())},
                "by_match_count": {k: percentiles(v) for k, v in by_size.items() if v},
            }
        t0 = time.perf_counter()
        page = ar.search("ke hoach thuc hien", Filters(year=2020), limit=20, facets=False)
        pages = 0
        while page.next and pages < 20:
            page = ar.search(
                "ke hoach thuc hien", Filters(year=2020), limit=20, after=page.next, facets=False
            )
            pages += 1
        out["page_21_ms_avg"] = round((time.perf_counter() - t0) * 1000 / (pages + 1), 1)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ingest", type=int, default=2000, help="Documents for the end-to-end ingest run.")
    ap.add_argument(
        "--short-kb", type=int, default=16, help="Second ingest run: only corpus texts of at most this size."
    )
    ap.add_argument("--docs", type=int, default=100_000, help="Documents in the search archive.")
    ap.add_argument("--chars", type=int, default=8000, help="Cap on each replicated text (0: whole texts).")
    ap.add_argument("--rounds", type=int, default=400)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--search-only", action="store_true", help="Measure search on the archive already built.")
    ap.add_argument("--ingest-only", action="store_true", help="Measure ingest only (end to end and split).")
    ap.add_argument("--db", help="Build and search the archive on this PostgreSQL URL (emptied first).")
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    result: dict[str, object] = {"when": dt.datetime.now().isoformat(timespec="seconds")}
    home = OUT / (f"search-pg-{args.docs}" if args.db else f"search-{args.docs}")
    saved = OUT / "bench_store.json"
    suffix = "_postgresql" if args.db else ""
    if args.search_only or args.ingest_only or args.db:
        result = {**(json.loads(saved.read_text()) if saved.exists() else {}), **result}
    if args.db and not args.search_only:  # PostgreSQL: the archive and its search only
        result["archive_postgresql"] = build_archive(args.docs, home, args.chars or None, args.db)
        print(json.dumps(result["archive_postgresql"]), file=sys.stderr)
    if args.search_only or args.db:
        result["search" + suffix] = bench_search(home, args.rounds, args.db)
        saved.write_text(json.dumps(result, indent=2, ensure_ascii=False))
        print(json.dumps(result["search" + suffix], indent=2, ensure_ascii=False))
        return
    print("ingest (corpus texts, end to end)…", file=sys.stderr)
    result["ingest_corpus"] = bench_ingest(args.ingest, args.jobs)
    print(json.dumps(result["ingest_corpus"]), file=sys.stderr)
    print(f"ingest (corpus texts of at most {args.short_kb} KB, end to end)…", file=sys.stderr)
    result["ingest_short"] = bench_ingest(args.ingest, args.jobs, args.short_kb)
    print(json.dumps(result["ingest_short"]), file=sys.stderr)
    result["ingest_split"] = bench_ingest_split(args.ingest, args.jobs)
    print(json.dumps(result["ingest_split"]), file=sys.stderr)
    if args.ingest_only:
        saved.write_text(json.dumps(result, indent=2, ensure_ascii=False))
        return
    print(f"building a {args.docs} document archive…", file=sys.stderr)
    result["archive"] = build_archive(args.docs, home, args.chars or None)
    print(json.dumps(result["archive"]), file=sys.stderr)
    print("searching…", file=sys.stderr)
    result["search"] = bench_search(home, args.rounds)
    saved.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
