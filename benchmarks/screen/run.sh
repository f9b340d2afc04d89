#!/usr/bin/env bash
# Screening throughput against its floor and the Firely path, same run, same files, this machine (issue 11 item 6).
#   benchmarks/screen/run.sh [PATIENTS]    (default 10000; the 10x export has PATIENTS*10)
# Generates both exports with `msrelapse synth` (seed 1, as of 2026-05-11, files split at 16 MB), runs on the smaller
# one: floor (a bare JsonDocument.Parse of every line, both cores), firely (the split, then each patient's resources
# as a Bundle through the Firely reader and the engine), screen (ScreenRun: split, UTF-8 reader, engine, outputs),
# warm (a second screen in the same process, timed alone: the code already compiled; not the goals' figure);
# then screen on the 10x export (peak memory: the process's peak working set). Writes the table into the
# "Screening" section of benchmarks/README.md (node edits it) and prints it.
set -euo pipefail
cd "$(dirname "$0")/../.."
PATIENTS=${1:-10000}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

OUT=$( [ -n "${MSR_SLOT:-}" ] && echo ".slots/$MSR_SLOT" || echo artifacts )/bin
dotnet build benchmarks/MsRelapse.ScreenBench -c Release -nologo -v quiet >/dev/null
dotnet build src/MsRelapse.Cli -c Release -nologo -v quiet >/dev/null
BENCH="$OUT/MsRelapse.ScreenBench/release/MsRelapse.ScreenBench.dll"
CLI="$OUT/MsRelapse.Cli/release/msrelapse"

"$CLI" synth --patients "$PATIENTS" --seed 1 --as-of 2026-05-11 --file-size-mb 16 --out "$WORK/small" >/dev/null
"$CLI" synth --patients "$((PATIENTS * 10))" --seed 1 --as-of 2026-05-11 --file-size-mb 16 --out "$WORK/large" >/dev/null

RESULTS="$WORK/results.txt"
: > "$RESULTS"
for mode in floor firely screen warm; do
  echo "small $(cut -d' ' -f1 /proc/loadavg) $(dotnet "$BENCH" "$mode" "$WORK/small" "$WORK/w-$mode")" | tee -a "$RESULTS"
done
echo "large $(cut -d' ' -f1 /proc/loadavg) $(dotnet "$BENCH" screen "$WORK/large" "$WORK/w-large")" | tee -a "$RESULTS"

node benchmarks/screen/table.mjs "$RESULTS" "$PATIENTS" benchmarks/README.md
