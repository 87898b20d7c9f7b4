#!/bin/bash
# tests/kernel/setup.sh: idempotent set-up of the kernel test guest (see docs/kernel-harness.md).
#   setup.sh                 install host tools, fetch + unpack the guest kernel, build the initramfs
#   setup.sh --print-kver    print the guest kernel release (e.g. 6.1.0-56-amd64) and exit
#   setup.sh --print-kdir    print the matching kernel headers dir (for `make -C src/kmod`)
# The kernel version is resolved from Debian's linux-image-amd64 metapackage the first time and
# cached in $LVSD_GUEST_DIR/kver (default <repo>/build/kernel-guest); LVSD_KVER overrides it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
GUEST_DIR=${LVSD_GUEST_DIR:-$repo/build/kernel-guest}
export DEBIAN_FRONTEND=noninteractive

resolve_kver() {
  if [ -n "${LVSD_KVER:-}" ]; then echo "$LVSD_KVER"; return; fi
  if [ -s "$GUEST_DIR/kver" ]; then cat "$GUEST_DIR/kver"; return; fi
  local pkg
  pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
        awk '$1=="Depends:" && $2 ~ /^linux-image-[0-9]/ {print $2; exit}')
  if [ -z "$pkg" ]; then
    apt-get update -qq >&2
    pkg=$(apt-cache depends linux-image-amd64 |
          awk '$1=="Depends:" && $2 ~ /^linux-image-[0-9]/ {print $2; exit}')
  fi
  [ -n "$pkg" ] || { echo "setup.sh: cannot resolve linux-image-amd64" >&2; exit 1; }
  echo "${pkg#linux-image-}"
}

case "${1:-}" in
  --print-kver) resolve_kver; exit 0 ;;
  --print-kdir) echo "/usr/src/linux-headers-$(resolve_kver)"; exit 0 ;;
  "") ;;
  *) sed -n '2,8p' "$0"; exit 2 ;;
esac

mkdir -p "$GUEST_DIR"
# One set-up at a time (ctest fixture, module builds and humans may race).
exec 9>"$GUEST_DIR/.setup.lock"
flock 9

"$repo/scripts/install-deps.sh"
KVER=$(resolve_kver)
echo "$KVER" > "$GUEST_DIR/kver.new" && mv "$GUEST_DIR/kver.new" "$GUEST_DIR/kver"

# Host: headers matching the guest kernel, for out-of-tree module builds.
if ! dpkg-query -W -f='${Status}' "linux-headers-$KVER" 2>/dev/null | grep -q 'install ok installed'; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "linux-headers-$KVER" >/dev/null
fi

# Guest pieces: downloaded and unpacked only.
debs=$GUEST_DIR/debs
mkdir -p "$debs"
fetch() {  # fetch PKG GLOB
  if ! ls "$debs"/$2 >/dev/null 2>&1; then
    (cd "$debs" && { apt-get download -q "$1" 2>/dev/null || { apt-get update -qq && apt-get download -q "$1"; }; })
  fi
}
fetch "linux-image-$KVER" "linux-image-${KVER}_*.deb"
fetch busybox-static "busybox-static_*.deb"

kroot=$GUEST_DIR/kernel-$KVER
if [ ! -f "$kroot/lib/modules/$KVER/modules.dep" ]; then
  rm -rf "$kroot.tmp" && dpkg-deb -x "$debs"/linux-image-"${KVER}"_*.deb "$kroot.tmp"
  depmod -b "$kroot.tmp" "$KVER"
  rm -rf "$kroot" && mv "$kroot.tmp" "$kroot"
fi
if [ ! -x "$GUEST_DIR/busybox/bin/busybox" ]; then
  rm -rf "$GUEST_DIR/busybox" && dpkg-deb -x "$debs"/busybox-static_*.deb "$GUEST_DIR/busybox"
fi
# The uncompressed vmlinux carries a PVH note: QEMU boots it directly (~2.5 s instead of ~5 s).
if [ ! -f "$GUEST_DIR/vmlinux-$KVER" ]; then
  python3 - "$kroot/boot/vmlinuz-$KVER" "$GUEST_DIR/vmlinux-$KVER.tmp" <<'PY'
import lzma, sys
data = open(sys.argv[1], 'rb').read()
start = data.find(b'\xfd7zXZ\x00')
if start < 0:
    sys.exit('no XZ payload in ' + sys.argv[1])
out = lzma.LZMADecompressor().decompress(data[start:])
open(sys.argv[2], 'wb').write(out)
PY
  mv "$GUEST_DIR/vmlinux-$KVER.tmp" "$GUEST_DIR/vmlinux-$KVER"
fi

# Base initramfs: rebuilt when missing or older than its inputs.
base=$GUEST_DIR/base-$KVER.cpio
if [ ! -f "$base" ] || [ "$here/build-initramfs.sh" -nt "$base" ] || [ "$here/guest/init" -nt "$base" ]; then
  KVER=$KVER KROOT=$kroot BUSYBOX=$GUEST_DIR/busybox/bin/busybox OUT=$base \
    bash "$here/build-initramfs.sh"
fi
# Busybox applets for host mode (appended to PATH, so real tools win).
if [ ! -d "$GUEST_DIR/host-applets" ]; then
  mkdir -p "$GUEST_DIR/host-applets.tmp"
  for a in $("$GUEST_DIR/busybox/bin/busybox" --list); do
    ln -sf "$GUEST_DIR/busybox/bin/busybox" "$GUEST_DIR/host-applets.tmp/$a"
  done
  mv "$GUEST_DIR/host-applets.tmp" "$GUEST_DIR/host-applets"
fi
echo "kernel-guest: ready in $GUEST_DIR, kernel $KVER (headers /usr/src/linux-headers-$KVER)"
