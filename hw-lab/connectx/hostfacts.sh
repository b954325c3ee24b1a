#!/usr/bin/env bash
# hostfacts.sh — the facts of this lab host as one JSON object on stdout: NICs (model, firmware fw_ver, driver,
# PCIe width and speed, NUMA node, ports), kernel, CPU model, governor, isolation (isolcpus, nohz_full), huge
# pages. Read from sysfs, /proc and ibv_devinfo only; a value that cannot be read is null, with a KEY_reason beside it.
# run.sh puts this object into every run's JSON.
#
#   hostfacts.sh [-d mlx5_0,mlx5_1]      (default: every RDMA device)
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/lib.sh
source "$HERE/lib.sh"

DEVICES=""
while [ $# -gt 0 ]; do
  case "$1" in
    -d|--ib-dev) DEVICES=${2:?-d needs a device list}; shift 2 ;;
    -h|--help) usage_of "$0"; exit 0 ;;
    *) echo "hostfacts: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

# Set by lib.sh's readers through their first argument.
v="" drv="" nd="" idx="" devs="" online="" gov_reason=""

# kv KEY VALUE [number]: "KEY": VALUE as JSON (a string, or a number/null).
kv() { if [ "${3:-}" = number ]; then printf '"%s": %s' "$1" "$(json_num "$2")"; else printf '"%s": %s' "$1" "$(json_str "$2")"; fi; }
# kv_null KEY REASON: "KEY": null, "KEY_reason": REASON.
kv_null() { printf '"%s": null, "%s_reason": %s' "$1" "$1" "$(json_str "$2")"; }

cpu_json() {
  local model govs
  model=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null)
  if [ -n "$model" ]; then kv model "$model"; else kv_null model "no 'model name' line in /proc/cpuinfo"; fi
  printf ', '
  if rd online /sys/devices/system/cpu/online; then kv online "$online"; else kv_null online "$WHY"; fi
  printf ', '
  govs=$(cat /sys/devices/system/cpu/cpu[0-9]*/cpufreq/scaling_governor 2>/dev/null | sort -u | paste -sd, -)
  gov_reason="no /sys/devices/system/cpu/cpu*/cpufreq/scaling_governor (no cpufreq driver: a VM, or the firmware sets the clock)"
  if [ -n "$govs" ]; then kv governor "$govs"; else kv_null governor "$gov_reason"; fi
}

isolation_json() {
  json_read isolcpus /sys/devices/system/cpu/isolated; printf ', '
  if rd v /sys/devices/system/cpu/nohz_full; then
    [ "$v" = "(null)" ] && v=""
    kv nohz_full "$v"
  else kv_null nohz_full "$WHY (kernel without NO_HZ_FULL)"; fi
  printf ', '
  if rd v /proc/cmdline; then kv kernel_cmdline "$v"; else kv_null kernel_cmdline "$WHY"; fi
}

huge_pages_json() {
  local total free size
  total=$(awk '/^HugePages_Total:/ {print $2}' /proc/meminfo 2>/dev/null)
  free=$(awk '/^HugePages_Free:/ {print $2}' /proc/meminfo 2>/dev/null)
  size=$(awk '/^Hugepagesize:/ {print $2}' /proc/meminfo 2>/dev/null)
  if [ -n "$total" ]; then kv total "$total" number; printf ', '; kv free "$free" number; printf ', '; kv size_kb "$size" number
  else kv_null total "no HugePages_Total in /proc/meminfo"; fi
  printf ', '; json_read transparent /sys/kernel/mm/transparent_hugepage/enabled
}

port_json() {
  local dev=$1 port=$2 pd="$SYS_IB/$1/ports/$2" devinfo amtu ll=""
  printf '{'; kv port "$port" number
  printf ', '; json_read state "$pd/state"
  printf ', '; json_read phys_state "$pd/phys_state"
  printf ', '; json_read link_layer "$pd/link_layer"; rd ll "$pd/link_layer"
  printf ', '; json_read rate "$pd/rate"
  devinfo=$(ibv_devinfo -d "$dev" -i "$port" 2>&1) || devinfo=""
  amtu=$(awk '/active_mtu:/ {print $2; exit}' <<<"$devinfo")
  printf ', '; if [ -n "$amtu" ]; then kv active_mtu "$amtu" number; else kv_null active_mtu "no active_mtu in ibv_devinfo -d $dev -i $port"; fi
  if [ "$ll" = InfiniBand ]; then
    printf ', '; json_read lid "$pd/lid"; printf ', '; json_read sm_lid "$pd/sm_lid"
  else
    printf ', '; if port_netdev nd "$dev" "$port"; then kv netdev "$nd"; printf ', '; json_read netdev_mtu "/sys/class/net/$nd/mtu" number
    else kv_null netdev "$WHY"; fi
    printf ', '; if roce_v2_ipv4_index idx "$dev" "$port"; then kv roce_v2_ipv4_gid_index "$idx" number; else kv_null roce_v2_ipv4_gid_index "$WHY"; fi
  fi
  printf '}'
}

nic_json() {
  local dev=$1 pci="$SYS_IB/$1/device" rxe=false first=1 port
  is_rxe "$dev" && rxe=true
  printf '{'; kv device "$dev"; printf ', "rxe": %s' "$rxe"
  printf ', '; if dev_driver drv "$dev"; then kv driver "$drv"; printf ', '; json_read driver_version "/sys/module/$drv/version"
  else kv_null driver "$WHY"; fi
  printf ', '; json_read model "$SYS_IB/$dev/hca_type"
  printf ', '; json_read board_id "$SYS_IB/$dev/board_id"
  printf ', '; json_read fw_ver "$SYS_IB/$dev/fw_ver"
  printf ', '; json_read node_guid "$SYS_IB/$dev/node_guid"
  if [ "$rxe" = true ]; then
    printf ', '; kv_null pcie "rxe: no PCIe function"
    printf ', '; kv_null numa_node "rxe: no PCIe function"
  else
    printf ', '; kv pci_address "$(basename "$(readlink -f "$pci")")"
    printf ', "pcie": {'; json_read current_link_speed "$pci/current_link_speed"; printf ', '; json_read current_link_width "$pci/current_link_width" number
    printf ', '; json_read max_link_speed "$pci/max_link_speed"; printf ', '; json_read max_link_width "$pci/max_link_width" number; printf '}'
    printf ', '; json_read numa_node "$pci/numa_node" number
    printf ', '; json_read local_cpulist "$pci/local_cpulist"
  fi
  printf ', "ports": ['
  for port in $(dev_ports "$dev"); do
    [ $first = 1 ] || printf ', '; first=0
    port_json "$dev" "$port"
  done
  printf ']}'
}

{
  printf '{'
  kv hostname "$(hostname 2>/dev/null || cat /proc/sys/kernel/hostname)"
  printf ', '; kv date_utc "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf ', '; json_read kernel /proc/sys/kernel/osrelease
  printf ', "cpu": {'; cpu_json; printf '}'
  printf ', "isolation": {'; isolation_json; printf '}'
  printf ', "huge_pages": {'; huge_pages_json; printf '}'
  printf ', "nics": ['
  if [ -n "$DEVICES" ]; then devs=${DEVICES//,/ }; elif ! rdma_devices devs; then devs=""; fi
  first=1
  for dev in $devs; do
    [ $first = 1 ] || printf ', '; first=0
    if [ -d "$SYS_IB/$dev" ]; then nic_json "$dev"; else printf '{'; kv device "$dev"; printf ', '; kv_null model "no such RDMA device in $SYS_IB"; printf '}'; fi
  done
  printf ']'
  [ -n "$devs" ] || { printf ', '; kv nics_reason "$WHY"; }
  printf '}\n'
}
