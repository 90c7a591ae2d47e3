#!/usr/bin/env bash
# The project's test command (README): builds everything and runs every test project.
# It starts by itself what the tests need, so it works the same on a fresh machine and in CI:
#   - PostgreSQL: a throwaway cluster from the machine's PostgreSQL binaries (see tests/services.sh);
#   - Temporal: a dev server from ../shared/tools/temporal, when that is present (see tests/services.sh);
#   - Chromium and chromedriver from Debian's packages, for the Web UI test (see tests/services.sh).
# Prints one closing line "tests: N passed, N failed" and exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# --quick: the fast loop beside the full suite. Unit and contract tests only (the store's contract on SQLite and
# PostgreSQL included): every test class that needs a Temporal server carries [Trait("Needs", "Temporal")] and is
# left out, and so are the projects that are end-to-end by nature (demo, fault suite, deployment, observability).
quick=0
args=()
for arg in "$@"; do
  if [ "$arg" = "--quick" ]; then quick=1; else args+=("$arg"); fi
done

# shellcheck source=tests/services.sh
source "$root/tests/services.sh"
# The trap comes first: a service that fails half-way through starting is still stopped.
trap services_stop EXIT
if [ "$quick" -eq 1 ]; then
  postgres_start
else
  services_start
fi

log=$(mktemp)
status=0
dotnet build Campaigns.sln -c Release -nologo -v quiet || exit 1
if [ "$quick" -eq 1 ]; then
  # Side by side: nothing here measures a rate, and the test hosts' start-up is most of each project's time.
  pids=()
  for project in TencentCall Simulator Storage Activities Workflows; do
    dotnet test "tests/Campaigns.$project.Tests" -c Release --no-build -nologo --filter "Needs!=Temporal" \
      --blame-hang-timeout 5m --blame-hang-dump-type none "${args[@]}" > "$log.$project" 2>&1 &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do
    wait "$pid" || status=$?
  done
  for project in TencentCall Simulator Storage Activities Workflows; do
    cat "$log.$project" | tee -a "$log"
    rm -f "$log.$project"
  done
else
  # One test assembly at a time (-m:1): several suites start servers and measure rates against budgets, and
  # on 2 cores running them side by side makes the machine, not the code, the bottleneck.
  dotnet test Campaigns.sln -c Release --no-build -nologo -m:1 --blame-hang-timeout 10m --blame-hang-dump-type none "${args[@]}" 2>&1 | tee "$log" || status=$?
fi

# Each test assembly prints "Passed!  - Failed: 0, Passed: 97, Skipped: 0, Total: 97, ..."; add them up.
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -Eo 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
