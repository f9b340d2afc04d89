#!/usr/bin/env bash
# Service load test: `msrelapse serve` against a bare ASP.NET Core floor, POST /api/evaluate with the shared example
# bundles, driven by wrk on loopback only. Records throughput, p50/p99 latency and peak RSS in benchmarks/README.md
# (section "Service load"). Bounded: DURATION seconds per target (default 20), 2 threads, 32 connections.
#
#   bash benchmarks/load/run.sh            # MSR_SLOT is honoured for the build output folder
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"

duration=${DURATION:-20}
# The JIT needs ~10–25 s of load to tier the FHIR reader up (tiered compilation with PGO under constant new code):
# measure the steady state, after a warm-up of the same kind of traffic.
warmup=${WARMUP:-20}
threads=${THREADS:-2}
connections=${CONNECTIONS:-32}
as_of=2026-05-11
examples_dir=${MSRELAPSE_SHARED:-$repo/../shared}/examples
bundles="$examples_dir/severe-relapse-untreated.json $examples_dir/steroid-refractory-relapse.json $examples_dir/pseudo-relapse-with-fever.json $examples_dir/aqp4-positive-myelitis.json"
for b in $bundles; do [ -f "$b" ] || { echo "load: missing $b" >&2; exit 1; }; done

name="load" builds="src/MsRelapse.Cli benchmarks/load/Floor"
source "$repo/benchmarks/load/common.sh"

# CPU time (user + system) a process has used so far, in clock ticks: CPU per request = its growth over the run ÷ requests.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
clk_tck=$(getconf CLK_TCK)

run_wrk() { # url → the LOAD line
  LOAD_BODIES="$bundles" wrk -t"$threads" -c"$connections" -d"${duration}s" --timeout 10s \
    -s benchmarks/load/post.lua "$1/api/evaluate?asOf=$as_of" | tee -a "$work/wrk.txt" | grep '^LOAD '
}

# 1. The service, on loopback, no demo patients, a fresh SQLite file.
service_port=$(free_port)
service="http://127.0.0.1:$service_port"
dotnet exec "$cli" serve --urls "$service" --database "Data Source=$work/load.db" --no-demo >"$work/serve.log" 2>&1 &
service_pid=$!; pids+=("$service_pid")
wait_ready "$service"

# The floor answers with the service's own responses, so both send the same bytes back.
i=0; responses=()
for b in $bundles; do
  curl -sf -X POST -H 'Content-Type: application/fhir+json' --data-binary "@$b" "$service/api/evaluate?asOf=$as_of" >"$work/response-$i.json"
  responses+=("$work/response-$i.json"); i=$((i + 1))
done

echo "load: warming up ($warmup s) and measuring the service ($duration s)" >&2
LOAD_BODIES="$bundles" wrk -t"$threads" -c"$connections" -d"${warmup}s" -s benchmarks/load/post.lua "$service/api/evaluate?asOf=$as_of" >/dev/null
service_cpu0=$(cpu_ticks "$service_pid")
service_line=$(run_wrk "$service")
service_cpu1=$(cpu_ticks "$service_pid")
service_rss=$(peak_rss_mb "$service_pid")
stop "$service_pid"

# 2. The floor.
start_floor "${responses[@]}"
echo "load: warming up ($warmup s) and measuring the floor ($duration s)" >&2
LOAD_BODIES="$bundles" wrk -t"$threads" -c"$connections" -d"${warmup}s" -s benchmarks/load/post.lua "$floor_url/api/evaluate?asOf=$as_of" >/dev/null
floor_cpu0=$(cpu_ticks "$floor_pid")
floor_line=$(run_wrk "$floor_url")
floor_cpu1=$(cpu_ticks "$floor_pid")
floor_rss=$(peak_rss_mb "$floor_pid")
stop "$floor_pid"

s_rps=$(field "$service_line" rps); f_rps=$(field "$floor_line" rps)
ratio=$(awk -v s="$s_rps" -v f="$f_rps" 'BEGIN { printf "%.1f", 100 * s / f }')
cpu_per_request() { awk -v a="$1" -v b="$2" -v n="$3" -v t="$clk_tck" 'BEGIN { printf "%.3f", 1000 * (b - a) / t / (n > 1 ? n : 1) }'; } # ticks before, after, requests → ms
s_cpu=$(cpu_per_request "$service_cpu0" "$service_cpu1" "$(field "$service_line" requests)")
f_cpu=$(cpu_per_request "$floor_cpu0" "$floor_cpu1" "$(field "$floor_line" requests)")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
response_bytes=$(wc -c "${responses[@]}" | awk 'END { print $1 }')
cpu=$(sed -nE 's/^model name\s*:\s*//p' /proc/cpuinfo | head -1)
machine="$(nproc) cores ($cpu), $(free -g | awk '/Mem:/ { print $2 }') GiB RAM, $(uname -sr), .NET SDK $(dotnet --version)"

echo "service: $service_line rss_mb=$service_rss" >&2
echo "floor:   $floor_line rss_mb=$floor_rss" >&2
echo "service/floor throughput: $ratio %; CPU per request: service $s_cpu ms, floor $f_cpu ms" >&2

for line in "$service_line" "$floor_line"; do
  if [ "$(field "$line" non2xx)" != "0" ] || [ "$(field "$line" errors)" != "0" ]; then
    echo "load: errors during the run: $line" >&2; exit 1
  fi
done

section=$(cat <<MD
## Service load

\`benchmarks/load/run.sh\` ($(date -u +%Y-%m-%d)): \`POST /api/evaluate?asOf=$as_of\` with the four shared example bundles in
turn (FHIR R4, 4–10 kB each), wrk $threads threads × $connections connections, ${duration} s per target after a ${warmup} s warm-up,
loopback only. The **floor** is a bare ASP.NET Core endpoint (\`benchmarks/load/Floor\`) that reads the body and returns
the service's own responses (${response_bytes} bytes for the four), so it measures HTTP alone. Release build, workstation GC,
the service with its defaults (SQLite, console request log, OpenTelemetry metrics, Prometheus endpoint). wrk, the
service and the floor share the machine: $machine.

| target | requests/s | p50 latency | p99 latency | CPU per request | peak RSS |
|---|---:|---:|---:|---:|---:|
| \`msrelapse serve\` | $s_rps | $(field "$service_line" p50_ms) ms | $(field "$service_line" p99_ms) ms | $s_cpu ms | $service_rss MB |
| floor (bare endpoint) | $f_rps | $(field "$floor_line" p50_ms) ms | $(field "$floor_line" p99_ms) ms | $f_cpu ms | $floor_rss MB |

Service throughput = **$ratio %** of the floor (goal ≥ 50 %). Load average when the run began: $load_before, when
it ended: $load_after (the machine is shared; numbers move by ±30 % between runs). CPU per request is the process's
user + system time over the measured run divided by the requests it answered (wrk's own CPU is not in it). In the
first 10–25 s under load the JIT is still tiering the FHIR reader up and throughput is about a third of the steady
state shown here (\`DOTNET_TieredPGO=0\` or \`DOTNET_TC_CallCountingDelayMs=0\` shorten that).
MD
)

# Others write other sections of this file: replace only ours (or append it).
record_section "## Service load" <<<"$section"
echo "load: recorded in benchmarks/README.md" >&2
