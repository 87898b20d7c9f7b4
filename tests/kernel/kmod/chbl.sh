#!/bin/bash
# Guest test of ip_vs_chbl with many distinct clients (source addresses on the client's veth):
#  - autoload through "ipvsadm -s chbl" once installed;
#  - each client stays on one destination while under the bound, the one the model predicts
#    (src/kmod/lvsd_chbl.h compiled into chbl_probe: same table, same hash);
#  - removing one of 5 destinations remaps about 1/5 of the clients (and exactly as predicted);
#  - a hot client set (all with the same home) holding connections spills to the next
#    destinations at the bound, connection by connection as the model says, at c = 1.25 and 2.0;
#  - rmmod fails while a service uses chbl;
#  - a bounded high-count run: UDP one-packet scheduling (ipvsadm -o), every request scheduled
#    on its own (a connection entry created and freed per packet), all to the client's home;
#  - dmesg stays clean.
# Counts: NCLIENTS TCP clients, UDP_COUNT requests (arguments 1 and 2; defaults 200 / 100000).
set -uo pipefail
. "$TEST_DIR/common.sh"
NCLIENTS=${1:-200}
UDP_COUNT=${2:-100000}
PROBE=$TEST_DIR/chbl_probe
FIRST=10.1.1.1 # clients FIRST, FIRST+1, ... (NCLIENTS <= 250 keeps them in 10.1.1.0/24)
RIPS=(10.0.2.11 10.0.2.12 10.0.2.13 10.0.2.14 10.0.2.15)
T=${TMPDIR:-/tmp}
trap cleanup EXIT
dmesg -c >/dev/null
[ "$NCLIENTS" -le 250 ] || fail "at most 250 clients"

step "autoload through ipvsadm -s chbl after install"
modprobe -a ip_vs veth bridge || fail "modprobe"
install_modules
ipvsadm -A -t $VIP:80 -s chbl || fail "ipvsadm -A -s chbl"
grep -q '^ip_vs_chbl ' /proc/modules || fail "ip_vs_chbl was not autoloaded"
ipvsadm -Ln | grep -q "TCP  $VIP:80 chbl" || fail "service not listed with chbl"
[ "$(cat /sys/module/ip_vs_chbl/parameters/load_factor)" = 125 ] || fail "load_factor default"

step "topology: $NCLIENTS client addresses, ${#RIPS[@]} backends"
# backends: chbl_probe serve (answers its address); ready once it answers the client's own address
chbl_start() { ip netns exec "b$1" "$PROBE" serve "$2" 80 & }
chbl_ready() { ip netns exec client "$PROBE" map "$2" 80 10.0.1.2 1 >/dev/null 2>&1; }
topology ${#RIPS[@]} chbl_start chbl_ready
# the clients: NCLIENTS more source addresses on the client's veth, 10.1.1.0/24 in 10.1.0.0/16
ip addr add 10.1.0.1/16 dev c-host || fail "director address for the clients"
for i in $(seq 1 "$NCLIENTS"); do echo "addr add 10.1.1.$i/16 dev c-ns"; done | ip -n client -batch - ||
  fail "client addresses"
for r in "${RIPS[@]}"; do ipvsadm -a -t $VIP:80 -r "$r":80 -m -w 1 || fail "add $r"; done
ipvsadm -Ln

step "affinity: $NCLIENTS clients x 2 rounds, each on its predicted home"
"$PROBE" predict 80 $FIRST "$NCLIENTS" "${RIPS[@]}" > "$T/want5" || fail "predict"
start=$(cut -d' ' -f1 /proc/uptime)
ip netns exec client "$PROBE" map $VIP 80 $FIRST "$NCLIENTS" > "$T/map5a" || fail "map round 1"
end=$(cut -d' ' -f1 /proc/uptime)
ip netns exec client "$PROBE" map $VIP 80 $FIRST "$NCLIENTS" > "$T/map5b" || fail "map round 2"
echo "TCP: $NCLIENTS connections in $(awk "BEGIN { print $end - $start }") s"
echo "clients per backend:"; cut -d' ' -f2 "$T/map5a" | sort | uniq -c
cmp -s "$T/map5a" "$T/map5b" || { diff "$T/map5a" "$T/map5b" | head; fail "a client changed destination"; }
cmp -s "$T/map5a" "$T/want5" || { diff "$T/map5a" "$T/want5" | head; fail "not the predicted homes"; }
[ "$(cut -d' ' -f2 "$T/map5a" | sort -u | wc -l)" = 5 ] || fail "not every backend has clients"

step "rmmod while a service uses chbl fails"
if rmmod ip_vs_chbl 2>/dev/null; then fail "rmmod succeeded while in use"; fi
grep -q '^ip_vs_chbl ' /proc/modules || fail "module gone while in use"

step "remove 1 of 5 destinations: about 1/5 of the clients move"
ipvsadm -d -t $VIP:80 -r 10.0.2.15:80 || fail "del 10.0.2.15"
"$PROBE" predict 80 $FIRST "$NCLIENTS" "${RIPS[@]:0:4}" > "$T/want4" || fail "predict"
ip netns exec client "$PROBE" map $VIP 80 $FIRST "$NCLIENTS" > "$T/map4" || fail "map after del"
cmp -s "$T/map4" "$T/want4" || { diff "$T/map4" "$T/want4" | head; fail "not the predicted homes"; }
grep -q 10.0.2.15 "$T/map4" && fail "removed destination still picked"
on15=$(grep -c ' 10.0.2.15$' "$T/map5a")
moved=$(paste -d' ' "$T/map5a" "$T/map4" | awk '$2 != $4' | wc -l)
echo "moved: $moved of $NCLIENTS clients; $on15 were on the removed destination"
# all of the removed destination's clients, and few others (Maglev is near-minimal)
[ "$moved" -ge "$on15" ] || fail "fewer moved than were on the removed destination"
[ $((moved * 100)) -ge $((NCLIENTS * 12)) ] && [ $((moved * 100)) -le $((NCLIENTS * 30)) ] ||
  fail "moved $moved of $NCLIENTS: not about 1/5 (12..30 %)"

# spill FACTOR PORT: a fresh service; the first 12 clients whose home is 10.0.2.11 each open
# a held connection; every answer must be the model's bounded pick.
spill() {
  ipvsadm -A -t $VIP:$2 -s chbl || fail "ipvsadm -A :$2"
  for r in "${RIPS[@]}"; do ipvsadm -a -t $VIP:$2 -r "$r":80 -m -w 1; done
  echo "$1" > /sys/module/ip_vs_chbl/parameters/load_factor || fail "set load_factor"
  grep ' 10.0.2.11$' "$T/want5" | head -12 > "$T/hot"
  [ "$(wc -l < "$T/hot")" = 12 ] || fail "fewer than 12 clients with home 10.0.2.11"
  ip netns exec client "$PROBE" spill $VIP "$2" "$1" "${RIPS[@]}" < "$T/hot" > "$T/spill$1"
  local rc=$?
  cat "$T/spill$1"
  [ $rc = 0 ] || fail "a held connection went elsewhere than the bounded pick"
  home=$(grep -c 'got 10.0.2.11 ' "$T/spill$1")
  # c*(L)/W with L = 12, W = 5: the home may hold at most ceil(c * 12 / 5)
  max=$(( (${1} * 12 + 500 - 1) / 500 ))
  echo "c = $1 %: $home of 12 stayed home (bound $max)"
  [ "$home" -ge 1 ] && [ "$home" -le "$max" ] || fail "home holds $home, bound $max"
  [ "$home" -lt 12 ] || fail "no spill"
  ipvsadm -D -t $VIP:$2
}
step "hot client set spills at the bound, c = 1.25"
spill 125 81
h125=$home
step "hot client set spills at the bound, c = 2.00"
spill 200 82
[ "$home" -gt "$h125" ] || fail "a larger c did not keep more clients home"
echo 125 > /sys/module/ip_vs_chbl/parameters/load_factor

step "$UDP_COUNT one-packet UDP requests (ipvsadm -o) from $NCLIENTS clients"
ipvsadm -A -u $VIP:80 -s chbl -o || fail "ipvsadm -A -u -o"
for r in "${RIPS[@]}"; do ipvsadm -a -u $VIP:80 -r "$r":80 -m -w 1; done
ip netns exec client "$PROBE" udp $VIP 80 $FIRST "$NCLIENTS" "$UDP_COUNT" 64 "${RIPS[@]}" ||
  fail "udp run"
ipvsadm -Ln -u $VIP:80 --stats

step "unload after the services are gone"
ipvsadm -C
poll_until 10 rmmod ip_vs_chbl || fail "rmmod after ipvsadm -C"
dmesg | grep -v -e 'module verification failed' -e 'loading out-of-tree module' |
  grep -E -e '[Bb][Uu][Gg]|[Ww]arn|WARN|[Oo]ops|rcu|leak' -e 'CHBL:' && fail "dmesg not clean"
echo "chbl: PASS"
