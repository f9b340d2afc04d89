#!/usr/bin/env bash
# Restores, builds and runs every MsRelapse test on a fresh Debian machine with the .NET SDK.
# It installs what the tests need by itself (Debian packages, when missing) and ends with one summary line:
#   N passed, N failed
set -euo pipefail
cd "$(dirname "$0")"

configuration=Release
results=.tmp/test-results
rm -rf "$results"
mkdir -p "$results"

echo "== build"
dotnet build MsRelapse.slnx -c "$configuration" -nologo -v quiet

echo "== test"
status=0
dotnet test MsRelapse.slnx -c "$configuration" --no-build -nologo \
  --logger "trx" --results-directory "$results" 2>&1 | tee "$results/console.txt" || status=$?

# One closing line over all test projects, from the runner's own per-project summaries.
passed=0; failed=0; skipped=0
while read -r line; do
  p=$(sed -nE 's/.*Passed: *([0-9]+).*/\1/p' <<<"$line"); f=$(sed -nE 's/.*Failed: *([0-9]+).*/\1/p' <<<"$line")
  s=$(sed -nE 's/.*Skipped: *([0-9]+).*/\1/p' <<<"$line")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${s:-0}))
done < <(grep -E '^(Passed|Failed|Skipped)! +- Failed:' "$results/console.txt" || true)

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
