#!/bin/bash
# lvsd in a namespace: start, status, version, socket mode, reload (changed, broken, SIGHUP),
# sd_notify messages, stop with SIGTERM -> exit 0 and cleanup of socket + pid file.
. "$(dirname "$0")/common.sh"
require_netns
netns_create NS
tmpdir_create D
SOCK=$D/lvsd.sock
CONF=$D/lvsd.conf
LOG=$D/lvsd.log
write_config "$CONF" "$D" 0640

# A fake systemd notify socket records what lvsd tells systemd.
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

NOTIFY_SOCKET=$D/notify.sock WATCHDOG_USEC=400000 start_lvsd PID "$NS" "$CONF" "$LOG" -l stderr
wait_socket "$SOCK"
poll_until 5 "READY=1" grep -q "READY=1" "$D/notify.log"
pass "READY=1 sent"
poll_until 5 "children running" children_running

out=$(ctl status)
assert_contains "$out" "pid $PID" "status names the supervisor pid"
assert_contains "$out" "generation 1" "status shows generation 1"
assert_contains "$out" "vrrp " "status lists the vrrp child"
assert_contains "$out" "checker " "status lists the checker child"
ctl status --json | python3 -c 'import json,sys; json.load(sys.stdin)' || fail "status --json is not JSON"
pass "status --json is valid JSON"
assert_contains "$(ctl version)" "lvsd 0.1" "version answered"
assert_eq "640" "$(stat -c %a "$SOCK")" "control socket mode matches config (0640)"
assert_eq "$PID" "$(tr -d '\n' <"$D/lvsd.pid")" "pid file holds the supervisor pid"
poll_until 5 "watchdog pings" grep -q "WATCHDOG=1" "$D/notify.log"
pass "watchdog pinged (WATCHDOG_USEC set)"

# Reload a changed config: generation 2, one VRRP instance.
write_config "$CONF" "$D" 0640 "$VRRP_ONE"
out=$(ctl reload) || fail "reload of a valid config failed: $out"
assert_contains "$out" "generation 2" "reload of a changed config"
assert_eq 1 "$(ctl status --json | json_get "d['counts']['vrrp_instances']")" "new config in force"
poll_until 5 "children on generation 2" \
  bash -c "[ \"\$('$LVSCTL' -s '$SOCK' status --json | python3 -c 'import json,sys; print(all(c[\"generation\"]==2 for c in json.load(sys.stdin)[\"children\"]))')\" = True ]"
pass "children applied generation 2"
grep -q "RELOADING=1" "$D/notify.log" || fail "no RELOADING=1 sent"
pass "RELOADING=1 sent"

# Reload a broken config: old one stays, the error names file:line.
cp "$CONF" "$D/good.conf"
printf 'global = {\n  control_socket = ;\n};\n' >"$CONF"
set +e
out=$(ctl reload 2>&1)
rc=$?
set -e
assert_eq 1 "$rc" "lvsctl reload exits 1 on a broken config"
assert_contains "$out" "reload FAILED" "reload reports the failure"
assert_contains "$out" "$CONF:2" "reload error names file:line"
st=$(ctl status)
assert_contains "$st" "generation 2" "old config (generation 2) stays in force"
assert_contains "$st" "last reload: FAILED" "status shows the failed reload"
assert_contains "$st" "$CONF:2" "status shows the reload error"
grep -q "reload rejected: $CONF:2" "$LOG" || fail "reload error not logged"
pass "reload error logged"
kill -0 "$PID" || fail "lvsd died after a broken reload"

# SIGHUP with the good config again: generation 3.
cp "$D/good.conf" "$CONF"
kill -HUP "$PID"
poll_until 5 "generation 3 after SIGHUP" bash -c "'$LVSCTL' -s '$SOCK' status | grep -q 'generation 3'"
pass "SIGHUP reload"

# Stop.
kill -TERM "$PID"
set +e
wait "$PID"
rc=$?
set -e
assert_eq 0 "$rc" "SIGTERM: lvsd exits 0"
grep -q "STOPPING=1" "$D/notify.log" || fail "no STOPPING=1 sent"
pass "STOPPING=1 sent"
[ ! -e "$SOCK" ] || fail "control socket left behind"
[ ! -e "$D/lvsd.pid" ] || fail "pid file left behind"
pass "socket and pid file removed"
