#!/bin/bash
# Idempotent, non-interactive install of everything lvsd's build and tests need (Debian 12).
# Package lists live in scripts/deps/*.list (one per area; '#' starts a comment).
# Safe to run repeatedly: apt-get runs only when something is missing.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
here=$(cd "$(dirname "$0")" && pwd)
mapfile -t PKGS < <(cat "$here"/deps/*.list | sed 's/#.*//' | tr -s ' \t' '\n' | sed '/^$/d' | sort -u)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "install-deps: need root to install: ${missing[*]}" >&2; exit 1; }
  apt-get update -qq
  # policy-rc.d keeps Debian's postinst scripts from starting services (nginx, keepalived, frr,
  # snmpd) on this machine; tests start their own instances.
  prc=/usr/sbin/policy-rc.d; made_prc=
  if [ ! -e "$prc" ]; then printf '#!/bin/sh\nexit 101\n' > "$prc"; chmod +x "$prc"; made_prc=1; fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [ -z "$made_prc" ] || rm -f "$prc"
  echo "install-deps: installed ${missing[*]}"
else
  echo "install-deps: all ${#PKGS[@]} build/test packages present"
fi
