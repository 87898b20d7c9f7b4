#!/bin/bash
# DNS probe against dnsmasq on a loopback port: expected answer, wrong answer, rcode
# expectations (NOERROR / NXDOMAIN), AAAA and TXT, and a port nobody serves.
source "$(dirname "$0")/lib_check.sh"
need_cmd dnsmasq

port=$(free_port)
start_bg dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
  --listen-address=127.0.0.1 --bind-interfaces --port="$port" --user=root \
  --pid-file="$TMP/dnsmasq.pid" --local=/lvsd.test/ \
  --host-record=www.lvsd.test,192.0.2.10,2001:db8::10 \
  --txt-record=info.lvsd.test,"lvsd dns check" --log-facility="$TMP/dnsmasq.log"
poll_until 10 bash -c "dig +short +time=1 +tries=1 @127.0.0.1 -p $port www.lvsd.test A | grep -q 192.0.2.10"

D=(--kind dns --port "$port")
expect up "A, any answer" "${D[@]}" --dns-name www.lvsd.test
expect up "A, expected address" "${D[@]}" --dns-name www.lvsd.test --dns-answer 192.0.2.10
expect down "A, other address" "${D[@]}" --dns-name www.lvsd.test --dns-answer 192.0.2.11
expect up "AAAA, expected address" "${D[@]}" --dns-name www.lvsd.test --dns-type AAAA --dns-answer 2001:db8::10
expect up "TXT" "${D[@]}" --dns-name info.lvsd.test --dns-type TXT --dns-answer "lvsd dns check"
expect_match "NXDOMAIN when NOERROR expected" '"reason":"dns: rcode 3, expected 0","verdict":"down"' \
  "${D[@]}" --dns-name missing.lvsd.test
expect up "NXDOMAIN expected" "${D[@]}" --dns-name missing.lvsd.test --dns-rcode NXDOMAIN
expect_match "nobody on the port" '"reason":"udp: port unreachable","verdict":"down"' \
  --kind dns --port "$(free_port)" --dns-name www.lvsd.test
finish
