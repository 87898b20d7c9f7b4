#!/bin/bash
# run-in-guest.sh [-f FILE[:DEST]]... [-t SEC] [-m MB] [-c CPUS] SCRIPT [ARGS...]
# Runs SCRIPT as root in a kernel that has IPVS and exits with its status:
#   guest mode: boots Debian's kernel under QEMU (no network device) with the base initramfs
#               built by setup.sh; SCRIPT runs in /test; output is streamed to stdout.
#   host mode:  when the host kernel has IPVS, runs SCRIPT on the host in fresh network, mount
#               and PID namespaces (private /run/netns, so `ip netns add` names do not collide).
# LVSD_KERNEL_MODE=guest|host|auto (default auto: host when /proc/net/ip_vs exists or
# `modprobe ip_vs` works). Scripts find their files in $TEST_DIR (= their cwd) and should use
# ${TMPDIR:-/tmp} for scratch files.
#   -f FILE[:DEST]  add FILE (default DEST /test/<basename>); dynamic ELF files bring their libs
#   -t SEC          wall-clock timeout, default 300 -> exit 124
#   -m MB / -c N    guest memory (default 1024) / vCPUs (default 2)
# Exit status: SCRIPT's; 124 timeout; 125 guest died without reporting; 2 usage/set-up error.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
GUEST_DIR=${LVSD_GUEST_DIR:-$repo/build/kernel-guest}
TIMEOUT=300 MEM=1024 CPUS=2 FILES=()
usage() { sed -n '2,17p' "$0" >&2; exit 2; }
while getopts "f:t:m:c:h" o; do
  case $o in
    f) FILES+=("$OPTARG") ;; t) TIMEOUT=$OPTARG ;; m) MEM=$OPTARG ;; c) CPUS=$OPTARG ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage
SCRIPT=$1
shift
[ -f "$SCRIPT" ] || { echo "run-in-guest: no such script: $SCRIPT" >&2; exit 2; }

mode=${LVSD_KERNEL_MODE:-auto}
if [ "$mode" = auto ]; then
  mode=guest
  if [ -e /proc/net/ip_vs ] || modprobe -q ip_vs 2>/dev/null; then mode=host; fi
fi

RUN=$(mktemp -d "${TMPDIR:-/tmp}/lvsd-run.XXXXXX")
trap 'rm -rf "$RUN"' EXIT
mkdir -p "$RUN/root/test" "$RUN/tmp"
cp "$SCRIPT" "$RUN/root/test/script.sh"
chmod +x "$RUN/root/test/script.sh"
: > "$RUN/root/test/.argv"
for a in "$@"; do printf '%s\0' "$a" >> "$RUN/root/test/.argv"; done

add_file() {  # add_file SRC DEST
  local lib
  mkdir -p "$RUN/root/$(dirname "$2")"
  cp -L "$1" "$RUN/root/$2" || exit 2
  if [ "$mode" = guest ] && file -L "$1" | grep -q 'dynamically linked'; then
    ldd "$1" 2>/dev/null | grep -oE '/[^ ]+' | while read -r lib; do
      [ -e "$RUN/root/$lib" ] || { mkdir -p "$RUN/root/$(dirname "$lib")"; cp -L "$lib" "$RUN/root/$lib"; }
    done
  fi
}
for f in "${FILES[@]+"${FILES[@]}"}"; do
  src=${f%%:*} dst=${f#*:}
  [ "$dst" = "$f" ] && dst=/test/$(basename "$src")
  add_file "$src" "$dst"
done

if [ "$mode" = host ]; then
  # Everything the script starts dies with the PID namespace; its netns names live in a private
  # tmpfs on /run/netns of its own mount namespace.
  mkdir -p /run/netns
  export TEST_DIR=$RUN/root/test TMPDIR=$RUN/tmp LVSD_KERNEL_MODE=host
  [ -d "$GUEST_DIR/host-applets" ] && export PATH="$PATH:$GUEST_DIR/host-applets"
  timeout -k 5 "$TIMEOUT" unshare --net --mount --pid --fork --mount-proc --propagation private \
    bash -c 'mount -t tmpfs tmpfs /run/netns && mount -t sysfs sysfs /sys && ip link set lo up &&
             cd "$TEST_DIR" && mapfile -d "" -t args < .argv && exec ./script.sh "${args[@]}"' \
    </dev/null 2>&1
  rc=$?
  if [ $rc = 124 ] || [ $rc = 137 ]; then echo "run-in-guest: TIMEOUT after ${TIMEOUT}s" >&2; exit 124; fi
  exit $rc
fi

KVER=$(cat "$GUEST_DIR/kver" 2>/dev/null) || { echo "run-in-guest: run tests/kernel/setup.sh first" >&2; exit 2; }
KERNEL=$GUEST_DIR/vmlinux-$KVER
BASE=$GUEST_DIR/base-$KVER.cpio
BB=$GUEST_DIR/busybox/bin/busybox
for need in "$KERNEL" "$BASE" "$BB"; do
  [ -f "$need" ] || { echo "run-in-guest: missing $need: run tests/kernel/setup.sh" >&2; exit 2; }
done
# Per-run overlay archive after the base one: the kernel unpacks concatenated newc archives in
# order, later files win.
(cd "$RUN/root" && find . | "$BB" cpio -o -H newc 2>/dev/null) > "$RUN/run.cpio"
cat "$BASE" "$RUN/run.cpio" > "$RUN/initrd.cpio"
rm -f "$RUN/run.cpio"
# ttyS0 = console -> stdout; ttyS1 = status channel -> file. No NIC at all.
timeout --foreground -k 5 "$TIMEOUT" \
  qemu-system-x86_64 -M q35 -accel tcg -cpu max -smp "$CPUS" -m "$MEM" \
    -nic none -display none -no-reboot -monitor none \
    -chardev stdio,id=con,signal=off -serial chardev:con -serial "file:$RUN/status" \
    -kernel "$KERNEL" -initrd "$RUN/initrd.cpio" \
    -append "console=ttyS0 quiet loglevel=1 panic=-1 mitigations=off" </dev/null |
  sed -u 's/\r$//' | grep -av --line-buffered -e '^@@LVSD-START' -e 'reboot: Power down'
vmrc=${PIPESTATUS[0]}
if [ "$vmrc" = 124 ] || [ "$vmrc" = 137 ]; then echo "run-in-guest: TIMEOUT after ${TIMEOUT}s" >&2; exit 124; fi
rc=$(sed -n 's/.*@@LVSD-EXIT \([0-9]*\)@@.*/\1/p' "$RUN/status" 2>/dev/null | tail -1)
[ -n "$rc" ] || { echo "run-in-guest: guest did not report an exit status (qemu rc=$vmrc)" >&2; exit 125; }
exit "$rc"
