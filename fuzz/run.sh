#!/usr/bin/env bash
# Fuzzes MsRelapse targets with AFL++ (Debian's afl++) over SharpFuzz until a number of executions (or a time cap),
# and records the figures in fuzz/results.tsv and docs/reliability.md (section "fuzz-figures", rendered by
# fuzz/report.mjs: no figure there is typed by hand).
#
#   bash fuzz/run.sh TARGET|all [EXECUTIONS] [MAX_SECONDS] [afl|mutate]
#     TARGET       fhir-bundle | cli-args | ndjson | cds-request (msrelapse-fuzz --list); all = each in turn
#     EXECUTIONS   stop after this many executions (default 1000000, the issue's goal)
#     MAX_SECONDS  per target, stop by then even if short of EXECUTIONS (default 3600)
#
# afl (default): the code under test (our assemblies, not the framework or Firely) is instrumented with SharpFuzz
# (the sharpfuzz tool, from NuGet, into .tmp/tools) and afl-fuzz runs `msrelapse-fuzz TARGET` in persistent mode
# (one process for every input) with coverage feedback, seeded from fuzz/corpus/TARGET. mutate: the harness's own
# blind byte mutation (no instrumentation, no coverage feedback). A crash or hang is copied to
# fuzz/regressions/TARGET/ (the CI replay, tests/MsRelapse.Fuzzing.Tests, runs it from then on) and the script exits 1.
# One core is enough (afl-fuzz uses one); run it in the background beside other work with e.g.
#   nice -n 10 taskset -c 1 bash fuzz/run.sh all
# Each target prints one figure line: "fuzz TARGET mode=... executions=N seconds=S crashes=N hangs=N ...".
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
usage="usage: fuzz/run.sh TARGET|all [EXECUTIONS] [MAX_SECONDS] [afl|mutate]"
target=${1:?$usage}
executions=${2:-1000000}
max_seconds=${3:-3600}
mode=${4:-afl}

if [ -z "${FUZZ_NO_BUILD:-}" ]; then
  echo "fuzz: building the harness (Release)" >&2
  dotnet build tests/MsRelapse.Fuzzing -c Release -nologo -v q >&2
fi
bin=${MSR_SLOT:+$repo/.slots/$MSR_SLOT/bin}
bin=${bin:-$repo/artifacts/bin}/MsRelapse.Fuzzing/release
bin=${FUZZ_BIN:-$bin}

if [ "$target" = all ]; then
  # One copy of the harness for the whole series, so that a build in this tree meanwhile changes none of it.
  rm -rf "$repo/.tmp/fuzz/harness"; mkdir -p "$repo/.tmp/fuzz"; cp -r "$bin" "$repo/.tmp/fuzz/harness"
  status=0
  for t in $(dotnet "$repo/.tmp/fuzz/harness/msrelapse-fuzz.dll" --list); do
    FUZZ_NO_BUILD=1 FUZZ_BIN="$repo/.tmp/fuzz/harness" bash "$0" "$t" "$executions" "$max_seconds" "$mode" || status=1
  done
  exit "$status"
fi
[ -d "fuzz/corpus/$target" ] || { echo "fuzz: no corpus fuzz/corpus/$target" >&2; exit 2; }

work="$repo/.tmp/fuzz/$target"
rm -rf "$work"; mkdir -p "$work/run"
mkdir -p "fuzz/regressions/$target"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date +%s)

record() { # mode executions seconds crashes hangs edges
  local rate=$(( $2 / ($3 > 0 ? $3 : 1) ))
  echo "fuzz $target mode=$1 executions=$2 seconds=$3 rate=$rate/s crashes=$4 hangs=$5 edges=$6"
  node fuzz/report.mjs record "$target" "$1" "$2" "$3" "$4" "$5" "$6" "$(date -u +%Y-%m-%dT%H:%MZ)" "$(getconf _NPROCESSORS_ONLN) cores ($(nproc) for the fuzzer), load $load_before"
}

if [ "$mode" = mutate ]; then
  status=0
  # The harness's own loop counts by time: the time cap bounds it (EXECUTIONS is reported, not enforced).
  (cd "$work/run" && dotnet "$bin/msrelapse-fuzz.dll" "$target" --mutate "$max_seconds" "$repo/fuzz/corpus/$target") | tee "$work/mutate.txt" || status=$?
  if [ -d "$work/run/crashes" ]; then
    for f in "$work/run/crashes"/*; do [ -e "$f" ] && cp "$f" "fuzz/regressions/$target/mutate-$(basename "$f")"; done
  fi
  line=$(tail -n 1 "$work/mutate.txt")
  n=$(sed -nE 's/.*executions=([0-9]+).*/\1/p' <<<"$line"); f=$(sed -nE 's/.*findings=([0-9]+).*/\1/p' <<<"$line")
  record mutate "${n:-0}" "$(( $(date +%s) - started ))" "${f:-0}" 0 -
  exit "$status"
fi

if ! command -v afl-fuzz >/dev/null 2>&1; then
  echo "fuzz: installing afl++ (Debian package)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq afl++ >&2
fi
if [ ! -x .tmp/tools/sharpfuzz ]; then
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path .tmp/tools >&2
fi

# Instrument a private copy: our own assemblies only (the code under test), not the framework or Firely.
cp -r "$bin" "$work/bin"
for dll in MsRelapse.Core.dll MsRelapse.Fhir.dll MsRelapse.Screening.dll MsRelapse.Server.dll msrelapse.dll; do
  [ -f "$work/bin/$dll" ] && .tmp/tools/sharpfuzz "$work/bin/$dll" >/dev/null
done

# Throughput (the first runs reached 180 000 executions in 10 minutes, 300/s): persistent mode and a warm-up in the
# harness (above); afl-fuzz's per-input file on tmpfs; quick calibration; no CPU pinning of its own (the caller
# chooses the core); the .NET GC given a larger young generation (the targets allocate per input).
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
export AFL_FAST_CAL=1 AFL_FORKSRV_INIT_TMOUT=120000
tmp=$(mktemp -d "${TMPDIR_FUZZ:-/dev/shm}/msrelapse-afl.XXXXXX" 2>/dev/null || mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export AFL_TMPDIR="$tmp"
export DOTNET_TieredPGO=0 DOTNET_GCgen0size=0x4000000 DOTNET_gcServer=0
cd "$work/run"
# -t 5000: a real hang is a loop that never ends; 5 s leaves room for a loaded machine's pauses.
afl-fuzz -i "$repo/fuzz/corpus/$target" -o "$work/findings" -E "$executions" -V "$max_seconds" -t 5000 -m none \
  -- dotnet "$work/bin/msrelapse-fuzz.dll" "$target" --warm-up "$repo/fuzz/corpus/$target" >"$work/afl.log" 2>&1 \
  || { tail -n 30 "$work/afl.log" >&2; exit 1; }
cd "$repo"
stats="$work/findings/default/fuzzer_stats"
get() { sed -nE "s/^$1 *: *([0-9.]+).*/\1/p" "$stats"; }
done_execs=$(get execs_done); crashes=$(get saved_crashes); hangs=$(get saved_hangs); edges=$(get edges_found)
run_time=$(get run_time); run_time=${run_time:-$(( $(date +%s) - started ))}
for f in "$work/findings/default/crashes"/id:* "$work/findings/default/hangs"/id:*; do
  [ -e "$f" ] && cp "$f" "fuzz/regressions/$target/afl-$(basename "$(dirname "$f")")-$(basename "$f" | tr ':,' '__')"
done
record afl "${done_execs:-0}" "$run_time" "${crashes:-0}" "${hangs:-0}" "${edges:-0}"
[ "${crashes:-0}" = 0 ] && [ "${hangs:-0}" = 0 ]
