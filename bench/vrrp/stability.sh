#!/bin/bash
# Stability benchmark (not a test, outside CI): two lvsd nodes with VRRPv3 adverts every 10 ms
# (master down after 30 ms) while each node's checker child runs N TCP checks every 1 s against
# nginx on N addresses in the node's own namespace, for SECONDS. Counts state changes (lvsctl
# vrrp --json: transitions / became_master) and, from a sniffer in the client namespace, the
# largest gap between two adverts of the master and the number of times the advert source
# changed. Samples the checker child's CPU and the load average. Optional HOGS busy loops.
# Also measures the host's scheduling latency for a SCHED_FIFO 10 task (the VRRP child's
# priority) over the same window: cyclictest (rt-tests; max and histogram) and stall_log.c (every
# wake-up > 2 ms late, with its CLOCK_MONOTONIC time), and lists the advert gaps > 25 ms and the
# engine's master_down log lines with the same clock, so stalls, gaps and takeovers line up.
#   bench/vrrp/stability.sh BUILD_DIR [N=15000] [SECONDS=600] [HOGS=0]   (root)
# Env: VETH_NAPI=1 (GRO on the veths), CHECKER_NICE=N (global.checker_priority = N),
#      PREEMPT=none|voluntary|full (kernel preemption mode for the run, restored on exit).
HERE_B=$(cd "$(dirname "$0")" && pwd)
N=${2:-15000}
SECS=${3:-600}
HOGS=${4:-0}
source "$HERE_B/../../tests/integration/vrrp/lib_vrrp.sh" "$1"
require_netns
require_cmd nginx
topology 2
# VETH_NAPI=1: GRO on every veth of the topology, which puts veth in NAPI mode. A physical NIC
# has its own NAPI context; a plain veth queues into the per-CPU backlog that the checkers'
# loopback TCP traffic also uses, so adverts wait behind thousands of loopback packets there.
if [ "${VETH_NAPI:-0}" = 1 ]; then
  require_cmd ethtool
  for i in 1 2 c; do
    ip netns exec "$(ns br)" ethtool -K "${TAG}e$i" gro on
  done
  for name in "$(ns n1)" "$(ns n2)" "$(ns c)"; do
    ip netns exec "$name" ethtool -K eth0 gro on
  done
  echo "veth NAPI mode (GRO on)"
fi
# PREEMPT=MODE: the kernel's dynamic preemption mode for this run only (machine-wide; the
# original mode is restored on exit, also on failure).
if [ -n "${PREEMPT:-}" ]; then
  DEBUGFS_MOUNTED=
  PREEMPT_ORIG=
  PREEMPT_FILE=/sys/kernel/debug/sched/preempt
  restore_preempt() {
    if [ -n "$PREEMPT_ORIG" ]; then
      echo "$PREEMPT_ORIG" >"$PREEMPT_FILE"
      echo "preempt restored: $(cat "$PREEMPT_FILE")"
    fi
    if [ -n "$DEBUGFS_MOUNTED" ]; then umount /sys/kernel/debug; fi
  }
  on_exit restore_preempt
  if ! mountpoint -q /sys/kernel/debug; then
    mount -t debugfs none /sys/kernel/debug
    DEBUGFS_MOUNTED=1
  fi
  # Some hosts refuse even root (kernel lockdown, a sandboxed VM): then change nothing.
  if ! cur=$(cat "$PREEMPT_FILE" 2>&1); then
    echo "cannot read $PREEMPT_FILE: $cur"
    exit 1
  fi
  PREEMPT_ORIG=$(echo "$cur" | sed -n 's/.*(\([a-z]*\)).*/\1/p')
  echo "$PREEMPT" >"$PREEMPT_FILE"
  echo "preempt: $(cat "$PREEMPT_FILE") (was $PREEMPT_ORIG)"
fi
cc -O2 -pthread -o "$TMP/stall_log" "$HERE_B/stall_log.c"
hz=$(getconf CLK_TCK)
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }

python3 - "$N" >"$TMP/addrs.batch" <<'PY'
import sys
for i in range(int(sys.argv[1])):
    print(f"addr add 10.88.{i // 250}.{i % 250 + 1}/32 dev lo")
PY
for n in n1 n2; do
  mkdir -p "$TMP/$n"
  ip -n "$(ns $n)" -batch "$TMP/addrs.batch"
  ip netns exec "$(ns $n)" sysctl -qw net.ipv4.tcp_tw_reuse=1 net.ipv4.ip_local_port_range="1024 65000"
  cat >"$TMP/$n/nginx.conf" <<CONF
worker_processes 1;
pid $TMP/$n/nginx.pid;
error_log $TMP/$n/nginx-error.log;
events { worker_connections 8192; }
http { access_log off; server { listen 80 backlog=8192; return 200 "ok\n"; } }
CONF
  ip netns exec "$(ns $n)" nginx -c "$TMP/$n/nginx.conf"
  wait_for 10 test -s "$TMP/$n/nginx.pid"
  PIDS+=("$(cat "$TMP/$n/nginx.pid")")
  prio=150
  [ $n = n2 ] && prio=100
  {
    echo "vrrp_instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 51; priority = $prio;"
    echo "  version = 3; advert_int = 0.01; virtual_ipaddresses = ( \"10.77.0.100/24\" ); } );"
    echo "virtual_servers = ( { name = \"load\"; address = \"10.89.0.1\"; port = 80;"
    echo "  protocol = \"tcp\"; scheduler = \"wrr\"; delay_loop = 1; real_servers = ("
    python3 -c "
n=$N
print(',\n'.join(f'{{ address = \"10.88.{i // 250}.{i % 250 + 1}\"; port = 80; checks = ( {{ type = \"tcp\"; timeout = 2; rise = 1; fall = 3; }} ); }}' for i in range(n)))"
    echo "  ); } );"
  } >"$TMP/$n/body"
  node_conf $n "$(cat "$TMP/$n/body")" >/dev/null
  sed -i 's/log_level = "info"/log_level = "notice"/' "$TMP/$n/lvsd.conf"
  if [ -n "${CHECKER_NICE:-}" ]; then
    sed -i "s/^global = {/global = {\n  checker_priority = $CHECKER_NICE;/" "$TMP/$n/lvsd.conf"
  fi
done
start_node n1
wait_for 30 is_state n1 master
start_node n2
wait_for 30 is_state n2 backup
checker_pid() {
  ctl "$1" status --json | python3 -c "import json,sys; print([c['pid'] for c in json.load(sys.stdin)['children'] if c['name']=='checker'][0])"
}
C1=$(checker_pid n1)
C2=$(checker_pid n2)
# CHECKER_NICE=N: the checker children run at nice N (global.checker_priority, set in the config)
if [ -n "${CHECKER_NICE:-}" ]; then
  echo "checker children at nice: n1 $(ps -o ni= -p "$C1" | tr -d ' '), n2 $(ps -o ni= -p "$C2" | tr -d ' ')"
fi
V1=$(vrrp_child_pid n1)
V2=$(vrrp_child_pid n2)
echo "vrrp child scheduling: n1 $(chrt -p "$V1" | sed -n 's/.*policy: //p') $(chrt -p "$V1" | sed -n 's/.*priority: //p'), n2 $(chrt -p "$V2" | sed -n 's/.*policy: //p')"
for _ in $(seq 1 "$HOGS"); do
  (while :; do :; done) &
  PIDS+=($!)
done
# Let the first round of checks spread over its interval before the window opens.
wait_for 30 bash -c "ctl n1 checks --json | grep -q '\"results_total\": *[1-9]'"
ctr() { field "$1" "counters.$2"; }
t1_0=$(ctr n1 transitions)
t2_0=$(ctr n2 transitions)
m2_0=$(ctr n2 became_master)
s1_0=$(ctr n1 adverts_sent)
c1_0=$(ticks "$C1")
c2_0=$(ticks "$C2")
v1_0=$(ticks "$V1")
r1_0=$(ctl n1 checks --json | python3 -c "import json,sys; print(json.load(sys.stdin)['results_total'])")
# The sniffer runs at real-time priority too, so that its gaps are the network's, not its own.
ip netns exec "$(ns c)" chrt -f 5 python3 "$HERE_B/advert_sniff.py" --seconds "$SECS" >"$TMP/sniff.json" &
SNIFF=$!
PIDS+=($SNIFF)
"$TMP/stall_log" "$SECS" 10 2000 >"$TMP/stalls.txt" &
PIDS+=($!)
if command -v cyclictest >/dev/null; then
  cyclictest -m -S -p 10 -i 1000 -D "$SECS" -q -h 60000 --histfile="$TMP/cyclic.hist" >/dev/null &
  PIDS+=($!)
fi
t0=$(date +%s)
echo "window: $SECS s, $N TCP checks per node every 1 s, hogs=$HOGS"
while [ $(($(date +%s) - t0)) -lt "$SECS" ]; do
  left=$((SECS - ($(date +%s) - t0)))
  sleep $((left < 60 ? left : 60))  # sampling period of the report (the window itself is fixed)
  echo "t=$(($(date +%s) - t0))s n1=$(state n1) n2=$(state n2) n2.became_master=$(ctr n2 became_master) load=$(cut -d' ' -f1-3 /proc/loadavg)"
done
wait "$SNIFF"
dt=$(($(date +%s) - t0))
c1_1=$(ticks "$C1")
c2_1=$(ticks "$C2")
v1_1=$(ticks "$V1")
r1_1=$(ctl n1 checks --json | python3 -c "import json,sys; print(json.load(sys.stdin)['results_total'])")
echo "n1 transitions: $(($(ctr n1 transitions) - t1_0)), n2 transitions: $(($(ctr n2 transitions) - t2_0)), n2 became_master: $(($(ctr n2 became_master) - m2_0))"
echo "checker cpu: n1 $(python3 -c "print(f'{($c1_1-$c1_0)/$hz/$dt*100:.0f}%')"), n2 $(python3 -c "print(f'{($c2_1-$c2_0)/$hz/$dt*100:.0f}%')") of a core; n1 vrrp child $(python3 -c "print(f'{($v1_1-$v1_0)/$hz/$dt*100:.1f}%')")"
echo "n1 check results/s: $(((r1_1 - r1_0) / dt))"
# The Adver timer is re-armed when it fires, so a late timer shows up as fewer adverts sent.
echo "n1 adverts sent: $(($(ctr n1 adverts_sent) - s1_0)) in ${dt} s (100/s expected)"
echo "adverts seen by the client: $(cat "$TMP/sniff.json")"
# Engine counters (absent in builds before the Master_Down ordering / confirmation).
for n in n1 n2; do
  echo "$n: timers late (> 5 ms) $(field $n timers.late 2>/dev/null || echo -), latest $(field $n timers.late_max_us 2>/dev/null || echo -) us; master down averted: before the deadline $(ctr $n master_down_rescued 2>/dev/null || echo -), in the confirmation window $(ctr $n master_down_confirm_rescued 2>/dev/null || echo -)"
done
echo "cyclictest (SCHED_FIFO 10, 1 ms, per CPU, us): $(grep -E '^# (Max Latencies|Histogram Overflows)' "$TMP/cyclic.hist" 2>/dev/null | tr '\n' ' ')"
grep '^#' "$TMP/stalls.txt"
echo "FIFO-10 stalls > 10 ms: $(awk '!/^#/ && $3 > 10' "$TMP/stalls.txt" | wc -l), > 20 ms: $(awk '!/^#/ && $3 > 20' "$TMP/stalls.txt" | wc -l)"
python3 - "$TMP/sniff.json" "$TMP/stalls.txt" "$TMP/n1/log" "$TMP/n2/log" <<'PY'
# Timeline: advert gaps > 25 ms (end time), stalls > 5 ms, engine lines about timers.
import json, re, sys
ev = []
for src, t, gap in json.load(open(sys.argv[1])).get("gaps", []):
    ev.append((t, f"gap {gap} ms in adverts of {src} (ends)" if not isinstance(gap, str)
               else f"{src}: {gap}"))
for line in open(sys.argv[2]):
    if not line.startswith("#"):
        cpu, t, lat = line.split()
        if float(lat) > 5:
            ev.append((float(t), f"stall cpu{cpu} {lat} ms (ends)"))
for node, path in (("n1", sys.argv[3]), ("n2", sys.argv[4])):
    for line in open(path, errors="replace"):
        m = re.search(r'"mono": ?"([0-9.]+)"', line) or re.search(r"mono=([0-9.]+)", line)
        if m and ("master_down" in line or "timer_late" in line or "vrrp_transition" in line):
            ev.append((float(m.group(1)), node + ": " + line.strip()[:400]))
for t, what in sorted(ev):
    print(f"{t:.4f} {what}")
PY
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
