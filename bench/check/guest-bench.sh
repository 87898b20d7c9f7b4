#!/bin/bash
# Runs in the kernel test guest (bench/check/guest-run.sh): N real servers with HTTP (or TCP
# connect) checks every 1 s against nginx, lvsd and then keepalived (which needs IPVS, hence the
# guest), each measured for SECS seconds: checker CPU (fraction of one core), RSS, checks/s
# (HTTP: requests in nginx's access log; TCP: connections nginx accepted, from stub_status),
# nginx's CPU per check. Then, for HTTP, the floor (conn_floor: connect/GET/read/RST in batches,
# no checker logic): what this guest's kernel charges any client per connection.
# Args: N SECS [http|tcp]. Files: lvsd, lvsctl, nginx, keepalived, conn_floor (optional).
set -euo pipefail
N=${1:-5000}
SECS=${2:-20}
KIND=${3:-http}
case $KIND in http | tcp) ;; *) echo "guest-bench: KIND is http or tcp" >&2; exit 2 ;; esac
WARM=5
T=${TMPDIR:-/tmp}/cb
mkdir -p "$T"
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
ip link add d0 type dummy
ip link set d0 up
awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++) printf "addr add 10.88.%d.%d/32 dev d0\n", int(i / 250), i % 250 + 1 }' > "$T/addrs"
ip -batch "$T/addrs"
ip addr add 10.89.0.1/32 dev d0
sysctl -qw net.ipv4.tcp_tw_reuse=1 || true
sysctl -qw net.ipv4.ip_local_port_range="1024 65000" || true
mkdir -p "$T/ng"
# the guest's minimal /etc: nginx looks up its worker user
grep -q '^nobody:' /etc/passwd 2>/dev/null || echo 'nobody:x:65534:65534::/nonexistent:/bin/false' >> /etc/passwd
grep -q '^nogroup:' /etc/group 2>/dev/null || echo 'nogroup:x:65534:' >> /etc/group
cat > "$T/nginx.conf" <<C
user nobody nogroup;
worker_processes 1;
pid $T/nginx.pid;
error_log $T/nginx-error.log;
events { worker_connections 8192; }
http {
  client_body_temp_path $T/ng; proxy_temp_path $T/ng; fastcgi_temp_path $T/ng;
  uwsgi_temp_path $T/ng; scgi_temp_path $T/ng;
  access_log $T/access.log;
  server { listen 80 backlog=8192; location / { return 200 "ok\n"; } }
  server { listen 127.0.0.1:8080; location = /s { stub_status; } }
}
C
touch "$T/access.log"
"$TEST_DIR/nginx" -c "$T/nginx.conf" -p "$T" -e "$T/nginx-error.log"
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rss_kb() { awk '/VmRSS/ { print $2 }' "/proc/$1/status"; }
uticks() { awk '{ print $14 }' "/proc/$1/stat"; }
# checks so far: HTTP requests logged, or (TCP) connections nginx accepted (stub_status, over
# bash's /dev/tcp: the guest has no HTTP client)
lines() {
  if [ "$KIND" = http ]; then
    wc -l < "$T/access.log"
    return
  fi
  exec 3<>/dev/tcp/127.0.0.1/8080
  printf 'GET /s HTTP/1.0\r\n\r\n' >&3
  awk '/^ *[0-9]+ +[0-9]+ +[0-9]+ *\r?$/ { print $1; exit }' <&3
  exec 3<&-
}
uptime_s() { awk '{ print $1 }' /proc/uptime; }
# nginx's worker (the master's child): its CPU per request bounds what any checker can reach
ngx_worker() {
  local m p
  m=$(cat "$T/nginx.pid")
  for p in /proc/[0-9]*; do
    [ "$(awk '{ print $4 }' "$p/stat" 2>/dev/null)" = "$m" ] && { echo "${p#/proc/}"; return; }
  done
}
measure() {  # measure NAME PID
  sleep "$WARM"  # bench warm-up: the first round of checks spreads over one interval
  local t0 l0 c0 t1 l1 c1
  local w n0 n1
  w=$(ngx_worker)
  t0=$(uptime_s); l0=$(lines); c0=$(ticks "$2"); u0=$(uticks "$2"); n0=$(ticks "$w")
  sleep "$SECS"  # measurement window
  t1=$(uptime_s); l1=$(lines); c1=$(ticks "$2"); u1=$(uticks "$2"); n1=$(ticks "$w")
  # user= is the user-space share of that CPU (utime), the rest is the (guest) kernel's
  awk -v n="$1" -v N="$N" -v dt="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
      -v c="$((c1 - c0))" -v u="$((u1 - u0))" -v hz="$hz" -v l="$((l1 - l0))" -v rss="$(rss_kb "$2")" \
      -v ng="$((n1 - n0))" -v k="$KIND" \
      'BEGIN { printf "RESULT %s %s servers=%d cpu=%.1f%% user=%.1f%% rss=%.1fMiB checks_per_s=%.0f ms_per_check=%.3f nginx_cpu=%.1f%% nginx_ms_per_request=%.3f\n", n, k, N, c / hz / dt * 100, u / hz / dt * 100, rss / 1024, l / dt, c / hz / (l > 0 ? l : 1) * 1000, ng / hz / dt * 100, ng / hz / (l > 0 ? l : 1) * 1000 }'
}

# lvsd
{
  echo "global = { log_target = \"stderr\"; log_level = \"warning\"; };"
  echo "virtual_servers = ( { name = \"bench\"; address = \"10.89.0.1\"; port = 80; scheduler = \"wrr\"; delay_loop = 1; real_servers = ("
  awk -v n="$N" -v k="$KIND" 'BEGIN { for (i = 0; i < n; i++) printf "%s{ address = \"10.88.%d.%d\"; checks = ( { type = \"%s\"; timeout = 2; rise = 1; fall = 3; } ); }\n", (i ? "," : ""), int(i / 250), i % 250 + 1, k }'
  echo "); } );"
} > "$T/lvsd.conf"
"$TEST_DIR/lvsd" --foreground -f "$T/lvsd.conf" -s "$T/lvsd.sock" --pid-file "$T/lvsd.pid" 2> "$T/lvsd.log" &
LP=$!
for _ in $(seq 1 600); do
  # (into a file: grep -q on a pipe would SIGPIPE lvsctl and fail the pipeline under pipefail)
  "$TEST_DIR/lvsctl" -s "$T/lvsd.sock" checks --json > "$T/checks.json" 2>/dev/null || true
  grep -q results_total "$T/checks.json" && break
  sleep 0.1
done
# and until the first IPVS sync (N destinations over netlink, slow under TCG) is done: the
# checker child programs IPVS on the same loop, so the window must not include it
for _ in $(seq 1 1200); do
  "$TEST_DIR/lvsctl" -s "$T/lvsd.sock" ipvs --json > "$T/ipvs.json" 2>/dev/null || true
  grep -q '"syncs": [1-9]' "$T/ipvs.json" && break
  sleep 0.1
done
CK=$("$TEST_DIR/lvsctl" -s "$T/lvsd.sock" status --json | tr -d ' \n' | sed 's/.*"name":"checker","pid":\([0-9]*\).*/\1/')
echo "lvsd up at $(uptime_s) s"
measure lvsd "$CK"
"$TEST_DIR/lvsctl" -s "$T/lvsd.sock" checks --json > "$T/checks.json"
grep -E '"reals_(up|total)"' "$T/checks.json" | tr -d ' \n'; echo
kill "$LP"; wait "$LP" 2>/dev/null || true

# keepalived
{
  printf 'global_defs {\n  router_id bench\n}\nvirtual_server 10.89.0.1 80 {\n  delay_loop 1\n  lb_algo wrr\n  lb_kind NAT\n  protocol TCP\n'
  if [ "$KIND" = http ]; then
    check='    HTTP_GET {\n      url {\n        path /\n        status_code 200\n      }\n      connect_timeout 2\n      retry 3\n    }\n'
  else
    check='    TCP_CHECK {\n      connect_timeout 2\n      retry 3\n    }\n'
  fi
  awk -v n="$N" -v c="$check" 'BEGIN { for (i = 0; i < n; i++) printf "  real_server 10.88.%d.%d 80 {\n    weight 1\n" c "  }\n", int(i / 250), i % 250 + 1 }'
  echo "}"
} > "$T/ka.conf"
"$TEST_DIR/keepalived" -n -C -f "$T/ka.conf" -p "$T/ka.pid" -c "$T/kac.pid" > "$T/ka.log" 2>&1 &
KP=$!
for _ in $(seq 1 300); do [ -s "$T/kac.pid" ] && break; sleep 0.1; done
echo "keepalived up at $(uptime_s) s"
measure keepalived "$(cat "$T/kac.pid")"
kill "$KP"; wait "$KP" 2>/dev/null || true

# the floor: no checker at all, just the connections
if [ "$KIND" = http ] && [ -x "$TEST_DIR/conn_floor" ]; then
  sleep 2  # keepalived's last connections drain
  # paced as the checkers run (N a second, batches of what falls due within 10 ms); when it
  # cannot keep up, it runs flat out: the most connections a second this guest can make
  "$TEST_DIR/conn_floor" 10.88.0.1 "$N" 80 "$SECS" $(((N + 99) / 100)) "$N" || true
fi
