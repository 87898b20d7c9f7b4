#!/bin/bash
# lvsd reloads by diff: editing the config and `lvsctl reload` issues exactly the expected ops
# (a weight change is one op; an unchanged config none), a service made with ipvsadm is never
# touched, and on stop (on_stop = remove, the default) lvsd removes only its own services.
# Files: lvsd, lvsctl, lib.sh, daemon_lib.sh.
. "$TEST_DIR/lib.sh"
. "$TEST_DIR/daemon_lib.sh"
# IPVS refuses destinations in a namespace without routes: give it one.
ip link add d0 type dummy
ip addr add 10.0.2.1/24 dev d0
ip link set d0 up
ipvsadm -A -t 10.9.9.9:22 -s sh
ipvsadm -a -t 10.9.9.9:22 -r 10.0.2.99:22 -m -w 7
ipvsadm -Ln | grep -A1 '10.9.9.9:22' > "$T/foreign.before"
CONF=$T/lvsd.conf
write_conf() {  # write_conf WEIGHT_OF_10.0.2.12 SECOND_SERVICE(b|c)
  cat > "$CONF" <<C
global = { log_target = "stderr"; };
virtual_servers = (
  { name = "a"; address = "$VIP"; port = 80; scheduler = "rr";
    real_servers = ( { address = "10.0.2.11"; }, { address = "10.0.2.12"; weight = $1; },
                     { address = "10.0.2.13"; } ); },
C
  if [ "$2" = b ]; then
    echo '  { name = "b"; address = "'$VIP'"; port = 81; scheduler = "wlc";
    real_servers = ( { address = "10.0.2.11"; } ); }' >> "$CONF"
  else
    echo '  { name = "c"; address = "'$VIP'"; port = 53; protocol = "udp"; scheduler = "rr";
    persistence_timeout = 60; real_servers = ( { address = "10.0.2.13"; } ); }' >> "$CONF"
  fi
  echo ');' >> "$CONF"
  "$LVSD" -t -f "$CONF" >/dev/null || { cat "$CONF"; fail "test config invalid"; }
}
reload() { ctl reload >/dev/null || fail "reload failed"; wait_syncs "$1"; }

step "start: 2 services, 4 real servers"
write_conf 1 b
start_lvsd "$CONF"
ipvs_json
expect_ops 6 start
same_as_ipvsadm

step "weight of 10.0.2.12 1 -> 5: one op"
write_conf 5 b
reload 2
expect_ops 1 reload
grep -q '"edit destination TCP 10.0.0.100:80 -> 10.0.2.12:80 weight 5"' "$T/ipvs.json" || fail "not the weight edit"
ipvsadm -Ln | grep -Eq -- '-> 10.0.2.12:80 +Masq +5 ' || fail "weight not in the kernel"

step "reload without changes: no op"
reload 3
expect_ops 0 reload

step "service b replaced by c: add service, add destination, delete service"
write_conf 5 c
reload 4
expect_ops 3 reload
grep -A4 '"op_list"' "$T/ipvs.json" | tee "$T/ops"
grep -q '"add service UDP 10.0.0.100:53 rr"' "$T/ops" || fail "no add service"
grep -q '"add destination UDP 10.0.0.100:53 -> 10.0.2.13:53 weight 1"' "$T/ops" || fail "no add dest"
grep -q '"delete service TCP 10.0.0.100:81"' "$T/ops" || fail "no delete service"
same_as_ipvsadm
ipvsadm -Ln | grep -q 'UDP  10.0.0.100:53 rr persistent 60' || fail "persistence not programmed"

step "a destination removed behind lvsd's back: the reload's edit fails, lvsd re-reads and re-adds it"
ipvsadm -d -t $VIP:80 -r 10.0.2.12:80
write_conf 4 c
reload 5
ipvsadm -Ln | grep -Eq -- '-> 10.0.2.12:80 +Masq +4 ' || { ipvsadm -Ln; fail "10.0.2.12 not re-added with weight 4"; }
grep -q '"add destination TCP 10.0.0.100:80 -> 10.0.2.12:80 weight 4"' "$T/ipvs.json" || fail "no re-add op"
grep -q 're-reading it and retrying' "$T/lvsd.log" || fail "no resync logged"
same_as_ipvsadm

step "the ipvsadm-made service was never touched"
ipvsadm -Ln | grep -A1 '10.9.9.9:22' > "$T/foreign.after"
expect_same "$T/foreign.before" "$T/foreign.after" "lvsd touched a service it does not own"

step "stop (on_stop = remove): lvsd's services go, the foreign one stays"
stop_lvsd TERM
ipvsadm -Ln | tee "$T/final"
grep -q '10.0.0.100' "$T/final" && fail "lvsd's services left behind"
ipvsadm -Ln | grep -A1 '10.9.9.9:22' > "$T/foreign.after"
expect_same "$T/foreign.before" "$T/foreign.after" "foreign service changed by the stop"
step "PASS"
