#!/usr/bin/env bash
# Runs a benchmark with the services the test command starts (a throwaway PostgreSQL, …).
#   bash tests/bench.sh simulator [seconds] [concurrency]
#   bash tests/bench.sh storage
#   bash tests/bench.sh campaign [targets=20000] [short] [no-plain] [redial] [callbacks] [no-group-commit] [polls-first]   (also uses the Temporal dev server)
#     One campaign by the worker (durable), then by a plain async script (unless no-plain), each against a
#     fresh simulator at TimeScale 1. Default: the simulator's own call mix (rings 2-20 s, talks 5-60 s,
#     20 % ring out the campaign's 30 s timeout, records ~5 s after the end, 2 % minutes late, 1 % never;
#     a record that never comes is waited for up to 600 s, so a run lasts targets / 180 s + ~10 minutes at
#     least); "short" keeps 1-2 s rings and talks with prompt records; "callbacks" runs the worker's campaign twice,
#     callbacks off then on (the simulator posting to the worker's receiver: 0-1 s late, 5 % twice, none lost or
#     held back), and prints the two side by side. Prints figures, asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# shellcheck source=tests/services.sh
source "$root/tests/services.sh"
# The trap comes first: a service that fails half-way through starting is still stopped.
trap services_stop EXIT
services_start
dotnet run -c Release --project tests/Campaigns.Bench -- "$@" 2>&1 | grep --line-buffered -v -E '^(info|      )'
