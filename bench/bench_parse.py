"""Parse benchmark (not a timed test): every corpus text, several rounds, in one process.

    python bench/bench_parse.py [--rounds 3] [--corpus ../shared/corpus]

Prints docs/s and MB/s of text on one core, from CPU time (``time.process_time``) so that
other load on the machine does not distort it, and wall time beside it.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import vanban


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--corpus", default=str(Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"))
    ap.add_argument("--sets", nargs="*", default=["seeds", "gold", "vbpl", "tvpl", "wild"])
    a = ap.parse_args()
    texts = []
    for s in a.sets:
        texts += [p.read_text(encoding="utf-8") for p in sorted((Path(a.corpus) / s).glob("*.txt"))]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    best_cpu = best_wall = float("inf")
    for _ in range(a.rounds):
        c0, w0 = time.process_time(), time.perf_counter()
        for t in texts:
            vanban.parse(t)
        best_cpu = min(best_cpu, time.process_time() - c0)
        best_wall = min(best_wall, time.perf_counter() - w0)
    print(f"{len(texts)} docs, {mb:.1f} MB of text, best of {a.rounds} rounds")
    print(f"cpu  {best_cpu:.2f} s  {len(texts) / best_cpu:.0f} docs/s  {mb / best_cpu:.1f} MB/s")
    print(f"wall {best_wall:.2f} s  {len(texts) / best_wall:.0f} docs/s  {mb / best_wall:.1f} MB/s")


if __name__ == "__main__":
    main()
