#!/bin/bash
# lvsd paired with keepalived (Debian package) on one bridge, VRRPv2 and VRRPv3, keepalived in
# both roles: lvsd follows a keepalived master (no VIP, master address known, nothing rejected),
# takes over when it is killed, and stays master against a lower-priority keepalived.
source "$(dirname "$0")/lib_vrrp.sh" "$1"
require_netns
require_cmd keepalived
topology 2

ka_conf() { # VERSION PRIORITY ADVERT_INT
  mkdir -p "$TMP/ka"
  cat >"$TMP/ka/keepalived.conf" <<CONF
global_defs {
  router_id ka
  vrrp_version $1
  script_user root
  enable_script_security
  vrrp_garp_master_delay 0
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority $2
  advert_int $3
  virtual_ipaddress {
    10.77.0.100/24
  }
}
CONF
}
start_ka() {
  ip netns exec "$(ns n2)" keepalived -n -l -D -P -f "$TMP/ka/keepalived.conf" \
    -p "$TMP/ka/ka.pid" -r "$TMP/ka/vrrp.pid" >>"$TMP/ka/log" 2>&1 &
  KA=$!
  PIDS+=("$KA")
}
stop_ka() {
  kill -9 "$KA" 2>/dev/null || true
  [ -f "$TMP/ka/vrrp.pid" ] && kill -9 "$(cat "$TMP/ka/vrrp.pid")" 2>/dev/null || true
  wait "$KA" 2>/dev/null || true
  rm -f "$TMP/ka/"*.pid
  ip -n "$(ns n2)" addr del 10.77.0.100/24 dev eth0 2>/dev/null || true
}
ka_has_vip() { has_addr n2 10.77.0.100; }

for version in 2 3; do
  if [ "$version" = 2 ]; then adv=1; else adv=0.1; fi
  node_conf n1 "vrrp_instances = ( {
    name = \"VI_1\"; interface = \"eth0\"; vrid = 51; priority = 100; version = $version;
    advert_int = $adv; virtual_ipaddresses = ( \"10.77.0.100/24\" ); garp = { master_delay = 0; };
  } );" >/dev/null

  # keepalived master, lvsd backup.
  ka_conf "$version" 200 "$adv"
  start_ka
  wait_for 10 ka_has_vip || true
  start_node n1
  check "v$version: keepalived (200) is master" wait_for 10 ka_has_vip
  check "v$version: lvsd (100) is backup" wait_for 10 is_state n1 backup
  check "v$version: lvsd sees keepalived as master" wait_for 10 \
    bash -c "[ \"\$($(declare -f field ctl); TMP=$TMP LVSCTL=$LVSCTL field n1 master_address)\" = 10.77.0.2 ]"
  check "v$version: lvsd stays backup (no dual master)" holds 3 is_state n1 backup
  check "v$version: lvsd rejected none of keepalived's adverts" \
    test "$(field n1 counters.rejected_total)" = 0
  check "v$version: lvsd accepted keepalived's adverts" test "$(field n1 counters.adverts_accepted)" -gt 0

  # keepalived killed: lvsd takes over.
  stop_ka
  check "v$version: lvsd master after keepalived is killed" wait_for 10 is_state n1 master

  # keepalived restarted with lower priority: stays backup, lvsd stays master.
  ka_conf "$version" 50 "$adv"
  start_ka
  check "v$version: lower-priority keepalived stays backup" holds 5 bash -c "! ($(declare -f has_addr ns); TAG=$TAG; has_addr n2 10.77.0.100)"
  check "v$version: lvsd stays master beside keepalived" is_state n1 master
  check "v$version: lvsd still rejects nothing" test "$(field n1 counters.rejected_total)" = 0
  stop_ka
  kill -TERM "$(node_pid n1)"
  wait "$(node_pid n1)" 2>/dev/null || true
done
finish
