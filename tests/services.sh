# Sourced by tests/run.sh: start and stop what the test suites need, on loopback only.
# Each service exports the environment variable its tests read; a test suite that needs a service
# whose variable is unset fails with a message naming it (never silently skips).

services_start() {
  temporal_start
}

services_stop() {
  temporal_stop
}

# Temporal dev server: from $TEMPORAL_CLI, else ../shared/tools/temporal/temporal when present.
# When neither exists no server is started and TEMPORAL_ADDRESS stays unset (no workflow tests yet).
temporal_start() {
  local cli="${TEMPORAL_CLI:-}"
  if [ -z "$cli" ] && [ -x "$root/../shared/tools/temporal/temporal" ]; then
    cli="$root/../shared/tools/temporal/temporal"
  fi
  if [ -n "${TEMPORAL_ADDRESS:-}" ] || [ -z "$cli" ]; then
    return 0
  fi
  local port
  port=$(free_port)
  temporal_dir=$(mktemp -d)
  "$cli" server start-dev --ip 127.0.0.1 --port "$port" --headless --db-filename "$temporal_dir/temporal.db" \
    >"$temporal_dir/server.log" 2>&1 &
  temporal_pid=$!
  export TEMPORAL_ADDRESS="127.0.0.1:$port"
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "Temporal dev server did not start; its log:" >&2
  cat "$temporal_dir/server.log" >&2
  return 1
}

temporal_stop() {
  if [ -n "${temporal_pid:-}" ]; then kill "$temporal_pid" 2>/dev/null || true; wait "$temporal_pid" 2>/dev/null || true; fi
  if [ -n "${temporal_dir:-}" ]; then rm -rf "$temporal_dir"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000))
}
