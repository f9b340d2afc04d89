#!/usr/bin/env bash
# Screening throughput against its floor and the Firely path, same run, same files, this machine (issue 11 item 6).
#   benchmarks/screen/run.sh [COPIES]     (default 10 copies of 17 patients, about 61 MB; the 10× export is COPIES×10)
# Prints one line per mode (floor, firely, screen) for the export, then screen on the 10× export, and the goals.
set -euo pipefail
cd "$(dirname "$0")/../.."
COPIES=${1:-10}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

dotnet build benchmarks/MsRelapse.ScreenBench -c Release -nologo -v quiet >/dev/null
BIN=$( [ -n "${MSR_SLOT:-}" ] && echo ".slots/$MSR_SLOT" || echo artifacts )/bin/MsRelapse.ScreenBench/release/MsRelapse.ScreenBench.dll
python3 benchmarks/screen/generate.py "$COPIES" "$WORK/small"
python3 benchmarks/screen/generate.py "$((COPIES * 10))" "$WORK/large"
for mode in floor firely screen; do dotnet "$BIN" "$mode" "$WORK/small" "$WORK/w-$mode"; done
dotnet "$BIN" screen "$WORK/large" "$WORK/w-large"
