#!/bin/bash
# Builds src/kmod out of tree (a copy in OUT) against the guest kernel's headers.
#   build-modules.sh OUT
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
out=${1:?usage: build-modules.sh OUT}
kdir=$("$repo/tests/kernel/setup.sh" --print-kdir)
[ -d "$kdir" ] || { echo "build-modules: no kernel headers at $kdir (run tests/kernel/setup.sh)" >&2; exit 1; }
rm -rf "$out" && mkdir -p "$out"
cp "$repo"/src/kmod/{Kbuild,Makefile,*.c,*.h} "$out"/
make -C "$out" KDIR="$kdir" W=1 2>&1 | tee "$out/build.log"
if grep -E 'warning:|error:' "$out/build.log"; then
  echo "build-modules: the modules must build without warnings" >&2
  exit 1
fi
ls -l "$out"/ip_vs_swrr.ko "$out"/ip_vs_chbl.ko
