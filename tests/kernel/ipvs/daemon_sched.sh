#!/bin/bash
# A scheduler module that is not installed (lvsd's own swrr here: the guest does not have it)
# fails only its virtual service, with a clear message in lvsctl and the log; the other virtual
# service is programmed and lvsd keeps running. The failed service is retried with backoff
# (failures / next_retry_ms in lvsctl ipvs --json) and a reload starts the schedule over.
# Files: lvsd, lvsctl, lib.sh, daemon_lib.sh.
. "$TEST_DIR/lib.sh"
. "$TEST_DIR/daemon_lib.sh"
SCHED=swrr
if modinfo ip_vs_swrr >/dev/null 2>&1; then SCHED=chbl; fi
if modinfo ip_vs_$SCHED >/dev/null 2>&1; then
  echo "SKIP: both ip_vs_swrr and ip_vs_chbl are installed for this kernel: none is missing"
  exit 0
fi
ip link add d0 type dummy
ip addr add 10.0.2.1/24 dev d0
ip link set d0 up
CONF=$T/lvsd.conf
cat > "$CONF" <<C
global = { log_target = "stderr"; };
virtual_servers = (
  { name = "smooth"; address = "$VIP"; port = 80; scheduler = "$SCHED";
    real_servers = ( { address = "10.0.2.11"; weight = 3; }, { address = "10.0.2.12"; } ); },
  { name = "plain"; address = "$VIP"; port = 81; scheduler = "rr";
    real_servers = ( { address = "10.0.2.11"; }, { address = "10.0.2.12"; } ); } );
C
step "start with $SCHED (module missing) and rr"
start_lvsd "$CONF"
ipvs_json
expect_ops 3 start  # only the rr service and its two real servers
ctl ipvs 2> "$T/err" | tee "$T/table"
cat "$T/err"
want="virtual server smooth (TCP 10.0.0.100:80): scheduler '$SCHED' not available: module ip_vs_$SCHED not installed"
grep -qF "$want" "$T/err" || fail "no clear message for the missing module"
grep -qF "$want" "$T/lvsd.log" || fail "missing module not logged"
grep -q "TCP  $VIP:81 rr" "$T/table" || fail "the rr service is not programmed"
grep -q "$VIP:80" "$T/table" && fail "the $SCHED service appeared"
grep -A3 '"name": "smooth"' "$T/ipvs.json" | grep -q '"state": "failed"' || { cat "$T/ipvs.json"; fail "smooth not failed in status"; }
grep -A3 '"name": "plain"' "$T/ipvs.json" | grep -q '"state": "programmed"' || fail "plain not programmed in status"
same_as_ipvsadm
step "the failed service is retried: 1 s after the failure, then 2 s, 4 s ... (at most 30 s)"
failures() {  # failures of smooth in the checker's report (0 when not failing)
  ctl ipvs --json > "$T/r.json" || return 1
  grep -B4 -A4 '"name": "smooth"' "$T/r.json" | sed -n 's/.*"failures": \([0-9]*\).*/\1/p' | head -1
}
next_retry() { grep -B4 -A4 '"name": "smooth"' "$T/r.json" | sed -n 's/.*"next_retry_ms": \([0-9]*\).*/\1/p' | head -1; }
deadline=$(( $(date +%s) + 30 ))
until [ "$(failures)" -ge 3 ] 2>/dev/null; do
  [ "$(date +%s)" -lt $deadline ] || { cat "$T/r.json"; fail "smooth not retried twice within 30 s"; }
  sleep 0.2
done
n=$(failures); nr=$(next_retry)
echo "failures $n, next retry in $nr ms"
# after the third failure the next try is 4 s away (8 s after the fourth)
[ -n "$nr" ] && [ "$nr" -le $(( 1000 << (n - 1) )) ] || fail "next_retry_ms $nr after $n failures"
grep -q 'ipvs retry: 0 ops, 1 errors' "$T/lvsd.log" || fail "no retry sync logged"
ipvsadm -Ln > "$T/now"
grep -q "TCP  $VIP:81 rr" "$T/now" || fail "the rr service was disturbed by the retries"
ctl reload > /dev/null || fail "reload failed"
deadline=$(( $(date +%s) + 15 ))
until [ "$(failures)" = 1 ]; do  # a reload starts the schedule over
  [ "$(date +%s)" -lt $deadline ] || { cat "$T/r.json"; fail "reload did not reset the retries"; }
  sleep 0.1
done
step "lvsd keeps running"
ctl status | tee "$T/status"
kill -0 "$LVSD_PID" || fail "lvsd died"
stop_lvsd TERM
step "PASS"
