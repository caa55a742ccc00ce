# Sourced by scripts/test and scripts/bench: starts a throwaway PostgreSQL cluster
# on a free 127.0.0.1 port, exports GUICHET_TEST_PG_URL, and stops it (and removes
# its files) when the calling script exits, even if that script is killed.
#
# Without PostgreSQL binaries it warns and returns, except under CI=true where it
# fails: the PostgreSQL tests must run there.

on_ci() { [ "${CI:-}" = "true" ] || [ "${CI:-}" = "1" ]; }

start_postgres() {
  local bin
  bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    if on_ci; then
      echo "FAIL: no PostgreSQL binaries (initdb) under /usr/lib/postgresql; CI needs them" >&2
      exit 1
    fi
    echo "WARNING: no PostgreSQL binaries found: the PostgreSQL tests will be SKIPPED" >&2
    return 0
  fi

  PG_DIR=$(mktemp -d /tmp/guichet-pg.XXXXXX)
  local port as=()
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  if [ "$(id -u)" = 0 ]; then
    # PostgreSQL refuses to run as root.
    chown postgres "$PG_DIR"
    as=(runuser -u postgres --)
  fi
  PG_CTL=("${as[@]}" "$bin/pg_ctl" -D "$PG_DIR/data")
  "${as[@]}" "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; echo "FAIL: initdb" >&2; exit 1; }
  trap stop_postgres EXIT INT TERM
  if ! "${PG_CTL[@]}" -w -t 60 -l "$PG_DIR/server.log" \
      -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null; then
    cat "$PG_DIR/server.log" >&2
    echo "FAIL: the throwaway PostgreSQL did not start" >&2
    exit 1
  fi
  # Stops the cluster even if this script is killed without running its trap.
  ( while kill -0 $$ 2>/dev/null; do sleep 5; done; "${PG_CTL[@]}" -m immediate stop >/dev/null 2>&1; rm -rf "$PG_DIR" ) &
  export GUICHET_TEST_PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
  echo "==> PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

stop_postgres() {
  "${PG_CTL[@]}" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
