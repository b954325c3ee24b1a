#!/bin/bash
# Suite "tests": the test classes marked [Trait("Lab", "true")] (the verbs provider on rxe0..rxe3, the handshake
# refusals) from the RdmaStack.Tests build, run for real in the guest.
set -u
R="$RDMASTACK_RESULTS"
DLL="$RDMASTACK_REPO/tests/RdmaStack.Tests/bin/Release/net10.0/RdmaStack.Tests.dll"
[ -f "$DLL" ] || { log "FAIL: $DLL not built"; exit 1; }
log "lab tests: $(basename "$DLL") -trait Lab=true"
start=$(up)
dotnet "$DLL" -noColor -trait Lab=true -diagnostics -xml "$R/lab-tests.xml" > "$R/lab-tests.txt" 2>&1; rc=$?
cat "$R/lab-tests.txt"
line=$(grep -o '<assembly [^>]*>' "$R/lab-tests.xml" 2>/dev/null | head -n 1)
attr() { printf '%s' "$line" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
log "lab tests: $(attr passed) passed, $(attr failed) failed, $(attr skipped) skipped in $(echo "$(up) - $start" | bc) s (rc=$rc)"
[ "$(attr skipped)" = "0" ] || { log "FAIL: lab tests must not skip inside the lab"; rc=1; }
exit $rc
