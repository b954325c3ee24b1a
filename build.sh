#!/usr/bin/env bash
# build.sh — the one entry point: setup, build, test, demo, bench (and the subcommands later issues add).
# Every command that needs the toolchain calls `setup` itself, so a fresh machine needs only this script.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
CONFIG=${CONFIG:-Release}
ARTIFACTS="$ROOT/artifacts"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 2; }

# Debian packages the build and the tests need (native build, rdma-core headers and libraries).
# libclang1-14: the C API the interop generator parses verbs.h/rdma_cma.h with (./build.sh generate, drift test).
APT_PACKAGES=(gcc make cmake pkg-config libibverbs-dev librdmacm-dev ibverbs-providers libclang1-14)

# shellcheck source=scripts/debian-packages.sh
source "$ROOT/scripts/debian-packages.sh"
setup_apt() { ensure_debian_packages "${APT_PACKAGES[@]}"; }

setup_native() {
  [ -f native/CMakeLists.txt ] || return 0
  log "native build (cmake)"
  cmake -S native -B native/build -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build native/build -j"$(nproc)" >/dev/null
}

cmd_setup() {
  command -v dotnet >/dev/null || die "the .NET SDK (dotnet) is not on PATH; install .NET 10 first"
  setup_apt
  setup_native
  log "dotnet restore"
  dotnet restore RdmaStack.sln -v q >/dev/null
}

cmd_build() {
  cmd_setup
  log "dotnet build ($CONFIG)"
  dotnet build RdmaStack.sln -c "$CONFIG" --no-restore -v q -nologo -clp:ErrorsOnly
}

# Adds the counts of one xunit XML report to passed/failed/skipped (a missing report counts as one failure).
tally_report() {
  local xml=$1 what=$2
  [ -f "$xml" ] || { echo "no test report from $what ($xml)"; failed=$((failed + 1)); rc=1; return; }
  local line; line=$(grep -o '<assembly [^>]*>' "$xml" | head -n 1)
  attr() { printf '%s' "$line" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  passed=$((passed + $(attr passed))); failed=$((failed + $(attr failed))); skipped=$((skipped + $(attr skipped)))
}

# The Soft-RoCE lab as part of the test run (the seven suites of "all" in one guest boot). Counted:
# the lab's xunit tests (suite "tests" and the drill's own tests) from their reports, and the devices, demo,
# drill, hwlab, quorum and ha suites as one test each; the part of hwlab that waits for the CLI, when it does
# (suite-hwlab.skipped says what), as one skipped. RDMASTACK_SKIP_LAB=1 leaves the lab out (counted as 7 skipped).
test_lab() {
  local lab_suites=(devices demo drill hwlab quorum ha) s
  if [ "${RDMASTACK_SKIP_LAB:-0}" = 1 ]; then
    log "lab: skipped (RDMASTACK_SKIP_LAB=1): devices, tests, demo, drill, hwlab, quorum and ha do not run"
    skipped=$((skipped + 7)); return
  fi
  log "lab: the Soft-RoCE suites in a qemu guest (devices, tests, demo, drill, hwlab, quorum, ha; about 20-30 min)"
  local results="$ARTIFACTS/lab/results"
  rm -rf "$results"   # a lab that fails before its guest runs must not leave an earlier run's results to count
  pack_tool
  "$ROOT/hw-lab/softroce/lab.sh" all || rc=1
  tally_report "$results/lab-tests.xml" "the lab's tests suite"
  tally_report "$results/lab-cli-tests.xml" "the lab's CLI tests"
  tally_report "$results/drill-tests.xml" "the lab's drill tests"
  for s in "${lab_suites[@]}"; do
    if [ "$(cat "$results/suite-$s.rc" 2>/dev/null)" = 0 ]; then passed=$((passed + 1))
    else echo "lab suite $s: failed or did not run (see artifacts/lab/serial.log)"; failed=$((failed + 1)); rc=1; fi
  done
  if [ -f "$results/suite-hwlab.skipped" ]; then
    skipped=$((skipped + 1)); echo "lab suite hwlab, skipped part: $(tr '\n' ' ' < "$results/suite-hwlab.skipped")"
  fi
}

# The Windows build (issue 15): the library and the CLI compiled for win-x64, as a Windows host would build them
# (NetworkDirect is Windows' RDMA interface; nothing of this build runs here). Its own artifacts folder keeps the
# Linux build's obj/ and bin/ as they are. Counted as one test, passed or failed.
test_windows_build() {
  local out="$ARTIFACTS/win-x64" start=$SECONDS ok=1 p
  log "windows build: dotnet build -r win-x64 of src/RdmaStack and src/RdmaStack.Cli"
  for p in src/RdmaStack/RdmaStack.csproj src/RdmaStack.Cli/RdmaStack.Cli.csproj; do
    dotnet build "$p" -c "$CONFIG" -r win-x64 --artifacts-path "$out" -v q -nologo -clp:ErrorsOnly || ok=0
  done
  if [ $ok = 1 ]; then
    passed=$((passed + 1)); log "windows build: passed in $((SECONDS - start)) s ($out)"
  else
    echo "windows build: failed (dotnet build -r win-x64, above)"; failed=$((failed + 1)); rc=1
  fi
}

# Runs every test assembly (xunit v3 executables), then the Soft-RoCE lab, and prints the total as the last line:
#   N passed, N failed, N skipped
cmd_test() {
  cmd_build
  local results="$ARTIFACTS/test-results"; rm -rf "$results"; mkdir -p "$results"
  passed=0 failed=0 skipped=0 rc=0
  for proj in tests/*/*.csproj; do
    local name; name=$(basename "$proj" .csproj)
    local dll; dll=$(find "$(dirname "$proj")/bin/$CONFIG" -name "$name.dll" -path '*net10.0*' | head -n 1)
    [ -n "$dll" ] || die "test assembly for $name not found (build failed?)"
    log "tests: $name"
    # -noColor: CI logs; -xml: the totals below come from the report, not from scraping the console.
    dotnet "$dll" -noColor -xml "$results/$name.xml" "$@" || rc=1
    tally_report "$results/$name.xml" "$name"
  done
  test_windows_build
  test_fuzz_smoke
  test_lab
  echo "$passed passed, $failed failed, $skipped skipped"
  [ $failed -eq 0 ] && [ $rc -eq 0 ]
}

# Regenerates interop/RdmaStack.Interop/Generated/ and native/layout_probe.c from the installed rdma-core headers
# (libclang over verbs.h and rdma_cma.h), then rebuilds the probe. Prints what it bound.
cmd_generate() {
  cmd_setup
  log "generating libibverbs/librdmacm bindings"
  dotnet run -c "$CONFIG" --project interop/RdmaStack.Interop.Generator -- "$@"
  setup_native
}

# Brings PublicAPI.Unshipped.txt of every library in line with its public API (after an intended change; review the diff).
cmd_api() {
  cmd_setup
  local project
  for project in src/RdmaStack/RdmaStack.csproj src/RdmaStack.HighAvailability/RdmaStack.HighAvailability.csproj; do
    python3 scripts/update-public-api.py "$project"
  done
}

cli() {
  local exe="src/RdmaStack.Cli/bin/$CONFIG/net10.0/rdmastack"
  [ -x "$exe" ] || die "$exe not built"
  "$exe" "$@"
}

cmd_demo() {
  cmd_build
  cli demo "$@"
}

cmd_drill() {
  cmd_build
  cli drill "$@"
}

cmd_bench() {
  cmd_build
  [ -d bench ] || die "no bench/ folder"
  local what=${1:-micro}; shift || true
  case "$what" in
    micro)
      log "BenchmarkDotNet micro-benchmarks (results in BenchmarkDotNet.Artifacts/)"
      # Without arguments every benchmark runs; any argument goes to BenchmarkDotNet as it is (e.g. --filter '*Queue*').
      [ $# -gt 0 ] || set -- --filter '*'
      dotnet run -c "$CONFIG" --no-build --project bench/RdmaStack.Benchmarks -- "$@" ;;
    compare)
      # The peers to compare with come from Debian; only this suite needs them, so they are not in setup.
      ensure_debian_packages ucx-utils gnuplot-nox
      log "bench compare: C cache-line limit vs UCX put_lat/put_bw vs rdmastack perf vs slot-stream, alternating rounds"
      "$ROOT/bench/compare/compare.sh" "$@" ;;
    *) die "bench: unknown suite '$what' (try: micro, compare)" ;;
  esac
}

# Fuzzing (issue 16): the SharpFuzz harnesses of fuzz/RdmaStack.Fuzz under afl-fuzz (AFL++ from Debian). The harness
# project is published to artifacts/fuzz/bin and its targets instrumented there (the build's own bin/ stays as built).
FUZZ_HARNESSES=(handshake slot-reader cli-options)
FUZZ_BIN="$ARTIFACTS/fuzz/bin"

fuzz_prepare() {
  ensure_debian_packages afl++
  dotnet tool restore >/dev/null
  rm -rf "$FUZZ_BIN"
  dotnet publish fuzz/RdmaStack.Fuzz/RdmaStack.Fuzz.csproj -c "$CONFIG" --no-build -o "$FUZZ_BIN" -v q -nologo >/dev/null
  local dll
  # What the harnesses exercise: the library (handshake, queues, failover), the CLI's commands and the parser under them.
  for dll in RdmaStack.dll RdmaStack.Cli.dll System.CommandLine.dll; do
    dotnet tool run sharpfuzz "$FUZZ_BIN/$dll" >/dev/null
  done
}

# Runs one harness for $2 seconds from the committed corpus (fuzz/corpus/$1); prints its executions and crashes and
# replays every crash through the harness (the stack trace names the bug). Returns 1 on a crash or when nothing ran.
fuzz_run() {
  local harness=$1 seconds=$2 out="$ARTIFACTS/fuzz/$1"
  # dotnet is no AFL-instrumented binary (SharpFuzz instruments the IL); the machine's core pattern, CPU governor and
  # core binding are left as they are on a shared host.
  # On a loaded host afl-fuzz now and then sees an empty coverage map on its very first run of the .NET fork server
  # ("No instrumentation detected") and stops; that start is tried again, up to three times.
  local attempt
  for attempt in 1 2 3; do
    rm -rf "$out"; mkdir -p "$out"
    if AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1 \
      AFL_FAST_CAL=1 \
      afl-fuzz -V "$seconds" -i "fuzz/corpus/$harness" -o "$out" -t 5000 -m none -- dotnet "$FUZZ_BIN/RdmaStack.Fuzz.dll" "$harness" \
      >"$out/afl.log" 2>&1; then
      break
    fi
    if [ $attempt = 3 ] || ! grep -q "No instrumentation detected" "$out/afl.log"; then
      echo "fuzz $harness: afl-fuzz failed (see $out/afl.log):"; tail -n 15 "$out/afl.log"; return 1
    fi
  done
  local stats="$out/default/fuzzer_stats"
  [ -f "$stats" ] || { echo "fuzz $harness: no fuzzer_stats (see $out/afl.log)"; return 1; }
  stat() { sed -n "s/^$1 *: *//p" "$stats" | head -n 1; }
  local execs crashes hangs run_time paths
  execs=$(stat execs_done); crashes=$(stat saved_crashes); hangs=$(stat saved_hangs); run_time=$(stat run_time)
  paths=$(stat corpus_count)
  echo "fuzz $harness: ${run_time:-?} s, ${execs:-0} executions, ${paths:-?} inputs in the queue, ${crashes:-?} crashes, ${hangs:-?} hangs"
  if [ "${crashes:-0}" != 0 ]; then
    # The replay runs the build's own (uninstrumented) harness: instrumented code needs afl-fuzz's shared memory.
    dotnet "fuzz/RdmaStack.Fuzz/bin/$CONFIG/net10.0/RdmaStack.Fuzz.dll" "$harness" --replay "$out/default/crashes" 2>&1 | tail -n 30 || true
    return 1
  fi
  [ "${execs:-0}" -gt 0 ] || { echo "fuzz $harness: no execution"; return 1; }
}

# ./build.sh fuzz [seconds] [harness...]: each harness (default: all) for the given time (default 60 s each).
cmd_fuzz() {
  local seconds=${1:-60} harness ok=0
  [[ $seconds =~ ^[1-9][0-9]*$ ]] || die "fuzz: seconds must be a positive whole number, got '$seconds'"
  shift || true
  local harnesses=("$@")
  [ ${#harnesses[@]} -gt 0 ] || harnesses=("${FUZZ_HARNESSES[@]}")
  for harness in "${harnesses[@]}"; do
    [[ " ${FUZZ_HARNESSES[*]} " == *" $harness "* ]] || die "fuzz: unknown harness '$harness' (${FUZZ_HARNESSES[*]})"
  done
  cmd_build
  fuzz_prepare
  for harness in "${harnesses[@]}"; do
    log "fuzz $harness: $seconds s (artifacts/fuzz/$harness)"
    fuzz_run "$harness" "$seconds" || ok=1
  done
  return $ok
}

# The fuzz smoke run of the test command: each harness for a few seconds, one test each (a crash fails it).
test_fuzz_smoke() {
  local harness
  log "fuzz smoke: ${#FUZZ_HARNESSES[@]} harnesses, ${RDMASTACK_FUZZ_SMOKE_SECONDS:-10} s each"
  fuzz_prepare
  for harness in "${FUZZ_HARNESSES[@]}"; do
    if fuzz_run "$harness" "${RDMASTACK_FUZZ_SMOKE_SECONDS:-10}"; then passed=$((passed + 1)); else failed=$((failed + 1)); rc=1; fi
  done
}

# The soak (issue 16, tools/RdmaStack.Soak): a stream over the public API for [minutes] (default 30) with a fault every
# 2 s and the library re-establishing the links, sampled every 5 s; fails on growth past the bounds it prints. Samples
# (CSV, JSON), the summary and a plot (gnuplot) go to artifacts/soak/.
cmd_soak() {
  local minutes=${1:-30}
  [[ $minutes =~ ^[0-9]+([.][0-9]+)?$ ]] || die "soak: minutes must be a number, got '$minutes'"
  shift || true
  cmd_build
  ensure_debian_packages gnuplot-nox
  local out="$ARTIFACTS/soak" rc=0
  rm -rf "$out"; mkdir -p "$out"
  log "soak: $minutes min (artifacts/soak)"
  dotnet "tools/RdmaStack.Soak/bin/$CONFIG/net10.0/RdmaStack.Soak.dll" --minutes "$minutes" --out "$out" "$@" | tee "$out/soak.log" || rc=$?
  if [ -s "$out/samples.csv" ]; then
    gnuplot -e "dir='$out'" tools/RdmaStack.Soak/soak.gp && log "soak: plot $out/soak.png"
  fi
  return $rc
}

# NuGet packages into artifacts/packages: RdmaStack.Core (the library), RdmaStack.Interop and the rdmastack .NET tool
# (metadata in Directory.Build.props). Package version 0.1.<commits on HEAD> (0.1.0 without git); the assemblies
# inside keep the build's version, with the commit in their informational version (SourceLink). Then the check: the
# tool installs from artifacts/packages alone into artifacts/tool (the lab runs it from there) and runs.
TOOL_DIR="$ARTIFACTS/tool"
cmd_pack() {
  cmd_build
  pack_tool
}

# pack_tool: cmd_pack after the build (the lab needs the tool; ./build.sh test and lab have built already).
pack_tool() {
  local version="0.1.0" count
  count=$(git rev-list --count HEAD 2>/dev/null) && version="0.1.$count"
  log "dotnet pack $version -> artifacts/packages"
  rm -rf "$ARTIFACTS/packages"
  dotnet pack RdmaStack.sln -c "$CONFIG" --no-build -v q -nologo -clp:ErrorsOnly -p:Version="$version" -o "$ARTIFACTS/packages"
  ls "$ARTIFACTS/packages"
  log "dotnet tool install rdmastack $version from artifacts/packages into artifacts/tool"
  # --source: artifacts/packages only (no other feed can supply a package of that name); a throwaway NuGet cache,
  # so a rebuilt package of the same version is installed as built, not from an earlier cached copy.
  rm -rf "$TOOL_DIR"
  local cache; cache=$(mktemp -d)
  NUGET_PACKAGES="$cache" dotnet tool install rdmastack --tool-path "$TOOL_DIR" --source "$ARTIFACTS/packages" --version "$version" \
    || { rm -rf "$cache"; die "the rdmastack tool did not install from artifacts/packages"; }
  rm -rf "$cache"
  "$TOOL_DIR/rdmastack" --help >/dev/null || die "the installed tool does not run (rdmastack --help)"
  # On a host without RDMA, `devices` exits 2 and says why; any other failure means the installed tool is broken.
  local out rc=0; out=$("$TOOL_DIR/rdmastack" devices 2>&1) || rc=$?
  printf '%s\n' "$out"
  case "$rc" in
    0) ;;
    2) grep -q 'no RDMA devices' <<<"$out" || die "rdmastack devices failed (exit 2): $out" ;;
    *) die "rdmastack devices failed (exit $rc)" ;;
  esac
  log "installed: artifacts/tool/rdmastack ($("$TOOL_DIR/rdmastack" --version))"
}

# The Soft-RoCE lab (hw-lab/softroce/lab.sh): builds here, then runs a suite in a qemu guest with rdma_rxe.
cmd_lab() {
  cmd_build
  case "${1:-all}" in hwlab|all) pack_tool ;; esac
  "$ROOT/hw-lab/softroce/lab.sh" "$@"
}

usage() {
  cat <<'TXT'
usage: ./build.sh <command> [args]
  setup          install what the build needs (apt packages, NuGet restore, native build); idempotent
  build          setup + compile everything (Release)
  test [args]    setup + build + every test suite, the win-x64 build, then the Soft-RoCE lab (RDMASTACK_SKIP_LAB=1: without it);
                 ends with "N passed, N failed, N skipped"
  demo [args]    setup + build + `rdmastack demo` (two processes, segmented queue over shared memory)
  drill [args]   setup + build + `rdmastack drill` (failover drill: 1,000 injected link failures, nothing lost)
  bench [suite]  setup + build + benchmarks (micro: BenchmarkDotNet; compare: ours vs the C limit vs UCX, bench/results/)
  lab [suite]    setup + build + the Soft-RoCE lab in a qemu guest (suites: devices, tests, demo, drill, hwlab, ha, quorum, perf, all = all but perf;
                 default all; hwlab and all also pack and install the tool, as ./build.sh pack)
  fuzz [seconds] [harness...]
                 setup + build + each fuzz harness (handshake, slot-reader, cli-options; default all) under afl-fuzz
                 for the given time (default 60 s each), from fuzz/corpus/; prints executions and crashes (artifacts/fuzz/)
  soak [minutes] setup + build + the soak (default 30 min): a stream with injected faults and link re-establishments,
                 resources and latency sampled every 5 s, failing on growth past its bounds (artifacts/soak/: CSV, JSON, PNG)
  pack           setup + build + NuGet packages (library, interop, the rdmastack tool) into artifacts/packages,
                 then installs the tool from them into artifacts/tool and runs it
  generate       setup + regenerate the libibverbs/librdmacm bindings (interop/*/Generated) and the layout probe
  api            setup + bring each library's PublicAPI.Unshipped.txt in line with its public API (review the diff)
TXT
}

cmd=${1:-help}; shift || true
case "$cmd" in
  setup) cmd_setup ;;
  build) cmd_build ;;
  test) cmd_test "$@" ;;
  demo) cmd_demo "$@" ;;
  drill) cmd_drill "$@" ;;
  bench) cmd_bench "$@" ;;
  generate) cmd_generate "$@" ;;
  api) cmd_api ;;
  pack) cmd_pack ;;
  lab) cmd_lab "$@" ;;
  fuzz) cmd_fuzz "$@" ;;
  soak) cmd_soak "$@" ;;
  help|-h|--help) usage ;;
  *) usage; die "unknown command '$cmd'" ;;
esac
