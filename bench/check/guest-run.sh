#!/bin/bash
# Runs bench/check/guest-bench.sh in the kernel test guest (QEMU; TCG here).
#   bench/check/guest-run.sh BUILD_DIR [N=5000] [SECS=20] [http|tcp]
# With BUILD_DIR/bench/check/check_conn_floor built, the floor runs too.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=$(realpath "${1:?usage: $0 BUILD_DIR [N] [SECS]}")
extra=()
floor=$build/bench/check/check_conn_floor
[ ! -x "$floor" ] || extra=(-f "$floor:/test/conn_floor")
exec "$repo/tests/kernel/run-in-guest.sh" -t 600 -m 2048 \
  -f "$build/src/daemon/lvsd" -f "$build/src/ctl/lvsctl" \
  -f /usr/sbin/nginx:/test/nginx -f /usr/sbin/keepalived:/test/keepalived "${extra[@]}" \
  "$repo/bench/check/guest-bench.sh" "${2:-5000}" "${3:-20}" "${4:-http}"
