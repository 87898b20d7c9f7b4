#!/bin/bash
# Real TCP through NAT virtual services programmed by lvsd: rr 4/4/4, wrr 3:1:1 -> 9/3/3, and a
# weight change by reload (one op) takes effect.
. "$TEST_DIR/lib.sh"
topology 3
cat > "$T/t1" <<T
service tcp $VIP:80 sched rr
dest 10.0.2.11:80 weight 1
dest 10.0.2.12:80 weight 1
dest 10.0.2.13:80 weight 1
service tcp $VIP:81 sched wrr
dest 10.0.2.11:80 weight 3
dest 10.0.2.12:80 weight 1
dest 10.0.2.13:80 weight 1
T
"$TOOL" apply "$T/t1"
ipvsadm -Ln
step "rr, 12 requests"
fetch 12 80 | tee "$T/dist"
[ "$(grep -c ' 4 This is service' "$T/dist")" = 3 ] || fail "rr not 4/4/4"
step "wrr 3:1:1, 15 requests"
fetch 15 81 | tee "$T/dist"
grep -q ' 9 This is service #1' "$T/dist" || fail "wrr not 9/3/3"
grep -q ' 3 This is service #2' "$T/dist" || fail "wrr not 9/3/3"
step "reload: backend #1 weight 0 on the rr service (exactly one op)"
sed 's/^dest 10.0.2.11:80 weight 1$/dest 10.0.2.11:80 weight 0/' "$T/t1" > "$T/t2"
"$TOOL" apply "$T/t1" "$T/t2" | tee "$T/out"
grep -A9 "t2: 1 ops" "$T/out" | grep -q 'edit destination TCP 10.0.0.100:80 -> 10.0.2.11:80 weight 0' || fail "not one edit"
fetch 8 80 | tee "$T/dist"
grep -q 'service #1' "$T/dist" && fail "weight 0 backend still chosen"
[ "$(grep -c ' 4 This is service' "$T/dist")" = 2 ] || fail "rr over two not 4/4"
"$TOOL" list --stats
step "PASS"
