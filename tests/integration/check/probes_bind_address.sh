#!/bin/bash
# bind_address for UDP, DNS and ICMP probes (v4 and v6): the source address on the wire.
# Two namespaces the test creates: the client (the probe runs there) has two addresses per
# family on its veth, .1 (the route's default source) and .5; the server drops UDP and echo
# requests from .1 (nftables) and counts what arrives from .5. A probe bound to .5 is up and
# is counted there; the same probe unbound leaves from .1 and is down (the negative control).
# The UDP responder also answers with the peer address it saw.
source "$(dirname "$0")/lib_check.sh"
[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
need_cmd nft
need_cmd dnsmasq
C=lvsdchk-bc-$$
S=lvsdchk-bs-$$
ip netns add "$C" 2>/dev/null || skip "cannot create network namespaces"
NETNS+=("$C")
ip netns add "$S"
NETNS+=("$S")
ip -n "$C" link add cb0 type veth peer name sb0 netns "$S"
oct=$(($$ % 200 + 20))
P4=10.252.$oct
P6=fd00:4c57:$oct:
ip -n "$C" addr add "$P4.1/24" dev cb0
ip -n "$C" addr add "$P4.5/24" dev cb0
ip -n "$C" -6 addr add "$P6:1/64" dev cb0 nodad
# Deprecated (preferred_lft 0): never picked as a default source, still bindable.
ip -n "$C" -6 addr add "$P6:5/64" dev cb0 nodad preferred_lft 0
ip -n "$S" addr add "$P4.2/24" dev sb0
ip -n "$S" -6 addr add "$P6:2/64" dev sb0 nodad
for n in "$C" "$S"; do ip -n "$n" link set lo up; done
ip -n "$C" link set cb0 up
ip -n "$S" link set sb0 up

ip netns exec "$S" nft -f - <<EOF
table inet bindtest {
  counter udp5 {}
  counter icmp5 {}
  counter dns5 {}
  chain input {
    type filter hook input priority 0; policy accept;
    ip saddr $P4.1 meta l4proto udp drop
    ip saddr $P4.1 icmp type echo-request drop
    ip6 saddr $P6:1 meta l4proto udp drop
    ip6 saddr $P6:1 icmpv6 type echo-request drop
    ip saddr $P4.5 udp dport 53 counter name dns5
    ip6 saddr $P6:5 udp dport 53 counter name dns5
    ip saddr $P4.5 meta l4proto udp counter name udp5
    ip6 saddr $P6:5 meta l4proto udp counter name udp5
    ip saddr $P4.5 icmp type echo-request counter name icmp5
    ip6 saddr $P6:5 icmpv6 type echo-request counter name icmp5
  }
}
EOF
packets() { ip netns exec "$S" nft list counter inet bindtest "$1" | awk '/packets/{print $2}'; }

# Servers in S: a UDP responder per family that names the peer, dnsmasq on both addresses.
portfile4=$TMP/peer4.port
portfile6=$TMP/peer6.port
start_bg ip netns exec "$S" "$PY" "$HERE/responders.py" --mode udp-peer --host "$P4.2" \
  --port-file "$portfile4"
start_bg ip netns exec "$S" "$PY" "$HERE/responders.py" --mode udp-peer --host "$P6:2" \
  --port-file "$portfile6"
start_bg ip netns exec "$S" dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv \
  --no-hosts --listen-address="$P4.2" --listen-address="$P6:2" --bind-interfaces --user=root \
  --pid-file="$TMP/dnsmasq.pid" --local=/lvsd.test/ --host-record=www.lvsd.test,192.0.2.10 \
  --log-facility="$TMP/dnsmasq.log"
poll_until 10 test -s "$portfile4"
poll_until 10 test -s "$portfile6"
U4=$(cat "$portfile4")
U6=$(cat "$portfile6")
poll_until 10 ip netns exec "$C" ping -c1 -W1 -I "$P4.5" "$P4.2"
poll_until 10 ip netns exec "$C" ping -c1 -W1 -I "$P6:5" "$P6:2"
poll_until 10 bash -c "ip netns exec $C dig +short +time=1 +tries=1 -b $P4.5 @$P4.2 www.lvsd.test A | grep -q 192.0.2.10"

# Runs the driver in the client namespace through the shared expect helpers.
DRIVER_REAL=$DRIVER
DRIVER=$TMP/driver-in-client
printf '#!/bin/sh\nexec ip netns exec %s %s "$@"\n' "$C" "$DRIVER_REAL" >"$DRIVER"
chmod +x "$DRIVER"

# counted NAME BEFORE DESCRIPTION: the server counted more packets from .5 than BEFORE.
counted() {
  local now
  now=$(packets "$1")
  if [ "$now" -gt "$2" ]; then
    echo "ok   $3: $1 counter $2 -> $now"
  else
    echo "FAIL $3: $1 counter stayed at $now" >&2
    FAILS=$((FAILS + 1))
  fi
}

T=(--timeout-ms 500)
for fam in 4 6; do
  if [ "$fam" = 4 ]; then dst=$P4.2 src=$P4.5 up=$U4; else dst=$P6:2 src=$P6:5 up=$U6; fi
  # UDP: the reply names the source the server saw.
  before=$(packets udp5)
  expect up "udp v$fam bound to $src" --kind udp --addr "$dst" --port "$up" --payload hi \
    --expect "from $src" --udp-strict --bind "$src" "${T[@]}"
  counted udp5 "$before" "udp v$fam"
  expect down "udp v$fam unbound (leaves from .1, dropped)" --kind udp --addr "$dst" \
    --port "$up" --payload hi --expect "from" --udp-strict "${T[@]}"
  # DNS
  before=$(packets dns5)
  expect up "dns v$fam bound to $src" --kind dns --addr "$dst" --dns-name www.lvsd.test \
    --dns-answer 192.0.2.10 --bind "$src" "${T[@]}"
  counted dns5 "$before" "dns v$fam"
  expect down "dns v$fam unbound" --kind dns --addr "$dst" --dns-name www.lvsd.test "${T[@]}"
  # ICMP, raw socket (the namespace does not allow ping sockets)
  before=$(packets icmp5)
  expect_match "icmp v$fam bound to $src (raw)" 'raw socket\)","verdict":"up"' --kind icmp \
    --addr "$dst" --bind "$src" "${T[@]}"
  counted icmp5 "$before" "icmp v$fam raw"
  expect down "icmp v$fam unbound" --kind icmp --addr "$dst" "${T[@]}"
done

# ICMP through an unprivileged ping socket (allowed inside the client namespace only).
ip netns exec "$C" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
before=$(packets icmp5)
expect_match "icmp v4 bound (ping socket)" 'ping socket\)","verdict":"up"' --kind icmp \
  --addr "$P4.2" --bind "$P4.5" "${T[@]}"
expect_match "icmp v6 bound (ping socket)" 'ping socket\)","verdict":"up"' --kind icmp \
  --addr "$P6:2" --bind "$P6:5" "${T[@]}"
counted icmp5 "$before" "icmp ping sockets"
expect down "icmp v4 unbound (ping socket)" --kind icmp --addr "$P4.2" "${T[@]}"

# An address the client does not have: down, the reason names the bind.
for k in udp dns icmp; do
  expect_match "$k bound to a missing address" '"reason":"bind: [^"]+","verdict":"down"' \
    --kind "$k" --addr "$P4.2" --port "$U4" --dns-name www.lvsd.test --bind 192.0.2.77 "${T[@]}"
done
finish
