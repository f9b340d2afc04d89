#!/usr/bin/env bash
# Soak and fault runs of `msrelapse serve` on loopback (issue #12 item 3). Every run is bounded in time and count and
# stops by itself; every process it starts is ended by its own id on exit. Tooling: bash, curl, wrk, sqlite3, node.
#
#   bash benchmarks/soak/run.sh soak [SECONDS]        mixed load at 80 % of the capacity measured first (default 600 s)
#   bash benchmarks/soak/run.sh db-outage [SECONDS]   PostgreSQL stopped mid-load, then started again (no service restart)
#   bash benchmarks/soak/run.sh pg-restart [SECONDS]  PostgreSQL restarted under writes; every acknowledged write found
#   bash benchmarks/soak/run.sh full-disk             SQLite on a 3 MB tmpfs filled up under writes; integrity_check after
#   bash benchmarks/soak/run.sh kill [CYCLES]         kill -9 under writes, restart, every acknowledged write found (default 50)
#   bash benchmarks/soak/run.sh memory [SECONDS]      waves of 32 concurrent 4.7 MB evaluations: peak RSS, 503 + Retry-After
#   bash benchmarks/soak/run.sh short                 soak, db-outage, pg-restart, full-disk, kill, short (CI: about two minutes)
#   bash benchmarks/soak/run.sh full                  all six at full length (10-minute soak, 50 kill cycles, 5 minutes of
#                                                     memory waves); writes the figures into docs/reliability.md
#
# Each check prints one "RESULT mode=... ok=1|0 ..." line; run.sh exits 1 if any is not ok. `full` (and any mode with
# RECORD=1) writes the RESULT lines into docs/reliability.md, section "soak-figures" (benchmarks/soak/report.mjs).
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
need node nodejs

if [ -z "${SOAK_NO_BUILD:-}" ]; then
  log "building the CLI (Release)"
  dotnet build src/MsRelapse.Cli -c Release -nologo -v q >&2
fi
bin=${MSR_SLOT:+$repo/.slots/$MSR_SLOT/bin}
cli="${bin:-$repo/artifacts/bin}/MsRelapse.Cli/release/msrelapse.dll"

free_port() { node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'; }
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
peak_rss_mb() { awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
field() { sed -nE "s/.* $2=([^ ]+).*/\1/p" <<<"$1"; }
json_fields() { node "$here/bundles.mjs" field "$@"; }
seconds_since() { awk -v t0="$1" -v t1="$(date +%s.%N)" 'BEGIN { printf "%.1f", t1 - t0 }'; }
tally() { sort | uniq -c | awk '{ printf "%s×%s ", $2, $1 }' | sed 's/ $//'; } # "code×count ..." of the lines read
export SOAK_BUNDLE="$here/soak-bundle.json"

# writer ID URL ACKED STATUS: PUTs records NAME-0..6 in turn until a request fails to connect (the service is gone) or
# the file $work/stop-writers appears; every acknowledged write's "id version" goes to ACKED, every answer's
# "code seconds" to STATUS.
writer() {
  local name=$1 url=$2 acked=$3 status=$4 j=0 id out code v
  while [ ! -e "$work/stop-writers" ]; do
    j=$((j+1)); id="$name-$((j % 7))"
    sed "s/SOAK_ID/$id/g" "$SOAK_BUNDLE" >"$work/w-$name.json"
    out=$(curl -s -X PUT -H 'Content-Type: application/fhir+json' --data-binary "@$work/w-$name.json" --max-time 30 \
      -w "\n%{http_code} %{time_total}" "$url/api/patients/$id" 2>/dev/null) || { echo "000 30" >>"$status"; return 0; }
    code=${out##*$'\n'}; echo "$code" >>"$status"; code=${code%% *}
    if [ "$code" = 200 ] || [ "$code" = 201 ]; then
      v=$(sed -nE 's/.*"version": *([0-9]+).*/\1/p' <<<"${out%$'\n'*}")
      echo "$id $v" >>"$acked"
    elif [ "$code" = 503 ]; then
      printf '%s' "${out%$'\n'*}" >"$work/last-503.json"; sleep 0.2
    fi
  done
}

# check_acknowledged URL ACKED → "checked lost": every acknowledged (id, version) is there at that version or later.
check_acknowledged() {
  local url=$1 acked=$2 checked=0 lost=0 id v etag
  declare -A latest=()
  while read -r id v; do
    [ -n "$v" ] || continue
    if [ -z "${latest[$id]:-}" ] || [ "$v" -gt "${latest[$id]}" ]; then latest[$id]=$v; fi
  done <"$acked"
  for id in "${!latest[@]}"; do
    checked=$((checked+1))
    etag=$(curl -s -D - -o /dev/null "$url/api/patients/$id" | sed -nE 's/^[Ee][Tt]ag: *W\/"([0-9]+)".*/\1/p' | tr -d '\r')
    if [ -z "$etag" ] || [ "$etag" -lt "${latest[$id]}" ]; then lost=$((lost+1)); log "lost: $id acknowledged v${latest[$id]}, found '${etag}'"; fi
  done
  echo "$checked $lost"
}

# A throw-away PostgreSQL cluster (scripts/postgres-test-cluster.sh) that the checks stop and start themselves.
pg_cluster() {
  pg_dir="$work/pg"; chmod 755 "$work"
  eval "$(MSRELAPSE_PG_DIR="$pg_dir" bash scripts/postgres-test-cluster.sh start)"
  pg_conn=$MSRELAPSE_TEST_POSTGRES
  pg_port=$(sed -nE 's/.*Port=([0-9]+).*/\1/p' <<<"$pg_conn")
  pg_bin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -1)")
}
pg_stop() { (cd / && runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null); }
pg_start() {
  (cd / && runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=$pg_dir -c max_connections=300 -c fsync=off" start >/dev/null)
}
pg_done() { MSRELAPSE_PG_DIR="$pg_dir" bash scripts/postgres-test-cluster.sh stop >/dev/null 2>&1 || true; pg_dir=""; }

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
  target=$(awk -v c="$capacity" 'BEGIN { t = int(0.8 * c); print (t < 1 ? 1 : t) }')
  log "capacity $capacity requests/s (mixed); soaking ${seconds} s at $target requests/s"
  samples="$work/rss.txt"; : >"$samples"
  ( while kill -0 "$service_pid" 2>/dev/null; do echo "$(date +%s) $(rss_mb "$service_pid")" >>"$samples"; sleep 5; done ) &
  local sampler=$!; pids+=("$sampler")
  SOAK_RATE=$target SOAK_CONNECTIONS=8 wrk -t8 -c8 -d"${seconds}s" --timeout 10s -s "$here/mixed.lua" "$url" >"$work/soak-wrk.txt"
  line=$(grep '^SOAK ' "$work/soak-wrk.txt")
  # status@step of the first failures (step: 0 PUT, 1 GET, 2 append, 3 evaluation, 4 list evaluations, 5 evaluate, 6 list)
  local failures; failures=$(sed -nE 's/^SOAK-FAILURES (.*)/\1/p' "$work/soak-wrk.txt" | cut -c1-120)
  kill "$sampler" 2>/dev/null || true
  echo "$(date +%s) $(rss_mb "$service_pid")" >>"$samples"
  local peak; peak=$(peak_rss_mb "$service_pid")
  # Flat memory: the mean RSS of the last third of the run within 15 % of the mean of the middle third (the first
  # third is warm-up: JIT tiers, pools and caches fill). Also the first and the last sample.
  local flat
  flat=$(awk '$2 ~ /^[0-9]+$/ { v[n++] = $2 } END {
      t = int(n / 3); if (t < 1) { print "n/a 0 0 0 0"; exit }
      for (i = t; i < 2 * t; i++) m += v[i]; m /= t
      for (i = 2 * t; i < n; i++) l += v[i]; l /= (n - 2 * t)
      printf "%s %.0f %.0f %d %d\n", (l <= m * 1.15 ? "yes" : "no"), m, l, v[0], v[n - 1] }' "$samples")
  kill "$service_pid"; wait "$service_pid" 2>/dev/null || true
  local non2xx errors ok=1 f=($flat)
  non2xx=$(field "$line" non2xx); errors=$(field "$line" errors)
  [ "$non2xx" = 0 ] && [ "$errors" = 0 ] && [ "${f[0]}" != no ] || ok=0
  result "mode=soak ok=$ok seconds=$seconds capacity_rps=$capacity target_rps=$target achieved_rps=$(field "$line" rps) requests=$(field "$line" requests) non2xx=$non2xx errors=$errors p50_ms=$(field "$line" p50_ms) p99_ms=$(field "$line" p99_ms) rss_start_mb=${f[3]} rss_mid_mb=${f[1]} rss_last_mb=${f[2]} rss_end_mb=${f[4]} flat=${f[0]} peak_rss_mb=$peak failures=[${failures:-}]"
}

# --- db-outage: PostgreSQL stopped for OUTAGE seconds under load; readiness false and fast 503 problems during it;
# answers again after it without restarting the service.
db_outage() {
  local outage=$1 port url
  pg_cluster
  port=$(free_port); url="http://127.0.0.1:$port"
  start_service "$pg_conn" "$port"
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
  pg_stop
  sleep 2
  local ready_during; ready_during=$(curl -s -o /dev/null -w "%{http_code}" --max-time 10 "$url/health/ready")
  local during_start; during_start=$(wc -l <"$work/outage-status.txt")
  sleep $((outage - 2))
  local during_end; during_end=$(wc -l <"$work/outage-status.txt")
  log "starting PostgreSQL again"
  pg_start
  local recovered="" t0; t0=$(date +%s.%N)
  for _ in $(seq 1 300); do
    if [ "$(curl -s -o /dev/null -w "%{http_code}" --max-time 5 "$url/health/ready")" = 200 ]; then recovered=$(seconds_since "$t0"); break; fi
    sleep 0.1
  done
  wait "$load" 2>/dev/null || true
  local after_ok; after_ok=$(tail -n 20 "$work/outage-status.txt" | grep -c '^20[01] ' || true)
  local during; during=$(sed -n "$((during_start + 1)),${during_end}p" "$work/outage-status.txt")
  local during_n during_503 during_max_s
  during_n=$(grep -c . <<<"$during" || true)
  during_503=$(grep -c '^503 ' <<<"$during" || true)
  during_max_s=$(awk '{ if ($2 > m) m = $2 } END { printf "%.2f", m }' <<<"$during")
  local codes; codes=$(cut -d' ' -f1 <<<"$during" | tally)
  local problem_code=""; [ -f "$work/problem.json" ] && problem_code=$(json_fields "$work/problem.json" code)
  local alive=1; kill -0 "$service_pid" 2>/dev/null || alive=0
  local ok=1
  [ "$ready_during" = 503 ] && [ "$during_n" -gt 0 ] && [ "$during_503" = "$during_n" ] && [ -n "$recovered" ] && [ "$after_ok" -gt 0 ] && [ "$alive" = 1 ] || ok=0
  result "mode=db-outage ok=$ok database=postgresql outage_s=$outage ready_during=$ready_during writes_during=$during_n answers_during=[$codes] problem_code=${problem_code:-none} slowest_answer_during_s=$during_max_s ready_again_after_s=${recovered:-never} writes_ok_after=$after_ok service_restarted=no"
  kill "$service_pid" 2>/dev/null || true
  pg_done
}

# --- pg-restart: PostgreSQL restarted (fast shutdown, then start) while two writers PUT records; the service is not
# restarted. Every answer is a success or a 503 problem (never a 500 or a dropped connection), writes succeed again
# after the restart, and every acknowledged write is found.
pg_restart() {
  local seconds=$1 port url acked="$work/restart-acked.txt" status="$work/restart-status.txt"
  : >"$acked"; : >"$status"; rm -f "$work/stop-writers" "$work/last-503.json"
  pg_cluster
  port=$(free_port); url="http://127.0.0.1:$port"
  start_service "$pg_conn" "$port"
  local w writers=()
  for w in 1 2; do writer "restart-$w" "$url" "$acked" "$status" & writers+=($!); pids+=($!); done
  sleep $(( seconds / 3 ))
  log "restarting PostgreSQL"
  local t0 restart_s before; before=$(wc -l <"$status"); t0=$(date +%s.%N)
  pg_stop; pg_start
  restart_s=$(seconds_since "$t0")
  local first_ok="" t1; t1=$(date +%s.%N)
  for _ in $(seq 1 300); do
    if tail -n +"$((before + 1))" "$status" | grep -q '^20[01] '; then
      # the first success may have been answered before the restart ended: count from the restart's end
      first_ok=$(seconds_since "$t1"); break
    fi
    sleep 0.1
  done
  sleep $(( seconds - seconds / 3 ))
  touch "$work/stop-writers"; wait "${writers[@]}" 2>/dev/null || true
  local alive=1; kill -0 "$service_pid" 2>/dev/null || alive=0
  local answers bad problem_code="" checked lost
  answers=$(cut -d' ' -f1 "$status" | tally)
  bad=$(cut -d' ' -f1 "$status" | grep -vcE '^(200|201|503)$' || true)
  [ -f "$work/last-503.json" ] && problem_code=$(json_fields "$work/last-503.json" code)
  read -r checked lost < <(check_acknowledged "$url" "$acked")
  kill "$service_pid" 2>/dev/null || true
  local ok=1
  [ "$bad" = 0 ] && [ -n "$first_ok" ] && [ "$alive" = 1 ] && [ "$lost" = 0 ] && [ "$checked" -gt 0 ] || ok=0
  result "mode=pg-restart ok=$ok database=postgresql seconds=$seconds writers=2 answers=[$answers] problem_code=${problem_code:-none} other_answers=$bad restart_s=$restart_s first_ok_after_s=${first_ok:-never} acknowledged_writes=$(grep -c . "$acked" || true) records_checked=$checked lost=$lost service_restarted=no"
  pg_done
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
  node "$here/bundles.mjs" padded "$SOAK_BUNDLE" "$work/big.json" 200000
  while [ $i -lt 60 ]; do
    i=$((i+1))
    sed "s/SOAK_ID/disk-$i/g" "$work/big.json" >"$work/b.json"
    code=$(curl -s -o "$work/disk-last.json" -w "%{http_code}" --max-time 15 -X PUT -H 'Content-Type: application/fhir+json' --data-binary "@$work/b.json" "$url/api/patients/disk-$i" || echo 000)
    echo "$code" >>"$codes"
    if [ "$code" != 201 ] && [ -z "$first_fail" ]; then first_fail=$i; cp "$work/disk-last.json" "$work/disk-problem.json"; fi
    [ -n "$first_fail" ] && [ $((i - first_fail)) -ge 3 ] && break
  done
  local read_code; read_code=$(curl -s -o /dev/null -w "%{http_code}" --max-time 10 "$url/api/patients/disk-1")
  local problem=""; [ -f "$work/disk-problem.json" ] && problem=$(json_fields "$work/disk-problem.json" status code)
  local alive=1; kill -0 "$service_pid" 2>/dev/null || alive=0
  kill "$service_pid"; wait "$service_pid" 2>/dev/null || true
  local integrity; integrity=$(sqlite3 "$mnt/full.db" "PRAGMA integrity_check;" 2>&1 | head -1)
  local acked; acked=$(grep -c '^201$' "$codes" || true)
  # every acknowledged record is still there after the service stopped
  local present; present=$(sqlite3 "$mnt/full.db" "SELECT count(*) FROM patients;" 2>/dev/null || echo 0)
  local answers; answers=$(tally <"$codes")
  local ok=1
  [ -n "$first_fail" ] && [ "$integrity" = ok ] && [ "$alive" = 1 ] && [ "$read_code" = 200 ] && [ "$present" -ge "$acked" ] \
    && [[ "$problem" =~ ^507\ insufficient-storage ]] || ok=0
  result "mode=full-disk ok=$ok filesystem=tmpfs-3MB writes=$i acknowledged=$acked answers=[$answers] first_refusal=[${problem:-none}] read_after_full=$read_code integrity_check=$integrity records_present=$present"
  umount "$mnt"; mounted=""
}

# --- kill: CYCLES × (start, two writers, kill -9 at a random moment, restart); then every acknowledged write checked
kill_cycles() {
  local cycles=$1 port db="Data Source=$work/kill.db" acked="$work/acked.txt" c w
  : >"$acked"; rm -f "$work/stop-writers"
  port=$(free_port)
  for c in $(seq 1 "$cycles"); do
    start_service "$db" "$port"
    local url="http://127.0.0.1:$port"
    for w in 1 2; do writer "kill-$w" "$url" "$acked" "$work/kill-status.txt" & pids+=($!); done
    # Kill once this cycle has had a couple of writes acknowledged (at most 30 s), plus a random moment (0–0.8 s).
    local before; before=$(grep -c . "$acked" || true)
    for _ in $(seq 1 300); do [ "$(grep -c . "$acked" || true)" -ge $((before + 2)) ] && break; sleep 0.1; done
    sleep "0.$((RANDOM % 9))"
    kill -9 "$service_pid"; wait "$service_pid" 2>/dev/null || true
    sleep 0.2
  done
  # The writers end when their next request fails to connect; check every acknowledged (id, version) on a last start.
  start_service "$db" "$port"
  local checked lost
  read -r checked lost < <(check_acknowledged "http://127.0.0.1:$port" "$acked")
  kill "$service_pid" 2>/dev/null || true
  local integrity; integrity=$(sqlite3 "$work/kill.db" "PRAGMA integrity_check;" 2>&1 | head -1)
  local ok=1
  [ "$lost" = 0 ] && [ "$checked" -gt 0 ] && [ "$integrity" = ok ] || ok=0
  result "mode=kill ok=$ok cycles=$cycles acknowledged_writes=$(grep -c . "$acked" || true) records_checked=$checked lost=$lost integrity_check=$integrity"
}

# --- memory: waves of 32 concurrent evaluations of a ~4.7 MB record (POST /api/evaluate) for SECONDS: the peak RSS
# of the service (the issue's defect: 1.7 GB, and it stayed there) and the 503 + Retry-After answers of the limiter.
# Every answer must be a 200 or a 503 with Retry-After, and the peak below MEMORY_LIMIT_MB (default 1024).
memory() {
  local seconds=$1 concurrency=32 limit=${MEMORY_LIMIT_MB:-1024} port url body="$work/large.json" answers="$work/memory-answers.txt"
  node "$here/bundles.mjs" large "$SOAK_BUNDLE" "$body" 4700000 memory
  local body_mb; body_mb=$(awk -v b="$(wc -c <"$body")" 'BEGIN { printf "%.1f", b / 1e6 }')
  port=$(free_port); url="http://127.0.0.1:$port"
  start_service "Data Source=$work/memory.db" "$port"
  curl -s -o /dev/null --max-time 120 -X POST -H 'Content-Type: application/fhir+json' --data-binary "@$body" "$url/api/evaluate?asOf=2026-05-11" # warm-up
  local before; before=$(rss_mb "$service_pid")
  : >"$answers"
  local end=$(( $(date +%s) + seconds )) waves=0 i
  while [ "$(date +%s)" -lt "$end" ]; do
    waves=$((waves+1))
    local wave=()
    for i in $(seq 1 "$concurrency"); do
      ( out=$(curl -s -o /dev/null -D - --max-time 300 -X POST -H 'Content-Type: application/fhir+json' --data-binary "@$body" \
          -w '\nSTATUS %{http_code}' "$url/api/evaluate?asOf=2026-05-11" 2>/dev/null) || out="STATUS 000"
        code=$(sed -nE 's/^STATUS ([0-9]+).*/\1/p' <<<"$out")
        if [ "$code" = 503 ] && grep -qi '^retry-after:' <<<"$out"; then code="503+Retry-After"; fi
        echo "$code" >>"$answers" ) &
      wave+=($!)
    done
    wait "${wave[@]}"
  done
  local peak; peak=$(peak_rss_mb "$service_pid")
  local settle=10; sleep "$settle"
  local after; after=$(rss_mb "$service_pid")
  local alive=1; kill -0 "$service_pid" 2>/dev/null || alive=0
  kill "$service_pid"; wait "$service_pid" 2>/dev/null || true
  local tally_line busy bad
  tally_line=$(tally <"$answers")
  busy=$(grep -c '^503+Retry-After$' "$answers" || true)
  bad=$(grep -vcE '^(200|503\+Retry-After)$' "$answers" || true)
  local ok=1
  [ "$bad" = 0 ] && [ "$alive" = 1 ] && [ "$peak" -lt "$limit" ] || ok=0
  result "mode=memory ok=$ok seconds=$seconds waves=$waves concurrency=$concurrency body_mb=$body_mb limiter=[default: processor count at once, queue 256] answers=[$tally_line] busy_with_retry_after=$busy other_answers=$bad rss_before_mb=$before peak_rss_mb=$peak rss_after_mb=$after settle_s=$settle peak_limit_mb=$limit"
}

mode=${1:-short}
case "$mode" in
  soak) soak "${2:-600}" ;;
  db-outage) db_outage "${2:-15}" ;;
  pg-restart) pg_restart "${2:-30}" ;;
  full-disk) full_disk ;;
  kill) kill_cycles "${2:-50}" ;;
  memory) memory "${2:-60}" ;;
  short) soak 20; db_outage 6; pg_restart 9; full_disk; kill_cycles 3 ;;
  full) soak 600; db_outage 20; pg_restart 60; full_disk; kill_cycles 50; memory 300 ;;
  *) echo "usage: $0 soak [S]|db-outage [S]|pg-restart [S]|full-disk|kill [N]|memory [S]|short|full" >&2; exit 2 ;;
esac

status=0
for r in "${results[@]}"; do [[ "$r" == *" ok=1 "* ]] || status=1; done
if [ "$mode" = full ] || [ "${RECORD:-0}" = 1 ]; then
  printf '%s\n' "${results[@]}" | node "$here/report.mjs" record "$mode" \
    "$(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GiB, load $(cut -d' ' -f1-3 /proc/loadavg)"
  log "recorded in docs/reliability.md (section soak-figures)"
fi
exit "$status"
