#!/bin/bash
# lvsd paired with FRR's vrrpd (Debian package frr; zebra + vrrpd started in the peer's namespace
# with their own sockets), VRRPv2 and VRRPv3, FRR in both roles. FRR puts the VIP on a macvlan
# with the virtual MAC and protodowns it while Backup; its state is read with vtysh.
source "$(dirname "$0")/lib_vrrp.sh" "$1"
require_netns
require_cmd vtysh
[ -x /usr/lib/frr/vrrpd ] && [ -x /usr/lib/frr/zebra ] || skip "frr (zebra, vrrpd) not installed"
id frr >/dev/null 2>&1 || skip "no frr user (frr package incomplete)"
topology 2
FRR=$TMP/frr
mkdir -p "$FRR"
chmod 777 "$FRR"
ip -n "$(ns n2)" link add vrrp4-2-51 link eth0 type macvlan mode bridge
ip -n "$(ns n2)" link set vrrp4-2-51 address 00:00:5e:00:01:33
ip -n "$(ns n2)" addr add 10.77.0.100/24 dev vrrp4-2-51
ip -n "$(ns n2)" link set vrrp4-2-51 up

start_frr() { # VERSION PRIORITY INTERVAL_MS
  cat >"$FRR/vrrpd.conf" <<CONF
interface eth0
 vrrp 51 version $1
 vrrp 51 priority $2
 vrrp 51 advertisement-interval $3
 vrrp 51 ip 10.77.0.100
CONF
  : >"$FRR/zebra.conf"
  local d
  for d in zebra vrrpd; do
    ip netns exec "$(ns n2)" /usr/lib/frr/$d -d -u frr -g frr -z "$FRR/zserv.api" \
      -i "$FRR/$d.pid" --vty_socket "$FRR" -f "$FRR/$d.conf" -P 0 >>"$FRR/log" 2>&1
    wait_for 10 test -s "$FRR/$d.pid"
    PIDS+=("$(cat "$FRR/$d.pid")")
  done
}
stop_frr() {
  local d
  for d in vrrpd zebra; do
    [ -s "$FRR/$d.pid" ] && kill -9 "$(cat "$FRR/$d.pid")" 2>/dev/null || true
    rm -f "$FRR/$d.pid"
  done
  rm -f "$FRR"/*.vty "$FRR/zserv.api"
}
frr_state() {
  ip netns exec "$(ns n2)" vtysh --vty_socket "$FRR" -c "show vrrp 51 json" 2>/dev/null |
    python3 -c "import json,sys; print(json.load(sys.stdin)[0]['v4']['status'])"
}
frr_is() { [ "$(frr_state)" = "$1" ]; }
frr_rx() {
  ip netns exec "$(ns n2)" vtysh --vty_socket "$FRR" -c "show vrrp 51 json" 2>/dev/null |
    python3 -c "import json,sys; print(json.load(sys.stdin)[0]['v4']['stats']['adverRx'])"
}

for version in 2 3; do
  if [ "$version" = 2 ]; then adv=1 ms=1000; else adv=0.1 ms=100; fi
  node_conf n1 "vrrp_instances = ( {
    name = \"VI_1\"; interface = \"eth0\"; vrid = 51; priority = 100; version = $version;
    advert_int = $adv; virtual_ipaddresses = ( \"10.77.0.100/24\" ); garp = { master_delay = 0; };
  } );" >/dev/null
  start_frr "$version" 200 "$ms"
  check "v$version: FRR (200) is master" wait_for 15 frr_is Master
  start_node n1
  check "v$version: lvsd (100) is backup" wait_for 10 is_state n1 backup
  check "v$version: lvsd sees FRR as master" wait_for 10 bash -c '[ "$(field n1 master_address)" = 10.77.0.2 ]'
  check "v$version: lvsd stays backup" holds 3 is_state n1 backup
  check "v$version: lvsd rejected none of FRR's adverts" test "$(field n1 counters.rejected_total)" = 0
  stop_frr
  check "v$version: lvsd master after FRR is killed" wait_for 10 is_state n1 master
  start_frr "$version" 50 "$ms"
  check "v$version: lower-priority FRR becomes backup" wait_for 15 frr_is Backup
  check "v$version: FRR stays backup (accepts lvsd's adverts)" holds 3 frr_is Backup
  check "v$version: FRR counted lvsd's adverts" test "$(frr_rx)" -gt 0
  check "v$version: lvsd stays master" is_state n1 master
  stop_frr
  kill -TERM "$(node_pid n1)"
  wait "$(node_pid n1)" 2>/dev/null || true
done
finish
