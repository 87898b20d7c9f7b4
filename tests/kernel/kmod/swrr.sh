#!/bin/bash
# Guest test of ip_vs_swrr: loads, autoloads via "ipvsadm -s swrr" once installed, 15 connections
# at 3:1:1 go 1 2 1 3 1 (x3) = 9/3/3, weight changes take effect without a burst, rmmod fails
# while a service uses the scheduler and works after.
set -uo pipefail
. "$TEST_DIR/common.sh"
trap cleanup EXIT
dmesg -c >/dev/null

step "insmod / rmmod both modules"
modprobe ip_vs || fail "ip_vs"
insmod "$TEST_DIR/ip_vs_swrr.ko" || fail "insmod ip_vs_swrr"
insmod "$TEST_DIR/ip_vs_chbl.ko" || fail "insmod ip_vs_chbl"
grep -E '^ip_vs_(swrr|chbl) ' /proc/modules || fail "not in /proc/modules"
rmmod ip_vs_swrr ip_vs_chbl || fail "rmmod"

step "autoload through ipvsadm -s swrr after install"
install_modules
ipvsadm -A -t $VIP:80 -s swrr || fail "ipvsadm -A -s swrr"
grep -q '^ip_vs_swrr ' /proc/modules || fail "ip_vs_swrr was not autoloaded"
ipvsadm -Ln | grep -q "TCP  $VIP:80 swrr" || fail "service not listed with swrr"
ipvsadm -D -t $VIP:80

step "topology"
topology 3

step "15 connections at 3:1:1"
svc 81 swrr 3 1 1
seq=$(fetch 15 81 | tr -d '\n')
echo "sequence: $seq"
[ "$seq" = "121311213112131" ] || fail "expected 1 2 1 3 1 x3, got $seq"
for n in 1 2 3; do echo "#$n: $(echo "$seq" | grep -o $n | wc -l)"; done

step "rmmod while a service uses swrr fails"
if rmmod ip_vs_swrr 2>/dev/null; then fail "rmmod succeeded while in use"; fi
grep -q '^ip_vs_swrr ' /proc/modules || fail "module gone while in use"

step "weight change 3:1:1 -> 1:1:1: no burst, then round robin"
ipvsadm -e -t $VIP:81 -r 10.0.2.11:80 -m -w 1
seq=$(fetch 9 81 | tr -d '\n')
echo "sequence: $seq"
echo "$seq" | grep -qE '111|222|333' && fail "burst after weight change: $seq"
[ "$(echo "$seq" | grep -o 1 | wc -l)" = 3 ] || fail "1:1:1 not 3/3/3 over 9: $seq"

step "destination removed and re-added"
ipvsadm -d -t $VIP:81 -r 10.0.2.12:80
seq=$(fetch 4 81 | tr -d '\n'); echo "after remove #2: $seq"
echo "$seq" | grep -q 2 && fail "removed destination still picked"
ipvsadm -a -t $VIP:81 -r 10.0.2.12:80 -m -w 2
seq=$(fetch 8 81 | tr -d '\n'); echo "after re-add #2 w=2: $seq"
echo "$seq" | grep -qE '111|222|333' && fail "burst after add: $seq"
[ "$(echo "$seq" | grep -o 2 | wc -l)" = 4 ] || fail "2:1:1 not 4 of 8 to #2: $seq"

step "weight 0 and all-quiesced"
ipvsadm -e -t $VIP:81 -r 10.0.2.12:80 -m -w 0
seq=$(fetch 4 81 | tr -d '\n'); echo "#2 at weight 0: $seq"
echo "$seq" | grep -q 2 && fail "weight-0 destination picked"

step "unload after the service is gone"
ipvsadm -C
poll_until 10 rmmod ip_vs_swrr || fail "rmmod after ipvsadm -C"
dmesg | grep -iE 'bug|warn|oops|rcu|leak' | grep -v 'module verification failed' && fail "dmesg not clean"
echo "swrr: PASS"
