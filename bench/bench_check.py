"""Benchmark and false-alarm census of ``vanban check`` on the central corpora.

    python bench/bench_check.py [--write docs/checker.md]

Parses every document of ``../shared/corpus/pdf`` and ``../shared/corpus/vbpl`` (PDFs through
the project's reader, or pypdfium2's text layer while the reader has no PDF support), times
parsing and checking, and counts per rule how many documents get it. The bar: checking adds at
most 50 % to parse time, and at most 2 % of these documents get any ``error``.

Times are CPU time (``time.process_time``) of this process, the best of ``--rounds`` rounds
(default 3), each round parsing every text and then checking every parsed document: the
machine is shared, and wall time measures the neighbours as much as the checker.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter, defaultdict
from pathlib import Path

import vanban
from vanban.check import check, is_draft
from vanban.errors import ReadError

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
SETS = ("pdf", "vbpl")


def _text(path: Path) -> tuple[str, tuple[int, ...]]:
    from vanban.read import read_file

    try:
        ex = read_file(path)
        return ex.text, ex.pages
    except ReadError:
        if path.suffix.lower() != ".pdf":
            raise
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    parts, pages, pos = [], [], 0
    for page in pdf:
        s = page.get_textpage().get_text_range().replace("\r\n", "\n").replace("\r", "\n")
        pages.append(pos)
        parts.append(s)
        pos += len(s) + 1
    return "\n".join(parts), tuple(pages)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", type=Path, help="write the census as Markdown to this file")
    ap.add_argument("--rounds", type=int, default=3, help="timing rounds (the best one counts)")
    args = ap.parse_args()
    from dataclasses import replace

    texts = []
    for name in SETS:
        for f in sorted(p for p in (CORPUS / name).iterdir() if p.suffix in (".txt", ".pdf")):
            texts.append((name, f, *_text(f)))
    t_parse = t_check = float("inf")
    for _ in range(max(1, args.rounds)):
        t0 = time.process_time()
        docs = [vanban.parse(text, str(f)) for _, f, text, _ in texts]
        t1 = time.process_time()
        docs = [
            replace(d, pages=pages) if pages else d for d, (_, _, _, pages) in zip(docs, texts, strict=True)
        ]
        t2 = time.process_time()
        found = [check(d) for d in docs]
        t3 = time.process_time()
        t_parse, t_check = min(t_parse, t1 - t0), min(t_check, t3 - t2)
    rows: dict[str, dict] = {}
    for name in SETS:
        docs_with: dict[str, set[str]] = defaultdict(set)
        hits: Counter[str] = Counter()
        severity: dict[str, str] = {}
        any_error: set[str] = set()
        worst: dict[str, list[str]] = defaultdict(list)
        transcriptions = drafts = n = 0
        for (set_name, f, _, _), doc, problems in zip(texts, docs, found, strict=True):
            if set_name != name:
                continue
            n += 1
            transcriptions += doc.transcription
            drafts += is_draft(doc)
            for p in problems:
                docs_with[p.rule].add(f.name)
                hits[p.rule] += 1
                severity[p.rule] = p.severity if p.severity == "error" else severity.get(p.rule, p.severity)
                if p.severity == "error":
                    any_error.add(f.name)
                    if len(worst[p.rule]) < 3:
                        snippet = " ".join(doc.text[p.span[0] : p.span[1]].split())[:60] if p.span else ""
                        worst[p.rule].append(f"{f.name}: “{snippet}”")
        rows[name] = {
            "n": n,
            "transcriptions": transcriptions,
            "drafts": drafts,
            "docs_with": docs_with,
            "hits": hits,
            "severity": severity,
            "any_error": any_error,
            "worst": worst,
        }
    overhead = t_check / t_parse
    lines = [
        f"Parse {t_parse:.2f} s, check {t_check:.2f} s (CPU, best of {max(1, args.rounds)} rounds, "
        f"{sum(len(x[2]) for x in texts) / 1e6:.1f} M characters): checking adds {overhead:.1%} "
        "to parsing (bar: 50 %).",
        "",
    ]
    for name, r in rows.items():
        n = r["n"]
        lines += [
            f"### `corpus/{name}` — {n} documents ({r['transcriptions']} web transcriptions, "
            f"{r['drafts']} drafts)",
            "",
            f"Documents with any `error`: **{len(r['any_error'])}** = {len(r['any_error']) / n:.1%} (bar: 2 %).",
            "",
            "| rule | severity | documents | rate | findings |",
            "|---|---|---:|---:|---:|",
        ]
        for rule in sorted(r["docs_with"], key=lambda k: (-len(r["docs_with"][k]), k)):
            d = len(r["docs_with"][rule])
            lines.append(f"| `{rule}` | {r['severity'][rule]} | {d} | {d / n:.1%} | {r['hits'][rule]} |")
        if r["worst"]:
            lines += ["", "Errors, first documents per rule:", ""]
            for rule, ex in sorted(r["worst"].items()):
                lines.append(f"- `{rule}`: " + "; ".join(ex))
        lines.append("")
    out = "\n".join(lines)
    print(out)
    if args.write:
        # the census replaces what stands between its markers; the hand-written rest is kept
        start, end = "<!-- census: bench/bench_check.py -->", "<!-- /census -->"
        doc = args.write.read_text(encoding="utf-8") if args.write.is_file() else ""
        if start in doc and end in doc:
            head, rest = doc.split(start, 1)
            out = head + start + "\n" + out + "\n" + end + rest.split(end, 1)[1]
        args.write.write_text(out, encoding="utf-8")


if __name__ == "__main__":
    main()
