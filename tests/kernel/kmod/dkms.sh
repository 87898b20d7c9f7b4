#!/bin/bash
# DKMS packaging of src/kmod, for real: on the host, `dkms add/build/install` against the
# installed linux-headers of the guest kernel release (dkms build -k KVER), then the modules DKMS
# installed are loaded in the guest (vermagic, insmod, "ipvsadm -s" with both schedulers,
# rmmod). All DKMS state of the package is removed afterwards (also on failure), so reruns start
# clean.   dkms.sh
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
fail() { echo "FAIL: $*"; exit 1; }
command -v dkms >/dev/null || fail "dkms not installed (scripts/deps/kmod.list)"
KVER=$("$repo/tests/kernel/setup.sh" --print-kver) || fail "setup.sh --print-kver"
[ -e "/lib/modules/$KVER/build" ] || fail "no headers for $KVER (run tests/kernel/setup.sh)"
NAME=$(sed -n 's/^PACKAGE_NAME="\(.*\)"$/\1/p' "$repo/src/kmod/dkms.conf")
VER=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$repo/src/kmod/dkms.conf")
[ -n "$NAME" ] && [ -n "$VER" ] || fail "dkms.conf: no PACKAGE_NAME/PACKAGE_VERSION"
SRC=/usr/src/$NAME-$VER
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lvsd-dkms.XXXXXX")
# depmod (run by dkms install/remove) writes modules.* indexes next to the headers' build link;
# the ones that were not there before are removed again.
before=" $(cd "/lib/modules/$KVER" && echo modules.*) "
cleanup() {
  local f
  dkms remove -m "$NAME" -v "$VER" --all >/dev/null 2>&1
  rm -rf "$SRC" "$WORK"
  rmdir "/lib/modules/$KVER/updates/dkms" "/lib/modules/$KVER/updates" 2>/dev/null
  for f in "/lib/modules/$KVER"/modules.*; do
    case $before in *" ${f##*/} "*) ;; *) rm -f "$f" ;; esac
  done
}
trap cleanup EXIT
cleanup # a previous run that was killed
mkdir -p "$WORK"

echo "=== dkms add/build/install $NAME/$VER for $KVER"
mkdir -p "$SRC"
cp "$repo"/src/kmod/{Kbuild,Makefile,dkms.conf,*.c,*.h} "$SRC"/
dkms add -m "$NAME" -v "$VER" || fail "dkms add"
dkms build -m "$NAME" -v "$VER" -k "$KVER" || {
  cat "/var/lib/dkms/$NAME/$VER/build/make.log" 2>/dev/null
  fail "dkms build"
}
dkms install -m "$NAME" -v "$VER" -k "$KVER" || fail "dkms install"
dkms status -m "$NAME" -v "$VER" -k "$KVER" | tee "$WORK/status"
grep -q ': installed' "$WORK/status" || fail "dkms status does not say installed"

files=()
for m in ip_vs_swrr ip_vs_chbl; do
  ko=$(find "/lib/modules/$KVER/updates/dkms" -name "$m.ko*" | head -1)
  [ -n "$ko" ] || fail "dkms installed no $m.ko under /lib/modules/$KVER/updates/dkms"
  case $ko in
    *.ko) cp "$ko" "$WORK/$m.ko" ;;
    *.ko.xz) xz -dc "$ko" > "$WORK/$m.ko" ;;
    *.ko.zst) zstd -qdc "$ko" > "$WORK/$m.ko" ;;
    *) fail "unknown module file $ko" ;;
  esac
  modinfo -F vermagic "$WORK/$m.ko" | grep -q "^$KVER " || fail "$m: vermagic is not $KVER"
  files+=(-f "$WORK/$m.ko:/lib/modules/$KVER/updates/dkms/$m.ko")
done

cat > "$WORK/guest.sh" <<'GUEST'
#!/bin/bash
set -uo pipefail
fail() { echo "FAIL: $*"; exit 1; }
dmesg -c >/dev/null
depmod -a || fail "depmod"
modprobe ip_vs || fail "modprobe ip_vs"
ipvsadm -A -t 10.0.0.1:80 -s swrr || fail "ipvsadm -s swrr (autoload of the DKMS module)"
ipvsadm -A -t 10.0.0.1:81 -s chbl || fail "ipvsadm -s chbl (autoload of the DKMS module)"
ipvsadm -Ln
for m in ip_vs_swrr ip_vs_chbl; do
  grep -q "^$m " /proc/modules || fail "$m not loaded"
  modinfo -n $m | grep -q /updates/dkms/ || fail "$m not loaded from updates/dkms"
done
ipvsadm -C
rmmod ip_vs_swrr ip_vs_chbl || fail "rmmod"
dmesg | grep -v -e 'module verification failed' -e 'loading out-of-tree module' |
  grep -E -e '[Bb][Uu][Gg]|[Ww]arn|WARN|[Oo]ops|rcu' && fail "dmesg not clean"
echo "dkms modules in the guest: PASS"
GUEST
echo "=== the DKMS-built modules in the guest"
"$repo/tests/kernel/run-in-guest.sh" -t 120 "${files[@]}" "$WORK/guest.sh" || fail "guest"
echo "dkms: PASS"
