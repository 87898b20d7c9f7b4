#!/bin/bash
# Script probe (keepalived MISC_CHECK / misc_dynamic) and file probe: exit codes, running as
# the script user, the timeout killing the whole process group, and weight files.
source "$(dirname "$0")/lib_check.sh"

S=(--kind script)
expect up "exit 0" "${S[@]}" -- /bin/sh -c 'exit 0'
expect down "exit 1" "${S[@]}" -- /bin/sh -c 'exit 1'
expect_match "exit 12, misc_dynamic: weight 10" '"verdict":"up","weight":10' "${S[@]}" --dynamic -- /bin/sh -c 'exit 12'
expect down "exit 12 without misc_dynamic" "${S[@]}" -- /bin/sh -c 'exit 12'
expect_match "exit 2: weight 0" '"verdict":"up","weight":0' "${S[@]}" --dynamic -- /bin/sh -c 'exit 2'
expect_match "missing program" '"reason":"script: exit 127","verdict":"down"' "${S[@]}" -- /nonexistent/prog
expect_match "relative path refused" '"error":"script probe: the program must be an absolute path"' "${S[@]}" -- sh -c true
expect up "environment is minimal" "${S[@]}" -- /bin/sh -c 'test -z "$HOME" && test -n "$PATH"'
expect up "no inherited descriptors above 2" "${S[@]}" -- /bin/sh -c 'test "$(ls /proc/self/fd | wc -l)" -le 4'

if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
  expect up "runs as the script user" "${S[@]}" --user nobody -- /bin/sh -c 'test "$(id -u)" = "$(id -u nobody)" && test "$(id -G)" = "$(id -g nobody)"'
  expect_match "unknown user is a spec error" '"error":"script probe: unknown user' "${S[@]}" --user no-such-user-lvsd -- /bin/true
fi

# Timeout: the script and its children (one process group) are killed, nothing is left behind.
cat > "$TMP/hang.sh" <<SCRIPT
#!/bin/sh
sleep 30 &
echo \$! > "$TMP/child.pid"
echo \$\$ > "$TMP/parent.pid"
wait
SCRIPT
chmod +x "$TMP/hang.sh"
expect_match "timeout kills" '"reason":"script: timeout, killed","verdict":"down"' "${S[@]}" --timeout-ms 500 -- "$TMP/hang.sh"
gone() { ! kill -0 "$(cat "$1")" 2>/dev/null; }
if poll_until 5 gone "$TMP/child.pid" && poll_until 5 gone "$TMP/parent.pid"; then
  echo "ok   script and its child are gone"
else
  echo "FAIL the timed-out script's process group survived" >&2; FAILS=$((FAILS + 1))
fi

# Many runs: every child reaped, no descriptors left open.
out=$("$DRIVER" "${S[@]}" --count 200 --dynamic -- /bin/sh -c 'exit 5' | tail -n1)
if [ "$("$PY" -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["runs"] == d["up"] == 200 and d["fds_end"] <= d["fds_start"])' "$out")" = True ]; then
  echo "ok   200 script runs: $out"
else
  echo "FAIL 200 script runs: $out" >&2; FAILS=$((FAILS + 1))
fi

echo 42 > "$TMP/weight"
expect_match "weight file" '"verdict":"up","weight":42' --kind file --file "$TMP/weight"
echo garbage > "$TMP/weight"
expect down "weight file garbage" --kind file --file "$TMP/weight"
expect down "weight file missing" --kind file --file "$TMP/no-such-file"
finish
