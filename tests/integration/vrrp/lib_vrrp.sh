# Shared helpers for the VRRP integration tests (sourced; builds on ../lib.sh). Topology: a
# namespace holding a bridge, nodes n1..n3 and a client, each attached by a veth pair. Everything
# the test creates is removed on exit. Waiting is always wait_for with a deadline, never a fixed
# sleep.
#   usage from a test: source lib_vrrp.sh BUILD_DIR
# shellcheck source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"  # skip, require_netns/_cmd, wait_for, holds

BUILD=${1:?usage: $0 BUILD_DIR}
LVSD=$BUILD/src/daemon/lvsd
LVSCTL=$BUILD/src/ctl/lvsctl
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TMP=$(mktemp -d /tmp/lvsd-vrrp-test.XXXXXX)
chmod 755 "$TMP"
TAG=v$$
PIDS=()
NETNS=()
FAILS=0
PASSES=0

ns() { echo "${TAG}$1"; }

vrrp_cleanup() {
  local p n
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  for n in "${NETNS[@]}"; do
    # Kill whatever is left in our namespaces (children of the daemons we started).
    for p in $(ip netns pids "$n" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
    ip netns del "$n" 2>/dev/null || true
  done
  if [ "${KEEP_TMP:-}" != 1 ]; then rm -rf "$TMP"; fi
}
on_exit vrrp_cleanup

ok() { echo "ok - $*"; PASSES=$((PASSES + 1)); }
not_ok() { echo "not ok - $*"; FAILS=$((FAILS + 1)); }
check() {
  local what=$1
  shift
  if "$@"; then ok "$what"; else not_ok "$what"; fi
}

finish() {
  echo "$PASSES passed, $FAILS failed"
  [ "$FAILS" = 0 ]
}

# topology N: bridge namespace + nodes n1..nN (10.77.0.N/24, fd77::N/64) + client c
# (10.77.0.10, fd77::10).
topology() {
  local n=$1 i
  ip netns add "$(ns br)"
  NETNS+=("$(ns br)")
  ip -n "$(ns br)" link add br0 type bridge
  ip -n "$(ns br)" link set br0 up
  for i in $(seq 1 "$n") c; do
    local name
    name=$(ns "$i")
    [ "$i" = c ] || name=$(ns "n$i")
    ip netns add "$name"
    NETNS+=("$name")
    ip link add "${TAG}e$i" type veth peer name eth0 netns "$name"
    ip link set "${TAG}e$i" netns "$(ns br)"
    ip -n "$(ns br)" link set "${TAG}e$i" master br0 up
    local host=$i
    [ "$i" = c ] && host=10
    ip netns exec "$name" sysctl -qw net.ipv6.conf.eth0.accept_dad=0
    ip -n "$name" link set lo up
    ip -n "$name" addr add "10.77.0.$host/24" dev eth0
    ip -n "$name" addr add "fd77::$host/64" dev eth0 nodad
    ip -n "$name" link set eth0 up
  done
  # Wait until every node has its link-local address (source of IPv6 adverts).
  for i in $(seq 1 "$n"); do
    wait_for 10 sh -c "ip -n $(ns "n$i") -6 addr show dev eth0 scope link | grep -q fe80"
  done
}

# node_conf NODE BODY: writes the lvsd config of node NODE (global section added) and prints its path.
node_conf() {
  local node=$1 body=$2 dir=$TMP/$1
  mkdir -p "$dir"
  cat >"$dir/lvsd.conf" <<CONF
global = {
  router_id = "$node";
  script_user = "nobody";
  control_socket = "$dir/lvsd.sock";
  pid_file = "$dir/lvsd.pid";
  log_target = "stderr";
  log_level = "info";
};
$body
CONF
  echo "$dir/lvsd.conf"
}

# start_node NODE: starts lvsd in namespace NODE with $TMP/NODE/lvsd.conf.
start_node() {
  local node=$1 dir=$TMP/$1
  ip netns exec "$(ns "$node")" "$LVSD" --foreground -f "$dir/lvsd.conf" -l stderr \
    >>"$dir/log" 2>&1 &
  PIDS+=($!)
  eval "PID_$node=$!"
  wait_for 10 test -S "$dir/lvsd.sock"
}

node_pid() { eval "echo \${PID_$1}"; }

# vrrp_child_pid NODE: pid of the node's VRRP child.
vrrp_child_pid() { pgrep -P "$(node_pid "$1")" -f . | while read -r p; do
  if [ "$(cat /proc/"$p"/comm 2>/dev/null)" = lvsd-vrrp ]; then echo "$p"; fi
done; }

ctl() { local node=$1; shift; "$LVSCTL" -s "$TMP/$node/lvsd.sock" "$@"; }

# state NODE [INSTANCE-INDEX]: prints the instance state from lvsctl vrrp --json.
state() {
  ctl "$1" vrrp --json 2>/dev/null |
    python3 -c "import json,sys; d=json.load(sys.stdin); print(d['instances'][${2:-0}]['state'])"
}
field() {
  ctl "$1" vrrp --json 2>/dev/null |
    python3 -c "import json,sys; d=json.load(sys.stdin); v=d['instances'][${3:-0}]
for k in '$2'.split('.'): v=v[k]
print(v)"
}
is_state() { [ "$(state "$1" "${3:-0}")" = "$2" ]; }

has_addr() { ip -n "$(ns "$1")" addr show dev "${3:-eth0}" | grep -q " $2/"; }
mac_of() { ip -n "$(ns "$1")" link show dev "${2:-eth0}" | awk '/link\/ether/ {print $2}'; }
# client_neigh_is ADDR MAC: the client's neighbour entry for ADDR has MAC.
client_neigh_is() { ip -n "$(ns c)" neigh show "$1" | grep -qi "lladdr $2"; }
client_ping() { ip netns exec "$(ns c)" ping -c1 -W1 "$1" >/dev/null 2>&1; }

# Helpers are used inside `bash -c` conditions too.
export TMP TAG LVSCTL
export -f ns ctl state field is_state has_addr mac_of client_neigh_is client_ping node_pid
