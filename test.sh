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

# Debian's chromium for the browser tests (tests/MsRelapse.Browser.Tests drive it with Playwright; no browser is ever
# downloaded). If it cannot be installed, the browser tests skip locally and fail under CI=true.
if [ ! -e /usr/bin/chromium ]; then
  echo "== install chromium"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
    || echo "chromium could not be installed (not root, or no package mirror)"
fi

echo "== build"
dotnet build MsRelapse.slnx -c "$configuration" -nologo -v quiet

echo "== test"
# PostgreSQL for the storage/server tests: a throw-away local cluster, stopped and removed on exit (one you started
# yourself with scripts/postgres-test-cluster.sh is reused and left running; so is MSRELAPSE_TEST_POSTGRES if set).
# If it cannot start, the PostgreSQL tests skip locally and fail under CI=true.
started_postgres=0
if [ -z "${MSRELAPSE_TEST_POSTGRES:-}" ]; then
  if ! pg_env=$(bash scripts/postgres-test-cluster.sh status 2>/dev/null); then
    started_postgres=1
    trap 'bash scripts/postgres-test-cluster.sh stop || true' EXIT
    pg_env=$(bash scripts/postgres-test-cluster.sh start) || pg_env=""
  fi
  eval "$pg_env"
fi
status=0
dotnet test MsRelapse.slnx -c "$configuration" --no-build -nologo \
  --logger "trx" --results-directory "$results" 2>&1 | tee "$results/console.txt" || status=$?

# The short soak and fault runs (benchmarks/soak/run.sh short: mixed load at 80 % of capacity, a PostgreSQL outage,
# SQLite on a full disk, kill -9 cycles), about two minutes; each RESULT line counts as one test.
soak_passed=0; soak_failed=0
echo "== soak and fault (short)"
SOAK_NO_BUILD=1 bash benchmarks/soak/run.sh short 2>&1 | tee "$results/soak.txt" || status=1
soak_passed=$(grep -c '^RESULT .* ok=1 ' "$results/soak.txt" || true)
soak_failed=$(grep -c '^RESULT .* ok=0 ' "$results/soak.txt" || true)

# Remove the throw-away cluster now, so that the summary below is the last line of the output.
if [ "$started_postgres" -eq 1 ]; then
  bash scripts/postgres-test-cluster.sh stop 2>&1 || true
  trap - EXIT
fi

# One closing line over all test projects, from the runner's own per-project summaries.
passed=0; failed=0; skipped=0
while read -r line; do
  p=$(sed -nE 's/.*Passed: *([0-9]+).*/\1/p' <<<"$line"); f=$(sed -nE 's/.*Failed: *([0-9]+).*/\1/p' <<<"$line")
  s=$(sed -nE 's/.*Skipped: *([0-9]+).*/\1/p' <<<"$line")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${s:-0}))
done < <(grep -E '^(Passed|Failed|Skipped)! +- Failed:' "$results/console.txt" || true)

passed=$((passed + ${soak_passed:-0})); failed=$((failed + ${soak_failed:-0}))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
