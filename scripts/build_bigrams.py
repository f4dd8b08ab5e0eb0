"""Build the word-pair counts that restore OCR's wrong tone marks (``data/lexicon/bigrams.tsv.gz``).

Counts every pair of adjacent words (lower case, NFC, letters only) in the public text corpora
that are not scored by hand (``vbpl``, ``tvpl``, ``wild``: legal and administrative prose);
pairs seen fewer than ``--min-count`` times are dropped. The file holds counts, not text.
``vanban.lexicon.marks`` reads it.

usage: python scripts/build_bigrams.py [--corpus ../shared/corpus] [--min-count 2]
"""

from __future__ import annotations

import argparse
import collections
import gzip
import itertools
import re
import unicodedata
from pathlib import Path

SETS = ("vbpl", "tvpl", "wild")
WORD = re.compile(r"[^\W\d_]+")
PHRASE = re.compile(r"[,.;:!?()\[\]\"“”|*…/\\-]+|\n\s*\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default="../shared/corpus")
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--out", default="src/vanban/data/lexicon/bigrams.tsv.gz")
    args = ap.parse_args()
    pairs: collections.Counter[tuple[str, str]] = collections.Counter()
    for name in SETS:
        for path in sorted(Path(args.corpus, name).glob("*")):
            if path.suffix not in (".txt", ".md"):
                continue
            text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8", errors="replace")).lower()
            for phrase in PHRASE.split(text):  # no pair across punctuation or a blank line
                words = WORD.findall(phrase)
                pairs.update(itertools.pairwise(words))
    kept = sorted((p, n) for p, n in pairs.items() if n >= args.min_count)
    with gzip.open(args.out, "wt", encoding="utf-8", compresslevel=9) as out:
        out.write("# word pairs of vbpl, tvpl and wild with their counts (scripts/build_bigrams.py)\n")
        for (a, b), n in kept:
            out.write(f"{a}\t{b}\t{n}\n")
    print(f"{len(kept)} pairs of {len(pairs)} written to {args.out}")


if __name__ == "__main__":
    main()
