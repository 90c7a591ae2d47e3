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
  # Two lanes side by side, then the tests that measure a rate against a limit ([Trait("Runs", "Alone")]) alone: on
  # 2 cores those need the machine to themselves, while the rest mostly waits for simulated calls and timers.
  # Lane 1: the workflow and CLI suites, on the services started above. Lane 2: every other test project, one at a
  # time, on a PostgreSQL and a Temporal dev server of its own (the fault suite restarts its PostgreSQL).
  # A --filter given to this script narrows all three.
  user_filter=""
  rest=()
  for ((i = 0; i < ${#args[@]}; i++)); do
    if [ "${args[$i]}" = "--filter" ] && [ $((i + 1)) -lt ${#args[@]} ]; then
      user_filter="(${args[$((i + 1))]})&"
      i=$((i + 1))
    else
      rest+=("${args[$i]}")
    fi
  done
  lane1=(Workflows Cli)
  lane2=()
  for dir in tests/Campaigns.*.Tests; do
    project=${dir#tests/Campaigns.}
    project=${project%.Tests}
    case " ${lane1[*]} " in *" $project "*) ;; *) lane2+=("$project") ;; esac
  done
  # Runs projects one at a time: run_lane LOG FILTER PROJECT...
  run_lane() {
    local out=$1 filter=$2 lane_status=0
    shift 2
    for project in "$@"; do
      dotnet test "tests/Campaigns.$project.Tests" -c Release --no-build -nologo --filter "$filter" \
        --blame-hang-timeout 10m --blame-hang-dump-type none "${rest[@]}" >> "$out" 2>&1 || lane_status=$?
    done
    return $lane_status
  }
  echo "lane 1: ${lane1[*]}; lane 2 (own PostgreSQL and Temporal): ${lane2[*]}; then the Runs=Alone tests"
  run_lane "$log.1" "${user_filter}Runs!=Alone" "${lane1[@]}" &
  lane1_pid=$!
  (
    unset CAMPAIGNS_TEST_POSTGRES CAMPAIGNS_TEST_PGDATA TEMPORAL_ADDRESS pg_dir temporal_pid temporal_dir
    trap services_stop EXIT
    { postgres_start && temporal_start; } >> "$log.2" 2>&1 || exit 1
    run_lane "$log.2" "${user_filter}Runs!=Alone" "${lane2[@]}"
  ) &
  lane2_pid=$!
  wait "$lane1_pid" || status=$?
  wait "$lane2_pid" || status=$?
  cat "$log.1" "$log.2" | tee -a "$log"
  rm -f "$log.1" "$log.2"
  run_lane "$log.3" "${user_filter}Runs=Alone" Workflows Faults || status=$?
  tee -a "$log" < "$log.3"
  rm -f "$log.3"
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
