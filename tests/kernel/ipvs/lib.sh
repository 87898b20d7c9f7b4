# Shared helpers for the IPVS guest tests (sourced). Works in guest and host mode.
set -euo pipefail
T=${TMPDIR:-/tmp}
TOOL=$TEST_DIR/lvsd-ipvs-tool
step() { echo; echo "=== $*"; }
fail() { echo "FAIL: $*"; exit 1; }
modprobe -a ip_vs ip_vs_rr ip_vs_wrr ip_vs_sh ip_vs_mh ip_vs_lc ip_vs_wlc ip_vs_sed 2>/dev/null || true

# expect_same A B: two files must be identical (shows the diff otherwise)
expect_same() { diff -u "$1" "$2" || fail "$3"; }

# Topology for traffic: client ns --veth-- director (this ns, VIP on c-host) --bridge-- backend
# namespaces b1..bN at 10.0.2.1n (NAT: director is their gateway).
# topology N [START READY]: shell functions called as START n ADDR (start backend n, e.g. with
# "ip netns exec bn CMD", returning once started) and READY n ADDR (succeeds once it answers the
# client namespace). Default: busybox httpd answering "This is service #n" on port 80.
VIP=10.0.0.100
httpd_start() {
  mkdir -p "$T/www$1"
  echo "This is service #$1" > "$T/www$1/index.html"
  ip netns exec b$1 busybox httpd -p 80 -h "$T/www$1"
}
httpd_ready() { ip netns exec client timeout 3 busybox wget -q -O /dev/null "http://$2/" 2>/dev/null; }
topology() {  # topology N [START READY]
  local start=${2:-httpd_start} ready=${3:-httpd_ready}
  sysctl -qw net.ipv4.ip_forward=1
  ip netns add client
  ip link add c-host type veth peer name c-ns netns client
  ip addr add 10.0.1.1/24 dev c-host
  ip addr add $VIP/32 dev c-host
  ip link set c-host up
  ip -n client addr add 10.0.1.2/24 dev c-ns
  ip -n client link set c-ns up
  ip -n client link set lo up
  ip -n client route add default via 10.0.1.1
  ip link add br-rs type bridge
  ip addr add 10.0.2.1/24 dev br-rs
  ip link set br-rs up
  local n
  for n in $(seq 1 "$1"); do
    ip netns add b$n
    ip link add b$n-host type veth peer name b$n-ns netns b$n
    ip link set b$n-host master br-rs up
    ip -n b$n addr add 10.0.2.1$n/24 dev b$n-ns
    ip -n b$n link set b$n-ns up
    ip -n b$n link set lo up
    ip -n b$n route add default via 10.0.2.1
    "$start" "$n" "10.0.2.1$n"
  done
  # wait (with a deadline) until every backend answers directly
  for n in $(seq 1 "$1"); do
    local deadline=$(( $(date +%s) + 20 ))
    until "$ready" "$n" "10.0.2.1$n"; do
      [ "$(date +%s)" -lt $deadline ] || fail "backend b$n does not answer"
      sleep 0.1
    done
  done
}
# fetch N PORT: N requests to VIP:PORT from the client; prints the distribution
fetch() {
  local i=0
  : > "$T/resp"
  while [ $i -lt "$1" ]; do
    ip netns exec client timeout 5 busybox wget -q -O - "http://$VIP:$2/" >> "$T/resp" 2>/dev/null ||
      echo "request $i failed" >> "$T/resp"
    i=$((i + 1))
  done
  sort "$T/resp" | uniq -c
}
