#!/bin/bash
# README command (1): build lvsd and run it for real in a throwaway network namespace.
#
#   1. install build/test packages (scripts/install-deps.sh) and build into build/ (Ninja)
#   2. create a network namespace with a dummy interface lvsd0 = 10.200.0.1/24
#      (the shipped etc/lvsd.conf runs its VRRP instance on lvsd0)
#   3. start lvsd with etc/lvsd.conf, as shipped, inside it; only the control socket and pid file
#      are pointed at a temp directory (-s / --pid-file) so nothing touches /run/lvsd
#   4. wait for the control socket, show `lvsctl status`; wait until VRRP instance VI_1 is master
#      and its VIP 10.200.0.100 is on lvsd0, show `lvsctl vrrp`
#   5. stop lvsd with SIGTERM and show that it exited 0
#   6. the reference IPVS demo in a QEMU guest running Debian's kernel (the host may have no IPVS;
#      tests/kernel/setup.sh prepares the guest): three backends in namespaces answer "This is
#      service #1/#2/#3" behind a NAT virtual service that lvsd programs from
#      etc/examples/demo-guest.conf: rr, 12 requests (4/4/4); then the config gets backend #1
#      weight 3 and scheduler wrr, lvsctl reload, 12 more requests (8/2/2, cumulative 12/6/6); the
#      stats table (`lvsctl ipvs --stats`, checked equal to `ipvsadm -Ln --stats`) after each phase
# (lvsd0 is a veth pair when the kernel has no dummy driver.)
# Everything it creates (namespace, processes, temp dir) is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "demo: needs root (network namespaces)" >&2; exit 1; }

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "dependencies and build"
scripts/install-deps.sh
BUILD=${BUILD_DIR:-build}
cmake -S . -B "$BUILD" -G Ninja >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target lvsd lvsctl
LVSD=$PWD/$BUILD/src/daemon/lvsd
LVSCTL=$PWD/$BUILD/src/ctl/lvsctl

NS="lvsd-demo-$$"
TMP=$(mktemp -d /tmp/lvsd-demo.XXXXXX)
SOCK=$TMP/lvsd.sock
LVSD_PID=
cleanup() {
  [ -z "$LVSD_PID" ] || kill -9 "$LVSD_PID" 2>/dev/null || true
  ip netns del "$NS" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

say "network namespace $NS with lvsd0 = 10.200.0.1/24"
ip netns add "$NS"
ip -n "$NS" link set lo up
# A dummy interface where the kernel has the dummy driver; a veth pair otherwise (either gives
# lvsd a real, up, multicast-capable interface named lvsd0).
if ! ip -n "$NS" link add lvsd0 type dummy 2>/dev/null; then
  ip -n "$NS" link add lvsd0 type veth peer name lvsd0-peer
  ip -n "$NS" link set lvsd0-peer up
fi
ip -n "$NS" addr add 10.200.0.1/24 dev lvsd0
ip -n "$NS" link set lvsd0 up
ip -n "$NS" -brief addr show lvsd0

say "lvsd -t -f etc/lvsd.conf"
"$LVSD" -t -f etc/lvsd.conf

say "start lvsd (foreground, logging to stderr)"
ip netns exec "$NS" "$LVSD" --foreground -f etc/lvsd.conf -s "$SOCK" --pid-file "$TMP/lvsd.pid" &
LVSD_PID=$!
deadline=$((SECONDS + 10))
until "$LVSCTL" -s "$SOCK" version >/dev/null 2>&1; do
  kill -0 "$LVSD_PID" 2>/dev/null || { echo "demo: lvsd exited during startup" >&2; exit 1; }
  ((SECONDS < deadline)) || { echo "demo: no control socket after 10 s" >&2; exit 1; }
  sleep 0.1  # polling interval
done

say "lvsctl status"
"$LVSCTL" -s "$SOCK" status

say "VRRP: alone on lvsd0, VI_1 becomes master after Master_Down_Interval (~3.6 s)"
deadline=$((SECONDS + 15))
until "$LVSCTL" -s "$SOCK" vrrp --json 2>/dev/null | grep -q '"state": *"master"'; do
  ((SECONDS < deadline)) || { echo "demo: VI_1 did not become master in 15 s" >&2; exit 1; }
  sleep 0.2  # polling interval
done
"$LVSCTL" -s "$SOCK" vrrp
ip -n "$NS" -brief addr show lvsd0

say "stop lvsd with SIGTERM"
kill -TERM "$LVSD_PID"
set +e
wait "$LVSD_PID"
rc=$?
set -e
LVSD_PID=
echo "lvsd exited with status $rc"
[ "$rc" = 0 ] || exit 1

say "reference IPVS demo: lvsd in a QEMU guest (tests/kernel/setup.sh, run-in-guest.sh)"
tests/kernel/setup.sh
tests/kernel/run-in-guest.sh -t 300 -f "$LVSD" -f "$LVSCTL" -f tests/kernel/ipvs/lib.sh \
  -f tests/kernel/ipvs/daemon_lib.sh -f etc/examples/demo-guest.conf \
  tests/kernel/ipvs/daemon_demo.sh demo-guest.conf
say "demo finished"
