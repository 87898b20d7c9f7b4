#!/bin/bash
# Command-line contracts: `lvsd -t` (0 valid, 1 invalid with file:line, 2 usage), lvsctl exit
# codes (2 usage, 3 cannot connect, 1 daemon error), lvsctl check-config through the daemon.
. "$(dirname "$0")/common.sh"
require_netns
netns_create NS
tmpdir_create D
SOCK=$D/lvsd.sock
write_config "$D/good.conf" "$D"
printf 'global = {\n  router_id = "x";\n  control_socket = 5;\n};\n' >"$D/bad.conf"

rc_of() { set +e; "$@" >"$D/out" 2>&1; echo $?; set -e; }
assert_eq 0 "$(rc_of "$LVSD" -t -f "$D/good.conf")" "lvsd -t valid -> 0"
assert_eq 1 "$(rc_of "$LVSD" -t -f "$D/bad.conf")" "lvsd -t invalid -> 1"
assert_contains "$(cat "$D/out")" "$D/bad.conf:3" "lvsd -t prints file:line"
assert_eq 2 "$(rc_of "$LVSD" -t -f "$D/missing.conf")" "lvsd -t unreadable file -> 2 (as documented)"
assert_contains "$(cat "$D/out")" "missing.conf: cannot read file" "lvsd -t names the unreadable file"
assert_eq 2 "$(rc_of "$LVSD" -t --no-such-flag)" "lvsd usage error -> 2"
assert_eq 2 "$(rc_of "$LVSD" -l carrier-pigeon -t -f "$D/good.conf")" "lvsd bad -l -> 2"
assert_eq 0 "$(rc_of "$LVSD" --version)" "lvsd --version -> 0"
assert_contains "$(cat "$D/out")" "lvsd 0." "lvsd --version prints the version"
assert_eq 1 "$(rc_of "$LVSD" --foreground -f "$D/bad.conf" -l stderr)" "lvsd refuses a bad config"

assert_eq 2 "$(rc_of "$LVSCTL")" "lvsctl without command -> 2"
assert_eq 2 "$(rc_of "$LVSCTL" frobnicate)" "lvsctl unknown command -> 2"
assert_eq 3 "$(rc_of "$LVSCTL" -s "$D/nobody.sock" status)" "lvsctl cannot connect -> 3"

start_lvsd PID "$NS" "$D/good.conf" "$D/lvsd.log"
wait_socket "$SOCK"
assert_eq 0 "$(rc_of "$LVSCTL" -s "$SOCK" check-config "$D/good.conf")" "check-config valid -> 0"
assert_eq 1 "$(rc_of "$LVSCTL" -s "$SOCK" check-config "$D/bad.conf")" "check-config invalid -> 1"
assert_contains "$(cat "$D/out")" "$D/bad.conf:3" "check-config prints file:line"
(cd "$D" && "$LVSCTL" -s "$SOCK" check-config good.conf >/dev/null) || fail "relative path"
pass "check-config resolves a relative path on the client side"
assert_eq 0 "$(rc_of "$LVSCTL" -s "$SOCK" version --json)" "version --json -> 0"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["protocol"]==1' "$D/out"
pass "version --json carries the protocol version"
kill -TERM "$PID"
wait_exit "$PID"
