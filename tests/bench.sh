#!/usr/bin/env bash
# Runs a benchmark with the services the test command starts (a throwaway PostgreSQL, …).
#   bash tests/bench.sh simulator [seconds] [concurrency]
#   bash tests/bench.sh storage
#   bash tests/bench.sh campaign [targets=20000] [no-plain]   (also uses the Temporal dev server)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# shellcheck source=tests/services.sh
source "$root/tests/services.sh"
# The trap comes first: a service that fails half-way through starting is still stopped.
trap services_stop EXIT
services_start
dotnet run -c Release --project tests/Campaigns.Bench -- "$@" 2>&1 | grep -v -E '^(info|      )'
