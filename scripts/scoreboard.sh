#!/usr/bin/env bash
# The scoreboard: score `vanban parse --json` on every labelled corpus in ../shared/corpus.
# Usage: scripts/scoreboard.sh [SET...]   (default: every set with a gold.jsonl)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
corpus=${VANBAN_CORPUS:-$here/../shared/corpus}
score=${VANBAN_SCORE:-$here/../shared/eval/score.py}
sets=("$@")
if [ ${#sets[@]} -eq 0 ]; then
  for g in "$corpus"/*/gold.jsonl; do sets+=("$(basename "$(dirname "$g")")"); done
fi
for s in "${sets[@]}"; do
  echo "== $s"
  python3 "$score" "$corpus/$s/gold.jsonl" --cmd "vanban parse --json --no-spans" --misses "${MISSES:-0}"
done
