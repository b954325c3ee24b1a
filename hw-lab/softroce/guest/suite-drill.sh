#!/bin/bash
# Suite "drill": `rdmastack drill --provider verbs`, the failover drill over both NIC pairs with real faults.
# Two processes: the sender on rxe0 (link 0) and rxe2 (link 1), the receiver on rxe1 and rxe3. While
# DRILL_COUNT messages stream (300,000 of 64 B by default: about 15 s of streaming under TCG), the sender takes
# the active link's veth down DRILL_FAILURES times (12 by default) at seeded random moments (DRILL_SEED, random
# if unset; printed), brings it back up, re-establishes it (new handshake + queue pairs) as the standby, so the
# link-downs alternate between the pairs. Passes only with 0 lost / duplicated / out of order and every
# link-down injected. Afterwards both pairs must be ACTIVE again (the drill restores what it took down).
# First, the test classes marked [Trait("Lab", "drill")] (a failover group over both pairs with a link replaced
# by a new connection), kept out of the "tests" suite because they open queue pairs of their own.
set -u
R="$RDMASTACK_RESULTS"; CLI="$RDMASTACK_REPO/src/RdmaStack.Cli/bin/Release/net10.0/rdmastack"
COUNT=${DRILL_COUNT:-300000} FAILURES=${DRILL_FAILURES:-12}
SEED_ARGS=(); [ -n "${DRILL_SEED:-}" ] && SEED_ARGS=(--seed "$DRILL_SEED")
rc=0
DLL="$RDMASTACK_REPO/tests/RdmaStack.Tests/bin/Release/net10.0/RdmaStack.Tests.dll"
log "lab tests: $(basename "$DLL") -trait Lab=drill"
dotnet "$DLL" -noColor -trait Lab=drill -xml "$R/drill-tests.xml" > "$R/drill-tests.txt" 2>&1 || rc=1
cat "$R/drill-tests.txt"
grep -q 'Failed: 0, Skipped: 0' "$R/drill-tests.txt" || { log "FAIL: the drill lab tests failed or skipped"; rc=1; }
log "rdmastack drill --provider verbs --failures $FAILURES --count $COUNT ${SEED_ARGS[*]}"
start=$(up)
"$CLI" drill --provider verbs --failures "$FAILURES" --count "$COUNT" "${SEED_ARGS[@]}" > "$R/drill.txt" 2>&1 || rc=1
cat "$R/drill.txt"
log "drill took $(echo "$(up) - $start" | bc) s"
grep -q '^result     PASS' "$R/drill.txt" || { log "FAIL: the verbs drill did not pass"; rc=1; }
# The link-downs delete the policy routes through vethA/vethC; the drill must have put them back.
for t in 100 110; do
  [ -n "$(ip -4 route show table $t)" ] || { log "FAIL: policy route table $t is empty after the drill"; rc=1; }
done
active=$(rdma link show | grep -c 'state ACTIVE')
[ "$active" -ge 4 ] || { log "FAIL: only $active rxe links ACTIVE after the drill"; rdma link show; rc=1; }
log "drill suite rc=$rc"
exit $rc
