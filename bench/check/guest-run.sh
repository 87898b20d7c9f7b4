#!/bin/bash
# Runs bench/check/guest-bench.sh in the kernel test guest (QEMU; TCG here).
#   bench/check/guest-run.sh BUILD_DIR [N=5000] [SECS=20]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=$(realpath "${1:?usage: $0 BUILD_DIR [N] [SECS]}")
exec "$repo/tests/kernel/run-in-guest.sh" -t 600 -m 2048 \
  -f "$build/src/daemon/lvsd" -f "$build/src/ctl/lvsctl" \
  -f /usr/sbin/nginx:/test/nginx -f /usr/sbin/keepalived:/test/keepalived \
  "$repo/bench/check/guest-bench.sh" "${2:-5000}" "${3:-20}"
