# Sourced by tests/run.sh: start and stop what the test suites need, on loopback only.
# Each service exports the environment variable its tests read; a test suite that needs a service
# whose variable is unset fails with a message naming it (never silently skips).

services_start() {
  compose_install
  postgres_start
  temporal_start
  browser_install
}

services_stop() {
  temporal_stop
  postgres_stop
}

# PostgreSQL: a throwaway cluster on a free loopback port, from the machine's PostgreSQL binaries
# (Debian's postgresql package is installed when they are missing). The server refuses to run as
# root, so as root it runs as the 'postgres' user. Exports:
#   CAMPAIGNS_TEST_POSTGRES  an admin connection string (tests create their own databases)
#   CAMPAIGNS_TEST_PGDATA, CAMPAIGNS_TEST_PGCTL, CAMPAIGNS_TEST_PGUSER  so tests can restart the server
postgres_start() {
  if [ -n "${CAMPAIGNS_TEST_POSTGRES:-}" ]; then return 0; fi
  local bin
  bin=$(postgres_bin) || {
    echo "installing PostgreSQL from Debian's packages" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) >&2
    bin=$(postgres_bin) || { echo "PostgreSQL binaries not found after install" >&2; return 1; }
  }
  local run_as=()
  pg_user=$(id -un)
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    run_as=(runuser -u postgres --)
    pg_user=postgres
  fi
  pg_dir=$(mktemp -d /tmp/campaigns-pg.XXXXXX)
  chmod 755 "$pg_dir"
  [ "$pg_user" = "$(id -un)" ] || chown "$pg_user" "$pg_dir"
  local port
  port=$(free_port)
  "${run_as[@]}" "$bin/initdb" -D "$pg_dir/data" -U campaigns --auth=trust -E UTF8 --no-locale >"$pg_dir/initdb.log" 2>&1 \
    || { cat "$pg_dir/initdb.log" >&2; return 1; }
  # Throwaway and loopback-only: no fsync, a socket in our own folder, enough connections for parallel suites.
  "${run_as[@]}" "$bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$pg_dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null || { cat "$pg_dir/server.log" >&2; return 1; }
  pg_ctl_cmd="$bin/pg_ctl"
  export CAMPAIGNS_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=campaigns;Database=postgres"
  export CAMPAIGNS_TEST_PGDATA="$pg_dir/data" CAMPAIGNS_TEST_PGCTL="$bin/pg_ctl" CAMPAIGNS_TEST_PGUSER="$pg_user"
}

postgres_stop() {
  if [ -n "${pg_dir:-}" ]; then
    if [ "$(id -u)" -eq 0 ]; then
      runuser -u postgres -- "$pg_ctl_cmd" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
    else
      "$pg_ctl_cmd" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$pg_dir"
  fi
}

postgres_bin() {
  local d
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v initdb)")"
    return 0
  fi
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
  done
  return 1
}

# A compose implementation for the deployment tests, which validate docker-compose.yml with its `config`
# command (no Docker engine needed): Debian's docker-compose (1.29.2), installed when missing, without the
# engine it recommends. Exports CAMPAIGNS_TEST_COMPOSE (a value already set, e.g. "docker compose", is kept).
compose_install() {
  if [ -n "${CAMPAIGNS_TEST_COMPOSE:-}" ]; then return 0; fi
  if ! command -v docker-compose >/dev/null 2>&1; then
    echo "installing docker-compose from Debian's packages" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null) >&2 \
      || { echo "warning: docker-compose could not be installed; the deployment tests will fail naming CAMPAIGNS_TEST_COMPOSE" >&2; return 0; }
  fi
  CAMPAIGNS_TEST_COMPOSE=$(command -v docker-compose)
  export CAMPAIGNS_TEST_COMPOSE
}

# Temporal dev server, headless, on a free loopback port, with the project's search attributes. The CLI
# comes from $TEMPORAL_CLI_PATH, else ../shared/tools/temporal (its install.sh unpacks it offline into a
# cache folder), else `temporal` on PATH. An address already in TEMPORAL_ADDRESS is used as it is. When
# no CLI exists no server is started and TEMPORAL_ADDRESS stays unset: the workflow tests then use the
# SDK's own download (WorkflowEnvironment.StartLocalAsync), which works where the internet is reachable.
# Exports TEMPORAL_ADDRESS, and TEMPORAL_CLI_PATH for tests that drive the CLI (`temporal workflow start`).
temporal_start() {
  if [ -n "${TEMPORAL_ADDRESS:-}" ]; then return 0; fi
  temporal_install
  local cli="${TEMPORAL_CLI_PATH:-}"
  if [ -z "$cli" ]; then cli=$(command -v temporal 2>/dev/null) || return 0; fi
  export TEMPORAL_CLI_PATH="$cli"
  local port
  port=$(free_port)
  temporal_dir=$(mktemp -d /tmp/campaigns-temporal.XXXXXX)
  # CAMPAIGNS_SUGGEST_CAN=N (benchmarks): the server suggests continue-as-new after N history events (default 4096).
  local extra=()
  if [ -n "${CAMPAIGNS_SUGGEST_CAN:-}" ]; then
    extra=(--dynamic-config-value "limit.historyCount.suggestContinueAsNew=$CAMPAIGNS_SUGGEST_CAN")
  fi
  "$cli" server start-dev --ip 127.0.0.1 --port "$port" --headless --db-filename "$temporal_dir/temporal.db" \
    --log-level warn "${extra[@]}" \
    --search-attribute CampaignId=Keyword --search-attribute CampaignStatus=Keyword \
    >"$temporal_dir/server.log" 2>&1 &
  temporal_pid=$!
  export TEMPORAL_ADDRESS="127.0.0.1:$port"
  for _ in $(seq 1 150); do
    if "$cli" operator namespace describe --address "$TEMPORAL_ADDRESS" --namespace default >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.2
  done
  echo "Temporal dev server did not start; its log:" >&2
  cat "$temporal_dir/server.log" >&2
  return 1
}

# Exports TEMPORAL_CLI_PATH and TEMPORAL_TEST_SERVER_PATH from the project's offline copy in
# ../shared/tools/temporal (unpacked into a cache folder), unless they point at binaries already.
temporal_install() {
  if [ -n "${TEMPORAL_CLI_PATH:-}" ] && [ -x "$TEMPORAL_CLI_PATH" ]; then return 0; fi
  local installer="$root/../shared/tools/temporal/install.sh"
  [ -f "$installer" ] || return 0
  local out
  if out=$(bash "$installer"); then
    eval "$out"
    export TEMPORAL_CLI_PATH TEMPORAL_TEST_SERVER_PATH
  else
    echo "warning: $installer failed; looking for temporal on PATH" >&2
  fi
}

temporal_stop() {
  if [ -n "${temporal_pid:-}" ]; then kill "$temporal_pid" 2>/dev/null || true; wait "$temporal_pid" 2>/dev/null || true; fi
  if [ -n "${temporal_dir:-}" ]; then rm -rf "$temporal_dir"; fi
}

# Chromium and its chromedriver for the Web UI test, from Debian's packages (chromium, chromium-driver), installed
# when missing: the test drives the machine's own browser, never a downloaded one. Exports:
#   CAMPAIGNS_TEST_CHROMIUM      the browser executable
#   CAMPAIGNS_TEST_CHROMEDRIVER  its driver (the same Chromium version, from the same Debian source package)
# A failed install only warns: the Web UI test then fails naming the variable it misses.
browser_install() {
  if [ -n "${CAMPAIGNS_TEST_CHROMIUM:-}" ] && [ -n "${CAMPAIGNS_TEST_CHROMEDRIVER:-}" ]; then return 0; fi
  if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    echo "installing Chromium and chromedriver from Debian's packages" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) >&2 \
      || echo "warning: installing chromium and chromium-driver failed" >&2
  fi
  if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    export CAMPAIGNS_TEST_CHROMIUM CAMPAIGNS_TEST_CHROMEDRIVER
    CAMPAIGNS_TEST_CHROMIUM=$(command -v chromium)
    CAMPAIGNS_TEST_CHROMEDRIVER=$(command -v chromedriver)
  fi
  return 0
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000))
}
