# Shared by the kmod guest tests (sourced). Topology, as in a NAT director:
#   client netns --veth-- director (this namespace, IPVS, VIP 10.0.0.100) --bridge-- b1..b3 netns
# Each backend runs busybox httpd answering "This is service #N".
VIP=10.0.0.100
fail() { echo "FAIL: $*"; exit 1; }
step() { echo; echo "=== [t=$(cut -d' ' -f1 /proc/uptime)] $*"; }
cleanup() {
  ipvsadm -C 2>/dev/null || true
  for n in client b1 b2 b3; do ip netns pids "$n" 2>/dev/null | xargs -r kill 2>/dev/null; done
  for n in client b1 b2 b3; do ip netns del "$n" 2>/dev/null; done
  ip link del c-host 2>/dev/null; ip link del br-rs 2>/dev/null
  true
}
# Install the modules where modprobe finds them (the "ipvsadm -s NAME" autoload path).
install_modules() {
  local kv; kv=$(uname -r)
  mkdir -p "/lib/modules/$kv/updates"
  cp "$TEST_DIR"/ip_vs_swrr.ko "$TEST_DIR"/ip_vs_chbl.ko "/lib/modules/$kv/updates/"
  depmod -a
}
# poll_until SECONDS CMD...: retry CMD until it succeeds or the deadline passes.
poll_until() {
  local end=$(( $(date +%s) + $1 )); shift
  until "$@"; do [ "$(date +%s)" -lt "$end" ] || return 1; sleep 0.1; done
}
topology() {
  modprobe -a ip_vs veth bridge
  sysctl -qw net.ipv4.ip_forward=1
  ip netns add client
  ip link add c-host type veth peer name c-ns
  ip link set c-ns netns client
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
  for n in 1 2 3; do
    ip netns add b$n
    ip link add b$n-host type veth peer name b$n-ns
    ip link set b$n-host master br-rs up
    ip link set b$n-ns netns b$n
    ip -n b$n addr add 10.0.2.1$n/24 dev b$n-ns
    ip -n b$n link set b$n-ns up
    ip -n b$n link set lo up
    ip -n b$n route add default via 10.0.2.1
    mkdir -p "${TMPDIR:-/tmp}/www$n"
    echo "$n" > "${TMPDIR:-/tmp}/www$n/index.html"
    ip netns exec b$n busybox httpd -p 80 -h "${TMPDIR:-/tmp}/www$n"
  done
  for n in 1 2 3; do
    poll_until 10 ip netns exec client timeout 5 busybox wget -q -O /dev/null http://10.0.2.1$n/ ||
      fail "backend $n not reachable"
  done
}
# svc PORT SCHED W1 W2 W3 [FLAGS]: a fresh NAT virtual service VIP:PORT -> backends:80.
svc() {
  ipvsadm -A -t $VIP:$1 -s $2 ${6:+-b $6}
  ipvsadm -a -t $VIP:$1 -r 10.0.2.11:80 -m -w $3
  ipvsadm -a -t $VIP:$1 -r 10.0.2.12:80 -m -w $4
  ipvsadm -a -t $VIP:$1 -r 10.0.2.13:80 -m -w $5
}
# fetch N PORT: N sequential HTTP requests; prints the backend numbers, one per line.
fetch() {
  local i=0
  while [ $i -lt "$1" ]; do
    ip netns exec client timeout 5 busybox wget -q -O - "http://$VIP:$2/" || echo "x"
    i=$((i + 1))
  done
}
