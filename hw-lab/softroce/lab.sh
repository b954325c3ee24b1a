#!/usr/bin/env bash
# lab.sh — the Soft-RoCE lab: real libibverbs (rdma_rxe) inside a qemu TCG guest running Debian's 6.1 kernel.
#
#   hw-lab/softroce/lab.sh [suite]      (./build.sh lab [suite] builds first, then calls this)
#
# The guest shares the host's root read-only over virtio-9p (a tmpfs overlay on top), so it runs the binaries
# the host built, from the same paths. Inside it: two NIC pairs in the initial network namespace,
#   rxe0 (vethA 10.77.0.1) <-> rxe1 (vethB 10.77.0.2)   and   rxe2 (vethC 10.77.1.1) <-> rxe3 (vethD 10.77.1.2),
# with policy routing so traffic between the two ends of a pair crosses the veth wire (rxe drops it on lo).
# Then the suite runs (guest/suite-<name>.sh); its output lands in artifacts/lab/results/ and the script exits
# with the suite's status. Network: only the guest's own veth links and loopback; the guest has no NIC.
#
# Environment: RDMASTACK_LAB_CACHE (kernel cache; default /var/cache/rdmastack-lab when writable, else
# ${XDG_CACHE_HOME:-~/.cache}/rdmastack-lab), RDMASTACK_LAB_TIMEOUT (seconds, default 3600), RDMASTACK_LAB_SMP (2).
# RDMASTACK_LAB_APPEND: more kernel command-line words, which suites may read (suite perf: rdmastack_perf_before=PATH,
# rdmastack_perf=PART,PART).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SUITES=(devices tests demo drill hwlab ha quorum perf all)
SUITE=${1:-all}
printf '%s\n' "${SUITES[@]}" | grep -qx -- "$SUITE" || { echo "lab: unknown suite '$SUITE' (suites: ${SUITES[*]})" >&2; exit 2; }

log() { printf '\033[1m==> lab: %s\033[0m\n' "$*" >&2; }
die() { printf 'lab: %s\n' "$*" >&2; exit 2; }

# What the lab needs on the host, installed only when the lab runs (./build.sh setup does not install these).
LAB_PACKAGES=(qemu-system-x86 busybox-static cpio kmod bc rdma-core ibverbs-providers ibverbs-utils perftest iproute2)
# shellcheck source=../../scripts/debian-packages.sh
source "$ROOT/scripts/debian-packages.sh"
install_packages() { ensure_debian_packages "${LAB_PACKAGES[@]}"; }

cache_dir() {
  if [ -n "${RDMASTACK_LAB_CACHE:-}" ]; then echo "$RDMASTACK_LAB_CACHE"; return; fi
  if mkdir -p /var/cache/rdmastack-lab 2>/dev/null && [ -w /var/cache/rdmastack-lab ]; then
    echo /var/cache/rdmastack-lab
  else
    echo "${XDG_CACHE_HOME:-$HOME/.cache}/rdmastack-lab"
  fi
}

# Debian's 6.1 kernel, downloaded and extracted only (never installed on the host), with a modules.dep.
fetch_kernel() {
  local cache=$1
  if [ -f "$cache/kroot/.complete" ]; then return 0; fi
  log "downloading the Debian kernel package into $cache"
  rm -rf "$cache/kroot" "$cache"/linux-image-*.deb
  local pkg
  pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-6/{print $2; exit}')
  [ -n "$pkg" ] || die "apt-cache found no linux-image-6.* behind linux-image-amd64 (run apt-get update?)"
  (cd "$cache" && apt-get download -qq "$pkg")
  dpkg -x "$cache/${pkg}"_*.deb "$cache/kroot"
  depmod -b "$cache/kroot" "$(ls "$cache/kroot/lib/modules")"
  touch "$cache/kroot/.complete"
}

# busybox + the modules, in the order modprobe --show-depends gives (crc32_generic before rdma_rxe).
build_initramfs() {
  local cache=$1 kver=$2 out=$3 ird
  ird=$(mktemp -d)
  mkdir -p "$ird"/{bin,dev,proc,sys,mods,lower,upper,newroot}
  cp /bin/busybox "$ird/bin/"
  for m in virtio_pci 9pnet_virtio 9p overlay crc32_generic rdma_rxe rdma_ucm ib_umad veth; do
    modprobe -d "$cache/kroot" -S "$kver" --show-depends "$m"
  done | awk '$1=="insmod" && !s[$2]++ {print $2}' | while read -r f; do
    cp "$f" "$ird/mods/"; basename "$f" >> "$ird/mods/order"
  done
  cp "$HERE/init.sh" "$ird/init"; chmod +x "$ird/init"
  (cd "$ird" && find . | cpio -o -H newc --quiet | gzip -1) > "$out"
  rm -rf "$ird"
}

# Both paths travel on qemu's command line (where a comma separates options) and the repository's on the
# kernel's (where a space separates parameters).
for p in "$ROOT" "$(cache_dir)"; do
  case "$p" in *[[:space:],]*) die "the path '$p' has a space or a comma, which the qemu and kernel command lines cannot carry; use another folder" ;; esac
done
# The hwlab suite runs the rdmastack tool installed from its package (./build.sh pack puts it there; the guest
# cannot install anything into the read-only repository).
if [ "$SUITE" = hwlab ] || [ "$SUITE" = all ]; then
  [ -x "$ROOT/artifacts/tool/rdmastack" ] || die "suite '$SUITE' needs the tool installed from its package in artifacts/tool: run ./build.sh pack (./build.sh lab does)"
fi
install_packages
CACHE=$(cache_dir); mkdir -p "$CACHE"
fetch_kernel "$CACHE"
KVER=$(ls "$CACHE/kroot/lib/modules")
WORK="$ROOT/artifacts/lab"; RESULTS="$WORK/results"
rm -rf "$RESULTS"; mkdir -p "$RESULTS"
build_initramfs "$CACHE" "$KVER" "$WORK/initramfs.cpio.gz"

log "booting the guest (TCG, kernel $KVER), suite '$SUITE'"
start=$(date +%s)
# KVM is not usable here (the host's /dev/kvm hangs the stock kernel): TCG with multi-threading.
# The suite and the repository's path reach the guest's init through the kernel command line; the repository,
# the module tree and the results folder are 9p shares of their own (init.sh).
# tsc=reliable clocksource=tsc: under TCG the kernel finds the vCPUs' TSCs "unsynchronized" and falls back to
# the HPET, which makes every clock_gettime a system call plus an emulated MMIO read (measured: the shared-memory
# ping-pong in the guest went from 8.9 to 5.3 us p50 with the TSC). perftest reads the TSC directly either way.
# RDMASTACK_LAB_APPEND adds kernel parameters.
set +e
timeout "${RDMASTACK_LAB_TIMEOUT:-3600}" qemu-system-x86_64 -accel tcg,thread=multi -cpu max -machine q35 \
  -smp "${RDMASTACK_LAB_SMP:-2}" -m 4G -nographic -no-reboot -nic none \
  -kernel "$CACHE/kroot/boot/vmlinuz-$KVER" -initrd "$WORK/initramfs.cpio.gz" \
  -append "console=ttyS0 panic=-1 quiet loglevel=4 softlockup_all_cpu_backtrace=1 tsc=reliable clocksource=tsc ${RDMASTACK_LAB_APPEND:-} rdmastack_suite=$SUITE rdmastack_repo=$ROOT" \
  -fsdev local,id=r,path=/,security_model=none,readonly=on,multidevs=remap -device virtio-9p-pci,fsdev=r,mount_tag=hostroot \
  -fsdev local,id=w,path="$WORK",security_model=none,multidevs=remap -device virtio-9p-pci,fsdev=w,mount_tag=work \
  -fsdev local,id=p,path="$ROOT",security_model=none,readonly=on,multidevs=remap -device virtio-9p-pci,fsdev=p,mount_tag=repo \
  -fsdev local,id=m,path="$CACHE/kroot/lib/modules",security_model=none,readonly=on,multidevs=remap -device virtio-9p-pci,fsdev=m,mount_tag=modules \
  </dev/null 2>&1 | sed -u 's/\r$//' | tee "$WORK/serial.log"
qemu_rc=${PIPESTATUS[0]}
set -e
elapsed=$(( $(date +%s) - start ))
echo "$elapsed" > "$RESULTS/wall-seconds"
if [ ! -f "$RESULTS/rc" ]; then
  log "the guest did not finish the suite (qemu exit $qemu_rc after ${elapsed}s; see $WORK/serial.log)"
  exit 1
fi
rc=$(cat "$RESULTS/rc")
log "suite '$SUITE' exited $rc in ${elapsed}s (boot included); results in ${RESULTS#$ROOT/}/"
exit "$rc"
