#!/bin/bash
# TCP connect/send/expect, UDP payload/expect and ICMP-unreachable, HAProxy agent replies —
# against small real servers on loopback.
source "$(dirname "$0")/lib_check.sh"

responder banner
banner=$PORT
expect up "tcp connect" --kind tcp --port "$banner"
expect up "tcp expect banner" --kind tcp --port "$banner" --expect LVSD-READY
expect up "tcp send/expect echo" --kind tcp --port "$banner" --send $'ping-123\r\n' --expect 'echo: ping-123'
expect down "tcp expect mismatch" --kind tcp --port "$banner" --expect NOPE --timeout-ms 300
closed=$(free_port)
expect_match "tcp refused" '"reason":"connect: Connection refused","verdict":"down"' --kind tcp --port "$closed"

responder udp-echo
udp=$PORT
expect up "udp echo expect" --kind udp --port "$udp" --payload hello --expect pong:hello
expect down "udp expect mismatch" --kind udp --port "$udp" --payload hello --expect other
responder udp-silent
silent=$PORT
expect up "udp silent, lenient" --kind udp --port "$silent" --payload x --timeout-ms 300
expect down "udp silent, strict" --kind udp --port "$silent" --payload x --udp-strict --timeout-ms 300
expect_match "udp port unreachable (ICMP)" '"reason":"udp: port unreachable","verdict":"down"' \
  --kind udp --port "$(free_port)" --payload x --timeout-ms 2000

echo "up" > "$TMP/agent.txt"
responder agent --text-file "$TMP/agent.txt"
agent=$PORT
expect up "agent up" --kind agent --port "$agent"
echo "down#maintenance window" > "$TMP/agent.txt"
expect_match "agent down with description" '"reason":"agent: down: maintenance window","verdict":"down"' --kind agent --port "$agent"
echo "75%" > "$TMP/agent.txt"
expect_match "agent weight percent" '"percent":75,.*"verdict":"nochange"' --kind agent --port "$agent"
echo "up drain maxconn:12" > "$TMP/agent.txt"
expect_match "agent drain + maxconn" '"admin":"drain".*"maxconn":12.*"verdict":"up"' --kind agent --port "$agent"
echo "maint" > "$TMP/agent.txt"
expect_match "agent maint" '"admin":"maint"' --kind agent --port "$agent"
echo "ready,up" > "$TMP/agent.txt"
expect_match "agent ready" '"admin":"ready".*"verdict":"up"' --kind agent --port "$agent"
expect down "agent unreachable" --kind agent --port "$closed"

# IPv6 loopback.
if "$PY" -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null; then
  responder banner --host ::1
  expect up "tcp over IPv6" --kind tcp --addr ::1 --port "$PORT" --expect LVSD-READY
  responder udp-echo --host ::1
  expect up "udp over IPv6" --kind udp --addr ::1 --port "$PORT" --payload v6 --expect pong:v6
  expect_match "udp over IPv6, port unreachable" '"reason":"udp: port unreachable","verdict":"down"' \
    --kind udp --addr ::1 --port "$(free_port)" --payload x
elif [ "${CI:-}" = true ]; then
  echo "FAIL no IPv6 loopback (CI=true)" >&2; FAILS=$((FAILS + 1))
else
  echo "note: no IPv6 loopback, IPv6 cases not run"
fi
finish
