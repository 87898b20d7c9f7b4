#!/bin/bash
# use_vmac: each node runs the instance on a macvlan carrying the VRRP virtual MAC
# 00:00:5e:00:01:VRID; the client's ARP entry for the VIP points at that MAC and stays the same
# after a failover (no ARP change needed: the MAC moves with the mastership).
source "$(dirname "$0")/lib_vrrp.sh" "$1"
require_netns
topology 2
VMAC=00:00:5e:00:01:5b  # VRID 91
for n in 1 2; do
  node_conf "n$n" "vrrp_instances = ( {
    name = \"M\"; interface = \"eth0\"; vrid = 91; priority = $((200 - n * 50)); version = 3;
    advert_int = 0.1; use_vmac = true; virtual_ipaddresses = ( \"10.77.0.191/24\" );
    garp = { master_delay = 0; };
  } );" >/dev/null
  start_node "n$n"
done
check "n1 master" wait_for 5 is_state n1 master
check "n2 backup" wait_for 5 is_state n2 backup
check "n1 has the macvlan vrrp.91 with the virtual MAC" wait_for 3 bash -c \
  "ip -n $(ns n1) link show dev vrrp.91 | grep -qi 'link/ether $VMAC'"
check "VIP on n1's macvlan" wait_for 3 has_addr n1 10.77.0.191 vrrp.91
check "client reaches the VIP" wait_for 5 client_ping 10.77.0.191
check "client ARP entry is the virtual MAC" wait_for 3 client_neigh_is 10.77.0.191 "$VMAC"
kill -9 "$(vrrp_child_pid n1)" "$(node_pid n1)"
check "n2 takes over after SIGKILL" wait_for 3 is_state n2 master
check "VIP on n2's macvlan" wait_for 3 has_addr n2 10.77.0.191 vrrp.91
check "client reaches the VIP on n2" wait_for 5 client_ping 10.77.0.191
check "client ARP entry still the virtual MAC" client_neigh_is 10.77.0.191 "$VMAC"
check "n2's macvlan MAC is the virtual MAC" bash -c \
  "ip -n $(ns n2) link show dev vrrp.91 | grep -qi 'link/ether $VMAC'"
finish
