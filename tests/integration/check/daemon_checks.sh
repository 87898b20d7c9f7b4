#!/bin/bash
# lvsd's checker child against real backends in a namespace (no IPVS needed: checks run and are
# reported either way): HTTP/TCP checks see a backend go down and come back within
# fall/rise x interval, `lvsctl checks` shows it, operator commands (weight/drain/disable/enable)
# change the effective weight at runtime, and a reload keeps check state and operator overrides.
# Usage: daemon_checks.sh LVSD LVSCTL
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
LVSD=$(realpath "${1:?usage: $0 LVSD LVSCTL}")
LVSCTL=$(realpath "${2:?usage: $0 LVSD LVSCTL}")
require_netns
command -v python3 >/dev/null || skip "python3 not installed"

netns_create NS
tmpdir_create DIR
SOCK=$DIR/lvsd.sock
for a in 10.77.0.1 10.77.0.2 10.77.0.3; do ip -n "$NS" addr add "$a/32" dev lo; done
mkdir -p "$DIR/www" && echo ok >"$DIR/www/index.html"
# notify/quorum commands run as the script user (nobody) and append to this log
mkdir -p "$DIR/notify" && chmod o+x "$DIR" && chmod 777 "$DIR/notify"

backend() {  # backend VAR ADDR : python http.server on ADDR:8080 in the namespace
  spawn_bg "$1" ip netns exec "$NS" python3 -m http.server --bind "$2" --directory "$DIR/www" \
    8080 >/dev/null 2>&1
}
listening() { ip netns exec "$NS" python3 -c "import socket; socket.create_connection(('$1', 8080), 1)"; }
backend B1 10.77.0.1
backend B2 10.77.0.2
poll_until 10 "backend 1 listening" listening 10.77.0.1
poll_until 10 "backend 2 listening" listening 10.77.0.2

cat >"$DIR/lvsd.conf" <<CONF
global = { control_socket = "$SOCK"; pid_file = "$DIR/lvsd.pid"; log_target = "stderr";
  script_user = "nobody"; };
virtual_servers = ( {
  name = "web"; address = "10.77.0.100"; port = 80; protocol = "tcp"; scheduler = "wrr";
  delay_loop = 0.2; quorum = 6;
  quorum_up = "/bin/sh -c 'echo quorum_up >> $DIR/notify/log'";
  quorum_down = "/bin/sh -c 'echo quorum_down >> $DIR/notify/log'";
  real_servers = (
    { address = "10.77.0.1"; port = 8080; weight = 5;
      notify_up = "/bin/sh -c 'echo \"up \$(id -un)\" >> $DIR/notify/log'";
      notify_down = "/bin/sh -c 'echo down >> $DIR/notify/log'";
      checks = ( { type = "http"; path = "/index.html"; timeout = 0.5; rise = 2; fall = 2; } ); },
    { address = "10.77.0.2"; port = 8080; weight = 3;
      checks = ( { type = "tcp"; timeout = 0.5; rise = 1; fall = 1; } ); },
    { address = "10.77.0.3"; port = 8080; weight = 1; }
  );
} );
CONF
spawn_bg LVSD_PID ip netns exec "$NS" "$LVSD" --foreground -f "$DIR/lvsd.conf" 2>>"$DIR/lvsd.log"
wait_socket "$SOCK" 10
ctl() { "$LVSCTL" -s "$SOCK" "$@"; }
# rs FIELD ADDR : a field of real server ADDR:8080 in `lvsctl checks --json`
rs() {
  ctl checks --json | python3 -c "import json,sys
d=json.load(sys.stdin)
r=[r for v in d['virtual_servers'] for r in v['reals'] if r['server']=='$2:8080'][0]
print(r['$1'] if '$1' in r else r['checks'][0]['$1'])"
}
is() { [ "$(rs "$1" "$2")" = "$3" ]; }
checked() { [ "$(rs results "$1")" -ge "$2" ]; }

poll_until 10 "both checked backends up with results" checked 10.77.0.1 2
poll_until 5 "tcp check results" checked 10.77.0.2 2
assert_eq up "$(rs state 10.77.0.1)" "http-checked server up"
assert_eq 5 "$(rs weight 10.77.0.1)" "weight is the configured one"
assert_eq configured "$(rs weight_reason 10.77.0.1)" "weight reason"
assert_eq up "$(rs state 10.77.0.3)" "server without checks is always up"
text=$(ctl checks)
assert_contains "$text" "http GET /index.html 10.77.0.1:8080: up" "lvsctl checks text lists the check"
assert_contains "$text" "none (always up)" "lvsctl checks text shows the unchecked server"

# Backend 1 fails: down within fall x interval (+ probe timeout + jitter + polling slack).
kill -9 "$B1"
t0=$(date +%s.%N)
poll_until 5 "10.77.0.1 down" is state 10.77.0.1 down
took=$(python3 -c "import time; print(round(time.time()-$t0, 2))")
note "down after ${took}s (fall 2 x interval 0.2 s)"
python3 -c "import sys; sys.exit(0 if $took < 2.0 else 1)" || fail "down took ${took}s"
pass "failing backend marked down in ${took}s"
assert_eq False "$(rs in_service 10.77.0.1)" "down server out of service"
assert_contains "$(rs reason 10.77.0.1)" "connect" "reason names the connect failure"
assert_eq 1 "$(rs transitions 10.77.0.1)" "one transition counted"
logged() { grep -qx "$1" "$DIR/notify/log" 2>/dev/null; }
poll_until 5 "notify_down ran" logged down
poll_until 5 "quorum_down ran (weights 3 + 1 < quorum 6)" logged quorum_down

backend B1 10.77.0.1
poll_until 5 "10.77.0.1 up again" is state 10.77.0.1 up
assert_eq 5 "$(rs weight 10.77.0.1)" "weight back after recovery"
assert_eq 2 "$(rs transitions 10.77.0.1)" "two transitions counted"
poll_until 5 "notify_up ran as the script user" logged "up nobody"
poll_until 5 "quorum_up ran" logged quorum_up
assert_eq "down quorum_down" "$(head -2 "$DIR/notify/log" | sort | tr '\n' ' ' | sed 's/ $//')" \
  "nothing ran before the first transition"

# Operator commands at runtime (no reload).
ctl weight web 10.77.0.2:8080 7 >/dev/null
poll_until 3 "operator weight 7" is weight 10.77.0.2 7
assert_eq operator "$(rs weight_reason 10.77.0.2)" "reason: operator"
ctl drain 10.77.0.100:80 10.77.0.2:8080 >/dev/null
poll_until 3 "drained to 0" is weight 10.77.0.2 0
assert_eq "drain (operator)" "$(rs weight_reason 10.77.0.2)" "reason: drain"
assert_eq True "$(rs in_service 10.77.0.2)" "drained server stays in service"
ctl disable web 10.77.0.1 >/dev/null
poll_until 3 "disabled server out" is in_service 10.77.0.1 False
if ctl drain web 10.77.0.9:8080 2>/dev/null; then fail "unknown real server accepted"; fi
pass "unknown real server rejected"
if ctl weight nosuch 10.77.0.1:8080 3 2>/dev/null; then fail "unknown virtual server accepted"; fi
pass "unknown virtual server rejected"

# Reload (same file): check state and operator overrides carry over.
before=$(rs results 10.77.0.1)
ctl reload >/dev/null
poll_until 5 "reload applied" is operator 10.77.0.2 drain
assert_eq disabled "$(rs operator 10.77.0.1)" "disable survives the reload"
after=$(rs results 10.77.0.1)
[ "$after" -ge "$before" ] || fail "results counter reset by reload ($before -> $after)"
pass "check counters survive the reload ($before -> $after)"
assert_eq 2 "$(rs transitions 10.77.0.1)" "transitions survive the reload"

# A checker crash: the supervisor replays the operator state to the new child.
cpid=$(ctl status --json | python3 -c "import json,sys; print([c['pid'] for c in json.load(sys.stdin)['children'] if c['name']=='checker'][0])")
kill -9 "$cpid"
restarted() { [ "$(ctl status --json | python3 -c "import json,sys; print([c['restarts'] for c in json.load(sys.stdin)['children'] if c['name']=='checker'][0])")" -ge 1 ]; }
poll_until 10 "checker restarted" restarted
poll_until 10 "override replayed to the new checker" is operator 10.77.0.2 drain

ctl enable web 10.77.0.1:8080 >/dev/null
ctl enable web 10.77.0.2:8080 >/dev/null
poll_until 3 "enabled again" is weight 10.77.0.2 3
poll_until 3 "enabled server in service" is in_service 10.77.0.1 True
pass "enable returns the servers to their checks"

# omega (keepalived's): at stop, notify_down of every server still up and quorum_down of a service
# holding quorum run before the checker exits.
sed -i 's/quorum = 6;/quorum = 6; omega = true;/' "$DIR/lvsd.conf"
# (the child gets the update before the stop: both travel, in order, on its link)
ctl reload >/dev/null || fail "reload with omega failed"
downs=$(grep -cx down "$DIR/notify/log")
qdowns=$(grep -cx quorum_down "$DIR/notify/log")
kill -TERM "$LVSD_PID"
gone() { ! kill -0 "$LVSD_PID" 2>/dev/null; }
poll_until 10 "lvsd stopped" gone
assert_eq $((downs + 1)) "$(grep -cx down "$DIR/notify/log")" "omega ran notify_down of the server that was up"
assert_eq $((qdowns + 1)) "$(grep -cx quorum_down "$DIR/notify/log")" "omega ran quorum_down"
grep -q 'omega: 2 notify command' "$DIR/lvsd.log" || fail "no omega log line"
pass "omega notifiers ran at stop"
