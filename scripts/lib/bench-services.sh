# shellcheck shell=bash disable=SC2034  # the functions set globals for scripts/bench
# The services scripts/bench starts and measures: each on its own free port with a
# generated config, its PID added to PIDS so that cleanup stops it, and readings of
# its CPU time and peak memory from /proc.

# stop_pid PID: SIGTERM, wait for it to exit, and forget it (its number may be reused).
stop_pid() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  local -a running=()
  local pid
  for pid in "${PIDS[@]}"; do [[ "$pid" == "$1" ]] || running+=("$pid"); done
  PIDS=("${running[@]}")
}

# pick_port VAR: sets VAR to a port nothing listens on, below the kernel's
# ephemeral range (so no outgoing connection can be holding it) and not handed
# out before in this run (USED_PORTS).
pick_port() {
  local low port attempt
  low="$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range)"
  for attempt in $(seq 1 100); do
    port=$((10000 + (RANDOM * 32768 + RANDOM) % (low - 10000)))
    if [[ "$USED_PORTS" != *" $port "* ]] && ! pg_port_in_use "$port"; then
      USED_PORTS+="$port "
      printf -v "$1" '%s' "$port"
      return 0
    fi
  done
  die "no free port after $attempt attempts"
}

# wait_http URL: until it answers 2xx, at most 10 s.
wait_http() {
  local i
  for i in $(seq 1 100); do
    curl -sf -o /dev/null "$1" && return 0
    sleep 0.1
  done
  die "no answer from $1"
}

peak_rss_kb() {
  awk '/^VmHWM:/ {print $2}' "/proc/$1/status"
}

cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"
}

# Core-seconds the whole machine has been busy since boot (every process, the
# kernel included): the difference over a run is what the run cost the machine.
machine_busy_seconds() {
  machine_ticks | awk -v hz="$(getconf CLK_TCK)" '{ print ($1 + $3) / hz }'
}

# CPU seconds of the PostgreSQL cluster: the postmaster and its children now
# running (the daemon's connections live through a run; pgbench's do not matter here).
pg_cpu_seconds() {
  local postmaster pid
  postmaster="$(head -1 "$PAYPRO_PG_DIR/data/postmaster.pid")"
  for pid in "$postmaster" $(pgrep -P "$postmaster"); do
    cpu_seconds "$pid" 2>/dev/null || true
  done | awk '{ total += $1 } END { print total + 0 }'
}

# start_sandbox LOG ARGS...: sets SANDBOX_STARTED_URL and SANDBOX_STARTED_PID.
start_sandbox() {
  local log="$1"
  shift
  "$BUILD_DIR/sandbox/paypro-sandbox" serve --listen 127.0.0.1:0 --api-key "$API_KEY" \
    --webhook-secret "$SECRET" "$@" >"$log" 2>"$log.err" &
  SANDBOX_STARTED_PID=$!
  PIDS+=("$SANDBOX_STARTED_PID")
  local i
  for i in $(seq 1 100); do grep -qs "listening on" "$log" && break; sleep 0.1; done
  SANDBOX_STARTED_URL="http://$(grep -m1 -o 'listening on [0-9.:]*' "$log" | cut -d' ' -f3)"
}

# fresh_database NAME: a new database with the daemon's schema, copied from the template.
fresh_database() {
  psql -q "$PAYPRO_TEST_DATABASE_URL" -c "CREATE DATABASE $1 TEMPLATE bench_template" >/dev/null
  # Each run starts without the previous one's dirty pages to write back, nor
  # the bench's own (the exported calls, hundreds of MB): the kernel writes
  # dirty pages out in bursts that hold up PostgreSQL's WAL flushes for tens of
  # milliseconds, and would do it in the middle of the next measurement.
  if ((!QUICK)); then
    psql -q "$PAYPRO_TEST_DATABASE_URL" -c "CHECKPOINT" >/dev/null
    sync
  fi
  echo "${PAYPRO_TEST_DATABASE_URL%/*}/$1"
}

# The table the bench's sql handler writes (and the database floor's pgbench script).
create_processed_table() {
  psql -q "$1" -c "CREATE TABLE bench_processed (event_id text PRIMARY KEY, processed_at timestamptz DEFAULT now())"
}

# drop_database NAME: once a run is measured, so that autovacuum on its dead rows
# cannot take CPU and I/O from the runs after it.
drop_database() {
  psql -q "$PAYPRO_TEST_DATABASE_URL" -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" >/dev/null
}

# The whole machine's CPU time since boot, in clock ticks: busy (user, nice,
# system, irq, softirq), idle (idle, iowait) and stolen by the hypervisor.
machine_ticks() {
  awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8, $5 + $6, $9 }' /proc/stat
}

# machine_shares TICKS0 TICKS1: the shares of the ticks between two
# machine_ticks readings as JSON (machine_busy_pct, machine_idle_pct, machine_steal_pct).
machine_shares() {
  awk -v a="$1" -v b="$2" 'BEGIN {
    split(a, x, " "); split(b, y, " ")
    total = (y[1] - x[1]) + (y[2] - x[2]) + (y[3] - x[3])
    if (total <= 0) total = 1
    printf "{\"machine_busy_pct\":%.1f,\"machine_idle_pct\":%.1f,\"machine_steal_pct\":%.1f}\n",
      100 * (y[1] - x[1]) / total, 100 * (y[2] - x[2]) / total, 100 * (y[3] - x[3]) / total
  }'
}

# inbox_waits_start DB: samples, in the background, what the daemon's inbox
# sessions on DB wait for (bench/inbox_waits.sql) and how busy the machine's
# cores are, over the middle 80 % of a DURATION-long run, counted from the
# first stored call (the load generator reads its calls first).
# inbox_waits_finish sets SAMPLED to both as one JSON object (inbox_<wait>_pct
# and machine_shares' keys); not in a subshell, as only this shell can wait
# for the sampler.
inbox_waits_start() {
  INBOX_WAITS_FILE="$WORK_DIR/inbox-waits-$1.json"
  (
    local give_up=$((SECONDS + 120)) ticks
    until [[ "$(metric paypro_webhookd_inbox_rows_total)" =~ ^[1-9] ]] || ((SECONDS > give_up)); do sleep 0.05; done
    sleep "$(awk -v d="$DURATION" 'BEGIN { print d * 0.1 }')"
    ticks="$(machine_ticks)"
    psql -qtAX "$PAYPRO_TEST_DATABASE_URL" -v db="$1" \
      -v seconds="$(awk -v d="$DURATION" 'BEGIN { print d * 0.8 }')" -f "$REPO_ROOT/bench/inbox_waits.sql" &&
      machine_shares "$ticks" "$(machine_ticks)"
  ) >"$INBOX_WAITS_FILE" 2>&1 &
  INBOX_WAITS_PID=$!
  PIDS+=("$INBOX_WAITS_PID")
}

inbox_waits_finish() {
  wait "$INBOX_WAITS_PID" || die "sampling the inbox's waits failed: $(cat "$INBOX_WAITS_FILE")"
  SAMPLED="$(jq -cs '(.[0] | with_entries(.key = "inbox_\(.key)_pct")) + .[1]' "$INBOX_WAITS_FILE")"
}

# daemon_config FILE DB_URL API_BASE EXTRA_YAML: writes a config on free ports; sets DAEMON_PORT, ADMIN_PORT.
daemon_config() {
  pick_port DAEMON_PORT
  pick_port ADMIN_PORT
  cat >"$1" <<YAML
server: { listen: 127.0.0.1:$DAEMON_PORT, shutdown_timeout_s: 1 }
admin: { listen: 127.0.0.1:$ADMIN_PORT }
database: { url: "$2" }
log: { level: warn }
$4
YAML
  printf 'paypro: { api_base: %s, api_key: %s, webhook_secrets: [%s], request_timeout_ms: 3600000 }\n' \
    "$3" "$API_KEY" "$SECRET" >>"$1"
}

# start_daemon CONFIG LOG: sets DAEMON_PID once /readyz answers.
start_daemon() {
  "$BUILD_DIR/daemon/paypro-webhookd" --config "$1" >"$2" 2>&1 &
  DAEMON_PID=$!
  PIDS+=("$DAEMON_PID")
  wait_http "http://127.0.0.1:$ADMIN_PORT/readyz"
}

# metric NAME: one sample of the daemon's /metrics. awk reads to the end, so
# curl never sees a closed pipe (a failure under pipefail).
metric() {
  curl -sf "http://127.0.0.1:$ADMIN_PORT/metrics" | awk -v name="$1" '$1 == name { value = $2 } END { print value }'
}

# nginx answering `return 200` on a fresh prefix; sets NGINX_PORT and NGINX_PID.
start_nginx() {
  local prefix="$WORK_DIR/nginx-$1"
  mkdir -p "$prefix/logs"
  pick_port NGINX_PORT
  cat >"$prefix/nginx.conf" <<EOF
worker_processes auto;
daemon off;
pid $prefix/nginx.pid;
error_log $prefix/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $prefix/body;
  keepalive_requests 10000000;
  keepalive_timeout 75s;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / { return 200 "ok\n"; }
  }
}
EOF
  nginx -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/error.log" &
  NGINX_PID=$!
  PIDS+=("$NGINX_PID")
  wait_http "http://127.0.0.1:$NGINX_PORT/"
}

# adnanh/webhook with a payload-hmac-sha256 rule. It can only check an HMAC over
# the body, not PayPro's "<timestamp>.<body>", so its calls are signed over the
# body alone (paypro-loadgen --resign body-hmac): the same work, one header less.
start_webhook() {
  pick_port WEBHOOK_PORT
  cat >"$WORK_DIR/hooks.json" <<EOF
[{ "id": "paypro", "execute-command": "/bin/true", "response-message": "ok",
   "trigger-rule": { "match": { "type": "payload-hmac-sha256", "secret": "$SECRET",
                                "parameter": { "source": "header", "name": "PayPro-Signature" } } } }]
EOF
  webhook -hooks "$WORK_DIR/hooks.json" -ip 127.0.0.1 -port "$WEBHOOK_PORT" >"$WORK_DIR/webhook-$1.log" 2>&1 &
  WEBHOOK_PID=$!
  PIDS+=("$WEBHOOK_PID")
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$WEBHOOK_PORT/hooks/paypro" && return 0
    sleep 0.1
  done
  die "webhook did not start"
}
