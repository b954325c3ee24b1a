#!/bin/bash
# Suite "quorum": `rdmastack ha quorum --provider verbs`: the quorum replicator on rxe0, three processors of the
# order book and two clients on rxe1, each a process of its own, every stream a queue written with RDMA WRITEs
# over the veth wire. Processor 1 is killed with SIGKILL after a third of the answers (QUORUM_KILL_AFTER) and
# started again as its next incarnation; the replicator ejects it when its heartbeats stop and takes it back by
# state transfer. Passes only with every order answered once and 0 wrong answers (each agreed answer is checked
# against a replay of the stamped inputs through a fresh order book). QUORUM_COUNT orders per client (1,500).
# Under TCG seven .NET processes start at once and each needs tens of seconds of emulated CPU before it talks:
# the processes get 400 s to find each other, and heartbeats are 10 s (the first lab run, with the defaults, 60 s
# and 3 s, answered nothing in 600 s: its processors stopped and were restarted every ~2 minutes).
set -u
R="$RDMASTACK_RESULTS"; CLI="$RDMASTACK_REPO/src/RdmaStack.Cli/bin/Release/net10.0/rdmastack"
COUNT=${QUORUM_COUNT:-1500}
SLOW_HOST=(--start-timeout 400 --heartbeat-timeout 10000 --link-timeout 5000 --timeout 700)
KILL_ARGS=(--kill-processor 1); [ -n "${QUORUM_KILL_AFTER:-}" ] && KILL_ARGS+=(--kill-after "$QUORUM_KILL_AFTER")
rc=0
log "rdmastack ha quorum --provider verbs --device rxe0 --peer-device rxe1 --count $COUNT ${KILL_ARGS[*]} ${SLOW_HOST[*]}"
start=$(up)
"$CLI" ha quorum --provider verbs --device rxe0 --peer-device rxe1 --count "$COUNT" "${KILL_ARGS[@]}" \
  "${SLOW_HOST[@]}" \
  > "$R/quorum.txt" 2>&1 || rc=1
cat "$R/quorum.txt"
log "quorum took $(echo "$(up) - $start" | bc) s"
grep -q '^result     PASS' "$R/quorum.txt" || { log "FAIL: the verbs quorum run did not pass"; rc=1; }
grep -q 'SIGKILL to processor 1' "$R/quorum.txt" || { log "FAIL: processor 1 was not killed mid-run"; rc=1; }
log "quorum suite rc=$rc"
exit $rc
