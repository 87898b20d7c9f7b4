#!/bin/bash
# Kernel-tier smoke test: the kernel has IPVS, ipvsadm talks to it, arguments arrive, and a
# sub-namespace with veth works.
set -euo pipefail
fail() { echo "FAIL: $*"; exit 1; }
echo "kernel $(uname -r), mode ${LVSD_KERNEL_MODE:-?}, args: $*"
[ "$#" = 2 ] && [ "$1" = "a b" ] && [ "$2" = "c" ] || fail "arguments not passed through: $*"
[ -f "$TEST_DIR/payload.txt" ] && grep -q '^payload$' "$TEST_DIR/payload.txt" || fail "-f file missing"
modprobe ip_vs
ipvsadm -A -t 192.0.2.1:80 -s rr
ipvsadm -a -t 192.0.2.1:80 -r 192.0.2.10:80 -m -w 3
out=$(ipvsadm -Ln)
echo "$out"
echo "$out" | grep -q 'TCP  192.0.2.1:80 rr' || fail "service not listed"
echo "$out" | grep -Eq -- '-> 192.0.2.10:80 +Masq +3 ' || fail "destination not listed"
ipvsadm -C
ip netns add smoke
ip link add sm0 type veth peer name sm1 netns smoke
ip -n smoke link set sm1 up
ip netns del smoke
echo "smoke: PASS"
