#!/bin/bash
# ICMP / ICMPv6 echo probe to an address in a network namespace the test creates: up, then the
# address is removed (down, within the timeout), then restored (up again). Also the
# unprivileged ping-socket path, inside a namespace whose ping_group_range allows it.
source "$(dirname "$0")/lib_check.sh"
[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
ip netns add "lvsdchk-probe-$$" 2>/dev/null || skip "cannot create network namespaces"
NS=lvsdchk-probe-$$
NETNS+=("$NS")
H=lvc$$h
N=lvc$$n
ip link add "$H" type veth peer name "$N"
ip link set "$N" netns "$NS"
oct=$(( $$ % 200 + 20 ))
ip addr add "10.251.$oct.1/30" dev "$H"
ip -6 addr add "fd00:4c56:$oct::1/64" dev "$H" nodad
ip link set "$H" up
ip -n "$NS" addr add "10.251.$oct.2/30" dev "$N"
ip -n "$NS" -6 addr add "fd00:4c56:$oct::2/64" dev "$N" nodad
ip -n "$NS" link set "$N" up
ip -n "$NS" link set lo up
cleanup_link() { ip link del "$H" 2>/dev/null || true; }
trap 'cleanup_link; cleanup' EXIT

V4=10.251.$oct.2
V6=fd00:4c56:$oct::2
poll_until 10 ping -c1 -W1 "$V4"
poll_until 10 ping -c1 -W1 "$V6"

expect up "v4 echo" --kind icmp --addr "$V4"
expect up "v6 echo" --kind icmp --addr "$V6"
ip -n "$NS" addr del "$V4/30" dev "$N"
ip -n "$NS" -6 addr del "$V6/64" dev "$N"
expect_match "v4 address gone" '"reason":"timeout","verdict":"down"' --kind icmp --addr "$V4" --timeout-ms 500
expect_match "v6 address gone" '"reason":"timeout","verdict":"down"' --kind icmp --addr "$V6" --timeout-ms 500
ip -n "$NS" addr add "$V4/30" dev "$N"
ip -n "$NS" -6 addr add "$V6/64" dev "$N" nodad
probe_up() { "$DRIVER" --kind icmp --addr "$1" --timeout-ms 300 | grep -q '"verdict":"up"'; }
poll_until 10 probe_up "$V4" && echo "ok   v4 back up" || { echo "FAIL v4 not back" >&2; FAILS=$((FAILS + 1)); }
poll_until 10 probe_up "$V6" && echo "ok   v6 back up" || { echo "FAIL v6 not back" >&2; FAILS=$((FAILS + 1)); }

# Ping sockets: allowed for every group inside the namespace only.
ip netns exec "$NS" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
out=$(ip netns exec "$NS" "$DRIVER" --kind icmp --addr 10.251.$oct.1 | head -n1)
if grep -q '"reason":"icmp: echo reply (ping socket)","verdict":"up"' <<<"$out"; then
  echo "ok   unprivileged ping socket: $out"
else
  echo "FAIL unprivileged ping socket: $out" >&2; FAILS=$((FAILS + 1))
fi

# The host keeps its own setting; with ping sockets disallowed there the raw path is used.
[ "$(cat /proc/sys/net/ipv4/ping_group_range)" != "$(printf "1\t0")" ] ||
expect_match "raw socket when ping sockets are not allowed" 'echo reply \(raw socket\)' \
  --kind icmp --addr "$V4"
finish
