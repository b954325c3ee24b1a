#!/bin/bash
# Suite "ha": `rdmastack ha demo --provider verbs`, the replicated order book over real verbs: server 0 on rxe0,
# server 1 on rxe1 (their replication crosses the vethA/vethB wire), each client reaching server 0 through rxe1 and
# server 1 through rxe0, every member a process of its own. The demo times orders one at a time (one server alone,
# then primary + backup), then streams while it kills the primary with SIGKILL HA_KILLS times (3 by default),
# restarting each killed server as the backup, and audits every order. Passes only with 0 lost / 0 executed twice
# / 0 external calls made twice / digests agreeing (the demo's exit status and its result line). Under TCG the
# failure bounds are the emulator's: a heartbeat every 5 ms, promotion after 1 s of silence, link heartbeat timeout
# 3 s, a link heartbeat (an RDMA WRITE) every 60 ms (HA_PROMOTION_MS, HA_LINK_TIMEOUT_MS); latency and promotion
# figures are reported, never gated on. (With 200 ms and 1 s the servers promoted each other a dozen times while the
# clients started, and the last rejoin never completed: fixed in the library, but there is no point in asking for
# bounds the emulator cannot keep.) RDMASTACK_HA_TRACE=1: every process's events, with the time each was read.
# Each process needs 30-70 s of emulated CPU to start (the tool runs without tiered compilation, so every method is
# compiled fully optimized at its first call; measured under strace: 72 s to the first event), and four start at
# once: one step (a start, a rejoin, the drain) may take HA_STEP_TIMEOUT seconds (600). The hot threads back off
# (--idle backoff, as in every lab run of this suite so far): the emulated CPUs are the guest's only ones, and rxe's
# packet processing runs on them too.
set -u
R="$RDMASTACK_RESULTS"; CLI="$RDMASTACK_REPO/src/RdmaStack.Cli/bin/Release/net10.0/rdmastack"
KILLS=${HA_KILLS:-3} ORDERS=${HA_ORDERS:-500} PROMOTION=${HA_PROMOTION_MS:-1000} LINK=${HA_LINK_TIMEOUT_MS:-3000} STEP=${HA_STEP_TIMEOUT:-600}
SEED_ARGS=(); [ -n "${HA_SEED:-}" ] && SEED_ARGS=(--seed "$HA_SEED")
export RDMASTACK_HA_TRACE=1
rc=0
log "rdmastack ha demo --provider verbs --device rxe0 --peer-device rxe1 --kills $KILLS --latency-orders $ORDERS ${SEED_ARGS[*]}"
start=$(up)
"$CLI" ha demo --provider verbs --device rxe0 --peer-device rxe1 --kills "$KILLS" --latency-orders "$ORDERS" --warmup 100 \
  --clients 2 --rate 200 --window 4 --heartbeat-ms 5 --promotion-timeout-ms "$PROMOTION" --backup-timeout-ms $((PROMOTION * 2)) \
  --link-timeout-ms "$LINK" --timeout "$STEP" --idle backoff "${SEED_ARGS[@]}" > "$R/ha.txt" 2>&1 || rc=1
cat "$R/ha.txt"
log "ha demo took $(echo "$(up) - $start" | bc) s"
grep -q '^result     PASS: lost 0, executed twice 0, external calls made twice 0, digests agree' "$R/ha.txt" || { log "FAIL: the verbs HA demo did not pass"; rc=1; }
log "ha suite rc=$rc"
exit $rc
