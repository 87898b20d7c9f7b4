#!/bin/bash
# A reload issues exactly the expected operations, in order, and never touches a service the
# configuration does not name.
. "$TEST_DIR/lib.sh"
ipvsadm -A -t 10.9.9.9:22 -s rr && ipvsadm -a -t 10.9.9.9:22 -r 10.9.9.10:22 -m -w 7
ipvsadm -Ln | grep -A1 '10.9.9.9:22' > "$T/foreign.before"

cat > "$T/v1" <<'T'
service tcp 10.2.0.1:80 sched wrr
dest 10.2.1.1:80 weight 3
dest 10.2.1.2:80 weight 1
dest 10.2.1.3:80 weight 1
service tcp 10.2.0.2:80 sched rr
dest 10.2.1.4:80 weight 1
service udp 10.2.0.3:53 sched rr
dest 10.2.1.5:53 weight 1
T
# v2: one weight
sed 's/^dest 10.2.1.2:80 weight 1$/dest 10.2.1.2:80 weight 5/' "$T/v1" > "$T/v2"
# v3: scheduler + persistence of one service
sed 's/^service tcp 10.2.0.2:80 sched rr$/service tcp 10.2.0.2:80 sched wlc flags persistent timeout 60/' "$T/v2" > "$T/v3"
# v4: replace a destination (add before remove) and drop the UDP service
sed -e 's/^dest 10.2.1.4:80 weight 1$/dest 10.2.1.6:80 weight 1/' -e '/10.2.0.3:53/d' -e '/10.2.1.5:53/d' "$T/v3" > "$T/v4"

"$TOOL" apply "$T/v1" "$T/v2" "$T/v2" "$T/v3" "$T/v4" | tee "$T/out"
expected() {
cat <<'X'
== v1: 8 ops
ok   add service TCP 10.2.0.1:80 wrr
ok   add destination TCP 10.2.0.1:80 -> 10.2.1.1:80 weight 3
ok   add destination TCP 10.2.0.1:80 -> 10.2.1.2:80 weight 1
ok   add destination TCP 10.2.0.1:80 -> 10.2.1.3:80 weight 1
ok   add service TCP 10.2.0.2:80 rr
ok   add destination TCP 10.2.0.2:80 -> 10.2.1.4:80 weight 1
ok   add service UDP 10.2.0.3:53 rr
ok   add destination UDP 10.2.0.3:53 -> 10.2.1.5:53 weight 1
== v2: 1 ops
ok   edit destination TCP 10.2.0.1:80 -> 10.2.1.2:80 weight 5
== v2: 0 ops
== v3: 1 ops
ok   edit service TCP 10.2.0.2:80 wlc
== v4: 3 ops
ok   add destination TCP 10.2.0.2:80 -> 10.2.1.6:80 weight 1
ok   delete destination TCP 10.2.0.2:80 -> 10.2.1.4:80
ok   delete service UDP 10.2.0.3:53
X
}
sed "s#^== $T/#== #" "$T/out" > "$T/got"
expected > "$T/want"
expect_same "$T/want" "$T/got" "reload operations differ"
ipvsadm -Ln | tee "$T/final"
grep -q 'TCP  10.2.0.2:80 wlc persistent 60' "$T/final" || fail "edited service"
grep -Eq -- '-> 10.2.1.2:80 +Masq +5 ' "$T/final" || fail "edited weight"
ipvsadm -Ln | grep -A1 '10.9.9.9:22' > "$T/foreign.after"
expect_same "$T/foreign.before" "$T/foreign.after" "a service lvsd does not own was touched"
step "PASS"
