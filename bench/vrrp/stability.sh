#!/bin/bash
# Stability benchmark (not a test, outside CI): two lvsd nodes with VRRPv3 adverts every 10 ms
# (master down after 30 ms) while each node's checker child runs N TCP checks every 1 s against
# nginx on N addresses in the node's own namespace, for SECONDS. Counts state changes (lvsctl
# vrrp --json: transitions / became_master) and, from a sniffer in the client namespace, the
# largest gap between two adverts of the master and the number of times the advert source
# changed. Samples the checker child's CPU and the load average. Optional HOGS busy loops.
#   bench/vrrp/stability.sh BUILD_DIR [N=15000] [SECONDS=600] [HOGS=0]   (root)
HERE_B=$(cd "$(dirname "$0")" && pwd)
N=${2:-15000}
SECS=${3:-600}
HOGS=${4:-0}
source "$HERE_B/../../tests/integration/vrrp/lib_vrrp.sh" "$1"
require_netns
require_cmd nginx
topology 2
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
# CHECKER_NICE=N: run both checker children at nice N (what global.checker_priority would set)
if [ -n "${CHECKER_NICE:-}" ]; then
  renice -n "$CHECKER_NICE" -p "$C1" "$C2" >/dev/null
  echo "checker children at nice $CHECKER_NICE"
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
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
