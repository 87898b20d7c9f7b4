#!/bin/bash
# Hostile input against a two-node lvsd pair (VRRPv3, 100 ms): crafted adverts with bad TTL,
# checksum, VRID, version, address count, truncation, and (with auth_hmac) a forged higher priority
# without or with a wrong HMAC, and a replayed genuine advert. None changes state; each is counted
# by reason. A lower-priority advert makes the master re-announce its VIP (GARP burst); a flood of
# them is not answered one-for-one (adverts) and costs at most one GARP burst per second,
# the master's own adverts keep their schedule (the backup never takes over), and reject logging
# stays bounded.
source "$(dirname "$0")/lib_vrrp.sh" "$1"
require_netns
topology 2
INJ="ip netns exec $(ns c) python3 $HERE/inject.py"

conf() { # NODE PRIORITY AUTH
  node_conf "$1" "vrrp_instances = ( {
    name = \"VI_1\"; interface = \"eth0\"; vrid = 51; priority = $2; version = 3;
    advert_int = 0.1; virtual_ipaddresses = ( \"10.77.0.100/24\" ); garp = { master_delay = 0; };
    $3
  } );" >/dev/null
}
transitions() { field "$1" counters.transitions; }
rejected() { field "$1" "counters.rejected.$2"; }
steady() { is_state n1 master && is_state n2 backup; }

run_case() { # NAME REASON INJECT-ARGS...
  local name=$1 reason=$2
  shift 2
  local t1 t2 r1 r2
  t1=$(transitions n1) t2=$(transitions n2) r2=$(rejected n2 "$reason") r1=$(rejected n1 "$reason")
  $INJ "$@" --count 20
  check "$name: counted as $reason on both nodes" wait_for 3 bash -c \
    "$(declare -f field ctl rejected); TMP=$TMP LVSCTL=$LVSCTL;
     [ \$(rejected n1 $reason) -ge $((r1 + 20)) ] && [ \$(rejected n2 $reason) -ge $((r2 + 20)) ]"
  check "$name: no state change" bash -c "$(declare -f field ctl transitions is_state state steady);
    TMP=$TMP LVSCTL=$LVSCTL; steady && [ \$(transitions n1) = $t1 ] && [ \$(transitions n2) = $t2 ]"
}

conf n1 150 ""
conf n2 100 ""
start_node n1
start_node n2
wait_for 5 steady
check "pair is steady" holds 1 steady

run_case "TTL 64" bad_ttl --src 10.77.0.9 --ttl 64
run_case "bad checksum" bad_checksum --src 10.77.0.9 --bad-checksum
run_case "unknown VRID" vrid_mismatch --src 10.77.0.9 --vrid 99
run_case "VRRPv2 to a v3 router" bad_version --src 10.77.0.9 --version 2 --interval 1
run_case "address count" addr_count --src 10.77.0.9 --addrs 10.77.0.100 10.77.0.101
run_case "address list" addr_list_mismatch --src 10.77.0.9 --addrs 10.77.0.199
run_case "truncated" truncated --src 10.77.0.9 --truncate 9

# One lower-priority advert: the master re-announces its VIP (garp.lower_prio_repeat defaults to
# master_repeat, 5) and puts back a client ARP entry that another router had taken.
ip -n "$(ns c)" neigh replace 10.77.0.100 lladdr 02:00:00:00:00:99 dev eth0 nud stale
garp0=$(field n1 counters.garp_na_sent)
$INJ --src 10.77.0.9 --prio 10 --count 1
check "lower priority advert: client ARP entry back on the master" wait_for 3 client_neigh_is \
  10.77.0.100 "$(mac_of n1)"
check "lower priority advert: one burst of 5 GARPs" wait_for 3 bash -c \
  "$(declare -f field ctl); TMP=$TMP LVSCTL=$LVSCTL; [ \$(field n1 counters.lower_prio_bursts) = 1 ] &&
   [ \$(field n1 counters.garp_na_sent) = $((garp0 + 5)) ]"
# Flood of lower-priority (valid) adverts at the master: not answered, master keeps its schedule.
sent0=$(field n1 counters.adverts_sent)
garp0=$(field n1 counters.garp_na_sent)
bursts0=$(field n1 counters.lower_prio_bursts)
t0=$(date +%s%N)
$INJ --src 10.77.0.9 --prio 10 --count 40000 --duration 4
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
# Status reports refresh every second: wait for one generated after the flood ended.
sa=$(field n1 counters.adverts_sent)
wait_for 3 bash -c "[ \$($(declare -f field ctl); TMP=$TMP LVSCTL=$LVSCTL field n1 counters.adverts_sent) -gt $sa ]"
sent1=$(field n1 counters.adverts_sent)
t2=$(date +%s%N)
ms2=$(((t2 - t0) / 1000000))
echo "# 40000 lower-priority adverts in $ms ms; master sent $((sent1 - sent0)) adverts in $ms2 ms"
check "flood: no one-for-one answers (master sent at most its 100 ms schedule)" \
  test $((sent1 - sent0)) -le $((ms2 / 100 + 15))
check "flood: master's own adverts were not delayed" test $((sent1 - sent0)) -ge $(((ms - 1000) / 100 - 10))
bursts=$(($(field n1 counters.lower_prio_bursts) - bursts0))
echo "# flood: $bursts lower-priority GARP bursts"
# lower_prio_delay defaults to master_delay (0 here), which counts as the 1 s floor.
check "flood: GARPs bounded (at most one burst of 5 per second)" \
  test "$bursts" -le $((ms2 / 1000 + 1)) -a "$(field n1 counters.garp_na_sent)" = $((garp0 + 5 * bursts))
check "flood: pair stayed steady" steady
# Flood of rejected packets: log lines stay bounded (rate limit 5 per 10 s + suppressed counts).
lines0=$(grep -c "dropped advert" "$TMP/n1/log" || true)
bc0=$(rejected n1 bad_checksum)
$INJ --src 10.77.0.9 --bad-checksum --count 30000
check "reject flood: pair stayed steady" steady
lines1=$(grep -c "dropped advert" "$TMP/n1/log" || true)
echo "# reject flood produced $((lines1 - lines0)) log lines on n1"
check "reject flood: logging bounded" test $((lines1 - lines0)) -le 10
# The kernel may drop part of a burst when the socket buffer is full; what arrives is counted.
check "reject flood: packets counted" wait_for 3 bash -c \
  "$(declare -f field ctl rejected); TMP=$TMP LVSCTL=$LVSCTL; [ \$(rejected n1 bad_checksum) -ge $((bc0 + 15000)) ]"
echo "# reject flood: n1 counted $(($(rejected n1 bad_checksum) - bc0)) of 30000"

# auth_hmac: forged higher priority without / with a wrong trailer, and a replayed advert.
kill -TERM "$(node_pid n1)" "$(node_pid n2)"
wait "$(node_pid n1)" "$(node_pid n2)" 2>/dev/null || true
HMAC='authentication = { type = "hmac"; keys = ( { id = 1; secret = "0123456789abcdef0123456789abcdef"; } ); };'
conf n1 150 "$HMAC"
conf n2 100 "$HMAC"
start_node n1
start_node n2
check "hmac pair is steady" wait_for 5 steady
run_case "forged priority 254 without HMAC" hmac_missing --src 10.77.0.9 --prio 254
run_case "forged priority 254 with a wrong HMAC" hmac_invalid --src 10.77.0.9 --prio 254 --trailer random
t2=$(transitions n2)
r2=$(rejected n2 hmac_replay)
$INJ --replay 10.77.0.1 --count 5
check "replayed genuine advert: counted as hmac_replay" wait_for 3 bash -c \
  "$(declare -f field ctl rejected); TMP=$TMP LVSCTL=$LVSCTL; [ \$(rejected n2 hmac_replay) -ge $((r2 + 5)) ]"
check "replayed genuine advert: no state change" bash -c "$(declare -f field ctl transitions is_state state steady);
    TMP=$TMP LVSCTL=$LVSCTL; steady && [ \$(transitions n2) = $t2 ]"
finish
