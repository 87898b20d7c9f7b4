#!/bin/bash
# A large table through the real daemon (default 1000 services x 10 real servers): times
# `lvsctl ipvs` (text, --stats, --json) against `ipvsadm -Ln [--stats]`, checks that lvsctl
# prints exactly what ipvsadm prints, measures how long `lvsctl status` takes while a dump is
# in flight, and times a reload that changes one weight (kernel shows it, polled every 20 ms).
# Args: [SERVICES] [REALS] [MAX_STATUS_S] (status must answer within that many seconds while a
# dump is in flight; default 5, lvsctl's own timeout). Files: lvsd, lvsctl, lib.sh, daemon_lib.sh,
# and /usr/sbin/keepalived when present (-f /usr/sbin/keepalived:/usr/sbin/keepalived): the same
# reload timed with keepalived in the same guest run. With lvsd-ipvs-tool among the files, each
# reload is also timed to the instant the kernel has the new weight (the tool, started before
# the trigger, dumps the one service every 2 ms: no process start per poll, which costs
# 65-250 ms in the guest): RESULT ..._kernel_s.
. "$TEST_DIR/lib.sh"
. "$TEST_DIR/daemon_lib.sh"
NS=${1:-1000}
NR=${2:-10}
MAX_STATUS_S=${3:-5}
ip link add d0 type dummy
ip addr add 172.16.0.254/24 dev d0
ip link set d0 up
CONF=$T/lvsd.conf
gen() {  # gen WEIGHT: weight of the first real server of the middle service
  awk -v ns="$NS" -v nr="$NR" -v w="$1" 'BEGIN {
    print "global = { log_target = \"stderr\"; };"; print "virtual_servers = (";
    for (s = 0; s < ns; s++) {
      printf "{ address = \"10.%d.%d.%d\"; port = 80; scheduler = \"wrr\"; real_servers = (",
             100 + int(s / 65536), int(s / 256) % 256, s % 256;
      for (r = 1; r <= nr; r++)
        printf "%s{ address = \"172.16.0.%d\"; weight = %d; }", (r > 1 ? "," : ""), r,
               (s == int(ns / 2) && r == 1) ? w : 1;
      printf "); }%s\n", (s + 1 < ns ? "," : "");
    }
    print ");" }' > "$CONF"
}
mid=$((NS / 2))
MID="10.$((100 + mid / 65536)).$((mid / 256 % 256)).$((mid % 256)):80"
LAST="10.$((100 + (NS - 1) / 65536)).$(((NS - 1) / 256 % 256)).$(((NS - 1) % 256)):80"
# dumps of a large table may take longer than lvsctl's default 5-s answer timeout on a loaded host
big() { "$LVSCTL" -s "$SOCK" --timeout-ms 60000 "$@"; }
now() { echo "$EPOCHREALTIME"; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
# poll CMD...: until CMD succeeds (every 20 ms, 120 s at most)
poll() {
  local deadline=$(( $(date +%s) + 120 ))
  until "$@"; do
    [ "$(date +%s)" -lt $deadline ] || { tail -20 "$T/lvsd.log"; fail "timeout: $*"; }
    sleep 0.02
  done
}
has_weight() { ipvsadm -Ln -t "$MID" | grep -Eq "172\.16\.0\.1:80 +Masq +$1 "; }

step "start: $NS x $NR"
gen 1
"$LVSD" -t -f "$CONF" >/dev/null || fail "generated config invalid"
t0=$(now)
"$LVSD" --foreground -f "$CONF" -s "$SOCK" --pid-file "$T/lvsd.pid" >>"$T/lvsd.log" 2>&1 &
LVSD_PID=$!
poll sh -c "ipvsadm -Ln -t $LAST 2>/dev/null | grep -q '172.16.0.$NR:80'"
echo "RESULT start_programmed_s=$(since "$t0")"
poll ctl status >/dev/null

step "dump timings"
t0=$(now); ipvsadm -Ln > "$T/a.txt"; echo "RESULT ipvsadm_Ln_s=$(since "$t0")"
t0=$(now); ipvsadm -Ln --stats > /dev/null; echo "RESULT ipvsadm_Ln_stats_s=$(since "$t0")"
t0=$(now); big ipvs > "$T/l.txt"; echo "RESULT lvsctl_ipvs_s=$(since "$t0")"
t0=$(now); big ipvs --stats > /dev/null; echo "RESULT lvsctl_ipvs_stats_s=$(since "$t0")"
t0=$(now); big ipvs --json > "$T/j.json"; echo "RESULT lvsctl_ipvs_json_s=$(since "$t0")"
echo "RESULT daemon_side_ms $(tr -d ' \n' < "$T/j.json" | grep -o '"timing_ms":{[^}]*}')"
expect_same "$T/a.txt" "$T/l.txt" "lvsctl ipvs differs from ipvsadm -Ln"
[ "$(grep -c '^TCP' "$T/l.txt")" = "$NS" ] || fail "not $NS services"

step "lvsctl status while an ipvs dump is in flight"
t1=$(now); ctl status > /dev/null || fail "status failed"; echo "RESULT status_idle_s=$(since "$t1")"
t0=$(now)
big ipvs --stats > /dev/null &
dump=$!
sleep 0.05
t1=$(now); ctl status > /dev/null || fail "status failed"; st=$(since "$t1")
wait "$dump" || fail "ipvs dump failed"
echo "RESULT status_during_dump_s=$st dump_s=$(since "$t0")"
awk -v a="$st" -v b="$MAX_STATUS_S" 'BEGIN { exit !(a < b) }' ||
  fail "status took $st s during a dump (bound $MAX_STATUS_S s)"

step "reload: one weight (3 x lvsctl reload, 3 x SIGHUP)"
gen 5
t0=$(now); "$LVSD" -t -f "$CONF" > /dev/null; echo "RESULT config_check_s=$(since "$t0")"
# What the measurement itself costs in this guest: an lvsctl process (start, connect, answer)
# and one poll of the kernel (an ipvsadm process).
t0=$(now); big version > /dev/null; echo "RESULT lvsctl_version_s=$(since "$t0")"
t0=$(now); ipvsadm -Ln -t "$MID" > /dev/null; echo "RESULT one_poll_s=$(since "$t0")"
: > "$T/lvsd.log"
syncs=1
IPVS_TOOL=$TEST_DIR/lvsd-ipvs-tool
MIDVIP=${MID%:80}
# watch NETNS WEIGHT: starts the tool waiting for WEIGHT on the middle service's first real
# server (in NETNS, "" = this one) and returns once it polls; kernel_s T0 prints its delay.
watch() {
  [ -x "$IPVS_TOOL" ] || return 0
  rm -f "$T/ready" "$T/seen"
  if [ -n "$1" ]; then
    ip netns exec "$1" "$IPVS_TOOL" wait-weight "$MIDVIP" 80 172.16.0.1 80 "$2" "$T/ready" > "$T/seen" &
  else
    "$IPVS_TOOL" wait-weight "$MIDVIP" 80 172.16.0.1 80 "$2" "$T/ready" > "$T/seen" &
  fi
  WATCH=$!
  poll test -e "$T/ready"
}
kernel_s() {  # kernel_s NAME T0
  [ -x "$IPVS_TOOL" ] || return 0
  wait "$WATCH" || fail "lvsd-ipvs-tool wait-weight failed"
  echo "RESULT ${1}_kernel_s=$(awk -v a="$2" -v b="$(cat "$T/seen")" 'BEGIN { printf "%.3f", b - a }')"
}
# reload_one TRIGGER WEIGHT: change one weight, trigger the reload, time until the kernel shows it
reload_one() {
  gen "$2"
  watch "" "$2"
  local t0; t0=$(now)
  if [ "$1" = lvsctl ]; then big reload > /dev/null || fail "reload failed"; else kill -HUP "$LVSD_PID"; fi
  poll has_weight "$2"
  echo "RESULT reload_${1}_one_weight_s=$(since "$t0")"
  kernel_s "reload_${1}_one_weight" "$t0"
  syncs=$((syncs + 1))
  # the kernel shows the weight before the checker's answer is read: wait for its sync count
  synced() { big ipvs --json > "$T/ipvs.json" && grep -Eq "\"syncs\": $syncs,?\$" "$T/ipvs.json"; }
  poll synced
  expect_ops 1 reload
}
for w in 5 6 7; do reload_one lvsctl "$w"; done
for w in 8 9 10; do reload_one sighup "$w"; done
# Inside the daemon (log timestamps): from the supervisor's reload_start to the checker's IPVS
# sync (the one op sent), and the supervisor's part (load + compare + send).
grep -E 'event=(reload_start|reload_ok|ipvs_sync)' "$T/lvsd.log" | awk '
  function out() { if (start && sup && ipv)
    printf "RESULT in_daemon_ms total=%.0f supervisor=%.0f checker_after_supervisor=%.0f\n",
           (ipv - start) * 1000, (sup - start) * 1000, (ipv - sup) * 1000 }
  { split($1, t, "T"); split(t[2], h, ":"); sub("Z", "", h[3]); s = h[1] * 3600 + h[2] * 60 + h[3] }
  /event=reload_start/ { out(); start = s; sup = 0; ipv = 0 }
  /event=reload_ok/ { sup = s }
  /event=ipvs_sync/ && !ipv { ipv = s }
  END { out() }'
cat "$T/lvsd.log"
stop_lvsd TERM

# keepalived, same table and same one-weight change, in this guest run (the reference of the
# reload target: lvsd <= 0.1x keepalived). Its own namespace: the kernel keeps the destinations
# lvsd just removed in a trash list, and re-adding them there is slower.
if command -v keepalived >/dev/null; then
  step "keepalived: the same reload"
  ip netns add ka
  trap 'ip netns del ka 2>/dev/null' EXIT
  ip -n ka link set lo up
  ip -n ka link add d0 type dummy
  ip -n ka addr add 172.16.0.254/24 dev d0
  ip -n ka link set d0 up
  kagen() {  # kagen WEIGHT FILE
    awk -v ns="$NS" -v nr="$NR" -v w="$1" 'BEGIN {
      for (s = 0; s < ns; s++) {
        printf "virtual_server 10.%d.%d.%d 80 {\n lb_algo wrr\n lb_kind NAT\n protocol TCP\n",
               100 + int(s / 65536), int(s / 256) % 256, s % 256;
        for (r = 1; r <= nr; r++)
          printf " real_server 172.16.0.%d 80 { weight %d }\n", r,
                 (s == int(ns / 2) && r == 1) ? w : 1;
        print "}" } }' > "$2"
  }
  kagen 1 "$T/ka.conf"
  ip netns exec ka keepalived -C -n -l -f "$T/ka.conf" -p "$T/ka.pid" -c "$T/kac.pid" \
    > "$T/ka.log" 2>&1 &
  KA=$!
  ka_has() { ip netns exec ka ipvsadm -Ln -t "$1" 2>/dev/null | grep -Eq "$2"; }
  poll ka_has "$LAST" "172\.16\.0\.$NR:80"
  for w in 5 6 7; do
    kagen "$w" "$T/ka.conf"
    watch ka "$w"
    t0=$(now)
    kill -HUP "$KA"
    poll ka_has "$MID" "172\.16\.0\.1:80 +Masq +$w "
    echo "RESULT keepalived_reload_one_weight_s=$(since "$t0")"
    kernel_s keepalived_reload_one_weight "$t0"
  done
  kill "$KA"; wait "$KA" 2>/dev/null || true
else
  echo "RESULT keepalived_reload_one_weight_s=absent (no keepalived in the guest)"
fi
echo "PASS"
