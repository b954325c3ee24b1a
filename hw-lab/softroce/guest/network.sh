#!/bin/bash
# Two NIC pairs for the lab, both in the initial network namespace (rxe on 6.1 works only there):
#   pair 0: rxe0 on vethA 10.77.0.1  <->  rxe1 on vethB 10.77.0.2
#   pair 1: rxe2 on vethC 10.77.1.1  <->  rxe3 on vethD 10.77.1.2
# Both ends are local addresses, so the kernel would route between them over lo, where rxe never sees the
# packets; policy rules looked up before the local table send each one out of the other end's veth instead,
# and rp_filter=0 / accept_local=1 let the receiving end accept a packet from a local source.
set -euxo pipefail
ip link set lo up
pair() { # pair A B NET DEVA DEVB TABLE
  local a=$1 b=$2 net=$3 da=$4 db=$5 t=$6
  ip link add "$a" type veth peer name "$b"
  ip addr add "$net.1/24" dev "$a"; ip addr add "$net.2/24" dev "$b"
  ip link set "$a" up; ip link set "$b" up
  for i in "$a" "$b"; do sysctl -qw "net.ipv4.conf.$i.rp_filter=0" "net.ipv4.conf.$i.accept_local=1"; done
  ip rule add pref "$t" iif lo to "$net.2" lookup "$t"; ip route add "$net.2" dev "$a" src "$net.1" table "$t"
  ip rule add pref $((t + 1)) iif lo to "$net.1" lookup $((t + 1)); ip route add "$net.1" dev "$b" src "$net.2" table $((t + 1))
  rdma link add "$da" type rxe netdev "$a"; rdma link add "$db" type rxe netdev "$b"
}
for i in all default; do sysctl -qw "net.ipv4.conf.$i.rp_filter=0" "net.ipv4.conf.$i.accept_local=1"; done
# The local table moves behind our rules (pref 0 -> 1000).
ip rule add pref 1000 lookup local; ip rule del pref 0
pair vethA vethB 10.77.0 rxe0 rxe1 100
pair vethC vethD 10.77.1 rxe2 rxe3 110
for i in $(seq 1 50); do
  [ "$(rdma link show | grep -c 'state ACTIVE')" -ge 4 ] && break; sleep 0.2
done
rdma link show
ip rule show
