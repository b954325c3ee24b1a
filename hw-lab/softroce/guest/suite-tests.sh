#!/bin/bash
# Suite "tests": the test classes marked [Trait("Lab", "true")] (the verbs provider on rxe0..rxe3, the handshake
# refusals) from the RdmaStack.Tests build, then those of RdmaStack.Cli.Tests (`rdmastack perf` over verbs), run
# for real in the guest. Each writes its own xunit report; build.sh counts both.
set -u
R="$RDMASTACK_RESULTS"
rc=0
run() { # run ASSEMBLY REPORT
  local dll="$RDMASTACK_REPO/tests/$1/bin/Release/net10.0/$1.dll" xml="$R/$2.xml" out="$R/$2.txt" r
  [ -f "$dll" ] || { log "FAIL: $dll not built"; rc=1; return; }
  log "lab tests: $1 -trait Lab=true"
  local start; start=$(up)
  dotnet "$dll" -noColor -trait Lab=true -diagnostics -xml "$xml" > "$out" 2>&1; r=$?
  cat "$out"
  local line; line=$(grep -o '<assembly [^>]*>' "$xml" 2>/dev/null | head -n 1)
  attr() { printf '%s' "$line" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  log "lab tests $1: $(attr passed) passed, $(attr failed) failed, $(attr skipped) skipped in $(echo "$(up) - $start" | bc) s (rc=$r)"
  [ "$(attr skipped)" = "0" ] || { log "FAIL: lab tests must not skip inside the lab"; r=1; }
  [ "$r" = 0 ] || rc=1
}
run RdmaStack.Tests lab-tests
run RdmaStack.Cli.Tests lab-cli-tests
exit $rc
