#!/usr/bin/env bash
# Fuzzes one MsRelapse target for a bounded time with AFL++ (Debian's afl++) over SharpFuzz, and records the figures.
#
#   bash fuzz/run.sh TARGET SECONDS [afl|mutate]     # TARGET: fhir-bundle | cli-args
#
# afl (default): the target's assemblies are instrumented with SharpFuzz (the sharpfuzz tool, from NuGet, into
# .tmp/tools) and afl-fuzz runs `msrelapse-fuzz TARGET` with coverage feedback, seeded from fuzz/corpus/TARGET.
# mutate: the harness's own blind byte mutation of the same corpus (no instrumentation; many more executions per
# second, no coverage guidance). Both stop by themselves after SECONDS. A crash or hang is copied to
# fuzz/regressions/TARGET/ (the CI replay, tests/MsRelapse.Fuzzing.Tests, then runs it forever after) and the script
# exits 1. The last line is one figure: "fuzz TARGET mode=... executions=N crashes=N hangs=N seconds=S".
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
target=${1:?usage: fuzz/run.sh TARGET SECONDS [afl|mutate]}
seconds=${2:?usage: fuzz/run.sh TARGET SECONDS [afl|mutate]}
mode=${3:-afl}
[ -d "fuzz/corpus/$target" ] || { echo "fuzz: no corpus fuzz/corpus/$target" >&2; exit 2; }

echo "fuzz: building the harness (Release)" >&2
dotnet build tests/MsRelapse.Fuzzing -c Release -nologo -v q >&2
bin=${MSR_SLOT:+$repo/.slots/$MSR_SLOT/bin}
bin=${bin:-$repo/artifacts/bin}/MsRelapse.Fuzzing/release
work="$repo/.tmp/fuzz/$target"
rm -rf "$work"; mkdir -p "$work/run"
mkdir -p "fuzz/regressions/$target"

if [ "$mode" = mutate ]; then
  status=0
  (cd "$work/run" && dotnet "$bin/msrelapse-fuzz.dll" "$target" --mutate "$seconds" "$repo/fuzz/corpus/$target") | tee "$work/mutate.txt" || status=$?
  if [ -d "$work/run/crashes" ]; then
    for f in "$work/run/crashes"/*; do [ -e "$f" ] && cp "$f" "fuzz/regressions/$target/mutate-$(basename "$f")"; done
  fi
  line=$(tail -n 1 "$work/mutate.txt")
  echo "fuzz $target mode=mutate $line"
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
for dll in MsRelapse.Core.dll MsRelapse.Fhir.dll msrelapse.dll; do
  [ -f "$work/bin/$dll" ] && .tmp/tools/sharpfuzz "$work/bin/$dll" >&2
done

export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
export DOTNET_TieredPGO=0 DOTNET_TieredCompilation=0
cd "$work/run"
# -t: a .NET start-up plus a large input may take a while; a hang is an input over 5 s.
afl-fuzz -i "$repo/fuzz/corpus/$target" -o "$work/findings" -V "$seconds" -t 5000 -m none \
  -- dotnet "$work/bin/msrelapse-fuzz.dll" "$target" >"$work/afl.log" 2>&1 || { tail -n 30 "$work/afl.log" >&2; exit 1; }
cd "$repo"
stats="$work/findings/default/fuzzer_stats"
get() { sed -nE "s/^$1 *: *([0-9.]+).*/\1/p" "$stats"; }
executions=$(get execs_done); crashes=$(get saved_crashes); hangs=$(get saved_hangs); edges=$(get edges_found)
for f in "$work/findings/default/crashes"/id:* "$work/findings/default/hangs"/id:*; do
  [ -e "$f" ] && cp "$f" "fuzz/regressions/$target/afl-$(basename "$(dirname "$f")")-$(basename "$f" | tr ':,' '__')"
done
echo "fuzz $target mode=afl executions=$executions crashes=${crashes:-0} hangs=${hangs:-0} edges=${edges:-0} seconds=$seconds"
[ "${crashes:-0}" = 0 ] && [ "${hangs:-0}" = 0 ]
