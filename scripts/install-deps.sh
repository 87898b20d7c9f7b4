#!/bin/bash
# Idempotent, non-interactive install of everything lvsd's build and tests need (Debian 12).
# Safe to run repeatedly: apt-get only installs what is missing.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
PKGS=(
  # build
  build-essential cmake ninja-build pkg-config clang clang-14 libclang-rt-14-dev clang-format
  libconfig++-dev libnl-3-dev libnl-genl-3-dev libnl-route-3-dev
  libboost-dev libboost-system-dev nlohmann-json3-dev libcli11-dev
  libsystemd-dev libssl-dev libpcre2-dev libgtest-dev libgmock-dev
  # tests: namespaces, peers, tools
  iproute2 iputils-ping procps psmisc systemd python3 file cpio kmod
  # kernel harness (QEMU guest with Debian's kernel)
  qemu-system-x86 ipvsadm
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "install-deps: need root to install: ${missing[*]}" >&2; exit 1; }
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "install-deps: installed ${missing[*]}"
else
  echo "install-deps: all build/test packages present"
fi
