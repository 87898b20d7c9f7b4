#!/bin/bash
# Bad input gives a clear error and leaves the rest of the table intact; a service whose ops
# fail half-way is rolled back to what the kernel had.
. "$TEST_DIR/lib.sh"
ipvsadm -A -t 10.9.9.9:22 -s rr && ipvsadm -a -t 10.9.9.9:22 -r 10.9.9.10:22 -m -w 7
cat > "$T/good" <<'T'
service tcp 10.3.0.1:80 sched rr
dest 10.3.1.1:80 weight 2
dest 10.3.1.2:80 weight 2
T
"$TOOL" apply "$T/good" > /dev/null || fail "good table"
ipvsadm -Ln > "$T/before"

step "unknown scheduler, IPv6 VIP with IPv4 NAT destination, duplicate service, weight range"
cat > "$T/bad" <<'T'
service tcp 10.3.0.1:80 sched rr
dest 10.3.1.1:80 weight 2
dest 10.3.1.2:80 weight 2
service tcp 10.3.0.2:80 sched nosuchsched
dest 10.3.1.3:80 weight 1
service tcp [2001:db8::3]:80 sched rr
dest 10.3.1.4:80 fwd masq weight 1
service tcp 10.3.0.4:80 sched rr
dest 10.3.1.5:80 weight 1
service tcp 10.3.0.4:80 sched wrr
service tcp 10.3.0.5:80 sched rr
dest 10.3.1.6:80 weight 70000
service tcp 10.3.0.6:80 sched rr
dest 10.3.1.7:80 weight 1
T
if "$TOOL" apply "$T/bad" > "$T/out"; then fail "bad table accepted"; fi
cat "$T/out"
grep -q "error: add service TCP 10.3.0.2:80 nosuchsched: scheduler 'nosuchsched' not found (kernel module ip_vs_nosuchsched missing?)" "$T/out" || fail "unknown scheduler message"
grep -q 'error: TCP \[2001:db8::3\]:80 -> 10.3.1.4:80: address family differs' "$T/out" || fail "family mismatch message"
grep -q 'error: TCP 10.3.0.4:80: duplicate service' "$T/out" || fail "duplicate message"
grep -q 'error: TCP 10.3.0.5:80 -> 10.3.1.6:80: weight 70000 out of range 0..65535' "$T/out" || fail "weight message"
ipvsadm -Ln | tee "$T/after"
grep -q '10.3.0.2:80' "$T/after" && fail "failed service left behind"
grep -q '2001:db8::3' "$T/after" && fail "invalid v6 service programmed"
grep -q '10.3.0.5:80' "$T/after" && fail "invalid weight service programmed"
grep -q 'TCP  10.3.0.4:80 rr' "$T/after" || fail "first definition of the duplicate missing"
grep -q 'TCP  10.3.0.6:80 rr' "$T/after" || fail "valid service after bad ones missing"
grep -A2 '10.3.0.1:80' "$T/before" > "$T/a"; grep -A2 '10.3.0.1:80' "$T/after" > "$T/b"
expect_same "$T/a" "$T/b" "unrelated service changed"
grep -q '10.9.9.9:22' "$T/after" || fail "foreign service removed"

step "IPv6 VIP with an IPv4 destination is fine with tunnel forwarding"
printf 'service tcp [2001:db8::7]:80 sched rr\ndest 10.3.1.8:80 fwd tun weight 1\n' > "$T/mixed"
"$TOOL" apply "$T/mixed" | tee "$T/out"
ipvsadm -Ln | grep -A1 '2001:db8::7' | grep -q '10.3.1.8:80 *Tunnel' || fail "mixed family tunnel"

step "rollback: a scheduler edit fails, the weight edit of the same service is undone"
sed -e 's/sched rr/sched nosuchsched/' -e 's/10.3.1.1:80 weight 2/10.3.1.1:80 weight 9/' "$T/good" > "$T/half"
if "$TOOL" apply "$T/good" "$T/half" > "$T/out"; then fail "half-failing table accepted"; fi
cat "$T/out"
grep -q '^FAIL edit service TCP 10.3.0.1:80 nosuchsched' "$T/out" || fail "edit should fail"
grep -q '^ok   edit destination TCP 10.3.0.1:80 -> 10.3.1.1:80 weight 9' "$T/out" || fail "weight edit should apply first"
grep -q 'failed service: TCP 10.3.0.1:80 (rolled back)' "$T/out" || fail "no rollback reported"
ipvsadm -Ln | grep -A2 '10.3.0.1:80' > "$T/c"
cat "$T/c"
grep -q 'TCP  10.3.0.1:80 rr' "$T/c" || fail "scheduler changed"
grep -Eq -- '-> 10.3.1.1:80 +Masq +2 ' "$T/c" || fail "weight not rolled back"
step "PASS"
