# shellcheck shell=bash
# Throwaway PostgreSQL 15 cluster for tests: source this file, then pg_start <dir> / pg_stop <dir>.
#
# pg_start exports PAYPRO_TEST_DATABASE_URL, PGPORT_USED and PAYPRO_PG_DIR.
# The cluster listens on 127.0.0.1 only, trusts every local connection and
# keeps fsync on, so tests see the same durability behaviour as production.

# Marker written into every directory pg_start owns, so pg_stop never deletes anything else.
PG_MARKER=".paypro-throwaway-pg"
# Used only when running as root and no "postgres" system user exists.
PG_FALLBACK_USER="webhookd-pg"

pg_log() {
  echo "pg: $*" >&2
}

pg_bindir() {
  if [[ -x /usr/lib/postgresql/15/bin/pg_ctl ]]; then
    echo /usr/lib/postgresql/15/bin
  elif command -v pg_config >/dev/null 2>&1; then
    pg_config --bindir
  else
    pg_log "PostgreSQL 15 binaries not found (install postgresql-15)"
    return 1
  fi
}

# Prints the OS user that owns and runs the cluster. initdb refuses to run as
# root, so root hands the cluster to an unprivileged user.
pg_run_user() {
  if [[ "$(id -u)" -ne 0 ]]; then
    id -un
  elif id -u postgres >/dev/null 2>&1; then
    echo postgres
  else
    if ! id -u "$PG_FALLBACK_USER" >/dev/null 2>&1; then
      useradd --system --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin "$PG_FALLBACK_USER" >&2
    fi
    echo "$PG_FALLBACK_USER"
  fi
}

# Runs a command as the cluster user, from inside the cluster directory so the
# user never needs access to the caller's working directory.
pg_as_user() {
  local user="$1" dir="$2"
  shift 2
  if [[ "$user" == "$(id -un)" ]]; then
    (cd "$dir" && "$@")
  elif command -v runuser >/dev/null 2>&1; then
    (cd "$dir" && runuser -u "$user" -- "$@")
  else
    (cd "$dir" && su "$user" -s /bin/sh -c "$(printf '%q ' "$@")")
  fi
}

# Succeeds when something accepts TCP connections on 127.0.0.1:<port>.
pg_port_in_use() {
  timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

pg_pick_port() {
  local port attempt
  for attempt in $(seq 1 100); do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 30000))
    if ! pg_port_in_use "$port"; then
      echo "$port"
      return 0
    fi
  done
  pg_log "no free TCP port found after $attempt attempts"
  return 1
}

# Creates the cluster files in <dir>/data with the test settings, then the
# NAME=VALUE settings given after <dir>, which override them.
pg_init_cluster() {
  local bindir="$1" user="$2" dir="$3" setting
  shift 3
  # --no-sync only skips flushing initdb's own output; the server keeps fsync on.
  pg_as_user "$user" "$dir" "$bindir/initdb" --pgdata="$dir/data" --username=postgres \
    --auth=trust --encoding=UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 || {
    pg_log "initdb failed:"
    cat "$dir/initdb.log" >&2
    return 1
  }
  cat >>"$dir/data/postgresql.conf" <<EOF

# Throwaway test cluster settings (scripts/lib/pg.sh).
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 200
shared_buffers = 128MB
EOF
  for setting in "$@"; do
    echo "${setting%%=*} = '${setting#*=}'" >>"$dir/data/postgresql.conf"
  done
}

# Starts the server on a free port, retrying when another process grabs the
# port between probing and binding. Prints the port.
pg_launch() {
  local bindir="$1" user="$2" dir="$3"
  local port attempt log_lines
  for attempt in 1 2 3 4 5; do
    port="$(pg_pick_port)" || return 1
    log_lines="$(wc -l 2>/dev/null <"$dir/postgres.log" || echo 0)"
    if pg_as_user "$user" "$dir" "$bindir/pg_ctl" --pgdata="$dir/data" --log="$dir/postgres.log" \
      --wait --timeout=60 --options="-p $port" start >/dev/null; then
      echo "$port"
      return 0
    fi
    # Only this attempt's log lines tell whether the port was the problem.
    if ! tail -n "+$((log_lines + 1))" "$dir/postgres.log" |
      grep -qE 'could not (bind|create any TCP)|Address already in use'; then
      break
    fi
    pg_log "port $port taken (attempt $attempt), retrying"
  done
  pg_log "server failed to start; log tail:"
  tail -n 30 "$dir/postgres.log" >&2 || true
  return 1
}

pg_wait_ready() {
  local bindir="$1" port="$2" i
  for i in $(seq 1 60); do
    if "$bindir/pg_isready" --quiet --host=127.0.0.1 --port="$port"; then
      return 0
    fi
    sleep 0.5
  done
  pg_log "server on port $port not accepting connections after $i checks"
  return 1
}

pg_create_test_db() {
  local bindir="$1" port="$2"
  "$bindir/psql" --quiet --no-psqlrc --set=ON_ERROR_STOP=1 --host=127.0.0.1 --port="$port" \
    --username=postgres --dbname=postgres \
    --command='CREATE ROLE webhookd SUPERUSER LOGIN' \
    --command='CREATE DATABASE webhookd OWNER webhookd' >/dev/null
}

# Prepares <dir> (created if missing) so the cluster user can write it.
pg_prepare_dir() {
  local user="$1" dir="$2"
  mkdir -p "$dir"
  chmod 700 "$dir"
  touch "$dir/$PG_MARKER"
  if [[ "$user" != "$(id -un)" ]]; then
    chown -R "$user:" "$dir"
  fi
}

# pg_start [dir [NAME=VALUE...]]: starts a throwaway cluster in <dir> (default:
# a new mktemp directory under /tmp), with the given PostgreSQL settings on top
# of the test settings, and exports the connection settings. A setting
# PostgreSQL rejects stops the server from starting, with its log tail.
pg_start() {
  local dir="${1:-}" bindir user port
  shift || true
  if [[ -z "$dir" ]]; then
    dir="$(mktemp -d /tmp/paypro-pg.XXXXXX)"
  fi
  bindir="$(pg_bindir)" || return 1
  user="$(pg_run_user)" || return 1
  pg_prepare_dir "$user" "$dir" || return 1
  export PAYPRO_PG_DIR="$dir"
  pg_init_cluster "$bindir" "$user" "$dir" "$@" || return 1
  port="$(pg_launch "$bindir" "$user" "$dir")" || return 1
  pg_wait_ready "$bindir" "$port" || return 1
  pg_create_test_db "$bindir" "$port" || return 1
  echo "$port" >"$dir/port"
  export PGPORT_USED="$port"
  export PAYPRO_TEST_DATABASE_URL="postgresql://webhookd@127.0.0.1:$port/webhookd"
  pg_log "cluster running in $dir on 127.0.0.1:$port"
}

# pg_stop [dir]: stops the cluster started in <dir> (default: $PAYPRO_PG_DIR)
# and removes the directory. Safe to call twice or after a failed pg_start.
pg_stop() {
  local dir="${1:-${PAYPRO_PG_DIR:-}}" bindir user
  if [[ -z "$dir" || ! -d "$dir" ]]; then
    return 0
  fi
  if [[ ! -e "$dir/$PG_MARKER" ]]; then
    pg_log "refusing to remove $dir: not a throwaway cluster directory"
    return 1
  fi
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    bindir="$(pg_bindir)" || return 1
    user="$(stat -c %U "$dir/data")"
    pg_as_user "$user" "$dir" "$bindir/pg_ctl" --pgdata="$dir/data" --mode=fast \
      --wait --timeout=30 stop >/dev/null ||
      pg_as_user "$user" "$dir" "$bindir/pg_ctl" --pgdata="$dir/data" --mode=immediate \
        --wait stop >/dev/null ||
      pg_log "could not stop the server in $dir"
  fi
  rm -rf "$dir"
  pg_log "cluster in $dir stopped and removed"
}

# pg_ctl_cluster <stop|start|restart> [mode] [dir]: stops or starts the running
# throwaway cluster in <dir> (default: $PAYPRO_PG_DIR) on its port, keeping its
# files. Outage tests use it to take PostgreSQL away and bring it back.
pg_ctl_cluster() {
  local action="$1" mode="${2:-fast}" dir="${3:-${PAYPRO_PG_DIR:-}}" bindir user port
  [[ -e "$dir/$PG_MARKER" ]] || { pg_log "$dir is not a throwaway cluster"; return 1; }
  bindir="$(pg_bindir)" || return 1
  user="$(stat -c %U "$dir/data")"
  port="$(cat "$dir/port" 2>/dev/null || true)"
  case "$action" in
    stop) pg_as_user "$user" "$dir" "$bindir/pg_ctl" --pgdata="$dir/data" --mode="$mode" --wait stop >/dev/null ;;
    start)
      pg_as_user "$user" "$dir" "$bindir/pg_ctl" --pgdata="$dir/data" --log="$dir/postgres.log" \
        --wait --timeout=60 --options="-p $port" start >/dev/null && pg_wait_ready "$bindir" "$port" ;;
    restart)
      pg_as_user "$user" "$dir" "$bindir/pg_ctl" --pgdata="$dir/data" --mode="$mode" --wait stop >/dev/null
      pg_ctl_cluster start "$mode" "$dir" ;;
    *) pg_log "pg_ctl_cluster: unknown action $action"; return 1 ;;
  esac
}
