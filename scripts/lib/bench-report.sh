# shellcheck shell=bash
# scripts/bench's results: medians of the runs (results JSON), the Markdown tables of
# docs/BENCHMARKS.md, and the sanity check that makes `scripts/bench --quick` a test.
# Needs jq. Generated tables sit between <!-- bench:NAME --> and <!-- /bench:NAME -->
# markers; everything outside them in docs/BENCHMARKS.md is prose kept as written.

# ---- collecting --------------------------------------------------------------

bench_machine_json() {
  local disk_source rotational=""
  disk_source="$(df --output=source "$PAYPRO_PG_DIR" | tail -1)"
  local dev
  dev="$(basename "$disk_source")"
  [[ -r "/sys/block/$dev/queue/rotational" ]] && rotational="$(cat "/sys/block/$dev/queue/rotational")"
  local -a settings=(server_version synchronous_commit fsync wal_sync_method full_page_writes shared_buffers
    max_wal_size checkpoint_timeout wal_level)
  local pg_json="{}" name value
  for name in "${settings[@]}"; do
    value="$(psql -tA "$PAYPRO_TEST_DATABASE_URL" -c "SHOW $name")"
    pg_json="$(jq -c --arg k "$name" --arg v "$value" '. + {($k): $v}' <<<"$pg_json")"
  done
  jq -n --arg cores "$(nproc)" --arg model "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)" \
    --arg mem_kb "$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)" \
    --arg disk "$(df -h --output=source,fstype,size "$PAYPRO_PG_DIR" | tail -1 | tr -s ' ')" \
    --arg rotational "$rotational" --arg os "$(. /etc/os-release && echo "$PRETTY_NAME")" \
    --arg kernel "$(uname -r)" --argjson pg "$pg_json" \
    --arg nginx "$(nginx -v 2>&1 | sed 's/.*nginx\///')" \
    --arg webhook "$(webhook -version 2>&1 | awk '{print $NF}')" \
    --arg wrk "$(wrk -v 2>&1 | awk 'NR == 1 {print $2}')" \
    '{cores: ($cores | tonumber), cpu: $model, memory_gib: (($mem_kb | tonumber) / 1048576 * 10 | round / 10),
      disk: $disk, disk_rotational: ($rotational == "1"), os: $os, kernel: $kernel, postgresql: $pg,
      tools: {nginx: $nginx, webhook: $webhook, wrk: $wrk}}'
}

# report_results RUNS_FILE OUT STARTED LOAD_BEFORE: medians per measurement, with every run kept.
report_results() {
  local git_rev
  git_rev="$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  if [[ -n "$(git -C "$REPO_ROOT" status --porcelain 2>/dev/null)" ]]; then git_rev="$git_rev+changes"; fi
  jq -s --arg started "$3" --arg load_before "$4" --arg load_after "$(cut -d' ' -f1-3 /proc/loadavg)" \
    --arg git "$git_rev" --argjson machine "$(bench_machine_json)" \
    --argjson settings "$(jq -n --argjson runs "$RUNS" --argjson d "$DURATION" --argjson c "$CONNECTIONS" --argjson lc "$LATENCY_CONNECTIONS" \
      --argjson burst "$BURST" --argjson rate "$LATENCY_RATE" --argjson ls "$LATENCY_S" --argjson lw "$LATENCY_WARMUP_S" \
      --argjson bf "$BACKFILL_EVENTS" --argjson quick "$QUICK" \
      '{runs: $runs, duration_s: $d, connections: $c, latency_connections: $lc, burst_events: $burst, latency_rate: $rate,
        latency_s: $ls, latency_warmup_s: $lw, backfill_events: $bf, quick: ($quick == 1)}')" '
    def median: sort | if length == 0 then null
      elif length % 2 == 1 then .[length / 2 | floor]
      else (.[length / 2 - 1] + .[length / 2]) / 2 end;
    # Numbers: the median over the runs; anything else: the list of values.
    def medians: . as $runs | [$runs[] | keys[]] | unique | map(select(. != "name" and . != "run"))
      | map(. as $k | [$runs[] | .[$k]] as $values
        | {key: $k, value: (if ($values | all(type == "number")) then ($values | median) else $values end)})
      | from_entries;
    {generated: $started, git: $git, machine: $machine, settings: $settings,
     load_average: {before: $load_before, after: $load_after},
     measurements: (group_by(.name) | map({key: .[0].name, value: {median: medians, runs: map(del(.name))}})
                    | from_entries)}' "$1" >"$2"
}

# ---- formatting --------------------------------------------------------------

# med FIELD NAME: the median of FIELD in measurement NAME, or nothing.
med() {
  jq -r --arg n "$2" --arg f "$1" '.measurements[$n].median[$f] // empty | tostring' "$RESULTS_JSON"
}

fmt_int() {
  [[ -n "$1" && "$1" != null ]] || { echo "–"; return; }
  printf '%.0f' "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'
}

fmt_num() {
  [[ -n "$1" && "$1" != null ]] || { echo "–"; return; }
  printf "%.${2:-2}f" "$1"
}

fmt_mb() {
  [[ -n "$1" && "$1" != null ]] || { echo "–"; return; }
  awk -v kb="$1" 'BEGIN { printf "%.1f", kb / 1024 }'
}

# ratio A B: A / B to two decimals (three significant digits below 0.1), or "–".
ratio() {
  if [[ -z "$1" || -z "$2" || "$1" == null || "$2" == null ]]; then echo "–"; return; fi
  awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) { print "–"; exit } r = a / b; if (r < 0.1) printf "%.3g", r; else printf "%.2f", r }'
}

# yes_no CONDITION_AWK A B: "yes" when the awk condition on a and b holds.
yes_no() {
  if [[ -z "$2" || -z "$3" || "$2" == null || "$3" == null ]]; then echo "–"; return; fi
  awk -v a="$2" -v b="$3" "BEGIN { print (($1) ? \"**yes**\" : \"no\") }"
}

# ---- sections ----------------------------------------------------------------

section_machine() {
  jq -r '
    .machine as $m | .settings as $s |
    "| | |", "|---|---|",
    "| CPU | \($m.cores) cores, \($m.cpu) |",
    "| memory | \($m.memory_gib) GiB |",
    "| disk (PostgreSQL data) | \($m.disk)\(if $m.disk_rotational then " (reports rotational=1)" else "" end) |",
    "| system | \($m.os), Linux \($m.kernel) |",
    "| PostgreSQL | \($m.postgresql.server_version): synchronous_commit=\($m.postgresql.synchronous_commit), fsync=\($m.postgresql.fsync), wal_sync_method=\($m.postgresql.wal_sync_method), full_page_writes=\($m.postgresql.full_page_writes), shared_buffers=\($m.postgresql.shared_buffers), max_wal_size=\($m.postgresql.max_wal_size), checkpoint_timeout=\($m.postgresql.checkpoint_timeout) |",
    "| tools | nginx \($m.tools.nginx), webhook \($m.tools.webhook), wrk \($m.tools.wrk), paypro-loadgen (bench/) |",
    "| load average (1, 5, 15 min) | \(.load_average.before) at the start, \(.load_average.after) at the end |",
    "| runs | \($s.runs) of each, the median reported; \($s.duration_s) s per throughput run, \($s.connections) connections (\($s.latency_connections // $s.connections) in the open-loop latency runs) |",
    "| measured | \(.generated), commit \(.git) |"' "$RESULTS_JSON"
}

# throughput_row LABEL NAME: one closed-loop row with the daemon's ratio to it.
throughput_row() {
  local rps ack
  rps="$(med rps "$2")"
  ack="$(med rps ack.daemon)"
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$(fmt_int "$rps")" "$(fmt_num "$(med p50_ms "$2")")" \
    "$(fmt_num "$(med p99_ms "$2")")" "$(fmt_num "$(med p999_ms "$2")")" "$(fmt_num "$(med max_ms "$2")")" \
    "$(ratio "$ack" "$rps")"
}

section_throughput() {
  echo "| closed loop, ${CONNECTIONS_SHOWN} connections | requests/s | p50 ms | p99 ms | p99.9 ms | max ms | ack ÷ this |"
  echo "|---|---|---|---|---|---|---|"
  throughput_row "nginx \`return 200\`, keep-alive (HTTP ceiling)" http.nginx_keepalive
  printf '| the same, measured by wrk (one thread) | %s | %s | %s | – | – | %s |\n' \
    "$(fmt_int "$(med rps http.wrk_keepalive)")" "$(fmt_num "$(med p50_ms http.wrk_keepalive)")" \
    "$(fmt_num "$(med p99_ms http.wrk_keepalive)")" "$(ratio "$(med rps ack.daemon)" "$(med rps http.wrk_keepalive)")"
  throughput_row "nginx \`return 200\`, \`Connection: close\`" http.nginx_close
  throughput_row "webhook (peer): payload-hmac-sha256 rule, runs /bin/true ¹" peer.webhook
  throughput_row "**paypro-webhookd acknowledgement** ²" ack.daemon
  echo
  echo "¹ webhook can only check an HMAC over the body, so its calls are signed over the body alone (PayPro signs \`<timestamp>.<body>\`); it answers before /bin/true has run."
  printf '² signature checked, row committed in the inbox, then 200; the verifier sits on one request to a sandbox that answers after 600 s. %s rows per inbox commit on average. CPU in a %s s run (of %s core-seconds): daemon %s s, PostgreSQL %s s, paypro-loadgen %s s. Peak RSS %s MB.\n' \
    "$(fmt_num "$(med rows_per_batch ack.daemon)" 1)" "$DURATION_SHOWN" "$(jq '.machine.cores * .settings.duration_s' "$RESULTS_JSON")" \
    "$(fmt_num "$(med daemon_cpu_s ack.daemon)" 1)" "$(fmt_num "$(med postgres_cpu_s ack.daemon)" 1)" \
    "$(fmt_num "$(med client_cpu_s ack.daemon)" 1)" "$(fmt_mb "$(med peak_rss_kb ack.daemon)")"
  printf "The inbox's PostgreSQL sessions (pg_stat_activity every 10 ms, bench/inbox_waits.sql): waiting for the daemon's next batch %s %%, on a CPU or runnable %s %%, flushing the WAL %s %%, extending the table %s %%, other %s %%. The machine's cores in the same seconds (/proc/stat): busy %s %%, idle %s %%, taken by the hypervisor %s %%.\n" \
    "$(fmt_num "$(med inbox_client_pct ack.daemon)" 1)" "$(fmt_num "$(med inbox_cpu_pct ack.daemon)" 1)" \
    "$(fmt_num "$(med inbox_flush_pct ack.daemon)" 1)" "$(fmt_num "$(med inbox_extend_pct ack.daemon)" 1)" \
    "$(fmt_num "$(med inbox_other_pct ack.daemon)" 1)" "$(fmt_num "$(med machine_busy_pct ack.daemon)" 1)" \
    "$(fmt_num "$(med machine_idle_pct ack.daemon)" 1)" "$(fmt_num "$(med machine_steal_pct ack.daemon)" 1)"
}

best_one_row() {
  jq -r '[.measurements | to_entries[] | select(.key | startswith("db.one_row")) | .value.median.rows_per_s] | max // empty' \
    "$RESULTS_JSON"
}

# database_row LABEL NAME DAEMON_RATE: one pgbench row, with the daemon's rate ÷ its rows/s.
database_row() {
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$(med clients "db.$2")" "$(fmt_int "$(med tps "db.$2")")" \
    "$(fmt_int "$(med rows_per_s "db.$2")")" "$(fmt_num "$(med latency_avg_ms "db.$2")")" \
    "$(fmt_num "$(med latency_p99_ms "db.$2")")" "$(fmt_num "$(med core_us_per_row "db.$2")" 1)" "$(ratio "$3" "$(med rows_per_s "db.$2")")"
}

section_database() {
  echo "| pgbench, inserting the inbox's rows with ON CONFLICT DO NOTHING | clients | transactions/s | rows/s | mean latency ms | p99 latency ms | machine core-µs per row | daemon ÷ rows/s |"
  echo "|---|---|---|---|---|---|---|---|"
  local name ack
  ack="$(med rps ack.daemon)"
  for name in one_row_c1 one_row_c8 one_row_c32; do
    database_row "one row per transaction" "$name" "$ack"
  done
  database_row "100 rows per transaction" hundred_rows_c8 "$ack"
  database_row "an event's rows, 32 events per pair of transactions (rows = events) ³" event_rows_c8 "$(med e2e_eps e2e.daemon)"
  echo
  echo "³ the database's part of an event end to end, as cheaply as SQL can do it: the inbox row committed, then in a second transaction the row updated to processed with PayPro's copy and the sql handler's row inserted. No claims, leases or ordering checks. Its ratio is the daemon's end-to-end rate ÷ this; the others are its acknowledgement rate ÷ theirs."
}

section_e2e() {
  echo "| burst | sent in s | acknowledged/s | all processed after s | events/s end to end | drained s after the last request | peak RSS MB | CPU s: daemon, PostgreSQL, sandbox |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '| %s | %s | %s | %s | %s | %s | %s | %s, %s, %s |\n' "$(fmt_int "$(med burst e2e.daemon)")" \
    "$(fmt_num "$(med send_s e2e.daemon)" 1)" "$(fmt_int "$(med rps e2e.daemon)")" "$(fmt_num "$(med total_s e2e.daemon)" 1)" \
    "$(fmt_int "$(med e2e_eps e2e.daemon)")" "$(fmt_num "$(med drain_s e2e.daemon)" 1)" \
    "$(fmt_mb "$(med peak_rss_kb e2e.daemon)")" "$(fmt_num "$(med daemon_cpu_s e2e.daemon)" 1)" \
    "$(fmt_num "$(med postgres_cpu_s e2e.daemon)" 1)" "$(fmt_num "$(med sandbox_cpu_s e2e.daemon)" 1)"
  echo
  printf 'When the last call was answered, %s events were verified and %s processed.\n\n' \
    "$(fmt_int "$(med verified_at_last_request e2e.daemon)")" "$(fmt_int "$(med processed_at_last_request e2e.daemon)")"
  printf 'Ratios: end to end ÷ acknowledgement alone %s; ÷ pgbench best one-row rate %s; ÷ pgbench 100-row rows/s %s; ÷ pgbench doing an event'"'"'s rows %s. Peak RSS ÷ webhook'"'"'s (peer, closed loop) %s.\n' \
    "$(ratio "$(med e2e_eps e2e.daemon)" "$(med rps ack.daemon)")" "$(ratio "$(med e2e_eps e2e.daemon)" "$(best_one_row)")" \
    "$(ratio "$(med e2e_eps e2e.daemon)" "$(med rows_per_s db.hundred_rows_c8)")" \
    "$(ratio "$(med e2e_eps e2e.daemon)" "$(med rows_per_s db.event_rows_c8)")" \
    "$(ratio "$(med peak_rss_kb e2e.daemon)" "$(med peak_rss_kb peer.webhook)")"
}

latency_row() {
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$(fmt_num "$(med p50_ms "$2")")" \
    "$(fmt_num "$(med p90_ms "$2")")" "$(fmt_num "$(med p99_ms "$2")")" "$(fmt_num "$(med p999_ms "$2")")" \
    "$(fmt_num "$(med max_ms "$2")")" "$(fmt_int "$(med rps "$2")")" \
    "$(fmt_int "$(awk -v e="$(med errors "$2")" -v n="$(med non_2xx "$2")" 'BEGIN { print e + n }')")"
}

section_latency() {
  echo "| open loop, ${LATENCY_RATE_SHOWN}/s for ${LATENCY_S_SHOWN} s (after ${LATENCY_WARMUP_S_SHOWN} s at that rate) | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | answered/s | errors + non-2xx |"
  echo "|---|---|---|---|---|---|---|---|"
  latency_row "pgbench inserting the inbox's row, one commit each, from ${LATENCY_CONNECTIONS_SHOWN} clients (database ceiling) ⁴" latency.pgbench
  latency_row "nginx \`return 200\` (HTTP ceiling)" latency.nginx
  latency_row "webhook (peer)" latency.webhook
  latency_row "**paypro-webhookd** (defaults, sql handler, verifier and processor running)" latency.daemon
  latency_row "paypro-webhookd, acknowledgement only (verifier stalled, as in the throughput table)" latency.daemon_ack
  echo
  printf 'During the daemon'"'"'s measured run it answered %s calls, and verified %s events and processed %s (the warm-up'"'"'s last events included).\n\n' \
    "$(fmt_int "$(med answered latency.daemon)")" "$(fmt_int "$(med verified_by_end latency.daemon)")" \
    "$(fmt_int "$(med processed_by_end latency.daemon)")"
  printf 'CPU in the %s s run, daemon, PostgreSQL and sandbox: %s, %s and %s s with processing; %s, %s and %s s with processing parked.\n\n' \
    "$LATENCY_S_SHOWN" "$(fmt_num "$(med daemon_cpu_s latency.daemon)" 1)" "$(fmt_num "$(med postgres_cpu_s latency.daemon)" 1)" \
    "$(fmt_num "$(med sandbox_cpu_s latency.daemon)" 1)" "$(fmt_num "$(med daemon_cpu_s latency.daemon_ack)" 1)" \
    "$(fmt_num "$(med postgres_cpu_s latency.daemon_ack)" 1)" "$(fmt_num "$(med sandbox_cpu_s latency.daemon_ack)" 1)"
  printf '⁴ open loop too: pgbench --rate, each latency counted from its transaction'"'"'s scheduled start, read from its transaction log. A durable acknowledgement cannot answer before its commit, so its percentiles are a floor under the daemon'"'"'s at this rate; the daemon shares a commit among the calls that arrive together.\n\n'
  printf 'Ratios of the daemon to pgbench: p50 %s, p99 %s, p99.9 %s; to nginx: p50 %s, p99 %s, p99.9 %s; to webhook: p50 %s, p99 %s, p99.9 %s.\n' \
    "$(ratio "$(med p50_ms latency.daemon)" "$(med p50_ms latency.pgbench)")" \
    "$(ratio "$(med p99_ms latency.daemon)" "$(med p99_ms latency.pgbench)")" \
    "$(ratio "$(med p999_ms latency.daemon)" "$(med p999_ms latency.pgbench)")" \
    "$(ratio "$(med p50_ms latency.daemon)" "$(med p50_ms latency.nginx)")" \
    "$(ratio "$(med p99_ms latency.daemon)" "$(med p99_ms latency.nginx)")" \
    "$(ratio "$(med p999_ms latency.daemon)" "$(med p999_ms latency.nginx)")" \
    "$(ratio "$(med p50_ms latency.daemon)" "$(med p50_ms latency.webhook)")" \
    "$(ratio "$(med p99_ms latency.daemon)" "$(med p99_ms latency.webhook)")" \
    "$(ratio "$(med p999_ms latency.daemon)" "$(med p999_ms latency.webhook)")"
}

section_targets() {
  local ack peer best e2e drain p99 p999 rss
  ack="$(med rps ack.daemon)"
  peer="$(med rps peer.webhook)"
  best="$(best_one_row)"
  e2e="$(med e2e_eps e2e.daemon)"
  drain="$(med drain_s e2e.daemon)"
  p99="$(med p99_ms latency.daemon)"
  p999="$(med p999_ms latency.daemon)"
  rss="$(med peak_rss_kb e2e.daemon)"
  echo "| target (2 cores, synchronous_commit=on) | measured | met |"
  echo "|---|---|---|"
  echo "| acknowledgement ≥ 30,000/s | $(fmt_int "$ack")/s | $(yes_no 'a >= b' "$ack" 30000) |"
  echo "| acknowledgement ≥ 4 × the peer | $(ratio "$ack" "$peer") × | $(yes_no 'a >= 4 * b' "$ack" "$peer") |"
  echo "| acknowledgement ≥ 2 × pgbench's best one-row rate | $(ratio "$ack" "$best") × | $(yes_no 'a >= 2 * b' "$ack" "$best") |"
  echo "| end to end ≥ 10,000 events/s | $(fmt_int "$e2e")/s | $(yes_no 'a >= b' "$e2e" 10000) |"
  echo "| burst of $(fmt_int "$BURST_SHOWN") processed < 30 s after the last request | $(fmt_num "$drain" 1) s | $(yes_no 'a < b' "$drain" 30) |"
  echo "| p99 ≤ 5 ms at ${LATENCY_RATE_SHOWN}/s | $(fmt_num "$p99") ms | $(yes_no 'a <= b' "$p99" 5) |"
  echo "| p99.9 ≤ 20 ms at ${LATENCY_RATE_SHOWN}/s | $(fmt_num "$p999") ms | $(yes_no 'a <= b' "$p999" 20) |"
  echo "| peak RSS ≤ 64 MB during the burst | $(fmt_mb "$rss") MB | $(yes_no 'a <= b' "$rss" 65536) |"
}

# shellcheck disable=SC2016  # the backticks are Markdown
section_backfill() {
  echo "| what | seconds | ratio to fetch only |"
  echo "|---|---|---|"
  printf '| fetch only (`bench-list-walk`) | %s | 1.000 |\n' "$(fmt_num "$(med fetch_s backfill.daemon)")"
  printf '| `--backfill` walk: every page fetched, parsed and recorded (summary `seconds`) | %s | **%s** |\n' \
    "$(fmt_num "$(med walk_s backfill.daemon)")" "$(fmt_num "$(med walk_ratio backfill.daemon)" 3)"
  printf '| whole `--backfill` command, including processing by a `sql` handler (%s of %s events processed when it returned) | %s | %s |\n' \
    "$(fmt_int "$(med processed backfill.daemon)")" "$(fmt_int "$(med events backfill.daemon)")" \
    "$(fmt_num "$(med total_s backfill.daemon)")" "$(fmt_num "$(med total_ratio backfill.daemon)" 3)"
}

# replace_section FILE NAME CONTENT_FILE: swaps what is between the NAME markers.
replace_section() {
  local file="$1" name="$2" content="$3"
  grep -q "^<!-- bench:$name -->\$" "$file" || { echo "bench: no bench:$name marker in $file" >&2; return 1; }
  awk -v begin="<!-- bench:$name -->" -v end="<!-- /bench:$name -->" -v content="$content" '
    $0 == begin { print; while ((getline line < content) > 0) print line; skipping = 1; next }
    $0 == end { skipping = 0 }
    !skipping { print }' "$file" >"$file.new"
  mv "$file.new" "$file"
}

# report_markdown RESULTS DOCS: regenerates the sections in DOCS, or prints them when DOCS is "".
report_markdown() {
  RESULTS_JSON="$1"
  local docs="$2" name section
  CONNECTIONS_SHOWN="$(jq .settings.connections "$RESULTS_JSON")"
  LATENCY_CONNECTIONS_SHOWN="$(jq '.settings.latency_connections // .settings.connections' "$RESULTS_JSON")"
  DURATION_SHOWN="$(jq .settings.duration_s "$RESULTS_JSON")"
  LATENCY_RATE_SHOWN="$(fmt_int "$(jq .settings.latency_rate "$RESULTS_JSON")")"
  LATENCY_S_SHOWN="$(jq .settings.latency_s "$RESULTS_JSON")"
  LATENCY_WARMUP_S_SHOWN="$(jq .settings.latency_warmup_s "$RESULTS_JSON")"
  BURST_SHOWN="$(jq .settings.burst_events "$RESULTS_JSON")"
  for name in machine throughput database e2e latency targets backfill; do
    section="$(mktemp)"
    "section_$name" >"$section"
    if [[ -n "$docs" ]]; then
      replace_section "$docs" "$name" "$section"
    else
      printf '\n### %s\n\n' "$name"
      cat "$section"
    fi
    rm -f "$section"
  done
}

# report_check RESULTS: fails when a measurement that ran got no answers, errors, or did not finish.
report_check() {
  local problems
  problems="$(jq -r '.measurements | to_entries[] | .key as $k | .value.runs[] |
    (if (.answered? // 1) == 0 then "\($k): nothing answered" else empty end),
    (if (.errors? // 0) > 0 then "\($k): \(.errors) errors" else empty end),
    (if (.non_2xx? // 0) > 0 then "\($k): \(.non_2xx) answers not 2xx" else empty end),
    (if .complete? == false then "\($k): burst not fully processed" else empty end),
    (if has("burst") and .handled != .burst then "\($k): \(.handled) handled of \(.burst)" else empty end),
    (if (.tps? // 1) <= 0 then "\($k): pgbench made no transactions" else empty end),
    (if has("events") and .processed != .events then "\($k): \(.processed) of \(.events) processed" else empty end)' "$1")"
  if [[ -n "$problems" ]]; then
    echo "bench: problems:" >&2
    echo "$problems" >&2
    return 1
  fi
}
