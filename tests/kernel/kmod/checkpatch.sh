#!/bin/bash
# checkpatch.pl --no-tree over src/kmod: no errors, no warnings. checkpatch.pl is not in Debian's
# linux-headers; it is taken once from the linux-source-6.1 tarball into CACHE.
#   checkpatch.sh CACHE
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
cache=${1:?usage: checkpatch.sh CACHE}
tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | head -1)
if [ ! -x "$cache/scripts/checkpatch.pl" ]; then
  [ -n "$tarball" ] || { echo "checkpatch: no /usr/src/linux-source-*.tar.xz (scripts/deps/kmod.list)" >&2; exit 1; }
  rm -rf "$cache.tmp" && mkdir -p "$cache.tmp"
  top=$(basename "$tarball" .tar.xz)
  tar -C "$cache.tmp" -xJf "$tarball" --strip-components=1 "$top/scripts/checkpatch.pl" \
    "$top/scripts/spelling.txt" "$top/scripts/const_structs.checkpatch"
  rm -rf "$cache" && mv "$cache.tmp" "$cache"
fi
# lvsd_user.h is the userspace shim (typedefs for the tests), not kernel code.
files=("$repo"/src/kmod/*.c "$repo"/src/kmod/lvsd_swrr.h "$repo"/src/kmod/lvsd_chbl.h)
out=$(cd "$cache" && perl scripts/checkpatch.pl --no-tree --strict -q -f "${files[@]}" 2>&1) || true
echo "$out"
if [ -n "$out" ]; then echo "checkpatch: FAIL"; exit 1; fi
echo "checkpatch: ${#files[@]} files clean"
