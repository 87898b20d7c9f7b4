#!/bin/bash
# `systemd-analyze verify` on etc/systemd/lvsd.service, with ExecStart pointed at the built
# binary (verify checks the executable exists). Also checks the settings the unit must keep.
. "$(dirname "$0")/common.sh"
SRC=${3:?usage: $0 LVSD LVSCTL SRCDIR}
UNIT=$SRC/etc/systemd/lvsd.service
command -v systemd-analyze >/dev/null || skip "systemd-analyze not installed"
tmpdir_create D
sed "s#/usr/sbin/lvsd#$LVSD#g" "$UNIT" >"$D/lvsd.service"
grep -q "$LVSD --foreground" "$D/lvsd.service" || fail "ExecStart not rewritten"
out=$(systemd-analyze verify --man=no "$D/lvsd.service" 2>&1) || fail "verify failed: $out"
[ -z "$out" ] || fail "verify printed warnings: $out"
pass "systemd-analyze verify is clean"
for want in "Type=notify" "ExecReload=/bin/kill -HUP \$MAINPID" "WatchdogSec=" "Restart=on-failure" \
  "NotifyAccess=main" "RuntimeDirectory=lvsd" "ProtectSystem=strict" "ProtectHome=yes" \
  "PrivateTmp=yes" "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK AF_PACKET"; do
  grep -qF "$want" "$UNIT" || fail "unit lacks $want"
done
pass "unit has Type=notify, reload, watchdog, restart and hardening settings"
for cap in CAP_NET_ADMIN CAP_NET_RAW; do
  grep -E "^CapabilityBoundingSet=.*$cap" "$UNIT" >/dev/null || fail "bounding set lacks $cap"
  grep -E "^AmbientCapabilities=.*$cap" "$UNIT" >/dev/null || fail "ambient set lacks $cap"
done
pass "CAP_NET_ADMIN and CAP_NET_RAW granted"
