#!/bin/bash
# A second lvsd with the same pid file refuses to start, names the running pid, and exits 1;
# the first keeps serving. Also: daemon mode (no --foreground) detaches, writes its pid, and
# reports startup failure through its exit code.
. "$(dirname "$0")/common.sh"
require_netns
netns_create NS
tmpdir_create D
SOCK=$D/lvsd.sock
write_config "$D/lvsd.conf" "$D"
start_lvsd PID "$NS" "$D/lvsd.conf" "$D/lvsd.log"
wait_socket "$SOCK"

set +e
out=$(ip netns exec "$NS" "$LVSD" --foreground -f "$D/lvsd.conf" 2>&1)
rc=$?
set -e
assert_eq 1 "$rc" "second instance exits 1"
assert_contains "$out" "already running (pid $PID" "refusal names the running pid"
ctl status >/dev/null || fail "first instance stopped answering"
pass "first instance still serves"
# A different pid file but the same socket: the live socket is not stolen.
set +e
out=$(ip netns exec "$NS" "$LVSD" --foreground -f "$D/lvsd.conf" --pid-file "$D/other.pid" 2>&1)
rc=$?
set -e
assert_eq 1 "$rc" "instance on a live socket exits 1"
assert_contains "$out" "in use by another process" "refusal names the busy socket"
kill -TERM "$PID"
wait_exit "$PID"

# Daemon mode: returns once started; the pid file names the detached supervisor.
ip netns exec "$NS" "$LVSD" -f "$D/lvsd.conf" || fail "daemon mode start failed"
wait_socket "$SOCK"
DPID=$(tr -d '\n' <"$D/lvsd.pid")
on_exit "kill -9 $DPID"
assert_contains "$(ctl status)" "pid $DPID" "daemonized supervisor answers with the pid-file pid"
assert_eq 1 "$(ps -o ppid= -p "$DPID" | tr -d ' ')" "daemon reparented (double fork)"
set +e
ip netns exec "$NS" "$LVSD" -f "$D/lvsd.conf" 2>/dev/null
rc=$?
set -e
assert_eq 1 "$rc" "second daemon-mode start exits 1"
kill -TERM "$DPID"
wait_exit "$DPID"
pass "daemonized lvsd stopped"
