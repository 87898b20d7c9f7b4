#!/bin/bash
# bench/ipvs/run.sh [BUILD_DIR] [SIZES...]: IPVS apply/reload benchmark in the kernel test guest
# (default sizes 1000 10000). Needs tests/kernel/setup.sh and a build of lvsd-ipvs-bench.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$repo/build}
shift || true
[ $# -gt 0 ] || set -- 1000 10000
exec "$repo/tests/kernel/run-in-guest.sh" -t 1800 -m 3072 \
  -f "$build/bench/ipvs/lvsd-ipvs-bench" -f /usr/sbin/keepalived:/usr/sbin/keepalived \
  "$repo/bench/ipvs/guest-bench.sh" "$@"
