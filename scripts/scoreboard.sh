#!/usr/bin/env bash
# The scoreboard: score `vanban parse --json` on every labelled corpus in ../shared/corpus, then
# one summary line per set with the share of values given with confidence >= 0.9 that are wrong
# (issue 18: at most 2 %).
# Usage: scripts/scoreboard.sh [SET...]   (default: every set with a gold.jsonl)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
corpus=${VANBAN_CORPUS:-$here/../shared/corpus}
score=${VANBAN_SCORE:-$here/../shared/eval/score.py}
sets=("$@")
if [ ${#sets[@]} -eq 0 ]; then
  for g in "$corpus"/*/gold.jsonl; do sets+=("$(basename "$(dirname "$g")")"); done
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for s in "${sets[@]}"; do
  echo "== $s"
  if [ "${MISSES:-0}" != 0 ]; then  # the misses, as score.py lists them
    python3 "$score" "$corpus/$s/gold.jsonl" --cmd "vanban parse --json --no-spans" --misses "$MISSES" | grep '^miss' || true
  fi
  python3 "$score" "$corpus/$s/gold.jsonl" --cmd "vanban parse --json --no-spans" --misses 0 --json \
    | tee "$out/$s.json" \
    | python3 -c '
import json, sys
s = json.load(sys.stdin)
for f, v in s["fields"].items():
    score = "acc %.3f" % v["accuracy"] if "accuracy" in v else "F1 %.3f" % v["f1"]
    print("%-28s %6d  %s" % (f, v["n"], score))
'
done
echo
echo "set          docs  failures  macro   confident  wrong  share"
for s in "${sets[@]}"; do
  python3 - "$s" "$out/$s.json" <<'PY'
import json, sys
name, path = sys.argv[1], sys.argv[2]
s = json.load(open(path))
c = s.get("confident") or {}
rate = "" if c.get("rate") is None else f"{c['rate']:.1%}"
print(f"{name:12} {s['docs']:>5} {s['failures']:>9}  {s['macro'] or 0:.3f} {c.get('n', 0):>10} {c.get('wrong', 0):>6}  {rate}")
PY
done
