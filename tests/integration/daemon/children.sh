#!/bin/bash
# Child supervision: a SIGKILLed child is restarted (new pid, restarts=1) and the event is
# logged with the signal; when the supervisor is SIGKILLed its children die too.
. "$(dirname "$0")/common.sh"
require_netns
netns_create NS
tmpdir_create D
SOCK=$D/lvsd.sock
LOG=$D/lvsd.log
write_config "$D/lvsd.conf" "$D"
start_lvsd PID "$NS" "$D/lvsd.conf" "$LOG"
wait_socket "$SOCK"
poll_until 5 "children running" children_running

for name in vrrp checker; do
  old=$(child_pid "$name")
  [ "$(ps -o ppid= -p "$old" | tr -d ' ')" = "$PID" ] || fail "$name ($old) is not a child of $PID"
  kill -9 "$old"
  poll_until 5 "$name restarted" bash -c \
    "p=\$('$LVSCTL' -s '$SOCK' status --json | python3 -c 'import json,sys; print([c for c in json.load(sys.stdin)[\"children\"] if c[\"name\"]==\"$name\"][0][\"pid\"])'); [ \"\$p\" != None ] && [ \"\$p\" != $old ]"
  new=$(child_pid "$name")
  kill -0 "$new" || fail "new $name pid $new not alive"
  assert_eq 1 "$(child_field "$name" restarts)" "$name restarts counter"
  assert_contains "$(child_field "$name" last_exit)" "killed by signal 9 (KILL)" "$name last_exit"
  poll_until 5 "restart logged" grep -q "child $name (pid $old) killed by signal 9 (KILL); restarting in" "$LOG"
  pass "$name restart logged with the signal"
  poll_until 5 "$name running again" children_running
done
assert_contains "$(ctl status)" "killed by signal 9 (KILL)" "status shows the last exit"

# Supervisor gone -> children gone (PR_SET_PDEATHSIG).
v=$(child_pid vrrp)
c=$(child_pid checker)
kill -9 "$PID"
wait_exit "$v" 5
wait_exit "$c" 5
pass "children exit when the supervisor dies"
