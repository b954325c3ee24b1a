#!/usr/bin/env bash
# preflight.sh — checks a lab host against the ConnectX runbook (hw-lab/connectx/README.md), one line per check:
#
#   PASS|WARN|FAIL  <check>: <what it saw>  [fix: <how>]
#
# Everything comes from ibv_devinfo, sysfs and /proc; a value it cannot read is a WARN "cannot read X" with the
# reason, never a guess. Soft-RoCE (rxe) devices get WARN "rxe: ..." for what only a real NIC has (firmware,
# PCIe, NUMA, interrupts, PFC/ECN). Exit status 0 when nothing FAILed, 1 otherwise, 2 for a usage error.
#
#   preflight.sh [-d mlx5_0,mlx5_1] [-i PORT] [--cpus LIST]
#     -d      the RDMA devices to check (default: every device of this host)
#     -i      the port to check on each (default: every port)
#     --cpus  the cores the hot threads will use (default: the core run.sh picks for each device)
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/lib.sh
source "$HERE/lib.sh"

usage() { usage_of "$0"; }
DEVICES="" PORT="" CPUS=""
while [ $# -gt 0 ]; do
  case "$1" in
    -d|--ib-dev) DEVICES=${2:?-d needs a device list}; shift 2 ;;
    -i|--ib-port) PORT=${2:?-i needs a port}; shift 2 ;;
    --cpus) CPUS=${2:?--cpus needs a CPU list}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "preflight: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

fails=0 warns=0 passes=0
# Set by lib.sh's readers through their first argument (declared here for clarity and for shellcheck).
v="" drv="" model="" fw="" cs="" cw="" ms="" mw="" node="" lc="" dev_hot="" hot_why="" local_cpus="" aff=""
state="" phys="" ll="" rate="" lid="" smlid="" nd="" idx="" ndmtu="" e="" isolated="" nohz="" comm="" thp=""
report() { # report STATUS CHECK SAW [FIX]
  local line
  line=$(printf '%-4s  %s: %s' "$1" "$2" "$3")
  [ -n "${4:-}" ] && line+="  [fix: $4]"
  echo "$line"
  case "$1" in FAIL) fails=$((fails + 1)) ;; WARN) warns=$((warns + 1)) ;; *) passes=$((passes + 1)) ;; esac
}
pass() { report PASS "$@"; }
warn() { report WARN "$@"; }
fail() { report FAIL "$@"; }

# --- tools --------------------------------------------------------------------------------------------------------
if command -v ibv_devinfo >/dev/null; then pass "ibv_devinfo" "$(command -v ibv_devinfo)"
else fail "ibv_devinfo" "not installed" "apt-get install ibverbs-utils (RHEL: dnf install libibverbs-utils)"; fi
for t in ib_write_lat ib_write_bw; do
  if command -v "$t" >/dev/null; then pass "$t" "$(command -v "$t") (the baseline of run.sh)"
  else fail "$t" "not installed (run.sh's baseline)" "apt-get install perftest (RHEL: dnf install perftest)"; fi
done
if command -v taskset >/dev/null; then pass "taskset" "$(command -v taskset) (pins perftest to the hot core)"
else fail "taskset" "not installed (run.sh pins perftest with it)" "apt-get install util-linux"; fi
RDMASTACK_BIN=${RDMASTACK:-$(command -v rdmastack || echo "$HOME/.dotnet/tools/rdmastack")}
if [ -x "$RDMASTACK_BIN" ]; then pass "rdmastack" "$RDMASTACK_BIN"
else warn "rdmastack" "not found (RDMASTACK=$RDMASTACK_BIN, PATH, ~/.dotnet/tools): run.sh needs it for our side" \
  "dotnet tool install --global rdmastack --add-source DIR-WITH-THE-NUPKG (runbook, Install)"; fi

# --- kernel and devices -------------------------------------------------------------------------------------------
if rd v /proc/sys/kernel/osrelease; then pass "kernel" "$v"; else warn "kernel" "cannot read the release: $WHY"; fi
all=""
if rdma_devices all; then pass "RDMA devices" "$all"
else fail "RDMA devices" "none: $WHY" "load the driver (modprobe mlx5_ib; Soft-RoCE: rdma link add rxe0 type rxe netdev IF)"; fi
uverbs=""; for f in /dev/infiniband/uverbs*; do [ -e "$f" ] && uverbs+="${uverbs:+ }$f"; done
if [ -n "$uverbs" ]; then pass "verbs device files" "$uverbs"
else fail "verbs device files" "no /dev/infiniband/uverbs*" "modprobe ib_uverbs"; fi
memlock=$(awk '/^Max locked memory/ {print $4, $5}' /proc/self/limits 2>/dev/null)
case "$memlock" in
  "unlimited unlimited") pass "locked memory limit" "unlimited (/proc/self/limits)" ;;
  "") warn "locked memory limit" "cannot read Max locked memory from /proc/self/limits" ;;
  *) warn "locked memory limit" "soft ${memlock% *}, hard ${memlock#* } bytes: registering more memory than that fails" \
       "ulimit -l unlimited; for good: '* - memlock unlimited' in /etc/security/limits.d/rdma.conf (systemd: LimitMEMLOCK=infinity)" ;;
esac

[ -n "$DEVICES" ] && all=${DEVICES//,/ }
hot_cpus=""
[ -n "$CPUS" ] && hot_cpus=$(cpulist_expand "$CPUS")
all_hot=""

# --- per device ---------------------------------------------------------------------------------------------------
for dev in $all; do
  if [ ! -d "$SYS_IB/$dev" ]; then
    have=""; rdma_devices have
    fail "$dev" "no such RDMA device (this host has: ${have:-none})" "check the name with ibv_devices"; continue
  fi
  rxe=0; is_rxe "$dev" && rxe=1
  if dev_driver drv "$dev"; then pass "$dev driver" "$drv$([ $rxe = 1 ] && echo " (Soft-RoCE: software RDMA over a netdev)")"
  else warn "$dev driver" "cannot read the driver: $WHY"; fi
  if rd model "$SYS_IB/$dev/hca_type"; then pass "$dev model" "hca_type $model"
  else warn "$dev model" "cannot read hca_type: $WHY"; fi

  pci="$SYS_IB/$dev/device"
  if [ $rxe = 1 ]; then
    rd fw "$SYS_IB/$dev/fw_ver" || fw="unreadable"
    warn "$dev firmware" "rxe: a software device has no firmware (fw_ver ${fw:-empty})"
    warn "$dev PCIe" "rxe: no PCIe function, no link width or speed to check"
    warn "$dev NUMA" "rxe: no PCIe function, so no NUMA node to keep the hot cores near"
    warn "$dev interrupts" "rxe: no interrupts of its own (it runs in the softirqs of its netdev)"
  else
    if rd fw "$SYS_IB/$dev/fw_ver"; then
      pass "$dev firmware" "fw_ver $fw (whether it is the latest: mlxfwmanager --query, or mstflint -d $(basename "$(readlink -f "$pci")") query)"
    else warn "$dev firmware" "cannot read fw_ver: $WHY"; fi
    if rd cs "$pci/current_link_speed" && rd cw "$pci/current_link_width" && rd ms "$pci/max_link_speed" && rd mw "$pci/max_link_width"; then
      if [ "$cs" = "$ms" ] && [ "$cw" = "$mw" ]; then pass "$dev PCIe" "x$cw at $cs (the card's maximum)"
      else warn "$dev PCIe" "x$cw at $cs; the card can do x$mw at $ms (slot too narrow, or the link trained down)" \
        "a slot of x$mw at $ms; after a reboot check lspci -vv (LnkSta)"; fi
    else warn "$dev PCIe" "cannot read the link: $WHY"; fi
    if rd node "$pci/numa_node"; then
      rd lc "$pci/local_cpulist" || lc="unreadable ($WHY)"
      if [ "$node" = -1 ]; then pass "$dev NUMA" "numa_node -1 (one memory node, or the firmware does not say); local CPUs $lc"
      else pass "$dev NUMA" "node $node, local CPUs $lc"; fi
    else warn "$dev NUMA" "cannot read numa_node: $WHY"; fi
  fi

  # The hot cores: --cpus, or the one run.sh would take for this device.
  if [ -n "$hot_cpus" ]; then dev_hot=$hot_cpus; hot_src="--cpus"
  else default_cpu dev_hot hot_why "$dev"; hot_src="run.sh's default: $hot_why"; fi
  all_hot+=" $dev_hot"
  if [ $rxe = 0 ]; then
    if nic_local_cpus local_cpus "$dev"; then
      far=""; for c in $dev_hot; do in_list "$c" "$local_cpus" || far+="${far:+ }$c"; done
      if [ -z "$far" ]; then pass "$dev hot cores" "CPU(s) $dev_hot ($hot_src) are local to $dev"
      else warn "$dev hot cores" "CPU(s) $far ($hot_src) are not local to $dev (local: $local_cpus)" "run.sh --cpu with a local CPU"; fi
    else warn "$dev hot cores" "cannot read the local CPUs: $WHY"; fi
    # Interrupts of the PCIe function: none should be allowed onto a hot core.
    if [ -d "$pci/msi_irqs" ]; then
      on_hot="" n=0
      for irq in "$pci/msi_irqs"/*; do
        irq=${irq##*/}; n=$((n + 1))
        rd aff "/proc/irq/$irq/effective_affinity_list" || rd aff "/proc/irq/$irq/smp_affinity_list" || continue
        for c in $(cpulist_expand "$aff"); do in_list "$c" "$dev_hot" && { on_hot+="${on_hot:+ }$irq"; break; }; done
      done
      if [ -z "$on_hot" ]; then pass "$dev interrupts" "none of its $n MSI-X vectors may run on CPU(s) $dev_hot"
      else warn "$dev interrupts" "IRQ(s) $on_hot of $n may run on hot CPU(s) $dev_hot" \
        "set_irq_affinity_cpulist.sh OTHER-CPUS NETDEV (mlnx-tools) or echo OTHER-CPUS > /proc/irq/N/smp_affinity_list, with irqbalance stopped or told to keep off"; fi
    else warn "$dev interrupts" "cannot read $pci/msi_irqs (no MSI-X vectors listed)"; fi
  fi

  ports=$PORT; [ -n "$ports" ] || ports=$(dev_ports "$dev")
  for port in $ports; do
    p="$dev/$port"; pd="$SYS_IB/$dev/ports/$port"
    if [ ! -d "$pd" ]; then fail "$p" "no port $port on $dev" "-i with one of: $(dev_ports "$dev" | tr '\n' ' ')"; continue; fi
    rd state "$pd/state" || state="unreadable ($WHY)"
    rd phys "$pd/phys_state" || phys="unreadable ($WHY)"
    if [[ $state == *ACTIVE* ]]; then pass "$p state" "$state, $phys"
    else fail "$p state" "$state, $phys" "cable and switch port; InfiniBand: a subnet manager (below); RoCE: ip link set NETDEV up"; fi
    rd ll "$pd/link_layer" || ll="unreadable ($WHY)"
    rd rate "$pd/rate" || rate="rate unreadable ($WHY)"
    pass "$p link" "$ll, $rate"
    devinfo=$(ibv_devinfo -d "$dev" -i "$port" 2>&1) || devinfo=""
    amtu=$(awk '/active_mtu:/ {print $2; exit}' <<<"$devinfo"); mmtu=$(awk '/max_mtu:/ {print $2; exit}' <<<"$devinfo")

    if [ "$ll" = InfiniBand ]; then
      rd lid "$pd/lid" || lid="?"; rd smlid "$pd/sm_lid" || smlid="?"
      if [ "$smlid" != "?" ] && [ "$lid" != "?" ] && [ $((smlid)) -ne 0 ] && [ $((lid)) -ne 0 ]; then pass "$p subnet manager" "LID $lid, SM at LID $smlid"
      else fail "$p subnet manager" "LID $lid, SM LID $smlid: no subnet manager has configured this port" \
        "one SM on the fabric: systemctl start opensm (or the switch's); check with sminfo"; fi
      if [ -z "$amtu" ]; then warn "$p MTU" "cannot read active_mtu from ibv_devinfo -d $dev -i $port"
      elif [ "$amtu" = 4096 ]; then pass "$p MTU" "active_mtu $amtu"
      else warn "$p MTU" "active_mtu $amtu (max $mmtu)" "the partition's MTU in the SM (opensm partitions.conf: mtu=5 is 4096)"; fi
      continue
    fi

    # RoCE (Ethernet link layer)
    port_netdev nd "$dev" "$port" || warn "$p netdev" "cannot find the netdev: $WHY"
    if roce_v2_ipv4_index idx "$dev" "$port"; then
      pass "$p GID" "RoCE v2 IPv4 GID at index $idx: $(roce_gids "$dev" "$port" | awk -v i="$idx" '$1 == i {print $3, "on", $4}') (ib_write_lat -x $idx)"
    else fail "$p GID" "$WHY" "ip addr add ADDRESS/PREFIX dev ${nd:-NETDEV} (the runbook's IP plan)"; fi
    [ -n "$nd" ] || continue
    rd ndmtu "/sys/class/net/$nd/mtu" || ndmtu="unreadable"
    if [ -z "$amtu" ]; then warn "$p MTU" "cannot read active_mtu from ibv_devinfo -d $dev -i $port; $nd mtu $ndmtu"
    elif [ "$amtu" = 4096 ]; then pass "$p MTU" "active_mtu $amtu, $nd mtu $ndmtu"
    else warn "$p MTU" "active_mtu $amtu (max $mmtu) on $nd mtu $ndmtu: RoCE uses the largest IB MTU that fits in the netdev's" \
      "ip link set dev $nd mtu 9000 on both hosts, jumbo frames on the switch ports: active_mtu 4096"; fi
    if [ $rxe = 1 ]; then
      warn "$p ECN" "rxe: Soft-RoCE has no DCQCN congestion control (no /sys/class/net/$nd/ecn)"
      warn "$p PFC" "rxe: no lossless traffic class; a lost packet is recovered by the RC transport's retries"
      continue
    fi
    ecn=/sys/class/net/$nd/ecn
    if [ -d "$ecn/roce_np/enable" ] && [ -d "$ecn/roce_rp/enable" ]; then
      np="" rp=""
      for pr in 0 1 2 3 4 5 6 7; do
        rd e "$ecn/roce_np/enable/$pr" && [ "$e" = 1 ] && np+="${np:+,}$pr"
        rd e "$ecn/roce_rp/enable/$pr" && [ "$e" = 1 ] && rp+="${rp:+,}$pr"
      done
      if [ -n "$np" ] && [ -n "$rp" ]; then pass "$p ECN" "DCQCN notification point on priorities $np, reaction point on $rp"
      else warn "$p ECN" "DCQCN notification point on priorities '${np:-none}', reaction point on '${rp:-none}'" \
        "echo 1 > $ecn/roce_np/enable/3 and echo 1 > $ecn/roce_rp/enable/3 (3: the RoCE priority)"; fi
    else warn "$p ECN" "cannot read $ecn/ (that directory comes with NVIDIA's OFED mlx5 driver; the inbox driver has none)" \
      "ECN marking on the switch; watch the CNP counters (runbook, RoCE)"; fi
    warn "$p PFC" "cannot read PFC from sysfs or /proc (it is not exported there)" \
      "mlnx_qos -i $nd (PFC on the RoCE priority only, trust dscp) or dcb pfc show dev $nd; counters: ethtool -S $nd | grep prio"
  done
done

# --- CPU and memory -----------------------------------------------------------------------------------------------
govs=$(cat "$SYS_CPU"/cpu[0-9]*/cpufreq/scaling_governor 2>/dev/null | sort | uniq -c | awk '{printf "%s%s x%s", sep, $2, $1; sep=", "}')
if [ -z "$govs" ]; then warn "CPU governor" "cannot read $SYS_CPU/cpu*/cpufreq/scaling_governor (no cpufreq driver: a VM, or the firmware sets the clock)" \
  "firmware (BIOS) profile for maximum performance"
elif [[ $govs == performance\ x* ]] && [[ $govs != *,* ]]; then pass "CPU governor" "$govs"
else warn "CPU governor" "$govs" "cpupower frequency-set -g performance (or echo performance > $SYS_CPU/cpuN/cpufreq/scaling_governor)"; fi
want=$(tr ' ' '\n' <<<"$all_hot $hot_cpus" | grep -v '^$' | sort -nu | tr '\n' ' '); want=${want% }
if ! rd isolated "$SYS_CPU/isolated"; then warn "CPU isolation" "cannot read the isolated CPUs: $WHY"
else
  nohz=""; rd nohz "$SYS_CPU/nohz_full" || nohz=""
  [ "$nohz" = "(null)" ] && nohz=""
  iso_list=$(cpulist_expand "$isolated"); nohz_list=$(cpulist_expand "$nohz")
  not_iso="" not_nohz=""
  for c in $want; do in_list "$c" "$iso_list" || not_iso+="${not_iso:+ }$c"; in_list "$c" "$nohz_list" || not_nohz+="${not_nohz:+ }$c"; done
  if [ -z "$want" ]; then warn "CPU isolation" "no hot CPU to check (no device, no --cpus); isolcpus: ${isolated:-none}, nohz_full: ${nohz:-none}"
  elif [ -z "$not_iso" ] && [ -z "$not_nohz" ]; then pass "CPU isolation" "hot CPU(s) $want are isolated ($isolated) and without the tick (nohz_full $nohz)"
  else warn "CPU isolation" "hot CPU(s) $want: isolcpus ${isolated:-none}, nohz_full ${nohz:-none}$([ -e "$SYS_CPU/nohz_full" ] || echo " ($SYS_CPU/nohz_full absent: kernel without NO_HZ_FULL)")" \
    "kernel command line isolcpus=managed_irq,domain,LIST nohz_full=LIST rcu_nocbs=LIST (GRUB_CMDLINE_LINUX, update-grub, reboot)"; fi
fi
irqb=""; for c in /proc/[0-9]*/comm; do rd comm "$c" 2>/dev/null && [ "$comm" = irqbalance ] && { irqb=${c#/proc/}; irqb=${irqb%/comm}; break; }; done
if [ -n "$irqb" ]; then warn "irqbalance" "running (pid $irqb): it moves interrupts, possibly onto the hot cores" \
  "IRQBALANCE_BANNED_CPULIST=HOT-CPUS in /etc/default/irqbalance, or systemctl stop irqbalance and set the affinities by hand"
else pass "irqbalance" "not running"; fi
hp_total=$(awk '/^HugePages_Total:/ {print $2}' /proc/meminfo 2>/dev/null); hp_free=$(awk '/^HugePages_Free:/ {print $2}' /proc/meminfo 2>/dev/null)
hp_size=$(awk '/^Hugepagesize:/ {print $2 " " $3}' /proc/meminfo 2>/dev/null)
rd thp /sys/kernel/mm/transparent_hugepage/enabled || thp="unreadable ($WHY)"
if [ -z "$hp_total" ]; then warn "huge pages" "cannot read HugePages_Total from /proc/meminfo"
elif [ "$hp_total" -gt 0 ]; then pass "huge pages" "$hp_total of $hp_size reserved, $hp_free free; transparent: $thp"
else warn "huge pages" "none reserved (page size $hp_size); transparent: $thp" \
  "sysctl -w vm.nr_hugepages=1024, or on the NIC's node: echo 1024 > /sys/devices/system/node/nodeN/hugepages/hugepages-2048kB/nr_hugepages"; fi

echo "preflight: $passes passed, $warns warnings, $fails failed"
[ "$fails" -eq 0 ]
