#!/bin/bash
# Builds the base initramfs of the kernel test guest (called by setup.sh).
# Env: KVER (kernel release), KROOT (unpacked linux-image package), BUSYBOX (static busybox),
# OUT (the .cpio to write). Contents: busybox applets, dash as /bin/sh, bash, iproute2, ipvsadm,
# kmod (each with its shared libraries), the IPVS/veth/bridge/dummy/tunnel modules, /init.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${KVER:?}" "${KROOT:?}" "${BUSYBOX:?}" "${OUT:?}"
root=$(mktemp -d "${OUT}.root.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,run,root,lib64,usr/bin,usr/sbin,test}

cp "$BUSYBOX" "$root/bin/busybox"
# Debian's busybox-static runs its own applets from its sh even when PATH has the real tool, so
# /bin/sh is dash, and no applet link is made where a real tool is provided.
real=" ip modprobe insmod rmmod lsmod modinfo depmod sh ash bash "
for a in $("$BUSYBOX" --list); do
  case "$real" in *" $a "*) continue ;; esac
  [ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
done

copy_elf() {  # copy_elf SRC [DEST]: the file and, when dynamic, every library ldd names
  local src=$1 dst=${2:-$1} lib
  mkdir -p "$root/$(dirname "$dst")"
  cp -L "$src" "$root/$dst"
  ldd "$src" 2>/dev/null | grep -oE '/[^ ]+' | while read -r lib; do
    [ -e "$root/$lib" ] || { mkdir -p "$root/$(dirname "$lib")"; cp -L "$lib" "$root/$lib"; }
  done
}
copy_elf /bin/dash /bin/dash && ln -sf dash "$root/bin/sh"
copy_elf /bin/bash /bin/bash
copy_elf /usr/sbin/ipvsadm /usr/sbin/ipvsadm
copy_elf /usr/sbin/ipvsadm-save /usr/sbin/ipvsadm-save 2>/dev/null || true
copy_elf /usr/sbin/ipvsadm-restore /usr/sbin/ipvsadm-restore 2>/dev/null || true
copy_elf "$(readlink -f /usr/sbin/ip 2>/dev/null || readlink -f /bin/ip)" /sbin/ip
copy_elf /usr/bin/kmod /sbin/kmod
for t in modprobe insmod rmmod lsmod modinfo depmod; do ln -sf kmod "$root/sbin/$t"; done

mods="ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_sh ip_vs_mh ip_vs_sed ip_vs_nq ip_vs_dh
      ip_vs_fo ip_vs_ovf ip_vs_lblc ip_vs_lblcr ip_vs_twos ip_vs_ftp ip_vs_pe_sip
      veth bridge dummy macvlan ipip ip_gre fou ip6_tunnel sit nf_conntrack nf_nat nf_tables
      nft_chain_nat"
md=$root/lib/modules/$KVER
mkdir -p "$md"
kmoddir=$(readlink -f "$KROOT/lib/modules/$KVER")
for m in $mods; do
  modprobe -d "$KROOT" -S "$KVER" --show-depends "$m" 2>/dev/null | awk '$1=="insmod"{print $2}' || true
done | sort -u | while read -r ko; do
  rel=${ko#"$kmoddir/"}
  rel=${rel#"$KROOT/lib/modules/$KVER/"}
  mkdir -p "$md/$(dirname "$rel")"
  cp "$ko" "$md/$rel"
done
cp "$KROOT/lib/modules/$KVER"/modules.{order,builtin,builtin.modinfo} "$md/" 2>/dev/null || true
depmod -b "$root" "$KVER"

echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
echo "root:x:0:" > "$root/etc/group"
printf '127.0.0.1 localhost\n::1 localhost\n' > "$root/etc/hosts"
printf 'tcp 6 TCP\nudp 17 UDP\nsctp 132 SCTP\n' > "$root/etc/protocols"
: > "$root/etc/fstab"
cp "$here/guest/init" "$root/init"
chmod +x "$root/init"

(cd "$root" && find . | "$BUSYBOX" cpio -o -H newc 2>/dev/null) > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "initramfs: $OUT ($(du -h "$OUT" | cut -f1), $(find "$md" -name '*.ko*' | wc -l) modules)"
