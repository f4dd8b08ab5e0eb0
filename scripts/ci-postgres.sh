#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for the store tests and print its URL on stdout:
#   export VANBAN_TEST_PG=$(scripts/ci-postgres.sh)
# Installs Debian's postgresql with apt-get if no server binaries are found. The cluster lives
# in a fresh temp dir, listens on 127.0.0.1 on a free port, trusts local connections, runs
# with fsync off (test data only) and, when started by root, runs as the postgres user.
# Stop it with:  scripts/ci-postgres.sh stop   (stops every cluster this script started)
set -euo pipefail

STATE=/tmp/vanban-ci-postgres.dirs

if [[ "${1:-}" == "stop" ]]; then
  [[ -f $STATE ]] || exit 0
  while read -r dir; do
    bin=$(cat "$dir/bindir")
    if [[ $(id -u) == 0 ]]; then
      runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m fast stop >&2 || true
    else
      "$bin/pg_ctl" -D "$dir/data" -m fast stop >&2 || true
    fi
    rm -rf "$dir"
  done <"$STATE"
  rm -f "$STATE"
  exit 0
fi

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1; }
BIN=$(find_bin)
if [[ -z "$BIN" || ! -x "$BIN/initdb" ]]; then
  echo "ci-postgres: installing postgresql with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  BIN=$(find_bin)
fi
[[ -x "$BIN/initdb" ]] || { echo "ci-postgres: no initdb found under /usr/lib/postgresql" >&2; exit 1; }

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DIR=$(mktemp -d /tmp/vanban-pg.XXXXXX)
echo "$BIN" >"$DIR/bindir"
echo "$DIR" >>"$STATE"

as_pg() {
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [[ $(id -u) == 0 ]]; then chown postgres "$DIR"; chmod 700 "$DIR"; fi

as_pg "$BIN/initdb" -D "$DIR/data" -U vanban -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$DIR/initdb.log" 2>&1 \
  || { cat "$DIR/initdb.log" >&2; exit 1; }
as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 start \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  >&2 || { cat "$DIR/server.log" >&2; exit 1; }
as_pg "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U vanban vanban_test >&2

echo "postgresql://vanban@127.0.0.1:$PORT/vanban_test"
