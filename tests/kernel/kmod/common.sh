# Shared by the kmod guest tests (sourced). The traffic topology is the IPVS guest tests' one,
# topology() of tests/kernel/ipvs/lib.sh (shipped beside this file):
#   client netns --veth-- director (this namespace, IPVS, VIP 10.0.0.100) --bridge-- b1..bN netns
# By default each backend runs busybox httpd answering "This is service #n".
. "$TEST_DIR/lib.sh"
set +e # lib.sh sets -e; the kmod tests check each step with "|| fail" instead
fail() { echo "FAIL: $*"; exit 1; }
step() { echo; echo "=== [t=$(cut -d' ' -f1 /proc/uptime)] $*"; }
cleanup() {
  local n
  ipvsadm -C 2>/dev/null || true
  for n in $(ip netns list 2>/dev/null | awk '$1 ~ /^(client|b[0-9]+)$/ {print $1}'); do
    ip netns pids "$n" 2>/dev/null | xargs -r kill 2>/dev/null
    ip netns del "$n" 2>/dev/null
  done
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
# svc PORT SCHED W1 W2 W3 [FLAGS]: a fresh NAT virtual service VIP:PORT -> backends:80.
svc() {
  ipvsadm -A -t $VIP:$1 -s $2 ${6:+-b $6}
  ipvsadm -a -t $VIP:$1 -r 10.0.2.11:80 -m -w $3
  ipvsadm -a -t $VIP:$1 -r 10.0.2.12:80 -m -w $4
  ipvsadm -a -t $VIP:$1 -r 10.0.2.13:80 -m -w $5
}
# fetch N PORT: N sequential HTTP requests; prints the backend numbers, one per line (this
# replaces lib.sh's fetch, which prints a distribution).
fetch() {
  local i=0 body
  while [ $i -lt "$1" ]; do
    body=$(ip netns exec client timeout 5 busybox wget -q -O - "http://$VIP:$2/") || body=x
    echo "${body##*#}"
    i=$((i + 1))
  done
}
