"""Build ``src/vanban/data/syllables.txt``: the complete Vietnamese syllables, folded.

A syllable counts when it is well formed (onset, vowel nucleus and coda from
``data/read.toml``, marks removed) and occurs in at least ``--min-docs`` documents of the
corpus. Search uses the list to tell a finished last word (``so``) from one being typed
(``cuo``), which alone is matched as a prefix.

    python scripts/build_syllables.py [CORPUS]     # default ../shared/corpus
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

from vanban.normalize import fold
from vanban.rules import table
from vanban.store.search import shadow

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "vanban" / "data" / "syllables.txt"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--min-docs", type=int, default=3)
    args = ap.parse_args()
    t = table("read")["syllable"]
    onset = "|".join(sorted({fold(o) for o in t["onsets"]}, key=len, reverse=True))
    coda = "|".join(sorted((c for c in t["codas"] if c), key=len, reverse=True))
    shape = re.compile(rf"(?:{onset})?([aeiouy]+)(?:{coda})?")
    nuclei = {fold(n) for n in t["nuclei"]}
    df: Counter[str] = Counter()
    files = [p for p in Path(args.corpus).rglob("*") if p.is_file() and p.suffix in (".txt", ".md")]
    for p in files:
        df.update(set(re.findall(r"[a-z]+", shadow(p.read_text("utf-8", "replace")))))
    words = sorted(
        w for w, n in df.items() if n >= args.min_docs and (m := shape.fullmatch(w)) and m.group(1) in nuclei
    )
    head = (
        "# Complete Vietnamese syllables, folded (no marks, đ→d): search matches a query's last\n"
        "# word as a prefix only when it is not one of these. Built by scripts/build_syllables.py\n"
        f"# from {len(files)} corpus texts (well-formed, in at least {args.min_docs} documents).\n"
    )
    OUT.write_text(head + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} syllables → {OUT}")


if __name__ == "__main__":
    main()
