"""Benchmark and false-alarm census of ``vanban check`` on the central corpora.

    python bench/bench_check.py [--write docs/checker.md]

Parses every document of ``../shared/corpus/pdf`` and ``../shared/corpus/vbpl`` (PDFs through
the project's reader, or pypdfium2's text layer while the reader has no PDF support), times
parsing and checking, and counts per rule how many documents get it. The bar: checking adds at
most 50 % to parse time, and at most 2 % of these documents get any ``error``.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter, defaultdict
from pathlib import Path

import vanban
from vanban.check import check
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
    ap.add_argument("--repeat", type=int, default=1, help="timing repetitions")
    args = ap.parse_args()
    rows: dict[str, dict] = {}
    t_parse = t_check = 0.0
    for name in SETS:
        files = sorted(p for p in (CORPUS / name).iterdir() if p.suffix in (".txt", ".pdf"))
        docs_with: dict[str, set[str]] = defaultdict(set)
        hits: Counter[str] = Counter()
        severity: dict[str, str] = {}
        any_error: set[str] = set()
        worst: dict[str, list[str]] = defaultdict(list)
        transcriptions = 0
        for f in files:
            text, pages = _text(f)
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                doc = vanban.parse(text, str(f))
                t1 = time.perf_counter()
                if pages:
                    from dataclasses import replace

                    doc = replace(doc, pages=pages)
                t2 = time.perf_counter()
                problems = check(doc)
                t3 = time.perf_counter()
                t_parse += t1 - t0
                t_check += t3 - t2
            transcriptions += doc.transcription
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
            "n": len(files),
            "transcriptions": transcriptions,
            "docs_with": docs_with,
            "hits": hits,
            "severity": severity,
            "any_error": any_error,
            "worst": worst,
        }
    overhead = t_check / t_parse
    lines = [
        f"Parse {t_parse:.2f} s, check {t_check:.2f} s: checking adds {overhead:.1%} to parsing (bar: 50 %).",
        "",
    ]
    for name, r in rows.items():
        n = r["n"]
        lines += [
            f"### `corpus/{name}` — {n} documents ({r['transcriptions']} web transcriptions)",
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
        args.write.write_text(out, encoding="utf-8")


if __name__ == "__main__":
    main()
