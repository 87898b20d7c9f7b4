#!/bin/bash
# Garbage, truncated, oversized, unknown and wrong-version requests get JSON errors; a silent
# client does not block others; 50 concurrent clients are all answered; lvsd stays up.
. "$(dirname "$0")/common.sh"
require_netns
netns_create NS
tmpdir_create D
SOCK=$D/lvsd.sock
write_config "$D/lvsd.conf" "$D"
start_lvsd PID "$NS" "$D/lvsd.conf" "$D/lvsd.log"
wait_socket "$SOCK"

expect_error() {  # expect_error MODE CODE
  local out
  out=$(python3 "$CTL_RAW" "$SOCK" "$1") || fail "$1: no JSON answer: $out"
  assert_contains "$out" "\"code\": \"$2\"" "$1 -> $2"
  assert_contains "$out" '"ok": false' "$1 -> ok false"
}
expect_error garbage parse_error
expect_error truncated parse_error
expect_error oversized request_too_large
expect_error 'text:{"v":1,"cmd":"frobnicate"}' unknown_command
expect_error 'text:{"v":9,"cmd":"status"}' unsupported_version
expect_error 'text:{"v":1}' bad_request
expect_error 'text:{"v":1,"cmd":"check-config"}' bad_request
expect_error 'text:[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]' parse_error
kill -0 "$PID" || fail "lvsd died"
pass "lvsd alive after bad requests"

# Several requests on one connection are answered in order.
out=$(python3 "$CTL_RAW" "$SOCK" 'text:{"v":1,"cmd":"version"}
{"v":1,"cmd":"status"}')
assert_eq 2 "$(printf '%s\n' "$out" | grep -c '"ok": true')" "two pipelined requests answered"

# A client that connects and says nothing does not block the others.
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(30)
s.connect(sys.argv[1])
open(sys.argv[2], "wb").write(s.recv(4096))' "$SOCK" "$D/silent.out" &
SILENT=$!
on_exit "kill $SILENT"
start=$(date +%s%N)
ctl status >/dev/null || fail "status failed while a silent client is connected"
ms=$((($(date +%s%N) - start) / 1000000))
[ "$ms" -lt 2000 ] || fail "status took ${ms} ms with a silent client connected"
pass "silent client does not block (status in ${ms} ms)"

# 50 concurrent clients.
pids=()
for i in $(seq 50); do
  "$LVSCTL" -s "$SOCK" status --json >"$D/c$i.json" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "a concurrent client failed"; done
python3 -c 'import json,sys; [json.load(open(f)) for f in sys.argv[1:]]' "$D"/c*.json ||
  fail "a concurrent client got invalid JSON"
pass "50 concurrent clients answered with valid JSON"

# The silent client is dropped after the idle timeout (10 s) with a JSON timeout error.
poll_until 20 "idle client answered with a timeout error" grep -q '"code":"timeout"' "$D/silent.out"
pass "idle client got a timeout error and was closed"

ctl status >/dev/null
kill -TERM "$PID"
set +e
wait "$PID"
rc=$?
set -e
assert_eq 0 "$rc" "lvsd exits 0 after the abuse"
