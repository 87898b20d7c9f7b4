#!/bin/bash
# The reference IPVS demo, run by lvsd: three backends in namespaces answer "This is service
# #1/#2/#3" behind a NAT virtual service; lvsd programs rr (12 requests: 4/4/4), then the config
# gets backend #1 weight 3 and scheduler wrr, lvsctl reload (exactly 2 ops: the scheduler edit
# and the weight edit) and 12 more requests split 8/2/2 (cumulative 12/6/6). After each phase the
# stats table is printed by lvsctl and must equal Debian's `ipvsadm -Ln --stats`.
# Args: CONF (etc/examples/demo-guest.conf). Files: lvsd, lvsctl, lib.sh, daemon_lib.sh.
. "$TEST_DIR/lib.sh"
. "$TEST_DIR/daemon_lib.sh"
CONF=$T/lvsd.conf
cp "$TEST_DIR/$1" "$CONF"

# show N PORT: N requests, every answer printed, distribution in $T/dist
show() {
  local i=0
  : > "$T/resp"
  while [ $i -lt "$1" ]; do
    ip netns exec client timeout 5 busybox wget -q -O - "http://$VIP:$2/" 2>/dev/null | tee -a "$T/resp" ||
      echo "request $i failed" | tee -a "$T/resp"
    i=$((i + 1))
  done
  sort "$T/resp" | uniq -c > "$T/dist"
}
# split A B C: the last phase's answers were A/B/C for services #1/#2/#3
split() {
  local n want
  for n in 1 2 3; do
    want=$(eval echo "\${$n}")
    grep -q "^ *$want This is service #$n\$" "$T/dist" || { cat "$T/dist"; fail "expected $1/$2/$3"; }
  done
  echo "split $1/$2/$3 (as expected)"
}

topology 3
step "lvsd starts on $(basename "$1") and programs the virtual service"
start_lvsd "$CONF"
ipvs_json
expect_ops 4 start  # the service and its three real servers
ctl ipvs
same_as_ipvsadm

step "$(date +%T) - INFO: Using Round Robin scheduling algorithm"
show 12 80
split 4 4 4
wait_conns "TCP  $VIP:80" 12
ctl ipvs --stats
same_as_ipvsadm --stats

step "$(date +%T) - INFO: Increase svc1 weight, use Weighted Round Robin (config edit + lvsctl reload)"
sed -i -e 's/scheduler = "rr";/scheduler = "wrr";/' \
  -e 's/address = "10.0.2.11"; port = 80; weight = 1;/address = "10.0.2.11"; port = 80; weight = 3;/' "$CONF"
grep -q 'weight = 3' "$CONF" && grep -q '"wrr"' "$CONF" || fail "config edit did not apply"
ctl reload
wait_syncs 2
expect_ops 2 reload
grep -q 'edit service TCP 10.0.0.100:80 wrr' "$T/ipvs.json" || fail "no scheduler edit"
grep -q 'edit dest.*10.0.2.11:80.*weight 3' "$T/ipvs.json" || fail "no weight edit"
ctl ipvs
same_as_ipvsadm

step "$(date +%T) - INFO: Using Weighted Round Robin scheduling algorithm"
show 12 80
split 8 2 2
wait_conns "TCP  $VIP:80" 24
ctl ipvs --stats
same_as_ipvsadm --stats
ipvsadm -Ln --stats | grep -Eq -- '-> 10.0.2.11:80 +12 ' || fail "backend #1 not 12 connections in total"
ipvsadm -Ln --stats | grep -Eq -- '-> 10.0.2.12:80 +6 ' || fail "backend #2 not 6 connections in total"
ipvsadm -Ln --stats | grep -Eq -- '-> 10.0.2.13:80 +6 ' || fail "backend #3 not 6 connections in total"
echo "cumulative 12/6/6 (as expected)"

step "lvsd stops (on_stop = keep: the service stays)"
stop_lvsd TERM
ipvsadm -Ln | grep -q 'TCP  10.0.0.100:80 wrr' || fail "service removed on stop despite on_stop = keep"
step "PASS"
