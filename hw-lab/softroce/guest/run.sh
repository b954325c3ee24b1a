#!/bin/bash
# Runs inside the lab guest: sets up the two NIC pairs, then the suite (or, for "all", every suite); writes each
# suite's status to RESULTS/suite-NAME.rc and the overall status to RESULTS/rc.
#   run.sh SUITE REPO RESULTS
set -u
SUITE=$1 REPO=$2 RESULTS=$3
GUEST="$REPO/hw-lab/softroce/guest"
mkdir -p "$RESULTS"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export RDMASTACK_LAB=1 RDMASTACK_REPO="$REPO" RDMASTACK_RESULTS="$RESULTS"
up() { cut -d' ' -f1 /proc/uptime; }
log() { echo "GUEST[$(up)] $*"; }
export -f up log
log "guest shell up, suite $SUITE"
if ! bash "$GUEST/network.sh" > "$RESULTS/network.txt" 2>&1; then
  cat "$RESULTS/network.txt"; log "network set-up FAILED"; echo 1 > "$RESULTS/rc"; exit 1
fi
log "$(rdma link show | grep -c 'state ACTIVE') rxe links active"
rc=0
# "ha" is not in all yet: it stalled under TCG until the join fix of 49e754b and has passed twice since (719 s, 299 s);
# it runs alone with ./build.sh lab ha until it has passed repeatedly (issue 12).
suites=("$SUITE"); [ "$SUITE" = all ] && suites=(devices tests demo drill hwlab quorum ha)
for s in "${suites[@]}"; do
  bash "$GUEST/suite-$s.sh"; src=$?
  echo $src > "$RESULTS/suite-$s.rc"
  [ $src -eq 0 ] || rc=1
done
log "suite $SUITE rc=$rc; memory used $(free -m | awk '/Mem:/{print $3}') MB"
echo $rc > "$RESULTS/rc"
sync
exit $rc
