#!/usr/bin/env bash
# The test command (README): install vanban with its test tools, then lint, run the test suite
# and check the seed documents parse exactly to their gold labels.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q -e '.[dev]' 2>&1 | grep -v -i "warning: running pip as" || true
python3 -m ruff check src tests bench scripts
# two worker processes (xdist; VANBAN_TEST_JOBS to change), the long-running tests (marked slow:
# kill -9 in the middle of an ingest, a Dask cluster, OCR of a whole mailbox packet, fifty
# sign-ins at once) left out; `./run test -m slow` runs them, `./run test -m ""` everything.
python3 -m pytest -p no:cacheprovider -n "${VANBAN_TEST_JOBS:-2}" -m "not slow" "$@"
# the seeds must be exact: every scored field 1.0
python3 ../shared/eval/score.py ../shared/corpus/seeds/gold.jsonl --cmd "vanban parse --json --no-spans" --json \
  | python3 -c 'import json,sys; s=json.load(sys.stdin); bad={k:v for k,v in s["fields"].items() if v.get("accuracy",v.get("f1"))!=1.0}; print("seeds exact:", not bad and not s["failures"]); sys.exit(1 if bad or s["failures"] else 0)'
