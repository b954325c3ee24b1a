# hw-lab/connectx/lib.sh — sourced by preflight.sh, hostfacts.sh and run.sh: what they read from sysfs and /proc,
# in one place. Nothing here guesses: a reader that cannot read a value returns 1 and leaves the reason in $WHY.
# shellcheck shell=bash

SYS_IB=${RDMASTACK_SYS_IB:-/sys/class/infiniband}
SYS_CPU=/sys/devices/system/cpu
WHY=""

# Readers that can fail store their result in the variable named by their first argument and return 0, or leave it
# empty, set $WHY to the reason and return 1 (no command substitution, so $WHY reaches the caller).

# rd VAR PATH: VAR = the file's content without surrounding whitespace.
# Builtins only (no fork per file): a sysfs walk reads hundreds of files, and a fork costs milliseconds under
# emulation (the Soft-RoCE lab).
rd() {
  local -n _out=$1; local path=$2 _v _lines=()
  _out=""
  if [ ! -e "$path" ]; then WHY="$path does not exist"; return 1; fi
  if [ ! -r "$path" ]; then WHY="$path is not readable (permissions)"; return 1; fi
  if ! mapfile -t _lines < "$path" 2>/dev/null; then WHY="reading $path failed"; return 1; fi
  printf -v _v '%s\n' "${_lines[@]}"
  _v=${_v#"${_v%%[![:space:]]*}"}; _out=${_v%"${_v##*[![:space:]]}"}
}

# rdma_devices VAR: VAR = the RDMA devices of this host, space-separated.
rdma_devices() {
  local -n _out=$1; local d
  _out=""
  if [ ! -d "$SYS_IB" ]; then WHY="$SYS_IB does not exist (no RDMA core in this kernel, or ib_core not loaded)"; return 1; fi
  for d in "$SYS_IB"/*; do [ -e "$d" ] && _out+="${_out:+ }${d##*/}"; done
  [ -n "$_out" ] || { WHY="$SYS_IB is empty (no RDMA device: driver not loaded, or no NIC)"; return 1; }
}

# is_rxe DEV: whether DEV is Soft-RoCE (rdma_rxe): no PCI function behind it, and rxe's own "parent" attribute
# (the netdev it runs on), or the rdma_rxe module with an rxe* name.
is_rxe() {
  local dev=$1
  [ -e "$SYS_IB/$dev/device/vendor" ] && return 1
  [ -e "$SYS_IB/$dev/parent" ] && return 0
  [ -d /sys/module/rdma_rxe ] && [[ $dev == rxe* ]]
}

# dev_ports DEV: the port numbers of DEV, one per line.
dev_ports() {
  local p
  for p in "$SYS_IB/$1"/ports/*; do [ -e "$p" ] && echo "${p##*/}"; done
}

# dev_driver VAR DEV: VAR = the kernel driver of DEV (its device/driver link; rdma_rxe for Soft-RoCE).
dev_driver() {
  local -n _out=$1; local dev=$2 link
  _out=""
  if link=$(readlink "$SYS_IB/$dev/device/driver" 2>/dev/null); then _out=${link##*/}; return 0; fi
  if is_rxe "$dev"; then _out=rdma_rxe; return 0; fi
  WHY="$SYS_IB/$dev/device/driver is not a link"; return 1
}

# port_netdev VAR DEV PORT: VAR = the network interface under a RoCE port: the netdev of its first GID that has
# one, else rxe's parent attribute, else the one in the PCI function's net/ folder.
port_netdev() {
  local -n _out=$1; local dev=$2 port=$3 f n
  _out=""
  for f in "$SYS_IB/$dev/ports/$port"/gid_attrs/ndevs/*; do
    n=$(cat "$f" 2>/dev/null) || continue
    [ -n "$n" ] && { _out=$n; return 0; }
  done
  local parent
  if rd parent "$SYS_IB/$dev/parent" && [ -n "$parent" ]; then _out=$parent; return 0; fi
  for f in "$SYS_IB/$dev/device/net"/*; do [ -e "$f" ] && { _out=${f##*/}; return 0; }; done
  WHY="no netdev in $SYS_IB/$dev/ports/$port/gid_attrs/ndevs/ nor in $SYS_IB/$dev/device/net/"; return 1
}

# gid_text GID: the sysfs GID (8 groups of 4 hex digits) as text: an IPv4-mapped one as the dotted address.
gid_text() {
  local g=$1
  if [[ $g == 0000:0000:0000:0000:0000:ffff:* ]]; then
    local h=${g#0000:0000:0000:0000:0000:ffff:}; h=${h/:/}
    printf '%d.%d.%d.%d' "0x${h:0:2}" "0x${h:2:2}" "0x${h:4:2}" "0x${h:6:2}"
  else
    printf '%s' "$g"
  fi
}

# roce_gids DEV PORT: "INDEX TYPE GID NETDEV" per populated GID (sysfs type without spaces: "RoCE v2" -> RoCEv2).
# A port's GID table can have hundreds of entries (rxe: 1024), most of them zero: read with builtins only.
roce_gids() {
  local dev=$1 port=$2 pd="$SYS_IB/$1/ports/$2" f i g t n
  for f in "$pd"/gids/*; do
    [ -e "$f" ] || continue
    g=""; read -r g < "$f" 2>/dev/null
    [ -z "$g" ] || [ "$g" = 0000:0000:0000:0000:0000:0000:0000:0000 ] && continue
    i=${f##*/}; t="" n=""
    read -r t < "$pd/gid_attrs/types/$i" 2>/dev/null
    read -r n < "$pd/gid_attrs/ndevs/$i" 2>/dev/null
    t=${t// /}; echo "$i ${t:-unknown} $(gid_text "$g") ${n:--}"
  done | sort -n
}

# roce_v2_ipv4_index VAR DEV PORT: VAR = the index of the first RoCE v2 GID that is an IPv4 address (what
# ib_write_lat -x and our -x want for RoCE over IPv4).
roce_v2_ipv4_index() {
  local -n _out=$1; local i t g
  _out=""
  while read -r i t g _; do
    if [ "$t" = RoCEv2 ] && [[ $g =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]]; then _out=$i; return 0; fi
  done < <(roce_gids "$2" "$3")
  WHY="no RoCE v2 GID with an IPv4 address on $2 port $3 (is an IPv4 address assigned to its netdev?)"; return 1
}

# cpulist_expand LIST: "0-3,8" -> "0 1 2 3 8".
cpulist_expand() {
  local part a b out=() parts=()
  IFS=, read -ra parts <<<"$1"
  for part in "${parts[@]}"; do
    [ -n "$part" ] || continue
    if [[ $part == *-* ]]; then
      a=${part%-*}; b=${part#*-}
      while [ "$a" -le "$b" ]; do out+=("$a"); a=$((a + 1)); done
    else
      out+=("$part")
    fi
  done
  echo "${out[*]}"
}

# in_list X "A B C": whether X is one of the words.
in_list() { [[ " $2 " == *" $1 "* ]]; }

# nic_local_cpus VAR DEV: VAR = the CPUs local to DEV's PCIe function (device/local_cpulist), expanded.
nic_local_cpus() {
  local -n _out=$1; local dev=$2 l
  _out=""
  if is_rxe "$dev"; then WHY="rxe: no PCIe function, so no CPU is nearer than another"; return 1; fi
  rd l "$SYS_IB/$dev/device/local_cpulist" || return 1
  _out=$(cpulist_expand "$l")
}

# default_cpu CPUVAR REASONVAR DEV: the core a hot thread takes when none is given: the first isolated CPU local to
# the NIC, else the last CPU local to it, else the last online CPU (CPU 0 takes most housekeeping).
default_cpu() {
  local -n _cpu=$1 _why=$2; local dev=$3 local_cpus iso isolated="" online c
  rd iso "$SYS_CPU/isolated" 2>/dev/null && isolated=$(cpulist_expand "$iso")
  if nic_local_cpus local_cpus "$dev"; then
    for c in $local_cpus; do
      if in_list "$c" "$isolated"; then _cpu=$c; _why="isolated and local to $dev"; return 0; fi
    done
    _cpu=${local_cpus##* }; _why="the last CPU local to $dev (none of them isolated)"; return 0
  fi
  local nolocal=$WHY
  if rd online "$SYS_CPU/online"; then online=$(cpulist_expand "$online"); else online=0; fi
  _cpu=${online##* }; _why="the last online CPU ($nolocal)"
}

# usage_of SCRIPT: the script's opening comment (its usage), without the "# ".
usage_of() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$1"; }

# json_str VALUE: VALUE as a JSON string (quotes, backslashes and control characters escaped).
json_str() {
  local s=$1
  s=${s//\\/\\\\}; s=${s//\"/\\\"}; s=${s//$'\n'/\\n}; s=${s//$'\t'/\\t}; s=${s//$'\r'/\\r}
  s=${s//[[:cntrl:]]/}    # what is left of the control characters (no fork: sysfs walks call this a lot)
  printf '"%s"' "$s"
}

# json_num VALUE: VALUE if it is a number, else null.
json_num() {
  if [[ $1 =~ ^-?[0-9]+(\.[0-9]+)?$ ]]; then printf '%s' "$1"; else printf 'null'; fi
}

# json_read KEY PATH [number]: "KEY": value read from PATH, or "KEY": null, "KEY_reason": why (rd's $WHY).
json_read() {
  local key=$1 path=$2 kind=${3:-string} v
  if rd v "$path"; then
    if [ "$kind" = number ]; then printf '"%s": %s' "$key" "$(json_num "$v")"; else printf '"%s": %s' "$key" "$(json_str "$v")"; fi
  else
    printf '"%s": null, "%s_reason": %s' "$key" "$key" "$(json_str "$WHY")"
  fi
}
