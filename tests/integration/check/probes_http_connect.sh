#!/bin/bash
# The plain-HTTP probe's own connect (connectAndSend): over loopback the handshake completes
# within connect() and the request goes out at once; when it does not (here: nftables in a
# namespace of the test's own drops every other SYN, so each handshake waits for the SYN
# retransmission, ~1 s) the probe waits for writability, reads SO_ERROR and sends then. Both
# paths must give the same verdicts; a refused connection says "connect: Connection refused".
source "$(dirname "$0")/lib_check.sh"
[ "$(id -u)" = 0 ] || skip "needs root for a network namespace"
need_cmd nft
N=lvsdchk-hc-$$
ip netns add "$N" 2>/dev/null || skip "cannot create network namespaces"
NETNS+=("$N")
ip -n "$N" link set lo up
mkdir -p "$TMP/www"
printf 'slow handshake ok\n' >"$TMP/www/index.html"
start_bg ip netns exec "$N" "$PY" -m http.server --bind 127.0.0.1 --directory "$TMP/www" 8080
poll_until 10 ip netns exec "$N" "$PY" -c "import socket; socket.create_connection(('127.0.0.1', 8080), 1)"
DRIVER_REAL=$DRIVER
DRIVER=$TMP/driver-in-ns
printf '#!/bin/sh\nexec ip netns exec %s %s "$@"\n' "$N" "$DRIVER_REAL" >"$DRIVER"
chmod +x "$DRIVER"

H=(--kind http --port 8080 --path /index.html --timeout-ms 4000)
expect_match "fast handshake: up at once" '"latency_ms":[0-9]{1,3}\.[0-9]+,"reason":"[^"]*","verdict":"up"' "${H[@]}"
expect_match "refused" '"reason":"connect: Connection refused","verdict":"down"' \
  --kind http --port 8081

ip netns exec "$N" nft -f - <<NFT
table inet slowsyn {
  counter dropped {}
  chain output {
    type filter hook output priority 0; policy accept;
    tcp dport 8080 tcp flags & (syn | ack) == syn numgen inc mod 2 == 0 counter name dropped drop
  }
}
NFT
dropped() { ip netns exec "$N" nft list counter inet slowsyn dropped | awk '/packets/{print $2}'; }
# Every other SYN is dropped: each run's first SYN goes, its retransmission (after ~1 s)
# passes. Up, and only after the retransmission (latency >= 900 ms).
for i in 1 2; do
  expect_match "slow handshake $i: up after the SYN retransmission" \
    '"latency_ms":(9[0-9]{2}|[1-3][0-9]{3})\.[0-9]+,"reason":"[^"]*","verdict":"up"' "${H[@]}"
done
if [ "$(dropped)" -ge 2 ]; then
  echo "ok   $(dropped) SYNs dropped"
else
  echo "FAIL only $(dropped) SYNs dropped (the slow path was not exercised)" >&2
  FAILS=$((FAILS + 1))
fi
finish
