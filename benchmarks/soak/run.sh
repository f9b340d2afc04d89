#!/usr/bin/env bash
# Soak and fault runs of `msrelapse serve` on loopback (issue #12 item 3). Every run is bounded in time and count and
# stops by itself; every process it starts is ended by its own id on exit.
#
#   bash benchmarks/soak/run.sh soak [SECONDS]      mixed load at 80 % of the capacity measured first (default 600 s)
#   bash benchmarks/soak/run.sh db-outage           PostgreSQL stopped mid-load, then started again (no service restart)
#   bash benchmarks/soak/run.sh full-disk           SQLite on a 3 MB tmpfs filled up under writes; integrity_check after
#   bash benchmarks/soak/run.sh kill [CYCLES]       kill -9 under writes, restart, every acknowledged write found (default 50)
#   bash benchmarks/soak/run.sh short               all four, short (CI: about a minute and a half)
#   bash benchmarks/soak/run.sh full                all four, full length; the figures go to docs/reliability.md
#
# Each mode prints one "RESULT mode=... ok=1|0 ..." line; run.sh exits 1 if any is not ok. With RECORD=1 the RESULT lines
# are written into docs/reliability.md (section "Soak and fault runs").
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
here="$repo/benchmarks/soak"
work=$(mktemp -d /tmp/msrelapse-soak.XXXXXX)
pids=()
mounted=""
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "$mounted" ] && umount "$mounted" 2>/dev/null || true
  if [ -n "${pg_dir:-}" ]; then MSRELAPSE_PG_DIR="$pg_dir" bash scripts/postgres-test-cluster.sh stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
log() { echo "soak: $*" >&2; }
results=()
result() { echo "RESULT $*"; results+=("$*"); }

need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  log "installing $2 (Debian package)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq "$2" >&2
}
need wrk wrk
need curl curl
need sqlite3 sqlite3

if [ -z "${SOAK_NO_BUILD:-}" ]; then
  log "building the CLI (Release)"
  dotnet build src/MsRelapse.Cli -c Release -nologo -v q >&2
fi
bin=${MSR_SLOT:+$repo/.slots/$MSR_SLOT/bin}
cli="${bin:-$repo/artifacts/bin}/MsRelapse.Cli/release/msrelapse.dll"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
# start_service DATABASE PORT → sets $service_pid (background), waits until ready (or until it exits)
start_service() {
  DOTNET_gcServer=0 dotnet exec "$cli" serve --urls "http://127.0.0.1:$2" --database "$1" --no-demo >>"$work/serve.log" 2>&1 &
  service_pid=$!; pids+=("$service_pid")
  for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$2/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$service_pid" 2>/dev/null || { log "the service exited:"; tail -n 20 "$work/serve.log" >&2; return 1; }
    sleep 0.1
  done
  log "the service did not become ready"; return 1
}
rss_mb() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
field() { sed -nE "s/.* $2=([^ ]+).*/\1/p" <<<"$1"; }
export SOAK_BUNDLE="$here/soak-bundle.json"

# --- soak: capacity (closed loop, 20 s), then SECONDS at 80 % of it; zero errors, memory sampled every 5 s.
soak() {
  local seconds=$1 port db line capacity target samples
  port=$(free_port); db="Data Source=$work/soak.db"
  start_service "$db" "$port"
  local url="http://127.0.0.1:$port"
  local cap_seconds=$(( seconds >= 120 ? 20 : 8 ))
  SOAK_CONNECTIONS=8 wrk -t8 -c8 -d"${cap_seconds}s" --timeout 10s -s "$here/mixed.lua" "$url" >/dev/null # warm-up
  line=$(SOAK_CONNECTIONS=8 wrk -t8 -c8 -d"${cap_seconds}s" --timeout 10s -s "$here/mixed.lua" "$url" | grep '^SOAK ')
  capacity=$(field "$line" rps)
  target=$(python3 -c "print(max(1, int(0.8 * $capacity)))")
  log "capacity $capacity requests/s (mixed); soaking ${seconds} s at $target requests/s"
  samples="$work/rss.txt"; : >"$samples"
  ( while kill -0 "$service_pid" 2>/dev/null; do echo "$(date +%s) $(rss_mb "$service_pid")" >>"$samples"; sleep 5; done ) &
  local sampler=$!; pids+=("$sampler")
  SOAK_RATE=$target SOAK_CONNECTIONS=8 wrk -t8 -c8 -d"${seconds}s" --timeout 10s -s "$here/mixed.lua" "$url" >"$work/soak-wrk.txt"
  line=$(grep '^SOAK ' "$work/soak-wrk.txt")
  # status@step of the first failures (step: 0 PUT, 1 GET, 2 append, 3 evaluation, 4 list evaluations, 5 evaluate, 6 list)
  local failures; failures=$(sed -nE 's/^SOAK-FAILURES (.*)/\1/p' "$work/soak-wrk.txt" | cut -c1-120)
  kill "$sampler" 2>/dev/null || true
  local peak; peak=$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$service_pid/status")
  # Flat memory: the mean RSS of the last third of the run within 15 % of the mean of the middle third (the first
  # third is warm-up: JIT tiers, pools and caches fill).
  local flat
  flat=$(python3 - "$samples" <<'PY'
import sys
v=[int(l.split()[1]) for l in open(sys.argv[1]) if len(l.split())==2 and l.split()[1].isdigit()]
n=len(v)//3
if n < 1: print("n/a 0 0"); sys.exit()
mid=sum(v[n:2*n])/n; last=sum(v[2*n:])/len(v[2*n:])
print(f"{'yes' if last <= mid*1.15 else 'no'} {mid:.0f} {last:.0f}")
PY
)
  kill "$service_pid"; wait "$service_pid" 2>/dev/null || true
  local non2xx errors ok=1
  non2xx=$(field "$line" non2xx); errors=$(field "$line" errors)
  [ "$non2xx" = 0 ] && [ "$errors" = 0 ] && [ "${flat%% *}" != no ] || ok=0
  result "mode=soak ok=$ok seconds=$seconds capacity_rps=$capacity target_rps=$target achieved_rps=$(field "$line" rps) requests=$(field "$line" requests) non2xx=$non2xx errors=$errors p50_ms=$(field "$line" p50_ms) p99_ms=$(field "$line" p99_ms) rss_mid_mb=$(cut -d' ' -f2 <<<"$flat") rss_last_mb=$(cut -d' ' -f3 <<<"$flat") flat=${flat%% *} peak_rss_mb=$peak failures=[${failures:-}]"
}

# --- db-outage: PostgreSQL stopped for OUTAGE seconds under load; readiness false and fast 503 problems during it;
# answers again after it without restarting the service.
db_outage() {
  local outage=$1 port url pg_env conn pg_port pgbin
  pg_dir="$work/pg"; chmod 755 "$work"
  pg_env=$(MSRELAPSE_PG_DIR="$pg_dir" bash scripts/postgres-test-cluster.sh start)
  eval "$pg_env"
  conn=$MSRELAPSE_TEST_POSTGRES
  pg_port=$(sed -nE 's/.*Port=([0-9]+).*/\1/p' <<<"$conn")
  pgbin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -1)")
  port=$(free_port); url="http://127.0.0.1:$port"
  start_service "$conn" "$port"
  # writers/readers in the background for the whole run, recording status and time of every answer
  local end=$(( $(date +%s) + outage + 20 ))
  ( i=0; while [ "$(date +%s)" -lt "$end" ]; do
      i=$((i+1)); id="outage-$((i % 10))"
      sed "s/SOAK_ID/$id/g" "$SOAK_BUNDLE" >"$work/b.json"
      curl -s -o "$work/last.json" -w "%{http_code} %{time_total}\n" -X PUT -H 'Content-Type: application/fhir+json' \
        --data-binary "@$work/b.json" --max-time 10 "$url/api/patients/$id" >>"$work/outage-status.txt" || echo "000 10" >>"$work/outage-status.txt"
      [ "$(tail -n1 "$work/outage-status.txt" | cut -d' ' -f1)" = 503 ] && cp "$work/last.json" "$work/problem.json"
      sleep 0.05
    done ) &
  local load=$!; pids+=("$load")
  sleep 5
  log "stopping PostgreSQL for $outage s"
  (cd / && runuser -u postgres -- "$pgbin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null)
  sleep 2
  local ready_during; ready_during=$(curl -s -o /dev/null -w "%{http_code}" --max-time 10 "$url/health/ready")
  local during_start; during_start=$(wc -l <"$work/outage-status.txt")
  sleep $((outage - 2))
  local during_end; during_end=$(wc -l <"$work/outage-status.txt")
  log "starting PostgreSQL again"
  (cd / && runuser -u postgres -- "$pgbin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=$pg_dir -c max_connections=300 -c fsync=off" start >/dev/null)
  local recovered="" t0; t0=$(date +%s.%N)
  for _ in $(seq 1 300); do
    if [ "$(curl -s -o /dev/null -w "%{http_code}" --max-time 5 "$url/health/ready")" = 200 ]; then recovered=$(python3 -c "print(f'{$(date +%s.%N) - $t0:.1f}')"); break; fi
    sleep 0.1
  done
  wait "$load" 2>/dev/null || true
  local after_ok; after_ok=$(tail -n 20 "$work/outage-status.txt" | grep -c '^20[01] ' || true)
  local during; during=$(sed -n "$((during_start + 1)),${during_end}p" "$work/outage-status.txt")
  local during_n during_503 during_max_s
  during_n=$(grep -c . <<<"$during" || true)
  during_503=$(grep -c '^503 ' <<<"$during" || true)
  during_max_s=$(awk '{ if ($2 > m) m = $2 } END { printf "%.2f", m }' <<<"$during")
  local codes; codes=$(cut -d' ' -f1 <<<"$during" | sort | uniq -c | awk '{ printf "%s×%s ", $2, $1 }')
  local problem_code=""; [ -f "$work/problem.json" ] && problem_code=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1])).get('code',''))" "$work/problem.json" 2>/dev/null || true)
  local alive=1; kill -0 "$service_pid" 2>/dev/null || alive=0
  local ok=1
  [ "$ready_during" = 503 ] && [ "$during_n" -gt 0 ] && [ "$during_503" = "$during_n" ] && [ -n "$recovered" ] && [ "$after_ok" -gt 0 ] && [ "$alive" = 1 ] || ok=0
  result "mode=db-outage ok=$ok database=postgresql outage_s=$outage ready_during=$ready_during writes_during=$during_n answers_during=[${codes% }] problem_code=${problem_code:-none} slowest_answer_during_s=$during_max_s ready_again_after_s=${recovered:-never} writes_ok_after=$after_ok service_restarted=no"
  kill "$service_pid" 2>/dev/null || true
  MSRELAPSE_PG_DIR="$pg_dir" bash scripts/postgres-test-cluster.sh stop >/dev/null 2>&1 || true
  pg_dir=""
}

# --- full-disk: SQLite on a 3 MB tmpfs; writes until the disk is full; a clear error (507/503 problem, not a hang),
# the service still answers reads, and PRAGMA integrity_check is ok afterwards.
full_disk() {
  local mnt="$work/disk" port url
  mkdir -p "$mnt"
  mount -t tmpfs -o size=3m tmpfs "$mnt"; mounted="$mnt"
  port=$(free_port); url="http://127.0.0.1:$port"
  start_service "Data Source=$mnt/full.db" "$port"
  local i=0 code first_fail="" codes="$work/disk-codes.txt"; : >"$codes"
  # Big records (the example bundle padded with a long Patient text) so the disk fills in a bounded number of writes.
  python3 - "$SOAK_BUNDLE" "$work/big.json" <<'PY'
import json, sys, random, string
b = json.load(open(sys.argv[1]))
for e in b["entry"]:
    r = e["resource"]
    if r["resourceType"] == "Patient":
        r["text"] = {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">" + "".join(random.choice(string.ascii_letters) for _ in range(200_000)) + "</div>"}
open(sys.argv[2], "w").write(json.dumps(b))
PY
  while [ $i -lt 60 ]; do
    i=$((i+1))
    sed "s/SOAK_ID/disk-$i/g" "$work/big.json" >"$work/b.json"
    code=$(curl -s -o "$work/disk-last.json" -w "%{http_code}" --max-time 15 -X PUT -H 'Content-Type: application/fhir+json' --data-binary "@$work/b.json" "$url/api/patients/disk-$i" || echo 000)
    echo "$code" >>"$codes"
    if [ "$code" != 201 ] && [ -z "$first_fail" ]; then first_fail=$i; cp "$work/disk-last.json" "$work/disk-problem.json"; fi
    [ -n "$first_fail" ] && [ $((i - first_fail)) -ge 3 ] && break
  done
  local read_code; read_code=$(curl -s -o /dev/null -w "%{http_code}" --max-time 10 "$url/api/patients/disk-1")
  local problem=""; [ -f "$work/disk-problem.json" ] && problem=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d.get('status',''), d.get('code',''))" "$work/disk-problem.json" 2>/dev/null || echo "not-json")
  local alive=1; kill -0 "$service_pid" 2>/dev/null || alive=0
  kill "$service_pid"; wait "$service_pid" 2>/dev/null || true
  local integrity; integrity=$(sqlite3 "$mnt/full.db" "PRAGMA integrity_check;" 2>&1 | head -1)
  local acked; acked=$(grep -c '^201$' "$codes" || true)
  # every acknowledged record is still there after the service stopped
  local present; present=$(sqlite3 "$mnt/full.db" "SELECT count(*) FROM patients;" 2>/dev/null || echo 0)
  local answers; answers=$(sort "$codes" | uniq -c | awk '{ printf "%s×%s ", $2, $1 }')
  local ok=1
  [ -n "$first_fail" ] && [ "$integrity" = ok ] && [ "$alive" = 1 ] && [ "$read_code" = 200 ] && [ "$present" -ge "$acked" ] \
    && [[ "$problem" =~ ^507\ insufficient-storage ]] || ok=0
  result "mode=full-disk ok=$ok filesystem=tmpfs-3MB writes=$i acknowledged=$acked answers=[${answers% }] first_refusal=${problem:-none} read_after_full=$read_code integrity_check=$integrity records_present=$present"
  umount "$mnt"; mounted=""
}

# --- kill: CYCLES × (start, writers with If-Match chains, kill -9 at a random moment, restart, check every acknowledged write)
kill_cycles() {
  local cycles=$1 port db="Data Source=$work/kill.db" acked="$work/acked.txt" lost=0 checked=0 c
  : >"$acked"
  port=$(free_port)
  for c in $(seq 1 "$cycles"); do
    start_service "$db" "$port"
    local url="http://127.0.0.1:$port"
    for w in 1 2; do
      ( j=0; while true; do
          j=$((j+1)); id="kill-$w-$((j % 7))"
          sed "s/SOAK_ID/$id/g" "$SOAK_BUNDLE" >"$work/k$w.json"
          out=$(curl -s -X PUT -H 'Content-Type: application/fhir+json' --data-binary "@$work/k$w.json" --max-time 30 \
            -w "\n%{http_code}" "$url/api/patients/$id" 2>/dev/null) || exit 0
          code=${out##*$'\n'}
          if [ "$code" = 200 ] || [ "$code" = 201 ]; then
            v=$(sed -nE 's/.*"version": *([0-9]+).*/\1/p' <<<"${out%$'\n'*}")
            echo "$id $v" >>"$acked"
          fi
        done ) &
      pids+=($!)
    done
    # Kill once this cycle has had a couple of writes acknowledged (at most 30 s), plus a random moment.
    local before; before=$(grep -c . "$acked" || true)
    for _ in $(seq 1 300); do [ "$(grep -c . "$acked" || true)" -ge $((before + 2)) ] && break; sleep 0.1; done
    sleep "$(python3 -c "import random; print(round(random.uniform(0.0, 0.8), 2))")"
    kill -9 "$service_pid"; wait "$service_pid" 2>/dev/null || true
    sleep 0.2
  done
  # All writers end when their next request fails; check every acknowledged (id, version) on a last start.
  start_service "$db" "$port"
  local url="http://127.0.0.1:$port"
  declare -A latest
  while read -r id v; do
    [ -n "$v" ] || continue
    if [ -z "${latest[$id]:-}" ] || [ "$v" -gt "${latest[$id]}" ]; then latest[$id]=$v; fi
  done <"$acked"
  for id in "${!latest[@]}"; do
    checked=$((checked+1))
    local etag; etag=$(curl -s -D - -o /dev/null "$url/api/patients/$id" | sed -nE 's/^[Ee][Tt]ag: *W\/"([0-9]+)".*/\1/p' | tr -d '\r')
    if [ -z "$etag" ] || [ "$etag" -lt "${latest[$id]}" ]; then lost=$((lost+1)); log "lost: $id acknowledged v${latest[$id]}, found '${etag}'"; fi
  done
  kill "$service_pid" 2>/dev/null || true
  local integrity; integrity=$(sqlite3 "$work/kill.db" "PRAGMA integrity_check;" 2>&1 | head -1)
  local ok=1
  [ "$lost" = 0 ] && [ "$checked" -gt 0 ] && [ "$integrity" = ok ] || ok=0
  result "mode=kill ok=$ok cycles=$cycles acknowledged_writes=$(grep -c . "$acked" || true) records_checked=$checked lost=$lost integrity_check=$integrity"
}

mode=${1:-short}
case "$mode" in
  soak) soak "${2:-600}" ;;
  db-outage) db_outage "${2:-15}" ;;
  full-disk) full_disk ;;
  kill) kill_cycles "${2:-50}" ;;
  short) soak 20; db_outage 6; full_disk; kill_cycles 3 ;;
  full) soak 600; db_outage 20; full_disk; kill_cycles 50 ;;
  *) echo "usage: $0 soak [S]|db-outage [S]|full-disk|kill [N]|short|full" >&2; exit 2 ;;
esac

status=0
for r in "${results[@]}"; do [[ "$r" == *" ok=1 "* ]] || status=1; done
if [ "${RECORD:-0}" = 1 ]; then
  RESULTS="$(printf '%s\n' "${results[@]}")" MODE="$mode" MACHINE="$(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GiB, load $(cut -d' ' -f1-3 /proc/loadavg)" python3 - "$repo/docs/reliability.md" <<'PY'
import os, re, sys, datetime
path = sys.argv[1]
text = open(path, encoding="utf-8").read() if os.path.exists(path) else "# Reliability\n"
lines = "\n".join("    " + l for l in os.environ["RESULTS"].splitlines())
section = f"## Soak and fault runs (produced by benchmarks/soak/run.sh)\n\nLast run: `bash benchmarks/soak/run.sh {os.environ['MODE']}` on {datetime.date.today()}, {os.environ['MACHINE']}.\n\n{lines}\n"
pattern = re.compile(r"^## Soak and fault runs.*?(?=^## |\Z)", re.S | re.M)
text = pattern.sub(lambda _: section + "\n", text, count=1) if pattern.search(text) else text.rstrip() + "\n\n" + section
open(path, "w", encoding="utf-8").write(text)
PY
fi
exit "$status"
