#!/bin/bash
# Watchdog: with WATCHDOG_USEC set, lvsd pings systemd at half the interval while its children
# report; a hung child (SIGSTOP) stops the pings (and shows as unresponsive), SIGCONT resumes them.
. "$(dirname "$0")/common.sh"
require_netns
netns_create NS
tmpdir_create D
SOCK=$D/lvsd.sock
LOG=$D/lvsd.log
write_config "$D/lvsd.conf" "$D"
python3 - "$D/notify.sock" "$D/notify.log" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as out:
    while True:
        out.write(s.recv(4096).decode().replace("\n", " ") + "\n")
PY
on_exit "kill $!"
poll_until 5 "fake notify socket" test -S "$D/notify.sock"
NOTIFY_SOCKET=$D/notify.sock WATCHDOG_USEC=400000 start_lvsd PID "$NS" "$D/lvsd.conf" "$LOG"
wait_socket "$SOCK"
poll_until 5 "children running" children_running
pings() { grep -c "WATCHDOG=1" "$D/notify.log" || true; }
withheld() { grep -c "withholding the watchdog ping" "$LOG" || true; }
poll_until 5 "first watchdog pings" bash -c "[ \$(grep -c WATCHDOG=1 '$D/notify.log') -ge 3 ]"
pass "watchdog pings while children report"

V=$(child_pid vrrp)
kill -STOP "$V"
on_exit "kill -CONT $V"
# Stale after 5 s without a report; pings stop and every skipped ping is logged.
poll_until 10 "ping withheld" bash -c "[ \$(grep -c 'withholding the watchdog ping' '$LOG') -ge 1 ]"
before=$(pings)
w=$(withheld)
poll_until 5 "three more withheld pings" bash -c "[ \$(grep -c 'withholding the watchdog ping' '$LOG') -ge $((w + 3)) ]"
assert_eq "$before" "$(pings)" "no WATCHDOG=1 while the vrrp child is hung"
assert_eq unresponsive "$(child_field vrrp state)" "status shows the hung child as unresponsive"
kill -CONT "$V"
poll_until 5 "pings resume" bash -c "[ \$(grep -c WATCHDOG=1 '$D/notify.log') -gt $before ]"
pass "pings resume once the child reports again"
kill -TERM "$PID"
wait_exit "$PID"
