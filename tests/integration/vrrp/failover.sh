#!/bin/bash
# Two lvsd nodes on a bridge + a client (VRRPv3/IPv4, 100 ms adverts): election, the VIP and the
# client's ARP entry follow the master; failover on SIGKILL, SIGSTOP, graceful stop and link down;
# preemption when the higher-priority node comes back; lvsctl vrrp answers "who is master".
source "$(dirname "$0")/lib_vrrp.sh" "$1"
require_netns
topology 2

conf() { # NODE PRIORITY
  node_conf "$1" "vrrp_instances = ( {
    name = \"VI_1\"; interface = \"eth0\"; vrid = 51; priority = $2; version = 3;
    advert_int = 0.1; virtual_ipaddresses = ( \"10.77.0.100/24\" );
    garp = { master_delay = 0; };
  } );" >/dev/null
}
conf n1 150
conf n2 100
start_node n1
start_node n2

check "n1 (150) becomes master" wait_for 5 is_state n1 master
check "n2 (100) is backup" wait_for 5 is_state n2 backup
check "VIP on n1 only" bash -c "$(declare -f has_addr ns); TAG=$TAG; has_addr n1 10.77.0.100 && ! has_addr n2 10.77.0.100"
check "lvsctl vrrp on n2 names n1 as master" wait_for 5 bash -c \
  "$(declare -f ctl); TMP=$TMP LVSCTL=$LVSCTL; ctl n2 vrrp | grep -q '10.77.0.1 '"
check "client reaches the VIP" wait_for 5 client_ping 10.77.0.100
check "client ARP entry is n1's MAC" client_neigh_is 10.77.0.100 "$(mac_of n1)"
check "master keeps its state (no flapping for 2 s)" holds 2 is_state n1 master

# --- SIGSTOP: n1 freezes; n2 takes over; on SIGCONT n1 (higher priority) preempts back.
kill -STOP "$(vrrp_child_pid n1)"
check "SIGSTOP: n2 becomes master" wait_for 3 is_state n2 master
check "SIGSTOP: client ARP entry moves to n2" wait_for 8 bash -c \
  "$(declare -f client_neigh_is client_ping ns); TAG=$TAG; client_ping 10.77.0.100; client_neigh_is 10.77.0.100 $(mac_of n2)"
kill -CONT "$(vrrp_child_pid n1)"
check "SIGCONT: n1 preempts back" wait_for 3 is_state n1 master
check "SIGCONT: n2 back to backup" wait_for 3 is_state n2 backup
check "SIGCONT: VIP left n2" wait_for 3 bash -c "$(declare -f has_addr ns); TAG=$TAG; ! has_addr n2 10.77.0.100"

# --- link down on n1: fault, n2 takes over; link up: n1 preempts.
ip -n "$(ns n1)" link set eth0 down
check "link down: n1 in fault" wait_for 3 is_state n1 fault
check "link down: n2 becomes master" wait_for 3 is_state n2 master
ip -n "$(ns n1)" link set eth0 up
check "link up: n1 master again" wait_for 5 is_state n1 master
check "link up: n2 backup again" wait_for 3 is_state n2 backup

# --- graceful stop of n1: n2 takes over after Skew_Time (priority-0 advert).
t0=$(date +%s%N)
kill -TERM "$(node_pid n1)"
check "graceful: n2 becomes master" wait_for 3 is_state n2 master
t1=$(date +%s%N)
echo "# graceful takeover seen by lvsctl after $(((t1 - t0) / 1000000)) ms"
check "graceful: n1 removed the VIP" wait_for 3 bash -c "$(declare -f has_addr ns); TAG=$TAG; ! has_addr n1 10.77.0.100"
wait "$(node_pid n1)" 2>/dev/null || true

# --- restart n1, then SIGKILL it: its VIP stays behind, yet the client moves to n2.
start_node n1
check "restart: n1 master again" wait_for 5 is_state n1 master
check "restart: client ARP entry back on n1" wait_for 8 bash -c \
  "$(declare -f client_neigh_is client_ping ns); TAG=$TAG; client_ping 10.77.0.100; client_neigh_is 10.77.0.100 $(mac_of n1)"
kill -9 "$(vrrp_child_pid n1)" "$(node_pid n1)"
check "SIGKILL: n2 becomes master" wait_for 3 is_state n2 master
check "SIGKILL: client ARP entry moves to n2" wait_for 8 bash -c \
  "$(declare -f client_neigh_is client_ping ns); TAG=$TAG; client_ping 10.77.0.100; client_neigh_is 10.77.0.100 $(mac_of n2)"
finish
