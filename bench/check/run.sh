#!/bin/bash
# Checker benchmark: N real servers with HTTP (or TCP) checks every 1 s against nginx in a
# namespace; lvsd and keepalived measured one after the other in the same run (same backends).
# Reports the checker process's CPU (fraction of one core), RSS, and checks/s as nginx saw them
# (HTTP: access-log lines; TCP: lvsd's own result counter / keepalived is not counted for TCP).
#   bench/check/run.sh LVSD LVSCTL [N=10000] [http|tcp] [SECONDS=20]
# RUNNER_BENCH=BUILD/bench/check/check_runner_bench: afterwards, the probe layer alone
#   (CheckRunner + HTTP probes, no engine/pool/report) on the same servers, with connections
#   closed after each check and with the HttpSpec::keepAlive experiment.
# TOPOLOGY=same (default): nginx, its N addresses (on lo) and lvsd share one namespace.
# TOPOLOGY=split: nginx and its N addresses in a second namespace behind a veth pair, lvsd in
#   a namespace with one address (as on a real director, which does not own the backends'
#   addresses; with 10,000 local addresses every connect walks the kernel's local-address hash
#   chains). Loopback's and veth's receive work still runs in the sender's context.
# ADDRS=lo (default): the N backend addresses are N interface addresses on lo. ADDRS=anyip:
#   one local route for 10.88.0.0/16 on lo instead (every address in it is local, nginx's
#   wildcard listener takes them all): the same N destinations without N entries in the
#   kernel's local-address hash (256 buckets), which every connect walks for its source address.
# FLOOR=BUILD/bench/check/check_conn_floor: afterwards, the floor of one HTTP check (blocking
#   connect/GET/read/RST one at a time, no checker logic) against the same servers.
# BACKEND_CPU=K: nginx pinned to CPU K (taskset), so a wakeup of nginx by the checker's connect
#   or send (a sync wakeup over loopback) cannot place nginx on the checker's CPU and preempt
#   it. On a director the real servers run elsewhere; here they would share the checker's CPU.
# Not a test: run by hand as root (docs/benchmarks-checks.md has the numbers).
set -euo pipefail
LVSD=$(realpath "$1")
LVSCTL=$(realpath "$2")
N=${3:-10000}
KIND=${4:-http}
SECS=${5:-20}
WARM=5
NS=lvsdbench$$
TOPOLOGY=${TOPOLOGY:-same}
NSB=$NS  # where nginx and the real servers' addresses live
[ "$TOPOLOGY" = same ] || NSB=lvsdbenchb$$
DIR=$(mktemp -d /tmp/lvsd-bench-check.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  ip netns pids "$NS" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
  ip netns del "$NS" 2>/dev/null || true
  if [ "$NSB" != "$NS" ]; then
    ip netns pids "$NSB" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "$NSB" 2>/dev/null || true
  fi
  [ -n "${KEEP_DIR:-}" ] || rm -rf "$DIR"
}
trap cleanup EXIT
ip netns add "$NS"
ip -n "$NS" link set lo up
if [ "$NSB" != "$NS" ]; then
  ip netns add "$NSB"
  ip -n "$NSB" link set lo up
  ip -n "$NS" link add cb0 type veth peer name sb0 netns "$NSB"
  ip -n "$NS" addr add 10.87.0.1/30 dev cb0
  ip -n "$NSB" addr add 10.87.0.2/30 dev sb0
  ip -n "$NS" link set cb0 up
  ip -n "$NSB" link set sb0 up
  ip -n "$NS" route add 10.88.0.0/16 via 10.87.0.2
  ip netns exec "$NSB" sysctl -qw net.ipv4.tcp_tw_reuse=1
fi
# N addresses 10.88.a.b on lo (250 per /24)
python3 - "$N" >"$DIR/addrs.batch" <<'PY'
import sys
n = int(sys.argv[1])
for i in range(n):
    print(f"addr add 10.88.{i // 250}.{i % 250 + 1}/32 dev lo")
PY
if [ "${ADDRS:-lo}" = anyip ]; then
  ip -n "$NSB" route add local 10.88.0.0/16 dev lo
else
  ip -n "$NSB" -batch "$DIR/addrs.batch"
fi
# 10k TIME_WAIT sockets a second: let the namespace reuse them.
ip netns exec "$NS" sysctl -qw net.ipv4.tcp_tw_reuse=1 net.ipv4.ip_local_port_range="1024 65000"

cat >"$DIR/nginx.conf" <<CONF
worker_processes 1;
pid $DIR/nginx.pid;
error_log $DIR/nginx-error.log;
worker_rlimit_nofile 65536;
events { worker_connections 30000; }
http {
  access_log $DIR/access.log;
  keepalive_requests 1000;
  server { listen 80 backlog=8192; location / { return 200 "ok\n"; } }
}
CONF
PIN=()
[ -z "${BACKEND_CPU:-}" ] || PIN=(taskset -c "$BACKEND_CPU")
ip netns exec "$NSB" "${PIN[@]}" nginx -c "$DIR/nginx.conf"
python3 - "$DIR/nginx.pid" <<'PY'
import os, sys, time
end = time.time() + 10
while time.time() < end and not os.path.exists(sys.argv[1]):
    time.sleep(0.05)
PY

# servers "a.b" list
reals() { python3 -c "
n=$N
for i in range(n): print(f'10.88.{i // 250}.{i % 250 + 1}')"; }

# cpu_ticks PID -> utime+stime
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
rss_kb() { awk '/VmRSS/{print $2}' "/proc/$1/status"; }
hz=$(getconf CLK_TCK)

# measure NAME PID: CPU of PID over SECS after WARM, HTTP requests seen by nginx meanwhile
measure() {
  local name=$1 pid=$2
  sleep "$WARM"  # bench warm-up: the checks' first round spreads over one interval
  local t0 l0 c0
  t0=$(date +%s.%N)
  l0=$(wc -l <"$DIR/access.log")
  c0=$(ticks "$pid")
  sleep "$SECS"  # the measurement window
  local t1 l1 c1 rss
  t1=$(date +%s.%N)
  l1=$(wc -l <"$DIR/access.log")
  c1=$(ticks "$pid")
  rss=$(rss_kb "$pid")
  python3 -c "
dt=$t1-$t0
print(f'$name: kind=$KIND servers=$N cpu={($c1-$c0)/$hz/dt*100:.1f}% of one core, rss={$rss/1024:.1f} MiB, nginx saw {($l1-$l0)/dt:.0f} req/s')"
}

# ---- lvsd
{
  echo "global = { control_socket = \"$DIR/lvsd.sock\"; pid_file = \"$DIR/lvsd.pid\"; log_target = \"stderr\"; log_level = \"warning\"; };"
  echo "virtual_servers = ( { name = \"bench\"; address = \"10.89.0.1\"; port = 80; protocol = \"tcp\"; scheduler = \"wrr\"; delay_loop = 1;"
  echo "  real_servers = ("
  sep=""
  while read -r a; do
    if [ "$KIND" = http ]; then
      printf '%s{ address = "%s"; port = 80; checks = ( { type = "http"; path = "/"; timeout = 2; rise = 1; fall = 3; } ); }\n' "$sep" "$a"
    else
      printf '%s{ address = "%s"; port = 80; checks = ( { type = "tcp"; timeout = 2; rise = 1; fall = 3; } ); }\n' "$sep" "$a"
    fi
    sep=","
  done < <(reals)
  echo "  ); } );"
} >"$DIR/lvsd.conf"
ip netns exec "$NS" "$LVSD" --foreground -f "$DIR/lvsd.conf" 2>"$DIR/lvsd.log" &
PIDS+=($!)
python3 - "$DIR/lvsd.sock" <<'PY'
import os, socket, sys, time
end = time.time() + 30
while time.time() < end:
    try:
        s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); break
    except OSError:
        time.sleep(0.1)
PY
for _ in $(seq 1 1200); do  # until the checker child reports its checks (at most 120 s)
  # (into a file: grep -q on a pipe would SIGPIPE lvsctl and fail the pipeline under pipefail)
  "$LVSCTL" -s "$DIR/lvsd.sock" checks --json >"$DIR/checks.json" 2>/dev/null || true
  grep -q results_total "$DIR/checks.json" && break
  sleep 0.1
done
checker=$("$LVSCTL" -s "$DIR/lvsd.sock" status --json | python3 -c "import json,sys; print([c['pid'] for c in json.load(sys.stdin)['children'] if c['name']=='checker'][0])")
sup=$(cat "$DIR/lvsd.pid")
r0=$("$LVSCTL" -s "$DIR/lvsd.sock" checks --json | python3 -c "import json,sys; print(json.load(sys.stdin)['results_total'])")
s0=$(ticks "$sup")
measure "lvsd checker" "$checker"
r1=$("$LVSCTL" -s "$DIR/lvsd.sock" checks --json | python3 -c "import json,sys; d=json.load(sys.stdin); print(d['results_total'], d['reals_up'], d['reals_total'])")
s1=$(ticks "$sup")
read -r rt up total <<<"$r1"
echo "lvsd: results $(( (rt - r0) / (SECS + 0) )) /s (approx, incl. warm-up edge), up $up/$total, supervisor cpu $(python3 -c "print(f'{($s1-$s0)/$hz/($SECS+$WARM)*100:.1f}%')")"
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true

# ---- keepalived
if [ "$KIND" = http ] && command -v keepalived >/dev/null && [ ! -e /proc/net/ip_vs ]; then
  # its checker then neither exits nor checks (seen: 29 % CPU, no request reaching nginx)
  echo "keepalived: not measured (no IPVS on this host; run bench/check/guest-run.sh)"
elif command -v keepalived >/dev/null && [ "$KIND" = http ]; then
  {
    printf 'global_defs {\n  router_id bench\n}\n'
    printf 'virtual_server 10.89.0.1 80 {\n  delay_loop 1\n  lb_algo wrr\n  lb_kind NAT\n  protocol TCP\n'
    while read -r a; do
      printf '  real_server %s 80 {\n    weight 1\n    HTTP_GET {\n      url {\n        path /\n        status_code 200\n      }\n      connect_timeout 2\n      retry 3\n    }\n  }\n' "$a"
    done < <(reals)
    echo "}"
  } >"$DIR/keepalived.conf"
  ip netns exec "$NS" keepalived -n -l -C -f "$DIR/keepalived.conf" -p "$DIR/k.pid" -c "$DIR/kc.pid" \
    >"$DIR/keepalived.log" 2>&1 &
  PIDS+=($!)
  python3 - "$DIR/kc.pid" <<'PY'
import os, sys, time
end = time.time() + 30
while time.time() < end and not os.path.exists(sys.argv[1]):
    time.sleep(0.1)
PY
  kc=$(cat "$DIR/kc.pid" 2>/dev/null || true)
  sleep 1  # give a failing checker the time to exit (keepalived needs IPVS to run checks)
  if grep -q "Can't initialize ipvs" "$DIR/keepalived.log"; then
    echo "keepalived: its checker needs IPVS and exits without it (run this in the QEMU guest)"
  elif [ -n "$kc" ] && kill -0 "$kc" 2>/dev/null; then
    measure "keepalived checker" "$kc"
  else
    echo "keepalived: checker process did not stay up:"; tail -5 "$DIR/keepalived.log"
  fi
fi

# ---- the probe layer alone
if [ -n "${RUNNER_BENCH:-}" ] && [ "$KIND" = http ]; then
  for mode in close keepalive; do
    ip netns exec "$NS" "$RUNNER_BENCH" 10.88.0.1 "$N" 80 "$SECS" "$mode"
  done
fi

# ---- the floor: the connections alone
if [ -n "${FLOOR:-}" ] && [ "$KIND" = http ]; then
  # paced as the checker runs: N a second, in batches of what falls due within 10 ms
  ip netns exec "$NS" "$FLOOR" 10.88.0.1 "$N" 80 "$SECS" $(((N + 99) / 100)) "$N"
fi
