#!/bin/bash
# Runs in the kernel test guest (bench/ipvs/run.sh): for each table size, lvsd, keepalived
# (checker only) and ipvsadm --restore each program SERVICES x 10 destinations in a fresh
# network namespace (the kernel keeps deleted destinations in a trash list for minutes; re-adding
# them is much slower), then change one destination's weight by reload.
set -euo pipefail
T=${TMPDIR:-/tmp}
D=10
B=$TEST_DIR/lvsd-ipvs-bench
modprobe -a ip_vs ip_vs_wrr
now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
ns=0
# A fresh namespace with a route to the real servers (IPVS refuses destinations whose address
# type is not unicast, and an empty namespace has no FIB to say so).
fresh() {  # sets $n
  ns=$((ns + 1))
  n=bench$ns
  ip netns add "$n"
  ip -n "$n" link set lo up
  ip -n "$n" link add rs0 type dummy
  ip -n "$n" addr add 172.16.0.254/24 dev rs0
  ip -n "$n" link set rs0 up
}
lastvip() { awk -v n="$1" 'BEGIN { i = n - 1; printf "10.%d.%d.%d", 100 + int(i / 65536), int(i / 256) % 256, i % 256 }'; }
# wait_for NS N CMD: polls CMD (in NS) until it succeeds, deadline 600 s
wait_for() {
  local n=$1 deadline=$(( $(date +%s) + 600 ))
  shift
  until ip netns exec "$n" "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt $deadline ] || { echo "timeout waiting for: $*"; exit 1; }
    sleep 0.02
  done
}
for N in "$@"; do
  echo "=== $N services x $D destinations"
  last=$(lastvip "$N")
  "$B" "$N" $D gen-restore "$T/restore.txt"
  "$B" "$N" $D gen-keepalived "$T/ka.conf"
  "$B" "$N" $D gen-keepalived "$T/ka2.conf" 5

  fresh; ip netns exec "$n" "$B" "$N" $D reload | tee -a "$T/results"

  fresh; t0=$(now)
  ip netns exec "$n" ipvsadm-restore < "$T/restore.txt"
  echo "RESULT ipvsadm-restore ${N}x$D $(elapsed "$t0")" | tee -a "$T/results"

  fresh; cp "$T/ka.conf" "$T/ka-run.conf"; t0=$(now)
  ip netns exec "$n" keepalived -C -n -f "$T/ka-run.conf" -p "$T/ka$ns.pid" -c "$T/ka-c$ns.pid" \
    > "$T/ka.log" 2>&1 &
  kpid=$!
  wait_for "$n" sh -c "ipvsadm -Ln -t $last:80 | grep -q '172.16.0.$D:80'"
  echo "RESULT keepalived-cold ${N}x$D $(elapsed "$t0")" | tee -a "$T/results"
  cp "$T/ka2.conf" "$T/ka-run.conf"; t0=$(now)
  kill -HUP "$kpid"
  wait_for "$n" sh -c "ipvsadm -Ln -t $last:80 | grep -Eq '172.16.0.1:80 +Masq +5 '"
  echo "RESULT keepalived-reload-weight ${N}x$D $(elapsed "$t0")" | tee -a "$T/results"
  kill "$kpid"; wait "$kpid" 2>/dev/null || true
done
echo "=== summary"
cat "$T/results"
