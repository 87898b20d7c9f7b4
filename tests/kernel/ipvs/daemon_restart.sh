#!/bin/bash
# An established TCP connection through the VIP survives lvsd restarts: a client holds one TCP
# session to an echo backend through a NAT virtual service (on_stop = keep) and exchanges a line
# before and after (1) SIGTERM + start and (2) kill -9 of the supervisor + start. lvsd adopts the
# kernel's service at each start (0 ops, no flush) and the same IPVS connection entry stays.
# Finally on_stop = remove (reload, 0 ops) and SIGTERM remove the service.
# Files: lvsd, lvsctl, lib.sh, daemon_lib.sh.
. "$TEST_DIR/lib.sh"
. "$TEST_DIR/daemon_lib.sh"
topology 3
for n in 1 2 3; do
  ip netns exec b$n busybox nc -ll -p 9000 -e /bin/cat >"$T/echo$n.log" 2>&1 &
done
for n in 1 2 3; do  # each echo backend answers directly (deadline)
  deadline=$(( $(date +%s) + 20 ))
  until ip netns exec client bash -c 'exec 3<>/dev/tcp/10.0.2.1'$n'/9000 && echo hi >&3 &&
         read -r -t 2 r <&3 && [ "$r" = hi ]' 2>/dev/null; do
    [ "$(date +%s)" -lt $deadline ] || { cat "$T/echo$n.log"; fail "echo backend b$n"; }
    sleep 0.1
  done
done
CONF=$T/lvsd.conf
cat > "$CONF" <<C
global = { log_target = "stderr"; };
virtual_servers = ( { name = "echo"; address = "$VIP"; port = 9000; scheduler = "rr";
  on_stop = "keep";
  real_servers = ( { address = "10.0.2.11"; }, { address = "10.0.2.12"; },
                   { address = "10.0.2.13"; } ); } );
C
step "start lvsd: the service is programmed"
start_lvsd "$CONF"
ipvs_json
expect_ops 4 start

step "a client opens one TCP session through $VIP:9000"
mkfifo "$T/ctl"
ip netns exec client bash -c 'exec 3<>/dev/tcp/'"$VIP"'/9000 || exit 1
  while read -r line; do
    echo "$line" >&3
    if read -r -t 5 reply <&3; then echo "GOT $reply"; else echo "LOST $line"; fi
  done' < "$T/ctl" > "$T/client.log" 2>&1 &
exec 5>"$T/ctl"
ping() {  # ping WORD: one line there and back on the same connection
  echo "$1" >&5
  local deadline=$(( $(date +%s) + 15 ))
  until grep -q "^GOT $1\$" "$T/client.log"; do
    grep -q "^LOST" "$T/client.log" && { cat "$T/client.log"; fail "connection lost at $1"; }
    [ "$(date +%s)" -lt $deadline ] || { cat "$T/client.log"; fail "no echo for $1"; }
    sleep 0.1
  done
  echo "echo $1: ok"
}
conn() { ipvsadm -Lnc | grep -E "ESTABLISHED +10\.0\.1\.2:[0-9]+ +$VIP:9000 "; }
ping before
conn | tee "$T/conn0" || fail "no established IPVS connection entry"
entry() { awk '{print $3, $4, $5}' "$1"; }

step "(1) SIGTERM (on_stop = keep): service and connection stay"
stop_lvsd TERM
ipvsadm -Ln | grep -q "TCP  $VIP:9000 rr" || fail "service removed on stop"
ping while-stopped
start_lvsd "$CONF"
ipvs_json
expect_ops 0 start
ping after-restart
conn > "$T/conn1" || fail "connection entry gone after restart"
[ "$(entry "$T/conn0")" = "$(entry "$T/conn1")" ] || fail "not the same connection entry"

step "(2) kill -9 of the supervisor (children die with it), then start"
stop_lvsd KILL
ipvsadm -Ln | grep -q "TCP  $VIP:9000 rr" || fail "service gone after kill -9"
ping while-killed
start_lvsd "$CONF"
ipvs_json
expect_ops 0 start
ping after-kill
conn > "$T/conn2" || fail "connection entry gone after kill -9 + start"
[ "$(entry "$T/conn0")" = "$(entry "$T/conn2")" ] || fail "not the same connection entry"
cat "$T/conn2"

step "on_stop = remove by reload (0 ops), then SIGTERM removes the service"
sed -i 's/on_stop = "keep";/on_stop = "remove";/' "$CONF"
ctl reload >/dev/null
wait_syncs 2
expect_ops 0 reload
stop_lvsd TERM
ipvsadm -Ln | grep -q "$VIP:9000" && fail "service left after stop with on_stop = remove"
exec 5>&-
step "PASS"
