# Sourced by benchmarks/load/run.sh and benchmarks/load/cds.sh (bash, curl, wrk, node; no Python): wrk installed if
# missing, the Release build of what they run, a work folder and the processes they start (ended by id on exit), and
# small helpers. Before sourcing: repo (the checkout), name (the log prefix), builds (projects to build).
log() { echo "$name: $*" >&2; }
if ! command -v wrk >/dev/null 2>&1; then
  log "installing wrk (Debian package)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq wrk >&2
fi
log "building Release"
for project in $builds; do dotnet build "$project" -c Release -nologo -v q >&2; done
bin=${MSR_SLOT:+$repo/.slots/$MSR_SLOT/bin}
bin=${bin:-$repo/artifacts/bin}
cli="$bin/MsRelapse.Cli/release/msrelapse.dll"
floor="$bin/Floor/release/msrelapse-load-floor.dll"

work=$(mktemp -d "/tmp/msrelapse-$name.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'; }
wait_ready() {
  for _ in $(seq 1 150); do curl -sf "$1/health/ready" >/dev/null 2>&1 && return 0; sleep 0.2; done
  log "$1 did not become ready"; return 1
}
# start_floor RESPONSE... → $floor_url, $floor_pid: the bare ASP.NET Core endpoint answering with those responses.
start_floor() {
  floor_url="http://127.0.0.1:$(free_port)"
  dotnet exec "$floor" "$floor_url" "$@" >"$work/floor.log" 2>&1 &
  floor_pid=$!; pids+=("$floor_pid")
  wait_ready "$floor_url"
}
stop() { kill "$1"; wait "$1" 2>/dev/null || true; }
field() { sed -nE "s/.* $2=([^ ]+).*/\1/p" <<<"$1"; }
# cpu_ticks PID → the process's CPU time so far (user + system), in clock ticks (getconf CLK_TCK a second).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
peak_rss_mb() { awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
# Replaces the "## TITLE" section of benchmarks/README.md (others own other sections) with stdin.
record_section() { node "$repo/scripts/md-section.mjs" "$repo/benchmarks/README.md" --heading "$1"; }
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
