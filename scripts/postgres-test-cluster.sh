#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the storage and server tests.
#
#   eval "$(scripts/postgres-test-cluster.sh start)"   # starts it; stdout is `export MSRELAPSE_TEST_POSTGRES='...'`
#   scripts/postgres-test-cluster.sh status            # prints the same line if it runs (exit 1 if not)
#   scripts/postgres-test-cluster.sh stop              # stops it and removes its folder
#
# One cluster per working tree and MSR_SLOT, in /tmp/msrelapse-pg-<slot>-<hash of the tree's path> (override with
# MSRELAPSE_PG_DIR), listening on 127.0.0.1 only, on a free port picked at start, with a random password (SCRAM).
# It runs as the `postgres` user when started by root (PostgreSQL refuses root), created if missing. When pg_ctl is
# nowhere (a fresh Debian machine), Debian's `postgresql` package is installed first. Durability is switched off
# (fsync, synchronous_commit, full_page_writes): the data is thrown away, and tests create many databases.
# Progress and errors go to stderr; start and status print only the export line on stdout.
set -euo pipefail

log() { printf 'postgres-test-cluster: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

repo=$(cd "$(dirname "$0")/.." && pwd)
key="${MSR_SLOT:-main}-$(printf '%s' "$repo" | cksum | cut -d' ' -f1)"
dir="${MSRELAPSE_PG_DIR:-/tmp/msrelapse-pg-$key}"
database=msrelapse_test

find_pg_bin() {
  local candidate
  if command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"
    return 0
  fi
  # Debian keeps the server binaries off PATH, in /usr/lib/postgresql/<major>/bin: take the newest.
  for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$candidate/pg_ctl" ] && [ -x "$candidate/initdb" ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

install_postgres() {
  [ "$(id -u)" -eq 0 ] || die "PostgreSQL is not installed and this is not root: install Debian's 'postgresql' package first"
  log "pg_ctl not found: installing Debian's postgresql package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2
}

# PostgreSQL refuses to run as root: as root, run its programs as `postgres`.
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  as_pg=(runuser -u postgres --)
fi

ensure_user() {
  [ "$(id -u)" -eq 0 ] || return 0
  if ! id postgres >/dev/null 2>&1; then
    log "creating the postgres system user"
    useradd --system --user-group --no-create-home --home-dir /var/lib/postgresql --shell /usr/sbin/nologin postgres
  fi
}

pick_port() {
  local port _
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 30000))
    # Free when nothing accepts a connection there.
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

is_running() {
  [ -f "$dir/connection" ] && [ -f "$dir/data/postmaster.pid" ] || return 1
  local bin
  bin=$(find_pg_bin) || return 1
  (cd / && "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1)
}

print_env() {
  printf "export MSRELAPSE_TEST_POSTGRES='%s'\n" "$(cat "$dir/connection")"
}

start() {
  if is_running; then
    log "already running ($dir)"
    print_env
    return 0
  fi

  local bin
  bin=$(find_pg_bin) || { install_postgres; bin=$(find_pg_bin) || die "pg_ctl still not found after installing postgresql"; }
  ensure_user
  log "using $("$bin/pg_ctl" --version) from $bin"

  stop_quietly
  mkdir -p "$dir"
  chmod 700 "$dir"
  [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$dir"
  cd "$dir"

  local password
  password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
  (umask 077 && printf '%s\n' "$password" >"$dir/pwfile")
  [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$dir/pwfile"
  "${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" -E UTF8 --no-locale \
    --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  rm -f "$dir/pwfile"

  local port="" attempt
  for attempt in 1 2 3 4 5; do
    port=$(pick_port) || die "no free local port found"
    if "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >&2; then
      break
    fi
    log "start on port $port failed (attempt $attempt):"
    tail -n 5 "$dir/server.log" >&2 || true
    port=""
  done
  [ -n "$port" ] || die "PostgreSQL did not start; see $dir/server.log"

  "${as_pg[@]}" "$bin/createdb" -h "$dir" -p "$port" -U postgres "$database"
  (umask 077 && printf 'Host=127.0.0.1;Port=%s;Username=postgres;Password=%s;Database=%s' "$port" "$password" "$database" >"$dir/connection")
  log "running on 127.0.0.1:$port (folder $dir)"
  print_env
}

stop_quietly() {
  [ -d "$dir" ] || return 0
  local bin
  if [ -f "$dir/data/postmaster.pid" ]; then
    if bin=$(find_pg_bin); then
      (cd / && "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >&2) || true
    else
      # Binaries gone: end the postmaster this cluster recorded (first line of postmaster.pid), nothing else.
      kill "$(head -n 1 "$dir/data/postmaster.pid")" 2>/dev/null || true
    fi
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop_quietly; log "stopped and removed ($dir)" ;;
  status) if is_running; then print_env; else log "not running ($dir)"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
