#!/bin/bash
# Scheduling latency of a SCHED_FIFO 10 task (the VRRP child's priority) under the kernel's
# dynamic preemption modes (PREEMPT_DYNAMIC kernels), alternating the modes ROUNDS times for
# SECS each so that changes in the host's load hit both alike. Machine-wide setting: the original
# mode is restored on exit (also on failure), and debugfs is unmounted again if this script
# mounted it. Bench helper, root, outside CI; needs cyclictest (rt-tests).
#   bench/vrrp/preempt_latency.sh [SECS=40] [ROUNDS=3] [MODES="none full"]
set -euo pipefail
SECS=${1:-40}
ROUNDS=${2:-3}
MODES=${3:-none full}
command -v cyclictest >/dev/null || { echo "needs cyclictest (rt-tests)"; exit 1; }
mounted=
ORIG=
TMPD=$(mktemp -d)
restore() {
  if [ -n "$ORIG" ]; then
    echo "$ORIG" >"$F"
    echo "preempt restored: $(cat "$F")"
  fi
  if [ -n "$mounted" ]; then umount /sys/kernel/debug; fi
  rm -rf "$TMPD"
}
trap restore EXIT
if ! mountpoint -q /sys/kernel/debug; then
  mount -t debugfs none /sys/kernel/debug
  mounted=1
fi
F=/sys/kernel/debug/sched/preempt
# Some hosts refuse even root (kernel lockdown, a sandboxed VM): say so and change nothing.
if ! cur=$(cat "$F" 2>&1); then
  echo "cannot read $F: $cur"
  exit 1
fi
ORIG=$(echo "$cur" | sed -n 's/.*(\([a-z]*\)).*/\1/p')
echo "original mode: $ORIG; ${SECS} s per run, $ROUNDS rounds of: $MODES"
for r in $(seq 1 "$ROUNDS"); do
  for m in $MODES; do
    echo "$m" >"$F"
    cyclictest -m -S -p 10 -i 1000 -D "$SECS" -q -h 60000 --histfile="$TMPD/h" >/dev/null
    max=$(sed -n 's/^# Max Latencies: //p' "$TMPD/h")
    over=$(awk '!/^#/ { for (i = 2; i <= NF; i++) if ($1 > 10000) n += $i } END { print n + 0 }' "$TMPD/h")
    echo "round $r mode $m: max latency per CPU (us) $max; wake-ups > 10 ms: $over; load $(cut -d' ' -f1-3 /proc/loadavg)"
  done
done
