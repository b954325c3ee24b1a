#!/usr/bin/env bash
# run.sh — perftest (ib_write_lat / ib_write_bw) as the baseline, then ours (`rdmastack perf`), on two hosts, the
# way perftest runs: the same command on both, the client with the server's address.
#
#   host B:  run.sh server -d mlx5_0,mlx5_1 [options]
#   host A:  run.sh client -d mlx5_0,mlx5_1 [options] HOST-B
#            run.sh link-down|link-up N -d DEV0,DEV1 [-i PORT]   (the drill's default link commands: `ip link set
#            dev NETDEV down|up` on the netdev of DEV_N's port; RoCE only)
#
# Every round runs, for each test and size, perftest and ours on the same device, port, GID and core, in an order
# that alternates between rounds; then (two devices given) the failover drill over both NIC pairs. The client
# prints every figure as it comes, then the ratio table (ours / perftest: t_typical for write-lat, BW average for
# write-bw), and writes OUT/run-DATE.json (host facts, every round's figures, the ratios); the server writes
# OUT/run-DATE-server.json (its host facts, what it served). Both sides must be given the same --sizes, --rounds,
# -n, --tests, -p and --baseline-only/--no-drill: each prints the plan's fingerprint, and each step listens on a
# TCP port of its own (first port + step), so two sides with different plans fail to connect, not mis-measure.
#
# Options (both sides):
#   -d DEV[,DEV1]      RDMA device(s): the perf rounds use the first; the drill uses both (link 0, link 1)
#   -i PORT            IB port of the device(s) (default 1)
#   -x INDEX           GID index (default: this host's RoCE v2 IPv4 GID of the device, from sysfs; none on InfiniBand)
#   --sizes LIST       message sizes (default 8,64,4096)
#   --rounds N         rounds (default 3)
#   -n N               iterations per run, perftest's -n (default 5000)
#   --tests LIST       write-lat,write-bw (default both)
#   -p PORT            first TCP port (default 18515, perftest's): step k uses PORT+k, the drill the port after
#   --cpu N            the core both programs run on (default: an isolated core local to the NIC, see lib.sh)
#   --rdmastack PATH   our tool (default: $RDMASTACK, else rdmastack on PATH, else ~/.dotnet/tools/rdmastack)
#   --secret-file F    the handshake secret for ours (mode 0600), else the environment's RDMASTACK_SECRET
#   --out DIR          where the JSON and the raw outputs go (default ./artifacts/hwlab)
#   --baseline-only    perftest only (no `rdmastack perf`, no drill)
#   --no-drill         skip the drill
#   --connect-timeout S  how long a client step retries a refused connection (default 180)
#   --step-timeout S   the longest a step may take (default 900)
# Client only:
#   --link-down CMD, --link-up CMD   the drill's link commands, {link} is 0 or 1 (default: run.sh link-down|link-up {link})
#   --drill-args "ARGS"              more arguments for `rdmastack drill` on the sender (e.g. "--failures 12")
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SELF="$HERE/$(basename "${BASH_SOURCE[0]}")"
# shellcheck source=SCRIPTDIR/lib.sh
source "$HERE/lib.sh"

usage() { usage_of "$SELF"; }
die() { echo "run.sh: $*" >&2; exit 2; }
say() { echo "run.sh[$ROLE]: $*"; }

ROLE=${1:-}; shift || true
COMMAND_LINE="$SELF $ROLE $*"
DEVS="" IB_PORT=1 GID="" SIZES=8,64,4096 ROUNDS=3 ITERS=5000 TESTS=write-lat,write-bw PORT0=18515 CPU=""
RDMASTACK_BIN=${RDMASTACK:-} SECRET_FILE="" OUT="$PWD/artifacts/hwlab" BASELINE_ONLY=0 DRILL=1
CONNECT_TIMEOUT=180 STEP_TIMEOUT=900 LINK_DOWN="" LINK_UP="" DRILL_ARGS="" HOST="" SECRET_ARGS=() DRILL_SKIP=""
while [ $# -gt 0 ]; do
  case "$1" in
    -d|--ib-dev) DEVS=${2:?}; shift 2 ;;
    -i|--ib-port) IB_PORT=${2:?}; shift 2 ;;
    -x|--gid-index) GID=${2:?}; shift 2 ;;
    --sizes) SIZES=${2:?}; shift 2 ;;
    --rounds) ROUNDS=${2:?}; shift 2 ;;
    -n|--iters) ITERS=${2:?}; shift 2 ;;
    --tests) TESTS=${2:?}; shift 2 ;;
    -p|--port) PORT0=${2:?}; shift 2 ;;
    --cpu) CPU=${2:?}; shift 2 ;;
    --rdmastack) RDMASTACK_BIN=${2:?}; shift 2 ;;
    --secret-file) SECRET_FILE=${2:?}; shift 2 ;;
    --out) OUT=${2:?}; shift 2 ;;
    --baseline-only) BASELINE_ONLY=1; shift ;;
    --no-drill) DRILL=0; shift ;;
    --connect-timeout) CONNECT_TIMEOUT=${2:?}; shift 2 ;;
    --step-timeout) STEP_TIMEOUT=${2:?}; shift 2 ;;
    --link-down) LINK_DOWN=${2:?}; shift 2 ;;
    --link-up) LINK_UP=${2:?}; shift 2 ;;
    --drill-args) DRILL_ARGS=${2:?}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*) die "unknown option '$1' (run.sh -h)" ;;
    *) [ -z "$HOST" ] || die "one server address only ('$HOST', then '$1')"; HOST=$1; shift ;;
  esac
done

# --- run.sh link-down|link-up N: the drill's default link commands -------------------------------------------------
if [ "$ROLE" = link-down ] || [ "$ROLE" = link-up ]; then
  { [ -n "$DEVS" ] && [ -n "$HOST" ]; } || die "$ROLE N -d DEV0,DEV1"
  IFS=, read -ra devs <<<"$DEVS"; dev=${devs[$HOST]:-}
  [ -n "$dev" ] || die "$ROLE: no device for link $HOST in -d $DEVS"
  ll=""; rd ll "$SYS_IB/$dev/ports/$IB_PORT/link_layer" || die "$ROLE: $WHY"
  [ "$ll" = Ethernet ] || die "$ROLE: $dev port $IB_PORT is $ll: there is no netdev to take down; give the drill --link-down/--link-up (a switch-port toggle)"
  nd=""; port_netdev nd "$dev" "$IB_PORT" || die "$ROLE: $WHY"
  exec ip link set dev "$nd" "${ROLE#link-}"
fi
case "$ROLE" in
  server) [ -z "$HOST" ] || die "server takes no address (the client does)" ;;
  client) [ -n "$HOST" ] || die "client needs the server's address (run.sh client [options] HOST)" ;;
  -h|--help|"") usage; exit 0 ;;
  *) die "first argument: server, client, link-down or link-up (not '$ROLE'; run.sh -h)" ;;
esac

# --- the set-up of this host --------------------------------------------------------------------------------------
[ -n "$DEVS" ] || die "-d DEV[,DEV1] is required"
IFS=, read -ra DEV_LIST <<<"$DEVS"
DEV=${DEV_LIST[0]}
have=""; [ -d "$SYS_IB/$DEV" ] || { rdma_devices have; die "no RDMA device $DEV here (have: ${have:-none})"; }
for t in ib_write_lat ib_write_bw taskset; do command -v "$t" >/dev/null || die "$t is not installed (preflight.sh says how)"; done
IFS=, read -ra SIZE_LIST <<<"$SIZES"; IFS=, read -ra TEST_LIST <<<"$TESTS"
for s in "${SIZE_LIST[@]}"; do [[ $s =~ ^[0-9]+$ ]] || die "--sizes: '$s' is not a size in bytes"; done
for t in "${TEST_LIST[@]}"; do case "$t" in write-lat|write-bw) ;; *) die "--tests: '$t' (write-lat, write-bw)" ;; esac; done
LL=""; rd LL "$SYS_IB/$DEV/ports/$IB_PORT/link_layer" || die "$DEV port $IB_PORT: $WHY"
GID_WHY="given with -x"
if [ -z "$GID" ] && [ "$LL" = Ethernet ]; then
  roce_v2_ipv4_index GID "$DEV" "$IB_PORT" || die "$WHY; give -x INDEX"
  GID_WHY="the RoCE v2 IPv4 GID of $DEV port $IB_PORT (sysfs)"
elif [ -z "$GID" ]; then GID_WHY="none: $LL port, addressed by LID"; fi
GID_ARGS=(); [ -n "$GID" ] && GID_ARGS=(-x "$GID")
CPU_WHY="given with --cpu"
[ -n "$CPU" ] || default_cpu CPU CPU_WHY "$DEV"
if [ $BASELINE_ONLY = 0 ]; then
  if [ -z "$RDMASTACK_BIN" ]; then RDMASTACK_BIN=$(command -v rdmastack || echo "$HOME/.dotnet/tools/rdmastack"); fi
  [ -x "$RDMASTACK_BIN" ] || die "our tool is not at $RDMASTACK_BIN (--rdmastack PATH, or --baseline-only)"
  if [ -n "$SECRET_FILE" ]; then
    [ -r "$SECRET_FILE" ] || die "--secret-file $SECRET_FILE: not readable"
    [ "$(stat -c %a "$SECRET_FILE")" = 600 ] || die "--secret-file $SECRET_FILE: mode $(stat -c %a "$SECRET_FILE"), must be 0600 (chmod 600)"
    SECRET_ARGS=(--secret-file "$SECRET_FILE")
  elif [ -z "${RDMASTACK_SECRET:-}" ]; then
    die "ours needs the handshake secret: --secret-file F (mode 0600) or RDMASTACK_SECRET in the environment"
  fi
fi
if [ $DRILL = 0 ]; then DRILL_SKIP="--no-drill"
elif [ $BASELINE_ONLY = 1 ]; then DRILL=0; DRILL_SKIP="--baseline-only"
elif [ ${#DEV_LIST[@]} -lt 2 ]; then DRILL=0; DRILL_SKIP="the drill needs two devices (-d DEV0,DEV1)"; fi

# --- the plan: the same on both sides -----------------------------------------------------------------------------
# One step per line: INDEX ROUND TEST IMPL SIZE TCP-PORT. Odd rounds run perftest first, even rounds ours first.
PLAN=() k=0
for ((r = 1; r <= ROUNDS; r++)); do
  for t in "${TEST_LIST[@]}"; do
    for s in "${SIZE_LIST[@]}"; do
      impls=(perftest ours); [ $((r % 2)) = 0 ] && impls=(ours perftest)
      for impl in "${impls[@]}"; do
        [ "$impl" = ours ] && [ $BASELINE_ONLY = 1 ] && continue
        PLAN+=("$k $r $t $impl $s $((PORT0 + k))"); k=$((k + 1))
      done
    done
  done
done
DRILL_PORT=$((PORT0 + k))
FINGERPRINT=$( { printf '%s\n' "${PLAN[@]}"; echo "iters $ITERS drill $DRILL"; } | md5sum | cut -c1-12)
RUN_ID=$(date -u +%Y%m%d-%H%M%S)
RUN_DIR="$OUT/run-$RUN_ID$([ "$ROLE" = server ] && echo -server)"
mkdir -p "$RUN_DIR" || die "cannot create $RUN_DIR"
say "plan $FINGERPRINT: ${#PLAN[@]} steps ($ROUNDS rounds x ${TESTS} x sizes $SIZES x $([ $BASELINE_ONLY = 1 ] && echo "perftest only" || echo "perftest and ours")), -n $ITERS, TCP ports $PORT0-$((DRILL_PORT - 1))$([ $DRILL = 1 ] && echo ", drill on $DRILL_PORT" || echo ", no drill (${DRILL_SKIP})")"
say "device $DEV port $IB_PORT ($LL), GID index ${GID:-none} ($GID_WHY), core $CPU ($CPU_WHY); outputs in $RUN_DIR"
"$HERE/hostfacts.sh" -d "$DEVS" > "$RUN_DIR/hostfacts.json" 2> "$RUN_DIR/hostfacts.err" || say "hostfacts.sh failed: $(cat "$RUN_DIR/hostfacts.err")"

# --- perftest's output ------------------------------------------------------------------------------------------
# parse_perftest FILE SIZE: the result line of SIZE as "name=value" words, named after the header's columns
# (perftest's layout, which ours prints too): bytes iterations t_min_us t_max_us t_typical_us t_avg_us t_stdev_us
# p99_us p999_us | bw_peak_mbps bw_avg_mbps msg_rate_mpps. MB/sec and MiB/sec are both 2^20 bytes a second
# (perftest renamed the unit); any other unit (Gb/sec from --report_gbits) is refused, not converted.
parse_perftest() {
  awk -v size="$2" '
    /#bytes/ {
      h = $0
      gsub(/99\.9% percentile\[usec\]/, "p999_us", h); gsub(/99% percentile\[usec\]/, "p99_us", h)
      gsub(/BW peak\[(MB|MiB)\/sec\]/, "bw_peak_mbps", h); gsub(/BW average\[(MB|MiB)\/sec\]/, "bw_avg_mbps", h)
      gsub(/MsgRate\[Mpps\]/, "msg_rate_mpps", h); gsub(/#bytes/, "bytes", h); gsub(/#iterations/, "iterations", h)
      while (match(h, /t_[a-z]+\[usec\]/)) h = substr(h, 1, RSTART - 1) substr(h, RSTART, RLENGTH - 6) "_us" substr(h, RSTART + RLENGTH)
      n = split(h, names, /[ \t]+/); cols = 0
      for (i = 1; i <= n; i++) if (names[i] != "") { cols++; name[cols] = names[i] }
      next
    }
    cols && $1 == size && NF >= cols {
      line = ""; ok = 1
      for (i = 1; i <= cols; i++) { if ($i !~ /^[0-9]+(\.[0-9]+)?$/) ok = 0; line = line name[i] "=" $i " " }
      if (ok) last = line
    }
    END { if (last != "") print last; else exit 1 }' "$1"
}
# field WORDS NAME: NAME'"'"'s value in parse_perftest's words.
field() { local w; for w in $1; do [ "${w%%=*}" = "$2" ] && { echo "${w#*=}"; return 0; }; done; return 1; }

# --- one step ---------------------------------------------------------------------------------------------------
STEPS_JSON="$RUN_DIR/steps.jsonl"; : > "$STEPS_JSON"
FIGURES="$RUN_DIR/figures.tsv"; : > "$FIGURES"   # TEST IMPL SIZE NAME VALUE
failed=0

step_command() { # step_command TEST IMPL SIZE TCPPORT JSONFILE -> CMD array
  local test=$1 impl=$2 size=$3 port=$4 json=$5
  if [ "$impl" = perftest ]; then
    CMD=(taskset -c "$CPU" "ib_${test/-/_}" -d "$DEV" -i "$IB_PORT" "${GID_ARGS[@]}" -s "$size" -n "$ITERS" -p "$port" -F)
  else
    CMD=("$RDMASTACK_BIN" perf "$test" -d "$DEV" -i "$IB_PORT" "${GID_ARGS[@]}" -s "$size" -n "$ITERS" -p "$port" -F
         --cpus "$CPU" --json "$json" "${SECRET_ARGS[@]}")
  fi
  [ "$ROLE" = client ] && CMD+=("$HOST")
}

# run_command OUT: runs CMD (its command line into OUT.cmd, its output into OUT.txt) within --step-timeout; returns
# its exit status. A client started before its server listens is refused: it tries again, for --connect-timeout.
run_command() {
  local base=$1 rc start; start=$(date +%s)
  printf '%q ' "${CMD[@]}" > "$base.cmd"
  while :; do
    timeout -k 10 "$STEP_TIMEOUT" "${CMD[@]}" > "$base.txt" 2>&1; rc=$?
    if [ "$ROLE" = client ] && [ $rc -ne 0 ] && grep -qiE "couldn't connect|connection refused" "$base.txt" \
       && [ $(( $(date +%s) - start )) -lt "$CONNECT_TIMEOUT" ]; then sleep 1; continue; fi
    return $rc
  done
}

# run_step INDEX ROUND TEST IMPL SIZE TCPPORT
run_step() {
  local k=$1 r=$2 test=$3 impl=$4 size=$5 port=$6 out rc start words
  out="$RUN_DIR/step-$(printf %03d "$k")-$test-$impl-${size}B"
  step_command "$test" "$impl" "$size" "$port" "$out.json"
  start=$(date +%s)
  run_command "$out"; rc=$?
  local secs=$(( $(date +%s) - start )) label="[$((k + 1))/${#PLAN[@]}] round $r $test ${size} B $impl"
  words=""
  if [ $rc -eq 0 ] && [ "$ROLE" = client ]; then
    if ! words=$(parse_perftest "$out.txt" "$size"); then rc=97; echo "run.sh: no result line for $size B with perftest's columns" >> "$out.txt"; fi
  elif [ $rc -eq 0 ] && [ "$test" = write-lat ]; then
    words=$(parse_perftest "$out.txt" "$size") || words=""   # ib_write_lat's server prints the figures too
  fi
  {
    printf '{"step": %s, "round": %s, "test": "%s", "impl": "%s", "program": %s, "bytes": %s, "tcp_port": %s, "rc": %s, "seconds": %s, "output": %s' \
      "$k" "$r" "$test" "$impl" "$(json_str "$(cat "$out.cmd")")" "$size" "$port" "$rc" "$secs" "$(json_str "${out#"$OUT"/}.txt")"
    for w in $words; do printf ', "%s": %s' "${w%%=*}" "$(json_num "${w#*=}")"; done
    printf '}\n'
  } >> "$STEPS_JSON"
  if [ $rc -ne 0 ]; then
    failed=$((failed + 1)); say "$label: FAILED (exit $rc after ${secs}s; ${out#"$OUT"/}.txt):"; tail -n 5 "$out.txt" | sed 's/^/    /'
    return
  fi
  for w in $words; do printf '%s\t%s\t%s\t%s\t%s\n' "$test" "$impl" "$size" "${w%%=*}" "${w#*=}" >> "$FIGURES"; done
  if [ "$test" = write-lat ] && [ -n "$words" ]; then
    say "$label: t_typical $(field "$words" t_typical_us) us, t_min $(field "$words" t_min_us), p99.9 $(field "$words" p999_us) (${secs}s)"
  elif [ -n "$words" ]; then
    say "$label: BW average $(field "$words" bw_avg_mbps) MB/s, $(field "$words" msg_rate_mpps) Mpps (${secs}s)"
  else say "$label: served (${secs}s)"; fi
}

for line in "${PLAN[@]}"; do
  # shellcheck disable=SC2086 # the plan's words
  run_step $line
done

# --- the drill ----------------------------------------------------------------------------------------------------
DRILL_JSON="null"
if [ $DRILL = 1 ]; then
  out="$RUN_DIR/drill"
  CMD=("$RDMASTACK_BIN" drill --provider verbs -d "$DEVS" -p "$DRILL_PORT" "${SECRET_ARGS[@]}")
  if [ "$ROLE" = client ]; then
    [ -n "$LINK_DOWN" ] || LINK_DOWN="$SELF link-down {link} -d $DEVS -i $IB_PORT"
    [ -n "$LINK_UP" ] || LINK_UP="$SELF link-up {link} -d $DEVS -i $IB_PORT"
    read -ra extra <<<"$DRILL_ARGS"
    CMD+=(--link-down "$LINK_DOWN" --link-up "$LINK_UP" "${extra[@]}" "$HOST")
  fi
  printf '%q ' "${CMD[@]}" > "$out.cmd"
  say "drill: $(cat "$out.cmd")"
  start=$(date +%s)
  run_command "$out"; rc=$?
  secs=$(( $(date +%s) - start ))
  # "lost N, duplicated N, out of order N" as the drill reports them.
  counts=$(grep -oE 'lost [0-9,]+, duplicated [0-9,]+, out of order [0-9,]+' "$out.txt" | tail -n 1 | tr -d ,)
  read -r _ lost _ dup _ _ _ ooo <<<"${counts:-}"
  DRILL_JSON=$(printf '{"program": %s, "rc": %s, "seconds": %s, "output": %s, "lost": %s, "duplicated": %s, "out_of_order": %s}' \
    "$(json_str "$(cat "$out.cmd")")" "$rc" "$secs" "$(json_str "${out#"$OUT"/}.txt")" "$(json_num "${lost:-}")" "$(json_num "${dup:-}")" "$(json_num "${ooo:-}")")
  cat "$out.txt"
  if [ "$rc" -ne 0 ]; then failed=$((failed + 1)); say "drill: FAILED (exit $rc after ${secs}s)"
  else say "drill: passed in ${secs}s (lost ${lost:-?}, duplicated ${dup:-?}, out of order ${ooo:-?})"; fi
fi

# --- the ratio table (client) and the run's JSON ------------------------------------------------------------------
# aggregate IMPL: per test and size, the median of each figure over the rounds, as JSON objects (the shape of
# `rdmastack perf --json` results, so that `rdmastack perf compare` reads a run file).
aggregate() {
  awk -F'\t' -v impl="$1" '
    $2 == impl { key = $1 "\t" $3; if (!(key in seen)) { seen[key] = 1; order[++n] = key }
                 v[key, $4, ++c[key, $4]] = $5; names[key, $4] = 1; if (!((key, $4) in first)) { first[key, $4] = 1; nl[key] = nl[key] " " $4 } }
    function median(key, name,   m, i, j, t, a) {
      m = c[key, name]; for (i = 1; i <= m; i++) a[i] = v[key, name, i] + 0
      for (i = 2; i <= m; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      return (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
    }
    END {
      for (i = 1; i <= n; i++) {
        split(order[i], kt, "\t"); k = split(substr(nl[order[i]], 2), nm, " ")
        printf "%s{\"test\": \"%s\", \"rounds\": %d", (i > 1 ? ", " : ""), kt[1], c[order[i], "bytes"]
        for (j = 1; j <= k; j++) printf ", \"%s\": %s", nm[j], median(order[i], nm[j])
        printf "}"
      }
    }' "$FIGURES"
}
# ratios: per test and size, ours over perftest for the figure that matters (t_typical_us, bw_avg_mbps): the
# ratio of the medians over the rounds and of the best rounds. One row per line, fields separated by "|" (an
# absent figure is an empty field).
ratios() {
  awk -F'\t' '
    ($1 == "write-lat" && $4 == "t_typical_us") || ($1 == "write-bw" && $4 == "bw_avg_mbps") {
      key = $1 "\t" $3; if (!(key in seen)) { seen[key] = 1; order[++n] = key; metric[key] = $4 }
      v[key, $2, ++c[key, $2]] = $5 + 0
    }
    function stat(key, impl, what,   m, i, j, t, a) {
      m = c[key, impl]; if (!m) return ""
      for (i = 1; i <= m; i++) a[i] = v[key, impl, i]
      for (i = 2; i <= m; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      if (what == "median") return (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
      return (metric[key] == "t_typical_us") ? a[1] : a[m]    # best: the lowest latency, the highest bandwidth
    }
    END {
      for (i = 1; i <= n; i++) {
        k = order[i]; split(k, kt, "\t")
        bm = stat(k, "perftest", "median"); om = stat(k, "ours", "median"); bb = stat(k, "perftest", "best"); ob = stat(k, "ours", "best")
        printf "%s|%s|%s|%s|%s|%s|%s|%s|%s\n", kt[1], kt[2], metric[k], bm, om, (bm != "" && om != "" && bm + 0 > 0) ? sprintf("%.3f", om / bm) : "", bb, ob, (bb != "" && ob != "" && bb + 0 > 0) ? sprintf("%.3f", ob / bb) : ""
      }
    }' "$FIGURES"
}

RATIOS_JSON="[]"
if [ "$ROLE" = client ]; then
  rows=$(ratios)
  if [ -n "$rows" ]; then
    echo
    echo "ours / perftest over $ROUNDS rounds (write-lat: t_typical, lower is better; write-bw: BW average, higher is better)"
    printf '  %-9s %6s  %-12s %12s %12s %8s   %12s %12s %8s\n' test bytes figure "perftest" "ours" "ratio" "best perf." "best ours" "ratio"
    while IFS='|' read -r t s m bm om rm bb ob rb; do
      printf '  %-9s %6s  %-12s %12s %12s %8s   %12s %12s %8s\n' "$t" "$s" "$m" "${bm:--}" "${om:--}" "${rm:--}" "${bb:--}" "${ob:--}" "${rb:--}"
    done <<<"$rows"
    RATIOS_JSON="[$(while IFS='|' read -r t s m bm om rm bb ob rb; do
      printf '%s{"test": "%s", "bytes": %s, "figure": "%s", "perftest_median": %s, "ours_median": %s, "ratio_of_medians": %s, "perftest_best": %s, "ours_best": %s, "ratio_of_bests": %s}' \
        "${sep:-}" "$t" "$s" "$m" "$(json_num "$bm")" "$(json_num "$om")" "$(json_num "$rm")" "$(json_num "$bb")" "$(json_num "$ob")" "$(json_num "$rb")"; sep=", "
    done <<<"$rows")]"
  fi
fi

VERSIONS=$(printf '"perftest": %s' "$(json_str "$(ib_write_lat --version 2>&1 | head -n 1)")")
[ $BASELINE_ONLY = 0 ] && VERSIONS+=$(printf ', "rdmastack": %s' "$(json_str "$("$RDMASTACK_BIN" --version 2>&1 | head -n 1)")")
WAITING="[]"
[ $BASELINE_ONLY = 1 ] && WAITING='["ours: rdmastack perf write-lat/write-bw (--baseline-only)", "the drill (--baseline-only)"]'
FILE="$OUT/run-$RUN_ID$([ "$ROLE" = server ] && echo -server).json"
{
  printf '{"tool": "hw-lab/connectx/run.sh", "role": "%s", "run": "%s", "date_utc": "%s", "status": "%s",\n' \
    "$ROLE" "$RUN_ID" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$([ $failed = 0 ] && echo pass || echo fail)"
  printf ' "command": %s, "versions": {%s},\n' "$(json_str "$COMMAND_LINE")" "$VERSIONS"
  printf ' "plan": {"fingerprint": "%s", "device": %s, "devices": %s, "ib_port": %s, "gid_index": %s, "gid_reason": %s, "cpu": %s, "cpu_reason": %s, "sizes": [%s], "rounds": %s, "iterations": %s, "tests": %s, "first_tcp_port": %s, "server": %s, "baseline_only": %s, "drill": %s, "drill_skipped": %s},\n' \
    "$FINGERPRINT" "$(json_str "$DEV")" "$(json_str "$DEVS")" "$IB_PORT" "$(json_num "$GID")" "$(json_str "$GID_WHY")" "$CPU" "$(json_str "$CPU_WHY")" \
    "$SIZES" "$ROUNDS" "$ITERS" "$(json_str "$TESTS")" "$PORT0" "$(json_str "${HOST:-}")" "$([ $BASELINE_ONLY = 1 ] && echo true || echo false)" \
    "$([ $DRILL = 1 ] && echo true || echo false)" "$(json_str "${DRILL_SKIP:-}")"
  printf ' "machine": %s,\n' "$(cat "$RUN_DIR/hostfacts.json" 2>/dev/null || echo null)"
  printf ' "steps": [%s],\n' "$(paste -sd, "$STEPS_JSON")"
  printf ' "results": [%s],\n "baseline": [%s],\n "ratios": %s,\n "drill": %s,\n "waiting_for": %s}\n' \
    "$(aggregate ours)" "$(aggregate perftest)" "$RATIOS_JSON" "$DRILL_JSON" "$WAITING"
} > "$FILE"
if command -v python3 >/dev/null && ! python3 -m json.tool "$FILE" > /dev/null; then say "the run's JSON does not parse: $FILE"; failed=$((failed + 1)); fi
say "$([ $failed = 0 ] && echo "all ${#PLAN[@]} steps passed" || echo "$failed failed"); wrote $FILE"
[ $failed -eq 0 ]
